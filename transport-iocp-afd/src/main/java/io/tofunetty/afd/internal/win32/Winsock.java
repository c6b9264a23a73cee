package io.tofunetty.afd.internal.win32;


import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

import java.io.IOException;


/**
 * ws2_32: everything a non-blocking TCP/UDP transport over AFD polls needs, by JNA direct mapping.
 *
 * <p>Conventions:
 * <ul>
 *   <li>SOCKET, pointers and out-parameters are {@code long} native addresses; a SOCKET is an unsigned
 *       pointer-sized value, {@link #INVALID_SOCKET} is -1. Never narrow a SOCKET to int.</li>
 *   <li>Calls return what the C function returns (0 / {@link #SOCKET_ERROR}, byte counts, sockets). After a call that
 *       failed, read the error with {@link #lastError()} (JNA's saved value; calling {@code WSAGetLastError} as a
 *       separate native call may see a value clobbered by the JVM in between).</li>
 *   <li>Buffers are caller-owned native memory: a direct ByteBuf's {@code memoryAddress()}, or {@link Mem}.</li>
 *   <li>This class is the raw binding only. Calls that need an argument block (socket creation, options, ioctls)
 *       are in {@code internal.socket.SocketHandles}; everything with socket semantics (bind, connect, accept,
 *       addresses, shutdown, close) is in {@code internal.socket.WinsockSocket}.</li>
 * </ul>
 * {@link #startup()} runs WSAStartup(2.2) once per process; socket creation calls it, raw users must call it first.
 * Loading this class anywhere but Windows throws {@link UnsatisfiedLinkError}.
 *
 * <p>Layouts (x64): WSABUF = {ULONG len 0:4, pad, char* buf 8:8} = 16 bytes ({@link #WSABUF_SIZE});
 * linger = {u_short onoff, u_short linger} = 4 bytes; ip_mreq = 8 bytes; ipv6_mreq = 16 + 4 bytes;
 * socket addresses: see {@code SockAddrs} (the socket layer).
 */
public final class Winsock {
    public static final long INVALID_SOCKET = -1L;
    public static final int SOCKET_ERROR = -1;

    // address families, socket types, protocols
    public static final int AF_UNSPEC = 0;
    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 23;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int IPPROTO_IP = 0;
    public static final int IPPROTO_TCP = 6;
    public static final int IPPROTO_UDP = 17;
    public static final int IPPROTO_IPV6 = 41;

    // WSASocketW flags
    public static final int WSA_FLAG_OVERLAPPED = 0x01;
    public static final int WSA_FLAG_NO_HANDLE_INHERIT = 0x80;

    // SOL_SOCKET options
    public static final int SOL_SOCKET = 0xFFFF;
    public static final int SO_DEBUG = 0x0001;
    public static final int SO_ACCEPTCONN = 0x0002;
    public static final int SO_REUSEADDR = 0x0004;
    public static final int SO_KEEPALIVE = 0x0008;
    public static final int SO_DONTROUTE = 0x0010;
    public static final int SO_BROADCAST = 0x0020;
    public static final int SO_LINGER = 0x0080;
    public static final int SO_OOBINLINE = 0x0100;
    /**
     * ~SO_REUSEADDR: exclusive bind. Set before bind(), no other socket can bind the same address and port, not even
     * with SO_REUSEADDR (which on Windows lets a second socket take over a bound port). The JDK sets it on every socket
     * it binds on Windows (net_util_md.c, NET_WinBind) unless SO_REUSEADDR is on.
     */
    public static final int SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
    public static final int SO_SNDBUF = 0x1001;
    public static final int SO_RCVBUF = 0x1002;
    public static final int SO_SNDLOWAT = 0x1003;
    public static final int SO_RCVLOWAT = 0x1004;
    public static final int SO_SNDTIMEO = 0x1005;
    public static final int SO_RCVTIMEO = 0x1006;
    public static final int SO_ERROR = 0x1007;
    public static final int SO_TYPE = 0x1008;
    public static final int SO_REUSE_UNICASTPORT = 0x3007;
    public static final int SO_UPDATE_ACCEPT_CONTEXT = 0x700B;
    public static final int SO_UPDATE_CONNECT_CONTEXT = 0x7010;

    // IPPROTO_TCP options
    public static final int TCP_NODELAY = 0x0001;
    /** TCP_KEEPALIVE (= TCP_KEEPIDLE): seconds of idle before keep-alive probes. */
    public static final int TCP_KEEPIDLE = 3;
    public static final int TCP_MAXSEG = 4;
    public static final int TCP_FASTOPEN = 15;
    public static final int TCP_KEEPCNT = 16;
    public static final int TCP_KEEPINTVL = 17;

