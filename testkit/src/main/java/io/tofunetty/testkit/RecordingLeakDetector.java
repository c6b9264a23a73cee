package io.tofunetty.testkit;

import io.netty.util.ResourceLeakDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ResourceLeakDetector} that records every leak report so that a test can fail on it.
 *
 * <p>Installed through the system property {@code io.netty.customResourceLeakDetector} (set by the build for every
 * test JVM), so that it is used no matter which class touches Netty's buffers first. Reports are still logged as
 * usual.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> REPORTS = new ArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        record("LEAK: " + resourceType + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        record("LEAK: " + resourceType + " (untraced)");
        super.reportUntracedLeak(resourceType);
    }

    private static void record(String report) {
        synchronized (REPORTS) {
            REPORTS.add(report);
        }
    }

    /** Returns the reports recorded since the last call, and forgets them. */
    public static List<String> drainReports() {
        synchronized (REPORTS) {
            List<String> copy = new ArrayList<>(REPORTS);
            REPORTS.clear();
            return copy;
        }
    }

    /** Whether this detector is the one Netty uses in this JVM (the build sets it for every test JVM). */
    public static boolean isInstalled() {
        return RecordingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }
}
