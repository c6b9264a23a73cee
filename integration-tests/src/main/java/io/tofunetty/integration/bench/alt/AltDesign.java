package io.tofunetty.integration.bench.alt;

import java.util.function.Consumer;

/** The three prototype designs, by the runner's transport name. */
public enum AltDesign {
    COMPLETION("proto-completion", "completion reads: overlapped WSARecv into a pinned per-socket buffer"),
    HYBRID("proto-hybrid", "completion reads while busy, a zero-byte WSARecv instead after an idle sweep period"),
    ZERO_BYTE("proto-zerobyte", "readiness by zero-byte overlapped WSARecv, then recv()"),
    EVENT_SELECT("proto-eventselect", "readiness by WSAEventSelect + NtAssociateWaitCompletionPacket, then recv()"),
    AFD_POLL("proto-afdpoll",
            "the baseline on the same loop: readiness by IOCTL_AFD_POLL, then recv(), re-armed at once");

    /** Receive buffer: per socket (completion reads) or per loop (the readiness designs); Netty's adaptive maximum. */
    public static final int BUFFER_SIZE = Integer.getInteger("tofu.bench.alt.bufferSize", 64 * 1024);
    /** The hybrid design's sweep period: connections idle that long trade their buffer for a zero-byte receive. */
    public static final long IDLE_SWEEP_MILLIS = Long.getLong("tofu.bench.alt.idleSweepMillis", 1000);
    /**
     * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on the sockets of the two WSARecv designs (default on; libuv sets it only
     * when no non-IFS layered provider is installed).
     */
    public static final boolean SKIP_ON_SUCCESS = Boolean.parseBoolean(
            System.getProperty("tofu.bench.alt.skipOnSuccess", "true"));

    public final String transportName;
    public final String summary;

    AltDesign(String transportName, String summary) {
        this.transportName = transportName;
        this.summary = summary;
    }

    public static AltDesign byTransportName(String name) {
        for (AltDesign d : values()) {
            if (d.transportName.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** Null when this design can run in this process, else why not (e.g. the missing ntdll export). */
    public String unavailableReason() {
        if (!io.tofunetty.afd.Afd.isAvailable()) {
            return "needs Windows (x64) and JNA: " + io.tofunetty.afd.Afd.unavailabilityCause();
        }
        return this == EVENT_SELECT ? AltNatives.waitPacketsUnavailableReason() : null;
    }

    public String describe() {
        String skip = this == EVENT_SELECT || this == AFD_POLL ? ""
                : "FILE_SKIP_COMPLETION_PORT_ON_SUCCESS " + (SKIP_ON_SUCCESS ? "on" : "off") + ", ";
        String per = this == COMPLETION ? "socket"
                : this == HYBRID ? "busy socket, idle sweep every " + IDLE_SWEEP_MILLIS + " ms" : "loop";
        return summary + "; " + skip + "receive buffer " + BUFFER_SIZE + " B per " + per;
    }

    AltLoop newLoop(String name, Consumer<String> errors) {
        return switch (this) {
            case COMPLETION -> new CompletionLoop(name, SKIP_ON_SUCCESS, BUFFER_SIZE, 0, errors);
            case HYBRID -> new CompletionLoop(name, SKIP_ON_SUCCESS, BUFFER_SIZE, IDLE_SWEEP_MILLIS, errors);
            case ZERO_BYTE -> new ZeroByteLoop(name, SKIP_ON_SUCCESS, BUFFER_SIZE, errors);
            case EVENT_SELECT -> new EventSelectLoop(name, BUFFER_SIZE, errors);
            case AFD_POLL -> new AfdPollLoop(name, BUFFER_SIZE, errors);
        };
    }
}
