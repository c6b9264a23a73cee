package io.tofunetty.examples.swap;

import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdSocketChannel;

/** The echo client ({@link SwapEcho}) on the AFD transport; {@link NioEchoClient} is the same program on NIO. */
public final class AfdEchoClient {
    private AfdEchoClient() {
    }

    public static void main(String[] args) throws Exception {
        SwapEcho.echo(args, AfdIoHandler.newFactory(), AfdSocketChannel.class);
    }
}
