package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.socket.SocketHandles;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The benchmark's echo rig and pipelined load on a prototype design: an echo server loop and a client loop (one thread
 * each, as the Netty rigs have), IPv4 loopback, TCP_NODELAY. The client side keeps {@code window} messages of
 * {@code size} bytes in flight per active connection and counts every {@code size} bytes echoed as one message, like
 * {@code EchoLoad}; it also checks the echoed bytes (the first and last byte of every chunk, or every byte with
 * {@code -Dtofu.bench.alt.verify=true}), so a design that loses or reorders data fails the run.
 *
 * <p>Connections are set up here, on the calling thread (connect, accept, wait until connected), then handed to the
 * loops: the prototypes implement only the data path.
 */
public final class AltRig implements AutoCloseable {
    private static final boolean VERIFY_ALL_DEFAULT = Boolean.getBoolean("tofu.bench.alt.verify");
    private static final int CONNECT_BATCH = 50;
    private static final long TIMEOUT_MS = 60_000;

    public final AltDesign design;
    private final AltLoop server;
    private final AltLoop client;
    private final long listener;
    private final InetSocketAddress address;
    private final AtomicReference<String> error = new AtomicReference<>();
    private final boolean verifyAll;
    private final LongAdder messages = new LongAdder();
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final List<AltConnection> loadConnections = new ArrayList<>(); // client loop only
    private volatile Phase phase;

    /** One load shape: the payload of a full window, and whether new messages are still sent. */
    private static final class Phase {
        final int size;
        final int window;
        final long payload;
        volatile boolean running = true;

        Phase(int size, int window) {
            this.size = size;
            this.window = window;
            payload = Mem.allocate((long) size * window);
            for (int w = 0; w < window; w++) {
                for (int i = 0; i < size; i++) {
                    Mem.putByte(payload + (long) w * size + i, expected(i));
                }
            }
        }
    }

    static byte expected(long positionInMessage) {
        return (byte) ('a' + positionInMessage % 26);
    }

    public AltRig(AltDesign design, int size, int window) throws IOException {
        this(design, size, window, VERIFY_ALL_DEFAULT);
    }

    /** @param verifyAll check every echoed byte, not only the first and last of each chunk */
    public AltRig(AltDesign design, int size, int window, boolean verifyAll) throws IOException {
        this.verifyAll = verifyAll;
        String why = design.unavailableReason();
        if (why != null) {
            throw new IOException(design.transportName + " is unavailable: " + why);
        }
        this.design = design;
        phase = new Phase(size, window);
        listener = SocketHandles.newTcpSocket(false);
        AltLoop s = null;
        AltLoop c = null;
        try {
            AltSockets.bind(listener, new InetSocketAddress("127.0.0.1", 0));
            AltSockets.listen(listener, 1024);
            address = AltSockets.address(listener, true);
            s = design.newLoop(design.transportName + "-server", this::fail);
            c = design.newLoop(design.transportName + "-client", this::fail);
        } catch (IOException | RuntimeException e) {
            Winsock.closesocket(listener);
            shutdownQuietly(s);
            shutdownQuietly(c);
            throw e;
        }
        server = s;
        client = c;
    }

