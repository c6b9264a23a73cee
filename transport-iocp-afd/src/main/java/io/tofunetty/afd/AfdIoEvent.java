package io.tofunetty.afd;

import io.netty.channel.IoEvent;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.io.IOException;

/**
 * What a completed AFD poll reported for one registration.
 *
 * <p>{@link #events()} holds the AFD_POLL bits the kernel reported, filtered by the registration's interest at
 * dispatch time (so a bit the channel stopped wanting is not reported); {@link AfdIoOps#LOCAL_CLOSE} always passes.
 * An event with {@link #isError()} set has no events: the poll itself failed and the channel must fail its next read
 * with {@link #toException()}.
 *
 * <p>Valid only during {@link io.netty.channel.IoHandle#handle}: the handler reuses the instance.
 */
public final class AfdIoEvent implements IoEvent {

    private static final String[] BIT_NAMES = {
        "RECEIVE", "RECEIVE_EXPEDITED", "SEND", "DISCONNECT", "ABORT", "LOCAL_CLOSE", "CONNECT", "ACCEPT",
        "CONNECT_FAIL", "QOS", "GROUP_QOS", "ROUTING_IF_CHANGE", "EVENT_ADDRESS_LIST_CHANGE"
    };

    private int events;
    private int ntStatus;
    private int win32Error;
    private boolean error;

    /** Creates an event; the handler normally reuses one instance per loop. */
    public AfdIoEvent() {
    }

    /** Creates an event with the given contents (for tests and channel code that re-dispatches). */
    public AfdIoEvent(int events, int ntStatus, int win32Error, boolean error) {
        set(events, ntStatus, win32Error, error);
    }

    AfdIoEvent set(int events, int ntStatus, int win32Error, boolean error) {
        this.events = events;
        this.ntStatus = ntStatus;
        this.win32Error = win32Error;
        this.error = error;
        return this;
    }

    /** The reported AFD_POLL bits, filtered by the current interest (LOCAL_CLOSE always passes). */
    public int events() {
        return events;
    }

    /**
     * The NTSTATUS of the completion packet; for a {@link #isConnectFailed() failed connect}, the per-handle status
     * (e.g. 0xC0000236 STATUS_CONNECTION_REFUSED), which is only a hint: SO_ERROR is authoritative.
     */
    public int ntStatus() {
        return ntStatus;
    }

    /** The Win32 error {@link #ntStatus()} maps to (RtlNtStatusToDosError), 0 for success. */
    public int win32Error() {
        return win32Error;
    }

    /** Whether the poll failed with a status other than success or cancellation. */
    public boolean isError() {
        return error;
    }

    public boolean isReadable() {
        return (events & AfdIoOps.RECEIVE) != 0;
    }

    public boolean isWritable() {
        return (events & AfdIoOps.SEND) != 0;
    }

    public boolean isDisconnect() {
        return (events & AfdIoOps.DISCONNECT) != 0;
    }

    public boolean isAbort() {
        return (events & AfdIoOps.ABORT) != 0;
    }

    public boolean isAccept() {
        return (events & AfdIoOps.ACCEPT) != 0;
    }

    public boolean isConnectFailed() {
        return (events & AfdIoOps.CONNECT_FAIL) != 0;
    }

    /** The socket handle was closed (locally, or found invalid when arming): the registration is dropped after this. */
    public boolean isLocalClose() {
        return (events & AfdIoOps.LOCAL_CLOSE) != 0;
    }

    /** An exception describing a failed poll: names the NTSTATUS (hex) and the Win32 error it maps to. */
    public IOException toException() {
        return new IOException("AFD poll failed: NTSTATUS 0x" + String.format("%08X", ntStatus)
                + " (" + NtStatus.name(ntStatus) + "), Win32 error " + win32Error
                + " (" + Win32Errors.name(win32Error) + ')');
    }

    /** Names of the set bits, e.g. "RECEIVE|DISCONNECT". */
    public static String describe(int bits) {
        if (bits == 0) {
            return "none";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            int bit = 1 << i;
            if ((bits & bit) != 0) {
                if (b.length() > 0) {
                    b.append('|');
                }
                b.append(i < BIT_NAMES.length ? BIT_NAMES[i] : "0x" + Integer.toHexString(bit));
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "AfdIoEvent(events=" + describe(events) + ", ntStatus=0x" + Integer.toHexString(ntStatus)
                + (error ? ", error" : "") + ')';
    }
}
