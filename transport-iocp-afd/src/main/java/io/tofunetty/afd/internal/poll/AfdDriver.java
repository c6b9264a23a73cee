package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.win32.Mem;

import java.io.IOException;

/**
 * The kernel interface of the poller: one completion port, AFD device handles associated with it, and the AFD_POLL
 * arm/cancel/dequeue calls. {@link JnaAfdDriver} talks to Windows; the tests use a scripted fake.
 *
 * <p>All memory arguments are native addresses. A poll record ({@link AfdPoller#RECORD_SIZE} bytes) is written by the
 * poller before {@link #arm}; the driver reports completions by writing OVERLAPPED_ENTRY records (32 bytes:
 * key 0:8, lpOverlapped 8:8 = the record address, Internal 16:8 = NTSTATUS, byte count 24:4) into the entry buffer
 * passed to {@link #dequeue}. Only the event-loop thread calls anything but {@link #wake()}.
 */
public interface AfdDriver {
    /** Completion key of every AFD device handle. */
    long KEY_AFD = 1;
    /** Completion key of wake-up packets (lpOverlapped 0). */
    long KEY_WAKE = 2;
    /** Completion key of sockets that read by overlapped receives (lpOverlapped = the receive record). */
    long KEY_RECEIVE = 3;

    /** Opens one AFD device handle associated with the port under {@link #KEY_AFD}. */
    long openDevice() throws IOException;

    /**
     * Issues IOCTL_AFD_POLL for the record: apcContext = IoStatusBlock = {@code record}, input = output =
     * {@code record + 16}, 32 bytes. Returns the NTSTATUS: PENDING or SUCCESS mean a packet will arrive.
     */
    int arm(long device, long record);

    /** NtCancelIoFileEx on the record's IO_STATUS_BLOCK. SUCCESS or NOT_FOUND are both fine. */
    int cancel(long device, long record);

    /**
     * Dequeues up to {@code max} completion entries into {@code entries}; returns how many, 0 on timeout.
     *
     * @param timeoutMillis GetQueuedCompletionStatusEx milliseconds (0xFFFFFFFF = INFINITE)
     */
    int dequeue(long entries, int max, int timeoutMillis) throws IOException;

    /** Posts a wake-up packet ({@link #KEY_WAKE}); callable from any thread. */
    void wake();

    /** RtlNtStatusToDosError. */
    int toWin32Error(int ntStatus);

    /** WSAIoctl(socket, ioctl) returning a handle (SIO_BASE_HANDLE, SIO_BSP_HANDLE_POLL...). */
    long queryHandle(long socket, int ioctl) throws IOException;

    void closeDevice(long device);

    /** Closes the port. Called last, after every device handle is closed. */
    void close();

    // ------------------------------------------------------------------ completion reads (AfdReadMode.COMPLETION)

    /** Whether this driver can post overlapped receives ({@link #associate} and the calls below). */
    default boolean supportsReceives() {
        return false;
    }

    /**
     * Associates a socket with the port under {@link #KEY_RECEIVE} (CreateIoCompletionPort). Returns 0, or the Win32
     * error: ERROR_INVALID_PARAMETER (87) when the socket is already associated with another port, which it stays
     * for life.
     */
    default int associate(long socket) {
        throw new UnsupportedOperationException("overlapped receives");
    }

    /**
     * SetFileCompletionNotificationModes(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE): a
     * receive that completes at once queues no packet. Returns 0 or the Win32 error.
     */
    default int skipCompletionPortOnSuccess(long socket) {
        throw new UnsupportedOperationException("overlapped receives");
    }

    /**
     * Posts an overlapped WSARecv of {@code length} bytes at {@code buffer} (0 for a zero-byte receive) with the
     * receive record at {@code record} ({@link io.tofunetty.afd.internal.receive.ReceiveRecord}). Returns 0 when it
     * completed at once (the byte count is in the record), ERROR_IO_PENDING (997) when a packet will report it, or
     * the Winsock error of an immediate failure (no packet comes).
     */
    default int receive(long socket, long record, long buffer, int length) {
        throw new UnsupportedOperationException("overlapped receives");
    }

    /** CancelIoEx of the record's receive. Returns 0, or the Win32 error (ERROR_NOT_FOUND: it already completed). */
    default int cancelReceive(long socket, long record) {
        throw new UnsupportedOperationException("overlapped receives");
    }

    /** Allocates pinned, zeroed native memory for poll records (overridden by the fake to track it). */
    default long allocate(long bytes) {
        return Mem.allocate(bytes);
    }

    /** Frees memory from {@link #allocate}; the poller calls it only when no poll on it is in flight. */
    default void free(long address, long bytes) {
        Mem.free(address);
    }
}
