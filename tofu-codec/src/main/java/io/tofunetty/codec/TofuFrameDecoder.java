package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.util.List;

import static io.tofunetty.codec.TofuHeaderCodec.HEADER_LENGTH;
import static io.tofunetty.codec.TofuHeaderCodec.MAX_LENGTH;
import static io.tofunetty.codec.TofuHeaderCodec.MORE_BIT;
import static io.tofunetty.codec.TofuHeaderCodec.OPCODE_MASK;

/**
 * Decodes tofu frames into {@link TofuMessage}s (spec §2-§7, rules D1-D9).
 *
 * <p>A frame is 16 header bytes, then {@code thl} bytes of text headers, then {@code bl} bytes of body. The header
 * is validated as soon as its 16 bytes are in, so a bad frame fails before its payload arrives. Nothing is copied:
 * the body of a decoded message is a retained slice of the input and its headers a view of the bytes just before
 * it, kept alive by the body's reference; the receiver releases the message.
 *
 * <p>Decoded messages carry the channel number from the wire (the handler layer stamps its own, D6), origin
 * {@link Origin#APPLICATION} and status {@link Status#SUCCESS}, with the received proto and status bytes kept in
 * {@link TofuMessage#rawProto()} / {@link TofuMessage#rawStatus()} (D5).
 *
 * <p>Errors, each a {@link TofuProtocolException} naming the field and value:
 * opcode 10-15 (D2) or 8/9 (D3) ({@code "opcode"}); {@code more=1} on opcodes 3-7 ({@code "more"}); message id 0
 * on Response, HelloResponse or ByeResponse ({@code "messageId"}); {@code thl} or {@code bl} above the configured
 * maximum ({@code "thl"}, {@code "bl"}); input ending inside a frame ({@code "frame"}, value = missing bytes).
 * Frames decoded before the error are delivered first; then the exception is fired, the channel is closed and
 * any further input is discarded. Id 0 on other opcodes is accepted and logged at debug level (D7). The frame
 * rules are {@link FrameRules}'s, shared with the encoder and the engine.
 *
 * <p>One instance per channel.
 */
public class TofuFrameDecoder extends ByteToMessageDecoder {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(TofuFrameDecoder.class);
    private static final OpCode[] OPCODES = OpCode.values();

    private final FrameLimits limits;
    /** Set once a protocol error was found; all later input is discarded. */
    private boolean failed;
    /** The exception thrown from decode, recognised in {@link #exceptionCaught} to close the channel. */
    private TofuProtocolException thrown;
    /** Length of the frame whose header was validated, or -1 while waiting for a header. */
    private int frameLength = -1;
    private long headerHi;
    private long headerLo;
    private OpCode frameOpCode;

    /** tofu's limits: text headers and body up to 65535 bytes each (frames up to 131086 bytes). */
    public TofuFrameDecoder() {
        this(MAX_LENGTH, MAX_LENGTH);
    }

    /**
     * Tighter limits, for example a smaller maximum body for a server.
     *
     * @param maxHeadersLength largest accepted {@code thl}, 0-65535
     * @param maxBodyLength    largest accepted {@code bl}, 0-65535
     */
    public TofuFrameDecoder(int maxHeadersLength, int maxBodyLength) {
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

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // Decode every complete frame in the input at once; callDecode would otherwise call back per frame.
        while (true) {
            int h = in.readerIndex();
            if (frameLength < 0) {
                if (in.readableBytes() < HEADER_LENGTH) {
                    return;
                }
                // Read and validate the header once per frame, even when its payload arrives in many reads.
                headerHi = in.getLong(h);
                headerLo = in.getLong(h + 8);
                frameOpCode = validate(in, headerHi, headerLo);
                frameLength = HEADER_LENGTH + TofuHeaderCodec.headersLength(headerLo)
                        + TofuHeaderCodec.bodyLength(headerLo);
            }
            if (in.readableBytes() < frameLength) {
                return;
            }
            int thl = TofuHeaderCodec.headersLength(headerLo);
            int payload = frameLength - HEADER_LENGTH;
            TextHeaders headers;
            ByteBuf body;
            if (payload == 0) {
                headers = new TextHeaders();
                body = TofuMessage.emptyBody();
            } else {
                // The body is a retained slice of the input, which keeps the input's memory alive; the headers
                // are a view of the bytes just before it in the same memory. So the message's reference count
                // covers both, with one derived buffer per frame.
                body = in.retainedSlice(h + HEADER_LENGTH + thl, payload - thl);
                headers = thl == 0 ? new TextHeaders() : TextHeaders.wrap(in, h + HEADER_LENGTH, thl);
            }
            in.readerIndex(h + frameLength);
            frameLength = -1;
            out.add(TofuMessage.received(TofuHeaderCodec.channelNumber(headerHi), TofuHeaderCodec.proto(headerHi),
                    TofuHeaderCodec.status(headerHi), TofuHeaderCodec.messageId(headerHi, headerLo), frameOpCode,
                    headers, body));
        }
    }

