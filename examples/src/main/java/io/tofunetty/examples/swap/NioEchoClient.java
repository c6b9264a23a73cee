package io.tofunetty.examples.swap;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.Promise;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A plain Netty echo client on NIO; {@link AfdEchoClient} is the same program on the AFD transport. */
public final class NioEchoClient {
    private NioEchoClient() {
    }

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8007;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 256 * 1024;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            long echoed = run(group, host, port, size);
            System.out.println(echoed + " bytes echoed by " + host + ':' + port);
        } finally {
            group.shutdownGracefully();
        }
    }

    /** Sends {@code size} bytes to the echo server and returns how many came back unchanged (all, or it throws). */
    public static long run(EventLoopGroup group, String host, int port, int size) throws Exception {
        Promise<Long> done = group.next().newPromise();
        new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
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
