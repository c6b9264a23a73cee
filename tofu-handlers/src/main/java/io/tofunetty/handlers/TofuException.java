package io.tofunetty.handlers;

import io.tofunetty.codec.Status;

import java.util.Objects;

/**
 * A tofu operation failed with one of tofu's statuses (tofu returns them as errors from {@code post},
 * {@code create} and {@code waitReceive}). Unchecked: most statuses report a programming error in the message
 * posted; {@link #status()} tells which, and the text names the offending value.
 */
public class TofuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Status status;

    public TofuException(Status status, String message) {
        super(Objects.requireNonNull(status, "status").tofuName() + ": " + message);
        this.status = status;
    }

    public TofuException(Status status, String message, Throwable cause) {
        super(Objects.requireNonNull(status, "status").tofuName() + ": " + message, cause);
        this.status = status;
    }

    /** The tofu status, e.g. {@link Status#INVALID_CHANNEL_NUMBER}. */
    public Status status() {
        return status;
    }
}
