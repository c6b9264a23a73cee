package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP {@link ServerSocketChannel} on the AFD transport: the drop-in replacement for
 * {@code NioServerSocketChannel} on an event loop group made with {@link AfdIoHandler#newFactory()}.
 * Accepted connections are {@link AfdSocketChannel}s on the same event loop group (as the ServerBootstrap
 * registers them).
 *
 * <p>The no-argument constructor makes a dual-stack IPv6 listener that also accepts IPv4 connections (plain IPv4
 * when IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set). Bound to the IPv4 wildcard ({@code bind(port)}
 * or {@code 0.0.0.0}) it listens on {@code ::}, both stacks, as NIO's listener does.
 *
 * <p>As with NIO on Windows, the bind is exclusive and SO_REUSEADDR is only emulated: no other socket can bind the
 * port while this channel holds it (see {@link AfdChannelOption#SO_EXCLUSIVEADDRUSE}).
 */
public final class AfdServerSocketChannel extends AbstractAfdServerChannel implements ServerSocketChannel {
    private final AfdServerSocketChannelConfig config;

    /** A listener on a new socket of the preferred family. */
    public AfdServerSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A listener on a new socket of {@code family} (INET or INET6; null for the preferred family). */
    public AfdServerSocketChannel(SocketProtocolFamily family) {
        this(newInetSocket(family, true));
    }

    private AfdServerSocketChannel(WinsockSocket socket) {
        super(socket);
        config = newConfig(socket, () -> new AfdServerSocketChannelConfig(this));
    }

    @Override
    public AfdServerSocketChannelConfig config() {
        return config;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    WinsockSocket acceptSocket() throws IOException {
        return socket.accept();
    }

    @Override
    Channel newChildChannel(WinsockSocket accepted) {
        return new AfdSocketChannel(this, accepted);
    }
}
