package io.tofunetty.integration.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * CPU time consumed by this JVM and, under Wine, by the wineserver that carries out its system calls. On a machine
 * shared with other work, CPU time per message is a far steadier cost measure than messages per wall-clock second,
 * which depends on how much CPU the scheduler happened to give the benchmark.
 *
 * <p>The JVM's own CPU time comes from the platform MXBean (GetProcessTimes on Windows, which includes the time the
 * kernel spent on the process's calls; Wine implements it too). The wineserver's comes from Linux's
 * {@code /proc/<pid>/stat} (user + system time), read through Wine's Z: drive; scripts/bench.sh passes its pid as
 * {@value #SERVER_PID_PROPERTY}. ({@code /proc/self} is no use under Wine: the wineserver opens files for its
 * clients, so "self" is the wineserver.)
 */
final class CpuClock {
    static final String SERVER_PID_PROPERTY = "tofu.bench.wineserverPid";
    /** Linux USER_HZ: /proc stat times are in 1/100 s. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final Path server;

    private CpuClock(Path server) {
        this.server = server;
    }

    static CpuClock detect() {
        String pid = System.getProperty(SERVER_PID_PROPERTY, "").trim();
        return new CpuClock(pid.isEmpty() ? null : readable("Z:/proc/" + pid + "/stat", "/proc/" + pid + "/stat"));
    }

    private static Path readable(String... candidates) {
        for (String c : candidates) {
            try {
                Path p = Paths.get(c);
                if (ticks(p) >= 0) {
                    return p;
                }
            } catch (Exception ignore) {
                // not this platform's path
            }
        }
        return null;
    }

    /** utime + stime of a /proc stat file, in ticks; fields counted after the ")" that ends the command name. */
    private static long ticks(Path stat) throws java.io.IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
    }

    /** CPU nanoseconds of this JVM's process so far, or -1 when unknown. */
    long processNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return -1;
    }

    /** CPU nanoseconds of the wineserver so far, 0 when there is none (or it is unknown). */
    long serverNanos() {
        if (server == null) {
            return 0;
        }
        try {
            return ticks(server) * NANOS_PER_TICK;
        } catch (Exception e) {
            return 0;
        }
    }

    boolean hasServer() {
        return server != null;
    }

    String describe() {
        return "JVM: OperatingSystemMXBean.getProcessCpuTime; wineserver: "
                + (server != null ? server + " (1/100 s ticks)" : "none");
    }
}
