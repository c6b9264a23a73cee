package io.tofunetty.handlers;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.codec.TofuProtocolException;
import io.tofunetty.handlers.internal.MessageIds;

import java.io.IOException;

/**
 * Turns a channel's events into tofu's notifications, so that a plain Netty application can speak tofu with
 * {@link TofuFrameDecoder}, {@link TofuFrameEncoder} and this handler, without the engine. Put it after the codec:
 * {@code pipeline.addLast(new TofuFrameDecoder(), new TofuFrameEncoder(), new TofuChannelEventHandler(n), app)}.
 *
 * <p>Inbound, the next handler receives {@link TofuMessage}s only:
 * <ul>
 *   <li>peer frames, stamped with this channel's local number (spec D6);</li>
 *   <li>messages whose write failed, returned with origin {@link Origin#ENGINE} and a status: the close reason when
 *       the channel closed before they were sent, {@link Status#INVALID_MESSAGE} when the encoder refused them,
 *       {@link Status#SEND_FAILED} otherwise;</li>
 *   <li>a written ByeSignal, returned with origin engine and {@link Status#CHANNEL_CLOSED}: tofu never sends it, it
 *       aborts the channel (spec §9.6);</li>
 *   <li>last, exactly once, a {@link OpCode#SIGNAL} with origin engine, status {@link Status#CHANNEL_CLOSED}, this
 *       channel's number and its remembered message id (the first received frame's id, or else the HelloRequest's)
 *       (spec §9.7).</li>
 * </ul>
 * Exceptions are not passed on: they become the close reason ({@link #closeReason()}) and close the channel.
 *
 * <p>Outbound, it stamps the local channel number (E4) and gives a message id 0 the next process-wide id (E5;
 * responses must carry their request's id, the encoder refuses id 0 on them).
 *
 * <p>Life cycle (spec §9.5): after delivering a received ByeResponse (or a peer's ByeSignal) it closes the channel,
 * because the ByeRequest sender closes. The ByeResponse sender keeps its channel until the peer closes it.
 *
 * <p>One instance per channel. Subclasses may override {@link #messageReceived}, {@link #messageReturned} and
 * {@link #channelClosed} to take the three kinds of message directly.
 */
