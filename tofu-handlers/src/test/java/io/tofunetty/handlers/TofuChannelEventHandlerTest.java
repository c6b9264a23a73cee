package io.tofunetty.handlers;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.codec.TofuMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.tofunetty.handlers.TestSupport.frame;
import static org.assertj.core.api.Assertions.assertThat;

/** The plain-Netty piece: codec + {@link TofuChannelEventHandler}, without the engine. */
class TofuChannelEventHandlerTest {

    private static EmbeddedChannel channel(int number, long initialId) {
        return new EmbeddedChannel(new TofuFrameDecoder(), new TofuFrameEncoder(),
                new TofuChannelEventHandler(number, initialId));
    }

    private static TofuMessage read(EmbeddedChannel ch) {
        TofuMessage m = ch.readInbound();
        assertThat(m).as("an inbound message").isNotNull();
        return m;
    }

    private static void assertClosed(TofuMessage m, int channel, long id) {
        TestSupport.assertClosedSignal(m, channel, id);
    }

    @Test
    void stampsLocalNumberAndRemembersFirstReceivedId() {
        EmbeddedChannel ch = channel(7, 0);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(OpCode.HELLO_REQUEST, 41, "~connect_to:tcp|h|1\r\n", "")));
        ch.writeInbound(Unpooled.wrappedBuffer(frame(OpCode.REQUEST, 42, "", "x")));
        TofuMessage hello = read(ch);
        assertThat(hello.channelNumber()).isEqualTo(7); // the peer's 0x777e means nothing here (D6)
        hello.release();
        read(ch).release();
        ch.close();
        assertClosed(read(ch), 7, 41);
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void outboundGetsLocalNumberAndIdsAndHelloIdIsRemembered() {
        EmbeddedChannel ch = channel(9, 0);
        TofuMessage hello = TofuMessage.create(OpCode.HELLO_REQUEST);
        hello.headers().add(TofuAddress.CONNECT_TO, "tcp|127.0.0.1|7099");
        ch.writeOutbound(hello);
        io.netty.buffer.ByteBuf out = ch.readOutbound();
        assertThat(out.getUnsignedShort(0)).isEqualTo(9);
        long id = out.getLong(4);
        assertThat(id).isNotZero();
        out.release();
        ch.close();
        assertClosed(read(ch), 9, id);
    }

    @Test
    void unsentMessagesComeBackBeforeChannelClosed() {
        EmbeddedChannel ch = channel(3, 5);
        TofuMessage r = TofuMessage.create(OpCode.REQUEST).messageId(77);
        r.body().writeCharSequence("never sent", StandardCharsets.UTF_8);
        ch.write(r); // queued, not flushed
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        TofuMessage back = read(ch);
        assertThat(back.opCode()).isEqualTo(OpCode.REQUEST);
        assertThat(back.origin()).isEqualTo(Origin.ENGINE);
        assertThat(back.status()).isEqualTo(Status.PEER_DISCONNECTED);
        assertThat(back.messageId()).isEqualTo(77);
        assertThat(back.body().toString(StandardCharsets.UTF_8)).isEqualTo("never sent");
        back.release();
        assertClosed(read(ch), 3, 5);
        assertThat((Object) ch.readInbound()).isNull();
    }

    @Test
    void encoderRefusalComesBackAsInvalidMessage() {
        EmbeddedChannel ch = channel(3, 0);
        TofuMessage big = TofuMessage.create(OpCode.REQUEST, new TextHeaders(),
                Unpooled.buffer(70_000).writeZero(70_000));
        ch.writeOneOutbound(big);
        ch.flushOutbound();
        TofuMessage back = read(ch);
        assertThat(back.status()).isEqualTo(Status.INVALID_MESSAGE);
        assertThat(back.origin()).isEqualTo(Origin.ENGINE);
        back.release();
        assertThat(ch.isActive()).isTrue();
        ch.close();
        read(ch).release();
    }

    @Test
    void byeSignalIsNotSentButAbortsTheChannel() {
        EmbeddedChannel ch = channel(4, 0);
        ch.writeOutbound(TofuMessage.create(OpCode.BYE_SIGNAL).messageId(12));
        assertThat((Object) ch.readOutbound()).isNull();
        TofuMessage back = read(ch);
        assertThat(back.opCode()).isEqualTo(OpCode.BYE_SIGNAL);
        assertThat(back.origin()).isEqualTo(Origin.ENGINE);
        assertThat(back.status()).isEqualTo(Status.CHANNEL_CLOSED);
        back.release();
        assertThat(ch.isOpen()).isFalse();
        TofuChannelEventHandler h = new TofuChannelEventHandler(4);
        assertThat(h.closeReason()).isEqualTo(Status.PEER_DISCONNECTED);
        assertClosed(read(ch), 4, 0);
    }

    @Test
    void receivedByeResponseClosesAfterDelivery() {
        EmbeddedChannel ch = channel(5, 0);
        TofuChannelEventHandler h = ch.pipeline().get(TofuChannelEventHandler.class);
        ch.writeInbound(Unpooled.wrappedBuffer(frame(OpCode.BYE_RESPONSE, 8, "", "")));
        TofuMessage bye = read(ch);
        assertThat(bye.opCode()).isEqualTo(OpCode.BYE_RESPONSE);
        bye.release();
        assertThat(ch.isOpen()).isFalse();
        assertThat(h.closeReason()).isEqualTo(Status.CHANNEL_CLOSED);
        assertClosed(read(ch), 5, 8);
    }

    @Test
    void truncatedFrameAtEndOfInputIsPeerDisconnected() {
        EmbeddedChannel ch = channel(6, 0);
        TofuChannelEventHandler h = ch.pipeline().get(TofuChannelEventHandler.class);
        byte[] f = frame(OpCode.REQUEST, 9, "", "truncated body");
        ch.writeInbound(Unpooled.wrappedBuffer(f, 0, f.length - 3));
        assertThat((Object) ch.readInbound()).isNull();
        ch.pipeline().fireChannelInactive(); // end of input, as the transport reports it
        ch.close();
        assertThat(h.closeReason()).isEqualTo(Status.PEER_DISCONNECTED);
        assertClosed(read(ch), 6, 0);
    }

    @Test
    void protocolErrorIsRecvFailed() {
        EmbeddedChannel ch = channel(6, 0);
        TofuChannelEventHandler h = ch.pipeline().get(TofuChannelEventHandler.class);
        byte[] f = frame(OpCode.REQUEST, 9, "", "");
        f[2] = 0x0c; // opcode 12: never valid
        ch.writeInbound(Unpooled.wrappedBuffer(f));
        assertThat(ch.isOpen()).isFalse();
        assertThat(h.closeReason()).isEqualTo(Status.RECV_FAILED);
        assertClosed(read(ch), 6, 0);
    }

    /** A plain Netty client (codec + handler) talks to the engine's echo server over a real socket. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void plainNettyClientTalksToEngine(TestSupport.Case c) throws Exception {
        BlockingQueue<TofuMessage> inbox = new LinkedBlockingQueue<>();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, c.transport().newIoHandlerFactory());
        try (EchoServer server = new EchoServer(TestSupport.engine(c.transport()),
                TestSupport.listenAddress(c.kind()))) {
            try {
                Channel ch = new Bootstrap().group(loop)
                        .channelFactory(c.transport().socketChannelFactory(c.kind()))
                        .handler(new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel ch) {
                                ch.pipeline().addLast(new TofuFrameDecoder(), new TofuFrameEncoder(),
                                        new TofuChannelEventHandler(1234),
                                        new SimpleChannelInboundHandler<TofuMessage>(false) {
                                            @Override
                                            protected void channelRead0(ChannelHandlerContext ctx, TofuMessage m) {
                                                inbox.add(m);
                                            }
                                        });
                            }
                        })
                        .connect(c.transport().socketAddress(server.address, false)).sync().channel();
                TofuMessage hello = TofuMessage.create(OpCode.HELLO_REQUEST);
                hello.headers().add(TofuAddress.CONNECT_TO, server.address.format());
                ch.writeAndFlush(hello).sync();
                TofuMessage helloResponse = inbox.poll(10, TimeUnit.SECONDS);
                assertThat(helloResponse).isNotNull();
                assertThat(helloResponse.opCode()).isEqualTo(OpCode.HELLO_RESPONSE);
                assertThat(helloResponse.channelNumber()).isEqualTo(1234);
                long helloId = helloResponse.messageId();
                helloResponse.release();

                TofuMessage req = TofuMessage.create(OpCode.REQUEST);
                req.body().writeCharSequence("plain netty", StandardCharsets.UTF_8);
                ch.writeAndFlush(req).sync();
                TofuMessage resp = inbox.poll(10, TimeUnit.SECONDS);
                assertThat(resp.opCode()).isEqualTo(OpCode.RESPONSE);
                assertThat(resp.body().toString(StandardCharsets.UTF_8)).isEqualTo("plain netty");
                resp.release();

                ch.writeAndFlush(TofuMessage.create(OpCode.BYE_SIGNAL));
                TofuMessage back = inbox.poll(10, TimeUnit.SECONDS);
                assertThat(back.opCode()).isEqualTo(OpCode.BYE_SIGNAL);
                assertThat(back.status()).isEqualTo(Status.CHANNEL_CLOSED);
                back.release();
                TestSupport.assertClosedSignal(inbox.poll(10, TimeUnit.SECONDS), 1234, helloId);
                ch.closeFuture().sync();
                server.awaitClosed(1);
                assertThat(server.closed.get()).isEqualTo(1);
            } finally {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
                server.engine.close();
                inbox.forEach(TofuMessage::release);
            }
        }
    }
}
