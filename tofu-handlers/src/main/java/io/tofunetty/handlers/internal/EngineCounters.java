package io.tofunetty.handlers.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's counters, updated from its I/O threads and read from any thread. They exist so that an application
 * (and the tests) can see the bounds hold: how many received frames wait for the pool, how many connections a
 * listener refused, how many channels a stalled peer cost.
 */
public final class EngineCounters {
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger heldPeak = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong readTimeouts = new AtomicLong();

    public void frameReceived() {
        framesReceived.incrementAndGet();
    }

    /** A received frame is held back because the pool is empty. */
    public void held() {
        int n = held.incrementAndGet();
        heldPeak.accumulateAndGet(n, Math::max);
    }

    /** A held frame was delivered (or handed over when its channel closed). */
    public void released() {
        held.decrementAndGet();
    }

    public void accepted() {
        accepted.incrementAndGet();
    }

    public void refused() {
        refused.incrementAndGet();
    }

    public void readTimeout() {
        readTimeouts.incrementAndGet();
    }

    public long framesReceived() {
        return framesReceived.get();
    }

    public int heldMessages() {
        return held.get();
    }

    public int heldMessagesPeak() {
        return heldPeak.get();
    }

    public long connectionsAccepted() {
        return accepted.get();
    }

    public long connectionsRefused() {
        return refused.get();
    }

    public long readTimeouts() {
        return readTimeouts.get();
    }
}
