package io.tofunetty.examples.swap;

import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The echo server ({@link SwapEcho}) on NIO; {@link AfdEchoServer} is the same program on the AFD transport. */
public final class NioEchoServer {
    private NioEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        SwapEcho.serve(args, NioIoHandler.newFactory(), NioServerSocketChannel.class);
    }
}
