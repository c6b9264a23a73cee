package io.tofunetty.afd;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.util.NetUtil;
import io.tofunetty.afd.internal.win32.Winsock;

import java.io.IOException;
import java.util.Map;

import static io.netty.channel.ChannelOption.SO_BACKLOG;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;

/**
 * The configuration of an {@link AfdServerSocketChannel}: SO_BACKLOG (default: Netty's SOMAXCONN estimate),
 * SO_RCVBUF (inherited by accepted sockets), SO_REUSEADDR and {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE}. The
 * listener binds exclusively by default and SO_REUSEADDR is then emulated, as with the JDK's NIO on Windows.
 */
public final class AfdServerSocketChannelConfig extends AbstractAfdChannelConfig implements ServerSocketChannelConfig {
    private volatile int backlog = NetUtil.SOMAXCONN;

    AfdServerSocketChannelConfig(AfdServerSocketChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_REUSEADDR, SO_BACKLOG,
                AfdChannelOption.SO_EXCLUSIVEADDRUSE);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_BACKLOG) {
            return (T) Integer.valueOf(getBacklog());
        }
        if (option == AfdChannelOption.SO_EXCLUSIVEADDRUSE) {
            return (T) Boolean.valueOf(isExclusiveAddressUse());
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_BACKLOG) {
            setBacklog((Integer) value);
        } else if (option == AfdChannelOption.SO_EXCLUSIVEADDRUSE) {
            setExclusiveAddressUse((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    @Override
    public int getBacklog() {
        return backlog;
    }

    @Override
    public AfdServerSocketChannelConfig setBacklog(int backlog) {
        if (backlog < 0) {
            throw new IllegalArgumentException("backlog must be >= 0, got " + backlog);
        }
        this.backlog = backlog;
        return this;
    }

    /**
     * SO_REUSEADDR as set. With {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE} on (the default) the value is only
     * stored and read back, as the JDK's NIO does on Windows: Windows' SO_REUSEADDR would let another socket bind the
     * port this channel listens on. Setting it true is therefore harmless, and portable code that sets it for Linux
     * (where it allows a restart while old connections sit in TIME_WAIT) keeps working; Windows needs no such option
     * for a listener to rebind over TIME_WAIT connections.
     */
    @Override
    public boolean isReuseAddress() {
        return isReuseAddress0();
    }

    /** SO_REUSEADDR: see {@link #isReuseAddress()}. */
    @Override
    public AfdServerSocketChannelConfig setReuseAddress(boolean reuseAddress) {
        setReuseAddress0(reuseAddress);
        return this;
    }

    /** Whether the bind is (or was) exclusive: see {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE}. On by default. */
    public boolean isExclusiveAddressUse() {
        return socket.isExclusiveBind();
    }

    /**
     * SO_EXCLUSIVEADDRUSE: see {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE}.
     *
     * @throws IllegalStateException when the channel is bound already
     */
    public AfdServerSocketChannelConfig setExclusiveAddressUse(boolean exclusive) {
        try {
            socket.setExclusiveBind(exclusive);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    @Override
    public int getReceiveBufferSize() {
        return getInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF);
    }

    @Override
    public AfdServerSocketChannelConfig setReceiveBufferSize(int receiveBufferSize) {
        setInt(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF, receiveBufferSize);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public AfdServerSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    @Deprecated
    public AfdServerSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public AfdServerSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public AfdServerSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
