package io.tofunetty.examples.echo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.codec.TofuProtocolException;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The echo service of one connection, after {@code TofuFrameDecoder} and {@code TofuFrameEncoder}: HelloRequest,
 * Request and ByeRequest are answered with their response opcode, a Signal with a Signal, each with the same
 * message id, text headers and body (tofu's {@code OpCode.echo}). The received message itself is sent back, so
 * headers and body are not copied.
 *
 * <p>Closing follows tofu (spec §9.5, E10): after the ByeResponse the server sends nothing more and waits for the
 * peer, the ByeRequest sender, to close; a peer that never does is dropped after {@link #BYE_CLOSE_GRACE_SECONDS}.
 * A ByeSignal from the peer is an abort: the server closes at once.
 *
 * <p>Like tofu's engine the server does not insist on Hello first (D10). One instance per connection.
 */
final class EchoServerHandler extends ChannelInboundHandlerAdapter {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(EchoServerHandler.class);
    /** How long the server keeps a connection whose peer does not close after the ByeResponse. */
    static final long BYE_CLOSE_GRACE_SECONDS = 30;

    /** This side's channel number, stamped on every frame it sends; tofu picks it at random (spec §6). */
    private final int channelNumber = 1 + ThreadLocalRandom.current().nextInt(0xFFFE);
    private boolean byeAnswered;
    private ScheduledFuture<?> byeCloseGuard;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof TofuMessage m)) {
            ReferenceCountUtil.release(msg);
            throw new IllegalStateException("expected a TofuMessage, got " + msg.getClass().getName());
        }
        if (byeAnswered) {
            // A tofu peer sends nothing after its ByeRequest; a frame now is a confused peer, not an error to echo.
            logger.warn("{}: dropped {} received after the ByeResponse", ctx.channel(), m);
            m.release();
            return;
        }
        switch (m.opCode()) {
            case HELLO_REQUEST, REQUEST, SIGNAL, BYE_REQUEST -> echo(ctx, m);
            case BYE_SIGNAL -> {
                // The peer aborts and sends nothing more (D4).
                m.release();
                ctx.close();
            }
            default -> {
                logger.warn("{}: a client does not send {}; dropped", ctx.channel(), m);
                m.release();
            }
        }
    }

    private void echo(ChannelHandlerContext ctx, TofuMessage m) {
        boolean bye = m.opCode() == OpCode.BYE_REQUEST;
        m.opCode(m.opCode().echo()).channelNumber(channelNumber);
        // Written now, flushed once per read batch in channelReadComplete.
        ctx.write(m, ctx.voidPromise());
        if (bye) {
            byeAnswered = true;
            ctx.flush();
            byeCloseGuard = ctx.executor().schedule(() -> {
                logger.info("{}: the peer did not close within {} s of the ByeResponse; closing",
                        ctx.channel(), BYE_CLOSE_GRACE_SECONDS);
                ctx.close();
            }, BYE_CLOSE_GRACE_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    /** A client that sends faster than it reads stops being read until the echoes drain. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (byeCloseGuard != null) {
            byeCloseGuard.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException && byeAnswered) {
            // tofu closes with RST (SO_LINGER 0), so "connection reset" is the normal end after a Bye.
            logger.debug("{}: closed by the peer after the Bye: {}", ctx.channel(), cause.toString());
        } else if (cause instanceof IOException) {
            logger.info("{}: connection lost: {}", ctx.channel(), cause.toString());
        } else if (cause instanceof TofuProtocolException) {
            logger.warn("{}: protocol error, closing: {}", ctx.channel(), cause.getMessage());
        } else {
            logger.warn("{}: closing after an error", ctx.channel(), cause);
        }
        ctx.close();
    }
}
