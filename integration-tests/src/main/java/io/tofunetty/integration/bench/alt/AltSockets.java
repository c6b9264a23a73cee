package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.socket.SockAddrs;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The address-level socket calls the prototype rig needs on raw SOCKET values (the transport's own code goes through
 * {@code WinsockSocket}; the rig sets up plain sockets for loops that are not Netty channels).
 */
final class AltSockets {
    private AltSockets() {
    }

    static void bind(long s, InetSocketAddress address) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            if (Winsock.bind(s, sa, SockAddrs.write(address, sa)) != 0) {
                throw WinsockExceptions.newException("bind(" + address + ')', Winsock.lastError());
            }
        } finally {
            Mem.free(sa);
        }
    }

    static void listen(long s, int backlog) throws IOException {
        if (Winsock.listen(s, backlog) != 0) {
            throw WinsockExceptions.newException("listen", Winsock.lastError());
        }
    }

    /** Starts a non-blocking connect; see {@link AltRig} for how the rig waits for it. */
    static void connect(long s, InetSocketAddress address) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            if (Winsock.connect(s, sa, SockAddrs.write(address, sa)) != 0) {
                int err = Winsock.lastError();
                if (err != Win32Errors.WSAEWOULDBLOCK && err != Win32Errors.WSAEINPROGRESS) {
                    throw WinsockExceptions.newException("connect(" + address + ')', err);
                }
            }
        } finally {
            Mem.free(sa);
        }
    }

    /** An accepted socket, or {@link Winsock#INVALID_SOCKET} when none is waiting. */
    static long acceptNonBlocking(long listener) throws IOException {
        long s = Winsock.accept(listener, 0, 0);
        if (s == Winsock.INVALID_SOCKET && Winsock.lastError() != Win32Errors.WSAEWOULDBLOCK) {
            throw WinsockExceptions.newException("accept", Winsock.lastError());
        }
        return s;
    }

    /** getsockname ({@code local}) or getpeername; the latter fails while a connect is still in progress. */
    static InetSocketAddress address(long s, boolean local) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE + 8);
        try {
            long lenCell = sa + SockAddrs.STORAGE_SIZE;
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            if ((local ? Winsock.getsockname(s, sa, lenCell) : Winsock.getpeername(s, sa, lenCell)) != 0) {
                throw WinsockExceptions.newException(local ? "getsockname" : "getpeername", Winsock.lastError());
            }
            return SockAddrs.readInet(sa, Mem.getInt(lenCell));
        } finally {
            Mem.free(sa);
        }
    }

    /** One WSABUF entry: {ULONG len, char* buf}. */
    static void putWsaBuf(long wsabuf, long address, int length) {
        Mem.putLong(wsabuf + Winsock.WSABUF_LEN, length & 0xFFFFFFFFL);
        Mem.putLong(wsabuf + Winsock.WSABUF_BUF, address);
    }
}
