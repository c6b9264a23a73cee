package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.util.internal.ObjectUtil;

/**
 * One tofu message: the fields of the 16-byte binary header, text headers and a body (spec §2-§7).
 *
 * <p><b>Reference counting.</b> The message is a {@link ByteBufHolder} whose reference count is the body's
 * ({@link #content()} is {@link #body()}). A message from {@link TofuFrameDecoder} has a body that is a retained
 * slice of the received bytes and headers that view the bytes just before it, kept alive by the body's reference,
 * so releasing the message releases both; its {@link #headers()} must not be used after that. Local headers live on the heap and are not reference counted.
 * Whoever receives a message releases it, as with any Netty message; {@link TofuFrameEncoder} releases what it
 * writes.
 *
 * <p><b>Raw fields.</b> For a received message {@link #origin()} is always {@link Origin#APPLICATION} and
 * {@link #status()} always {@link Status#SUCCESS}: a wire frame must never look like a local engine notification
 * (spec D5). The received proto and status bytes are kept for diagnostics in {@link #rawProto()} and
 * {@link #rawStatus()}. {@link #channelNumber()} is what the peer sent, which means nothing locally (spec D6).
 *
 * <p>Not thread-safe; hand a message to one thread at a time.
 */
public final class TofuMessage implements ByteBufHolder {
    private int channelNumber;
    private OpCode opCode;
    private Origin origin = Origin.APPLICATION;
    private boolean more;
    private Status status = Status.SUCCESS;
    private int rawStatus;
    /** The proto byte as received, or -1 for a message built locally. */
    private int receivedProto = -1;
    private long messageId;
    private final TextHeaders headers;
    private final ByteBuf body;

    private TofuMessage(OpCode opCode, TextHeaders headers, ByteBuf body) {
        this.opCode = opCode;
        this.headers = headers;
        this.body = body;
    }

    /** A message with empty headers, an empty body (growable up to 65535 bytes), id 0 and channel 0. */
    public static TofuMessage create(OpCode op) {
        ObjectUtil.checkNotNull(op, "op");
        return new TofuMessage(op, new TextHeaders(), emptyBody());
    }

    /**
     * A message with the given headers and body; id 0 and channel 0. The message takes ownership of {@code body}
     * (it is released with the message) and uses {@code headers} itself, not a copy, except that headers wrapping
     * a buffer ({@link TextHeaders#wrap}) are first copied to the heap, because the message does not own that
     * buffer.
     */
    public static TofuMessage create(OpCode op, TextHeaders headers, ByteBuf body) {
        ObjectUtil.checkNotNull(op, "op");
        ObjectUtil.checkNotNull(headers, "headers");
        ObjectUtil.checkNotNull(body, "body");
        return new TofuMessage(op, headers.isWrapped() ? headers.copy() : headers, body);
    }

    /**
     * A received message; {@code headers} may wrap bytes kept alive by {@code body}'s reference count.
     * Origin and status stay at APPLICATION/SUCCESS (spec D5).
     */
    static TofuMessage received(int channelNumber, int proto, int rawStatus, long messageId, OpCode opCode,
                                TextHeaders headers, ByteBuf body) {
        TofuMessage m = new TofuMessage(opCode, headers, body);
        m.channelNumber = channelNumber;
        m.receivedProto = proto;
        m.more = (proto & TofuHeaderCodec.MORE_BIT) != 0;
        m.rawStatus = rawStatus;
        m.messageId = messageId;
        return m;
    }

    /** A fresh empty body with its own reference count (Unpooled.EMPTY_BUFFER never reaches 0). */
    static ByteBuf emptyBody() {
        return new UnpooledHeapByteBuf(UnpooledByteBufAllocator.DEFAULT, 0, TofuHeaderCodec.MAX_LENGTH);
    }

    /** The channel number, 0-65535. For a received message: the peer's number, as on the wire. */
    public int channelNumber() {
        return channelNumber;
    }

    public OpCode opCode() {
        return opCode;
    }

    /** {@link Origin#ENGINE} marks a local notification; never set on a received message. */
    public Origin origin() {
        return origin;
    }

    /** Whether more frames with the same message id follow (only for opcodes 0-2). */
    public boolean more() {
        return more;
    }

    /** The status; {@link Status#SUCCESS} for a received message (spec D5). */
    public Status status() {
        return status;
    }

    /**
     * The status as a number: the byte received on the wire for a received message (diagnostics only), otherwise
     * {@code status().code()}.
     */
    public int rawStatus() {
        return rawStatus;
    }

    /**
     * The proto byte: as received (including bits 4, 6 and 7, diagnostics only) for a received message, otherwise
     * computed from opcode, origin and more.
     */
    public int rawProto() {
        return receivedProto >= 0 ? receivedProto : TofuHeaderCodec.proto(opCode, origin, more);
    }

