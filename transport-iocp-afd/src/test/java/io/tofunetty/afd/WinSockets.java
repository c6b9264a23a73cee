package io.tofunetty.afd;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.tofunetty.afd.internal.socket.SocketHandles;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.socket.SockAddrs;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** Real Winsock sockets for the Windows tier, through the transport's own bindings. */
final class WinSockets {
    private WinSockets() {
    }

    static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** A non-blocking listener on 127.0.0.1:0. */
    static long listener() throws IOException {
        long l = SocketHandles.newTcpSocket(false);
        bind(l, LOOPBACK_ANY_PORT);
        listenOrThrow(l, 128);
        return l;
    }

    /** A non-blocking client whose connect to {@code listener} is under way (or done). */
    static long connectTo(long listener) throws IOException {
        long c = SocketHandles.newTcpSocket(false);
        connect(c, localAddress(listener));
        return c;
    }

    /** Accepts one connection, polling for up to 30 s (a hang guard). */
    static long acceptOne(long listener) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            long s = acceptNonBlocking(listener);
            if (s != Winsock.INVALID_SOCKET) {
                SocketHandles.setNonBlocking(s, true);
                return s;
            }
            Thread.sleep(1);
        }
        throw new IOException("no connection accepted within 30 s");
    }

    /** {client, accepted} over loopback. */
    static long[] pair(long listener) throws IOException, InterruptedException {
        long c = connectTo(listener);
        long s = acceptOne(listener);
        return new long[] {c, s};
    }

    /** A non-blocking UDP socket bound to 127.0.0.1:0. */
    static long boundUdp() throws IOException {
        long u = SocketHandles.newUdpSocket(false);
        bind(u, LOOPBACK_ANY_PORT);
        return u;
    }

    static int send(long s, byte[] data) {
        long buf = Mem.allocate(data.length);
        try {
            Mem.copy(data, 0, buf, data.length);
            return Winsock.send(s, buf, data.length, 0);
        } finally {
            Mem.free(buf);
        }
    }

    /** Reads what is there (up to 4 KiB): bytes read, 0 at EOF, -1 when nothing is ready. */
    static int recv(long s) {
        long buf = Mem.allocate(4096);
        try {
            return Winsock.recv(s, buf, 4096, 0);
        } finally {
            Mem.free(buf);
        }
    }

    static void closeQuietly(long s) {
        if (s != 0 && s != Winsock.INVALID_SOCKET) {
            Winsock.closesocket(s);
        }
    }

    /** An {@link AfdIoHandle} over a real socket; close() deregisters and closes the socket, like a channel. */
    static final class SocketHandle implements AfdIoHandle {
        final long socket;
        volatile IoRegistration registration;
        volatile BiConsumer<SocketHandle, AfdIoEvent> onEvent = (h, e) -> { };
        volatile int closed;
        volatile int unregistered;

        SocketHandle(long socket) {
            this.socket = socket;
        }

        @Override
        public long socket() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            onEvent.accept(this, (AfdIoEvent) ioEvent);
        }

        @Override
        public void unregistered() {
            unregistered++;
        }

        @Override
        public void close() {
            if (closed++ == 0) {
                IoRegistration r = registration;
                if (r != null) {
                    r.cancel();
                }
                Winsock.closesocket(socket);
            }
        }
    }

    // Socket-level helpers for tests that drive raw sockets (the transport itself goes through WinsockSocket).

    static void bind(long s, SocketAddress address) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            int len = SockAddrs.write(address, sa);
            if (Winsock.bind(s, sa, len) != 0) {
                throw WinsockExceptions.newException("bind(" + address + ')', Winsock.lastError());
            }
        } finally {
            Mem.free(sa);
        }
    }

    static void listenOrThrow(long s, int backlog) throws IOException {
        if (Winsock.listen(s, backlog) != 0) {
            throw WinsockExceptions.newException("listen", Winsock.lastError());
        }
    }

    /**
     * Starts a non-blocking connect. Returns true when connected at once, false when in progress (arm
     * {@code AfdIoOps.CONNECT}; WSAEALREADY, a connect still under way, counts as in progress too).
     */
    static boolean connect(long s, SocketAddress address) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            int len = SockAddrs.write(address, sa);
            if (Winsock.connect(s, sa, len) == 0) {
                return true;
            }
            int err = Winsock.lastError();
            if (err == Win32Errors.WSAEWOULDBLOCK || err == Win32Errors.WSAEINPROGRESS
                    || err == Win32Errors.WSAEALREADY) {
                return false;
            }
            throw WinsockExceptions.newException("connect(" + address + ')', err);
        } finally {
            Mem.free(sa);
        }
    }

    /** Accepts one connection: the new SOCKET, or INVALID_SOCKET when none is pending. */
    static long acceptNonBlocking(long listener) throws IOException {
        long s = Winsock.accept(listener, 0, 0);
        if (s == Winsock.INVALID_SOCKET) {
            int err = Winsock.lastError();
            if (err == Win32Errors.WSAEWOULDBLOCK) {
                return Winsock.INVALID_SOCKET;
            }
            throw WinsockExceptions.newException("accept", err);
        }
        return s;
    }

    static InetSocketAddress localAddress(long s) throws IOException {
        return (InetSocketAddress) socketAddress(s, true);
    }

    static InetSocketAddress remoteAddress(long s) throws IOException {
        return (InetSocketAddress) socketAddress(s, false);
    }

    /** getsockname / getpeername decoded by {@link SockAddrs#read}. */
    static SocketAddress socketAddress(long s, boolean local) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE + 8);
        try {
            long lenCell = sa + SockAddrs.STORAGE_SIZE;
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            int rc = local ? Winsock.getsockname(s, sa, lenCell) : Winsock.getpeername(s, sa, lenCell);
            if (rc != 0) {
                throw WinsockExceptions.newException(local ? "getsockname" : "getpeername", Winsock.lastError());
            }
            return SockAddrs.read(sa, Mem.getInt(lenCell));
        } finally {
            Mem.free(sa);
        }
    }
}
