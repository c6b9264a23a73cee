package io.tofunetty.examples.echo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The echo client and server interoperate over TCP and Unix domain sockets on every transport available here,
 * including a client on one transport against a server on another (same bytes on the wire).
 */
class EchoInteropTest {
    // Small: tests run with Netty's leak detector at PARANOID, which records every buffer access.
    private static final int COUNT = 60;
    private static final int CONNECTIONS = 3;
    private static final int WINDOW = 8;

    @TempDir
    Path dir;

    static Stream<Arguments> serverAndClientTransports() {
        List<Arguments> args = new ArrayList<>();
        for (EchoTransport server : Transports.available()) {
            for (EchoTransport client : Transports.available()) {
                for (boolean uds : new boolean[] {false, true}) {
                    if (!uds || (Transports.availableWithUds().contains(server)
                            && Transports.availableWithUds().contains(client))) {
                        args.add(Arguments.of(server, client, uds));
                    }
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "server {0}, client {1}, uds {2}")
    @MethodSource("serverAndClientTransports")
    void clientVerifiesEveryEchoOfTheServer(EchoTransport serverTransport, EchoTransport clientTransport,
                                            boolean uds) throws Exception {
        EchoAddress address = uds ? EchoAddress.uds(dir.resolve("echo.sock").toString())
                : EchoAddress.parse("tcp|127.0.0.1|0");
        try (EchoServer server = EchoServer.start(address, serverTransport, 2)) {
            assertThat(server.transport()).isEqualTo(serverTransport);
            if (!uds) {
                assertThat(server.address().port()).isPositive();
                assertThat(server.address().toString()).isEqualTo("tcp|127.0.0.1|" + server.address().port());
            } else {
                assertThat(server.address()).isEqualTo(address);
            }
            EchoResult result = EchoClient.run(new EchoClient.Options(server.address(), clientTransport, COUNT,
                    CONNECTIONS, WINDOW, 60, null, 2000));

            assertThat(result.failure()).isNull();
            assertThat(result.verifiedEchoes()).isEqualTo((long) CONNECTIONS * (COUNT + 3))
                    .isEqualTo(result.expectedEchoes());
            assertThat(result.transport()).isEqualTo(clientTransport.name().toLowerCase(Locale.ROOT));
            assertThat(result.p50Micros()).isGreaterThanOrEqualTo(0);
            assertThat(result.p99Micros()).isGreaterThanOrEqualTo(result.p50Micros());
            assertThat(result.summary()).startsWith("SUMMARY ok: transport " + result.transport())
                    .contains("all " + result.verifiedEchoes() + " echoes verified", "messages/s", "p50", "p99");
        }
        if (uds) {
            assertThat(Files.exists(Path.of(address.path()))).as("socket file removed on close").isFalse();
        }
    }

    @Test
    void everyConnectionIsVerifiedWithAWindowOfOneAndWithoutRequests() throws Exception {
        try (EchoServer server = EchoServer.start(EchoAddress.parse("tcp||0"), EchoTransport.AUTO, 1)) {
            assertThat(server.address().toString()).as("an empty host stays 'all interfaces'")
                    .isEqualTo("tcp||" + server.address().port());
            EchoResult lockstep = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.NIO, 20,
                    2, 1, 60, null, 2000));
            assertThat(lockstep.failure()).isNull();
            assertThat(lockstep.verifiedEchoes()).isEqualTo(2 * 23);

            EchoResult noRequests = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.NIO, 0,
                    1, 4, 60, null, 2000));
            assertThat(noRequests.failure()).isNull();
            assertThat(noRequests.verifiedEchoes()).isEqualTo(3);
            assertThat(noRequests.p50Micros()).isEqualTo(-1);
            assertThat(noRequests.summary()).contains("p50 n/a");
        }
    }

    /**
     * A stale socket file is replaced, a regular file is not. Where the system has no AF_UNIX (Wine 8.0 and 10.0,
     * docs/testing.md) no socket file can exist: there the JDK refuses the family and a server on a Unix domain
     * socket fails naming the address; the regular file is refused before any socket is opened, so that part runs
     * everywhere.
     */
    @Test
    void aStaleSocketFileIsReplacedButARegularFileIsNot() throws Exception {
        Path stale = dir.resolve("stale.sock");
        if (Transports.systemHasAfUnix()) {
            assertThat(Transports.availableWithUds()).contains(EchoTransport.NIO);
            // A socket file left behind by a server that did not close: bind one with the JDK and abandon it.
            try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.bind(java.net.UnixDomainSocketAddress.of(stale));
            }
            assertThat(Files.exists(stale)).isTrue();
            try (EchoServer server = EchoServer.start(EchoAddress.uds(stale.toString()), EchoTransport.NIO, 1)) {
                EchoResult result = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.NIO, 5, 1,
                        4, 60, null, 2000));
                assertThat(result.failure()).isNull();
            }
        } else {
            assertThat(Transports.availableWithUds()).isEmpty();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX))
                    .isInstanceOf(UnsupportedOperationException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> EchoServer.start(EchoAddress.uds(stale.toString()), EchoTransport.NIO, 1))
                    .isInstanceOf(java.io.IOException.class).hasMessageStartingWith("cannot listen on uds|" + stale)
                    .hasStackTraceContaining("Protocol family not supported");
            assertThat(Files.exists(stale)).isFalse();
        }

        Path regular = Files.writeString(dir.resolve("notes.txt"), "keep me");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EchoServer.start(EchoAddress.uds(regular.toString()), EchoTransport.NIO, 1))
                .hasMessageContaining("exists and is not a socket");
        assertThat(Files.readString(regular)).isEqualTo("keep me");
    }

    @Test
    void epollIsAvailableOnLinuxSoThatItIsTested() {
        if (System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").matches("amd64|x86_64")) {
            assertThat(EchoTransport.EPOLL.unavailabilityReason()).isNull();
            assertThat(Transports.available()).contains(EchoTransport.NIO, EchoTransport.EPOLL);
        } else {
            assertThat(Transports.available()).contains(EchoTransport.NIO);
        }
    }
}
