package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.tofunetty.handlers.TestSupport.assertClosedSignal;
import static io.tofunetty.handlers.TestSupport.body;
import static io.tofunetty.handlers.TestSupport.hello;
import static io.tofunetty.handlers.TestSupport.receive;
import static io.tofunetty.handlers.TestSupport.receiveSkippingPoolEmpty;
import static io.tofunetty.handlers.TestSupport.request;
import static io.tofunetty.handlers.TestSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;

/** tofu's echo client/server (recipes/services.zig): 10 iterations x 100 echoes, and concurrent posting. */
class EchoTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void echo10x100(TestSupport.Case c) throws Exception {
        try (TofuEngine serverEngine = TestSupport.engine(c.transport());
             TofuEngine clientEngine = TestSupport.engine(c.transport());
             EchoServer server = new EchoServer(serverEngine, TestSupport.listenAddress(c.kind()))) {
            for (int iteration = 0; iteration < 10; iteration++) {
                ChannelGroup g = clientEngine.create();
                TofuMessage helloHeader = g.post(hello(clientEngine, server.address));
                int ch = helloHeader.channelNumber();
                assertThat(ch).isBetween(1, 65534);

                TofuMessage helloResponse = receiveSkippingPoolEmpty(g);
                assertThat(helloResponse.opCode()).as(helloResponse.toString()).isEqualTo(OpCode.HELLO_RESPONSE);
                assertThat(helloResponse.status()).isEqualTo(Status.SUCCESS);
                assertThat(helloResponse.channelNumber()).isEqualTo(ch);
                assertThat(helloResponse.messageId()).isEqualTo(helloHeader.messageId());
                clientEngine.put(helloResponse);

                Map<Long, String> sent = new HashMap<>();
                for (int i = 0; i < 100; i++) {
                    TofuMessage r = request(clientEngine, ch, "ping-" + iteration + "-" + i);
                    r.headers().add("seq", Integer.toString(i));
                    TofuMessage h = g.post(r);
                    assertThat(h.channelNumber()).isEqualTo(ch);
                    assertThat(h.messageId()).isNotZero();
                    sent.put(h.messageId(), "ping-" + iteration + "-" + i);
                }
                int expectedSeq = 0;
                for (int i = 0; i < 100; i++) {
                    TofuMessage resp = receiveSkippingPoolEmpty(g);
                    assertThat(resp.opCode()).as(resp.toString()).isEqualTo(OpCode.RESPONSE);
                    assertThat(resp.origin()).isEqualTo(Origin.APPLICATION);
                    assertThat(resp.channelNumber()).isEqualTo(ch);
                    assertThat(body(resp)).isEqualTo(sent.get(resp.messageId()));
                    assertThat(resp.headers().get("seq")).isEqualTo(Integer.toString(expectedSeq++));
                    clientEngine.put(resp);
                }

                TofuMessage byeHeader = g.post(signal(clientEngine, OpCode.BYE_REQUEST, ch));
                TofuMessage byeResponse = receiveSkippingPoolEmpty(g);
                assertThat(byeResponse.opCode()).as(byeResponse.toString()).isEqualTo(OpCode.BYE_RESPONSE);
                assertThat(byeResponse.messageId()).isEqualTo(byeHeader.messageId());
                clientEngine.put(byeResponse);
                // The ByeRequest sender closes; its channel ends with channel_closed and the first received id.
                assertClosedSignal(receiveSkippingPoolEmpty(g), ch, helloHeader.messageId());
                clientEngine.destroy(g);
            }
            server.awaitClosed(10);
            assertThat(server.hellos.get()).isEqualTo(10);
            assertThat(server.requests.get()).isEqualTo(1000);
            assertThat(server.byes.get()).isEqualTo(10);
            assertThat(server.closed.get()).isEqualTo(10);
        }
    }

    /** tofu's "simm" idea on one group: four threads post concurrently on one channel; each thread's order holds. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void fourThreadsPostIntoOneGroup(TestSupport.Case c) throws Exception {
        int threads = 4;
        int perThread = 250;
        try (TofuEngine serverEngine = TestSupport.engine(c.transport());
             TofuEngine clientEngine = TestSupport.engine(c.transport(), b -> b.ioThreads(2));
             EchoServer server = new EchoServer(serverEngine, TestSupport.listenAddress(c.kind()))) {
            ChannelGroup g = clientEngine.create();
            int ch = g.post(hello(clientEngine, server.address)).channelNumber();
            TofuMessage helloResponse = receiveSkippingPoolEmpty(g);
            assertThat(helloResponse.opCode()).isEqualTo(OpCode.HELLO_RESPONSE);
            clientEngine.put(helloResponse);

            CountDownLatch start = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> posters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            g.post(request(clientEngine, ch, id + ":" + i));
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "poster-" + t);
                th.start();
                posters.add(th);
            }
            start.countDown();
            int[] next = new int[threads];
            for (int i = 0; i < threads * perThread; i++) {
                TofuMessage resp = receiveSkippingPoolEmpty(g);
                assertThat(resp.opCode()).as(resp.toString()).isEqualTo(OpCode.RESPONSE);
                String[] parts = body(resp).split(":");
                int t = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).as("order of thread " + t).isEqualTo(next[t]++);
                clientEngine.put(resp);
            }
            for (Thread th : posters) {
                th.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(next).containsOnly(perThread);
            TestSupport.assertQuiet(g);
            clientEngine.destroy(g);
        }
    }
}
