package io.tofunetty.handlers.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * tofu's message pool as a count: how many messages the pool holds, between 0 and {@code max}
 * (tofu src/ampe/Pool.zig). Netty's allocator already pools the memory, so the engine keeps no message objects here;
 * what matters is the accounting that drives tofu's flow control: every received frame takes one message, and
 * reading stops while none is left (spec §9.9). Returning a message wakes the readers waiting for one.
 */
public final class MessagePool {
    private final int max;
    private final AtomicInteger available;
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    public MessagePool(int initial, int max) {
        if (initial < 0 || max < initial) {
            throw new IllegalArgumentException("pool limits initial " + initial + ", max " + max);
        }
        this.max = max;
        this.available = new AtomicInteger(initial);
    }

    /** Takes one message if the pool has one (tofu's {@code get(.poolOnly)}). */
    public boolean tryTake() {
        while (true) {
            int n = available.get();
            if (n <= 0) {
                return false;
            }
            if (available.compareAndSet(n, n - 1)) {
                return true;
            }
        }
    }

    /** Puts one message back unless the pool is full (a full pool frees it), then wakes waiting readers. */
    public void give() {
        while (true) {
            int n = available.get();
            if (n >= max) {
                break;
            }
            if (available.compareAndSet(n, n + 1)) {
                break;
            }
        }
        wakeWaiters();
    }

    /**
     * Runs {@code resume} once the pool has a message again (possibly right away, on this thread). {@code resume}
     * must take the message itself with {@link #tryTake} and register again if it loses the race.
     */
    public void whenAvailable(Runnable resume) {
        waiters.add(resume);
        // A give() may have run between the caller's failed tryTake() and add(): look again.
        wakeWaiters();
    }

    private void wakeWaiters() {
        Runnable r;
        while (available.get() > 0 && (r = waiters.poll()) != null) {
            r.run();
        }
    }

    public int available() {
        return available.get();
    }

    public int max() {
        return max;
    }
}
