package io.tofunetty.integration.frameworks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** Runs {@code total} requests, {@code lanes} at a time; collects what went wrong. */
final class Lanes {
    private Lanes() {
    }

    /**
     * Each request completes with null when its answer was right, or a description of what was wrong. Returns the
     * descriptions (empty when all were right) and the number of requests that completed.
     */
    static Result run(int total, int lanes, IntFunction<CompletionStage<String>> request) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService threads = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                running.add(threads.submit(() -> {
                    for (int seed = next.getAndIncrement(); seed < total; seed = next.getAndIncrement()) {
                        String failure;
                        try {
                            failure = request.apply(seed).toCompletableFuture().get(2, TimeUnit.MINUTES);
                        } catch (Exception e) {
                            failure = "request " + seed + " failed: " + e;
                        }
                        completed.incrementAndGet();
                        if (failure != null) {
                            failures.add(failure);
                            if (failures.size() > 10) {
                                return null; // enough to diagnose
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return new Result(completed.get(), new ArrayList<>(failures));
    }

    static final class Result {
        final int completed;
        final List<String> failures;

        Result(int completed, List<String> failures) {
            this.completed = completed;
            this.failures = failures;
        }
    }
}
