package io.tofunetty.handlers.hostile;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.ChannelGroup;
import io.tofunetty.handlers.EngineStatistics;
import io.tofunetty.handlers.TofuAddress;
import io.tofunetty.handlers.TofuEngine;
import io.tofunetty.handlers.TransportsUnderTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.tofunetty.handlers.hostile.Engines.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A peer that floods a slow reader (issue 10). The application takes nothing back to the pool while the peer
 * writes as fast as it can; the engine must stop reading (autoRead off) once the pool is empty, so that what it
 * holds stays bounded by one read, the peer's writes block, and nothing is lost or reordered once the
 * application catches up. The assertions are on counts (frames received and held), never on timings.
 */
class FloodTest {
    private static final int POOL = 4;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TransportsUnderTest#cases")
    void floodingASlowReaderKeepsMemoryBoundedAndLosesNothing(TransportsUnderTest.Case c) throws Exception {
        // TCP on loopback buffers megabytes in the kernel, so its frames are larger; UDS buffers little, so its
        // frames are small, which is the worst case for the number of frames one read can hold.
        boolean tcp = c.kind() == TofuAddress.Kind.TCP;
        int bodyLength = tcp ? 1000 : 24;
        int frameLength = Frames.HEADER + bodyLength;
        long floodBytes = tcp ? 16L << 20 : 2L << 20;
        int frames = (int) (floodBytes / frameLength);
        // One read is at most MAX_READ_BYTES, plus an incomplete frame from the read before.
        int heldBound = (TofuEngine.MAX_READ_BYTES + frameLength - 1) / frameLength;

        try (TofuEngine engine = TofuEngine.builder().transport(c.transport()).pool(POOL, POOL).build()) {
            ChannelGroup server = engine.create();
            TofuAddress address = Engines.listen(server, TransportsUnderTest.listenAddress(c.kind()));
            byte[] stream = flood(frames, bodyLength);
            try (RawPeer peer = RawPeer.connect(address)) {
                ByteBuffer out = ByteBuffer.wrap(stream);
                // Phase 1: nobody gives messages back. Write until the socket stays full and the engine holds
                // frames: a full socket alone may only mean the engine has not read yet (its loop busy, or the
                // connection not yet accepted), which is not the state under test. The deadline is a hang guard.
                int idleRounds = 0;
                long deadline = System.nanoTime() + WAIT.multipliedBy(6).toNanos();
                while (out.hasRemaining() && (idleRounds < 200 || engine.statistics().heldMessages() == 0)
                        && System.nanoTime() < deadline) {
                    if (peer.tryWrite(out) > 0) {
                        idleRounds = 0;
                    } else {
                        idleRounds++;
                        Thread.sleep(1);
                    }
                }
                EngineStatistics blocked = engine.statistics();
                System.out.printf("flood %s: peer blocked after %d of %d bytes; %s%n", c, out.position(),
                        stream.length, blocked);
                assertThat(out.hasRemaining())
                        .as("the peer could not write all %d bytes: the engine stopped reading (%s)", stream.length,
                                blocked)
                        .isTrue();
                assertThat(blocked.framesReceived()).as("frames decoded while the pool was empty")
                        .isLessThanOrEqualTo(POOL + heldBound);
                assertThat(blocked.heldMessages()).isBetween(1, heldBound);

                // Phase 2: the application catches up while the peer writes the rest.
                AtomicInteger delivered = new AtomicInteger();
                AtomicInteger poolEmpty = new AtomicInteger();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread app = new Thread(() -> drain(engine, server, frames, bodyLength, delivered, poolEmpty, failure),
                        "slow-app");
                app.start();
                peer.writeFully(stream.length == out.position() ? new byte[0]
                        : java.util.Arrays.copyOfRange(stream, out.position(), stream.length), WAIT.multipliedBy(6));
                app.join(WAIT.multipliedBy(6).toMillis());
                if (failure.get() != null) {
                    throw new AssertionError("the application saw a problem", failure.get());
                }
                assertThat(app.isAlive()).as("the application thread finished").isFalse();
                assertThat(delivered.get()).isEqualTo(frames + 1);
                assertThat(poolEmpty.get()).as("pool_empty notifications").isGreaterThanOrEqualTo(1);

                EngineStatistics end = engine.statistics();
                assertThat(end.framesReceived()).isEqualTo(frames + 1);
                assertThat(end.heldMessages()).isZero();
                assertThat(end.heldMessagesPeak()).as("held at most one read's worth of frames")
                        .isLessThanOrEqualTo(heldBound);
                Engines.assertQuiet(server, Engines.QUIET);
            }
        }
    }

    /** A HelloRequest, then {@code n} Requests with ids 1..n whose bodies carry the id too. */
    private static byte[] flood(int n, int bodyLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(n * (Frames.HEADER + bodyLength) + 64);
        out.writeBytes(Frames.hello(1L << 40, "tcp|127.0.0.1|1"));
        byte[] body = new byte[bodyLength];
        for (int i = 1; i <= n; i++) {
            ByteBuffer.wrap(body).putInt(i);
            out.writeBytes(Frames.frame(OpCode.REQUEST, i, "", body));
        }
        return out.toByteArray();
    }

    /** The slow application: receives, checks order and content, gives every message back to the pool. */
    private static void drain(TofuEngine engine, ChannelGroup g, int frames, int bodyLength, AtomicInteger delivered,
                              AtomicInteger poolEmpty, AtomicReference<Throwable> failure) {
        try {
            long expectedId = 0;
            while (delivered.get() < frames + 1) {
                TofuMessage m = g.waitReceive(WAIT);
                if (m == null) {
                    throw new AssertionError("no message for " + WAIT + " after " + delivered.get() + " of "
                            + (frames + 1) + "; " + engine.statistics());
                }
                try {
                    if (Engines.isNotification(m, Status.POOL_EMPTY)) {
                        poolEmpty.incrementAndGet();
                        continue;
                    }
                    if (expectedId == 0) {
                        assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                    } else {
                        assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.REQUEST);
                        assertThat(m.messageId()).as("in order, none lost or repeated").isEqualTo(expectedId);
                        assertThat(m.body().readableBytes()).isEqualTo(bodyLength);
                        assertThat(m.body().getInt(m.body().readerIndex())).isEqualTo((int) expectedId);
                    }
                    expectedId++;
                    delivered.incrementAndGet();
                } finally {
                    engine.put(m);
                }
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }
}
