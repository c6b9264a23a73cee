package io.tofunetty.examples.echo;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;

import java.io.PrintStream;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tofu echo client: opens {@code connections} connections, runs an {@link EchoScript} on each (HelloRequest with
 * {@code ~connect_to}, {@code count} pipelined Requests, a Signal, a ByeRequest), verifies every echo and measures
 * throughput and Request round trips. It never hangs: the whole run has a deadline.
 */
public final class EchoClient {
    /** Connects that take longer than this fail (the overall deadline still applies). */
    static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    /**
     * What to run.
     *
     * @param count            Requests per connection (0 or more)
     * @param connections      connections, at least 1
     * @param window           messages awaiting their echo per connection, at least 1
     * @param timeoutSeconds   deadline of the whole run
     * @param progress         where a progress line goes every {@code progressMillis}; null for none
     */
    public record Options(EchoAddress address, EchoTransport transport, int count, int connections, int window,
                          long timeoutSeconds, PrintStream progress, long progressMillis) {
        public Options {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(transport, "transport");
            if (count < 0) {
                throw new IllegalArgumentException("--count " + count + " is negative");
            }
            if (connections < 1) {
                throw new IllegalArgumentException("--connections " + connections + " must be at least 1");
            }
            if (window < 1) {
                throw new IllegalArgumentException("--window " + window + " must be at least 1");
            }
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException("--timeout " + timeoutSeconds + " must be at least 1 second");
            }
            if ((long) count * connections > 50_000_000L) {
                throw new IllegalArgumentException("--count x --connections is above 50,000,000; the client keeps "
                        + "every round trip in memory");
            }
        }
    }

    private EchoClient() {
    }

    /**
     * Runs the client to completion, failure or deadline.
     *
     * @throws IllegalStateException if the transport cannot run here or cannot carry the address
     */
    public static EchoResult run(Options o) throws InterruptedException {
        o.transport().checkUsable(o.address());
        EchoTransport transport = o.transport().resolve();
        Run run = new Run(o.connections());
        int threads = Math.min(o.connections(), Runtime.getRuntime().availableProcessors());
        EventLoopGroup group = transport.newEventLoopGroup(threads);
        ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        long expected = (long) o.connections() * (o.count() + 3);
        try {
            SocketAddress remote = transport.socketAddress(o.address(), false);
            Bootstrap base = new Bootstrap()
                    .group(group)
                    .channelFactory(transport.socketChannelFactory(o.address().isUds()))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS);
            run.start = System.nanoTime();
            for (int c = 0; c < o.connections(); c++) {
                int connection = c;
                EchoScript script = new EchoScript(connection, o.count(), o.address().toString());
                ChannelFuture connect = base.clone().handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        p.addLast(new TofuFrameDecoder(), new TofuFrameEncoder(),
                                new EchoClientHandler(connection, script, o.window(), run));
                    }
                }).connect(remote);
                channels.add(connect.channel());
                connect.addListener(f -> {
                    if (!f.isSuccess()) {
                        run.failed(connection, "cannot connect to " + o.address() + " (" + transport.displayName()
                                + "): " + describe(f.cause()));
                    }
                });
            }
            awaitWithProgress(o, run, expected);
        } catch (java.net.UnknownHostException e) {
            run.failed(-1, "unknown host in " + o.address() + ": " + e.getMessage());
        } finally {
            channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
        long end = run.end > 0 ? run.end : System.nanoTime();
        long[] all = run.allLatencies();
        return new EchoResult(run.failure, transport.displayName(), o.address().toString(), o.connections(),
                o.count(), expected, run.verified.get(), end - run.start, percentileMicros(all, 50),
                percentileMicros(all, 99));
    }

    private static void awaitWithProgress(Options o, Run run, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.timeoutSeconds());
        long interval = Math.max(1, o.progressMillis());
        long lastCount = 0;
        long lastTime = System.nanoTime();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                run.failed(-1, "timed out after " + o.timeoutSeconds() + " s (--timeout): " + run.verified.get()
                        + " of " + expected + " echoes verified, " + run.completed.get() + " of "
                        + o.connections() + " connections done");
                return;
            }
            try {
                run.outcome.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(interval)), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                return; // run.failure holds the message
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                long count = run.verified.get();
                if (o.progress() != null) {
                    o.progress().printf(Locale.ROOT, "progress: %d of %d echoes verified, %.0f messages/s, "
                                    + "%d of %d connections done%n", count, expected,
                            (count - lastCount) * 1e9 / Math.max(1, now - lastTime), run.completed.get(),
                            o.connections());
                    o.progress().flush();
                }
                lastCount = count;
                lastTime = now;
            }
        }
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.toString();
    }

    /** Nearest-rank percentile of round trips in nanoseconds, in microseconds; -1 for none. */
    static long percentileMicros(long[] sortedNanos, int percentile) {
        if (sortedNanos.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
        return TimeUnit.NANOSECONDS.toMicros(sortedNanos[Math.max(0, rank - 1)]);
    }

    /** The shared state of a run; connections report from their event loops. */
    private static final class Run implements EchoClientHandler.Listener {
        final CompletableFuture<Void> outcome = new CompletableFuture<>();
        final AtomicLong verified = new AtomicLong();
        final AtomicInteger completed = new AtomicInteger();
        private final int connections;
        private final List<long[]> latencies = new ArrayList<>();
        volatile long start;
        volatile long end;
        volatile String failure;

        Run(int connections) {
            this.connections = connections;
        }

        @Override
        public void verified(int n) {
            verified.addAndGet(n);
        }

        @Override
        public void done(int connection, long[] latenciesNanos) {
            synchronized (latencies) {
                latencies.add(latenciesNanos);
            }
            if (completed.incrementAndGet() == connections) {
                end = System.nanoTime();
                outcome.complete(null);
            }
        }

        @Override
        public synchronized void failed(int connection, String message) {
            if (failure == null && !outcome.isDone()) {
                failure = connection >= 0 ? "connection " + connection + ": " + message : message;
                end = System.nanoTime();
                outcome.completeExceptionally(new IllegalStateException(failure));
            }
        }

        long[] allLatencies() {
            synchronized (latencies) {
                long[] all = latencies.stream().flatMapToLong(Arrays::stream).toArray();
                Arrays.sort(all);
                return all;
            }
        }
    }
}
