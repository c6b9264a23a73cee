package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.vertx.AfdTransport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vert.x 5 built with {@code withTransport(AfdTransport.AFD)}: an HTTP server and client exchanging 1 MiB bodies each
 * way, and datagram sockets listening on a given address. Subclasses say where they run.
 */
abstract class VertxScenarios extends FrameworkScenarios {
    /** 1,000 by default; the Windows tier under Wine runs fewer (see this module's pom and docs/testing.md). */
    static final int REQUESTS = Integer.getInteger("tofunetty.frameworks.requests", 1_000);
    static final int LANES = 8;
    static final int DATAGRAMS = 1_000;

    VertxScenarios(AdapterRuns runs) {
        super(runs);
    }

    /**
     * Vert.x's blocked-thread checker warns when one event loop task runs over 2 s: a timing, which under Wine, the
     * PARANOID leak detector and a loaded machine says nothing about the transport (seen once: 2.6 s). Its limit is
     * raised to a minute, so a real hang still warns and fails the scenario.
     */
    static VertxOptions options() {
        return new VertxOptions().setMaxEventLoopExecuteTime(1).setMaxEventLoopExecuteTimeUnit(TimeUnit.MINUTES);
    }

    Vertx vertx(Stack stack) {
        return stack == Stack.ADAPTER
                ? Vertx.builder().with(options()).withTransport(AfdTransport.AFD).build()
                : Vertx.builder().with(options()).build();
    }

    void checkTransport(Vertx vertx, Stack stack) {
        boolean afd = stack == Stack.ADAPTER && runs.afd();
        assertThat(vertx.isNativeTransportEnabled()).as("Vert.x runs a non-NIO transport").isEqualTo(afd);
        if (stack == Stack.ADAPTER && !afd) {
            assertThat(vertx.unavailableNativeTransportCause()).isNotNull();
        }
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    @ParameterizedTest
    @MethodSource("stacks")
    @Timeout(value = 30, unit = TimeUnit.MINUTES) // a hang guard: 1,000 MiB each way takes minutes under Wine
    void httpServerAndClientExchangeAThousandOneMebibyteBodiesEachWay(Stack stack) throws Exception {
        int mark = Logs.mark();
        long start = System.nanoTime();
        Vertx vertx = vertx(stack);
        Lanes.Result result;
        try {
            checkTransport(vertx, stack);
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                    .requestHandler(request -> {
                        int seed = Integer.parseInt(request.getHeader("x-seed"));
                        request.body().onComplete(body -> {
                            if (body.succeeded()
                                    && Payloads.matches(body.result().getBytes(), Payloads.REQUEST, seed, Payloads.MIB)) {
                                request.response().end(Buffer.buffer(
                                        Payloads.bytes(Payloads.RESPONSE, seed, Payloads.MIB)));
                            } else {
                                request.response().setStatusCode(400).end("request body " + seed + " corrupted: "
                                        + (body.succeeded() ? body.result().length() + " bytes" : body.cause()));
                            }
                        });
                    });
            int port = await(server.listen()).actualPort();
            HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions(),
                    new PoolOptions().setHttp1MaxSize(LANES));
            result = Lanes.run(REQUESTS, LANES, seed -> client
                    .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                            .setURI("/exchange").putHeader("x-seed", Integer.toString(seed)))
                    .compose(request -> request.send(Buffer.buffer(
                            Payloads.bytes(Payloads.REQUEST, seed, Payloads.MIB))))
                    .compose(response -> response.body().map(body -> response.statusCode() == 200
                            && Payloads.matches(body.getBytes(), Payloads.RESPONSE, seed, Payloads.MIB)
                            ? null : "response " + seed + ": status " + response.statusCode() + ", "
                            + body.length() + " bytes" + (response.statusCode() == 200 ? ", body corrupted"
                                    : ": " + body)))
                    .toCompletionStage());
            await(client.close());
            await(server.close());
        } finally {
            await(vertx.close());
        }
        System.out.printf("vert.x HTTP %s: %d requests of 1 MiB each way in %d ms%n", stack, result.completed,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        assertThat(result.failures).isEmpty();
        assertThat(result.completed).isEqualTo(REQUESTS);
        assertThat(Logs.warningsSince(mark)).as("warnings logged during the run and the disposal").isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void datagramSocketsListeningOnAGivenAddressEchoAThousandDatagrams(Stack stack) throws Exception {
        int mark = Logs.mark();
        Vertx vertx = vertx(stack);
        int echoed = 0;
        try {
            checkTransport(vertx, stack);
            DatagramSocket server = vertx.createDatagramSocket();
            server.handler(packet -> server.send(packet.data(), packet.sender().port(), packet.sender().host()));
            await(server.listen(0, "127.0.0.1"));
            assertThat(server.localAddress().host()).isEqualTo("127.0.0.1");
            int port = server.localAddress().port();
            assertThat(port).isPositive();

            BlockingQueue<Buffer> received = new LinkedBlockingQueue<>();
            DatagramSocket client = vertx.createDatagramSocket();
            client.handler(packet -> received.add(packet.data()));
            await(client.listen(0, "127.0.0.1"));
            for (int i = 0; i < DATAGRAMS; i++) {
                byte[] datagram = Payloads.bytes(Payloads.REQUEST, i, 1 + (i * 37) % ReactorNettyScenarios.MAX_DATAGRAM);
                await(client.send(Buffer.buffer(datagram), port, "127.0.0.1"));
                Buffer back = received.poll(30, TimeUnit.SECONDS);
                assertThat(back).as("echo of datagram %d (%d bytes)", i, datagram.length).isNotNull();
                assertThat(back.getBytes()).as("echo of datagram %d", i).isEqualTo(datagram);
                echoed++;
            }
            await(client.close());
            await(server.close());
        } finally {
            await(vertx.close());
        }
        assertThat(echoed).isEqualTo(DATAGRAMS);
        assertThat(Logs.warningsSince(mark)).as("warnings logged during the run and the disposal").isEmpty();
    }
}
