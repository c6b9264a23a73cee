package io.tofunetty.examples.swap;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.util.concurrent.Promise;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The echo server and client of this package, written once for any transport: an ordinary Netty program in which
 * the transport is two names, the group's I/O handler factory and the channel class. {@link NioEchoServer},
 * {@link AfdEchoServer}, {@link NioEchoClient} and {@link AfdEchoClient} each name theirs; nothing else differs.
 */
public final class SwapEcho {
    private SwapEcho() {
    }

    /** A server's main: {@code [port]} (default 8007). */
    static void serve(String[] args, IoHandlerFactory transport, Class<? extends ServerChannel> channel)
            throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8007;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(transport);
        try {
            Channel server = start(group, channel, port);
            System.out.println("echo server listening on " + server.localAddress());
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Binds the echo server to {@code port} (0: any free port) on {@code group}, whose transport {@code channel}
     * belongs to; returns the listening channel.
     */
    public static Channel start(EventLoopGroup group, Class<? extends ServerChannel> channel, int port)
            throws InterruptedException {
        return new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new SwapEchoServerHandler())
                .bind(port).sync().channel();
    }

    /** A client's main: {@code [host] [port] [bytes]} (defaults 127.0.0.1, 8007, 256 KiB). */
    static void echo(String[] args, IoHandlerFactory transport, Class<? extends Channel> channel) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8007;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 256 * 1024;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(transport);
        try {
            long echoed = run(group, channel, host, port, size);
            System.out.println(echoed + " bytes echoed by " + host + ':' + port);
        } finally {
            group.shutdownGracefully();
        }
    }

    /**
     * Sends {@code size} bytes to the echo server through a {@code channel} on {@code group} and returns how many came
     * back unchanged (all, or it throws).
     */
    public static long run(EventLoopGroup group, Class<? extends Channel> channel, String host, int port, int size)
            throws Exception {
        Promise<Long> done = group.next().newPromise();
        new Bootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new SwapEchoClientHandler(size, done))
                .connect(host, port).addListener(f -> {
                    if (!f.isSuccess()) {
                        done.tryFailure(f.cause());
                    }
                });
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new TimeoutException("no complete echo within 60 s");
        }
        if (!done.isSuccess()) {
            Throwable cause = done.cause();
            throw cause instanceof Exception ? (Exception) cause : new ExecutionException(cause);
        }
        return done.getNow();
    }
}