    private static void shutdownQuietly(AltLoop loop) {
        if (loop != null) {
            try {
                loop.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void fail(String what) {
        error.compareAndSet(null, what);
    }

    /** The first failure of either loop, or null. */
    public String error() {
        return error.get();
    }

    /** Messages echoed so far (all connections, all shapes). */
    public long messages() {
        return messages.sum();
    }

    /** Opens {@code n} connections carrying the load. */
    public void connectActive(int n) throws IOException, InterruptedException {
        connect(n, true);
    }

    /** Opens {@code n} connections that never send (both ends still receive: an idle socket pair). */
    public void connectIdle(int n) throws IOException, InterruptedException {
        connect(n, false);
    }

    private void connect(int n, boolean active) throws IOException, InterruptedException {
        for (int done = 0; done < n; ) {
            int batch = Math.min(CONNECT_BATCH, n - done);
            long[] clients = new long[batch];
            long[] accepted = new long[batch];
            try {
                for (int i = 0; i < batch; i++) {
                    clients[i] = SocketHandles.newTcpSocket(false);
                    AltSockets.connect(clients[i], address);
                }
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
                for (int i = 0; i < batch; i++) {
                    while ((accepted[i] = AltSockets.acceptNonBlocking(listener)) == Winsock.INVALID_SOCKET) {
                        if (System.nanoTime() > deadline) {
                            throw new IOException("accept: nothing within " + TIMEOUT_MS + " ms");
                        }
                        Thread.sleep(1);
                    }
                    SocketHandles.setNonBlocking(accepted[i], true);
                    SocketHandles.setIntOption(accepted[i], Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY, 1);
                }
                for (int i = 0; i < batch; i++) {
                    awaitConnected(clients[i], deadline);
                    SocketHandles.setIntOption(clients[i], Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY, 1);
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                for (int i = 0; i < batch; i++) {
                    closeIfOpen(clients[i]);
                    closeIfOpen(accepted[i]);
                }
                throw e;
            }
            CountDownLatch registered = new CountDownLatch(2 * batch);
            for (int i = 0; i < batch; i++) {
                long sv = accepted[i];
                long cl = clients[i];
                server.execute(() -> {
                    server.register(sv, ECHO);
                    registered.countDown();
                });
                client.execute(() -> {
                    AltConnection c = client.register(cl, active ? load : IDLE);
                    if (active) {
                        loadConnections.add(c);
                    }
                    registered.countDown();
                });
            }
            if (!registered.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                throw new IOException("the loops did not register " + batch + " connections within " + TIMEOUT_MS
                        + " ms");
            }
            done += batch;
        }
        if (error() != null) {
            throw new IOException(design.transportName + ": " + error());
        }
    }

    private static void closeIfOpen(long s) {
        if (s != 0 && s != Winsock.INVALID_SOCKET) {
            Winsock.closesocket(s);
        }
    }

    /** Loopback connects finish at once, but only once getpeername succeeds may the client send. */
    private static void awaitConnected(long s, long deadline) throws IOException, InterruptedException {
        while (true) {
            try {
                AltSockets.address(s, false);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("connect did not complete: " + e.getMessage(), e);
                }
                Thread.sleep(1);
            }
        }
    }

    /** Stops sending, waits until everything in flight is back, then runs the new shape on the same connections. */
    public void switchTo(int size, int window) throws IOException, InterruptedException {
        Phase old = phase;
        drain();
        Phase next = new Phase(size, window);
        CountDownLatch switched = new CountDownLatch(1);
        client.execute(() -> {
            phase = next;
            for (AltConnection c : loadConnections) {
                startWindow(c);
            }
            switched.countDown();
        });
        switched.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Mem.free(old.payload);
    }

    /** Stops sending and waits until everything in flight has come back: every connection is then idle. */
    public void drain() throws IOException, InterruptedException {
        phase.running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (inFlightBytes.get() != 0) {
            if (error() != null) {
                throw new IOException(design.transportName + ": " + error());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(inFlightBytes.get() + " bytes still in flight after " + TIMEOUT_MS + " ms");
            }
            Thread.sleep(1);
        }
    }

    /**
     * Native memory the prototypes hold on the receive side, all rigs of the process: per socket the 128-byte block
     * (OVERLAPPEDs) plus its receive buffer (completion reads) or poll record (AFD baseline).
     */
    public static long nativeReceiveBytes() {
        return AltConnection.NATIVE_BYTES.get();
    }

    /** Sockets (both loops) whose pending receive is a zero-byte one: the hybrid design's idle sockets. */
    public int zeroByteReceivers() throws InterruptedException {
        int[] n = new int[2];
        CountDownLatch counted = new CountDownLatch(2);
        AltLoop[] loops = {server, client};
        for (int i = 0; i < 2; i++) {
            int k = i;
            loops[i].execute(() -> {
                for (AltConnection c : loops[k].connections()) {
                    if (c.zeroByteReceive && c.receivePending) {
                        n[k]++;
                    }
                }
                counted.countDown();
            });
        }
        counted.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        return n[0] + n[1];
    }

    /** Stops sending new messages. */
    public void stop() {
        phase.running = false;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        client.shutdown();
        server.shutdown();
        Winsock.closesocket(listener);
        Mem.free(phase.payload);
    }

    /** Client loop: a full window of the current shape. */
    private void startWindow(AltConnection c) {
        Phase p = phase;
        c.rolePosition = 0;
        if (!p.running || c.closed) {
            return;
        }
        inFlightBytes.addAndGet((long) p.window * p.size);
        c.write(p.payload, p.window * p.size);
    }

    private static final AltRole ECHO = new AltRole() {
        @Override
        public void active(AltConnection c) {
        }

        @Override
        public void received(AltConnection c, long address, int length) {
            c.write(address, length);
        }
    };

    private final AltRole IDLE = new AltRole() {
        @Override
        public void active(AltConnection c) {
        }

        @Override
        public void received(AltConnection c, long address, int length) {
            fail(c.loop.name + ": an idle connection received " + length + " bytes");
        }
    };

    private final AltRole load = new AltRole() {
        @Override
        public void active(AltConnection c) {
            startWindow(c);
        }

        @Override
        public void received(AltConnection c, long address, int length) {
            Phase p = phase;
            long position = c.rolePosition;
            if (!check(p, position, address, length)) {
                fail(c.loop.name + ": echoed bytes differ from what was sent (chunk of " + length + " at message "
                        + "offset " + position + ", size " + p.size + ')');
                c.loop.close(c);
                return;
            }
            inFlightBytes.addAndGet(-length);
            position += length;
            long done = position / p.size;
            c.rolePosition = position - done * p.size;
            if (done == 0) {
                return;
            }
            messages.add(done);
            if (p.running) {
                inFlightBytes.addAndGet(done * p.size);
                c.write(p.payload, (int) (done * p.size));
            }
        }
    };

    private boolean check(Phase p, long position, long address, int length) {
        if (!verifyAll) {
            return Mem.getByte(address) == expected(position % p.size)
                    && Mem.getByte(address + length - 1) == expected((position + length - 1) % p.size);
        }
        for (int i = 0; i < length; i++) {
            if (Mem.getByte(address + i) != expected((position + i) % p.size)) {
                return false;
            }
        }
        return true;
    }
}
