package io.tofunetty.codec.jmh;

import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's worker threads as Netty event-loop threads ({@code FastThreadLocalThread}), so that buffer allocation and
 * thread-local lookups take the same paths as on a real channel. Used through
 * {@code -Djmh.executor=CUSTOM -Djmh.executor.class=...} (set by {@link TofuCodecBenchmark}'s fork options), the
 * way Netty's own microbenchmarks do it.
 */
public final class EventLoopLikeExecutor extends ThreadPoolExecutor {
    public EventLoopLikeExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix));
    }
}
