package io.tofunetty.examples.http;

import io.tofunetty.examples.echo.EchoAddress;
import io.tofunetty.examples.echo.EchoTransport;
import io.tofunetty.examples.echo.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP hello server answers on every transport available here, unchanged pipeline on each. */
class HttpHelloServerTest {
    static List<EchoTransport> transports() {
        return Transports.available();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void answersHelloFromItsTransportWithKeepAlive(EchoTransport transport) throws Exception {
        try (HttpHelloServer server = HttpHelloServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), transport, 1);
             Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            String greeting = "Hello from " + transport.displayName() + "\n";
            // Two requests on one kept-alive connection, then one that asks to close.
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /again HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "GET /last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String response = readToEnd(s.getInputStream());
            String one = "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=UTF-8\r\ncontent-length: "
                    + greeting.length() + "\r\n";
            assertThat(response.split("HTTP/1.1 200 OK", -1)).hasSize(4);
            assertThat(response).startsWith(one + "\r\n" + greeting + one + "\r\n" + greeting + one)
                    .endsWith("connection: close\r\n\r\n" + greeting);
        }
    }

    @Test
    void theCommandPrintsReadyAndStopsAfterSeconds() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HttpHelloServer.run(new String[] {"tcp|127.0.0.1|0", "--transport", "nio", "--seconds", "1"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("(?m)^READY tcp\\|127\\.0\\.0\\.1\\|[0-9]+$")
                .contains("(transport nio)");
    }

    @Test
    void refusesAUnixDomainSocketAddress() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = HttpHelloServer.run(new String[] {"uds|/tmp/x.sock"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("listens on TCP");
    }

    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