    // IPPROTO_IP options
    public static final int IP_TOS = 3;
    public static final int IP_TTL = 4;
    public static final int IP_MULTICAST_IF = 9;
    public static final int IP_MULTICAST_TTL = 10;
    public static final int IP_MULTICAST_LOOP = 11;
    public static final int IP_ADD_MEMBERSHIP = 12;
    public static final int IP_DROP_MEMBERSHIP = 13;
    public static final int IP_DONTFRAGMENT = 14;
    public static final int IP_ADD_SOURCE_MEMBERSHIP = 15;
    public static final int IP_DROP_SOURCE_MEMBERSHIP = 16;
    public static final int IP_BLOCK_SOURCE = 17;
    public static final int IP_UNBLOCK_SOURCE = 18;
    public static final int IP_PKTINFO = 19;

    // IPPROTO_IPV6 options
    public static final int IPV6_UNICAST_HOPS = 4;
    public static final int IPV6_MULTICAST_IF = 9;
    public static final int IPV6_MULTICAST_HOPS = 10;
    public static final int IPV6_MULTICAST_LOOP = 11;
    public static final int IPV6_ADD_MEMBERSHIP = 12;
    public static final int IPV6_DROP_MEMBERSHIP = 13;
    public static final int IPV6_PKTINFO = 19;
    public static final int IPV6_V6ONLY = 27;
    public static final int IPV6_TCLASS = 39;

    // shutdown(), flags
    public static final int SD_RECEIVE = 0;
    public static final int SD_SEND = 1;
    public static final int SD_BOTH = 2;
    public static final int MSG_OOB = 0x1;
    public static final int MSG_PEEK = 0x2;
    public static final int MSG_DONTROUTE = 0x4;
    public static final int MSG_WAITALL = 0x8;
    public static final int MSG_PARTIAL = 0x8000;
    public static final int SOMAXCONN = 0x7FFFFFFF;

    // ioctlsocket / WSAIoctl codes
    public static final int FIONBIO = 0x8004667E;
    public static final int FIONREAD = 0x4004667F;
    public static final int SIOCATMARK = 0x40047307;
    public static final int SIO_BASE_HANDLE = 0x48000022;
    public static final int SIO_BSP_HANDLE = 0x4800001B;
    public static final int SIO_BSP_HANDLE_SELECT = 0x4800001C;
    public static final int SIO_BSP_HANDLE_POLL = 0x4800001D;
    /** Set to FALSE on UDP sockets so an ICMP port-unreachable does not make the socket readable forever. */
    public static final int SIO_UDP_CONNRESET = 0x9800000C;
    public static final int SIO_LOOPBACK_FAST_PATH = 0x98000010;
    public static final int SIO_KEEPALIVE_VALS = 0x98000004;
    /** _WSAIOW(IOC_VENDOR, 17): TCP_INITIAL_RTO_PARAMETERS for the connect's SYN (Windows 8 / Server 2012 and later). */
    public static final int SIO_TCP_INITIAL_RTO = 0x98000011;
    /** TCP_INITIAL_RTO_PARAMETERS.Rtt: keep the system's (or the administrator's) initial RTT. */
    public static final int TCP_INITIAL_RTO_UNSPECIFIED_RTT = 0xFFFF;
    /** TCP_INITIAL_RTO_PARAMETERS.MaxSynRetransmissions: send the SYN once (Windows 10 1709 and later). */
    public static final int TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS = 0xFE;

    /** sizeof(WSABUF) on x64. */
    public static final int WSABUF_SIZE = 16;
    public static final int WSABUF_LEN = 0;
    public static final int WSABUF_BUF = 8;
    private static final int WSADATA_SIZE = 512; // 408 on x64; rounded up

    private static volatile boolean started;

    static {
        Native.register(Winsock.class, NativeLibrary.getInstance("ws2_32"));
    }

    private Winsock() {
    }

    /** The Winsock error saved by JNA right after the last native call on this thread (valid after a failure). */
    public static int lastError() {
        return Native.getLastError();
    }

    /** WSAStartup(2.2), once per process. Never paired with WSACleanup: other users may share the process. */
    public static void startup() throws IOException {
        if (started) {
            return;
        }
        synchronized (Winsock.class) {
            if (started) {
                return;
            }
            long data = Mem.allocate(WSADATA_SIZE);
            try {
                int rc = WSAStartup((short) 0x0202, data);
                if (rc != 0) {
                    throw new IOException("WSAStartup(2.2) failed: " + Win32Errors.describe(rc));
                }
            } finally {
                Mem.free(data);
            }
            started = true;
        }
    }

