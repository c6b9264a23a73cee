package io.tofunetty.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LeakCheckExtensionTest {

    @Test
    void everyTestJvmRunsTheRecordingDetectorAtParanoid() {
        assertThat(RecordingLeakDetector.isInstalled()).isTrue();
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void aBufferDroppedWithoutReleaseIsReported() {
        leakOneBuffer();
        assertThat(LeakCheckExtension.collectLeaks())
                .as("the leak of a pooled direct buffer is reported after collection")
                .anySatisfy(report -> assertThat(report).contains("LEAK").contains("leakOneBuffer"));
    }

    @Test
    void releasedBuffersAreNotReported() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(42);
        buf.release();
        assertThat(LeakCheckExtension.collectLeaks()).isEmpty();
    }

    private static void leakOneBuffer() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        buf.writeLong(7); // recorded access: shows this method in the report
        buf.touch();
    }
}
