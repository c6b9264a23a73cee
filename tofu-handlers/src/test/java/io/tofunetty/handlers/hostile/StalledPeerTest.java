package io.tofunetty.handlers.hostile;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.ChannelGroup;
import io.tofunetty.handlers.TofuAddress;
import io.tofunetty.handlers.TofuEngine;
import io.tofunetty.handlers.TransportsUnderTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.UnaryOperator;

import static io.tofunetty.handlers.hostile.Engines.WAIT;
import static io.tofunetty.handlers.hostile.Engines.assertClosedSignal;
import static io.tofunetty.handlers.hostile.Engines.assertQuiet;
import static io.tofunetty.handlers.hostile.Engines.receive;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that stall (issue 10): part of a header and then silence; silence between frames (legitimate in tofu);
 * a stall while the engine itself has stopped reading; a connection that never sends a byte. The engine's
 * {@code partialFrameTimeout} and {@code readIdleTimeout} decide, and the application gets the usual closing
 * notifications.
 */
class StalledPeerTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    /** Long enough for a timeout of {@link #TIMEOUT} to have fired several times over if it were going to. */
    private static final Duration WELL_PAST_TIMEOUT = TIMEOUT.multipliedBy(4);

    static TofuEngine engine(TransportsUnderTest.Case c, UnaryOperator<TofuEngine.Builder> options) {
        return options.apply(TofuEngine.builder().transport(c.transport())).build();
    }

    /** Seven bytes of a header, then nothing: the channel closes after the timeout; what came before is kept. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void partialHeaderThenSilenceClosesTheChannel(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, b -> b.partialFrameTimeout(TIMEOUT))) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                byte[] request = Frames.frame(OpCode.REQUEST, 42, "seq:1\r\n", "ping");
                peer.writeFully(Frames.concat(Frames.hello(41, address.format()), Arrays.copyOf(request, 7)), WAIT);

                TofuMessage hello = receive(server);
                assertThat(hello.opCode()).as(hello.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                int ch = hello.channelNumber();
                engine.put(hello);
                // The stall: exactly one channel_closed, with the channel's remembered id (the Hello's).
                assertClosedSignal(engine, receive(server), ch, 41);
                assertQuiet(server, Engines.QUIET);
                assertThat(engine.statistics().readTimeouts()).isEqualTo(1);
                assertThat(peer.awaitClosedByEngine(WAIT)).isIn(RawPeer.ReadResult.EOF, RawPeer.ReadResult.RESET);
            }
        }
    }

    /**
     * A frame dripped a few bytes at a time, each drip inside the timeout, but the whole frame taking longer: the
     * timeout counts from the frame's first byte, so drip-feeding does not keep a channel alive.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void drippingAFrameDoesNotResetTheClock(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, b -> b.partialFrameTimeout(TIMEOUT))) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                peer.writeFully(Frames.hello(41, address.format()), WAIT);
                TofuMessage hello = receive(server);
                int ch = hello.channelNumber();
                engine.put(hello);
                byte[] big = Frames.frame(OpCode.REQUEST, 42, "", new byte[100]);
                int sent = 0;
                // One byte every TIMEOUT/4 until the engine gives up; it must give up before the frame is complete.
                while (sent < big.length && engine.statistics().readTimeouts() == 0) {
                    try {
                        peer.writeFully(new byte[] {big[sent]}, WAIT);
                    } catch (java.io.IOException closed) {
                        break; // the engine closed the connection under us
                    }
                    sent++;
                    Thread.sleep(TIMEOUT.toMillis() / 4);
                }
                assertThat(sent).as("bytes dripped before the engine closed").isLessThan(big.length);
                assertClosedSignal(engine, receive(server), ch, 41);
                assertThat(engine.statistics().readTimeouts()).isEqualTo(1);
            }
        }
    }

    /** Silence between complete frames is normal for tofu peers: no timeout, and the channel keeps working. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void silenceBetweenFramesIsNotAStall(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, b -> b.partialFrameTimeout(TIMEOUT))) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                peer.writeFully(Frames.hello(41, address.format()), WAIT);
                engine.put(receive(server));
                assertQuiet(server, WELL_PAST_TIMEOUT);
                peer.writeFully(Frames.frame(OpCode.REQUEST, 42, "", "still here"), WAIT);
                TofuMessage r = receive(server);
                assertThat(r.body().toString(StandardCharsets.UTF_8)).isEqualTo("still here");
                engine.put(r);
                assertThat(engine.statistics().readTimeouts()).isZero();
            }
        }
    }

    /**
     * A partial frame while the engine has stopped reading (its pool is empty): the peer cannot make progress, so
     * the clock stops; once the application gives messages back, the held frame arrives, and only then does the
     * stalled partial frame close the channel.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void theClockStopsWhileThePoolIsEmpty(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, b -> b.pool(1, 1).partialFrameTimeout(TIMEOUT))) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                byte[] next = Frames.frame(OpCode.REQUEST, 43, "", "partial");
                peer.writeFully(Frames.concat(Frames.hello(41, address.format()),
                        Frames.frame(OpCode.REQUEST, 42, "", "held"), Arrays.copyOf(next, 5)), WAIT);

                TofuMessage hello = receive(server); // takes the only pool message
                assertThat(hello.opCode()).isEqualTo(OpCode.HELLO_REQUEST);
                int ch = hello.channelNumber();
                TofuMessage poolEmpty = receive(server);
                assertThat(Engines.isNotification(poolEmpty, Status.POOL_EMPTY)).as(poolEmpty.toString()).isTrue();
                // Held frame, partial frame, pool empty: well past the timeout, nothing closes.
                assertQuiet(server, WELL_PAST_TIMEOUT);
                assertThat(engine.statistics().readTimeouts()).isZero();
                assertThat(engine.statistics().heldMessages()).isEqualTo(1);

                engine.put(hello);
                TofuMessage held = receive(server);
                assertThat(held.body().toString(StandardCharsets.UTF_8)).isEqualTo("held");
                engine.put(held);
                engine.put(poolEmpty);
                assertClosedSignal(engine, receive(server), ch, 41);
                assertThat(engine.statistics().readTimeouts()).isEqualTo(1);
                assertThat(engine.statistics().heldMessages()).isZero();
            }
        }
    }

    /** readIdleTimeout (off by default) closes a connection that never sends a byte. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void readIdleTimeoutClosesAConnectionThatSendsNothing(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, b -> b.readIdleTimeout(TIMEOUT))) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                TofuMessage closed = receive(server);
                // Nothing was ever received, so the remembered id is 0 and the number is the accepted channel's.
                assertThat(Engines.isNotification(closed, Status.CHANNEL_CLOSED)).as(closed.toString()).isTrue();
                assertThat(closed.messageId()).isZero();
                assertThat(closed.channelNumber()).isBetween(1, 65534);
                engine.put(closed);
                assertThat(engine.statistics().readTimeouts()).isEqualTo(1);
                assertThat(engine.statistics().connectionsAccepted()).isEqualTo(1);
                assertThat(peer.awaitClosedByEngine(WAIT)).isIn(RawPeer.ReadResult.EOF, RawPeer.ReadResult.RESET);
            }
        }
    }

    /** Without readIdleTimeout (the default), a silent connection stays open. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void silentConnectionsStayOpenByDefault(TransportsUnderTest.Case c) throws Exception {
        try (TofuEngine engine = engine(c, UnaryOperator.identity())) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                Engines.awaitStatistics(engine, s -> s.connectionsAccepted() == 1, "the connection accepted");
                assertQuiet(server, WELL_PAST_TIMEOUT);
                assertThat(peer.awaitClosedByEngine(Duration.ofMillis(50))).isEqualTo(RawPeer.ReadResult.TIMEOUT);
            }
        }
    }
}
