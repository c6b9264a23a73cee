package io.tofunetty.examples.echo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.examples.TofuEcho;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client fails, with a message naming the problem and a non-zero exit status, whenever an echo is wrong. */
class EchoClientFailureTest {
    /** What a faulty server does to its 5th Response. */
    enum Fault {
        BODY_BYTE("echo mismatch: Response #5", "body byte 0 is"),
        MESSAGE_ID("echo mismatch: expected Response #5", "got id"),
        HEADERS("echo mismatch: Response #5", "text headers"),
        OPCODE("echo mismatch: expected Response #5", "got Signal"),
        CLOSE("the server closed the connection after 5 of");

        final String[] expected;

        Fault(String... expected) {
            this.expected = expected;
        }
    }

    /** Spoils the 5th Response on its way to the encoder. */
    private static final class FaultyEcho extends ChannelOutboundHandlerAdapter {
        private final Fault fault;
        private int responses;

        FaultyEcho(Fault fault) {
            this.fault = fault;
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof TofuMessage m && m.opCode() == OpCode.RESPONSE && ++responses == 5) {
                switch (fault) {
                    case BODY_BYTE -> m.body().setByte(m.body().readerIndex(),
                            m.body().getByte(m.body().readerIndex()) ^ 0x40);
                    case MESSAGE_ID -> m.messageId(m.messageId() + 1);
                    case OPCODE -> m.opCode(OpCode.SIGNAL);
                    case HEADERS -> {
                        TofuMessage wrong = TofuMessage.create(OpCode.RESPONSE,
                                        new TextHeaders().add("seq", "5").add("x-conn", "9"), m.body().retain())
                                .messageId(m.messageId()).channelNumber(m.channelNumber());
                        m.release();
                        msg = wrong;
                    }
                    case CLOSE -> {
                        m.release();
                        ctx.flush(); // the echoes before this one go out first, then the connection closes
                        ctx.close();
                        return;
                    }
                }
            }
            ctx.write(msg, promise);
        }
    }

    private static EchoServer faultyServer(Fault fault) throws Exception {
        return EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), EchoTransport.NIO, 1,
                p -> p.addBefore(EchoServer.ECHO, "fault", new FaultyEcho(fault)));
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void failsOnAWrongEcho(Fault fault) throws Exception {
        try (EchoServer server = faultyServer(fault)) {
            EchoResult result = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.NIO, 20, 1,
                    4, 60, null, 2000));
            assertThat(result.success()).isFalse();
            if (fault == Fault.CLOSE && result.failure().endsWith("Connection reset")) {
                // Windows (and Wine 10) resets a connection closed with unread data in its receive buffer: the
                // client's pipelined requests were still unread at the server, so the close is an RST, not a FIN.
                assertThat(result.failure()).startsWith("connection 0: after ");
            } else {
                assertThat(result.failure()).startsWith("connection 0: ").contains(fault.expected);
            }
            assertThat(result.verifiedEchoes()).isLessThan(result.expectedEchoes());
            assertThat(result.summary()).startsWith("SUMMARY FAILED");
        }
    }

    @Test
    void theCommandExitsNonZeroAgainstACorruptingServer() throws Exception {
        try (EchoServer server = faultyServer(Fault.BODY_BYTE)) {
            Output o = new Output();
            int status = TofuEcho.run(new String[] {"client", server.address().toString(), "--count", "20",
                    "--transport", "nio"}, o.out, o.err);
            assertThat(status).isEqualTo(1);
            assertThat(o.err()).contains("tofu echo client: FAILED: connection 0: echo mismatch: Response #5");
            assertThat(o.out()).contains("SUMMARY FAILED");
        }
    }

    @Test
    void theCommandExitsNonZeroWhenNobodyListens() throws Exception {
        int port;
        try (EchoServer server = EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), EchoTransport.NIO, 1)) {
            port = server.address().port();
        }
        Output o = new Output();
        int status = TofuEcho.run(new String[] {"client", "tcp|127.0.0.1|" + port, "--transport", "nio"},
                o.out, o.err);
        assertThat(status).isEqualTo(1);
        assertThat(o.err()).contains("cannot connect to tcp|127.0.0.1|" + port, "Connection refused");
    }

    @Test
    void aSilentServerMakesTheClientTimeOut() throws Exception {
        EventLoopGroup group = EchoTransport.NIO.newEventLoopGroup(1);
        try {
            Channel silent = new ServerBootstrap().group(group)
                    .channelFactory(EchoTransport.NIO.serverChannelFactory(false))
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ReferenceCountUtil.release(msg);
                                }
                            });
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) silent.localAddress()).getPort();
            Output o = new Output();
            int status = TofuEcho.run(new String[] {"client", "tcp|127.0.0.1|" + port, "--count", "10",
                    "--timeout", "1", "--transport", "nio"}, o.out, o.err);
            assertThat(status).isEqualTo(1);
            assertThat(o.err()).contains("timed out after 1 s (--timeout): 0 of 13 echoes verified");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Captured stdout and stderr of a command. */
    static final class Output {
        private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

        String out() {
            return outBytes.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return errBytes.toString(StandardCharsets.UTF_8);
        }
    }
}