    /** The message id, a u64 held in a long: compare with {@link Long#compareUnsigned}, print with
     * {@link Long#toUnsignedString}. */
    public long messageId() {
        return messageId;
    }

    /** The text headers; for a received message valid until the message is released. */
    public TextHeaders headers() {
        return headers;
    }

    /** The body; the same buffer as {@link #content()}. */
    public ByteBuf body() {
        return content();
    }

    /** @throws IllegalArgumentException if {@code channelNumber} is not 0-65535 */
    public TofuMessage channelNumber(int channelNumber) {
        if (channelNumber < 0 || channelNumber > 0xFFFF) {
            throw new IllegalArgumentException("channel number " + channelNumber + " is not a u16 (0-65535)");
        }
        this.channelNumber = channelNumber;
        return this;
    }

    public TofuMessage opCode(OpCode opCode) {
        this.opCode = ObjectUtil.checkNotNull(opCode, "opCode");
        receivedProto = -1;
        return this;
    }

    public TofuMessage origin(Origin origin) {
        this.origin = ObjectUtil.checkNotNull(origin, "origin");
        receivedProto = -1;
        return this;
    }

    public TofuMessage more(boolean more) {
        this.more = more;
        receivedProto = -1;
        return this;
    }

    /** Sets the status and {@link #rawStatus()} to its code. */
    public TofuMessage status(Status status) {
        this.status = ObjectUtil.checkNotNull(status, "status");
        this.rawStatus = status.code();
        return this;
    }

    /** Sets the message id, a u64 held in a long. */
    public TofuMessage messageId(long messageId) {
        this.messageId = messageId;
        return this;
    }

    /**
     * A new, independent message with the same binary fields (channel, opcode, origin, more, status, raw status,
     * id) and empty headers and body; like the header copy tofu's {@code post} returns.
     */
    public TofuMessage copyHeader() {
        return copyFieldsTo(new TofuMessage(opCode, new TextHeaders(), emptyBody()));
    }

    private TofuMessage copyFieldsTo(TofuMessage m) {
        m.channelNumber = channelNumber;
        m.origin = origin;
        m.more = more;
        m.status = status;
        m.rawStatus = rawStatus;
        m.receivedProto = receivedProto;
        m.messageId = messageId;
        return m;
    }

    @Override
    public ByteBuf content() {
        return ByteBufUtil.ensureAccessible(body);
    }

    /** A deep copy: body copied, headers copied to the heap (byte-exact). */
    @Override
    public TofuMessage copy() {
        return replace(body.copy());
    }

    /** Shares the body and its reference count; the headers share their bytes too. */
    @Override
    public TofuMessage duplicate() {
        return copyFieldsTo(new TofuMessage(opCode, headers.duplicate(), body.duplicate()));
    }

    /** Like {@link #duplicate()} but retains the body (and so the headers' wire bytes). */
    @Override
    public TofuMessage retainedDuplicate() {
        return copyFieldsTo(new TofuMessage(opCode, headers.duplicate(), body.retainedDuplicate()));
    }

    /**
     * A message with the same fields and the given body (owned by the new message); the headers are copied to the
     * heap because {@code content} need not keep this message's wire bytes alive.
     */
    @Override
    public TofuMessage replace(ByteBuf content) {
        ObjectUtil.checkNotNull(content, "content");
        return copyFieldsTo(new TofuMessage(opCode, headers.copy(), content));
    }

    @Override
    public int refCnt() {
        return body.refCnt();
    }

    @Override
    public TofuMessage retain() {
        body.retain();
        return this;
    }

    @Override
    public TofuMessage retain(int increment) {
        body.retain(increment);
        return this;
    }

    @Override
    public TofuMessage touch() {
        body.touch();
        return this;
    }

    @Override
    public TofuMessage touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return body.release();
    }

    @Override
    public boolean release(int decrement) {
        return body.release(decrement);
    }

    /** The fields and the lengths of headers and body; never their bytes. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(128).append("TofuMessage(")
                .append(opCode.tofuName())
                .append(", channel ").append(channelNumber)
                .append(", id ").append(Long.toUnsignedString(messageId))
                .append(", more ").append(more)
                .append(", origin ").append(origin)
                .append(", status ").append(status.tofuName());
        if (receivedProto >= 0) {
            sb.append(", raw proto 0x").append(Integer.toHexString(receivedProto))
              .append(", raw status ").append(rawStatus);
        }
        sb.append(", thl ").append(headers.encodedLength())
          .append(", bl ").append(body.readableBytes());
        if (body.refCnt() == 0) {
            sb.append(", released");
        }
        return sb.append(')').toString();
    }
}
