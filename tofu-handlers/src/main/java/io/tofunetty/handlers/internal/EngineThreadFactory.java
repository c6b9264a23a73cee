package io.tofunetty.handlers.internal;

import io.netty.util.concurrent.FastThreadLocalThread;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names an engine's I/O threads {@code <engine name>-io-<n>} and remembers them, so that closing the engine can
 * join them: no engine thread outlives {@code close()}. Daemon threads, so a forgotten engine never keeps the JVM up.
 */
public final class EngineThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    public EngineThreadFactory(String engineName) {
        this.prefix = engineName + "-io-";
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new FastThreadLocalThread(r, prefix + count.incrementAndGet());
        t.setDaemon(true);
        threads.add(t);
        return t;
    }

    /** Waits until every thread made here has ended or the timeout passed; true if all ended. */
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return threads.stream().noneMatch(Thread::isAlive);
            }
            TimeUnit.NANOSECONDS.timedJoin(t, left);
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }
}
