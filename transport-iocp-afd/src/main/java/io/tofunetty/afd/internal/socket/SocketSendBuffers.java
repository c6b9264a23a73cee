package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A WSABUF array in native memory for gathering sends (WSASend), filled from the outbound buffer's flushed
 * {@link ByteBuf}s by address, with the DWORD that receives the sent byte count in the same allocation.
 * One instance per event-loop thread ({@link #forCurrentThread()}), freed when the thread's thread-locals are
 * removed (Netty's event-loop threads do that when they end); writes only happen on the event loop.
 */
public final class SocketSendBuffers implements ChannelOutboundBuffer.MessageProcessor {
    /** Buffers per WSASend: a gathering write stops here (Windows has no IOV_MAX, but bigger batches gain nothing). */
    public static final int MAX_BUFFERS = 1024;

    private static final boolean UNSAFE = PlatformDependent.hasUnsafe();
    private static final FastThreadLocal<SocketSendBuffers> LOCAL = new FastThreadLocal<SocketSendBuffers>() {
        @Override
        protected SocketSendBuffers initialValue() {
            return new SocketSendBuffers();
        }

        @Override
        protected void onRemoval(SocketSendBuffers value) {
            value.free();
        }
    };

    private long memory;
    private final long bytesCell;
    private int count;
    private long size;
    private long maxBytes = Integer.MAX_VALUE;

    private SocketSendBuffers() {
        memory = Mem.allocate((long) MAX_BUFFERS * Winsock.WSABUF_SIZE + 8);
        bytesCell = memory + (long) MAX_BUFFERS * Winsock.WSABUF_SIZE;
    }

    /** This thread's instance, emptied. */
    public static SocketSendBuffers forCurrentThread() {
        SocketSendBuffers buffers = LOCAL.get();
        buffers.clear();
        return buffers;
    }

    /** Empties the array and sets the byte limit of the next batch ({@code <= 0} or huge: no more than 2 GiB). */
    public SocketSendBuffers clear(long maxBytes) {
        clear();
        this.maxBytes = maxBytes <= 0 ? Integer.MAX_VALUE : Math.min(maxBytes, Integer.MAX_VALUE);
        return this;
    }

    private void clear() {
        count = 0;
        size = 0;
        maxBytes = Integer.MAX_VALUE;
    }

    /** Buffers in the batch. */
    public int count() {
        return count;
    }

    /** Bytes in the batch. */
    public long size() {
        return size;
    }

    public long maxBytes() {
        return maxBytes;
    }

    @Override
    public boolean processMessage(Object msg) {
        return msg instanceof ByteBuf && add((ByteBuf) msg);
    }

    /** Adds the readable bytes of {@code buf}; false when it did not fit (the batch is full). */
    public boolean add(ByteBuf buf) {
        int readable = buf.readableBytes();
        if (readable == 0) {
            return true;
        }
        if (buf.hasMemoryAddress()) {
            return add(buf.memoryAddress() + buf.readerIndex(), readable);
        }
        int n = buf.nioBufferCount();
        if (n < 0 || count + n > MAX_BUFFERS) {
            return false;
        }
        ByteBuffer[] parts = buf.nioBuffers(buf.readerIndex(), readable);
        for (ByteBuffer part : parts) {
            int remaining = part.remaining();
            if (remaining == 0) {
                continue;
            }
            if (!part.isDirect() || !add(address(part) + part.position(), remaining)) {
                // A partial buffer is fine: the outbound buffer removes exactly the bytes that were sent.
                return false;
            }
        }
        return true;
    }

    private boolean add(long address, int length) {
        if (count == MAX_BUFFERS || (count > 0 && maxBytes - length < size)) {
            return false;
        }
        long entry = memory + (long) count * Winsock.WSABUF_SIZE;
        // Written here with Mem, not through Winsock, so the batch logic runs (and is tested) where ws2_32 is absent.
        Mem.putLong(entry + Winsock.WSABUF_LEN, length & 0xFFFFFFFFL);
        Mem.putLong(entry + Winsock.WSABUF_BUF, address);
        count++;
        size += length;
        return true;
    }

    /** The memory address of the {@code i}-th buffer of the batch. */
    public long address(int i) {
        checkIndex(i);
        return Mem.getLong(memory + (long) i * Winsock.WSABUF_SIZE + Winsock.WSABUF_BUF);
    }

    /** The length of the {@code i}-th buffer of the batch. */
    public int length(int i) {
        checkIndex(i);
        return (int) Mem.getLong(memory + (long) i * Winsock.WSABUF_SIZE + Winsock.WSABUF_LEN);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("buffer " + i + " of " + count);
        }
    }

    /** Sends the batch with one WSASend: the bytes accepted, 0 when the send buffer is full. */
    public long send(WinsockSocket socket) throws IOException {
        return socket.sendv(memory, count, bytesCell);
    }

    /** The native address of a direct buffer's memory. */
    public static long address(ByteBuffer direct) {
        return UNSAFE ? PlatformDependent.directBufferAddress(direct)
                : Pointer.nativeValue(Native.getDirectBufferPointer(direct));
    }

    private void free() {
        long m = memory;
        memory = 0;
        Mem.free(m);
    }
}
