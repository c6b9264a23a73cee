package io.tofunetty.afd.channel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import io.tofunetty.afd.internal.socket.SocketSendBuffers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The WSABUF batch of gathering sends, filled by address (pure memory: runs on any OS). */
class SocketSendBuffersTest {
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

    private static ByteBuf direct(int n) {
        ByteBuf b = ALLOC.directBuffer(n);
        for (int i = 0; i < n; i++) {
            b.writeByte(i);
        }
        return b;
    }

    @Test
    void buffersAreAddedByTheirReadableMemory() {
        ByteBuf a = direct(100).skipBytes(10);
        ByteBuf b = direct(50);
        try {
            SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(0);
            assertThat(batch.processMessage(a)).isTrue();
            assertThat(batch.processMessage(b)).isTrue();
            assertThat(batch.count()).isEqualTo(2);
            assertThat(batch.size()).isEqualTo(140);
            assertThat(batch.length(0)).isEqualTo(90);
            assertThat(PlatformDependent.getByte(batch.address(0))).isEqualTo((byte) 10);
            assertThat(batch.length(1)).isEqualTo(50);
            assertThat(batch.address(1)).isEqualTo(b.memoryAddress());
        } finally {
            a.release();
            b.release();
        }
    }

    @Test
    void emptyBuffersAddNothingAndNonBuffersStopTheBatch() {
        ByteBuf empty = direct(0);
        try {
            SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(0);
            assertThat(batch.processMessage(empty)).isTrue();
            assertThat(batch.count()).isZero();
            assertThat(batch.processMessage("a FileRegion, say")).isFalse();
        } finally {
            empty.release();
        }
    }

    @Test
    void aCompositeOfDirectBuffersAddsEachComponent() {
        CompositeByteBuf composite = ALLOC.compositeDirectBuffer();
        composite.addComponents(true, direct(30), direct(40));
        try {
            SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(0);
            assertThat(batch.processMessage(composite)).isTrue();
            assertThat(batch.count()).isEqualTo(2);
            assertThat(batch.length(0)).isEqualTo(30);
            assertThat(batch.length(1)).isEqualTo(40);
        } finally {
            composite.release();
        }
    }

    @Test
    void theByteLimitStopsTheBatchButNeverRefusesTheFirstBuffer() {
        ByteBuf big = direct(1000);
        ByteBuf small = direct(10);
        try {
            SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(500);
            assertThat(batch.processMessage(big)).isTrue(); // alone over the limit: sent anyway
            assertThat(batch.processMessage(small)).isFalse();
            assertThat(batch.count()).isEqualTo(1);
            assertThat(batch.size()).isEqualTo(1000);
        } finally {
            big.release();
            small.release();
        }
    }

    @Test
    void theBatchHoldsAtMostMaxBuffers() {
        List<ByteBuf> bufs = new ArrayList<>();
        try {
            SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(0);
            boolean accepted = true;
            for (int i = 0; i <= SocketSendBuffers.MAX_BUFFERS && accepted; i++) {
                ByteBuf b = direct(1);
                bufs.add(b);
                accepted = batch.processMessage(b);
            }
            assertThat(accepted).isFalse();
            assertThat(batch.count()).isEqualTo(SocketSendBuffers.MAX_BUFFERS);
        } finally {
            bufs.forEach(ByteBuf::release);
        }
    }

    @Test
    void heapMemoryIsNeverPassedByAddress() {
        // filterOutboundMessage copies heap buffers to direct memory first; a heap buffer reaching the batch ends it.
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
        SocketSendBuffers batch = SocketSendBuffers.forCurrentThread().clear(0);
        assertThat(heap.hasMemoryAddress()).isFalse();
        assertThat(batch.processMessage(heap)).isFalse();
        assertThat(batch.count()).isZero();
    }
}
