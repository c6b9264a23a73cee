package io.tofunetty.integration.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.tofunetty.afd.AfdIoHandlerOptions;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.win32.NativeCallCounter;
import io.tofunetty.integration.bench.alt.AltCalls;
import io.tofunetty.integration.bench.alt.AltRig;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The five workloads. Each call sets up a fresh rig for one transport, lets the load run for the warm-up time, counts
 * what completes during the measurement window, tears everything down and records one value per metric.
 */
final class Workloads {
    static final String PING_PONG = "ping-pong";
    static final String THROUGHPUT = "throughput";
    static final String IDLE = "idle";
    static final String IDLE_GROUPS = "idle-groups";
    static final String CHURN = "churn";
    static final String WAKEUP = "wakeup";
    static final String NATIVE_CALLS = "native-calls";

    /** Connections that carry the load in the idle-scaling workload. */
    static final int IDLE_ACTIVE = 10;
    static final int IDLE_SIZE = 64;
    static final int IDLE_WINDOW = 1;
    /** Connect-close chains running at once in the churn workload. */
    static final int CHURN_PARALLEL = 4;

    /** Times of one measurement. */
    record Timing(long warmupMillis, long measureMillis) {
    }

    /** The CPU clocks of this JVM and of the wineserver (under Wine). */
    static final CpuClock CPU = CpuClock.detect();

    /**
     * What a measurement window saw: completed operations, elapsed time, AFD native calls by kind, CPU time of this
     * JVM and of the wineserver (-1 when unknown).
     */
    record Window(long count, long nanos, long[] nativeCalls, long jvmCpuNanos, long serverCpuNanos) {
        double perSecond() {
            return count * 1e9 / nanos;
        }

        double microsPerOp() {
            return count == 0 ? Double.NaN : nanos / 1e3 / count;
        }

        /** JVM plus wineserver CPU microseconds per operation. */
        double cpuMicrosPerOp() {
            return count == 0 || jvmCpuNanos < 0 ? Double.NaN : (jvmCpuNanos + Math.max(0, serverCpuNanos)) / 1e3
                    / count;
        }
    }

    interface Counter {
        long get();
    }

    private Workloads() {
    }

    static String throughputParams(int size, int conns, int window) {
        return "size=" + size + ",conns=" + conns + ",window=" + window;
    }

    static String idleParams(int idle) {
        return "idle=" + idle + ",active=" + IDLE_ACTIVE + ",size=" + IDLE_SIZE + ",window=" + IDLE_WINDOW;
    }

    static String idleGroupParams(int idle, int group) {
        return idleParams(idle) + ",group=" + group;
    }

    /** The pipelining window used for a message size: 32 messages, 16 for 16 KiB ones (256 KiB per connection). */
    static int window(int size) {
        return size >= 16384 ? 16 : 32;
    }

    // ------------------------------------------------------------------------------------------ 1 and 2: echo

    /** Workload 1: 1-byte ping-pong on one connection; the round-trip time. */
    static void pingPong(BenchTransport t, Timing timing, Results results, int run) throws Exception {
        if (t.isAlt()) {
            altPingPong(t, timing, results, run);
            return;
        }
        try (EchoRig rig = new EchoRig(t, false); EchoLoad load = new EchoLoad(1, 1)) {
            List<Channel> channels = rig.connect(1, load::newHandler);
            Window w = measure(timing, load::messages);
            check(load, rig);
            load.stop();
            rig.closeAll(channels);
            String params = "size=1,conns=1,window=1";
            results.add(PING_PONG, params, t.name, "rtt", "us", run, w.microsPerOp());
            recordCpu(t, PING_PONG, params, w, results, run);
            recordNativeCalls(t, PING_PONG, params, w, results, run);
            BenchMain.progressValue(String.format("%.1f us round trip", w.microsPerOp()));
        }
    }

