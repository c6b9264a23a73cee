package io.tofunetty.afd.group;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdEventLoopGroup;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AfdEventLoopGroupTest {

    @Test
    void constructsWhereAfdIsAvailableAndOtherwiseFailsNamingTheCause() throws Exception {
        if (Afd.isAvailable()) {
            new AfdEventLoopGroup(1).shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        } else {
            assertThat(System.getProperty("os.name")).doesNotStartWith("Windows");
            assertThatThrownBy(AfdEventLoopGroup::new)
                    .isInstanceOf(UnsatisfiedLinkError.class)
                    .hasMessageContaining("the AFD transport is unavailable")
                    .hasMessageContaining("needs Windows");
        }
    }

    @WindowsTier
    @Nested
    class OnWindows {
        @Test
        void isAGroupOfAfdIoHandlersWhoseChannelClassesAreTheAfdOnes() throws Exception {
            EventLoopGroup group = new AfdEventLoopGroup(2);
            try {
                assertThat(AfdChannels.isAfd(group)).isTrue();
                assertThat(((AfdEventLoopGroup) group).isIoType(AfdIoHandler.class)).isTrue();
                assertThat(AfdChannels.socketChannelClass(group)).isEqualTo(AfdSocketChannel.class);
                assertThat(AfdChannels.serverSocketChannelClass(group)).isEqualTo(AfdServerSocketChannel.class);
                assertThat(echo(group, "over AfdEventLoopGroup")).isEqualTo("over AfdEventLoopGroup");
            } finally {
                group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            }
        }
    }

    private static String echo(EventLoopGroup group, String text) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(AfdChannels.serverSocketChannelClass(group))
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            CompletableFuture<String> got = new CompletableFuture<>();
            Channel client = new Bootstrap().group(group).channel(AfdChannels.socketChannelClass(group))
                    .handler(new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                            got.complete(msg.toString(StandardCharsets.UTF_8));
                        }
                    }).connect(server.localAddress()).sync().channel();
            client.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)).sync();
            String echoed = got.get(20, TimeUnit.SECONDS);
            client.close().sync();
            return echoed;
        } finally {
            server.close().sync();
        }
    }
}
