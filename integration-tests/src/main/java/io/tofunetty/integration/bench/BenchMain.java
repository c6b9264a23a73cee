package io.tofunetty.integration.bench;

import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdIoHandlerOptions;
import io.tofunetty.afd.AfdReadMode;
import io.tofunetty.afd.internal.win32.NativeCallCounter;
import io.tofunetty.integration.bench.alt.AltDesign;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The AFD vs NIO benchmark runner: in one JVM, the same workloads on {@code afd}, {@code nio} (the JDK's default
 * selector, WEPoll on Windows since JDK 17) and {@code nio-legacy} (the select()-based WindowsSelectorProvider).
 * Every workload shape is repeated; within each repetition the transports take turns (the order rotating from one
 * repetition to the next) so that drift in machine load hits all of them. Writes results.csv, results-raw.csv and
 * run-info.txt to the output folder; {@link BenchReport} turns them into a table and charts.
 *
 * <p>Started by {@code scripts/bench.sh} (see there and docs/benchmarks.md). Options:
 * <pre>
 *   --quick                   the short mode (a few minutes under Wine)
 *   --out DIR                 output folder (default: docs/benchmarks)
 *   --runs N                  repetitions per shape (quick 3, full 7)
 *   --idle-runs N             repetitions of the idle workload, the slowest (quick 2, full 5)
 *   --warmup-ms N --measure-ms N   per measurement
 *   --workloads LIST          of ping-pong,throughput,idle,churn,wakeup (default: all)
 *   --transports LIST         of afd,nio,nio-legacy (default), afd-completion (AFD reading TCP by completion) and
 *                             the prototypes of docs/alternatives.md,
 *                             proto-completion,proto-hybrid,proto-zerobyte,proto-eventselect,proto-afdpoll
 *                             (ping-pong, throughput and idle only)
 *   --sizes LIST --conns LIST message sizes and connection counts of the throughput workload (64,1024,16384; 1,10,100)
 *   --idle-levels LIST        idle connections (default 0,100,1000)
 *   --groups LIST             AFD handle group sizes for the idle workload (quick: the default only; full 32,128,512)
 *   --census                  instead of the workloads: the native-call census windows (run under Wine's relay trace)
 * </pre>
 * The JVM needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} for nio-legacy, and
 * {@code -Dio.tofunetty.afd.countNativeCalls=true} for AFD's native-call counts.
 */
public final class BenchMain {
    private static final List<String> ALL_WORKLOADS = List.of(Workloads.WAKEUP, Workloads.PING_PONG,
            Workloads.THROUGHPUT, Workloads.CHURN, Workloads.IDLE);

    private static final List<String> ALL_TRANSPORTS = List.of(BenchTransport.AFD, BenchTransport.AFD_COMPLETION,
            BenchTransport.NIO,
            BenchTransport.NIO_LEGACY, AltDesign.COMPLETION.transportName, AltDesign.ZERO_BYTE.transportName,
            AltDesign.EVENT_SELECT.transportName, AltDesign.AFD_POLL.transportName, AltDesign.HYBRID.transportName);

    private static long stepStart;

    private BenchMain() {
    }

    /** A single benchmark step: one measurement of one shape on one transport. */
    private interface Body {
        void run() throws Exception;
    }

    private record Step(String workload, String params, BenchTransport transport, int run, int runs, Body body) {
    }

    /** The command line, with each mode's defaults. */
    static final class Options {
        boolean quick;
        boolean census;
        Path out = Paths.get("docs", "benchmarks");
        int runs = -1;
        int idleRuns = -1;
        long warmupMillis = -1;
        long measureMillis = -1;
        List<String> workloads = ALL_WORKLOADS;
        List<String> transports = List.of(BenchTransport.AFD, BenchTransport.NIO, BenchTransport.NIO_LEGACY);
        int[] idleLevels = {0, 100, 1000};
        int[] sizes = {64, 1024, 16384};
        int[] conns = {1, 10, 100};
        int[] groups;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--quick" -> o.quick = true;
                    case "--census" -> o.census = true;
                    case "--out" -> o.out = Paths.get(value(args, ++i, a));
                    case "--runs" -> o.runs = positive(value(args, ++i, a), a);
                    case "--idle-runs" -> o.idleRuns = positive(value(args, ++i, a), a);
                    case "--warmup-ms" -> o.warmupMillis = positive(value(args, ++i, a), a);
                    case "--measure-ms" -> o.measureMillis = positive(value(args, ++i, a), a);
                    case "--workloads" -> o.workloads = list(value(args, ++i, a), ALL_WORKLOADS, a);
                    case "--transports" -> o.transports = list(value(args, ++i, a), ALL_TRANSPORTS, a);
                    case "--idle-levels" -> o.idleLevels = ints(value(args, ++i, a), a, 0);
                    case "--sizes" -> o.sizes = ints(value(args, ++i, a), a, 1);
                    case "--conns" -> o.conns = ints(value(args, ++i, a), a, 1);
                    case "--groups" -> o.groups = ints(value(args, ++i, a), a, 1);
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (o.runs < 0) {
                o.runs = o.census ? 1 : o.quick ? 3 : 7;
            }
            if (o.idleRuns < 0) {
                o.idleRuns = Math.min(o.runs, o.quick ? 2 : 5);
            }
            if (o.groups == null) {
                o.groups = o.quick ? new int[] {AfdIoHandlerOptions.defaults().groupSize()} : new int[] {32, 128, 512};
            }
            if (o.warmupMillis < 0) {
                o.warmupMillis = o.census ? 1000 : o.quick ? 400 : 1000;
            }
            if (o.measureMillis < 0) {
                o.measureMillis = o.census ? 2000 : o.quick ? 1000 : 3000;
            }
            int[] levels = o.idleLevels.clone();
            Arrays.sort(levels);
            if (!Arrays.equals(levels, o.idleLevels)) {
                throw new IllegalArgumentException("--idle-levels must be ascending: " + Arrays.toString(o.idleLevels));
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException("option " + option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String s, String option) {
            int v;
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs a number, got '" + s + "'");
            }
            if (v < 1) {
                throw new IllegalArgumentException(option + " must be >= 1, got " + v);
            }
            return v;
        }

