package io.tofunetty.afd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;
import io.tofunetty.afd.internal.socket.DatagramSockets;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;
import java.util.Map;

import static io.netty.channel.ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION;
import static io.netty.channel.ChannelOption.IP_MULTICAST_ADDR;
import static io.netty.channel.ChannelOption.IP_MULTICAST_IF;
import static io.netty.channel.ChannelOption.IP_MULTICAST_LOOP_DISABLED;
import static io.netty.channel.ChannelOption.IP_MULTICAST_TTL;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_BROADCAST;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;

/**
 * The configuration of an {@link AfdDatagramChannel}: Netty's standard datagram options read from and written to
 * the Winsock socket. A failing socket call surfaces as a {@link ChannelException} carrying the Winsock error.
 *
 * <p>On a dual-stack (AF_INET6) channel the multicast options are set at the IPv6 level (IPV6_MULTICAST_LOOP,
 * IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF by interface index) and, where Windows accepts it, at the IPv4 level too,
 * so that they apply to IPv4 groups as well; they are read back from the IPv6 level.
 *
 * <p>Reads use a {@link FixedRecvByteBufAllocator} of 2048 bytes by default, as Netty's NIO and epoll datagram
 * channels do; a longer datagram is truncated to the buffer, as the JDK does.
 */
public final class AfdDatagramChannelConfig extends AbstractAfdChannelConfig implements DatagramChannelConfig {
    private volatile boolean activeOnRegistration;

