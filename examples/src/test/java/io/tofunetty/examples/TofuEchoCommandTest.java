package io.tofunetty.examples;

import io.tofunetty.examples.echo.EchoTransport;
import io.tofunetty.examples.echo.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line of {@link TofuEcho}: demo, server and client as the README runs them, and bad input. */
class TofuEchoCommandTest {
    private static final Pattern READY = Pattern.compile("^READY (\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    static List<EchoTransport> transports() {
        return Transports.available();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void demoRunsServerAndClientAndPrintsTheSummary(EchoTransport transport) throws Exception {
        int status = TofuEcho.run(new String[] {"demo", "--transport", transport.displayName(), "--count", "50",
                "--connections", "2"}, out, err);
        assertThat(status).as(err()).isZero();
        assertThat(out()).containsPattern("(?m)^READY tcp\\|127\\.0\\.0\\.1\\|[1-9][0-9]*$")
                .containsPattern("(?m)^SUMMARY ok: transport " + transport.displayName()
                        + ", 2 connection\\(s\\) to tcp\\|127\\.0\\.0\\.1\\|[0-9]+, 50 requests each, all 106 echoes "
                        + "verified in [0-9.]+ s: [0-9]+ messages/s, latency p50 [0-9]+ us, p99 [0-9]+ us$");
    }

    /**
     * The demo over a Unix domain socket, on AUTO's transport where that does them, else NIO (AUTO is AFD on Windows,
     * and the echo example has no AFD domain socket channel yet). Where the system has no AF_UNIX (Wine 8.0 and
     * 10.0) the demo fails with status 1 and says where it could not listen.
     */
    @Test
    void demoOverAUnixDomainSocket() throws Exception {
        String address = "uds|" + dir.resolve("demo.sock");
        int status = TofuEcho.run(new String[] {"demo", "--address", address, "--count", "20",
                "--transport", Transports.forUds().displayName()}, out, err);
        if (!Transports.systemHasAfUnix()) {
            assertThat(status).as(out()).isEqualTo(1);
            assertThat(err()).startsWith("tofu echo: FAILED: cannot listen on " + address);
            return;
        }
        assertThat(status).as(err()).isZero();
        assertThat(out()).contains("READY " + address, "SUMMARY ok:", "to " + address, "all 23 echoes verified");
    }

    @Test
    void serverAndClientCommandsTalkThroughTheReadyAddress() throws Exception {
        AtomicInteger serverStatus = new AtomicInteger(-1);
        Thread serverThread = new Thread(() -> {
            try {
                serverStatus.set(TofuEcho.run(new String[] {"server", "tcp|127.0.0.1|0", "--transport", "nio",
                        "--seconds", "120"}, out, err));
            } catch (InterruptedException e) {
                serverStatus.set(99); // stopped by the test, after server.close() in the finally block
            }
        }, "echo-server-command");
        serverThread.start();
        String address = awaitReady();

        ByteArrayOutputStream clientOut = new ByteArrayOutputStream();
        int status = TofuEcho.run(new String[] {"client", address, "--count", "40", "--connections", "2",
                "--window", "4", "--transport", "nio"}, new PrintStream(clientOut, true, StandardCharsets.UTF_8), err);
        assertThat(status).as(err()).isZero();
        assertThat(clientOut.toString(StandardCharsets.UTF_8))
                .startsWith("SUMMARY ok: transport nio, 2 connection(s) to " + address + ", 40 requests each, all 86");

        serverThread.interrupt();
        serverThread.join(30_000);
        assertThat(serverThread.isAlive()).isFalse();
        assertThat(out()).contains("tofu echo server on " + address + ", transport nio, stopping after 120 s");
    }

    @Test
    void serverStopsAfterSeconds() throws Exception {
        int status = TofuEcho.run(new String[] {"server", "tcp|127.0.0.1|0", "--seconds", "1"}, out, err);
        assertThat(status).as(err()).isZero();
        assertThat(out()).containsPattern("(?m)^READY tcp\\|127\\.0\\.0\\.1\\|[1-9][0-9]*$")
                .contains("stopping after 1 s", "tofu echo server stopped");
    }

    /** As above on a Unix domain socket, whose file is removed at the stop; without AF_UNIX (Wine): status 1. */
    @Test
    void serverOnAUnixDomainSocketStopsAfterSecondsAndRemovesItsSocketFile() throws Exception {
        Path socket = dir.resolve("s.sock");
        int status = TofuEcho.run(new String[] {"server", "uds|" + socket, "--seconds", "1",
                "--transport", Transports.forUds().displayName()}, out, err);
        if (!Transports.systemHasAfUnix()) {
            assertThat(status).as(out()).isEqualTo(1);
            assertThat(err()).startsWith("tofu echo: FAILED: cannot listen on uds|" + socket);
            assertThat(socket).doesNotExist();
            return;
        }
        assertThat(status).as(err()).isZero();
        assertThat(out()).contains("READY uds|" + socket, "tofu echo server stopped");
        assertThat(socket).doesNotExist();
    }

    private String awaitReady() throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            Matcher m = READY.matcher(out());
            if (m.find()) {
                return m.group(1);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the server printed no READY line in 30 s; stderr: " + err());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bogus",
        "server",
        "server tcp|127.0.0.1",
        "server tcp|127.0.0.1|70000",
        "server uds|",
        "server tcp|127.0.0.1|0 --transport iocp",
        "server tcp|127.0.0.1|0 --seconds -1",
        "client tcp|127.0.0.1|0",
        "client tcp|127.0.0.1|7099 --count",
        "client tcp|127.0.0.1|7099 --connections 0",
        "client tcp|127.0.0.1|7099 --window 0",
        "client tcp|127.0.0.1|7099 --verbose yes",
        "demo extra",
    })
    void badCommandLinesExitWithStatus2AndSayWhy(String line) throws Exception {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertThat(TofuEcho.run(args, out, err)).isEqualTo(2);
        assertThat(err()).contains("usage: TofuEcho server");
        if (!line.isEmpty()) {
            assertThat(err()).startsWith("tofu echo: ");
        }
    }

    @Test
    void anUnavailableTransportFailsWithItsReason() throws Exception {
        if (EchoTransport.AFD.isAvailable()) {
            // On Windows: AFD does not do Unix domain sockets yet, and says so.
            assertThat(TofuEcho.run(new String[] {"demo", "--transport", "afd", "--address",
                    "uds|" + dir.resolve("x.sock")}, out, err)).isEqualTo(1);
            assertThat(err()).contains("Unix domain sockets on the afd transport are not supported yet");
        } else {
            assertThat(TofuEcho.run(new String[] {"demo", "--transport", "afd"}, out, err)).isEqualTo(1);
            assertThat(err()).startsWith("tofu echo: FAILED: the afd transport cannot run here: ");
        }
    }

    @Test
    void helpGoesToStdoutWithStatus0() throws Exception {
        assertThat(TofuEcho.run(new String[] {"--help"}, out, err)).isZero();
        assertThat(out()).contains("usage: TofuEcho server", "exit status: 0 everything verified");
    }
}
