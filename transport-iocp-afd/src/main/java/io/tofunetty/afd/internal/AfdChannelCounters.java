package io.tofunetty.afd.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters of the AFD channels, for tests and diagnostics: open sockets, and how often a send met a
 * full socket buffer (nothing accepted) or was only partly accepted. Internal: may change without notice.
 */
public final class AfdChannelCounters {
    private static final LongAdder SEND_BUFFER_FULL = new LongAdder();
    private static final LongAdder PARTIAL_SENDS = new LongAdder();

    private AfdChannelCounters() {
    }

    /** Sockets created or accepted by the transport and not yet closed. */
    public static int openSockets() {
        return WinsockSocket.openSockets();
    }

    /** Sends that found the socket's send buffer full (WSAEWOULDBLOCK): the channel then polls SEND. */
    public static long sendBufferFull() {
        return SEND_BUFFER_FULL.sum();
    }

    /** Sends that the socket accepted only in part. */
    public static long partialSends() {
        return PARTIAL_SENDS.sum();
    }

    /** Records one send of {@code attempted} bytes that sent {@code written}. */
    public static void recordSend(long attempted, long written) {
        if (written <= 0) {
            SEND_BUFFER_FULL.increment();
        } else if (written < attempted) {
            PARTIAL_SENDS.increment();
        }
    }
}