    private OpCode validate(ByteBuf in, long hi, long lo) {
        int proto = TofuHeaderCodec.proto(hi);
        long messageId = TofuHeaderCodec.messageId(hi, lo);
        int thl = TofuHeaderCodec.headersLength(lo);
        int bl = TofuHeaderCodec.bodyLength(lo);
        int op = proto & OPCODE_MASK;
        OpCode opCode = null;
        FrameRules.Rule broken = FrameRules.opCode(op);
        if (broken == null) {
            opCode = OPCODES[op];
            broken = FrameRules.more(opCode, (proto & MORE_BIT) != 0);
        }
        if (broken == null) {
            broken = FrameRules.messageId(opCode, messageId);
            if (broken == null && messageId == 0 && logger.isDebugEnabled()) {
                logger.debug("tofu frame with message id 0 (opcode {}); tofu never sends that", opCode.tofuName());
            }
        }
        if (broken == null) {
            broken = limits.check(thl, bl);
        }
        if (broken != null) {
            throw fail(in, broken, op, proto, thl, bl);
        }
        return opCode;
    }

    /** Marks the decoder failed and describes the broken rule with the received value. */
    private TofuProtocolException fail(ByteBuf in, FrameRules.Rule broken, int op, int proto, int thl, int bl) {
        String name = op < OPCODES.length ? OPCODES[op].tofuName() : null;
        switch (broken) {
            case UNDEFINED_OPCODE:
                return fail(in, broken.field(), op, "invalid tofu opcode " + op + " (proto byte 0x"
                        + Integer.toHexString(proto) + "); tofu defines 0-9 and sends 0-7");
            case LOCAL_OPCODE:
                return fail(in, broken.field(), op, "tofu opcode " + op + " (" + name
                        + ") is a local command in tofu and must not come from the wire");
            case MORE_NOT_ALLOWED:
                return fail(in, broken.field(), 1, "more=1 on opcode " + op + " (" + name
                        + "); only Request, Response and Signal may have more frames");
            case RESPONSE_WITHOUT_ID:
                return fail(in, broken.field(), 0, "message id 0 on opcode " + op + " (" + name
                        + "); a response must carry its request's id");
            case HEADERS_TOO_LONG:
                return fail(in, broken.field(), thl, "text headers length (thl) " + thl + " exceeds the limit of "
                        + limits.maxHeadersLength + " bytes (maxHeadersLength)");
            case BODY_TOO_LONG:
                return fail(in, broken.field(), bl, "body length (bl) " + bl + " exceeds the limit of "
                        + limits.maxBodyLength + " bytes (maxBodyLength)");
            default:
                throw new IllegalStateException("the decoder does not check " + broken);
        }
    }

    private TofuProtocolException fail(ByteBuf in, String field, long value, String message) {
        failed = true;
        in.skipBytes(in.readableBytes());
        thrown = new TofuProtocolException(field, value, message);
        return thrown;
    }

    /** At end of input: a partial frame is an error, reported before the channel goes inactive (not dropped). */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.isReadable()) {
            decode(ctx, in, out);
        }
        if (!in.isReadable() || failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int received = in.readableBytes();
        int expected = received < HEADER_LENGTH ? HEADER_LENGTH
                : HEADER_LENGTH + TofuHeaderCodec.headersLength(in, in.readerIndex())
                        + TofuHeaderCodec.bodyLength(in, in.readerIndex());
        String what = received < HEADER_LENGTH ? "header" : "frame";
        failed = true;
        in.skipBytes(received);
        // Fired here, not thrown, so that it arrives before channelInactive.
        ctx.fireExceptionCaught(new TofuProtocolException("frame", expected - received,
                "input ended inside a tofu " + what + ": " + received + " of " + expected + " bytes received, "
                        + (expected - received) + " missing"));
        ctx.close();
    }

    /** Fires a protocol error this decoder threw, then closes the channel; passes anything else on. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause != null && cause == thrown) {
            thrown = null;
            ctx.fireExceptionCaught(cause);
            ctx.close();
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }
}
