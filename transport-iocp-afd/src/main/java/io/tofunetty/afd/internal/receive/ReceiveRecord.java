package io.tofunetty.afd.internal.receive;

import io.tofunetty.afd.internal.win32.Mem;

/**
 * The native memory of one overlapped receive: what WSARecv is given and what the kernel writes until the receive's
 * completion packet has been dequeued. It must stay allocated (and the buffer it names pinned) until then, even after
 * the socket is closed: closing cancels the receive, and the cancelled receive still queues its packet.
 *
 * <pre>
 *   0  OVERLAPPED (32 bytes; Internal at 0 receives the NTSTATUS, InternalHigh at 8 the byte count)
 *  32  WSABUF { ULONG len; (4 bytes padding) CHAR *buf } (16 bytes)
 *  48  DWORD flags (in/out)
 *  52  DWORD bytes received, when WSARecv completes at once
 * </pre>
 * The OVERLAPPED comes first, so the address a completion entry carries (lpOverlapped) is the record's own.
 */
public final class ReceiveRecord {
    public static final int SIZE = 64;
    public static final int OFF_OVERLAPPED = 0;
    public static final int OFF_WSABUF = 32;
    public static final int OFF_FLAGS = 48;
    public static final int OFF_BYTES = 52;

    private static final int OVERLAPPED_SIZE = 32;
    private static final int WSABUF_LEN = 0;
    private static final int WSABUF_BUF = 8;

    private ReceiveRecord() {
    }

    /** Fills the record for a receive of {@code length} bytes at {@code buffer}; the OVERLAPPED must start zeroed. */
    public static void prepare(long record, long buffer, int length) {
        Mem.zero(record + OFF_OVERLAPPED, OVERLAPPED_SIZE);
        Mem.putInt(record + OFF_WSABUF + WSABUF_LEN, length);
        // A zero-byte receive still needs a valid address: the record itself (nothing is written to it).
        Mem.putLong(record + OFF_WSABUF + WSABUF_BUF, length == 0 ? record : buffer);
        Mem.putInt(record + OFF_FLAGS, 0);
        Mem.putInt(record + OFF_BYTES, 0);
    }

    /** The byte count of a receive that completed at once (WSARecv returned 0). */
    public static int bytesReceived(long record) {
        return Mem.getInt(record + OFF_BYTES);
    }
}
