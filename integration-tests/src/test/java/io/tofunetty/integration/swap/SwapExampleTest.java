package io.tofunetty.integration.swap;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.examples.swap.SwapEcho;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The swap example (examples/.../swap): its echo on AFD and on NIO, each client against each server. */
@WindowsTier
class SwapExampleTest {
    private static final int SIZE = 1024 * 1024;
    private static EventLoopGroup afd;
    private static EventLoopGroup nio;
    private static Channel afdServer;
    private static Channel nioServer;

    @BeforeAll
    static void startServers() throws InterruptedException {
        afd = new MultiThreadIoEventLoopGroup(2, AfdIoHandler.newFactory());
        nio = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        afdServer = SwapEcho.start(afd, AfdServerSocketChannel.class, 0);
        nioServer = SwapEcho.start(nio, NioServerSocketChannel.class, 0);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        afdServer.close().sync();
        nioServer.close().sync();
        afd.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        nio.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Test
    void afdClientEchoesAMebibyteThroughTheAfdServer() throws Exception {
        assertThat(SwapEcho.run(afd, AfdSocketChannel.class, "127.0.0.1", port(afdServer), SIZE)).isEqualTo(SIZE);
    }

    @Test
    void eachClientTalksToTheOtherTransportsServer() throws Exception {
        assertThat(SwapEcho.run(nio, NioSocketChannel.class, "127.0.0.1", port(afdServer), SIZE)).isEqualTo(SIZE);
        assertThat(SwapEcho.run(afd, AfdSocketChannel.class, "127.0.0.1", port(nioServer), SIZE)).isEqualTo(SIZE);
    }

    @Test
    void aRefusedConnectionFailsTheClientRun() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        assertThatThrownBy(() -> SwapEcho.run(afd, AfdSocketChannel.class, "127.0.0.1", port, 10))
                .isInstanceOf(ConnectException.class).hasMessageContaining(String.valueOf(port));
    }
}
