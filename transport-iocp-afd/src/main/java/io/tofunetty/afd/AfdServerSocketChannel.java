package io.tofunetty.afd;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.tofunetty.afd.internal.WinsockSocket;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A TCP {@link ServerSocketChannel} on the AFD transport: the drop-in replacement for
 * {@code NioServerSocketChannel} on an event loop group made with {@link AfdIoHandler#newFactory()}.
 * Accepted connections are {@link AfdSocketChannel}s on the same event loop group (as the ServerBootstrap
 * registers them).
 *
 * <p>The no-argument constructor makes a dual-stack IPv6 listener that also accepts IPv4 connections (plain IPv4
 * when IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set).
 */
public final class AfdServerSocketChannel extends AbstractAfdChannel implements ServerSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final AfdServerSocketChannelConfig config;

    /** A listener on a new socket of the preferred family. */
    public AfdServerSocketChannel() {
        this(AfdSocketChannel.newSocket(null));
    }

    /** A listener on a new socket of {@code family} (INET or INET6; null for the preferred family). */
    public AfdServerSocketChannel(SocketProtocolFamily family) {
        this(AfdSocketChannel.newSocket(family));
    }

    private AfdServerSocketChannel(WinsockSocket socket) {
        super(null, socket, false, 0);
        try {
            config = new AfdServerSocketChannelConfig(this, socket);
        } catch (RuntimeException e) {
            AfdSocketChannel.closeQuietly(socket);
            throw e;
        }
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public AfdServerSocketChannelConfig config() {
        return config;
    }

    @Override
    int readBit() {
        return AfdIoOps.ACCEPT;
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
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException("a server socket channel does not connect");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a server socket channel does not write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a server socket channel does not write");
    }

    @Override
    protected AbstractAfdUnsafe newUnsafe() {
        return new AfdServerUnsafe();
    }

    private final class AfdServerUnsafe extends AbstractAfdUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server socket channel does not connect"));
        }

        @Override
        void inReady() {
            assert eventLoop().inEventLoop();
            ChannelConfig config = config();
            if (shouldBreakReadReady(config)) {
                clearReadFlag0();
                return;
            }
            AfdRecvHandle allocHandle = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            allocHandle.reset(config);
            allocHandle.attemptedBytesRead(1);
            Throwable exception = null;
            try {
                try {
                    do {
                        WinsockSocket accepted = socket.accept();
                        if (accepted == null) {
                            allocHandle.lastBytesRead(-1);
                            break;
                        }
                        allocHandle.lastBytesRead(1);
                        allocHandle.incMessagesRead(1);
                        readPending = false;
                        AfdSocketChannel child;
                        try {
                            child = new AfdSocketChannel(AfdServerSocketChannel.this, accepted);
                        } catch (Throwable t) {
                            AfdSocketChannel.closeQuietly(accepted);
                            throw t;
                        }
                        pipeline.fireChannelRead(child);
                    } while (allocHandle.continueReading());
                } catch (Throwable t) {
                    exception = t;
                }
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (exception != null) {
                    pipeline.fireExceptionCaught(exception);
                }
            } finally {
                if (shouldStopReading(config)) {
                    clearReadFlag();
                }
            }
        }
    }
}
