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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.tofunetty.handlers.hostile.Engines.WAIT;
import static io.tofunetty.handlers.hostile.Engines.assertClosedSignal;
import static io.tofunetty.handlers.hostile.Engines.assertQuiet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that resets in the middle of a frame (issue 10), both while the engine reads freely and while it holds
 * frames back because the application has not given messages back: every frame the engine had received arrives,
 * in order, then exactly one channel_closed; the partial frame is dropped (spec D8).
 */
class ResetMidFrameTest {
    private static final int REQUESTS = 40;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void resetMidFrameWhileReadingLosesNothingReceived(TransportsUnderTest.Case c) throws Exception {
        resetMidFrame(c, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void resetMidFrameWhileFramesAreHeldLosesNothingReceived(TransportsUnderTest.Case c) throws Exception {
        resetMidFrame(c, 2);
    }

    /** {@code pool} 0: the default pool; otherwise a pool so small that most frames are held when the reset comes. */
    private static void resetMidFrame(TransportsUnderTest.Case c, int pool) throws Exception {
        TofuEngine.Builder options = TofuEngine.builder().transport(c.transport());
        if (pool > 0) {
            options.pool(pool, pool);
        }
        try (TofuEngine engine = options.build()) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            try (RawPeer peer = RawPeer.connect(address)) {
                List<byte[]> frames = new ArrayList<>();
                frames.add(Frames.hello(41, address.format()));
                for (int i = 1; i <= REQUESTS; i++) {
                    frames.add(Frames.frame(OpCode.REQUEST, 100 + i, "seq:" + i + "\r\n", "ping-" + i));
                }
                // About 1.4 KB in one write: the engine's first read (2 KiB to start with) takes all of it, even
                // when the pool runs dry in the middle and reading stops after that read.
                peer.writeFully(Frames.concat(frames.toArray(new byte[0][])), WAIT);
                // Reset only once the engine has read every complete frame: what the kernel still held would be
                // lost to the reset on the engine's side, which is TCP, not the engine.
                Engines.awaitStatistics(engine, s -> s.framesReceived() == REQUESTS + 1, "every frame received");
                if (pool > 0) {
                    assertThat(engine.statistics().heldMessages()).as("frames held back").isPositive();
                }
                byte[] cut = Frames.frame(OpCode.REQUEST, 999, "seq:999\r\n", "never whole");
                peer.writeFully(Arrays.copyOf(cut, 20), WAIT);
                peer.abort();

                // The application takes its time: everything received comes out in order, then channel_closed.
                int channel = -1;
                int next = 0;
                while (true) {
                    TofuMessage m = server.waitReceive(WAIT);
                    assertThat(m).as("a message within %s after %d of %d frames; %s", WAIT, next, REQUESTS + 1,
                            engine.statistics()).isNotNull();
                    if (Engines.isNotification(m, Status.POOL_EMPTY)) {
                        engine.put(m);
                        continue;
                    }
                    if (Engines.isNotification(m, Status.CHANNEL_CLOSED)) {
                        assertThat(next).as("frames delivered before channel_closed").isEqualTo(REQUESTS + 1);
                        assertClosedSignal(engine, m, channel, 41);
                        break;
                    }
                    try {
                        if (next == 0) {
                            assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                            channel = m.channelNumber();
                        } else {
                            assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.REQUEST);
                            assertThat(m.messageId()).isEqualTo(100 + next);
                            assertThat(m.headers().get("seq")).isEqualTo(Integer.toString(next));
                            assertThat(m.body().toString(StandardCharsets.UTF_8)).isEqualTo("ping-" + next);
                            assertThat(m.channelNumber()).isEqualTo(channel);
                        }
                        next++;
                    } finally {
                        engine.put(m);
                    }
                }
                assertQuiet(server, Engines.QUIET);
                assertThat(engine.statistics().heldMessages()).isZero();
                assertThat(engine.statistics().framesReceived()).isEqualTo(REQUESTS + 1);
            }
        }
    }
}
