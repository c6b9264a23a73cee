package io.tofunetty.integration.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns a benchmark run into {@code results.md} and PNG charts (XChart), and a Wine relay trace into
 * {@code census.csv}. Runs on any JVM (under Wine the runner does not need it).
 *
 * <pre>
 *   BenchReport census TRACE DIR    count the native calls of a census run (see {@link RelayCensus})
 *   BenchReport report DIR          results.md and *.png from DIR/results.csv, results-raw.csv, census.csv
 * </pre>
 *
 * <p>Ratios are <em>paired</em>: each run measured AFD and NIO within seconds of each other (the runner interleaves
 * transports), so the ratio is taken per run and its median reported, which cancels most of the drift of a shared
 * machine. A ratio above 1 always means AFD did better (more messages per second, or less time per operation).
 */
public final class BenchReport {
    private static final String[] TRANSPORTS = {BenchTransport.AFD, BenchTransport.NIO, BenchTransport.NIO_LEGACY};
    private static final double THROUGHPUT_GOAL = 1.2;
    private static final double IDLE_GOAL = 1.1;

    private final Path dir;
    private final List<Results.Row> rows;
    private final List<String[]> raw;
    private final List<Results.Row> census;
    private final Map<String, String> info;

    private BenchReport(Path dir) throws IOException {
        this.dir = dir;
        Path results = dir.resolve("results.csv");
        if (!Files.exists(results)) {
            throw new IOException("no " + results + ": run the benchmark first (scripts/bench.sh)");
        }
        rows = Results.read(results);
        raw = new ArrayList<>();
        Path rawFile = dir.resolve("results-raw.csv");
        if (Files.exists(rawFile)) {
            List<String> lines = Files.readAllLines(rawFile, StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                if (!line.isBlank()) {
                    raw.add(Results.parseCsvLine(line).toArray(new String[0]));
                }
            }
        }
        census = Results.readCensus(dir);
        info = Results.readRunInfo(dir);
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length == 3 && args[0].equals("census")) {
            RelayCensus.write(Paths.get(args[1]), Paths.get(args[2]));
        } else if (args.length == 2 && args[0].equals("report")) {
            new BenchReport(Paths.get(args[1])).write();
        } else {
            System.err.println("usage: BenchReport census TRACE DIR | BenchReport report DIR");
            System.exit(2);
        }
    }

    private void write() throws IOException {
        List<String> charts = charts();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("results.md"),
                StandardCharsets.UTF_8))) {
            markdown(out, charts);
        }
        System.out.println("report: " + dir.resolve("results.md") + " and " + charts.size() + " chart(s)");
    }

    // ------------------------------------------------------------------------------------------ data access

    private Results.Row row(String workload, String params, String transport, String metric) {
        for (Results.Row r : rows) {
            if (r.workload().equals(workload) && r.params().equals(params) && r.transport().equals(transport)
                    && r.metric().equals(metric)) {
                return r;
            }
        }
        return null;
    }

    private Results.Row censusRow(String params, String transport, String metric) {
        for (Results.Row r : census) {
            if (r.params().equals(params) && r.transport().equals(transport) && r.metric().equals(metric)) {
                return r;
            }
        }
        return null;
    }

    /** The (workload, params, metric) triples in first-seen order, for metrics measured on several transports. */
    private List<String[]> shapes(String workload, String metric) {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> shapes = new ArrayList<>();
        for (Results.Row r : rows) {
            if (r.workload().equals(workload) && r.metric().equals(metric) && seen.add(r.params())) {
                shapes.add(new String[] {r.workload(), r.params(), r.metric()});
            }
        }
        return shapes;
    }

    private static boolean lowerIsBetter(String unit) {
        return unit.startsWith("us") || unit.startsWith("calls");
    }

    /** Per-run values of one series, by run index. */
    private Map<Integer, Double> runs(String workload, String params, String transport, String metric) {
        Map<Integer, Double> v = new TreeMap<>();
        for (String[] f : raw) {
            if (f[0].equals(workload) && f[1].equals(params) && f[2].equals(transport) && f[3].equals(metric)) {
                v.put(Integer.parseInt(f[5]), Double.parseDouble(f[6]));
            }
        }
        return v;
    }

    /**
     * The paired ratio AFD vs {@code other} (above 1: AFD better): median, min, max over the runs both measured; null
     * when there is no pair.
     */
    private double[] pairedRatio(String workload, String params, String metric, String other, String unit) {
        Map<Integer, Double> a = runs(workload, params, BenchTransport.AFD, metric);
        Map<Integer, Double> b = runs(workload, params, other, metric);
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : a.entrySet()) {
            Double o = b.get(e.getKey());
            if (o != null && o > 0 && e.getValue() > 0) {
                ratios.add(lowerIsBetter(unit) ? o / e.getValue() : e.getValue() / o);
            }
        }
        if (ratios.isEmpty()) {
            return null;
        }
        return new double[] {Results.median(ratios), Collections.min(ratios), Collections.max(ratios)};
    }

    // ------------------------------------------------------------------------------------------ markdown

    private void markdown(PrintWriter out, List<String> charts) {
        out.print("# AFD vs NIO: benchmark results\n\n");
        out.print("Written by `scripts/bench.sh` (`io.tofunetty.integration.bench.BenchReport`) from `results.csv`, "
                + "`results-raw.csv` and `census.csv` in this folder; do not edit by hand. How to read it: "
                + "[docs/benchmarks.md](../benchmarks.md#afd-vs-nio-side-by-side).\n\n");
        out.print("| Run | |\n|---|---|\n");
        for (String k : new String[] {"mode", "started", "duration", "os", "wine", "java", "cpus", "runs",
                "warmup_ms", "measure_ms", "load1", "native_call_counter", "failures"}) {
            if (info.containsKey(k)) {
                out.print("| " + k + " | " + info.get(k).replace("|", "\\|") + " |\n");
            }
        }
        for (Map.Entry<String, String> e : info.entrySet()) {
            if (e.getKey().startsWith("transport.") || e.getKey().startsWith("failure.")) {
                out.print("| " + e.getKey() + " | " + e.getValue().replace("|", "\\|") + " |\n");
            }
        }
        if (!"no".equals(info.getOrDefault("wine", "no"))) {
            out.print("\n**Measured under Wine**: every socket and IOCP call is one or more wineserver round trips, "
                    + "so absolute numbers say nothing about Windows and even the ratios need confirming on "
                    + "Windows. On a shared, loaded machine only the paired ratios (same run, transports "
                    + "interleaved) mean much.\n");
        }

        out.print("\n## Side by side (median, [min–max] over runs; ratios paired per run, > 1 = AFD better)\n\n");
        out.print("| workload | parameters | metric | afd | nio | nio-legacy | AFD vs nio | AFD vs nio-legacy |\n");
        out.print("|---|---|---|---|---|---|---|---|\n");
        String[][] main = {
            {Workloads.PING_PONG, "rtt"}, {Workloads.THROUGHPUT, "msgs_per_s"}, {Workloads.IDLE, "msgs_per_s"},
            {Workloads.CHURN, "conns_per_s"}, {Workloads.WAKEUP, "wakeup_rtt"},
        };
        for (String[] wm : main) {
            for (String[] s : shapes(wm[0], wm[1])) {
                sideBySideRow(out, s[0], s[1], s[2]);
            }
        }

        if (rows.stream().anyMatch(r -> r.metric().equals("cpu_us_per_msg"))) {
            out.print("\n## CPU per operation (median, [min–max]; ratios paired per run, > 1 = AFD cheaper)\n\n");
            out.print("CPU time of the benchmark JVM plus, under Wine, of the wineserver (which carries out every "
                    + "socket and IOCP call), per echoed message (per round trip, connection or wake-up for the "
                    + "other workloads). Unlike messages per second it does not depend on how much CPU the machine's "
                    + "other work left to the benchmark, so on a shared machine it is the steadier comparison.\n\n");
            out.print("| workload | parameters | metric | afd | nio | nio-legacy | AFD vs nio | AFD vs nio-legacy |\n");
            out.print("|---|---|---|---|---|---|---|---|\n");
            for (String w : new String[] {Workloads.PING_PONG, Workloads.THROUGHPUT, Workloads.IDLE, Workloads.CHURN,
                    Workloads.WAKEUP}) {
                for (String[] s : shapes(w, "cpu_us_per_msg")) {
                    sideBySideRow(out, s[0], s[1], s[2]);
                }
            }
            if (rows.stream().anyMatch(r -> r.metric().equals("wineserver_cpu_us_per_msg"))) {
                out.print("\nWhere that CPU goes (median µs per operation, JVM / wineserver):\n\n"
                        + "| workload | parameters | afd | nio | nio-legacy |\n|---|---|---|---|---|\n");
                for (String w : new String[] {Workloads.PING_PONG, Workloads.THROUGHPUT, Workloads.IDLE,
                        Workloads.CHURN, Workloads.WAKEUP}) {
                    for (String[] s : shapes(w, "jvm_cpu_us_per_msg")) {
                        out.print("| " + s[0] + " | " + s[1]);
                        for (String t : TRANSPORTS) {
                            Results.Row j = row(s[0], s[1], t, "jvm_cpu_us_per_msg");
                            Results.Row v = row(s[0], s[1], t, "wineserver_cpu_us_per_msg");
                            out.print(" | " + (j == null || v == null ? "–" : num(j.median()) + " / "
                                    + num(v.median())));
                        }
                        out.print(" |\n");
                    }
                }
            }
        }

        goals(out);
        groups(out);
        nativeCalls(out);

        if (!charts.isEmpty()) {
            out.print("\n## Charts\n\n");
            for (String c : charts) {
                out.print("![" + c + "](" + c + ")\n\n");
            }
        }
    }

    private void sideBySideRow(PrintWriter out, String workload, String params, String metric) {
        String unit = "";
        for (String t : TRANSPORTS) {
            Results.Row r = row(workload, params, t, metric);
            unit = r != null ? r.unit() : unit;
        }
        StringBuilder line = new StringBuilder("| " + workload + " | " + params + " | " + metric + " (" + unit + ")");
        for (String t : TRANSPORTS) {
            Results.Row r = row(workload, params, t, metric);
            line.append(" | ").append(r == null ? "–" : cell(r));
        }
        for (String other : new String[] {BenchTransport.NIO, BenchTransport.NIO_LEGACY}) {
            double[] ratio = pairedRatio(workload, params, metric, other, unit);
            line.append(" | ").append(ratio == null ? "–" : ratioCell(ratio));
        }
        out.print(line + " |\n");
    }

    private static String cell(Results.Row r) {
        return r.runs() == 1 ? num(r.median())
                : num(r.median()) + " [" + num(r.min()) + "–" + num(r.max()) + "]";
    }

    private static String ratioCell(double[] ratio) {
        return String.format(Locale.ROOT, "**%.2fx** [%.2f–%.2f]", ratio[0], ratio[1], ratio[2]);
    }

    private static String num(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        double abs = Math.abs(v);
        if (abs >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f", v);
    }

    private void goals(PrintWriter out) {
        out.print("\n## Goals\n\n");
        // 1. throughput
        List<String[]> shapes = shapes(Workloads.THROUGHPUT, "msgs_per_s");
        int met = 0;
        int measured = 0;
        StringBuilder missed = new StringBuilder();
        for (String[] s : shapes) {
            double[] r = pairedRatio(s[0], s[1], s[2], BenchTransport.NIO, "msg/s");
            if (r == null) {
                continue;
            }
            measured++;
            if (r[0] >= THROUGHPUT_GOAL) {
                met++;
            } else {
                missed.append(missed.length() == 0 ? "" : "; ").append(s[1])
                        .append(String.format(Locale.ROOT, " %.2fx", r[0]));
            }
        }
        out.print(String.format(Locale.ROOT, "- **AFD ≥ %.1fx NIO msgs/s on every throughput shape**: %s "
                + "(%d of %d shapes)%s\n", THROUGHPUT_GOAL, measured > 0 && met == measured ? "met" : "not met", met,
                measured, missed.length() == 0 ? "" : ". Missed: " + missed));
        StringBuilder cpu = new StringBuilder();
        for (String[] s : shapes(Workloads.THROUGHPUT, "cpu_us_per_msg")) {
            double[] r = pairedRatio(s[0], s[1], s[2], BenchTransport.NIO, "us/msg");
            if (r != null) {
                cpu.append(cpu.length() == 0 ? "" : "; ").append(s[1].replace(",window=", " w"))
                        .append(String.format(Locale.ROOT, " %.2fx", r[0]));
            }
        }
        if (cpu.length() > 0) {
            out.print("  - the same shapes by CPU per message (NIO's CPU / AFD's, > 1 = AFD cheaper): " + cpu + "\n");
        }
        // 2. idle
        List<String[]> idle = shapes(Workloads.IDLE, "msgs_per_s");
        if (idle.size() >= 2) {
            String first = idle.get(0)[1];
            String last = idle.get(idle.size() - 1)[1];
            out.print(String.format(Locale.ROOT, "- **At most %.1fx slowdown from %s to %s idle connections** "
                    + "(msgs/s at the first level / at the last, paired per run; goal for AFD):", IDLE_GOAL,
                    level(first), level(last)));
            for (String t : TRANSPORTS) {
                double[] s = slowdown(Workloads.IDLE, first, last, t);
                if (s != null) {
                    out.print(String.format(Locale.ROOT, " %s **%.2fx** [%.2f–%.2f]%s;", t, s[0], s[1], s[2],
                            t.equals(BenchTransport.AFD) ? (s[0] <= IDLE_GOAL ? " (met)" : " (not met)") : ""));
                }
            }
            out.print("\n");
        }
        // 3. native calls
        if (!census.isEmpty()) {
            int fewer = 0;
            int compared = 0;
            for (String params : censusShapes()) {
                Results.Row a = censusRow(params, BenchTransport.AFD, "kernel_calls_per_msg");
                Results.Row n = censusRow(params, BenchTransport.NIO, "kernel_calls_per_msg");
                if (a != null && n != null) {
                    compared++;
                    if (a.median() < n.median()) {
                        fewer++;
                    }
                }
            }
            out.print(String.format(Locale.ROOT, "- **Fewer native calls per message than NIO** (kernel-entering "
                    + "calls, Wine relay census): AFD fewer on %d of %d shapes (table below).\n", fewer, compared));
        }
    }

    private static String level(String idleParams) {
        return idleParams.substring("idle=".length(), idleParams.indexOf(','));
    }

    /** msgs/s at {@code first} divided by msgs/s at {@code last}, paired per run: median, min, max. */
    private double[] slowdown(String workload, String first, String last, String transport) {
        Map<Integer, Double> a = runs(workload, first, transport, "msgs_per_s");
        Map<Integer, Double> b = runs(workload, last, transport, "msgs_per_s");
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : a.entrySet()) {
            Double v = b.get(e.getKey());
            if (v != null && v > 0) {
                ratios.add(e.getValue() / v);
            }
        }
        return ratios.isEmpty() ? null
                : new double[] {Results.median(ratios), Collections.min(ratios), Collections.max(ratios)};
    }

    private void groups(PrintWriter out) {
        List<String[]> shapes = shapes(Workloads.IDLE_GROUPS, "msgs_per_s");
        if (shapes.isEmpty()) {
            return;
        }
        Map<String, Map<String, Results.Row>> byGroup = new TreeMap<>((x, y) -> Integer.parseInt(x)
                - Integer.parseInt(y));
        Set<String> levels = new LinkedHashSet<>();
        for (String[] s : shapes) {
            String params = s[1];
            String group = params.substring(params.lastIndexOf("group=") + 6);
            String level = level(params);
            levels.add(level);
            byGroup.computeIfAbsent(group, g -> new LinkedHashMap<>())
                    .put(level, row(Workloads.IDLE_GROUPS, params, BenchTransport.AFD, "msgs_per_s"));
        }
        out.print("\n## AFD handle group sizes (idle workload, AFD only)\n\n");
        out.print("msgs/s of the 10 active connections, median [min–max]; slowdown = first level / last level, "
                + "paired per run.\n\n| group size |");
        for (String l : levels) {
            out.print(" idle " + l + " |");
        }
        out.print(" slowdown |\n|---|");
        for (int i = 0; i <= levels.size(); i++) {
            out.print("---|");
        }
        out.print("\n");
        String first = levels.iterator().next();
        String last = new ArrayList<>(levels).get(levels.size() - 1);
        for (Map.Entry<String, Map<String, Results.Row>> e : byGroup.entrySet()) {
            out.print("| " + e.getKey() + " |");
            for (String l : levels) {
                Results.Row r = e.getValue().get(l);
                out.print(" " + (r == null ? "–" : cell(r)) + " |");
            }
            String firstParams = null;
            String lastParams = null;
            for (String[] s : shapes) {
                if (s[1].endsWith("group=" + e.getKey()) && level(s[1]).equals(first)) {
                    firstParams = s[1];
                }
                if (s[1].endsWith("group=" + e.getKey()) && level(s[1]).equals(last)) {
                    lastParams = s[1];
                }
            }
            double[] s = firstParams == null || lastParams == null ? null
                    : slowdown(Workloads.IDLE_GROUPS, firstParams, lastParams, BenchTransport.AFD);
            out.print(" " + (s == null ? "–" : String.format(Locale.ROOT, "%.2fx [%.2f–%.2f]", s[0], s[1], s[2]))
                    + " |\n");
        }
    }

    private List<String> censusShapes() {
        Set<String> shapes = new LinkedHashSet<>();
        for (Results.Row r : census) {
            shapes.add(r.params());
        }
        return new ArrayList<>(shapes);
    }

    private void nativeCalls(PrintWriter out) {
        if (!census.isEmpty()) {
            out.print("\n## Native calls per echoed message (Wine relay census)\n\n");
            out.print("Every call from the JDK's nio.dll (NIO: socket natives and the bundled wepoll) or from JNA's "
                    + "jnidispatch.dll (AFD) into a Windows DLL, counted by Wine's relay trace in one traced window "
                    + "per shape and transport, divided by the messages echoed in that window. Both ends of each "
                    + "connection are in the process, so one echoed message is at least a send and a receive on "
                    + "each side. *kernel* counts only the calls that enter the kernel on Windows (wineserver round "
                    + "trips under Wine); *all* adds C-runtime, last-error, lock and clock calls.\n\n");
            out.print("| shape | afd kernel | nio kernel | nio-legacy kernel | afd all | nio all | nio-legacy all |\n");
            out.print("|---|---|---|---|---|---|---|\n");
            for (String params : censusShapes()) {
                out.print("| " + params);
                for (String metric : new String[] {"kernel_calls_per_msg", "calls_per_msg"}) {
                    for (String t : TRANSPORTS) {
                        Results.Row r = censusRow(params, t, metric);
                        out.print(" | " + (r == null ? "–" : num(r.median())));
                    }
                }
                out.print(" |\n");
            }
            out.print("\nBy function (calls per message; functions under 0.01 left out):\n\n");
            out.print("| shape | transport | calls per message |\n|---|---|---|\n");
            for (String params : censusShapes()) {
                for (String t : TRANSPORTS) {
                    StringBuilder sb = new StringBuilder();
                    for (Results.Row r : census) {
                        if (r.params().equals(params) && r.transport().equals(t)
                                && r.metric().startsWith("calls_per_msg.") && r.median() >= 0.01) {
                            sb.append(sb.length() == 0 ? "" : ", ")
                                    .append(r.metric().substring("calls_per_msg.".length())).append(' ')
                                    .append(num(r.median()));
                        }
                    }
                    if (sb.length() > 0) {
                        out.print("| " + params + " | " + t + " | " + sb + " |\n");
                    }
                }
            }
        }
        // The in-process counter (AFD only)
        List<String[]> counted = new ArrayList<>();
        for (Results.Row r : rows) {
            if (r.transport().equals(BenchTransport.AFD) && r.metric().equals("native_calls_per_msg")) {
                counted.add(new String[] {r.workload(), r.params()});
            }
        }
        if (counted.isEmpty()) {
            return;
        }
        out.print("\n## AFD native calls per operation (in-process counter)\n\n");
        out.print("`NativeCallCounter` at the JNA call sites (recv, send, WSASend, NtDeviceIoControlFile, "
                + "NtCancelIoFileEx, GetQueuedCompletionStatusEx, PostQueuedCompletionStatus), over every measurement "
                + "window; per echoed message (per round trip for ping-pong, per wake-up for wakeup). Median over "
                + "runs.\n\n| workload | parameters | calls/op | by call |\n|---|---|---|---|\n");
        for (String[] c : counted) {
            Results.Row total = row(c[0], c[1], BenchTransport.AFD, "native_calls_per_msg");
            StringBuilder sb = new StringBuilder();
            for (Results.Row r : rows) {
                if (r.workload().equals(c[0]) && r.params().equals(c[1]) && r.transport().equals(BenchTransport.AFD)
                        && r.metric().startsWith("native_calls_per_msg.")) {
                    sb.append(sb.length() == 0 ? "" : ", ").append(r.metric().substring(21)).append(' ')
                            .append(num(r.median()));
                }
            }
            out.print("| " + c[0] + " | " + c[1] + " | " + num(total.median()) + " | " + sb + " |\n");
        }
    }

    // ------------------------------------------------------------------------------------------ charts

    private List<String> charts() throws IOException {
        List<String> written = new ArrayList<>();
        chartThroughput(written);
        chartRatios(written, "msgs_per_s", "ratios.png", "AFD vs NIO, paired per run (median; > 1 = AFD better)");
        chartRatios(written, "cpu_us_per_msg", "cpu-ratios.png",
                "CPU per operation, NIO / AFD, paired per run (median; > 1 = AFD cheaper)");
        chartIdle(written);
        chartLatency(written);
        chartChurn(written);
        chartNativeCalls(written);
        return written;
    }

    private static String shortShape(String params) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : params.split(",")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                p.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        String size = p.getOrDefault("size", "?");
        String s = size.equals("1024") ? "1K" : size.equals("16384") ? "16K" : size;
        return (p.containsKey("shape") && p.get("shape").equals(Workloads.PING_PONG) ? "ping-pong" : s + "B")
                + " x" + p.getOrDefault("conns", "?");
    }

    private CategoryChart categoryChart(String title, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(520).title(title).yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        return chart;
    }

    private void save(Object chart, String name, List<String> written) throws IOException {
        Path file = dir.resolve(name);
        if (chart instanceof CategoryChart c) {
            BitmapEncoder.saveBitmap(c, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            BitmapEncoder.saveBitmap((XYChart) chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        written.add(name);
    }

    /** One bar series per transport over the shapes of a workload/metric; skips transports with no value. */
    private boolean addTransportSeries(CategoryChart chart, String workload, String metric, List<String[]> shapes) {
        boolean any = false;
        List<String> x = new ArrayList<>();
        for (String[] s : shapes) {
            x.add(shortShape(s[1]));
        }
        for (String t : TRANSPORTS) {
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String[] s : shapes) {
                Results.Row r = row(workload, s[1], t, metric);
                y.add(r == null ? 0.0 : r.median());
                has |= r != null;
            }
            if (has) {
                chart.addSeries(t, x, y);
                any = true;
            }
        }
        return any;
    }

    private void chartThroughput(List<String> written) throws IOException {
        List<String[]> shapes = shapes(Workloads.THROUGHPUT, "msgs_per_s");
        if (shapes.isEmpty()) {
            return;
        }
        CategoryChart chart = categoryChart("Pipelined echo throughput (median msgs/s; message size x connections)",
                "messages / s");
        if (addTransportSeries(chart, Workloads.THROUGHPUT, "msgs_per_s", shapes)) {
            save(chart, "throughput.png", written);
        }
    }

    /** Paired AFD-vs-NIO ratios per shape: speed ({@code msgs_per_s} and its kin) or {@code cpu_us_per_msg}. */
    private void chartRatios(List<String> written, String kind, String file, String title) throws IOException {
        boolean cpu = kind.equals("cpu_us_per_msg");
        List<String[]> shapes = new ArrayList<>(shapes(Workloads.PING_PONG, cpu ? kind : "rtt"));
        shapes.addAll(shapes(Workloads.THROUGHPUT, cpu ? kind : "msgs_per_s"));
        shapes.addAll(shapes(Workloads.CHURN, cpu ? kind : "conns_per_s"));
        shapes.addAll(shapes(Workloads.WAKEUP, cpu ? kind : "wakeup_rtt"));
        if (shapes.isEmpty()) {
            return;
        }
        CategoryChart chart = categoryChart(title, "ratio");
        List<String> x = new ArrayList<>();
        for (String[] s : shapes) {
            x.add(s[0].equals(Workloads.THROUGHPUT) ? shortShape(s[1]) : s[0]);
        }
        boolean any = false;
        for (String other : new String[] {BenchTransport.NIO, BenchTransport.NIO_LEGACY}) {
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String[] s : shapes) {
                Results.Row r = row(s[0], s[1], BenchTransport.AFD, s[2]);
                double[] ratio = r == null ? null : pairedRatio(s[0], s[1], s[2], other, r.unit());
                y.add(ratio == null ? 0.0 : ratio[0]);
                has |= ratio != null;
            }
            if (has) {
                chart.addSeries("afd vs " + other, x, y);
                any = true;
            }
        }
        if (any) {
            List<Double> line = new ArrayList<>(Collections.nCopies(x.size(), cpu ? 1.0 : THROUGHPUT_GOAL));
            CategorySeries g = chart.addSeries(cpu ? "1.0 (equal cost)" : "goal " + THROUGHPUT_GOAL + "x (throughput)",
                    x, line);
            g.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
            g.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            chart.getStyler().setXAxisLabelRotation(30);
            save(chart, file, written);
        }
    }

    private void chartIdle(List<String> written) throws IOException {
        // AFD per group size (idle-groups) and NIO (idle), normalised to the first level
        XYChart chart = new XYChartBuilder().width(1000).height(520)
                .title("Idle scaling: 10 active connections beside idle ones (msgs/s relative to the first level)")
                .xAxisTitle("idle connections").yAxisTitle("relative throughput").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        boolean any = false;
        Map<String, List<String>> series = new LinkedHashMap<>();
        for (String[] s : shapes(Workloads.IDLE_GROUPS, "msgs_per_s")) {
            String group = s[1].substring(s[1].lastIndexOf("group=") + 6);
            series.computeIfAbsent("afd group " + group, k -> new ArrayList<>()).add(Workloads.IDLE_GROUPS + '|'
                    + s[1] + '|' + BenchTransport.AFD);
        }
        for (String t : new String[] {BenchTransport.NIO, BenchTransport.NIO_LEGACY}) {
            for (String[] s : shapes(Workloads.IDLE, "msgs_per_s")) {
                if (row(Workloads.IDLE, s[1], t, "msgs_per_s") != null) {
                    series.computeIfAbsent(t, k -> new ArrayList<>()).add(Workloads.IDLE + '|' + s[1] + '|' + t);
                }
            }
        }
        for (Map.Entry<String, List<String>> e : series.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            double base = Double.NaN;
            for (String key : e.getValue()) {
                String[] k = key.split("\\|");
                Results.Row r = row(k[0], k[1], k[2], "msgs_per_s");
                if (Double.isNaN(base)) {
                    base = r.median();
                }
                x.add(Double.parseDouble(level(k[1])));
                y.add(r.median() / base);
            }
            if (x.size() >= 2) {
                chart.addSeries(e.getKey(), x, y);
                any = true;
            }
        }
        if (any) {
            save(chart, "idle.png", written);
        }
    }

    private void chartLatency(List<String> written) throws IOException {
        List<String[]> shapes = new ArrayList<>(shapes(Workloads.PING_PONG, "rtt"));
        shapes.addAll(shapes(Workloads.WAKEUP, "wakeup_rtt"));
        if (shapes.isEmpty()) {
            return;
        }
        CategoryChart chart = categoryChart("Round trips: 1-byte ping-pong and execute() wake-up (median µs, lower "
                + "is better)", "µs");
        List<String> x = new ArrayList<>();
        for (String[] s : shapes) {
            x.add(s[0]);
        }
        for (String t : TRANSPORTS) {
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String[] s : shapes) {
                Results.Row r = row(s[0], s[1], t, s[2]);
                y.add(r == null ? 0.0 : r.median());
                has |= r != null;
            }
            if (has) {
                chart.addSeries(t, x, y);
            }
        }
        if (!chart.getSeriesMap().isEmpty()) {
            save(chart, "latency.png", written);
        }
    }

    private void chartChurn(List<String> written) throws IOException {
        List<String[]> shapes = shapes(Workloads.CHURN, "conns_per_s");
        if (shapes.isEmpty()) {
            return;
        }
        CategoryChart chart = categoryChart("Connect-accept-close churn (median connections/s)", "connections / s");
        if (addTransportSeries(chart, Workloads.CHURN, "conns_per_s", shapes)) {
            save(chart, "churn.png", written);
        }
    }

    private void chartNativeCalls(List<String> written) throws IOException {
        if (census.isEmpty()) {
            return;
        }
        CategoryChart chart = categoryChart("Kernel-entering native calls per echoed message (Wine relay census)",
                "calls / message");
        List<String> shapes = censusShapes();
        List<String> x = new ArrayList<>();
        for (String s : shapes) {
            x.add(shortShape(s));
        }
        for (String t : TRANSPORTS) {
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String s : shapes) {
                Results.Row r = censusRow(s, t, "kernel_calls_per_msg");
                y.add(r == null ? 0.0 : r.median());
                has |= r != null;
            }
            if (has) {
                chart.addSeries(t, x, y);
            }
        }
        if (!chart.getSeriesMap().isEmpty()) {
            save(chart, "native-calls.png", written);
        }
    }
}
