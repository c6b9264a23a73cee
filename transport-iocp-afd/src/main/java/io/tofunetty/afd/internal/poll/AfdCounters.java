package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.receive.ReceiveRecord;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counters of the AFD transport, for tests and diagnostics: what it holds open (sockets, native handles,
 * poll slots, polls in flight), and how often a send met a full socket buffer or was only partly accepted. After
 * every channel is closed and every event loop has terminated, the "open" counts are back where they started;
 * anything else is a leak. Internal: may change without notice.
 */
public final class AfdCounters {
    private static final LongAdder SEND_BUFFER_FULL = new LongAdder();
    private static final LongAdder PARTIAL_SENDS = new LongAdder();
    private static final AtomicInteger NATIVE_HANDLES = new AtomicInteger();
    private static final AtomicInteger POLL_SLOTS = new AtomicInteger();
    private static final LongAdder POLLS_IN_FLIGHT = new LongAdder();
    private static final LongAdder RECEIVES_IN_FLIGHT = new LongAdder();
    private static final LongAdder RECEIVE_BYTES_PINNED = new LongAdder();
    private static final AtomicInteger RECEIVE_RECORDS = new AtomicInteger();

    private AfdCounters() {
    }

    /** Sockets created or accepted by the transport and not yet closed. */
    public static int openSockets() {
        return WinsockSocket.openSockets();
    }

    /** Completion ports and AFD device handles opened by the event loops' drivers and not yet closed. */
    public static int openNativeHandles() {
        return NATIVE_HANDLES.get();
    }

    /**
     * Poll slots in use in every poller: one per registered channel, plus one per deregistered channel whose
     * cancelled poll has not completed yet (its record stays reserved until the kernel is done with it).
     */
    public static int pollSlotsInUse() {
        return POLL_SLOTS.get();
    }

    /** AFD polls issued and not yet completed, in every poller (including those leaked by an unclean shutdown). */
    public static long pollsInFlight() {
        return POLLS_IN_FLIGHT.sum();
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

    static void nativeHandleOpened() {
        NATIVE_HANDLES.incrementAndGet();
    }

    static void nativeHandleClosed() {
        NATIVE_HANDLES.decrementAndGet();
    }

    static void pollSlotTaken() {
        POLL_SLOTS.incrementAndGet();
    }

    static void pollSlotFreed() {
        POLL_SLOTS.decrementAndGet();
    }

    static void pollIssued() {
        POLLS_IN_FLIGHT.increment();
    }

    static void pollCompleted() {
        POLLS_IN_FLIGHT.decrement();
    }

    /** Overlapped receives posted and not yet completed (completion reads), in every event loop. */
    public static long receivesInFlight() {
        return RECEIVES_IN_FLIGHT.sum();
    }

    /**
     * Native memory the kernel may write for pending receives: the buffers of data receives plus every receive
     * record (64 bytes) still allocated. An idle connection in completion mode holds a record and no buffer.
     */
    public static long receiveBytesPinned() {
        return RECEIVE_BYTES_PINNED.sum() + (long) RECEIVE_RECORDS.get() * ReceiveRecord.SIZE;
    }

    /** Receive records allocated (one per channel reading by completion, kept until its last packet). */
    public static int receiveRecords() {
        return RECEIVE_RECORDS.get();
    }

    public static void receivePosted(int bufferBytes) {
        RECEIVES_IN_FLIGHT.increment();
        RECEIVE_BYTES_PINNED.add(bufferBytes);
    }

    public static void receiveCompleted(int bufferBytes) {
        RECEIVES_IN_FLIGHT.decrement();
        RECEIVE_BYTES_PINNED.add(-bufferBytes);
    }

    public static void receiveRecordAllocated() {
        RECEIVE_RECORDS.incrementAndGet();
    }

    public static void receiveRecordFreed() {
        RECEIVE_RECORDS.decrementAndGet();
    }
}
