package io.tofunetty.handlers.internal;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * tofu's channel numbers: random u16 values that skip 0 (unassigned), 65535 (tofu's internal notifier), the numbers
 * in use and the last {@value #RECENT} released ones, so that a late message for a closed channel cannot reach a new
 * one (tofu src/ampe/channels.zig:143-172). Thread-safe.
 */
public final class ChannelNumbers {
    /** How many released numbers stay blocked, as in tofu. */
    public static final int RECENT = 1024;
    private static final int FIRST = 1;
    private static final int LAST = 0xFFFE;
    private static final int USABLE = LAST - FIRST + 1;

    private final BitSet active = new BitSet(LAST + 1);
    private final BitSet recent = new BitSet(LAST + 1);
    private final ArrayDeque<Integer> recentOrder = new ArrayDeque<>(RECENT);
    private final SplittableRandom random = new SplittableRandom();
    private int activeCount;

    /**
     * A free number, now active.
     *
     * @throws IllegalStateException when all 65534 numbers are in use
     */
    public synchronized int allocate() {
        if (activeCount >= USABLE) {
            throw new IllegalStateException("all " + USABLE + " tofu channel numbers are in use");
        }
        // Recently released numbers are skipped unless nothing else is left.
        while (activeCount + recentOrder.size() >= USABLE) {
            recent.clear(recentOrder.removeFirst());
        }
        while (true) {
            int n = random.nextInt(FIRST, LAST + 1);
            if (!active.get(n) && !recent.get(n)) {
                active.set(n);
                activeCount++;
                return n;
            }
        }
    }

    /** Releases an active number; it stays blocked until {@value #RECENT} later numbers were released. */
    public synchronized void release(int n) {
        if (n < FIRST || n > LAST || !active.get(n)) {
            return;
        }
        active.clear(n);
        activeCount--;
        if (recentOrder.size() == RECENT) {
            recent.clear(recentOrder.removeFirst());
        }
        recentOrder.addLast(n);
        recent.set(n);
    }

    public synchronized boolean isActive(int n) {
        return n >= FIRST && n <= LAST && active.get(n);
    }

    public synchronized boolean isRecentlyReleased(int n) {
        return n >= FIRST && n <= LAST && recent.get(n);
    }

    public synchronized int activeCount() {
        return activeCount;
    }
}