public class TofuChannelEventHandler extends ChannelDuplexHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TofuChannelEventHandler.class);

    private final int channelNumber;
    private long rememberedMessageId;
    private boolean received;
    private Status closeReason;
    private boolean byeSeen;
    private boolean closedFired;

    /** @param channelNumber the local channel number, 1-65534 */
    public TofuChannelEventHandler(int channelNumber) {
        this(channelNumber, 0);
    }

    /**
     * @param channelNumber     the local channel number, 1-65534
     * @param initialMessageId  the id the channel_closed Signal carries if no frame is ever received (tofu: the
     *                          HelloRequest's id on a client)
     */
    public TofuChannelEventHandler(int channelNumber, long initialMessageId) {
        if (channelNumber < 1 || channelNumber > 0xFFFE) {
            throw new IllegalArgumentException("local channel number " + channelNumber + " is outside 1-65534");
        }
        this.channelNumber = channelNumber;
        this.rememberedMessageId = initialMessageId;
    }

    /** The local channel number stamped on every message. */
    public final int channelNumber() {
        return channelNumber;
    }

    /** The id the channel_closed Signal carries: the first received frame's id, else the HelloRequest's. */
    public final long rememberedMessageId() {
        return rememberedMessageId;
    }

    /**
     * Why the channel closed (or is closing): the first reason seen, else {@link Status#CHANNEL_CLOSED} after a bye
     * exchange or a local close, else {@link Status#PEER_DISCONNECTED}.
     */
    public final Status closeReason() {
        if (closeReason != null) {
            return closeReason;
        }
        return byeSeen ? Status.CHANNEL_CLOSED : Status.PEER_DISCONNECTED;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof TofuMessage)) {
            ctx.fireChannelRead(msg);
            return;
        }
        TofuMessage m = (TofuMessage) msg;
        m.channelNumber(channelNumber);
        if (!received) {
            received = true;
            rememberedMessageId = m.messageId();
        }
        OpCode op = m.opCode();
        if (op.isBye()) {
            byeSeen = true;
        }
        messageReceived(ctx, m);
        if (op == OpCode.BYE_RESPONSE || op == OpCode.BYE_SIGNAL) {
            // The ByeRequest sender closes once answered; a peer's ByeSignal means it aborted (spec §9.5, D4).
            closeWith(ctx, Status.CHANNEL_CLOSED);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (!(msg instanceof TofuMessage)) {
            ctx.write(msg, promise);
            return;
        }
        TofuMessage m = (TofuMessage) msg;
        OpCode op = m.opCode();
        m.channelNumber(channelNumber);
        if (m.messageId() == 0 && !op.isResponse()) {
            m.messageId(MessageIds.next());
        }
        if (!received && op == OpCode.HELLO_REQUEST && rememberedMessageId == 0) {
            rememberedMessageId = m.messageId();
        }
        if (op == OpCode.BYE_SIGNAL) {
            // tofu never transmits a ByeSignal: it hands it back and aborts the channel (spec §9.6).
            promise.trySuccess();
            messageReturned(ctx, m.origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED));
            closeWith(ctx, Status.CHANNEL_CLOSED);
            return;
        }
        if (op.isBye()) {
            byeSeen = true;
        }
        // Keep a view of the message until it is written, to hand it back if it never is.
        TofuMessage unsent = m.retainedDuplicate();
        ChannelPromise p = promise.unvoid();
        p.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() || closedFired) {
                unsent.release();
            } else {
                returnUnsent(ctx, unsent, f.cause());
            }
        });
        ctx.write(m, p);
    }

    private void returnUnsent(ChannelHandlerContext ctx, TofuMessage unsent, Throwable cause) {
        Status status;
        if (!ctx.channel().isActive()) {
            status = closeReason();
        } else if (cause instanceof EncoderException) {
            status = Status.INVALID_MESSAGE;
        } else {
            status = Status.SEND_FAILED;
        }
        if (logger.isDebugEnabled()) {
            logger.debug("{} channel {}: returning unsent {} ({})", ctx.channel(), channelNumber, unsent,
                    status.tofuName(), cause);
        }
        messageReturned(ctx, unsent.origin(Origin.ENGINE).status(status));
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
        if (closeReason == null) {
            closeReason = Status.CHANNEL_CLOSED; // closed locally
        }
        ctx.close(promise);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closeReason == null) {
            closeReason = reasonFor(cause);
        }
        if (logger.isDebugEnabled()) {
            logger.debug("{} channel {}: {} ({})", ctx.channel(), channelNumber, cause, closeReason.tofuName());
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        fireClosed(ctx);
        ctx.fireChannelInactive();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) throws Exception {
        // A channel that never became active (failed connect) gets no channelInactive.
        if (!ctx.channel().isOpen()) {
            fireClosed(ctx);
        }
        ctx.fireChannelUnregistered();
    }

    /** Sets the close reason unless one is known, and closes the channel. */
    protected final ChannelFuture closeWith(ChannelHandlerContext ctx, Status reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
        return ctx.close();
    }

    private void fireClosed(ChannelHandlerContext ctx) {
        if (closedFired) {
            return;
        }
        closedFired = true;
        TofuMessage signal = TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED)
                .channelNumber(channelNumber).messageId(rememberedMessageId);
        channelClosed(ctx, signal);
    }

    /** Called for each peer frame, already stamped with the local channel number. Default: passes it on. */
    protected void messageReceived(ChannelHandlerContext ctx, TofuMessage message) {
        ctx.fireChannelRead(message);
    }

    /** Called for each message handed back (origin engine, with a status). Default: passes it on. */
    protected void messageReturned(ChannelHandlerContext ctx, TofuMessage message) {
        ctx.fireChannelRead(message);
    }

    /** Called once, after every unsent message was returned, with the channel_closed Signal. Default: passes it on. */
    protected void channelClosed(ChannelHandlerContext ctx, TofuMessage closedSignal) {
        ctx.fireChannelRead(closedSignal);
    }

    /** The tofu status for an exception on the channel. */
    static Status reasonFor(Throwable cause) {
        if (cause instanceof PeerStalledException || cause instanceof ReadTimeoutException) {
            return Status.RECV_FAILED; // a stalled peer (the engine's guard, or Netty's ReadTimeoutHandler)
        }
        if (cause instanceof TofuProtocolException && "frame".equals(((TofuProtocolException) cause).field())) {
            return Status.PEER_DISCONNECTED; // input ended inside a frame: the peer went away mid-message (D8)
        }
        if (cause instanceof DecoderException) {
            return Status.RECV_FAILED;
        }
        if (cause instanceof IOException) {
            return Status.PEER_DISCONNECTED; // reset, broken pipe: tofu closes with RST, so this is its normal close
        }
        return Status.COMMUNICATION_FAILED;
    }
}
