package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.poll.AfdDriver;
import io.tofunetty.afd.internal.receive.ReceiveRecord;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.socket.WinsockSocket;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.io.IOException;

/**
 * One stream channel's overlapped receive on one {@link AfdIoHandler} ({@link AfdReadMode#COMPLETION}). Loop thread
 * only.
 *
 * <p>States: nothing posted; a <em>data</em> receive posted (a buffer from the channel's allocator, held here and
 * pinned until the packet); a <em>zero-byte</em> receive posted (nothing pinned: it completes when data, the end of
 * the stream or a reset is there, and the channel then reads with recv()). Flags on a posted receive:
 * {@code cancelling} (the idle sweep asked CancelIoEx to end it), {@code closing} (the socket was closed: free all on
 * the packet), {@code detached} (the channel was deregistered while the receive was in flight: whatever it got goes
 * to the channel, wherever it is registered next).
 */
final class CompletionReader {
    /** The receive is in flight: a packet will report it. */
    static final int PENDING = 0;
    /** The receive completed inside WSARecv (skip-on-success): {@link #completedBytes()} has the count. */
    static final int COMPLETED = 1;
    /** WSARecv failed at once: {@link #failure()} says why; no packet comes. */
    static final int FAILED = 2;

    /** What a reader reports to its channel, on the loop thread. */
    interface Listener {
        /** A data receive completed: {@code bytes} were written at the buffer's writer index; 0 is the end of stream. */
        void received(ByteBuf buffer, int bytes);

        /** A zero-byte receive completed: data, the end of the stream or a reset is waiting for recv(). */
        void readable();

        /** The receive failed (a reset, an abort): the read side is over. */
        void receiveFailed(IOException cause);

        /** The idle sweep ended the data receive without data: post again (a zero-byte receive, {@link #isIdle()}). */
        void idleSwapped();

        /**
         * A receive in flight when the channel was deregistered has ended: {@code buffer} (or null) holds
         * {@code bytes} received (0 and a null cause when it was cancelled empty), or {@code cause} says how it failed.
         * Called on the old loop's thread.
         */
        void handedOver(ByteBuf buffer, int bytes, IOException cause);
    }

    private final CompletionReads reads;
    private final AfdDriver driver;
    private final WinsockSocket socket;
    private final Listener listener;
    private long record;
    private ByteBuf buffer;
    private int bufferBytes;
    private boolean posted;
    private boolean cancelling;
    private boolean closing;
    private boolean detached;
    /**
     * Zero-byte receives until data comes: the connection was idle for a sweep period, or is new (a connection that
     * never speaks pins nothing; the first data costs one recv() more).
     */
    private boolean idle = true;
    /** A receive completed or was posted since the previous sweep. */
    private boolean busySinceSweep;
    private int completedBytes;
    private IOException failure;

    CompletionReader(CompletionReads reads, AfdDriver driver, WinsockSocket socket, Listener listener) {
        this.reads = reads;
        this.driver = driver;
        this.socket = socket;
        this.listener = listener;
        this.record = driver.allocate(ReceiveRecord.SIZE);
        AfdCounters.receiveRecordAllocated();
    }

    boolean isPosted() {
        return posted;
    }

    /** Whether the next receive should be a zero-byte one (the connection went idle). */
    boolean isIdle() {
        return idle;
    }

    int completedBytes() {
        return completedBytes;
    }

    IOException failure() {
        return failure;
    }

    /**
     * Posts a data receive into {@code buf}'s writable bytes, or a zero-byte receive when {@code buf} is null. On
     * {@link #PENDING} the reader holds {@code buf} until the packet; otherwise the caller keeps it.
     */
    int post(ByteBuf buf) {
        assert !posted && !closing && !detached;
        long address = 0;
        int length = 0;
        if (buf != null) {
            length = buf.writableBytes();
            address = buf.memoryAddress() + buf.writerIndex();
        }
        busySinceSweep = true;
        int rc = driver.receive(socket.handle(), record, address, length);
        if (rc == 0 && socket.skipsCompletionPortOnSuccess()) {
            completedBytes = ReceiveRecord.bytesReceived(record);
            return COMPLETED;
        }
        if (rc == 0 || rc == Win32Errors.ERROR_IO_PENDING) {
            posted = true;
            buffer = buf;
            bufferBytes = length;
            reads.posted(this, record, buf != null);
            AfdCounters.receivePosted(length);
            return PENDING;
        }
        failure = socket.isOpen() ? WinsockExceptions.newException("WSARecv()", rc)
                : new java.nio.channels.ClosedChannelException();
        return FAILED;
    }

