package io.tofunetty.afd.internal.win32;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the transport's hot native calls, for benchmarks (native calls per echoed message). Off unless the JVM starts
 * with {@code -Dio.tofunetty.afd.countNativeCalls=true}; the flag is read once into a {@code static final}, so when
 * off the JIT drops every {@link #count} call. Internal: may change without notice.
 */
public final class NativeCallCounter {
    public static final String PROPERTY = "io.tofunetty.afd.countNativeCalls";
    /** Whether counting is on (system property {@value #PROPERTY}, read once at class load). */
    public static final boolean ENABLED = Boolean.getBoolean(PROPERTY);

    public static final int RECV = 0;
    public static final int SEND = 1;
    public static final int WSASEND = 2;
    /** NtDeviceIoControlFile(IOCTL_AFD_POLL): one poll armed. */
    public static final int POLL = 3;
    /** NtCancelIoFileEx. */
    public static final int CANCEL = 4;
    public static final int GQCS_EX = 5;
    public static final int PQCS = 6;
    /** WSARecv: an overlapped receive posted (completion reads). */
    public static final int WSARECV = 7;
    /** CancelIoEx of an overlapped receive (an idle connection's buffer swapped for a zero-byte receive). */
    public static final int CANCEL_IO = 8;

    private static final String[] NAMES = {
        "recv", "send", "WSASend", "NtDeviceIoControlFile", "NtCancelIoFileEx", "GetQueuedCompletionStatusEx",
        "PostQueuedCompletionStatus", "WSARecv", "CancelIoEx",
    };
    private static final LongAdder[] COUNTS = new LongAdder[NAMES.length];

    static {
        for (int i = 0; i < COUNTS.length; i++) {
            COUNTS[i] = new LongAdder();
        }
    }

    private NativeCallCounter() {
    }

    /** Counts one call of kind {@code call} (one of the constants), when counting is on. */
    public static void count(int call) {
        if (ENABLED) {
            COUNTS[call].increment();
        }
    }

    /** The native function name of each counter, indexed like {@link #snapshot()}. */
    public static String[] names() {
        return NAMES.clone();
    }

    /** The current totals, indexed like {@link #names()} (all 0 when counting is off). */
    public static long[] snapshot() {
        long[] values = new long[COUNTS.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = COUNTS[i].sum();
        }
        return values;
    }
}
