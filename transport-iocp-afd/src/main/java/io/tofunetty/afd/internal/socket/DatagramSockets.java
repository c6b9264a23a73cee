package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;

import io.netty.util.concurrent.FastThreadLocal;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Enumeration;

/**
 * The UDP side of Winsock for {@code AfdDatagramChannel}: socket creation, recvfrom/sendto by native address,
 * disconnect, multicast membership and the multicast options.
 *
 * <p>ICMP port unreachable reports follow the JDK's Windows code (Net.c socket0 and connect0,
 * DatagramChannelImpl.c disconnect0 and receive0): a UDP socket is created with SIO_UDP_CONNRESET = FALSE
 * ({@link Winsock#newUdpSocket}), so an unconnected socket is never told; {@link #reportPortUnreachable} turns it on
 * while the socket is connected, and the next recvfrom after a report then fails with WSAECONNRESET. Windows queues
 * one such error per report and keeps the socket readable until each is taken, so {@link #recvFrom} takes them all
 * at once: a level-triggered poll loop never sees the same report twice.
 *
 * <p>The hot calls ({@link #recvFrom}, {@link #sendTo}) run on the event loop and use one native scratch block per
 * thread for the peer's sockaddr, so a datagram costs no native allocation.
 */
public final class DatagramSockets {
    /** What {@link #recvFrom} returns when no datagram is waiting. */
    public static final int WOULD_BLOCK = -1;

    /** sockaddr storage, its length cell, and one byte to peek into. */
    private static final int SCRATCH_SIZE = SockAddrs.STORAGE_SIZE + 16;
    private static final int PEEK_BYTE = SockAddrs.STORAGE_SIZE + 8;
    /** A stack that re-reports an error it was asked to consume must not hold the event loop. */
    private static final int MAX_QUEUED_REPORTS = 1024;
    private static final FastThreadLocal<long[]> SCRATCH = new FastThreadLocal<long[]>() {
        @Override
        protected long[] initialValue() {
            return new long[] {Mem.allocate(SCRATCH_SIZE)};
        }

        @Override
        protected void onRemoval(long[] value) {
            long m = value[0];
            value[0] = 0;
            Mem.free(m);
        }
    };

    private DatagramSockets() {
    }

    /**
     * A new non-blocking, non-inheritable UDP socket with SIO_UDP_CONNRESET off: AF_INET6 dual-stack (IPV6_V6ONLY
     * off) when {@code ipv6}, else AF_INET.
     */
    public static WinsockSocket newSocket(boolean ipv6) throws IOException {
        return WinsockSocket.newInetSocket(ipv6, false);
    }

    /** The wildcard address (port 0) of a socket's family. */
    public static InetSocketAddress wildcard(boolean ipv6) {
        return new InetSocketAddress(ipv6 ? ipv6Any() : ipv4Any(), 0);
    }

    private static InetAddress ipv6Any() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ipv4Any() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ data path

