package io.tofunetty.afd;

import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.internal.poll.AfdDriver;
import io.tofunetty.afd.internal.receive.SkipOnSuccess;
import io.tofunetty.afd.internal.socket.WinsockSocket;
import io.tofunetty.afd.internal.win32.Kernel32;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The overlapped receives of one {@link AfdIoHandler} ({@link AfdReadMode#COMPLETION}): which channel a receive
 * packet belongs to, the idle sweep, and the records whose packet has not come yet. Loop thread only.
 *
 * <p>Invariants:
 * <ol>
 *   <li>A reader with a receive posted is in {@link #pending} under its record address until that receive's packet
 *       has been dispatched (or, with skip-on-success, until WSARecv said it completed at once); its record and
 *       buffer are not freed or reused before.</li>
 *   <li>A socket is associated with at most one port for life (CreateIoCompletionPort refuses a second,
 *       ERROR_INVALID_PARAMETER). {@link #open} reads by completion only on the port the socket was first associated
 *       with, and answers null elsewhere: the channel reads by polls there.</li>
 *   <li>Every sweep period, a data receive that neither completed nor was posted since the previous sweep is
 *       cancelled; its buffer is released on the cancelled receive's packet and a zero-byte receive takes its place,
 *       so an idle connection pins no buffer.</li>
 * </ol>
 */
final class CompletionReads {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(CompletionReads.class);
    /** How long a data receive may wait for data before its buffer is swapped for a zero-byte receive. */
    static final long IDLE_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Buffers of receives still in flight when a loop was destroyed: the kernel may write them, so never freed. */
    private static final ConcurrentLinkedQueue<Object> ABANDONED = new ConcurrentLinkedQueue<>();

    private final AfdDriver driver;
    private final Object portOwner;
    private final boolean skipOnSuccessAllowed;
    private final LongObjectHashMap<CompletionReader> pending = new LongObjectHashMap<>();
    private int dataReceivesPending;
    private long nextSweep = System.nanoTime() + IDLE_SWEEP_NANOS;

    CompletionReads(AfdDriver driver, Object portOwner) {
        this.driver = driver;
        this.portOwner = portOwner;
        this.skipOnSuccessAllowed = SkipOnSuccess.isSafeForTcp();
        if (!skipOnSuccessAllowed) {
            logger.debug("a TCP provider lacks XP1_IFS_HANDLES (a layered service provider): every overlapped receive "
                    + "completes through the port");
        }
    }

    /**
     * A reader for the socket, associating it with this port first if it is associated with none; null when the
     * socket is tied to another port (or cannot be associated), and the channel must read by polls.
     */
    CompletionReader open(WinsockSocket socket, CompletionReader.Listener listener) {
        Object owner = socket.completionPortOwner();
        if (owner == null) {
            int error = driver.associate(socket.handle());
            if (error != 0) {
                logger.debug("{} cannot be associated with the completion port (Win32 error {}): it reads by polls",
                        socket, error);
                return null;
            }
            boolean skips = skipOnSuccessAllowed && driver.skipCompletionPortOnSuccess(socket.handle()) == 0;
            socket.associatedWithCompletionPort(portOwner, skips);
        } else if (owner != portOwner) {
            return null; // associated with another loop's port, for life
        }
        return new CompletionReader(this, driver, socket, listener);
    }

    void posted(CompletionReader reader, long record, boolean data) {
        pending.put(record, reader);
        if (data) {
            dataReceivesPending++;
        }
    }

    void finished(long record, boolean data) {
        pending.remove(record);
        if (data) {
            dataReceivesPending--;
        }
    }

    /** A KEY_RECEIVE packet: its OVERLAPPED is the record, which holds the NTSTATUS and the byte count. */
    int complete(long record, int bytes) {
        CompletionReader reader = pending.get(record);
        if (reader == null) {
            logger.debug("receive packet for an unknown record 0x{}", Long.toHexString(record));
            return 0;
        }
        reader.completed(bytes);
        return 1;
    }

    /** Milliseconds until the next sweep while data receives are pending (their buffers wait for it), else INFINITE. */
    int millisToSweep(long now) {
        if (dataReceivesPending == 0) {
            return Kernel32.INFINITE;
        }
        return (int) Math.max(0, TimeUnit.NANOSECONDS.toMillis(nextSweep - now + 999_999L));
    }

    void sweepIfDue(long now) {
        if (now - nextSweep < 0) {
            return;
        }
        nextSweep = now + IDLE_SWEEP_NANOS;
        if (dataReceivesPending == 0) {
            return;
        }
        List<CompletionReader> readers = new ArrayList<>(pending.values());
        for (CompletionReader reader : readers) {
            reader.sweep();
        }
    }

    /** Receives posted whose packet has not come yet. */
    int inFlight() {
        return pending.size();
    }

    /**
     * The loop is destroyed: the receives still in flight (their sockets are closed, so they were cancelled, but their
     * packets did not come within the drain time) keep their memory for good. Returns whether there were none.
     */
    boolean abandonInFlight() {
        if (pending.isEmpty()) {
            return true;
        }
        for (CompletionReader reader : pending.values()) {
            ABANDONED.add(reader.abandon());
        }
        pending.clear();
        return false;
    }
}
