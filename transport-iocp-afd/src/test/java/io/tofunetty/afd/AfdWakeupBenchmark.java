package io.tofunetty.afd;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Event-loop wake-up cost, AFD vs NIO on the same JRE: the caller thread does {@code loop.submit(noop).get()}, so
 * every iteration wakes a loop that is blocked waiting for I/O (PostQueuedCompletionStatus for AFD, the selector's
 * wake-up for NIO) and waits for the task. Rounds alternate between the two transports; the median round counts.
 *
 * <p>Run on Windows with {@code java -cp ... io.tofunetty.afd.AfdWakeupBenchmark [iterations] [rounds]}, or under
 * Wine with {@code transport-iocp-afd/src/test/bench/wakeup-bench.sh}. Numbers under Wine say nothing about Windows:
 * every system call is a wineserver round trip there.
 */
public final class AfdWakeupBenchmark {
    private AfdWakeupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println("# os=" + System.getProperty("os.name") + " java=" + System.getProperty("java.version")
                + " wine=" + isWine() + " iterations=" + iterations + " rounds=" + rounds);
        Afd.ensureAvailability();
        MultiThreadIoEventLoopGroup afd = new MultiThreadIoEventLoopGroup(1, AfdIoHandler.newFactory());
        MultiThreadIoEventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            warmUp(afd.next(), iterations);
            warmUp(nio.next(), iterations);
            double[] afdNs = new double[rounds];
            double[] nioNs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                afdNs[r] = measure(afd.next(), iterations);
                nioNs[r] = measure(nio.next(), iterations);
                System.out.printf("round %d: AFD %.1f us/op, NIO %.1f us/op%n", r, afdNs[r] / 1000, nioNs[r] / 1000);
            }
            double a = median(afdNs);
            double n = median(nioNs);
            System.out.printf("RESULT wakeup submit().get(): AFD %.1f us/op, NIO %.1f us/op, AFD/NIO = %.2f%n",
                    a / 1000, n / 1000, a / n);
        } finally {
            afd.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static void warmUp(IoEventLoop loop, int iterations) throws Exception {
        measure(loop, Math.max(1000, iterations / 2));
    }

    /** Nanoseconds per wake-up round trip. */
    private static double measure(IoEventLoop loop, int iterations) throws Exception {
        Runnable noop = () -> { };
        long t0 = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            loop.submit(noop).get();
        }
        return (System.nanoTime() - t0) / (double) iterations;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static boolean isWine() {
        try {
            return com.sun.jna.NativeLibrary.getInstance("ntdll").getFunction("wine_get_version") != null;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }
}
