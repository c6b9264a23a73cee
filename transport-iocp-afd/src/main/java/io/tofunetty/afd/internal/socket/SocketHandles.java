package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;

/**
 * Cold-path calls on a raw SOCKET value that need a native argument block: creation, FIONBIO, socket options and
 * ioctls. Used by the socket classes of this package (and by tests that drive raw sockets); everything with socket
 * semantics goes through {@link WinsockSocket}. Failures are {@link WinsockExceptions} exceptions, the one mapping
 * from an error code to an exception.
 */
public final class SocketHandles {
    private SocketHandles() {
    }

    /**
     * A new overlapped-capable, non-inheritable, non-blocking socket:
     * WSASocketW(af, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT) + FIONBIO.
     * UDP sockets also get SIO_UDP_CONNRESET = FALSE.
     */
    public static long newSocket(int af, int type, int protocol) throws IOException {
        Winsock.startup();
        long s = Winsock.WSASocketW(af, type, protocol, 0, 0,
                Winsock.WSA_FLAG_OVERLAPPED | Winsock.WSA_FLAG_NO_HANDLE_INHERIT);
        if (s == Winsock.INVALID_SOCKET) {
            throw WinsockExceptions.newException("WSASocketW(af=" + af + ", type=" + type + ")",
                    Winsock.lastError());
        }
        try {
            setNonBlocking(s, true);
            if (type == Winsock.SOCK_DGRAM) {
                setUdpConnReset(s, false);
            }
        } catch (IOException e) {
            if (Winsock.closesocket(s) != 0) {
                e.addSuppressed(WinsockExceptions.newException("closesocket", Winsock.lastError()));
            }
            throw e;
        }
        return s;
    }

    /** A non-blocking TCP socket, AF_INET6 when {@code ipv6}. */
    public static long newTcpSocket(boolean ipv6) throws IOException {
        return newSocket(ipv6 ? Winsock.AF_INET6 : Winsock.AF_INET, Winsock.SOCK_STREAM, Winsock.IPPROTO_TCP);
    }

    public static long newUdpSocket(boolean ipv6) throws IOException {
        return newSocket(ipv6 ? Winsock.AF_INET6 : Winsock.AF_INET, Winsock.SOCK_DGRAM, Winsock.IPPROTO_UDP);
    }

    public static void setNonBlocking(long s, boolean nonBlocking) throws IOException {
        long cell = Mem.allocate(8);
        try {
            Mem.putInt(cell, nonBlocking ? 1 : 0);
            if (Winsock.ioctlsocket(s, Winsock.FIONBIO, cell) != 0) {
                throw WinsockExceptions.newException("ioctlsocket(FIONBIO)", Winsock.lastError());
            }
        } finally {
            Mem.free(cell);
        }
    }

    public static void setUdpConnReset(long s, boolean enabled) throws IOException {
        long cell = Mem.allocate(16);
        try {
            Mem.putInt(cell, enabled ? 1 : 0);
            if (Winsock.WSAIoctl(s, Winsock.SIO_UDP_CONNRESET, cell, 4, 0, 0, cell + 8, 0, 0) != 0) {
                throw WinsockExceptions.newException("WSAIoctl(SIO_UDP_CONNRESET)", Winsock.lastError());
            }
        } finally {
            Mem.free(cell);
        }
    }

    /**
     * WSAIoctl(SIO_TCP_INITIAL_RTO) with TCP_INITIAL_RTO_PARAMETERS {USHORT Rtt; UCHAR MaxSynRetransmissions}
     * (4 bytes with its padding). Returns 0, or the Winsock error: callers treat it as an optimisation that may be missing.
     */
    public static int setInitialRto(long s, int rtt, int maxSynRetransmissions) {
        long cell = Mem.allocate(16);
        try {
            Mem.putInt(cell, 0);
            Mem.putShort(cell, (short) rtt);
            Mem.putByte(cell + 2, (byte) maxSynRetransmissions);
            return Winsock.WSAIoctl(s, Winsock.SIO_TCP_INITIAL_RTO, cell, 4, 0, 0, cell + 8, 0, 0) == 0
                    ? 0 : Winsock.lastError();
        } finally {
            Mem.free(cell);
        }
    }

    /** WSAIoctl(s, code, NULL, 0, &handle, 8, ...) for the SIO_BASE_HANDLE / SIO_BSP_HANDLE* family. */
    public static long ioctlHandle(long s, int code) throws IOException {
        long cell = Mem.allocate(16);
        try {
            if (Winsock.WSAIoctl(s, code, 0, 0, cell, 8, cell + 8, 0, 0) != 0) {
                throw WinsockExceptions.newException("WSAIoctl(0x" + Integer.toHexString(code) + ')',
                        Winsock.lastError());
            }
            return Mem.getLong(cell);
        } finally {
            Mem.free(cell);
        }
    }

    public static int getIntOption(long s, int level, int option) throws IOException {
        long cell = Mem.allocate(16);
        try {
            Mem.putInt(cell + 8, 4);
            if (Winsock.getsockopt(s, level, option, cell, cell + 8) != 0) {
                throw WinsockExceptions.newException("getsockopt(level=" + level + ", option=0x"
                        + Integer.toHexString(option) + ')', Winsock.lastError());
            }
            int len = Mem.getInt(cell + 8);
            // BOOL-style options may come back as a single byte (e.g. TCP_NODELAY on some providers)
            return len == 1 ? Mem.getByte(cell) & 0xFF : Mem.getInt(cell);
        } finally {
            Mem.free(cell);
        }
    }

    public static void setIntOption(long s, int level, int option, int value) throws IOException {
        long cell = Mem.allocate(8);
        try {
            Mem.putInt(cell, value);
            if (Winsock.setsockopt(s, level, option, cell, 4) != 0) {
                throw WinsockExceptions.newException("setsockopt(level=" + level + ", option=0x"
                        + Integer.toHexString(option) + ", value=" + value + ')', Winsock.lastError());
            }
        } finally {
            Mem.free(cell);
        }
    }

    /** SO_LINGER: {@code seconds < 0} turns lingering off; 0 makes close() abortive (RST). */
    public static void setLinger(long s, int seconds) throws IOException {
        long cell = Mem.allocate(8);
        try {
            Mem.putShort(cell, (short) (seconds < 0 ? 0 : 1));
            Mem.putShort(cell + 2, (short) Math.max(0, Math.min(seconds, 0xFFFF)));
            if (Winsock.setsockopt(s, Winsock.SOL_SOCKET, Winsock.SO_LINGER, cell, 4) != 0) {
                throw WinsockExceptions.newException("setsockopt(SO_LINGER)", Winsock.lastError());
            }
        } finally {
            Mem.free(cell);
        }
    }

    /** SO_LINGER as seconds, or -1 when lingering is off. */
    public static int getLinger(long s) throws IOException {
        long cell = Mem.allocate(16);
        try {
            Mem.putInt(cell + 8, 4);
            if (Winsock.getsockopt(s, Winsock.SOL_SOCKET, Winsock.SO_LINGER, cell, cell + 8) != 0) {
                throw WinsockExceptions.newException("getsockopt(SO_LINGER)", Winsock.lastError());
            }
            return Mem.getShort(cell) == 0 ? -1 : Mem.getShort(cell + 2) & 0xFFFF;
        } finally {
            Mem.free(cell);
        }
    }
}