    /** The packet of the posted receive (status from the record's OVERLAPPED.Internal). */
    void completed(int bytes) {
        int status = (int) Mem.getLong(record + ReceiveRecord.OFF_OVERLAPPED);
        ByteBuf buf = buffer;
        boolean data = buf != null;
        buffer = null;
        posted = false;
        reads.finished(record, data);
        AfdCounters.receiveCompleted(bufferBytes);
        bufferBytes = 0;
        boolean swept = cancelling;
        cancelling = false;
        if (closing) {
            release(buf);
            free();
            return;
        }
        if (detached) {
            free();
            if (status == NtStatus.CANCELLED || NtStatus.isSuccess(status) && bytes == 0 && !data) {
                release(buf);
                listener.handedOver(null, 0, null);
            } else if (NtStatus.isSuccess(status)) {
                listener.handedOver(buf, bytes, null);
            } else {
                release(buf);
                listener.handedOver(null, 0, toException(status));
            }
            return;
        }
        if (status == NtStatus.CANCELLED) {
            release(buf);
            if (swept) {
                idle = true;
            }
            listener.idleSwapped();
            return;
        }
        if (!NtStatus.isSuccess(status)) {
            release(buf);
            listener.receiveFailed(toException(status));
            return;
        }
        busySinceSweep = true;
        if (!data) {
            idle = false;
            listener.readable();
        } else {
            listener.received(buf, bytes);
        }
    }

    /** Called every sweep period: cancels a data receive that waited the whole period. */
    void sweep() {
        if (posted && buffer != null && !busySinceSweep && !cancelling && !closing && !detached) {
            // ERROR_NOT_FOUND: it completed meanwhile and its packet is queued; nothing to do.
            if (driver.cancelReceive(socket.handle(), record) == 0) {
                cancelling = true;
            }
        }
        busySinceSweep = false;
    }

    /**
     * The channel closes its socket (which cancels a posted receive): the record and buffer are freed when the
     * cancelled receive's packet comes, at once when nothing is posted.
     */
    void close() {
        if (posted) {
            closing = true;
        } else {
            free();
        }
    }

    /**
     * The channel is deregistered but stays open: a posted receive is cancelled, and what it got goes to
     * {@link Listener#handedOver}. Returns whether a hand-over will come.
     */
    boolean detach() {
        if (!posted) {
            free();
            return false;
        }
        detached = true;
        if (!cancelling) {
            driver.cancelReceive(socket.handle(), record);
        }
        return true;
    }

    /** The loop is destroyed with this receive in flight: its memory is kept for good. */
    Object abandon() {
        Object kept = buffer != null ? buffer : Long.valueOf(record);
        buffer = null;
        record = 0;
        return kept;
    }

    private void free() {
        if (record != 0) {
            driver.free(record, ReceiveRecord.SIZE);
            record = 0;
            AfdCounters.receiveRecordFreed();
        }
    }

    private static void release(ByteBuf buf) {
        if (buf != null) {
            buf.release();
        }
    }

    /** The exception for a failed receive's NTSTATUS, with the Winsock error recv() would have reported. */
    static IOException toException(int status) {
        int wsa = switch (status) {
            case NtStatus.CONNECTION_RESET, 0xC000013C /* STATUS_REMOTE_DISCONNECT */ -> Win32Errors.WSAECONNRESET;
            case NtStatus.CONNECTION_ABORTED, 0xC000013B /* STATUS_LOCAL_DISCONNECT */ -> Win32Errors.WSAECONNABORTED;
            case NtStatus.IO_TIMEOUT -> Win32Errors.WSAETIMEDOUT;
            case NtStatus.NETWORK_UNREACHABLE -> Win32Errors.WSAENETUNREACH;
            case NtStatus.HOST_UNREACHABLE -> Win32Errors.WSAEHOSTUNREACH;
            case NtStatus.INSUFFICIENT_RESOURCES -> Win32Errors.WSAENOBUFS;
            default -> 0;
        };
        if (wsa != 0) {
            return WinsockExceptions.newException("WSARecv() completion", wsa);
        }
        return new IOException("overlapped WSARecv failed: NTSTATUS " + NtStatus.describe(status));
    }
}
