package io.tofunetty.handlers;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.tofunetty.handlers.internal.EngineCounters;

import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Closes a data channel whose peer stalls: a frame still incomplete {@code partialFrameTimeout} after its first
 * byte arrived (a peer that sends part of a header and stops, or drips a frame byte by byte), or, when enabled,
 * nothing at all received for {@code readIdleTimeout}. It fires a {@link PeerStalledException}, which the engine's
 * handler turns into the close reason {@code recv_failed}.
 *
 * <p>Both clocks stop while the engine itself has stopped reading the channel (its pool is empty): the peer cannot
 * make progress then. They restart from zero when reading resumes.
 *
 * <p>Sits before the decoder; I/O thread only.
 */
final class ReadTimeoutGuard extends ChannelInboundHandlerAdapter {
    private static final long NONE = Long.MIN_VALUE;

    private final EngineFrameDecoder decoder;
    private final long partialFrameNanos;
    private final long idleNanos;
    private final EngineCounters counters;

    private ChannelHandlerContext ctx;
    private long lastRead;
    /** When the first byte of the incomplete frame arrived, or NONE. */
    private long frameStart = NONE;
    private boolean paused;
    private Future<?> check;
    private long checkAt;

    ReadTimeoutGuard(EngineFrameDecoder decoder, long partialFrameNanos, long idleNanos, EngineCounters counters) {
        this.decoder = decoder;
        this.partialFrameNanos = partialFrameNanos;
        this.idleNanos = idleNanos;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        lastRead = System.nanoTime();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        lastRead = System.nanoTime();
        arm();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        long now = System.nanoTime();
        lastRead = now;
        long before = decoder.framesDecoded();
        ctx.fireChannelRead(msg); // the decoder runs now, on this thread
        if (decoder.partialFrameBytes() == 0) {
            frameStart = NONE;
        } else if (frameStart == NONE || decoder.framesDecoded() != before) {
            frameStart = now; // a new frame began in this read
        }
        arm();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** The engine stopped reading this channel (pool empty): the clocks stop. */
    void pause() {
        paused = true;
    }

    /** Reading resumed: the clocks restart from now. */
    void resume() {
        paused = false;
        long now = System.nanoTime();
        lastRead = now;
        if (frameStart != NONE) {
            frameStart = now;
        }
        arm();
    }

    private void arm() {
        if (paused || ctx == null || !ctx.channel().isActive()) {
            return;
        }
        long deadline = nextDeadline();
        if (deadline == NONE || (check != null && checkAt - deadline <= 0)) {
            return; // nothing to watch, or an earlier check is pending (it re-arms)
        }
        cancel();
        checkAt = deadline;
        check = ctx.executor().schedule(this::check, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    private long nextDeadline() {
        long d = NONE;
        if (partialFrameNanos > 0 && frameStart != NONE) {
            d = frameStart + partialFrameNanos;
        }
        if (idleNanos > 0) {
            long idle = lastRead + idleNanos;
            d = d == NONE || idle - d < 0 ? idle : d;
        }
        return d;
    }

    private void check() {
        check = null;
        if (paused || !ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (partialFrameNanos > 0 && frameStart != NONE && now - frameStart >= partialFrameNanos) {
            timeout("a tofu frame stayed incomplete for " + TimeUnit.NANOSECONDS.toMillis(now - frameStart)
                    + " ms (" + decoder.partialFrameBytes() + " bytes received; partialFrameTimeout "
                    + TimeUnit.NANOSECONDS.toMillis(partialFrameNanos) + " ms)");
        } else if (idleNanos > 0 && now - lastRead >= idleNanos) {
            timeout("nothing received for " + TimeUnit.NANOSECONDS.toMillis(now - lastRead) + " ms (readIdleTimeout "
                    + TimeUnit.NANOSECONDS.toMillis(idleNanos) + " ms)");
        } else {
            arm();
        }
    }

    private void timeout(String why) {
        counters.readTimeout();
        ctx.fireExceptionCaught(new PeerStalledException(why + " on " + ctx.channel()));
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
