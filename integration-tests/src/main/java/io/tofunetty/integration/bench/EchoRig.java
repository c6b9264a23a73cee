package io.tofunetty.integration.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An echo server and a client side on one transport, each with its own single-threaded event loop group (the machine
 * has two cores: one loop per side). The server echoes whatever it reads, flushing once per read batch; what the
 * clients do is up to the handler they are connected with.
 */
final class EchoRig implements AutoCloseable {
    /** Connects in flight at once while opening many connections (stays well under the listen backlog). */
    private static final int CONNECT_BATCH = 50;
    private static final long TIMEOUT_MS = 60_000;

    final BenchTransport transport;
    private final MultiThreadIoEventLoopGroup serverGroup;
    private final MultiThreadIoEventLoopGroup clientGroup;
    private final Channel server;
    private final InetSocketAddress address;
    private final AtomicInteger serverChildren = new AtomicInteger();
    private final AtomicReference<Throwable> serverError = new AtomicReference<>();
    private final boolean closeOnAccept;

    /**
     * @param closeOnAccept the server closes each connection as soon as it is accepted (the churn workload)
     */
    EchoRig(BenchTransport transport, boolean closeOnAccept) throws InterruptedException {
        this.transport = transport;
        this.closeOnAccept = closeOnAccept;
        serverGroup = new MultiThreadIoEventLoopGroup(1, transport.handlers());
        clientGroup = new MultiThreadIoEventLoopGroup(1, transport.handlers());
        boolean ok = false;
        try {
            ServerHandler handler = new ServerHandler();
            server = new ServerBootstrap()
                    .group(serverGroup)
                    .channelFactory(transport.serverChannels())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(handler)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            address = (InetSocketAddress) server.localAddress();
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    InetSocketAddress address() {
        return address;
    }

    IoEventLoop clientLoop() {
        return clientGroup.next();
    }

    IoEventLoop serverLoop() {
        return serverGroup.next();
    }

    /** A client bootstrap on this rig's client loop with {@code handler} (which must be sharable or fresh). */
    Bootstrap bootstrap(ChannelHandler handler) {
        return new Bootstrap()
                .group(clientGroup)
                .channelFactory(transport.clientChannels())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(handler);
    }

    /**
     * Opens {@code n} connections, {@value #CONNECT_BATCH} at a time, each with a fresh handler, and waits until the
     * server has accepted them all.
     */
    List<Channel> connect(int n, Supplier<ChannelHandler> handlers) throws IOException, InterruptedException {
        List<Channel> channels = new ArrayList<>(n);
        int expected = serverChildren.get() + n;
        try {
            for (int done = 0; done < n; ) {
                int batch = Math.min(CONNECT_BATCH, n - done);
                List<ChannelFuture> futures = new ArrayList<>(batch);
                for (int i = 0; i < batch; i++) {
                    futures.add(bootstrap(handlers.get()).connect(address));
                }
                for (ChannelFuture f : futures) {
                    if (!f.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                        throw new IOException("connect did not complete within " + TIMEOUT_MS + " ms ("
                                + transport + ", " + channels.size() + " of " + n + " connected)");
                    }
                    if (!f.isSuccess()) {
                        throw new IOException("connect failed (" + transport + ", " + channels.size() + " of " + n
                                + " connected): " + f.cause(), f.cause());
                    }
                    channels.add(f.channel());
                }
                done += batch;
            }
            awaitServerChildren(expected, true);
            return channels;
        } catch (IOException | InterruptedException | RuntimeException e) {
            closeAll(channels);
            throw e;
        }
    }

    /** Closes the channels and waits until the server has seen them go. */
    void closeAll(List<Channel> channels) throws InterruptedException {
        int expected = Math.max(0, serverChildren.get() - channels.size());
        List<ChannelFuture> closes = new ArrayList<>(channels.size());
        for (Channel ch : channels) {
            closes.add(ch.close());
        }
        for (ChannelFuture f : closes) {
            f.await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        channels.clear();
        try {
            awaitServerChildren(expected, false); // resets of connections closed with data in flight are expected
        } catch (IOException e) {
            BenchMain.warn(e.getMessage());
        }
    }

    int serverChildren() {
        return serverChildren.get();
    }

    private void awaitServerChildren(int expected, boolean failOnError) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (serverChildren.get() != expected) {
            Throwable t = serverError.get();
            if (failOnError && t != null) {
                throw new IOException("the echo server failed (" + transport + "): " + t, t);
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the server has " + serverChildren.get() + " connections, expected " + expected
                        + " (" + transport + ")");
            }
            Thread.sleep(1);
        }
    }

    /** The first error a server connection reported, or null. */
    Throwable serverError() {
        return serverError.get();
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close().await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        clientGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Echoes what it reads, one flush per read batch; counts live connections. */
    @ChannelHandler.Sharable
    private final class ServerHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            serverChildren.incrementAndGet();
            if (closeOnAccept) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            serverChildren.decrementAndGet();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset at shutdown is expected; anything while the load runs is reported by the workload.
            serverError.compareAndSet(null, cause);
            ctx.close();
        }
    }
}
