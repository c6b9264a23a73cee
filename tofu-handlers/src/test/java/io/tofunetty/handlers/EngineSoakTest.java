package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import static io.tofunetty.handlers.TestSupport.body;
import static io.tofunetty.handlers.TestSupport.hello;
import static io.tofunetty.handlers.TestSupport.receiveSkippingPoolEmpty;
import static io.tofunetty.handlers.TestSupport.request;
import static io.tofunetty.handlers.TestSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak through the engine API: one client thread drives 100 channels of one ChannelGroup against the engine echo
 * server, each keeping 16 Requests in flight, until every channel has had its Requests answered, said Bye and
 * closed. Every Response must be the next one of its channel (seq header and body), so a lost, duplicated or
 * reordered message fails at once; a lost one fails when {@link TestSupport#WAIT} passes with nothing to receive.
 * The server's counts must match at the end. Default 100 x 250 Requests (about 4 s a case at PARANOID); more with
 * {@code -Dsoak.engine.connections=C -Dsoak.engine.requests=N}.
 */
class EngineSoakTest {
    private static final int CONNECTIONS = Integer.getInteger("soak.engine.connections", 100);
    private static final int REQUESTS = Integer.getInteger("soak.engine.requests", 250);
    private static final int WINDOW = 16;

    /** What one channel has sent and had answered. */
    private static final class Conversation {
        final int index;
        final long helloId;
        int sent;
        int answered;
        boolean byeAnswered;

        Conversation(int index, long helloId) {
            this.index = index;
            this.helloId = helloId;
        }

        String body(int seq) {
            return index + ":" + seq;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void everyChannelGetsEveryResponseOnceAndInOrder(TestSupport.Case c) throws Exception {
        // The client runs on a thread of its own, like tofu's client threads. It also keeps the stack shallow: at
        // PARANOID every buffer call records a stack trace, and under Wine a trace through JUnit's parameterized
        // machinery made this test ten times slower (119 s against 11 s for the same run on a shallow stack).
        FutureTask<Void> client = new FutureTask<>(() -> {
            soak(c, CONNECTIONS, REQUESTS);
            return null;
        });
        Thread thread = new Thread(client, "soak-client");
        thread.start();
        try {
            client.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        } finally {
            thread.interrupt(); // only if the test's own timeout interrupted this thread first
            thread.join();
        }
    }

    private static void soak(TestSupport.Case c, int connections, int requests) throws Exception {
        try (TofuEngine serverEngine = TestSupport.engine(c.transport());
             TofuEngine clientEngine = TestSupport.engine(c.transport());
             EchoServer server = new EchoServer(serverEngine, TestSupport.listenAddress(c.kind()))) {
            ChannelGroup g = clientEngine.create();
            Map<Integer, Conversation> conversations = new HashMap<>();
            for (int i = 0; i < connections; i++) {
                TofuMessage helloHeader = g.post(hello(clientEngine, server.address));
                conversations.put(helloHeader.channelNumber(), new Conversation(i, helloHeader.messageId()));
            }
            assertThat(conversations).as("distinct channel numbers").hasSize(connections);

            long responses = 0;
            int closed = 0;
            while (closed < connections) {
                TofuMessage m = receiveSkippingPoolEmpty(g);
                Conversation conv = conversations.get(m.channelNumber());
                assertThat(conv).as("a message for a channel of this test: " + m).isNotNull();
                if (m.origin() == Origin.ENGINE) {
                    assertThat(m.status()).as(m.toString()).isEqualTo(Status.CHANNEL_CLOSED);
                    assertThat(conv.byeAnswered).as("closed after its ByeResponse: " + m).isTrue();
                    TestSupport.assertClosedSignal(m, m.channelNumber(), conv.helloId);
                    closed++;
                    continue;
                }
                int ch = m.channelNumber();
                try {
                    switch (m.opCode()) {
                        case HELLO_RESPONSE -> {
                            assertThat(m.status()).as(m.toString()).isEqualTo(Status.SUCCESS);
                            assertThat(conv.sent).as("HelloResponse first on channel " + ch).isZero();
                        }
                        case RESPONSE -> {
                            int seq = conv.answered++;
                            assertThat(m.headers().get("seq")).as("order on channel " + ch).isEqualTo(
                                    Integer.toString(seq));
                            assertThat(body(m)).as("body on channel " + ch).isEqualTo(conv.body(seq));
                            responses++;
                        }
                        case BYE_RESPONSE -> {
                            assertThat(conv.answered).as("ByeResponse after every Response on " + ch)
                                    .isEqualTo(requests);
                            conv.byeAnswered = true;
                        }
                        default -> throw new AssertionError("unexpected " + m);
                    }
                } finally {
                    clientEngine.put(m);
                }
                // Keep WINDOW Requests in flight; after the last Response, say Bye (the sender of Bye closes).
                while (conv.sent < requests && conv.sent - conv.answered < WINDOW) {
                    TofuMessage r = request(clientEngine, ch, conv.body(conv.sent));
                    r.headers().add("seq", Integer.toString(conv.sent++));
                    g.post(r);
                }
                if (conv.answered == requests && !conv.byeAnswered && m.opCode() == OpCode.RESPONSE) {
                    g.post(signal(clientEngine, OpCode.BYE_REQUEST, ch));
                }
            }
            assertThat(responses).isEqualTo((long) connections * requests);
            server.awaitClosed(connections);
            assertThat(server.hellos.get()).isEqualTo(connections);
            assertThat(server.requests.get()).isEqualTo(connections * requests);
            assertThat(server.byes.get()).isEqualTo(connections);
            assertThat(server.closed.get()).isEqualTo(connections);
            TestSupport.assertQuiet(g);
            clientEngine.destroy(g);
        }
    }
}
