package io.tofunetty.afd.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@WindowsTier
class AfdSmokeTest {
    @Test
    void echo() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, AfdIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg);
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            System.out.println("bound " + server.localAddress());
            CompletableFuture<String> got = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            got.complete(msg.toString(StandardCharsets.US_ASCII));
                        }
                    }).connect(server.localAddress()).sync().channel();
            System.out.println("connected " + client.localAddress() + " -> " + client.remoteAddress());
            client.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
            client.close().sync();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
