package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * A minimal event loop on one I/O completion port: one thread, batched GetQueuedCompletionStatusEx, tasks from other
 * threads woken by PostQueuedCompletionStatus. Each design says how a socket learns it has data
 * ({@link #startReceiving}, {@link #receiveCompleted}, {@link #stopReceiving}); the write path is shared
 * ({@link AltConnection#write}). Completion keys are connection ids (1, 2, ...); key 0 is the wake-up.
 *
 * <p>Good enough for the benchmark's echo shapes, not a transport: no accept or connect (the rig connects sockets
 * before handing them over), no timers, no backpressure beyond the socket buffers.
 */
abstract class AltLoop implements Runnable {
    private static final long WAKE_KEY = 0;
    private static final int BATCH = 256;
    private static final long DRAIN_MILLIS = 2000;

    final String name;
    final long port;
    private final boolean skipOnSuccess;
    private final long entries;
    /** The loop's one buffer that readiness designs recv() into (0 when the design has none). */
    final long readBuffer;
    private final int readBufferSize;
    private final List<AltConnection> connections = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Consumer<String> errors;
    private final Thread thread;
    private volatile boolean stopping;
    private int live;

    /** {@code readBufferSize}: the size of the shared buffer {@link #readReady} reads into, 0 for none. */
    AltLoop(String name, boolean skipOnSuccess, int readBufferSize, Consumer<String> errors) {
        this.name = name;
        this.skipOnSuccess = skipOnSuccess;
        this.errors = errors;
        this.readBufferSize = readBufferSize;
        readBuffer = readBufferSize > 0 ? Mem.allocate(readBufferSize) : 0;
        port = Kernel32.CreateIoCompletionPort(Kernel32.INVALID_HANDLE_VALUE, 0, 0, 1);
        if (port == 0) {
            throw new IllegalStateException("CreateIoCompletionPort failed: " + Kernel32.lastError());
        }
        entries = Mem.allocate((long) BATCH * Kernel32.OVERLAPPED_ENTRY_SIZE + 8);
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean skipsCompletionOnSuccess() {
        return skipOnSuccess;
    }

    /** Any thread: runs {@code task} on the loop. */
    void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread) {
            AltCalls.count(AltCalls.PQCS);
            Kernel32.PostQueuedCompletionStatus(port, 0, WAKE_KEY, 0);
        }
    }

    /** Loop thread: takes over a connected socket and starts receiving on it. */
    AltConnection register(long socket, AltRole role) {
        long key = connections.size() + 1;
        AltConnection c = new AltConnection(this, socket, key, role);
        connections.add(c);
        live++;
        // Associating the socket is needed by every design: the overlapped WSASend fallback completes on the port.
        if (Kernel32.CreateIoCompletionPort(socket, port, key, 0) == 0) {
            fail(c, "CreateIoCompletionPort(socket)", Kernel32.lastError());
            return c;
        }
        byte modes = Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE;
        if (skipOnSuccess) {
            modes |= Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS;
        }
        if (Kernel32.SetFileCompletionNotificationModes(socket, modes) == 0) {
            fail(c, "SetFileCompletionNotificationModes", Kernel32.lastError());
            return c;
        }
        c.cork();
        startReceiving(c);
        c.uncork();
        if (!c.closed) {
            c.role.active(c);
        }
        return c;
    }

    /** Loop thread: the socket has data at {@code address} (or the design read it there). */
    final void deliver(AltConnection c, long address, int length) {
        c.role.received(c, address, length);
    }

    /** Loop thread: reports the failure and closes the connection. */
    final void fail(AltConnection c, String what, int error) {
        if (!c.closed && !stopping) {
            errors.accept(name + ": " + what + (error != 0 ? " failed: " + Win32Errors.name(error) : ""));
        }
        close(c);
    }

    /** Loop thread: the peer closed; closes our end too. */
    final void endOfStream(AltConnection c) {
        close(c);
    }

    final void close(AltConnection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        stopReceiving(c);
        Winsock.closesocket(c.socket); // cancels what is pending: its packets still arrive (STATUS_CANCELLED)
        maybeFree(c);
    }

    private void maybeFree(AltConnection c) {
        if (c.closed && !c.receivePending && !c.sendPending && !c.freed) {
            c.free();
            connections.set((int) c.key - 1, null);
            live--;
        }
    }

    /** Any thread: closes every connection, drains their packets (bounded), closes the port; waits for the thread. */
    void shutdown() throws InterruptedException {
        stopping = true;
        execute(() -> { });
        thread.join(30_000);
    }

    @Override
    public final void run() {
        try {
            loop();
        } catch (Throwable t) {
            errors.accept(name + ": loop failed: " + t);
        }
    }

    private void loop() {
        long removedCell = entries + (long) BATCH * Kernel32.OVERLAPPED_ENTRY_SIZE;
        long drainDeadline = 0;
        while (true) {
            for (Runnable r; (r = tasks.poll()) != null; ) {
                r.run();
            }
            if (stopping) {
                if (drainDeadline == 0) {
                    for (AltConnection c : new ArrayList<>(connections)) {
                        if (c != null) {
                            close(c);
                        }
                    }
                    drainDeadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000;
                }
                if (live == 0 || System.nanoTime() > drainDeadline) {
                    break;
                }
            }
            int timeout = stopping ? 100 : tasks.isEmpty() ? timerMillis() : 0;
            AltCalls.count(AltCalls.GQCS_EX);
            int ok = Kernel32.GetQueuedCompletionStatusEx(port, entries, BATCH, removedCell, timeout, 0);
            if (ok == 0) {
                int err = Kernel32.lastError();
                if (err == Win32Errors.WAIT_TIMEOUT) {
                    if (!stopping) {
                        timer();
                    }
                    continue;
                }
                throw new IllegalStateException("GetQueuedCompletionStatusEx failed: " + err);
            }
            int removed = Mem.getInt(removedCell);
            for (int i = 0; i < removed; i++) {
                long e = entries + (long) i * Kernel32.OVERLAPPED_ENTRY_SIZE;
                long overlapped = Mem.getLong(e + 8);
                long key = connectionKey(Mem.getLong(e), overlapped);
                if (key == WAKE_KEY) {
                    continue;
                }
                int status = (int) Mem.getLong(e + 16);
                int bytes = Mem.getInt(e + 24);
                AltConnection c = key <= connections.size() ? connections.get((int) key - 1) : null;
                if (c == null) {
                    continue; // a late packet of a freed connection (an event-select wait packet: nothing to free)
                }
                if (!isReceivePacket(c, overlapped)) {
                    c.sendCompleted(status, bytes);
                } else {
                    c.receivePending = false;
                    if (!c.closed) {
                        c.cork();
                        receiveCompleted(c, status, bytes);
                        c.uncork();
                    }
                }
                maybeFree(c);
            }
            if (!stopping) {
                timer();
            }
        }
        if (live > 0) {
            errors.accept(name + ": " + live + " connection(s) still had I/O pending after " + DRAIN_MILLIS
                    + " ms; their memory is leaked on purpose");
        } else {
            closed();
            Kernel32.CloseHandle(port);
            Mem.free(entries);
            Mem.free(readBuffer);
        }
    }

    /** Loop thread, last: the port is closed and no connection is left; free what the design holds per loop. */
    void closed() {
    }

    /** The longest wait before {@link #timer()} is due, in milliseconds (INFINITE: the design has no timer). */
    int timerMillis() {
        return Kernel32.INFINITE;
    }

    /** Loop thread, after every wait: the design's periodic work, if due. */
    void timer() {
    }

    /** The live connections (loop thread). */
    final List<AltConnection> connections() {
        List<AltConnection> live = new ArrayList<>();
        for (AltConnection c : connections) {
            if (c != null && !c.closed) {
                live.add(c);
            }
        }
        return live;
    }

    /** The connection a packet belongs to: its completion key, unless the design's packets carry another. */
    long connectionKey(long key, long overlapped) {
        return key;
    }

    /** Whether a packet of {@code c} is its receive's (or wait's), not its send's. */
    boolean isReceivePacket(AltConnection c, long overlapped) {
        return overlapped != c.sendOverlapped();
    }

    /*
     * The loop calls both corked (AltConnection.cork): what one batch of receives produces leaves in one send, as Netty
     * flushes once per read batch.
     */

    /** Loop thread, at registration: post the first receive (or wait). */
    abstract void startReceiving(AltConnection c);

    /** Loop thread: the packet of the design's receive (or wait) arrived; {@code c.receivePending} is already false. */
    abstract void receiveCompleted(AltConnection c, int status, int bytes);

    /** Loop thread, before the socket is closed: undo what the design set up (the receive itself is cancelled). */
    abstract void stopReceiving(AltConnection c);

    /**
     * Completion designs: posts {@code c}'s one overlapped WSARecv, into {@code length} bytes at {@code address}
     * (0 bytes: a zero-byte receive). Returns WSARecv's result: 0 when it completed at once, else SOCKET_ERROR with
     * {@link Winsock#lastError()} telling pending (ERROR_IO_PENDING) from failed.
     */
    final int postReceive(AltConnection c, long address, int length) {
        AltSockets.putWsaBuf(c.block + AltConnection.RECV_WSABUF, address, length);
        Mem.putInt(c.block + AltConnection.RECV_FLAGS, 0);
        Mem.zero(c.receiveOverlapped(), 32);
        AltCalls.count(AltCalls.WSARECV);
        return Winsock.WSARecv(c.socket, c.block + AltConnection.RECV_WSABUF, 1,
                c.block + AltConnection.RECV_BYTES, c.block + AltConnection.RECV_FLAGS, c.receiveOverlapped(), 0);
    }

    /**
     * Readiness designs: non-blocking recv into the loop's shared buffer until a short read, end of stream or
     * WSAEWOULDBLOCK. A read that fills the buffer is followed by another (there may be more). Returns false when the
     * first recv found nothing (a spurious wake-up).
     */
    final boolean readReady(AltConnection c) {
        boolean first = true;
        while (!c.closed) {
            AltCalls.count(AltCalls.RECV);
            int n = Winsock.recv(c.socket, readBuffer, readBufferSize, 0);
            if (n > 0) {
                deliver(c, readBuffer, n);
                if (n < readBufferSize) {
                    return true;
                }
            } else if (n == 0) {
                endOfStream(c);
                return true;
            } else {
                int err = Winsock.lastError();
                if (err != Win32Errors.WSAEWOULDBLOCK) {
                    fail(c, "recv", err);
                    return true;
                }
                return !first;
            }
            first = false;
        }
        return true;
    }
}
