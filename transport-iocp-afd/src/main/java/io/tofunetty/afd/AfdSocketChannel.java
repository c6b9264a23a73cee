package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP {@link SocketChannel} on the AFD transport: the drop-in replacement for {@code NioSocketChannel} on an
 * event loop group made with {@link AfdIoHandler#newFactory()}.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory());
 * new Bootstrap().group(group).channel(AfdSocketChannel.class)...
 * }</pre>
 *
 * The no-argument constructor makes a dual-stack IPv6 socket that also connects to IPv4 addresses (plain IPv4 when
 * IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set).
 */
public final class AfdSocketChannel extends AbstractAfdStreamChannel implements SocketChannel {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(AfdSocketChannel.class);
    private final AfdSocketChannelConfig config;

    /** A channel on a new TCP socket of the preferred family. */
    public AfdSocketChannel() {
        this(newSocket(null));
    }

    /** A channel on a new TCP socket of {@code family} (INET or INET6; null for the preferred family). */
    public AfdSocketChannel(SocketProtocolFamily family) {
        this(newSocket(family));
    }

    private AfdSocketChannel(WinsockSocket socket) {
        super(socket);
        config = newConfig();
    }

    /** A channel on a socket accepted by {@code parent}. */
    AfdSocketChannel(Channel parent, WinsockSocket accepted) {
        super(parent, accepted);
        config = newConfig();
    }

    private AfdSocketChannelConfig newConfig() {
        try {
            return new AfdSocketChannelConfig(this);
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    static WinsockSocket newSocket(SocketProtocolFamily family) {
        Afd.ensureAvailability();
        try {
            if (family == null) {
                return WinsockSocket.newStreamSocket();
            }
            switch (family) {
                case INET:
                    return WinsockSocket.newStreamSocket(false);
                case INET6:
                    return WinsockSocket.newStreamSocket(true);
                default:
                    throw new UnsupportedOperationException("protocol family " + family
                            + " is not supported by the AFD TCP channels (use INET or INET6)");
            }
        } catch (IOException e) {
            throw new ChannelException("failed to open a TCP socket", e);
        }
    }

    /** Closes a socket on a path that is already failing; a failed close is logged, not thrown over the cause. */
    static void closeQuietly(WinsockSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOGGER.warn("closing {} failed", s, e);
        }
    }

    @Override
    boolean completionReadsSupported() {
        return true;
    }

    @Override
    public AfdSocketChannelConfig config() {
        return config;
    }

    @Override
    long maxBytesPerGatheringWrite() {
        return config.getMaxBytesPerGatheringWrite();
    }

    @Override
    void maxBytesPerGatheringWrite(long value) {
        config.setMaxBytesPerGatheringWrite(value);
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }
}
