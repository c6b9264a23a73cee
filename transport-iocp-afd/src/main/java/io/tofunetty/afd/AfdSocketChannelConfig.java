package io.tofunetty.afd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.internal.PlatformDependent;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

/**
 * The configuration of an {@link AfdSocketChannel}: Netty's standard socket options read from and written to the
 * Winsock socket, plus {@link AfdChannelOption}'s keep-alive timings. A failing socket call surfaces as a
 * {@link ChannelException} carrying the Winsock error.
 */
public final class AfdSocketChannelConfig extends AbstractAfdChannelConfig implements SocketChannelConfig {
    private volatile boolean allowHalfClosure;
    /** SO_LINGER as last set through this config (-1: off, the Windows default), so close() needs no getsockopt. */
    private volatile int lingerSet = -1;

    AfdSocketChannelConfig(AfdSocketChannel channel) {
        super(channel);
        if (PlatformDependent.canEnableTcpNoDelayByDefault()) {
            setTcpNoDelay(true);
        }
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        Map<ChannelOption<?>, Object> options = getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY,
                SO_KEEPALIVE, SO_REUSEADDR, SO_LINGER, IP_TOS, ALLOW_HALF_CLOSURE);
        // The keep-alive timings exist from Windows 10 1703/1709 on (and not under Wine 8): list them where readable.
        for (ChannelOption<Integer> o : List.of(
                AfdChannelOption.TCP_KEEPIDLE, AfdChannelOption.TCP_KEEPINTVL, AfdChannelOption.TCP_KEEPCNT)) {
            try {
                options.put(o, getOption(o));
            } catch (ChannelException unsupported) {
                // left out
            }
        }
        return options;
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == AfdChannelOption.TCP_KEEPIDLE) {
            return (T) Integer.valueOf(getInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPIDLE));
        }
        if (option == AfdChannelOption.TCP_KEEPINTVL) {
            return (T) Integer.valueOf(getInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPINTVL));
        }
        if (option == AfdChannelOption.TCP_KEEPCNT) {
            return (T) Integer.valueOf(getInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPCNT));
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == AfdChannelOption.TCP_KEEPIDLE) {
            setInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPIDLE, positive(option, (Integer) value));
        } else if (option == AfdChannelOption.TCP_KEEPINTVL) {
            setInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPINTVL, positive(option, (Integer) value));
        } else if (option == AfdChannelOption.TCP_KEEPCNT) {
            setInt(Winsock.IPPROTO_TCP, Winsock.TCP_KEEPCNT, positive(option, (Integer) value));
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private static int positive(ChannelOption<?> option, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(option.name() + " must be positive, got " + value);
        }
        return value;
    }

    @Override
    public int getReceiveBufferSize() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF);
    }

    @Override
    public AfdSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF, receiveBufferSize);
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_SNDBUF);
    }

    @Override
    public AfdSocketChannelConfig setSendBufferSize(int sendBufferSize) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_SNDBUF, sendBufferSize);
        return this;
    }

    @Override
    public boolean isTcpNoDelay() {
        return getInt(Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY) != 0;
    }

    @Override
    public AfdSocketChannelConfig setTcpNoDelay(boolean tcpNoDelay) {
        setInt(Winsock.IPPROTO_TCP, Winsock.TCP_NODELAY, tcpNoDelay ? 1 : 0);
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_KEEPALIVE) != 0;
    }

    @Override
    public AfdSocketChannelConfig setKeepAlive(boolean keepAlive) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_KEEPALIVE, keepAlive ? 1 : 0);
        return this;
    }

    /**
     * SO_REUSEADDR as set. The socket binds exclusively (SO_EXCLUSIVEADDRUSE), so on Windows the value is stored and
     * read back but never passed to the kernel, as the JDK's NIO does: see
     * {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE}.
     */
    @Override
    public boolean isReuseAddress() {
        return isReuseAddress0();
    }

    /** SO_REUSEADDR: stored, not passed to the kernel (see {@link #isReuseAddress()}). */
    @Override
    public AfdSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        setReuseAddress0(reuseAddress);
        return this;
    }

    @Override
    public int getSoLinger() {
        try {
            return socket.getSoLinger();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public AfdSocketChannelConfig setSoLinger(int soLinger) {
        try {
            socket.setSoLinger(soLinger);
            lingerSet = soLinger < 0 ? -1 : soLinger;
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    /** SO_LINGER as set through this config, -1 when never turned on. */
    int lingerSeconds() {
        return lingerSet;
    }

    @Override
    public int getTrafficClass() {
        try {
            return socket.getTrafficClass();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public AfdSocketChannelConfig setTrafficClass(int trafficClass) {
        try {
            socket.setTrafficClass(trafficClass);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public AfdSocketChannelConfig setAllowHalfClosure(boolean allowHalfClosure) {
        this.allowHalfClosure = allowHalfClosure;
        return this;
    }

    @Override
    public AfdSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this; // as in the JDK: not implemented by the TCP/IP stack
    }

    @Override
    public AfdSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public AfdSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public AfdSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public AfdSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public AfdSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
