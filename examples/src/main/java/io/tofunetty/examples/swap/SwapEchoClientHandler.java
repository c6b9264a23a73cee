package io.tofunetty.examples.swap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;

import java.io.IOException;

/**
 * Sends {@code size} bytes of a known pattern when the connection opens, checks every byte that comes back, and
 * completes {@code done} with the byte count once all of it returned (or fails it on a wrong byte or an error).
 * Transport-agnostic.
 */
public final class SwapEchoClientHandler extends ChannelInboundHandlerAdapter {
    private static final int CHUNK = 64 * 1024;

    private final int size;
    private final Promise<Long> done;
    private long received;

    public SwapEchoClientHandler(int size, Promise<Long> done) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        this.size = size;
        this.done = done;
    }

    static byte patternAt(long index) {
        return (byte) (index * 31 + (index >>> 8));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        for (int off = 0; off < size; off += CHUNK) {
            int n = Math.min(CHUNK, size - off);
            ByteBuf chunk = ctx.alloc().buffer(n);
            for (int i = 0; i < n; i++) {
                chunk.writeByte(patternAt(off + i));
            }
            ctx.write(chunk);
        }
        ctx.flush();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            for (int i = buf.readerIndex(); i < buf.writerIndex(); i++, received++) {
                if (buf.getByte(i) != patternAt(received)) {
                    done.tryFailure(new IOException("byte " + received + " came back changed"));
                    ctx.close();
                    return;
                }
            }
        } finally {
            buf.release();
        }
        if (received == size && done.trySuccess(received)) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        done.tryFailure(new IOException("connection closed after " + received + " of " + size + " bytes"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        done.tryFailure(cause);
        ctx.close();
    }
}
