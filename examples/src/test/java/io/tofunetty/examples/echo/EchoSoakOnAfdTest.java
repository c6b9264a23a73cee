package io.tofunetty.examples.echo;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelId;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The soak of issue 10: 100 connections x 10,000 tofu Requests each through the echo server, client and server
 * both on AFD. Nothing may be lost or duplicated and each connection's order must hold, in both directions: the
 * server checks that every connection's message ids arrive as consecutive numbers and counts them by opcode; the
 * client checks every echo, in order, against what it sent (EchoClient). Larger runs:
 * {@code -Dsoak.connections=C -Dsoak.requests=N -Dsoak.timeout.seconds=S} (see docs/reliability.md).
 */
@WindowsTier
class EchoSoakOnAfdTest {
    private static final int CONNECTIONS = Integer.getInteger("soak.connections", 100);
    private static final int REQUESTS = Integer.getInteger("soak.requests", 10_000);
    /** The client's deadline for the whole run: a lost message stalls it, so this bounds a failing run. */
    private static final int TIMEOUT_SECONDS = Integer.getInteger("soak.timeout.seconds", 480);
    private static final int WINDOW = 32;

    /**
     * About 110 s under Wine on 2 cores: the leak detector at PARANOID records every buffer access with a stack
     * trace (the same run without it takes about 36 s). The client's deadline bounds a failing run; this test's
     * timeout is only a backstop for longer runs, which raise the deadline and Surefire's fork timeout.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.HOURS)
    void aHundredConnectionsTimesTenThousandRequestsLoseNothingDuplicateNothingAndKeepTheirOrder() throws Exception {
        int socketsBefore = AfdCounters.openSockets();
        InboundAudit audit = new InboundAudit();
        EchoResult result;
        try (EchoServer server = EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), EchoTransport.AFD, 2,
                p -> p.addBefore(EchoServer.ECHO, "audit", audit))) {
            result = EchoClient.run(new EchoClient.Options(server.address(), EchoTransport.AFD, REQUESTS, CONNECTIONS,
                    WINDOW, TIMEOUT_SECONDS, System.out, 10_000));
            System.out.println(result.summary());
            assertThat(result.failure()).as("client's first problem").isNull();
            assertThat(server.closeFuture().isDone()).as("server still listening").isFalse();
            // The client closes each connection after its ByeResponse; the server's side follows.
            audit.awaitClosed(CONNECTIONS, 60);
        }

        long perConnection = REQUESTS + 3L; // HelloRequest, the Requests, a Signal, a ByeRequest
        assertThat(result.verifiedEchoes()).as("echoes verified by the client")
                .isEqualTo(result.expectedEchoes()).isEqualTo(CONNECTIONS * perConnection);
        assertThat(audit.problems).as("order or duplication problems seen by the server").isEmpty();
        assertThat(audit.connections).hasSize(CONNECTIONS);
        assertThat(audit.received(OpCode.HELLO_REQUEST)).isEqualTo(CONNECTIONS);
        assertThat(audit.received(OpCode.REQUEST)).isEqualTo((long) CONNECTIONS * REQUESTS);
        assertThat(audit.received(OpCode.SIGNAL)).isEqualTo(CONNECTIONS);
        assertThat(audit.received(OpCode.BYE_REQUEST)).isEqualTo(CONNECTIONS);
        assertThat(audit.connections.values()).allSatisfy(seen -> assertThat(seen.count).isEqualTo(perConnection));
        assertThat(AfdCounters.openSockets()).as("sockets left open").isEqualTo(socketsBefore);
    }

    /**
     * Sits before the server's echo handler: per connection, the message ids must be consecutive (EchoScript
     * numbers them idBase + position), so a lost message shows as a gap and a duplicate as a repeat.
     */
    @ChannelHandler.Sharable
    private static final class InboundAudit extends ChannelInboundHandlerAdapter {
        final Map<ChannelId, Seen> connections = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        private final Map<OpCode, LongAdder> byOpCode = new ConcurrentHashMap<>();
        private final LongAdder closed = new LongAdder();

        /** Touched only on its connection's event loop. */
        static final class Seen {
            long count;
            long lastId;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            connections.put(ctx.channel().id(), new Seen());
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TofuMessage m) {
                Seen seen = connections.get(ctx.channel().id());
                if (seen.count > 0 && m.messageId() != seen.lastId + 1) {
                    problems.add(ctx.channel() + ": message id " + Long.toUnsignedString(m.messageId()) + " after "
                            + Long.toUnsignedString(seen.lastId) + " (message " + seen.count + ")");
                }
                seen.count++;
                seen.lastId = m.messageId();
                byOpCode.computeIfAbsent(m.opCode(), k -> new LongAdder()).increment();
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed.increment();
            ctx.fireChannelInactive();
        }

        long received(OpCode op) {
            LongAdder n = byOpCode.get(op);
            return n == null ? 0 : n.sum();
        }

        void awaitClosed(int expected, int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (closed.sum() < expected) {
                assertThat(System.nanoTime() < deadline).as(closed.sum() + " of " + expected
                        + " server-side connections closed within " + seconds + " s").isTrue();
                Thread.sleep(10);
            }
        }
    }
}
