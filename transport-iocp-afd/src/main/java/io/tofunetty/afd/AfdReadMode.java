package io.tofunetty.afd;

/**
 * How an {@link AfdIoHandler}'s TCP stream channels learn about, and take, received data.
 *
 * <p>Only TCP stream channels read by completion; listeners, connects, writability, datagram and AF_UNIX channels
 * always use AFD polls. docs/alternatives.md has the measurements behind the choice of default.
 */
public enum AfdReadMode {
    /**
     * Readiness: an {@code IOCTL_AFD_POLL} for RECEIVE completes on the port, then {@code recv()} takes the data and the
     * poll is armed again (the design of wepoll, and so of the JDK's NIO selector on Windows): four calls per message
     * and side of a ping-pong.
     */
    POLL,
    /**
     * Completion: an overlapped {@code WSARecv} into a buffer from the channel's allocator is kept posted; its packet
     * carries the data, so a message costs the wait, the re-posted receive and the send: three calls per side. An
     * idle connection (no data for a sweep period) swaps its buffer for a zero-byte receive, so that it pins nothing.
     * A socket stays tied to the first completion port it was associated with: a channel that re-registers on
     * another event loop reads by polls there.
     */
    COMPLETION;

    /**
     * The system property that sets {@link AfdIoHandlerOptions#defaults()}' read mode: {@code poll} or
     * {@code completion} (the default).
     */
    public static final String PROPERTY = "io.tofunetty.afd.readMode";

    static AfdReadMode fromSystemProperty(AfdReadMode fallback) {
        String value = System.getProperty(PROPERTY);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        for (AfdReadMode mode : values()) {
            if (mode.name().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("system property " + PROPERTY + " must be poll or completion, not '"
                + value + '\'');
    }
}