    // ---------------------------------------------------------------- raw natives

    /** Returns 0 or the error code itself (WSAStartup does not use WSAGetLastError). */
    public static native int WSAStartup(short versionRequested, long wsaData);

    public static native int WSACleanup();

    public static native int WSAGetLastError();

    public static native long WSASocketW(int af, int type, int protocol, long protocolInfo, int group, int flags);

    public static native int closesocket(long s);

    /** ioctlsocket(s, cmd, u_long* argp): FIONBIO (argp → 1 = non-blocking), FIONREAD (bytes readable). */
    public static native int ioctlsocket(long s, int cmd, long argp);

    public static native int bind(long s, long name, int nameLength);

    public static native int listen(long s, int backlog);

    /** Returns the accepted SOCKET or INVALID_SOCKET; {@code addr}/{@code addrLengthInOut} may be 0. */
    public static native long accept(long s, long addr, long addrLengthInOut);

    /** Non-blocking: SOCKET_ERROR with WSAEWOULDBLOCK means in progress; wait for SEND or CONNECT_FAIL. */
    public static native int connect(long s, long name, int nameLength);

    /** Returns bytes read, 0 at end of stream, SOCKET_ERROR (WSAEWOULDBLOCK when nothing is ready). */
    public static native int recv(long s, long buf, int len, int flags);

    public static native int send(long s, long buf, int len, int flags);

    /**
     * Gathering send: {@code buffers} is an array of {@code bufferCount} WSABUFs in native memory. With overlapped 0
     * on a non-blocking socket it behaves like send() (WSAEWOULDBLOCK when the buffer is full). Returns 0 on success
     * with the byte count in the DWORD at {@code bytesSentOut}.
     */
    public static native int WSASend(long s, long buffers, int bufferCount, long bytesSentOut, int flags,
                                     long overlapped, long completionRoutine);

    /** Scattering receive; {@code flagsInOut} points to a DWORD. Returns 0 with the count at {@code bytesReceivedOut}. */
    public static native int WSARecv(long s, long buffers, int bufferCount, long bytesReceivedOut, long flagsInOut,
                                     long overlapped, long completionRoutine);

    /** {@code fromLengthInOut} points to an int holding the capacity of {@code from} (use 128, sockaddr_storage). */
    public static native int recvfrom(long s, long buf, int len, int flags, long from, long fromLengthInOut);

    public static native int sendto(long s, long buf, int len, int flags, long to, int toLength);

    public static native int WSASendTo(long s, long buffers, int bufferCount, long bytesSentOut, int flags,
                                       long to, int toLength, long overlapped, long completionRoutine);

    public static native int WSARecvFrom(long s, long buffers, int bufferCount, long bytesReceivedOut,
                                         long flagsInOut, long from, long fromLengthInOut, long overlapped,
                                         long completionRoutine);

    public static native int getsockopt(long s, int level, int optionName, long optionValue,
                                        long optionLengthInOut);

    public static native int setsockopt(long s, int level, int optionName, long optionValue, int optionLength);

    public static native int shutdown(long s, int how);

    public static native int getsockname(long s, long name, long nameLengthInOut);

    public static native int getpeername(long s, long name, long nameLengthInOut);

    public static native int WSAIoctl(long s, int controlCode, long inBuffer, int inBufferLength, long outBuffer,
                                      int outBufferLength, long bytesReturnedOut, long overlapped,
                                      long completionRoutine);

    /**
     * WSAEnumProtocolsW(protocols, buffer, &amp;bufferLength): the catalog's WSAPROTOCOL_INFOW entries (628 bytes each)
     * for the 0-terminated int array {@code protocols} (0 for all). Returns the count, or SOCKET_ERROR with WSAENOBUFS
     * and the needed length written back.
     */
    public static native int WSAEnumProtocolsW(long protocols, long buffer, long bufferLengthInOut);

    /** kernel32 handle-information calls for SOCKETs (a SOCKET is a kernel handle). */
    public static final class Handles {
        public static final int HANDLE_FLAG_INHERIT = 0x1;
        public static final int HANDLE_FLAG_PROTECT_FROM_CLOSE = 0x2;

        static {
            Native.register(Handles.class, NativeLibrary.getInstance("kernel32"));
        }

        private Handles() {
        }

        /** SetHandleInformation(handle, mask, flags); non-zero on success. E.g. (s, HANDLE_FLAG_INHERIT, 0). */
        public static native int SetHandleInformation(long handle, int mask, int flags);
    }
}
