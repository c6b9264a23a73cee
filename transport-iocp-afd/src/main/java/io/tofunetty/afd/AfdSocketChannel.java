package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.tofunetty.afd.internal.socket.WinsockSocket;

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
    private final AfdSocketChannelConfig config;

    /** A channel on a new TCP socket of the preferred family. */
    public AfdSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A channel on a new TCP socket of {@code family} (INET or INET6; null for the preferred family). */
    public AfdSocketChannel(SocketProtocolFamily family) {
        this(newInetSocket(family, true));
    }

    private AfdSocketChannel(WinsockSocket socket) {
        super(socket);
        config = newConfig(socket, () -> new AfdSocketChannelConfig(this));
    }

    /** A channel on a socket accepted by {@code parent}. */
    AfdSocketChannel(Channel parent, WinsockSocket accepted) {
        super(parent, accepted);
        config = newConfig(accepted, () -> new AfdSocketChannelConfig(this));
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
