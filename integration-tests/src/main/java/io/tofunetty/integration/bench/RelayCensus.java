package io.tofunetty.integration.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts, from Wine's relay trace of a {@link Census} run, the calls into Windows DLLs between each pair of marks,
 * and writes them per echoed message to {@code census.csv} (the results.csv format, workload {@code native-calls}).
 *
 * <p>Two totals per window: {@code calls_per_msg}, every traced call, and {@code kernel_calls_per_msg}, without the
 * calls that stay in user mode on Windows (C runtime, last-error and errno reads, SRW locks, tick counts, byte-order
 * helpers, FD_ISSET): what is left are the calls that enter the kernel on Windows (socket I/O, AFD ioctls, IOCP
 * waits and posts, select) and are wineserver round trips under Wine.
 */
final class RelayCensus {
    /** {@code 0104:Call ws2_32.recv(...) ret=...}: the thread, then the DLL and function. */
    private static final Pattern CALL = Pattern.compile("^[0-9a-f]+:Call ([A-Za-z0-9_.]+)\\.([A-Za-z0-9_@?]+)\\(");
    private static final Pattern MARK = Pattern.compile(
            "SetEnvironmentVariableA\\([0-9a-f]+ \"" + Census.VARIABLE + "\",[0-9a-f]+ \"(begin|end) ([^\"]*)\"\\)");
    private static final Pattern MESSAGES = Pattern.compile(" messages=(\\d+)$");

    /** Functions that do not enter the kernel on Windows. */
    private static final Set<String> USER_MODE = Set.of(
            "getlasterror", "setlasterror", "wsagetlasterror", "wsasetlasterror", "_errno",
            "rtlacquiresrwlockshared", "rtlreleasesrwlockshared", "rtlacquiresrwlockexclusive",
            "rtlreleasesrwlockexclusive", "gettickcount", "gettickcount64", "queryperformancecounter",
            "ntohl", "htonl", "ntohs", "htons", "__wsafdisset", "flsgetvalue", "flssetvalue", "tlsgetvalue",
            "tlssetvalue", "setenvironmentvariablea");

    /** One traced window. */
    record Window(String transport, String shape, String params, long messages, Map<String, Long> calls) {
        long total(boolean kernelOnly) {
            long n = 0;
            for (Map.Entry<String, Long> e : calls.entrySet()) {
                if (!kernelOnly || isKernelCall(e.getKey())) {
                    n += e.getValue();
                }
            }
            return n;
        }
    }

    private RelayCensus() {
    }

    static boolean isKernelCall(String function) {
        String dll = function.substring(0, function.indexOf('.')).toLowerCase();
        String name = function.substring(function.indexOf('.') + 1).toLowerCase();
        return !dll.equals("ucrtbase") && !dll.startsWith("msvcr") && !dll.startsWith("vcruntime")
                && !USER_MODE.contains(name);
    }

    /** Reads the windows of a relay trace. */
    static List<Window> parse(Path trace) throws IOException {
        List<Window> windows = new ArrayList<>();
        Map<String, Long> calls = null;
        String id = null;
        try (BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.ISO_8859_1)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.indexOf(":Call ") < 0) {
                    continue;
                }
                Matcher mark = line.contains(Census.VARIABLE) ? MARK.matcher(line) : null;
                if (mark != null && mark.find()) {
                    if (mark.group(1).equals("begin")) {
                        id = mark.group(2);
                        calls = new TreeMap<>();
                    } else if (calls != null) {
                        windows.add(window(id, mark.group(2), calls));
                        calls = null;
                    }
                    continue;
                }
                if (calls == null) {
                    continue;
                }
                Matcher call = CALL.matcher(line);
                if (call.find()) {
                    // Wine prints a DLL name as the caller spelled it (KERNEL32, kernelbase): normalise the case
                    String function = call.group(1).toLowerCase() + '.' + call.group(2);
                    calls.merge(function, 1L, Long::sum);
                }
            }
        }
        return windows;
    }

    private static Window window(String beginId, String endMark, Map<String, Long> calls) throws IOException {
        Matcher m = MESSAGES.matcher(endMark);
        if (!m.find()) {
            throw new IOException("census end mark without a message count: " + endMark);
        }
        String id = endMark.substring(0, m.start());
        if (!id.equals(beginId)) {
            throw new IOException("census marks do not pair: begin '" + beginId + "', end '" + id + "'");
        }
        String[] parts = id.split(" ");
        if (parts.length != 3) {
            throw new IOException("census mark is not 'transport workload params': " + id);
        }
        return new Window(parts[0], parts[1], parts[2], Long.parseLong(m.group(1)), calls);
    }

    /** Adds the census rows of the windows (per echoed message) to {@code results}. */
    static void record(List<Window> windows, Results results) {
        for (Window w : windows) {
            if (w.messages == 0) {
                BenchMain.warn("census window without messages: " + w.transport + ' ' + w.params);
                continue;
            }
            String params = "shape=" + w.shape + ',' + w.params;
            results.add(Workloads.NATIVE_CALLS, params, w.transport, "kernel_calls_per_msg", "calls/msg", 0,
                    (double) w.total(true) / w.messages);
            results.add(Workloads.NATIVE_CALLS, params, w.transport, "calls_per_msg", "calls/msg", 0,
                    (double) w.total(false) / w.messages);
            List<Map.Entry<String, Long>> byCount = new ArrayList<>(w.calls.entrySet());
            byCount.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
            for (Map.Entry<String, Long> e : byCount) {
                results.add(Workloads.NATIVE_CALLS, params, w.transport, "calls_per_msg." + e.getKey(), "calls/msg",
                        0, (double) e.getValue() / w.messages);
            }
        }
    }

    /** Parses {@code trace} and writes {@code census.csv} into {@code dir}; returns the windows found. */
    static List<Window> write(Path trace, Path dir) throws IOException {
        List<Window> windows = parse(trace);
        Results results = new Results();
        record(windows, results);
        Files.createDirectories(dir);
        try (var out = Files.newBufferedWriter(dir.resolve("census.csv"), StandardCharsets.UTF_8)) {
            out.write(Results.HEADER + "\n");
            for (Results.Row r : results.rows()) {
                out.write(r.csv() + "\n");
            }
        }
        Map<String, Integer> perTransport = new LinkedHashMap<>();
        for (Window w : windows) {
            perTransport.merge(w.transport, 1, Integer::sum);
        }
        System.out.println("census: " + windows.size() + " window(s) " + perTransport + " -> "
                + dir.resolve("census.csv"));
        return windows;
    }
}
