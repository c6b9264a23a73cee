package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.EncoderException;
import io.netty.util.concurrent.PromiseCombiner;

import static io.tofunetty.codec.TofuHeaderCodec.HEADER_LENGTH;
import static io.tofunetty.codec.TofuHeaderCodec.MAX_LENGTH;
import static io.tofunetty.codec.TofuHeaderCodec.MORE_BIT;

/**
 * Encodes {@link TofuMessage}s as tofu frames (spec §3, rules E1-E9).
 *
 * <p>Output: one buffer with the 16-byte header and the text headers, then the body as a retained slice of the
 * message's body, so the body is never copied; the transport writes both with one gathering write. Bodies of at
 * most {@value #COPY_BODY_THRESHOLD} bytes are copied into the header buffer instead, because one small buffer is
 * cheaper to write than two (Netty's HTTP encoder does the same). Other messages pass through unchanged.
 *
 * <p>A plain outbound handler rather than a {@code MessageToMessageEncoder}: it writes its one or two buffers
 * directly, without an intermediate output list, which is measurably cheaper for small frames.
 *
 * <p>On the wire: proto = opcode | more &lt;&lt; 5 with bits 4, 6 and 7 zero, and status 0, whatever the message
 * says (E1, E2); thl and bl are the actual lengths (E3).
 *
 * <p>A message breaking a rule fails its write with an {@link EncoderException} naming the problem, is released,
 * and the connection stays open: opcode 8 or 9 (local commands); headers or body longer than the limit (65535, or
 * the configured one); {@code more} on opcodes 3-7 (E6); message id 0 on a response (E5); channel number 0 or 65535
 * (E4); any write after a bye-type frame (5, 6, 7) was encoded on this connection (E9). The frame rules are
 * {@link FrameRules}'s, shared with the decoder and the engine.
 *
 * <p>One instance per channel (it remembers whether a bye-type frame was written).
 */
public class TofuFrameEncoder extends ChannelOutboundHandlerAdapter {
    /** Bodies up to this many bytes are copied next to the header instead of written as a separate buffer. */
    public static final int COPY_BODY_THRESHOLD = 128;

    private final FrameLimits limits;
    private OpCode byeSent;

    /** tofu's limits: text headers and body up to 65535 bytes each. */
    public TofuFrameEncoder() {
        this(MAX_LENGTH, MAX_LENGTH);
    }

    /**
     * Tighter limits.
     *
     * @param maxHeadersLength largest text-headers length to send, 0-65535
     * @param maxBodyLength    largest body length to send, 0-65535
     */
    public TofuFrameEncoder(int maxHeadersLength, int maxBodyLength) {
        limits = new FrameLimits(maxHeadersLength, maxBodyLength);
    }

    /** The largest text-headers length this handler accepts (0-65535). */
    public int maxHeadersLength() {
        return limits.maxHeadersLength;
    }

    /** The largest body length this handler accepts. */
    public int maxBodyLength() {
        return limits.maxBodyLength;
    }

    /** Whether a bye-type frame has been encoded, after which every write fails (E9). */
    public boolean byeSent() {
        return byeSent != null;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof TofuMessage)) {
            ctx.write(msg, promise);
            return;
        }
        TofuMessage message = (TofuMessage) msg;
        ByteBuf frame = null;
        ByteBuf separateBody = null;
        try {
            OpCode op = message.opCode();
            TextHeaders headers = message.headers();
            ByteBuf body = message.body();
            int thl = headers.encodedLength();
            int bl = body.readableBytes();
            validate(message, op, thl, bl);

            boolean copyBody = bl <= COPY_BODY_THRESHOLD;
            frame = ctx.alloc().ioBuffer(HEADER_LENGTH + thl + (copyBody ? bl : 0));
            TofuHeaderCodec.writeHeader(frame, message.channelNumber(),
                    op.wireValue() | (message.more() ? MORE_BIT : 0), 0, message.messageId(), thl, bl);
            headers.encode(frame);
            if (copyBody) {
                frame.writeBytes(body, body.readerIndex(), bl);
            } else {
                separateBody = body.retainedSlice();
            }
            if (op.isBye()) {
                byeSent = op;
            }
        } catch (Throwable t) {
            if (frame != null) {
                frame.release();
            }
            promise.tryFailure(t instanceof EncoderException ? t : new EncoderException(t));
            return;
        } finally {
            message.release();
        }
        if (separateBody == null) {
            ctx.write(frame, promise);
        } else if (promise.isVoid()) {
            ctx.write(frame, promise);
            ctx.write(separateBody, promise);
        } else {
            PromiseCombiner combiner = new PromiseCombiner(ctx.executor());
            combiner.add(ctx.write(frame));
            combiner.add(ctx.write(separateBody));
            combiner.finish(promise);
        }
    }

    private void validate(TofuMessage msg, OpCode op, int thl, int bl) {
        if (byeSent != null) {
            throw new EncoderException("a " + byeSent.tofuName() + " was already written on this connection; "
                    + "nothing may follow a bye-type frame (refused " + msg + ")");
        }
        FrameRules.Rule broken = FrameRules.opCode(op);
        if (broken == null) {
            broken = limits.check(thl, bl);
        }
        if (broken == null) {
            broken = FrameRules.more(op, msg.more());
        }
        if (broken == null) {
            broken = FrameRules.messageId(op, msg.messageId());
        }
        if (broken == null) {
            broken = FrameRules.channelNumber(msg.channelNumber());
        }
        if (broken != null) {
            throw new EncoderException(refusal(broken, msg, op, thl, bl));
        }
    }

    private String refusal(FrameRules.Rule broken, TofuMessage msg, OpCode op, int thl, int bl) {
        switch (broken) {
            case LOCAL_OPCODE:
                return "tofu opcode " + op.wireValue() + " (" + op.tofuName()
                        + ") is a local command and never goes on the wire";
            case HEADERS_TOO_LONG:
                return "text headers of " + thl + " bytes exceed the limit of " + limits.maxHeadersLength
                        + " bytes (maxHeadersLength" + (limits.maxHeadersLength == MAX_LENGTH ? ", tofu's u16 thl" : "")
                        + ")";
            case BODY_TOO_LONG:
                return "a body of " + bl + " bytes exceeds the limit of " + limits.maxBodyLength
                        + " bytes (maxBodyLength" + (limits.maxBodyLength == MAX_LENGTH ? ", tofu's u16 bl" : "") + ")";
            case MORE_NOT_ALLOWED:
                return "more=1 on " + op.tofuName() + "; only Request, Response and Signal may have more frames";
            case RESPONSE_WITHOUT_ID:
                return "message id 0 on " + op.tofuName() + "; a response carries its request's id";
            case RESERVED_CHANNEL_NUMBER:
                return "channel number " + msg.channelNumber() + " on " + op.tofuName()
                        + "; frames carry the local channel number, never 0 or 65535";
            default:
                throw new IllegalStateException("the encoder does not check " + broken);
        }
    }
}