        private static int[] ints(String s, String option, int min) {
            String[] parts = s.split(",");
            int[] v = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    v[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(option + " needs comma-separated numbers, got '" + s + "'");
                }
                if (v[i] < min) {
                    throw new IllegalArgumentException(option + " values must be >= " + min + ", got " + v[i]);
                }
            }
            return v;
        }

        private static List<String> list(String s, List<String> allowed, String option) {
            List<String> v = new ArrayList<>();
            for (String p : s.split(",")) {
                String name = p.trim();
                if (!allowed.contains(name)) {
                    throw new IllegalArgumentException(option + ": unknown '" + name + "' (known: "
                            + String.join(",", allowed) + ")");
                }
                v.add(name);
            }
            return v;
        }
    }

    public static void main(String[] args) throws Exception {
        // Whatever logging backend the class path brings (the test suite's), Netty logs through java.util.logging.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println("bench: " + e.getMessage());
            }
            System.err.println("usage: BenchMain [--quick] [--out DIR] [--runs N] [--warmup-ms N] [--measure-ms N] "
                    + "[--workloads LIST] [--transports LIST] [--sizes LIST] [--conns LIST] [--idle-levels LIST] "
                    + "[--groups LIST] [--idle-runs N] [--census]");
            System.exit("help".equals(e.getMessage()) ? 0 : 2);
            return;
        }
        System.exit(run(o));
    }

    static int run(Options o) throws Exception {
        Instant started = Instant.now();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("mode", o.census ? "census" : o.quick ? "quick" : "full");
        info.put("started", started.toString());
        info.put("os", System.getProperty("os.name") + ' ' + System.getProperty("os.version") + ' '
                + System.getProperty("os.arch"));
        info.put("wine", wineVersion());
        info.put("java", System.getProperty("java.vendor") + ' ' + System.getProperty("java.runtime.version"));
        info.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        info.put("runs", o.runs + " (idle workload: " + o.idleRuns + ")");
        info.put("warmup_ms", Long.toString(o.warmupMillis));
        info.put("measure_ms", Long.toString(o.measureMillis));
        info.put("native_call_counter", Boolean.toString(NativeCallCounter.ENABLED));
        info.put("cpu_clock", Workloads.CPU.describe());
        LoadAverage load = new LoadAverage();
        load.sample();

        List<BenchTransport> transports = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String name : o.transports) {
            try {
                BenchTransport t = switch (name) {
                    case BenchTransport.AFD -> {
                        Afd.ensureAvailability();
                        yield BenchTransport.afd(AfdIoHandlerOptions.defaults().groupSize());
                    }
                    case BenchTransport.AFD_COMPLETION -> {
                        Afd.ensureAvailability();
                        yield BenchTransport.afd(BenchTransport.AFD_COMPLETION, AfdReadMode.COMPLETION,
                                AfdIoHandlerOptions.defaults().groupSize());
                    }
                    case BenchTransport.NIO -> BenchTransport.nio();
                    case BenchTransport.NIO_LEGACY -> BenchTransport.nioLegacy();
                    default -> {
                        AltDesign d = AltDesign.byTransportName(name);
                        String why = d.unavailableReason();
                        if (why != null) {
                            throw new UnsupportedOperationException(why);
                        }
                        yield BenchTransport.alt(d);
                    }
                };
                transports.add(t);
                info.put("transport." + t.name, t.description());
            } catch (Throwable e) {
                String cause = e instanceof UnsupportedOperationException ? e.getMessage() : e.toString();
                String why = name + " is unavailable: " + cause;
                if (name.equals(BenchTransport.NIO_LEGACY)) {
                    why += " (the JVM needs --add-exports java.base/sun.nio.ch=ALL-UNNAMED, and Windows)";
                }
                warn(why);
                failures.add(why);
                info.put("transport." + name, "unavailable: " + cause);
            }
        }
        for (Map.Entry<String, String> e : info.entrySet()) {
            System.out.println("# " + e.getKey() + ": " + e.getValue());
        }
        if (transports.isEmpty()) {
            System.err.println("bench: no transport can run here");
            return 1;
        }

        Workloads.Timing timing = new Workloads.Timing(o.warmupMillis, o.measureMillis);
        Results results = new Results();
        List<Step> steps = o.census ? censusPlan(o, transports, timing) : plan(o, transports, timing, results);
        warmUp(o, transports, failures);

        long t0 = System.nanoTime();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            load.sample();
            String runs = o.census ? "" : " run " + (s.run + 1) + "/" + s.runs;
            System.out.printf(Locale.ROOT, "[%3d/%d %s elapsed%s] %s %s on %s%s ...%n", i + 1, steps.size(),
                    clock(System.nanoTime() - t0), eta(t0, i, steps.size()), s.workload, s.params,
                    s.transport.label(), runs);
            stepStart = System.nanoTime();
            try {
                s.body.run();
            } catch (Exception | Error e) {
                String what = s.workload + ' ' + s.params + " on " + s.transport.label() + runs + ": " + e;
                warn("FAILED " + what);
                e.printStackTrace(System.out);
                failures.add(what);
            }
            if (!o.census && (i % 10 == 9 || i == steps.size() - 1)) {
                results.write(o.out); // partial results survive an interrupted run
            }
        }
        load.sample();

        info.put("finished", Instant.now().toString());
        info.put("duration", clock(System.nanoTime() - t0) + " (measurements, after warm-up)");
        info.put("load1", load.describe());
        info.put("steps", Integer.toString(steps.size()));
        info.put("failures", Integer.toString(failures.size()));
        for (int i = 0; i < failures.size(); i++) {
            info.put("failure." + (i + 1), failures.get(i));
        }
        Files.createDirectories(o.out);
        if (!o.census) {
            results.write(o.out);
        }
        writeInfo(o.out.resolve(o.census ? "census-info.txt" : "run-info.txt"), info);
        System.out.println("# done in " + clock(System.nanoTime() - t0) + ", " + failures.size() + " failure(s); "
                + "load average (1 min) " + load.describe());
        for (String f : failures) {
            System.out.println("# FAILED: " + f);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** Builds the interleaved list of steps: per shape, per run, every transport (rotating order). */
    private static List<Step> plan(Options o, List<BenchTransport> transports, Workloads.Timing timing,
                                   Results results) {
        List<Step> steps = new ArrayList<>();
        for (String w : o.workloads) {
            switch (w) {
                case Workloads.WAKEUP -> interleave(steps, o.runs, netty(transports), w, "submit().get()",
                        (t, run) -> () -> Workloads.wakeup(t, timing, results, run));
                case Workloads.PING_PONG -> interleave(steps, o.runs, transports, w, "size=1,conns=1",
                        (t, run) -> () -> Workloads.pingPong(t, timing, results, run));
                case Workloads.THROUGHPUT -> {
                    for (int conns : o.conns) {
                        interleave(steps, o.runs, transports, w, "conns=" + conns + ",size=" + Arrays.toString(o.sizes)
                                .replace(" ", ""),
                                (t, run) -> () -> Workloads.throughput(t, o.sizes, conns, timing, results, run));
                    }
                }
                case Workloads.CHURN -> interleave(steps, o.runs, netty(transports), w,
                        "parallel=" + Workloads.CHURN_PARALLEL,
                        (t, run) -> () -> Workloads.churn(t, timing, results, run));
                case Workloads.IDLE -> {
                    List<BenchTransport> variants = new ArrayList<>();
                    for (BenchTransport t : transports) {
                        if (t.isAfd()) {
                            for (int g : o.groups) {
                                variants.add(t.withGroupSize(g));
                            }
                        } else {
                            variants.add(t);
                        }
                    }
                    int[] levels = o.idleLevels;
                    interleave(steps, o.idleRuns, variants, w, "idle=" + Arrays.toString(levels).replace(" ", ""),
                            (t, run) -> () -> Workloads.idle(t, levels, timing, results, run));
                }
                default -> throw new IllegalStateException(w);
            }
        }
        return steps;
    }

    /** The transports with Netty channels: the prototypes have no accept/connect path and no task queue to time. */
    private static List<BenchTransport> netty(List<BenchTransport> transports) {
        return transports.stream().filter(t -> !t.isAlt()).toList();
    }

    private interface StepFactory {
        Body create(BenchTransport t, int run);
    }

    private static void interleave(List<Step> steps, int runs, List<BenchTransport> transports, String workload,
                                   String params, StepFactory factory) {
        for (int run = 0; run < runs; run++) {
            for (int k = 0; k < transports.size(); k++) {
                BenchTransport t = transports.get((k + run) % transports.size());
                steps.add(new Step(workload, params, t, run, runs, factory.create(t, run)));
            }
        }
    }

    /** The census: a few echo shapes per transport, each one traced window. */
    private static List<Step> censusPlan(Options o, List<BenchTransport> transports, Workloads.Timing timing) {
        List<Step> steps = new ArrayList<>();
        int[][] shapes = o.quick ? new int[][] {{1, 1, 1}, {64, 10, 32}, {16384, 10, 16}}
                : new int[][] {{1, 1, 1}, {64, 1, 32}, {64, 100, 32}, {1024, 1, 32}, {1024, 10, 32},
                    {1024, 100, 32}, {16384, 1, 16}, {16384, 100, 16}};
        for (int[] shape : shapes) {
            String workload = shape[0] == 1 ? Workloads.PING_PONG : Workloads.THROUGHPUT;
            for (BenchTransport t : transports) {
                steps.add(new Step(Workloads.NATIVE_CALLS, workload + ' '
                        + Workloads.throughputParams(shape[0], shape[1], shape[2]), t, 0, 1,
                        () -> Census.run(t, workload, shape[0], shape[1], shape[2], timing)));
            }
        }
        return steps;
    }

    /** JIT warm-up on every transport before anything is recorded: a short 1 KiB echo over 10 connections. */
    private static void warmUp(Options o, List<BenchTransport> transports, List<String> failures) {
        long millis = o.quick || o.census ? 1500 : 4000;
        Results discard = new Results();
        for (BenchTransport t : transports) {
            System.out.println("warming up " + t.label() + " (" + millis
                    + " ms of 1 KiB echo over 10 connections, not recorded)");
            stepStart = System.nanoTime();
            try {
                Workloads.throughput(t, new int[] {1024}, 10, new Workloads.Timing(millis, 200), discard, 0);
            } catch (Exception e) {
                warn("warm-up failed on " + t + ": " + e);
                failures.add("warm-up on " + t + ": " + e);
            }
        }
    }

    /** Ends the current progress line with what the step measured. */
    static void progressValue(String value) {
        System.out.printf(Locale.ROOT, "      -> %s  (%.1f s)%n", value, (System.nanoTime() - stepStart) / 1e9);
    }

    /** A line between a step's start and its result (long steps). */
    static void progressDetail(String detail) {
        System.out.printf(Locale.ROOT, "      .. %s (%.1f s)%n", detail, (System.nanoTime() - stepStart) / 1e9);
    }

    static void warn(String message) {
        System.out.println("WARNING: " + message);
    }

    private static String clock(long nanos) {
        long s = nanos / 1_000_000_000L;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String eta(long t0, int done, int total) {
        if (done == 0) {
            return "";
        }
        long perStep = (System.nanoTime() - t0) / done;
        return ", ~" + clock(perStep * (total - done)) + " left";
    }

    private static void writeInfo(Path file, Map<String, String> info) throws IOException {
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            for (Map.Entry<String, String> e : info.entrySet()) {
                out.print(e.getKey() + ": " + e.getValue().replace('\n', ' ') + "\n");
            }
        }
    }

    /** Wine's version when running under Wine ("no" on Windows itself or elsewhere). */
    static String wineVersion() {
        try {
            com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance("ntdll").getFunction("wine_get_version");
            return f.invokeString(new Object[0], false);
        } catch (Throwable e) {
            return "no";
        }
    }

    /** The Linux 1-minute load average, sampled between steps (read through Wine's Z: drive under Wine). */
    static final class LoadAverage {
        private double min = Double.MAX_VALUE;
        private double max;
        private double sum;
        private int samples;

        void sample() {
            for (String p : new String[] {"/proc/loadavg", "Z:\\proc\\loadavg"}) {
                try {
                    String s = Files.readString(Paths.get(p)).trim();
                    double v = Double.parseDouble(s.substring(0, s.indexOf(' ')));
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    samples++;
                    return;
                } catch (Exception ignore) {
                    // not Linux, or no Z: drive: try the next path
                }
            }
        }

        String describe() {
            return samples == 0 ? "unknown (no /proc/loadavg)" : String.format(Locale.ROOT,
                    "mean %.1f, min %.1f, max %.1f over %d samples", sum / samples, min, max, samples);
        }
    }
}
