package io.tofunetty.examples.echo;

import io.tofunetty.examples.TofuEcho;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Windows tier of the examples: TofuEcho and the HTTP hello server on the AFD transport (on a Windows JVM,
 * under Wine on Linux). The nested class reruns the byte-level tests of the Linux tier on every transport of this
 * JVM, AFD included (the HTTP server's are in HttpHelloOnAfdTest). Counts are small: under Wine every native call is slow, and the leak detector runs
 * at PARANOID.
 */
@WindowsTier
class EchoOnAfdTest {
    static Stream<Arguments> afdWithAfdAndNio() {
        return Stream.of(
                Arguments.of(EchoTransport.AFD, EchoTransport.AFD),
                Arguments.of(EchoTransport.AFD, EchoTransport.NIO),
                Arguments.of(EchoTransport.NIO, EchoTransport.AFD));
    }

    @Test
    void afdIsAvailableAndAutoPicksIt() {
        assertThat(EchoTransport.AFD.unavailabilityReason()).isNull();
        assertThat(EchoTransport.AUTO.resolve()).isEqualTo(EchoTransport.AFD);
        assertThat(Transports.available()).contains(EchoTransport.AFD, EchoTransport.NIO);
    }

    @ParameterizedTest(name = "server {0}, client {1}")
    @MethodSource("afdWithAfdAndNio")
    void clientVerifiesEveryEchoOverTcp(EchoTransport serverTransport, EchoTransport clientTransport)
            throws Exception {
        try (EchoServer server = EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), serverTransport, 1)) {
            EchoResult result = EchoClient.run(new EchoClient.Options(server.address(), clientTransport, 30, 2, 8,
                    120, null, 2000));
            assertThat(result.failure()).isNull();
            assertThat(result.verifiedEchoes()).isEqualTo(2 * 33);
        }
    }

    @Test
    void theDemoCommandRunsOnAfd() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = TofuEcho.run(new String[] {"demo", "--count", "50", "--timeout", "120"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SUMMARY ok: transport afd, 1 connection(s)",
                "all 53 echoes verified");
    }

    @Test
    void theClientDetectsACorruptedEchoOnAfd() throws Exception {
        try (EchoServer server = EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), EchoTransport.AFD, 1,
                p -> p.addBefore(EchoServer.ECHO, "corrupt", new io.netty.channel.ChannelOutboundHandlerAdapter() {
                    private int n;

                    @Override
                    public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg,
                                      io.netty.channel.ChannelPromise promise) {
                        if (msg instanceof io.tofunetty.codec.TofuMessage m && ++n == 3) {
                            m.messageId(m.messageId() ^ 1);
                        }
                        ctx.write(msg, promise);
                    }
                }))) {
            EchoResult result = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.AFD, 10, 1, 4,
                    120, null, 2000));
            assertThat(result.failure()).contains("echo mismatch: expected Response #2", "got id");
        }
    }

    @Test
    void unixDomainSocketsOnAfdAreRefusedClearly() {
        assertThatThrownBy(() -> EchoServer.start(EchoAddress.uds("C:\\tofu-echo.sock"), EchoTransport.AFD, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Unix domain sockets on the afd transport are not supported yet");
    }

    /** The byte-level answers of the server, on AFD and NIO in this JVM. */
    @Nested
    class Bytes extends EchoServerBytesTest {
    }
}
