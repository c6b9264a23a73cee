package io.tofunetty.examples.swap;

import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The echo client ({@link SwapEcho}) on NIO; {@link AfdEchoClient} is the same program on the AFD transport. */
public final class NioEchoClient {
    private NioEchoClient() {
    }

    public static void main(String[] args) throws Exception {
        SwapEcho.echo(args, NioIoHandler.newFactory(), NioSocketChannel.class);
    }
}
