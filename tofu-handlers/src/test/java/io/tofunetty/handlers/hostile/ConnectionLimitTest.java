package io.tofunetty.handlers.hostile;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.ChannelGroup;
import io.tofunetty.handlers.TofuAddress;
import io.tofunetty.handlers.TofuEngine;
import io.tofunetty.handlers.TransportsUnderTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.tofunetty.handlers.hostile.Engines.WAIT;
import static io.tofunetty.handlers.hostile.Engines.assertQuiet;
import static io.tofunetty.handlers.hostile.Engines.receive;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * More connections than a listener's limit at once (issue 10): the excess is closed as soon as it is accepted,
 * counted, and reported once per stretch of refusals; the connections within the limit work, and the listener
 * keeps serving when a slot frees up.
 */
class ConnectionLimitTest {
    private static final int LIMIT = 3;
    private static final int PEERS = 10;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void connectionsBeyondTheLimitAreRefusedAndTheListenerKeepsServing(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = TofuEngine.builder().transport(c.transport()).maxConnectionsPerListener(LIMIT).build()) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            List<RawPeer> peers = new ArrayList<>();
            try {
                // Ten connections at once, each saying hello.
                for (int i = 0; i < PEERS; i++) {
                    peers.add(RawPeer.connect(address));
                }
                for (int i = 0; i < PEERS; i++) {
                    try {
                        peers.get(i).writeFully(Frames.hello(100 + i, address.format()), WAIT);
                    } catch (IOException refusedAlready) {
                        // the reset of a refused connection can beat the write
                    }
                }
                // The application answers each Hello; the refusals are reported once.
                Map<Long, Integer> channels = new HashMap<>();
                int acceptFailed = 0;
                while (channels.size() < LIMIT || acceptFailed == 0) {
                    TofuMessage m = receive(server);
                    if (m.origin() == Origin.ENGINE) {
                        assertThat(m.status()).as(m.toString()).isEqualTo(Status.ACCEPT_FAILED);
                        assertThat(m.opCode()).isEqualTo(OpCode.SIGNAL);
                        assertThat(m.headers().get("reason")).contains("maxConnectionsPerListener 3");
                        acceptFailed++;
                        engine.put(m);
                        continue;
                    }
                    assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                    channels.put(m.messageId(), m.channelNumber());
                    server.post(m.opCode(OpCode.HELLO_RESPONSE));
                }
                Engines.awaitStatistics(engine, s -> s.connectionsRefused() == PEERS - LIMIT, "7 refused");
                assertQuiet(server, Engines.QUIET);
                assertThat(acceptFailed).as("one accept_failed Signal for the whole stretch").isEqualTo(1);

                // Each peer learns its fate: a HelloResponse within the limit, a closed connection beyond it.
                List<Integer> served = new ArrayList<>();
                int refused = 0;
                for (int i = 0; i < PEERS; i++) {
                    ByteBuffer header = ByteBuffer.allocate(Frames.HEADER);
                    RawPeer.ReadResult r = peers.get(i).read(header, WAIT);
                    if (r == RawPeer.ReadResult.DATA) {
                        assertThat(header.get(2) & 0x0F).isEqualTo(OpCode.HELLO_RESPONSE.wireValue());
                        assertThat(header.getLong(4)).isEqualTo(100 + i);
                        served.add(i);
                    } else {
                        assertThat(r).as("peer " + i).isIn(RawPeer.ReadResult.EOF, RawPeer.ReadResult.RESET);
                        refused++;
                    }
                }
                assertThat(served).hasSize(LIMIT);
                assertThat(refused).isEqualTo(PEERS - LIMIT);
                assertThat(engine.statistics().connectionsAccepted()).isEqualTo(LIMIT);

                // A slot frees up: the next connection is served, the one after it refused (and reported anew).
                int gone = served.get(0);
                peers.get(gone).abort();
                TofuMessage closed = receive(server);
                assertThat(Engines.isNotification(closed, Status.CHANNEL_CLOSED)).as(closed.toString()).isTrue();
                assertThat(closed.channelNumber()).isEqualTo(channels.get(100L + gone));
                engine.put(closed);

                RawPeer late = RawPeer.connect(address);
                peers.add(late);
                late.writeFully(Frames.hello(200, address.format()), WAIT);
                TofuMessage hello = receive(server);
                assertThat(hello.opCode()).as(hello.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                assertThat(hello.messageId()).isEqualTo(200);
                server.post(hello.opCode(OpCode.HELLO_RESPONSE));
                ByteBuffer header = ByteBuffer.allocate(Frames.HEADER);
                assertThat(late.read(header, WAIT)).isEqualTo(RawPeer.ReadResult.DATA);

                RawPeer excess = RawPeer.connect(address);
                peers.add(excess);
                assertThat(excess.awaitClosedByEngine(WAIT)).isIn(RawPeer.ReadResult.EOF, RawPeer.ReadResult.RESET);
                TofuMessage again = receive(server);
                assertThat(again.status()).as(again.toString()).isEqualTo(Status.ACCEPT_FAILED);
                engine.put(again);
                assertThat(engine.statistics().connectionsRefused()).isEqualTo(PEERS - LIMIT + 1);
                assertThat(engine.statistics().connectionsAccepted()).isEqualTo(LIMIT + 1);
            } finally {
                for (RawPeer p : peers) {
                    p.close();
                }
            }
        }
    }
}
