package io.tofunetty.integration.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The tables and charts of docs/alternatives.md: every transport of a run (AFD, NIO, NIO-legacy and the prototypes)
 * against NIO, paired per run, with CPU and native calls per message, from the output folders of one or more runs
 * ({@code results-raw.csv}, {@code census.csv}, {@code run-info.txt}). Usage:
 * {@code AltReport OUT_DIR RUN_DIR...}; writes {@code OUT_DIR/results.md} and its PNG charts.
 */
public final class AltReport {
    private static final String BASE = BenchTransport.NIO;
    private static final String SAME_LOOP_BASE = "proto-afdpoll";
    /** One value per (workload, params, transport, metric) and run. */
    private final Map<String, Map<Integer, Double>> raw = new LinkedHashMap<>();
    private final Set<String> transports = new LinkedHashSet<>();
    private final List<Results.Row> census = new ArrayList<>();
    private final Map<String, Map<String, String>> infos = new LinkedHashMap<>();

    private AltReport(List<Path> runs) throws IOException {
        for (Path run : runs) {
            List<String> lines = Files.readAllLines(run.resolve("results-raw.csv"), StandardCharsets.UTF_8);
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = Results.parseCsvLine(line);
                transports.add(f.get(2));
                raw.computeIfAbsent(key(f.get(0), f.get(1), f.get(2), f.get(3)), k -> new TreeMap<>())
                        .put(Integer.parseInt(f.get(5)), Double.parseDouble(f.get(6)));
            }
            census.addAll(Results.readCensus(run));
            infos.put(run.getFileName().toString(), Results.readRunInfo(run));
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            System.err.println("usage: AltReport OUT_DIR RUN_DIR...");
            System.exit(2);
        }
        List<Path> runs = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            runs.add(Paths.get(args[i]));
        }
        Path out = Paths.get(args[0]);
        AltReport r = new AltReport(runs);
        Files.createDirectories(out);
        List<String> charts = r.charts(out);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("results.md"),
                StandardCharsets.UTF_8))) {
            r.markdown(w, charts);
        }
        System.out.println("alt report: " + out.resolve("results.md") + ", " + charts.size() + " chart(s)");
    }

    private static String key(String workload, String params, String transport, String metric) {
        return workload + '|' + params + '|' + transport + '|' + metric;
    }

    private Map<Integer, Double> runs(String workload, String params, String transport, String metric) {
        return raw.getOrDefault(key(workload, params, transport, metric), Map.of());
    }

    private static double[] stats(List<Double> v) {
        if (v.isEmpty()) {
            return null;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {Results.median(s), s[0], s[s.length - 1], s.length};
    }

    private double[] median(String workload, String params, String transport, String metric) {
        return stats(new ArrayList<>(runs(workload, params, transport, metric).values()));
    }

    /**
     * Paired ratio of {@code transport} against {@code base} over the runs both measured: above 1 = better
     * ({@code lowerIsBetter} for round-trip times and CPU per message).
     */
    private double[] ratio(String workload, String params, String transport, String base, String metric,
                           boolean lowerIsBetter) {
        Map<Integer, Double> a = runs(workload, params, transport, metric);
        Map<Integer, Double> b = runs(workload, params, base, metric);
        List<Double> r = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : a.entrySet()) {
            Double o = b.get(e.getKey());
            if (o != null && e.getValue() > 0 && o > 0) {
                r.add(lowerIsBetter ? o / e.getValue() : e.getValue() / o);
            }
        }
        return stats(r);
    }

    private List<String> params(String workload, String metric) {
        Set<String> p = new LinkedHashSet<>();
        for (String k : raw.keySet()) {
            String[] f = k.split("\\|");
            if (f[0].equals(workload) && f[3].equals(metric)) {
                p.add(f[1]);
            }
        }
        return new ArrayList<>(p);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "–" : Results.format(v);
    }

    private static String withRange(double[] s) {
        if (s == null) {
            return "–";
        }
        return s[3] > 1 ? String.format(Locale.ROOT, "%s [%s–%s]", num(s[0]), num(s[1]), num(s[2])) : num(s[0]);
    }

    private static String shape(String workload, String params) {
        if (workload.equals(Workloads.PING_PONG)) {
            return "ping-pong 1 B";
        }
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : params.split(",")) {
            int eq = kv.indexOf('=');
            p.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String size = p.get("size");
        size = size.equals("1024") ? "1 KiB" : size.equals("16384") ? "16 KiB" : size + " B";
        return workload.equals(Workloads.IDLE) ? "idle " + p.get("idle") : size + " × " + p.get("conns");
    }

    /** The echo shapes: [workload, params, speed metric, lowerIsBetter]. */
    private List<String[]> echoShapes() {
        List<String[]> s = new ArrayList<>();
        for (String p : params(Workloads.PING_PONG, "rtt")) {
            s.add(new String[] {Workloads.PING_PONG, p, "rtt", "true"});
        }
        for (String p : params(Workloads.THROUGHPUT, "msgs_per_s")) {
            s.add(new String[] {Workloads.THROUGHPUT, p, "msgs_per_s", "false"});
        }
        return s;
    }

    private void markdown(PrintWriter out, List<String> charts) {
        out.print("# Alternatives to AFD_POLL: benchmark results\n\n");
        out.print("Generated by `io.tofunetty.integration.bench.AltReport` from the runs below; read with "
                + "[docs/alternatives.md](../alternatives.md). Under Wine 8.0 on 2 shared cores: only paired ratios "
                + "and calls per message mean anything, and only calls per message carry over to Windows.\n\n");
        for (Map.Entry<String, Map<String, String>> e : infos.entrySet()) {
            Map<String, String> i = e.getValue();
            out.print("- run `" + e.getKey() + "`: " + i.getOrDefault("started", "?") + ", "
                    + i.getOrDefault("runs", "?") + " runs, warm-up " + i.getOrDefault("warmup_ms", "?")
                    + " ms, window " + i.getOrDefault("measure_ms", "?") + " ms, " + i.getOrDefault("java", "")
                    + ", Wine " + i.getOrDefault("wine", "?") + "; load average (1 min) "
                    + i.getOrDefault("load1", "?") + "; failures: " + i.getOrDefault("failures", "?") + "\n");
            for (Map.Entry<String, String> f : i.entrySet()) {
                if (f.getKey().startsWith("failure.") || f.getKey().startsWith("transport.proto")) {
                    out.print("  - " + f.getKey() + ": " + f.getValue() + "\n");
                }
            }
        }
        List<String> ts = new ArrayList<>(transports);
        out.print("\n## Echo shapes: speed vs NIO (paired per run, median [min–max]; > 1 = better than NIO)\n\n");
        out.print("Ping-pong compares round trips per second, the throughput shapes messages per second.\n\n");
        table(out, ts, (t, s) -> {
            if (t.equals(BASE)) {
                double[] m = median(s[0], s[1], t, s[2]);
                return m == null ? "–" : s[2].equals("rtt") ? num(1e6 / m[0]) + "/s" : num(m[0]) + "/s";
            }
            return withRange(ratio(s[0], s[1], t, BASE, s[2], Boolean.parseBoolean(s[3])));
        });
        out.print("\n## CPU per message vs NIO (JVM + wineserver; NIO's / the transport's, paired; > 1 = cheaper)\n\n");
        table(out, ts, (t, s) -> {
            if (t.equals(BASE)) {
                double[] m = median(s[0], s[1], t, "cpu_us_per_msg");
                return m == null ? "–" : num(m[0]) + " µs";
            }
            return withRange(ratio(s[0], s[1], t, BASE, "cpu_us_per_msg", true));
        });
        if (transports.contains(SAME_LOOP_BASE)) {
            List<String> protos = new ArrayList<>();
            for (String t : ts) {
                if (t.startsWith("proto-") && !t.equals(SAME_LOOP_BASE)) {
                    protos.add(t);
                }
            }
            out.print("\n## The prototypes against the AFD-poll baseline on the same loop (" + SAME_LOOP_BASE
                    + "; paired per run; > 1 = better)\n\n");
            out.print("Same loop, same write path, same load: only the receive design differs. Speed, then CPU per "
                    + "message.\n\n");
            table(out, protos, (t, s) -> withRange(ratio(s[0], s[1], t, SAME_LOOP_BASE, s[2],
                    Boolean.parseBoolean(s[3]))) + " / " + withRange(ratio(s[0], s[1], t, SAME_LOOP_BASE,
                    "cpu_us_per_msg", true)), false);
        }
        out.print("\n## Native calls per message, in-process counter (AFD and the prototypes; median over runs)\n\n");
        out.print("Ping-pong: per round trip (both sides). NIO's calls are only countable by the census below.\n\n");
        table(out, ts, (t, s) -> calls(s[0], s[1], t));
        censusTable(out, ts);
        idle(out, ts);
        for (String c : charts) {
            out.print("\n![" + c + "](" + c + ")\n");
        }
    }

    private interface Cell {
        String of(String transport, String[] shape);
    }

    private void table(PrintWriter out, List<String> ts, Cell cell) {
        table(out, ts, cell, true);
    }

    private void table(PrintWriter out, List<String> ts, Cell cell, boolean baseAbsolute) {
        out.print("| shape |");
        for (String t : ts) {
            out.print(" " + t + (baseAbsolute && t.equals(BASE) ? " (absolute)" : "") + " |");
        }
        out.print("\n|---|");
        out.print("---|".repeat(ts.size()));
        out.print("\n");
        for (String[] s : echoShapes()) {
            out.print("| " + shape(s[0], s[1]) + " |");
            for (String t : ts) {
                out.print(" " + cell.of(t, s) + " |");
            }
            out.print("\n");
        }
    }

    private String calls(String workload, String params, String transport) {
        double[] total = median(workload, params, transport, "native_calls_per_msg");
        if (total == null) {
            return "–";
        }
        StringBuilder sb = new StringBuilder("**" + num(total[0]) + "**");
        String prefix = key(workload, params, transport, "native_calls_per_msg.");
        List<String> parts = new ArrayList<>();
        for (String k : raw.keySet()) {
            if (k.startsWith(prefix)) {
                double[] m = stats(new ArrayList<>(raw.get(k).values()));
                if (m != null && m[0] > 0) {
                    parts.add(abbreviate(k.substring(prefix.length())) + " " + num(m[0]));
                }
            }
        }
        if (!parts.isEmpty()) {
            sb.append(" (").append(String.join(", ", parts)).append(')');
        }
        return sb.toString();
    }

    private static String abbreviate(String call) {
        return switch (call) {
            case "GetQueuedCompletionStatusEx" -> "GQCSEx";
            case "NtDeviceIoControlFile" -> "poll";
            case "NtAssociateWaitCompletionPacket" -> "assoc";
            case "PostQueuedCompletionStatus" -> "PQCS";
            case "NtCancelIoFileEx" -> "cancel";
            default -> call;
        };
    }

    private void censusTable(PrintWriter out, List<String> ts) {
        if (census.isEmpty()) {
            return;
        }
        out.print("\n## Native-call census (Wine relay trace at the DLL boundary; kernel-entering / all calls per "
                + "message)\n\n");
        Set<String> shapes = new LinkedHashSet<>();
        for (Results.Row r : census) {
            shapes.add(r.params());
        }
        out.print("| shape |");
        List<String> present = new ArrayList<>();
        for (String t : ts) {
            if (census.stream().anyMatch(r -> r.transport().equals(t))) {
                present.add(t);
                out.print(" " + t + " |");
            }
        }
        out.print("\n|---|" + "---|".repeat(present.size()) + "\n");
        for (String p : shapes) {
            out.print("| " + p.replace("shape=", "").replace(",", ", ") + " |");
            for (String t : present) {
                Double k = censusValue(p, t, "kernel_calls_per_msg");
                Double a = censusValue(p, t, "calls_per_msg");
                out.print(" " + (k == null ? "–" : num(k) + " / " + num(a)) + " |");
            }
            out.print("\n");
        }
        out.print("\nKernel-entering calls by function (per message):\n\n");
        for (String p : shapes) {
            for (String t : present) {
                List<String> parts = new ArrayList<>();
                for (Results.Row r : census) {
                    if (r.params().equals(p) && r.transport().equals(t) && r.metric().startsWith("calls_per_msg.")
                            && RelayCensus.isKernelCall(r.metric().substring("calls_per_msg.".length()))
                            && r.median() >= 0.005) {
                        parts.add(r.metric().substring("calls_per_msg.".length()) + " " + num(r.median()));
                    }
                }
                if (!parts.isEmpty()) {
                    out.print("- " + p.replace("shape=", "") + ", " + t + ": " + String.join(", ", parts) + "\n");
                }
            }
        }
    }

    private Double censusValue(String params, String transport, String metric) {
        for (Results.Row r : census) {
            if (r.params().equals(params) && r.transport().equals(transport) && r.metric().equals(metric)) {
                return r.median();
            }
        }
        return null;
    }

    private void idle(PrintWriter out, List<String> ts) {
        List<String> levels = params(Workloads.IDLE, "msgs_per_s");
        if (levels.isEmpty()) {
            return;
        }
        String first = levels.get(0);
        String last = levels.get(levels.size() - 1);
        out.print("\n## Idle scaling (10 connections ping-ponging 64 B beside idle connections)\n\n");
        out.print("| transport |");
        for (String l : levels) {
            out.print(" msgs/s, " + shape(Workloads.IDLE, l) + " |");
        }
        out.print(" slowdown " + shape(Workloads.IDLE, first) + " → " + shape(Workloads.IDLE, last)
                + " (paired) | vs NIO at " + shape(Workloads.IDLE, last) + " (paired) | CPU µs/msg at "
                + shape(Workloads.IDLE, last) + " | calls/msg at " + shape(Workloads.IDLE, last)
                + " | working set per idle connection (KiB, at " + shape(Workloads.IDLE, last) + ")"
                + " | prototype native memory per idle connection (KiB, exact) |\n|---|");
        out.print("---|".repeat(levels.size() + 6) + "\n");
        for (String t : ts) {
            if (runs(Workloads.IDLE, first, t, "msgs_per_s").isEmpty()) {
                continue;
            }
            out.print("| " + t + " |");
            for (String l : levels) {
                out.print(" " + withRange(median(Workloads.IDLE, l, t, "msgs_per_s")) + " |");
            }
            Map<Integer, Double> a = runs(Workloads.IDLE, first, t, "msgs_per_s");
            Map<Integer, Double> b = runs(Workloads.IDLE, last, t, "msgs_per_s");
            List<Double> slow = new ArrayList<>();
            for (Map.Entry<Integer, Double> e : a.entrySet()) {
                Double v = b.get(e.getKey());
                if (v != null && v > 0) {
                    slow.add(e.getValue() / v);
                }
            }
            out.print(" " + withRange(stats(slow)) + " |");
            out.print(" " + (t.equals(BASE) ? "1" : withRange(ratio(Workloads.IDLE, last, t, BASE, "msgs_per_s",
                    false))) + " |");
            out.print(" " + withRange(median(Workloads.IDLE, last, t, "cpu_us_per_msg")) + " |");
            out.print(" " + calls(Workloads.IDLE, last, t) + " |");
            out.print(" " + withRange(median(Workloads.IDLE, last, t, "working_set_kib_per_idle_conn")) + " |");
            out.print(" " + withRange(median(Workloads.IDLE, last, t, "native_receive_kib_per_idle_conn")) + " |\n");
        }
    }

    // ------------------------------------------------------------------------------------------ charts

    private List<String> charts(Path dir) throws IOException {
        List<String> written = new ArrayList<>();
        List<String[]> shapes = echoShapes();
        if (shapes.isEmpty()) {
            return written;
        }
        List<String> x = new ArrayList<>();
        for (String[] s : shapes) {
            x.add(shape(s[0], s[1]));
        }
        CategoryChart speed = chart("Speed vs NIO, paired per run (median; > 1 = faster than NIO)", "ratio");
        CategoryChart calls = chart("Native calls per message (in-process counter; census kernel calls for NIO)",
                "calls / message");
        for (String t : transports) {
            if (t.equals(BASE)) {
                continue;
            }
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String[] s : shapes) {
                double[] r = ratio(s[0], s[1], t, BASE, s[2], Boolean.parseBoolean(s[3]));
                y.add(r == null ? 0 : r[0]);
                has |= r != null;
            }
            if (has) {
                speed.addSeries(t, x, y);
            }
        }
        for (String t : transports) {
            List<Double> y = new ArrayList<>();
            boolean has = false;
            for (String[] s : shapes) {
                double[] m = median(s[0], s[1], t, "native_calls_per_msg");
                Double c = m != null ? Double.valueOf(m[0]) : censusKernel(s, t);
                y.add(c == null ? 0 : c);
                has |= c != null;
            }
            if (has) {
                calls.addSeries(t, x, y);
            }
        }
        save(speed, dir, "alt-speed.png", written);
        save(calls, dir, "alt-calls.png", written);
        return written;
    }

    /** NIO has no in-process counter: its census figure for the same shape, if the census ran it. */
    private Double censusKernel(String[] shape, String transport) {
        String p = "shape=" + shape[0] + ',' + (shape[0].equals(Workloads.PING_PONG) ? "size=1,conns=1,window=1"
                : shape[1]);
        return censusValue(p, transport, "kernel_calls_per_msg");
    }

    private static CategoryChart chart(String title, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(1000).height(520).title(title).yAxisTitle(yTitle).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setYAxisDecimalPattern("#,##0.##");
        return c;
    }

    private static void save(CategoryChart c, Path dir, String name, List<String> written) throws IOException {
        if (c.getSeriesMap().isEmpty()) {
            return;
        }
        BitmapEncoder.saveBitmap(c, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        written.add(name);
    }

}
