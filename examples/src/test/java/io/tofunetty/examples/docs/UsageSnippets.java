package io.tofunetty.examples.docs;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdEventLoopGroup;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdIoHandlerOptions;
import io.tofunetty.afd.AfdReadMode;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.ChannelGroup;
import io.tofunetty.handlers.TofuEngine;
import io.tofunetty.handlers.TofuTransport;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The code snippets of docs/usage.md, compiled. {@link DocSnippetsTest} fails when a ```java block of the docs is not
 * found here verbatim (modulo indentation), so the docs cannot drift from code that compiles.
 */
@SuppressWarnings("unused")
final class UsageSnippets {

    static Channel swapTheGroup(ChannelInitializer<SocketChannel> yourInitializer) throws Exception {
        // snippet: swap
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory()); // was NioIoHandler
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(AfdServerSocketChannel.class)                                  // was NioServerSocketChannel
                .childHandler(yourInitializer);                                         // unchanged
        Channel server = bootstrap.bind(new InetSocketAddress("127.0.0.1", 8080)).sync().channel();
        // end
        return server;
    }

    static Bootstrap clientOnAfd(ChannelInitializer<SocketChannel> yourInitializer) {
        // snippet: client
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(AfdSocketChannel.class)
                .handler(yourInitializer);
        // end
        return bootstrap;
    }

    static EventLoopGroup readMode() {
        // snippet: read-mode
        AfdIoHandlerOptions options = AfdIoHandlerOptions.defaults().withReadMode(AfdReadMode.POLL);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory(options));
        // end
        return group;
    }

    static Bootstrap groupClassAndChannelMapping(ChannelInitializer<SocketChannel> yourInitializer) {
        // snippet: group-class
        EventLoopGroup group = Afd.isAvailable()
                ? new AfdEventLoopGroup()
                : new MultiThreadIoEventLoopGroup(io.netty.channel.nio.NioIoHandler.newFactory());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(AfdChannels.socketChannelClass(group))   // AfdSocketChannel or NioSocketChannel
                .handler(yourInitializer);
        // end
        return bootstrap;
    }

    static final class TofuCodecPipeline extends ChannelInitializer<SocketChannel> {
        // snippet: codec
        @Override
        protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(
                    new TofuFrameDecoder(),   // bytes -> TofuMessage (retained slices, no copies)
                    new TofuFrameEncoder(),   // TofuMessage -> bytes (the body is not copied)
                    new SimpleChannelInboundHandler<TofuMessage>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, TofuMessage request) {
                            if (request.opCode() == OpCode.REQUEST) {
                                TofuMessage response = TofuMessage.create(OpCode.RESPONSE,
                                        new TextHeaders().add("answer", "42"),
                                        Unpooled.copiedBuffer("pong", StandardCharsets.UTF_8));
                                response.messageId(request.messageId()); // a response reuses the request's id
                                ctx.writeAndFlush(response);
                            }
                        }
                    });
        }
        // end
    }

    static void engine() throws Exception {
        // snippet: engine
        try (TofuEngine engine = TofuEngine.builder().transport(TofuTransport.AUTO).build()) {
            ChannelGroup server = engine.create();
            server.post(TofuMessage.create(OpCode.WELCOME_REQUEST,                 // post takes the message over
                    new TextHeaders().add("~listen_on", "tcp|127.0.0.1|7099"), Unpooled.EMPTY_BUFFER));
            TofuMessage started = server.waitReceive(Duration.ofSeconds(5));       // WelcomeResponse, success
            engine.put(started);                                                   // give it back to the pool

            ChannelGroup client = engine.create();
            TofuMessage posted = client.post(TofuMessage.create(OpCode.HELLO_REQUEST,
                    new TextHeaders().add("~connect_to", "tcp|127.0.0.1|7099"), Unpooled.EMPTY_BUFFER));
            System.out.println("channel " + posted.channelNumber() + ", id " + posted.messageId());
        }
        // end
    }
}
