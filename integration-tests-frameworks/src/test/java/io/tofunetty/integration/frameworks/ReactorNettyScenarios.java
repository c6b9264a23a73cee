package io.tofunetty.integration.frameworks;

import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.CharsetUtil;
import io.tofunetty.afd.reactor.AfdLoopResources;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;
import reactor.netty.udp.UdpClient;
import reactor.netty.udp.UdpServer;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reactor Netty servers and clients on {@link AfdLoopResources}: HTTP/1.1 and h2c with 1 MiB bodies each way, and
 * UDP. Subclasses say where they run.
 */
abstract class ReactorNettyScenarios extends FrameworkScenarios {
    /** 1,000 by default; the Windows tier under Wine runs fewer (see this module's pom and docs/testing.md). */
    static final int REQUESTS = Integer.getInteger("tofunetty.frameworks.requests", 1_000);
    static final int LANES = 8;
    static final int DATAGRAMS = 1_000;
    /** Netty's datagram channels receive into 2,048-byte buffers unless told otherwise. */
    static final int MAX_DATAGRAM = 2048;

    ReactorNettyScenarios(AdapterRuns runs) {
        super(runs);
    }

    LoopResources loops(Stack stack) {
        return stack == Stack.ADAPTER
                ? AfdLoopResources.create("rn-afd", 2, true)
                : LoopResources.create("rn-nio", 2, true);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // a hang guard: 1,000 MiB each way takes minutes under Wine
    void http11ServerAndClientExchangeAThousandOneMebibyteBodiesEachWay(Stack stack) throws Exception {
        exchange(stack, HttpProtocol.HTTP11);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void h2cServerAndClientExchangeAThousandOneMebibyteBodiesEachWay(Stack stack) throws Exception {
        exchange(stack, HttpProtocol.H2C);
    }

    private void exchange(Stack stack, HttpProtocol protocol) throws Exception {
        int mark = Logs.mark();
        long start = System.nanoTime();
        LoopResources loops = loops(stack);
        ConnectionProvider pool = ConnectionProvider.builder("rn-test").maxConnections(LANES).build();
        DisposableServer server = HttpServer.create()
                .runOn(loops)
                .host("127.0.0.1").port(0)
                .protocol(protocol)
                .http2Settings(settings -> settings.initialWindowSize(Payloads.MIB))
                .handle((request, response) -> {
                    int seed = Integer.parseInt(request.requestHeaders().get("x-seed"));
                    return request.receive().aggregate()
                            .map(body -> Payloads.matches(body, Payloads.REQUEST, seed, Payloads.MIB))
                            .defaultIfEmpty(false)
                            .flatMap(ok -> ok
                                    ? response.send(Mono.just(Payloads.buf(Payloads.RESPONSE, seed, Payloads.MIB)))
                                            .then()
                                    : response.status(400)
                                            .sendString(Mono.just("request body " + seed + " corrupted")).then());
                })
                .bindNow(Duration.ofSeconds(30));
        Channel serverChannel = server.channel();
        HttpClient client = HttpClient.create(pool)
                .runOn(loops)
                .protocol(protocol)
                .http2Settings(settings -> settings.initialWindowSize(Payloads.MIB))
                .baseUrl("http://127.0.0.1:" + ((InetSocketAddress) server.address()).getPort());
        Lanes.Result result;
        try {
            result = Lanes.run(REQUESTS, LANES, seed -> client
                    .headers(h -> h.set("x-seed", seed))
                    .post().uri("/exchange")
                    .send(Mono.just(Payloads.buf(Payloads.REQUEST, seed, Payloads.MIB)))
                    .responseSingle((response, body) -> body
                            .map(b -> response.status().code() == 200
                                    && Payloads.matches(b, Payloads.RESPONSE, seed, Payloads.MIB)
                                    ? "" : "response " + seed + ": status " + response.status() + ", "
                                    + b.readableBytes() + " bytes, " + (response.status().code() == 200
                                            ? "body corrupted" : b.toString(CharsetUtil.UTF_8)))
                            .defaultIfEmpty("response " + seed + ": no body, status " + response.status()))
                    .switchIfEmpty(Mono.just("response " + seed + ": nothing"))
                    .toFuture()
                    .thenApply(failure -> failure.isEmpty() ? null : failure));
        } finally {
            pool.disposeLater().block(Duration.ofSeconds(30));
            server.disposeNow(Duration.ofSeconds(30));
            loops.disposeLater().block(Duration.ofSeconds(60));   // Reactor's defaults: 2 s quiet, 15 s at most
        }
        System.out.printf("reactor-netty %s %s: %d requests of 1 MiB each way in %d ms%n", protocol, stack,
                result.completed, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(result.failures).isEmpty();
        assertThat(result.completed).isEqualTo(REQUESTS);
        assertThat(serverChannel.getClass().getPackageName()).isEqualTo(runs.channelPackage(stack));
        assertThat(loops.isDisposed()).isTrue();
        assertThat(Logs.warningsSince(mark)).as("warnings logged during the run and the disposal").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void udpServerEchoesAThousandDatagramsToAConnectedClient(Stack stack) throws Exception {
        int mark = Logs.mark();
        long start = System.nanoTime();
        LoopResources loops = loops(stack);
        Connection server = UdpServer.create()
                .runOn(loops)
                .host("127.0.0.1").port(0)
                .handle((in, out) -> out.sendObject(in.receiveObject()
                        .cast(DatagramPacket.class)
                        .map(p -> new DatagramPacket(p.content().retain(), p.sender()))))
                .bindNow(Duration.ofSeconds(30));
        Connection client = null;
        int echoed = 0;
        try {
            client = UdpClient.create()
                    .runOn(loops)
                    .remoteAddress(server::address)
                    .connectNow(Duration.ofSeconds(30));
            BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            client.inbound().receive().asByteArray().subscribe(received::add);
            for (int i = 0; i < DATAGRAMS; i++) {
                byte[] datagram = Payloads.bytes(Payloads.REQUEST, i, 1 + (i * 37) % MAX_DATAGRAM);
                client.outbound().sendByteArray(Mono.just(datagram)).then().block(Duration.ofSeconds(30));
                byte[] back = received.poll(30, TimeUnit.SECONDS);
                assertThat(back).as("echo of datagram %d (%d bytes)", i, datagram.length).isNotNull();
                assertThat(Arrays.equals(back, datagram)).as("echo of datagram %d is intact", i).isTrue();
                echoed++;
            }
            assertThat(server.channel().getClass().getPackageName()).isEqualTo(runs.channelPackage(stack));
            assertThat(client.channel().getClass().getPackageName()).isEqualTo(runs.channelPackage(stack));
        } finally {
            if (client != null) {
                client.disposeNow(Duration.ofSeconds(30));
            }
            server.disposeNow(Duration.ofSeconds(30));
            loops.disposeLater().block(Duration.ofSeconds(60));   // Reactor's defaults: 2 s quiet, 15 s at most
        }
        System.out.printf("reactor-netty UDP %s: %d datagrams echoed in %d ms%n", stack, echoed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(echoed).isEqualTo(DATAGRAMS);
        assertThat(Logs.warningsSince(mark)).as("warnings logged during the run and the disposal").isEmpty();
    }
}