    AfdDatagramChannelConfig(AfdDatagramChannel channel) {
        super(channel, new FixedRecvByteBufAllocator(2048));
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_BROADCAST, SO_RCVBUF, SO_SNDBUF, SO_REUSEADDR,
                IP_MULTICAST_LOOP_DISABLED, IP_MULTICAST_ADDR, IP_MULTICAST_IF, IP_MULTICAST_TTL, IP_TOS,
                DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION);
    }

    @SuppressWarnings({"unchecked", "deprecation"})
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_BROADCAST) {
            return (T) Boolean.valueOf(isBroadcast());
        }
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == IP_MULTICAST_LOOP_DISABLED) {
            return (T) Boolean.valueOf(isLoopbackModeDisabled());
        }
        if (option == IP_MULTICAST_ADDR) {
            return (T) getInterface();
        }
        if (option == IP_MULTICAST_IF) {
            return (T) getNetworkInterface();
        }
        if (option == IP_MULTICAST_TTL) {
            return (T) Integer.valueOf(getTimeToLive());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            return (T) Boolean.valueOf(activeOnRegistration);
        }
        return super.getOption(option);
    }

    @SuppressWarnings("deprecation")
    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_BROADCAST) {
            setBroadcast((Boolean) value);
        } else if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == IP_MULTICAST_LOOP_DISABLED) {
            setLoopbackModeDisabled((Boolean) value);
        } else if (option == IP_MULTICAST_ADDR) {
            setInterface((InetAddress) value);
        } else if (option == IP_MULTICAST_IF) {
            setNetworkInterface((NetworkInterface) value);
        } else if (option == IP_MULTICAST_TTL) {
            setTimeToLive((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            setActiveOnRegistration((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    /** DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION: active (and reading) once registered, without a bind. */
    boolean isActiveOnRegistration() {
        return activeOnRegistration;
    }

    private void setActiveOnRegistration(boolean value) {
        if (channel.isRegistered()) {
            throw new IllegalStateException(
                    "DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION can only be changed before the channel is registered");
        }
        activeOnRegistration = value;
    }

    /** Sets an IPv4-level option on a dual-stack socket, where Windows accepts it (it applies to IPv4 groups). */
    private void setIpv4LevelToo(int name, int value) {
        try {
            socket.setIntOption(Winsock.IPPROTO_IP, name, value);
        } catch (IOException ignore) {
            // The IPv6-level option is set; this one only widens it to IPv4 traffic.
        }
    }

    @Override
    public boolean isBroadcast() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_BROADCAST) != 0;
    }

    @Override
    public AfdDatagramChannelConfig setBroadcast(boolean broadcast) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_BROADCAST, broadcast ? 1 : 0);
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF);
    }

    @Override
    public AfdDatagramChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF, receiveBufferSize);
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_SNDBUF);
    }

    @Override
    public AfdDatagramChannelConfig setSendBufferSize(int sendBufferSize) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_SNDBUF, sendBufferSize);
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_REUSEADDR) != 0;
    }

    @Override
    public AfdDatagramChannelConfig setReuseAddress(boolean reuseAddress) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_REUSEADDR, reuseAddress ? 1 : 0);
        return this;
    }

    @Override
    public int getTrafficClass() {
        try {
            return socket.getTrafficClass();
        } catch (IOException e) {
            if (socket.isIpv6() && socket.isOpen()) {
                // Some stacks (Wine) have no IPV6_TCLASS on UDP sockets: the IPv4 level still answers.
                return getInt(Winsock.IPPROTO_IP, Winsock.IP_TOS);
            }
            throw new ChannelException(e);
        }
    }

    @Override
    public AfdDatagramChannelConfig setTrafficClass(int trafficClass) {
        try {
            socket.setTrafficClass(trafficClass);
        } catch (IOException e) {
            if (!socket.isIpv6() || !socket.isOpen()) {
                throw new ChannelException(e);
            }
            setInt(Winsock.IPPROTO_IP, Winsock.IP_TOS, trafficClass); // no IPV6_TCLASS here (Wine): IPv4 level
        }
        return this;
    }

    @Override
    public boolean isLoopbackModeDisabled() {
        return socket.isIpv6() ? getInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_LOOP) == 0
                : getInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_LOOP) == 0;
    }

    @Override
    public AfdDatagramChannelConfig setLoopbackModeDisabled(boolean loopbackModeDisabled) {
        int loop = loopbackModeDisabled ? 0 : 1;
        if (socket.isIpv6()) {
            setInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_LOOP, loop);
            setIpv4LevelToo(Winsock.IP_MULTICAST_LOOP, loop);
        } else {
            setInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_LOOP, loop);
        }
        return this;
    }

    @Override
    public int getTimeToLive() {
        return socket.isIpv6() ? getInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_HOPS)
                : getInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_TTL);
    }

    @Override
    public AfdDatagramChannelConfig setTimeToLive(int ttl) {
        if (ttl < 0 || ttl > 255) {
            throw new IllegalArgumentException("IP_MULTICAST_TTL must be 0-255, got " + ttl);
        }
        if (socket.isIpv6()) {
            setInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_HOPS, ttl);
            setIpv4LevelToo(Winsock.IP_MULTICAST_TTL, ttl);
        } else {
            setInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_TTL, ttl);
        }
        return this;
    }

    /** The IPv4 address of the outgoing multicast interface (IP_MULTICAST_IF), or null for the system's choice. */
    @Override
    public InetAddress getInterface() {
        if (socket.isIpv6()) {
            NetworkInterface iface = getNetworkInterface();
            return iface == null ? null : firstIpv4(iface);
        }
        return DatagramSockets.inAddrOf(getInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_IF));
    }

    @Override
    public AfdDatagramChannelConfig setInterface(InetAddress interfaceAddress) {
        if (socket.isIpv6()) {
            try {
                NetworkInterface iface = interfaceAddress == null ? null
                        : NetworkInterface.getByInetAddress(interfaceAddress);
                if (interfaceAddress != null && iface == null) {
                    throw new ChannelException("no network interface has the address " + interfaceAddress);
                }
                setNetworkInterface(iface);
            } catch (SocketException e) {
                throw new ChannelException(e);
            }
        } else {
            setInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_IF, DatagramSockets.inAddrValue(interfaceAddress));
        }
        return this;
    }

    /** The outgoing multicast interface, or null for the system's choice. */
    @Override
    public NetworkInterface getNetworkInterface() {
        try {
            if (socket.isIpv6()) {
                int index = getInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_IF);
                return index == 0 ? null : NetworkInterface.getByIndex(index);
            }
            InetAddress address = getInterface();
            return address == null ? null : NetworkInterface.getByInetAddress(address);
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public AfdDatagramChannelConfig setNetworkInterface(NetworkInterface networkInterface) {
        InetAddress ipv4 = networkInterface == null ? null : firstIpv4(networkInterface);
        if (socket.isIpv6()) {
            setInt(Winsock.IPPROTO_IPV6, Winsock.IPV6_MULTICAST_IF,
                    networkInterface == null ? 0 : networkInterface.getIndex());
            if (networkInterface == null || ipv4 != null) {
                setIpv4LevelToo(Winsock.IP_MULTICAST_IF, DatagramSockets.inAddrValue(ipv4));
            }
        } else {
            if (networkInterface != null && ipv4 == null) {
                throw new ChannelException("network interface " + networkInterface.getName()
                        + " has no IPv4 address for an IPv4 datagram channel");
            }
            setInt(Winsock.IPPROTO_IP, Winsock.IP_MULTICAST_IF, DatagramSockets.inAddrValue(ipv4));
        }
        return this;
    }

    private static InetAddress firstIpv4(NetworkInterface iface) {
        Enumeration<InetAddress> addresses = iface.getInetAddresses();
        while (addresses.hasMoreElements()) {
            InetAddress a = addresses.nextElement();
            if (a instanceof Inet4Address) {
                return a;
            }
        }
        return null;
    }

    @Override
    @Deprecated
    public AfdDatagramChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public AfdDatagramChannelConfig setMaxMessagesPerWrite(int maxMessagesPerWrite) {
        super.setMaxMessagesPerWrite(maxMessagesPerWrite);
        return this;
    }
}
