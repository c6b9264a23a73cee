package io.tofunetty.integration.bench;

import com.sun.jna.Library;
import com.sun.jna.Native;
import io.netty.channel.Channel;

import java.util.List;

/**
 * The native-call census, run in its own JVM under Wine's relay trace ({@code WINEDEBUG=+relay} with
 * {@code RelayFromInclude=nio;jnidispatch}): Wine then logs every call that the JDK's NIO library ({@code nio.dll},
 * which holds the socket natives and the bundled wepoll) or JNA ({@code jnidispatch.dll}, through which the AFD
 * transport calls) makes into a Windows DLL. Both transports are counted the same way, at the DLL boundary.
 *
 * <p>This side only runs the load and marks each measurement window in the trace: a
 * {@code SetEnvironmentVariableA("TOFU_BENCH_CENSUS", "begin|end ...")} call, which the relay trace prints with its
 * string arguments. {@link RelayCensus} counts the calls between the marks on Linux.
 */
final class Census {
    static final String VARIABLE = "TOFU_BENCH_CENSUS";

    /** kernel32 by interface mapping: the marks are rare, and this way they leave through jnidispatch too. */
    interface Kernel32Marks extends Library {
        boolean SetEnvironmentVariableA(String name, String value);
    }

    private static Kernel32Marks marks;

    private Census() {
    }

    private static synchronized Kernel32Marks marks() {
        if (marks == null) {
            marks = Native.load("kernel32", Kernel32Marks.class);
        }
        return marks;
    }

    /** Marks a point in the relay trace: {@code what} must not contain double quotes. */
    static void mark(String what) {
        marks().SetEnvironmentVariableA(VARIABLE, what);
    }

    /**
     * One census window: the load of a throughput shape (a window of 1 with 1-byte messages is the ping-pong) runs
     * for the warm-up time, then the window is marked; the end mark carries the messages echoed in between.
     */
    static void run(BenchTransport t, String workload, int size, int conns, int window, Workloads.Timing timing)
            throws Exception {
        if (t.isAlt()) {
            runAlt(t, workload, size, conns, window, timing);
            return;
        }
        try (EchoRig rig = new EchoRig(t, false); EchoLoad load = new EchoLoad(size, window)) {
            List<Channel> channels = rig.connect(conns, load::newHandler);
            Thread.sleep(timing.warmupMillis());
            String id = t.name + ' ' + workload + ' ' + Workloads.throughputParams(size, conns, window);
            marks(); // loaded before the window: loading is slow under the relay trace
            mark("begin " + id);
            long m0 = load.messages(); // after the begin mark and before the end mark: no call counted is missed
            Thread.sleep(timing.measureMillis());
            long m1 = load.messages();
            mark("end " + id + " messages=" + (m1 - m0));
            load.stop();
            rig.closeAll(channels);
            if (load.error() != null) {
                throw new java.io.IOException("census load failed on " + t + ": " + load.error(), load.error());
            }
            BenchMain.progressValue((m1 - m0) + " messages in the traced window");
        }
    }

    /** The same window on a prototype design (its calls leave through jnidispatch as well). */
    private static void runAlt(BenchTransport t, String workload, int size, int conns, int window,
                               Workloads.Timing timing) throws Exception {
        try (io.tofunetty.integration.bench.alt.AltRig rig = new io.tofunetty.integration.bench.alt.AltRig(t.alt, size, window)) {
            rig.connectActive(conns);
            Thread.sleep(timing.warmupMillis());
            String id = t.name + ' ' + workload + ' ' + Workloads.throughputParams(size, conns, window);
            marks();
            mark("begin " + id);
            long m0 = rig.messages();
            Thread.sleep(timing.measureMillis());
            long m1 = rig.messages();
            mark("end " + id + " messages=" + (m1 - m0));
            rig.stop();
            if (rig.error() != null) {
                throw new java.io.IOException("census load failed on " + t + ": " + rig.error());
            }
            BenchMain.progressValue((m1 - m0) + " messages in the traced window");
        }
    }
}