    /**
     * One recvfrom into native memory: the datagram's length (0 for an empty datagram; {@code length} when it was
     * longer and got truncated, as the JDK does), or {@link #WOULD_BLOCK}. The sender is left for
     * {@link #lastSender()} on this thread.
     *
     * @throws PortUnreachableException when the stack reports an ICMP error ({@link #isIcmpReport}): every
     *                                  report queued so far is consumed with it, and the socket stays usable
     */
    public static int recvFrom(WinsockSocket socket, long address, int length) throws IOException {
        long sa = SCRATCH.get()[0];
        long lenCell = sa + SockAddrs.STORAGE_SIZE;
        Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
        Mem.putShort(sa, (short) 0);
        int n = Winsock.recvfrom(socket.handle(), address, length, 0, sa, lenCell);
        if (n >= 0) {
            return n;
        }
        int err = Winsock.lastError();
        switch (err) {
            case Win32Errors.WSAEWOULDBLOCK:
                return WOULD_BLOCK;
            case Win32Errors.WSAEMSGSIZE:
                return length; // the buffer holds the datagram's first bytes; the rest is gone
            case Win32Errors.WSAECONNRESET:
            case Win32Errors.WSAENETRESET:
            case Win32Errors.WSAECONNREFUSED:
                discardQueuedReports(socket, sa, lenCell);
                throw new PortUnreachableException("recvfrom() failed: " + WinsockExceptions.describe(err));
            default:
                if (err == Win32Errors.WSAENOTSOCK && !socket.isOpen()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                throw WinsockExceptions.newException("recvfrom()", err);
        }
    }

    /**
     * Takes the ICMP reports still queued behind the one just returned, as the JDK's purgeOutstandingICMP does: peek
     * one byte; while that fails with a reset, receive it for real. A datagram (or any other answer) ends it.
     */
    private static void discardQueuedReports(WinsockSocket socket, long sa, long lenCell) {
        long oneByte = sa + PEEK_BYTE;
        for (int i = 0; i < MAX_QUEUED_REPORTS; i++) {
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            if (Winsock.recvfrom(socket.handle(), oneByte, 1, Winsock.MSG_PEEK, sa, lenCell) >= 0) {
                return;
            }
            int err = Winsock.lastError();
            if (!isIcmpReport(err)) {
                return; // WSAEWOULDBLOCK, or WSAEMSGSIZE for a datagram longer than the byte: nothing more to take
            }
            Mem.putInt(lenCell, SockAddrs.STORAGE_SIZE);
            Winsock.recvfrom(socket.handle(), oneByte, 1, 0, sa, lenCell);
        }
    }

    /**
     * Whether a UDP call's error is an ICMP report for an earlier datagram: WSAECONNRESET (Windows, with
     * SIO_UDP_CONNRESET on), WSAENETRESET (time exceeded), or WSAECONNREFUSED, which Wine 8.0 passes on from
     * Linux's ECONNREFUSED for a connected socket's send.
     */
    private static boolean isIcmpReport(int err) {
        return err == Win32Errors.WSAECONNRESET || err == Win32Errors.WSAENETRESET
                || err == Win32Errors.WSAECONNREFUSED;
    }

    /**
     * Sets SIO_UDP_CONNRESET: whether ICMP port unreachable reports reach recvfrom as WSAECONNRESET. The JDK turns it
     * on when a datagram socket connects and off when it disconnects, ignoring a failure (the socket then simply
     * is not told); so does this. Winsock has no way to read the value back, hence the result: whether the stack took
     * it.
     */
    public static boolean reportPortUnreachable(WinsockSocket socket, boolean enabled) {
        if (!socket.isOpen()) {
            return false;
        }
        try {
            SocketHandles.setUdpConnReset(socket.handle(), enabled);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The sender of the datagram the last {@link #recvFrom} on this thread returned, or null if unknown. */
    public static InetSocketAddress lastSender() {
        long sa = SCRATCH.get()[0];
        int len = Mem.getInt(sa + SockAddrs.STORAGE_SIZE);
        int family = SockAddrs.family(sa);
        if (family != Winsock.AF_INET && family != Winsock.AF_INET6) {
            return null;
        }
        return SockAddrs.readInet(sa, len);
    }

    /**
     * One datagram from native memory, to {@code recipient} (sendto) or, when it is null, to the connected peer
     * (send). Returns false when the send buffer is full (WSAEWOULDBLOCK), true when the datagram was sent whole.
     */
    public static boolean sendTo(WinsockSocket socket, long address, int length, InetSocketAddress recipient)
            throws IOException {
        int n;
        if (recipient == null) {
            n = Winsock.send(socket.handle(), address, length, 0);
        } else {
            long sa = SCRATCH.get()[0];
            int saLen = SockAddrs.write(recipient, sa, socket.isIpv6() ? Winsock.AF_INET6 : Winsock.AF_INET);
            n = Winsock.sendto(socket.handle(), address, length, 0, sa, saLen);
        }
        if (n >= 0) {
            return true;
        }
        int err = Winsock.lastError();
        if (err == Win32Errors.WSAEWOULDBLOCK) {
            return false;
        }
        if (isIcmpReport(err)) {
            throw new PortUnreachableException((recipient == null ? "send()" : "sendto(" + recipient + ')')
                    + " failed: " + WinsockExceptions.describe(err));
        }
        if (err == Win32Errors.WSAENOTSOCK && !socket.isOpen()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        throw WinsockExceptions.newException(recipient == null ? "send()" : "sendto(" + recipient + ')', err);
    }

    /**
     * Dissolves a UDP socket's association: connect() to the all-zero address of the socket's family, which
     * Winsock documents as the disconnect of a connectionless socket (the port stays bound); where that is refused,
     * to an all-zero sockaddr of family AF_UNSPEC.
     */
    public static void disconnect(WinsockSocket socket) throws IOException {
        long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);
        try {
            int len = socket.isIpv6() ? SockAddrs.writeIn6(new byte[16], 0, 0, sa)
                    : SockAddrs.writeIn(new byte[4], 0, sa);
            if (Winsock.connect(socket.handle(), sa, len) == 0) {
                return;
            }
            int err = Winsock.lastError();
            Mem.zero(sa, SockAddrs.STORAGE_SIZE); // sa_family 0: AF_UNSPEC
            if (Winsock.connect(socket.handle(), sa, len) == 0) {
                return;
            }
            throw WinsockExceptions.newException("connect(0.0.0.0:0) (disconnect)", err);
        } finally {
            Mem.free(sa);
        }
    }

    // ------------------------------------------------------------------------------------------ multicast

    /**
     * Joins or leaves {@code group} on {@code iface} (null: the system's choice), for all sources or, with
     * {@code source}, for that source only (IPv4 only: Winsock's IPv6 source filters need the MCAST_* API).
     */
    public static void membership(WinsockSocket socket, boolean join, InetAddress group, NetworkInterface iface,
                                  InetAddress source) throws IOException {
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast address: " + group.getHostAddress());
        }
        if (group instanceof Inet4Address) {
            if (source != null && !(source instanceof Inet4Address)) {
                throw new IllegalArgumentException("source " + source.getHostAddress()
                        + " is not of the group's family (IPv4)");
            }
            long m = Mem.allocate(12);
            try {
                Mem.copy(group.getAddress(), 0, m, 4);
                int len;
                int option;
                if (source == null) {
                    Mem.copy(ipv4Of(iface), 0, m + 4, 4);
                    len = 8;
                    option = join ? Winsock.IP_ADD_MEMBERSHIP : Winsock.IP_DROP_MEMBERSHIP;
                } else {
                    Mem.copy(source.getAddress(), 0, m + 4, 4);
                    Mem.copy(ipv4Of(iface), 0, m + 8, 4);
                    len = 12;
                    option = join ? Winsock.IP_ADD_SOURCE_MEMBERSHIP : Winsock.IP_DROP_SOURCE_MEMBERSHIP;
                }
                setRaw(socket, Winsock.IPPROTO_IP, option, m, len, join ? "join " : "leave ", group);
            } finally {
                Mem.free(m);
            }
        } else {
            if (!socket.isIpv6()) {
                throw new IllegalArgumentException("IPv6 group " + group.getHostAddress()
                        + " on an IPv4 (AF_INET) datagram channel");
            }
            if (source != null) {
                throw new UnsupportedOperationException("source-specific IPv6 multicast is not supported by the "
                        + "AFD datagram channel (group " + group.getHostAddress() + ')');
            }
            long m = Mem.allocate(20);
            try {
                Mem.copy(group.getAddress(), 0, m, 16);
                Mem.putInt(m + 16, iface == null ? 0 : iface.getIndex());
                setRaw(socket, Winsock.IPPROTO_IPV6,
                        join ? Winsock.IPV6_ADD_MEMBERSHIP : Winsock.IPV6_DROP_MEMBERSHIP, m, 20,
                        join ? "join " : "leave ", group);
            } finally {
                Mem.free(m);
            }
        }
    }

    /** Blocks (or unblocks) datagrams from {@code source} to the IPv4 {@code group} joined on {@code iface}. */
    public static void blockSource(WinsockSocket socket, boolean block, InetAddress group, NetworkInterface iface,
                                   InetAddress source) throws IOException {
        if (!(group instanceof Inet4Address) || !(source instanceof Inet4Address)) {
            throw new UnsupportedOperationException("blocking a multicast source is supported for IPv4 groups only "
                    + "(group " + group.getHostAddress() + ", source " + source.getHostAddress() + ')');
        }
        long m = Mem.allocate(12);
        try {
            Mem.copy(group.getAddress(), 0, m, 4);
            Mem.copy(source.getAddress(), 0, m + 4, 4);
            Mem.copy(ipv4Of(iface), 0, m + 8, 4);
            setRaw(socket, Winsock.IPPROTO_IP, block ? Winsock.IP_BLOCK_SOURCE : Winsock.IP_UNBLOCK_SOURCE, m, 12,
                    block ? "block source in " : "unblock source in ", group);
        } finally {
            Mem.free(m);
        }
    }

    private static void setRaw(WinsockSocket socket, int level, int option, long value, int len, String what,
                               InetAddress group) throws IOException {
        long handle = socket.acquire(); // multicast calls come from any thread: keep the close out meanwhile
        try {
            if (Winsock.setsockopt(handle, level, option, value, len) != 0) {
                throw WinsockExceptions.newException("setsockopt(" + what + group.getHostAddress() + ')',
                        Winsock.lastError());
            }
        } finally {
            socket.release();
        }
    }

    /** The IPv4 address that names {@code iface} in ip_mreq (0.0.0.0: the system's choice). */
    private static byte[] ipv4Of(NetworkInterface iface) throws SocketException {
        if (iface == null) {
            return new byte[4];
        }
        Enumeration<InetAddress> addresses = iface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            InetAddress a = addresses.nextElement();
            if (a instanceof Inet4Address) {
                return a.getAddress();
            }
        }
        throw new SocketException("network interface " + iface.getName() + " has no IPv4 address");
    }

    /** IP_MULTICAST_IF's value for {@code address}: an IN_ADDR in network order, read as a host-order int. */
    public static int inAddrValue(InetAddress address) {
        if (address == null) {
            return 0;
        }
        if (!(address instanceof Inet4Address)) {
            throw new IllegalArgumentException("IP_MULTICAST_IF needs an IPv4 address, got " + address);
        }
        byte[] b = address.getAddress();
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /** The IPv4 address held in an IP_MULTICAST_IF value, or null for "the system's choice" (0.0.0.0). */
    public static InetAddress inAddrOf(int value) {
        if (value == 0) {
            return null;
        }
        byte[] b = {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
