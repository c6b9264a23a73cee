package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Writes and reads Winsock socket addresses in native memory.
 *
 * <ul>
 *   <li>sockaddr_in (16 bytes): family u16 (host order) 0, port u16 (network order) 2, address 4:4, zero 8:8.</li>
 *   <li>sockaddr_in6 (28 bytes): family 0, port (network order) 2, flowinfo u32 (network order) 4, address 8:16,
 *       scope id u32 (host order) 24.</li>
 *   <li>sockaddr_un (110 bytes, afunix.h): family 0, sun_path char[108] 2 (NUL-terminated UTF-8 here).</li>
 * </ul>
 * Buffers for reading must hold {@link #STORAGE_SIZE} bytes (sockaddr_storage).
 */
public final class SockAddrs {
    public static final int STORAGE_SIZE = 128;
    public static final int IN_SIZE = 16;
    public static final int IN6_SIZE = 28;
    public static final int UN_PATH_SIZE = 108;
    public static final int UN_SIZE = 2 + UN_PATH_SIZE;

    private SockAddrs() {
    }

    /**
     * Writes {@code address} at {@code sa} (which must hold {@link #STORAGE_SIZE} bytes) and returns its length.
     * An unresolved InetSocketAddress is refused; an IPv4 address is written as sockaddr_in (use
     * {@link #write(SocketAddress, long, int)} for a dual-stack AF_INET6 socket).
     */
    public static int write(SocketAddress address, long sa) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress isa = (InetSocketAddress) address;
            if (isa.isUnresolved()) {
                throw new IllegalArgumentException("unresolved address: " + isa);
            }
            InetAddress ip = isa.getAddress();
            if (ip instanceof Inet4Address) {
                return writeIn(ip.getAddress(), isa.getPort(), sa);
            }
            Inet6Address ip6 = (Inet6Address) ip;
            return writeIn6(ip6.getAddress(), isa.getPort(), ip6.getScopeId(), sa);
        }
        if (address instanceof UnixDomainSocketAddress) {
            return writeUn(((UnixDomainSocketAddress) address).getPath().toString(), sa);
        }
        throw new IllegalArgumentException("unsupported address type: "
                + (address == null ? "null" : address.getClass().getName()));
    }

    /**
     * Writes {@code address} for a socket of family {@code af}. On an AF_INET6 (dual-stack) socket an IPv4 address is
     * written v4-mapped (::ffff:a.b.c.d), except the IPv4 wildcard 0.0.0.0, which becomes the IPv6 wildcard {@code ::}:
     * bound to ::ffff:0.0.0.0 a dual-stack socket would accept IPv4 only, while {@code ::} with IPV6_V6ONLY off takes
     * both. The JDK writes addresses the same way (NET_InetAddressToSockaddr in net_util_md.c), so bind(port) and
     * bind(0.0.0.0) listen on both stacks, as NIO's listeners do.
     */
    public static int write(SocketAddress address, long sa, int af) {
        if (af == Winsock.AF_INET6 && address instanceof InetSocketAddress
                && ((InetSocketAddress) address).getAddress() instanceof Inet4Address) {
            InetSocketAddress isa = (InetSocketAddress) address;
            byte[] ip6 = new byte[16];
            if (!isa.getAddress().isAnyLocalAddress()) {
                ip6[10] = (byte) 0xFF;
                ip6[11] = (byte) 0xFF;
                System.arraycopy(isa.getAddress().getAddress(), 0, ip6, 12, 4);
            }
            return writeIn6(ip6, isa.getPort(), 0, sa);
        }
        return write(address, sa);
    }

    public static int writeIn(byte[] ip4, int port, long sa) {
        Mem.zero(sa, IN_SIZE);
        Mem.putShort(sa, (short) Winsock.AF_INET);
        putPort(sa + 2, port);
        Mem.copy(ip4, 0, sa + 4, 4);
        return IN_SIZE;
    }

    public static int writeIn6(byte[] ip6, int port, int scopeId, long sa) {
        Mem.zero(sa, IN6_SIZE);
        Mem.putShort(sa, (short) Winsock.AF_INET6);
        putPort(sa + 2, port);
        Mem.copy(ip6, 0, sa + 8, 16);
        Mem.putInt(sa + 24, scopeId);
        return IN6_SIZE;
    }

    public static int writeUn(String path, long sa) {
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= UN_PATH_SIZE) {
            throw new IllegalArgumentException("AF_UNIX path longer than " + (UN_PATH_SIZE - 1) + " bytes: " + path);
        }
        Mem.zero(sa, UN_SIZE);
        Mem.putShort(sa, (short) Winsock.AF_UNIX);
        Mem.copy(bytes, 0, sa + 2, bytes.length);
        return 2 + bytes.length + 1;
    }

    /** The address family stored at {@code sa}. */
    public static int family(long sa) {
        return Mem.getShort(sa) & 0xFFFF;
    }

    /** Decodes the address at {@code sa} of {@code length} bytes (as returned by getsockname, recvfrom...). */
    public static SocketAddress read(long sa, int length) {
        int family = family(sa);
        try {
            switch (family) {
                case Winsock.AF_INET: {
                    checkLength(family, length, IN_SIZE);
                    byte[] ip = new byte[4];
                    Mem.copy(sa + 4, ip, 0, 4);
                    return new InetSocketAddress(InetAddress.getByAddress(ip), getPort(sa + 2));
                }
                case Winsock.AF_INET6: {
                    checkLength(family, length, IN6_SIZE);
                    byte[] ip = new byte[16];
                    Mem.copy(sa + 8, ip, 0, 16);
                    int scope = Mem.getInt(sa + 24);
                    // scope 0 means "no scope": with it, Inet6Address would print a "%0" suffix
                    InetAddress address = isV4Mapped(ip) || scope == 0 ? InetAddress.getByAddress(ip)
                            : Inet6Address.getByAddress(null, ip, scope);
                    return new InetSocketAddress(address, getPort(sa + 2));
                }
                case Winsock.AF_UNIX: {
                    int max = Math.min(Math.max(length - 2, 0), UN_PATH_SIZE);
                    byte[] path = new byte[max];
                    Mem.copy(sa + 2, path, 0, max);
                    int n = 0;
                    while (n < max && path[n] != 0) {
                        n++;
                    }
                    return UnixDomainSocketAddress.of(new String(path, 0, n, StandardCharsets.UTF_8));
                }
                default:
                    throw new IllegalArgumentException("unsupported address family " + family);
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("cannot happen: address of fixed length", e);
        }
    }

    /** Decodes an IPv4 or IPv6 address; an AF_INET6 v4-mapped address comes back as an Inet4Address. */
    public static InetSocketAddress readInet(long sa, int length) {
        SocketAddress a = read(sa, length);
        if (!(a instanceof InetSocketAddress)) {
            throw new IllegalArgumentException("not an IP address: " + a);
        }
        return (InetSocketAddress) a;
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xFF && ip[11] == (byte) 0xFF;
    }

    private static void checkLength(int family, int length, int needed) {
        if (length < needed) {
            throw new IllegalArgumentException("address of family " + family + " needs " + needed
                    + " bytes, got " + length);
        }
    }

    private static void putPort(long at, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        Mem.putByte(at, (byte) (port >>> 8));
        Mem.putByte(at + 1, (byte) port);
    }

    private static int getPort(long at) {
        return ((Mem.getByte(at) & 0xFF) << 8) | (Mem.getByte(at + 1) & 0xFF);
    }
}
