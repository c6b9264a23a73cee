package io.tofunetty.integration.bench.alt;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the kernel-entering calls the prototype loops make, by kind, like the transport's {@code NativeCallCounter}
 * (one counter per call site, summed over both loops). Always on: the prototypes exist to be counted.
 */
public final class AltCalls {
    public static final int GQCS_EX = 0;
    /** Overlapped WSARecv: a data receive (completion design) or a zero-byte receive (zero-byte design). */
    public static final int WSARECV = 1;
    /** Non-blocking recv() (the readiness designs). */
    public static final int RECV = 2;
    /** Non-blocking send(). */
    public static final int SEND = 3;
    /** Overlapped WSASend, only when send() could not take everything (the socket's send buffer was full). */
    public static final int WSASEND = 4;
    /** NtAssociateWaitCompletionPacket: the event-select design's re-arm. */
    public static final int ASSOCIATE_WAIT = 5;
    public static final int PQCS = 6;
    /** NtDeviceIoControlFile(IOCTL_AFD_POLL): the AFD-poll baseline's re-arm. */
    public static final int AFD_POLL = 7;
    /** CancelIoEx: the hybrid design trades an idle connection's data receive for a zero-byte one. */
    public static final int CANCEL = 8;

    private static final String[] NAMES = {
        "GetQueuedCompletionStatusEx", "WSARecv", "recv", "send", "WSASend", "NtAssociateWaitCompletionPacket",
        "PostQueuedCompletionStatus", "NtDeviceIoControlFile", "CancelIoEx",
    };
    private static final LongAdder[] COUNTS = new LongAdder[NAMES.length];

    static {
        for (int i = 0; i < COUNTS.length; i++) {
            COUNTS[i] = new LongAdder();
        }
    }

    private AltCalls() {
    }

    static void count(int call) {
        COUNTS[call].increment();
    }

    public static String[] names() {
        return NAMES.clone();
    }

    public static long[] snapshot() {
        long[] v = new long[COUNTS.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = COUNTS[i].sum();
        }
        return v;
    }
}
