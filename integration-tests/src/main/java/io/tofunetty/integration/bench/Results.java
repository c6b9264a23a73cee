package io.tofunetty.integration.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every measured value (one per run), and their summary per workload, parameters, transport and metric: median, min,
 * max and the number of runs. Written as {@code results-raw.csv} and {@code results.csv}.
 */
final class Results {
    static final String HEADER = "workload,params,transport,metric,unit,median,min,max,runs";

    /** One summary row. */
    record Row(String workload, String params, String transport, String metric, String unit, double median,
               double min, double max, int runs) {
        String csv() {
            return String.join(",", workload, quote(params), transport, metric, unit, format(median), format(min),
                    format(max), Integer.toString(runs));
        }
    }

    private record Key(String workload, String params, String transport, String metric, String unit) {
    }

    private final Map<Key, List<Double>> values = new LinkedHashMap<>();
    private final List<String> raw = new ArrayList<>();

    synchronized void add(String workload, String params, String transport, String metric, String unit, int run,
                          double value) {
        values.computeIfAbsent(new Key(workload, params, transport, metric, unit), k -> new ArrayList<>()).add(value);
        raw.add(String.join(",", workload, quote(params), transport, metric, unit, Integer.toString(run),
                format(value)));
    }

    synchronized List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        values.forEach((k, v) -> {
            double[] sorted = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            rows.add(new Row(k.workload, k.params, k.transport, k.metric, k.unit, median(sorted), sorted[0],
                    sorted[sorted.length - 1], sorted.length));
        });
        return rows;
    }

    synchronized void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("results.csv"),
                StandardCharsets.UTF_8))) {
            out.print(HEADER + "\n");
            for (Row r : rows()) {
                out.print(r.csv() + "\n");
            }
        }
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(dir.resolve("results-raw.csv"),
                StandardCharsets.UTF_8))) {
            out.print("workload,params,transport,metric,unit,run,value\n");
            for (String line : raw) {
                out.print(line + "\n");
            }
        }
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return median(sorted);
    }

    /** Up to 4 significant digits, no exponent, no grouping: easy to read and to parse. */
    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double abs = Math.abs(v);
        int decimals = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 10 ? 2 : abs >= 1 ? 3 : 4;
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Parameters contain commas: quoted for CSV. */
    static String quote(String s) {
        return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }

    /** Splits one CSV line (double-quoted fields may hold commas). */
    static List<String> parseCsvLine(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /** A run directory's {@code census.csv}, or nothing when the run has none. */
    static List<Row> readCensus(Path runDir) throws IOException {
        Path file = runDir.resolve("census.csv");
        return Files.exists(file) ? read(file) : List.of();
    }

    /** A run directory's {@code run-info.txt} ("key: value" lines) in file order; empty when the run has none. */
    static Map<String, String> readRunInfo(Path runDir) throws IOException {
        Map<String, String> info = new LinkedHashMap<>();
        Path file = runDir.resolve("run-info.txt");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(": ");
                if (colon > 0) {
                    info.put(line.substring(0, colon), line.substring(colon + 2));
                }
            }
        }
        return info;
    }

    /** Reads a {@code results.csv} back. */
    static List<Row> read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            List<String> f = parseCsvLine(line);
            if (f.size() != 9) {
                throw new IOException(file + ": expected 9 fields, got " + f.size() + ": " + line);
            }
            rows.add(new Row(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), Double.parseDouble(f.get(5)),
                    Double.parseDouble(f.get(6)), Double.parseDouble(f.get(7)), Integer.parseInt(f.get(8))));
        }
        return rows;
    }
}
