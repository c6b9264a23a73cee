package io.tofunetty.handlers;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.tofunetty.codec.TofuFrameDecoder;

import java.util.List;

/** The codec's decoder, also telling {@link ReadTimeoutGuard} whether it holds part of a frame. */
final class EngineFrameDecoder extends TofuFrameDecoder {
    private long framesDecoded;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int before = out.size();
        super.decode(ctx, in, out);
        framesDecoded += out.size() - before;
    }

    /** Frames decoded so far on this channel. */
    long framesDecoded() {
        return framesDecoded;
    }

    /** Bytes of an incomplete frame waiting for the rest (every complete frame is decoded at once). */
    int partialFrameBytes() {
        return actualReadableBytes();
    }
}
