package io.tofunetty.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test when Netty's leak detector reported a leak while it ran (or right after, once garbage collection
 * has found the lost buffers). Registered for every test through JUnit's extension auto-detection.
 *
 * <p>Netty only reports a leak when a tracked object is garbage collected unreleased and a later allocation polls
 * the detector's queue, so after each test this runs the collector and allocates a few tracked buffers.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterEachCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        if (!RecordingLeakDetector.isInstalled()) {
            throw new IllegalStateException("Netty's leak detector is not the recording one: run tests with "
                    + "-Dio.netty.customResourceLeakDetector=" + RecordingLeakDetector.class.getName()
                    + " (the build's surefire configuration sets it)");
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("Netty's leak detector runs at " + ResourceLeakDetector.getLevel()
                    + ", expected PARANOID (-Dio.netty.leakDetection.level=PARANOID)");
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> reports = collectLeaks();
        if (!reports.isEmpty()) {
            throw new AssertionError(reports.size() + " Netty leak report(s) during or before "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", reports));
        }
    }

    /** Runs the collector and polls the detectors; returns what they reported. */
    public static List<String> collectLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            poll(UnpooledByteBufAllocator.DEFAULT);
            poll(PooledByteBufAllocator.DEFAULT);
            poll(ByteBufAllocator.DEFAULT);
        }
        return RecordingLeakDetector.drainReports();
    }

    private static void poll(ByteBufAllocator allocator) {
        // Each tracked allocation makes the detector drain its reference queue and report what it finds.
        ByteBuf heap = allocator.heapBuffer(1);
        ByteBuf direct = allocator.directBuffer(1);
        heap.release();
        direct.release();
    }
}