    /**
     * Workload 2: pipelined echo throughput, one message size after the other on the same {@code conns} connections
     * (everything in flight drains between sizes; each size has its own warm-up).
     */
    static void throughput(BenchTransport t, int[] sizes, int conns, Timing timing, Results results, int run)
            throws Exception {
        if (t.isAlt()) {
            altThroughput(t, sizes, conns, timing, results, run);
            return;
        }
        try (EchoRig rig = new EchoRig(t, false); EchoLoad load = new EchoLoad(sizes[0], window(sizes[0]))) {
            List<Channel> channels = rig.connect(conns, load::newHandler);
            StringBuilder progress = new StringBuilder();
            try {
                for (int i = 0; i < sizes.length; i++) {
                    int size = sizes[i];
                    if (i > 0) {
                        load.switchTo(size, window(size));
                    }
                    Window w = measure(timing, load::messages);
                    check(load, rig);
                    String params = throughputParams(size, conns, window(size));
                    results.add(THROUGHPUT, params, t.name, "msgs_per_s", "msg/s", run, w.perSecond());
                    results.add(THROUGHPUT, params, t.name, "mib_per_s", "MiB/s", run,
                            w.perSecond() * size / (1 << 20));
                    recordCpu(t, THROUGHPUT, params, w, results, run);
                    recordNativeCalls(t, THROUGHPUT, params, w, results, run);
                    progress.append(String.format("%s%d B: %,.0f msg/s", i == 0 ? "" : "; ", size, w.perSecond()));
                }
            } finally {
                load.stop();
                rig.closeAll(channels);
            }
            BenchMain.progressValue(progress.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ 3: idle

    /**
     * Workload 3: {@value #IDLE_ACTIVE} connections ping-ponging {@value #IDLE_SIZE}-byte messages while idle
     * connections are added between measurements (0, then up to each level). Both ends of every idle connection live
     * on this rig's loops, so each level means twice that many idle sockets polled by the transport. AFD results go to
     * {@link #IDLE_GROUPS} (with the group size) and, for the default group size, to {@link #IDLE} as well.
     */
    static void idle(BenchTransport t, int[] levels, Timing timing, Results results, int run) throws Exception {
        if (t.isAlt()) {
            altIdle(t, levels, timing, results, run);
            return;
        }
        try (EchoRig rig = new EchoRig(t, false); EchoLoad load = new EchoLoad(IDLE_SIZE, IDLE_WINDOW)) {
            List<Channel> active = rig.connect(IDLE_ACTIVE, load::newHandler);
            List<Channel> idle = new ArrayList<>();
            long memory0 = ProcessMemory.workingSet();
            long pinned0 = AfdCounters.receiveBytesPinned();
            StringBuilder progress = new StringBuilder();
            try {
                for (int level : levels) {
                    if (level > idle.size()) {
                        idle.addAll(rig.connect(level - idle.size(), IdleClient::new));
                    }
                    BenchMain.progressDetail("measuring beside " + level + " idle connections");
                    Window w = measure(timing, load::messages);
                    if (!t.isAfd() || t.groupSize == AfdIoHandlerOptions.defaults().groupSize()) {
                        recordIdleMemory(t, level, memory0, results, run);
                    }
                    if (t.isAfd() && level > 0) {
                        // exact: receive buffers and records the kernel may write (completion reads), after the window
                        results.add(IDLE, idleParams(level), t.name, "native_receive_kib_per_idle_conn", "KiB", run,
                                (AfdCounters.receiveBytesPinned() - pinned0) / 1024.0 / level);
                    }
                    check(load, rig);
                    if (t.isAfd()) {
                        String params = idleGroupParams(level, t.groupSize);
                        results.add(IDLE_GROUPS, params, t.name, "msgs_per_s", "msg/s", run, w.perSecond());
                        recordCpu(t, IDLE_GROUPS, params, w, results, run);
                        recordNativeCalls(t, IDLE_GROUPS, params, w, results, run);
                    }
                    if (!t.isAfd() || t.groupSize == AfdIoHandlerOptions.defaults().groupSize()) {
                        String params = idleParams(level);
                        results.add(IDLE, params, t.name, "msgs_per_s", "msg/s", run, w.perSecond());
                        recordCpu(t, IDLE, params, w, results, run);
                        recordNativeCalls(t, IDLE, params, w, results, run);
                    }
                    progress.append(String.format("%sidle %d: %,.0f msg/s", progress.length() == 0 ? "" : "; ",
                            level, w.perSecond()));
                }
            } finally {
                load.stop();
                rig.closeAll(idle);
                rig.closeAll(active);
            }
            BenchMain.progressValue(progress.toString());
        }
    }

    /** An idle connection: reads nothing, writes nothing; only a failure is worth noting. */
    private static final class IdleClient extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            BenchMain.warn("idle connection failed: " + cause);
            ctx.close();
        }
    }

    // ------------------------------------------------------------------------------------------ 1-3 on the prototypes

    /** Ping-pong on a prototype design (docs/alternatives.md): the same shape and records as {@link #pingPong}. */
    private static void altPingPong(BenchTransport t, Timing timing, Results results, int run) throws Exception {
        try (AltRig rig = new AltRig(t.alt, 1, 1)) {
            rig.connectActive(1);
            Window w = measure(timing, rig::messages, AltCalls::snapshot);
            altCheck(rig);
            rig.stop();
            String params = "size=1,conns=1,window=1";
            results.add(PING_PONG, params, t.name, "rtt", "us", run, w.microsPerOp());
            recordCpu(t, PING_PONG, params, w, results, run);
            recordNativeCalls(t, PING_PONG, params, w, results, run);
            BenchMain.progressValue(String.format("%.1f us round trip", w.microsPerOp()));
        }
    }

    private static void altThroughput(BenchTransport t, int[] sizes, int conns, Timing timing, Results results,
                                      int run) throws Exception {
        try (AltRig rig = new AltRig(t.alt, sizes[0], window(sizes[0]))) {
            rig.connectActive(conns);
            StringBuilder progress = new StringBuilder();
            for (int i = 0; i < sizes.length; i++) {
                int size = sizes[i];
                if (i > 0) {
                    rig.switchTo(size, window(size));
                }
                Window w = measure(timing, rig::messages, AltCalls::snapshot);
                altCheck(rig);
                String params = throughputParams(size, conns, window(size));
                results.add(THROUGHPUT, params, t.name, "msgs_per_s", "msg/s", run, w.perSecond());
                results.add(THROUGHPUT, params, t.name, "mib_per_s", "MiB/s", run, w.perSecond() * size / (1 << 20));
                recordCpu(t, THROUGHPUT, params, w, results, run);
                recordNativeCalls(t, THROUGHPUT, params, w, results, run);
                progress.append(String.format("%s%d B: %,.0f msg/s", i == 0 ? "" : "; ", size, w.perSecond()));
            }
            rig.stop();
            BenchMain.progressValue(progress.toString());
        }
    }

    private static void altIdle(BenchTransport t, int[] levels, Timing timing, Results results, int run)
            throws Exception {
        try (AltRig rig = new AltRig(t.alt, IDLE_SIZE, IDLE_WINDOW)) {
            rig.connectActive(IDLE_ACTIVE);
            int idle = 0;
            long memory0 = ProcessMemory.workingSet();
            long native0 = AltRig.nativeReceiveBytes();
            StringBuilder progress = new StringBuilder();
            for (int level : levels) {
                if (level > idle) {
                    rig.connectIdle(level - idle);
                    idle = level;
                }
                BenchMain.progressDetail("measuring beside " + level + " idle connections");
                Window w = measure(timing, rig::messages, AltCalls::snapshot);
                recordIdleMemory(t, level, memory0, results, run);
                if (level > 0) {
                    // exact: what the design keeps per socket for the kernel to write, after the window
                    results.add(IDLE, idleParams(level), t.name, "native_receive_kib_per_idle_conn", "KiB", run,
                            (AltRig.nativeReceiveBytes() - native0) / 1024.0 / level);
                }
                altCheck(rig);
                String params = idleParams(level);
                results.add(IDLE, params, t.name, "msgs_per_s", "msg/s", run, w.perSecond());
                recordCpu(t, IDLE, params, w, results, run);
                recordNativeCalls(t, IDLE, params, w, results, run);
                progress.append(String.format("%sidle %d: %,.0f msg/s", progress.length() == 0 ? "" : "; ", level,
                        w.perSecond()));
            }
            rig.stop();
            BenchMain.progressValue(progress.toString());
        }
    }

    /**
     * Working-set growth per idle connection (both of its sockets live in this process), sampled after the
     * measurement window at each level, against the sample taken before any idle connection was opened: an estimate
     * (the Java heap moves too).
     */
    private static void recordIdleMemory(BenchTransport t, int level, long memory0, Results results, int run) {
        long now = ProcessMemory.workingSet();
        if (level > 0 && memory0 > 0 && now > 0) {
            results.add(IDLE, idleParams(level), t.name, "working_set_kib_per_idle_conn", "KiB", run,
                    (now - memory0) / 1024.0 / level);
        }
    }

    private static void altCheck(AltRig rig) throws IOException {
        if (rig.error() != null) {
            throw new IOException("the echo load failed on " + rig.design.transportName + ": " + rig.error());
        }
    }

    // ------------------------------------------------------------------------------------------ 4: churn

    /**
     * Workload 4: connect, accept, close. {@value #CHURN_PARALLEL} chains each connect, wait until the server (which
     * closes every connection as soon as it accepts it) has closed, see the end of stream and close, then start over.
     */
    static void churn(BenchTransport t, Timing timing, Results results, int run) throws Exception {
        try (EchoRig rig = new EchoRig(t, true)) {
            Churn churn = new Churn(rig.bootstrap(new ChurnClient()), rig);
            for (int i = 0; i < CHURN_PARALLEL; i++) {
                churn.next();
            }
            Window w = measure(timing, churn.cycles::sum);
            churn.stop();
            if (churn.error.get() != null) {
                throw new IOException("churn failed on " + t + ": " + churn.error.get(), churn.error.get());
            }
            String params = "parallel=" + CHURN_PARALLEL;
            results.add(CHURN, params, t.name, "conns_per_s", "conn/s", run, w.perSecond());
            recordCpu(t, CHURN, params, w, results, run);
            BenchMain.progressValue(String.format("%,.0f connections/s", w.perSecond()));
        }
    }

    private static final class Churn {
        final Bootstrap bootstrap;
        final EchoRig rig;
        final LongAdder cycles = new LongAdder();
        final AtomicInteger chains = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean running = true;

        Churn(Bootstrap bootstrap, EchoRig rig) {
            this.bootstrap = bootstrap;
            this.rig = rig;
        }

        void next() {
            if (!running || error.get() != null) {
                return;
            }
            chains.incrementAndGet();
            ChannelFuture connect = bootstrap.connect(rig.address());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    error.compareAndSet(null, f.cause());
                    chains.decrementAndGet();
                    return;
                }
                // The server closes at once: the end of stream closes the client channel (auto-close).
                connect.channel().closeFuture().addListener(c -> {
                    cycles.increment();
                    chains.decrementAndGet();
                    next();
                });
            });
        }

        void stop() throws InterruptedException, IOException {
            running = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (chains.get() > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("churn: " + chains.get() + " connect/close chains still running after 30 s");
                }
                Thread.sleep(1);
            }
        }
    }

    @ChannelHandler.Sharable
    private static final class ChurnClient extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a reset instead of a FIN is still the end of one cycle
        }
    }

    // ------------------------------------------------------------------------------------------ 5: wake-up

    /** Workload 5: {@code loop.submit(noop).get()} from this thread against an idle, blocked event loop. */
    static void wakeup(BenchTransport t, Timing timing, Results results, int run) throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, t.handlers());
        try {
            IoEventLoop loop = group.next();
            Runnable noop = () -> { };
            long warmupEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timing.warmupMillis());
            while (System.nanoTime() < warmupEnd) {
                loop.submit(noop).get();
            }
            long[] calls0 = NativeCallCounter.snapshot();
            long jvm0 = CPU.processNanos();
            long server0 = CPU.serverNanos();
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.MILLISECONDS.toNanos(timing.measureMillis());
            long n = 0;
            long now;
            do {
                loop.submit(noop).get();
                n++;
                now = System.nanoTime();
            } while (now < end);
            Window w = new Window(n, now - t0, minus(NativeCallCounter.snapshot(), calls0),
                    cpuDelta(jvm0, CPU.processNanos()), CPU.serverNanos() - server0);
            String params = "submit().get()";
            results.add(WAKEUP, params, t.name, "wakeup_rtt", "us", run, w.microsPerOp());
            recordCpu(t, WAKEUP, params, w, results, run);
            recordNativeCalls(t, WAKEUP, params, w, results, run);
            BenchMain.progressValue(String.format("%.1f us per wake-up round trip", w.microsPerOp()));
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(60, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    /** Lets the load run for the warm-up time, then counts over the measurement window. */
    static Window measure(Timing timing, Counter counter) throws InterruptedException {
        return measure(timing, counter, NativeCallCounter::snapshot);
    }

    /** The same, with the native calls of another counter ({@code AltCalls} for the prototypes). */
    static Window measure(Timing timing, Counter counter, java.util.function.Supplier<long[]> nativeCalls)
            throws InterruptedException {
        Thread.sleep(timing.warmupMillis());
        long c0 = counter.get();
        long[] calls0 = nativeCalls.get();
        long jvm0 = CPU.processNanos();
        long server0 = CPU.serverNanos();
        long t0 = System.nanoTime();
        Thread.sleep(timing.measureMillis());
        long c1 = counter.get();
        long t1 = System.nanoTime();
        long jvm1 = CPU.processNanos();
        long server1 = CPU.serverNanos();
        long[] calls1 = nativeCalls.get();
        return new Window(c1 - c0, t1 - t0, minus(calls1, calls0), cpuDelta(jvm0, jvm1), server1 - server0);
    }

    private static long cpuDelta(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /**
     * CPU microseconds per operation: JVM plus wineserver ({@code cpu_us_per_msg}), and each part when under Wine.
     */
    static void recordCpu(BenchTransport t, String workload, String params, Window w, Results results, int run) {
        if (w.count() == 0 || w.jvmCpuNanos() < 0) {
            return;
        }
        results.add(workload, params, t.name, "cpu_us_per_msg", "us/msg", run, w.cpuMicrosPerOp());
        if (CPU.hasServer()) {
            results.add(workload, params, t.name, "jvm_cpu_us_per_msg", "us/msg", run,
                    w.jvmCpuNanos() / 1e3 / w.count());
            results.add(workload, params, t.name, "wineserver_cpu_us_per_msg", "us/msg", run,
                    w.serverCpuNanos() / 1e3 / w.count());
        }
    }

    private static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static void check(EchoLoad load, EchoRig rig) throws IOException {
        Throwable t = load.error() != null ? load.error() : rig.serverError();
        if (t != null) {
            throw new IOException("the echo load failed on " + rig.transport + ": " + t, t);
        }
    }

    /**
     * AFD (when counting is on) and the prototypes: native calls per completed operation (echoed message, round trip
     * or wake-up), in total and by call.
     */
    private static void recordNativeCalls(BenchTransport t, String workload, String params, Window w, Results results,
                                          int run) {
        if (!(t.isAlt() || t.isAfd() && NativeCallCounter.ENABLED) || w.count() == 0) {
            return;
        }
        String[] names = t.isAlt() ? AltCalls.names() : NativeCallCounter.names();
        long total = 0;
        for (long c : w.nativeCalls()) {
            total += c;
        }
        results.add(workload, params, t.name, "native_calls_per_msg", "calls/msg", run, (double) total / w.count());
        for (int i = 0; i < names.length; i++) {
            if (w.nativeCalls()[i] > 0) {
                results.add(workload, params, t.name, "native_calls_per_msg." + names[i], "calls/msg", run,
                        (double) w.nativeCalls()[i] / w.count());
            }
        }
    }
}
