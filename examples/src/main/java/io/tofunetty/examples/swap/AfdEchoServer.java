package io.tofunetty.examples.swap;

import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;

/** The echo server ({@link SwapEcho}) on the AFD transport; {@link NioEchoServer} is the same program on NIO. */
public final class AfdEchoServer {
    private AfdEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        SwapEcho.serve(args, AfdIoHandler.newFactory(), AfdServerSocketChannel.class);
    }
}
