package io.tofunetty.examples.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.handlers.internal.SocketFileCleanup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A tofu echo server: a plain Netty pipeline of the tofu codec and {@link EchoServerHandler} on any
 * {@link EchoTransport}, listening on a TCP port or a Unix domain socket.
 *
 * <p>Like tofu's listener it removes a stale socket file before binding a Unix domain socket and removes its
 * socket file when it closes (spec §9.1).
 */
public final class EchoServer implements AutoCloseable {
    /** Pipeline names, for tests that add handlers around them. */
    static final String DECODER = "tofu-decoder";
    static final String ENCODER = "tofu-encoder";
    static final String ECHO = "echo";

    private final EchoTransport transport;
    private final EchoAddress address;
    private final EventLoopGroup group;
    private final Channel listener;

    private EchoServer(EchoTransport transport, EchoAddress address, EventLoopGroup group, Channel listener) {
        this.transport = transport;
        this.address = address;
        this.group = group;
        this.listener = listener;
    }

    /**
     * Starts listening on {@code address} (port 0: any free port; see {@link #address()}).
     *
     * @param threads event loop threads, 0 for Netty's default (twice the number of cores)
     * @throws IllegalStateException if the transport cannot run here or cannot carry the address
     * @throws Exception             if the bind fails (for example, the port is in use)
     */
    public static EchoServer start(EchoAddress address, EchoTransport transport, int threads) throws Exception {
        return start(address, transport, threads, p -> { });
    }

    /** As {@link #start(EchoAddress, EchoTransport, int)}, then {@code customizer} edits each new pipeline. */
    static EchoServer start(EchoAddress address, EchoTransport transport, int threads,
                            Consumer<ChannelPipeline> customizer) throws Exception {
        transport.checkUsable(address);
        EchoTransport resolved = transport.resolve();
        if (address.isUds()) {
            removeStaleSocketFile(Path.of(address.path()));
        }
        EventLoopGroup group = resolved.newEventLoopGroup(threads);
        try {
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channelFactory(resolved.serverChannelFactory(address.isUds()))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ChannelPipeline p = ch.pipeline();
                            p.addLast(DECODER, new TofuFrameDecoder());
                            p.addLast(ENCODER, new TofuFrameEncoder());
                            p.addLast(ECHO, new EchoServerHandler());
                            customizer.accept(p);
                        }
                    });
            ChannelFuture bind = b.bind(resolved.socketAddress(address, true)).await();
            if (!bind.isSuccess()) {
                throw new IOException("cannot listen on " + address + " (" + resolved.displayName() + "): "
                        + bind.cause(), bind.cause());
            }
            Channel listener = bind.channel();
            return new EchoServer(resolved, address.bound(listener.localAddress()), group, listener);
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** tofu deletes a stale path before bind; only a socket file is removed, never a regular file or folder. */
    private static void removeStaleSocketFile(Path path) throws IOException {
        if (!SocketFileCleanup.deleteIfSocket(path) && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("cannot listen on uds|" + path + ": the path exists and is not a socket");
        }
    }

    /** The address listened on, with the real port when 0 was asked for. */
    public EchoAddress address() {
        return address;
    }

    /** The concrete transport (never {@link EchoTransport#AUTO}). */
    public EchoTransport transport() {
        return transport;
    }

    /** Completes when the listener closes. */
    public ChannelFuture closeFuture() {
        return listener.closeFuture();
    }

    /** Stops listening, closes every connection and waits (a few seconds at most) for the event loops to end. */
    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        if (address.isUds()) {
            try {
                Files.deleteIfExists(Path.of(address.path()));
            } catch (IOException ignored) {
                // best effort, as tofu's listener close
            }
        }
    }
}
