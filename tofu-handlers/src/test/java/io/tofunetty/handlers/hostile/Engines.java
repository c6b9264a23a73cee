package io.tofunetty.handlers.hostile;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.AllocationStrategy;
import io.tofunetty.handlers.ChannelGroup;
import io.tofunetty.handlers.EngineStatistics;
import io.tofunetty.handlers.TofuAddress;
import io.tofunetty.handlers.TofuEngine;

import java.time.Duration;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Engine-side helpers of the hostile-peer tests: listeners, receiving with a deadline, waiting on counters. */
final class Engines {
    static final Duration WAIT = Duration.ofSeconds(10);
    /** How long "nothing more arrives" is watched for. */
    static final Duration QUIET = Duration.ofMillis(100);

    private Engines() {
    }

    /** Starts a listener and returns the address actually bound. */
    static TofuAddress listen(ChannelGroup g, TofuAddress on) throws InterruptedException {
        TofuMessage w = g.engine().get(AllocationStrategy.ALWAYS).opCode(OpCode.WELCOME_REQUEST);
        w.headers().add(TofuAddress.LISTEN_ON, on.format());
        g.post(w);
        TofuMessage r = receive(g);
        try {
            assertThat(r.opCode()).as(r.toString()).isEqualTo(OpCode.WELCOME_RESPONSE);
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.SUCCESS);
            return TofuAddress.parse(r.headers().get(TofuAddress.LISTEN_ON));
        } finally {
            g.engine().put(r);
        }
    }

    /** The next message; fails if none arrives within {@link #WAIT}. */
    static TofuMessage receive(ChannelGroup g) throws InterruptedException {
        TofuMessage m = g.waitReceive(WAIT);
        assertThat(m).as("a message within " + WAIT).isNotNull();
        return m;
    }

    /** Asserts that nothing arrives for {@code quiet}. */
    static void assertQuiet(ChannelGroup g, Duration quiet) throws InterruptedException {
        TofuMessage m = g.waitReceive(quiet);
        if (m != null) {
            String s = m.toString();
            m.release();
            throw new AssertionError("expected no message for " + quiet + ", got " + s);
        }
    }

    static boolean isNotification(TofuMessage m, Status status) {
        return m.origin() == Origin.ENGINE && m.opCode() == OpCode.SIGNAL && m.status() == status;
    }

    /** Asserts {@code m} is the channel_closed Signal for {@code channel} with {@code id}, and puts it back. */
    static void assertClosedSignal(TofuEngine engine, TofuMessage m, int channel, long id) {
        try {
            assertThat(isNotification(m, Status.CHANNEL_CLOSED)).as(m.toString()).isTrue();
            assertThat(m.channelNumber()).as(m.toString()).isEqualTo(channel);
            assertThat(m.messageId()).as(m.toString()).isEqualTo(id);
        } finally {
            engine.put(m);
        }
    }

    /** Waits until the engine's counters satisfy {@code condition}; fails with the last snapshot otherwise. */
    static EngineStatistics awaitStatistics(TofuEngine engine, Predicate<EngineStatistics> condition, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        EngineStatistics s = engine.statistics();
        while (!condition.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the engine's counters never showed " + what + ": " + s);
            }
            Thread.sleep(2);
            s = engine.statistics();
        }
        return s;
    }
}
