package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;

/**
 * The RecvByteBufAllocator handle used by AFD channels: allocates direct buffers (recv writes to their memory
 * address), and keeps reading to the end of stream once DISCONNECT was seen.
 */
class AfdRecvByteAllocatorHandle extends RecvByteBufAllocator.DelegatingHandle
        implements RecvByteBufAllocator.ExtendedHandle {
    private final PreferDirectByteBufAllocator directAllocator = new PreferDirectByteBufAllocator();
    private final boolean stream;
    private final UncheckedBooleanSupplier maybeMoreData = this::maybeMoreDataToRead;
    private boolean receivedDisconnect;

    AfdRecvByteAllocatorHandle(RecvByteBufAllocator.ExtendedHandle handle, boolean stream) {
        super(handle);
        this.stream = stream;
    }

    final void receivedDisconnect() {
        receivedDisconnect = true;
    }

    final boolean isReceivedDisconnect() {
        return receivedDisconnect;
    }

    private boolean maybeMoreDataToRead() {
        // A stream read that did not fill the buffer drained the socket (until DISCONNECT: read to the end).
        return lastBytesRead() == attemptedBytesRead() || stream && receivedDisconnect;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
        directAllocator.delegate = alloc;
        return delegate().allocate(directAllocator);
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
        return receivedDisconnect
                || ((RecvByteBufAllocator.ExtendedHandle) delegate()).continueReading(maybeMoreDataSupplier);
    }

    @Override
    public boolean continueReading() {
        return continueReading(maybeMoreData);
    }
}
