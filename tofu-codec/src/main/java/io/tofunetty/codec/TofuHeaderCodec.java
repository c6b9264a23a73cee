package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;

/**
 * tofu's 16-byte binary header, field by field, without any validation (spec §3). It round-trips every 16-byte
 * sequence exactly, which the frame encoder deliberately does not do (it writes the status byte and bits 4, 6, 7 of
 * the proto byte as 0, spec E1/E2). Use it for diagnostics and tests; use {@link TofuFrameEncoder} and
 * {@link TofuFrameDecoder} on a channel.
 *
 * <pre>
 * offset 0  u16 channel_number   offset 2 u8 proto   offset 3 u8 status
 * offset 4  u64 message_id       offset 12 u16 thl   offset 14 u16 bl      (all big-endian)
 * </pre>
 */
public final class TofuHeaderCodec {
    /** Size of the binary header in bytes. */
    public static final int HEADER_LENGTH = 16;
    /** Largest text-header length and largest body length (u16). */
    public static final int MAX_LENGTH = 0xFFFF;
    /** Largest frame: 16 + 65535 + 65535 bytes. */
    public static final int MAX_FRAME_LENGTH = HEADER_LENGTH + 2 * MAX_LENGTH;

    static final int OPCODE_MASK = 0x0F;
    static final int ORIGIN_BIT = 0x10;
    static final int MORE_BIT = 0x20;

    private TofuHeaderCodec() {
    }

    /**
     * The raw fields of one binary header. Each field holds the unsigned value that was on the wire
     * ({@code messageId} is a u64 held in a long: compare it with {@link Long#compareUnsigned}).
     */
    public record RawHeader(int channelNumber, int proto, int status, long messageId, int headersLength,
                            int bodyLength) {
        public RawHeader {
            checkU16("channelNumber", channelNumber);
            checkU8("proto", proto);
            checkU8("status", status);
            checkU16("headersLength", headersLength);
            checkU16("bodyLength", bodyLength);
        }

        /** The opcode bits (0-15; 10-15 are invalid in tofu). */
        public int opCodeBits() {
            return proto & OPCODE_MASK;
        }

        public boolean originBit() {
            return (proto & ORIGIN_BIT) != 0;
        }

        public boolean moreBit() {
            return (proto & MORE_BIT) != 0;
        }

        /** Writes the 16 bytes at the writer index of {@code out}. */
        public void encode(ByteBuf out) {
            writeHeader(out, channelNumber, proto, status, messageId, headersLength, bodyLength);
        }

        /** Reads 16 bytes from the reader index of {@code in} and advances it. */
        public static RawHeader decode(ByteBuf in) {
            RawHeader header = get(in, in.readerIndex());
            in.skipBytes(HEADER_LENGTH);
            return header;
        }

        /** Reads 16 bytes at absolute {@code index} of {@code in}; indexes are not changed. */
        public static RawHeader get(ByteBuf in, int index) {
            if (index < 0 || in.writerIndex() - index < HEADER_LENGTH) {
                throw new IndexOutOfBoundsException("a tofu header needs 16 bytes at index " + index
                        + ", the buffer has " + (in.writerIndex() - index));
            }
            return new RawHeader(TofuHeaderCodec.channelNumber(in, index), TofuHeaderCodec.proto(in, index),
                    TofuHeaderCodec.status(in, index), TofuHeaderCodec.messageId(in, index),
                    TofuHeaderCodec.headersLength(in, index), TofuHeaderCodec.bodyLength(in, index));
        }
    }

    /** Writes the 16-byte header at the writer index of {@code out}. */
    public static void writeHeader(ByteBuf out, int channelNumber, int proto, int status, long messageId,
                                   int headersLength, int bodyLength) {
        // Two 8-byte writes instead of six small ones: fewer bounds checks on the hot path.
        out.writeLong((long) (channelNumber & 0xFFFF) << 48 | (long) (proto & 0xFF) << 40
                | (long) (status & 0xFF) << 32 | messageId >>> 32);
        out.writeLong(messageId << 32 | (long) (headersLength & 0xFFFF) << 16 | (bodyLength & 0xFFFF));
    }

    // The header read as two big-endian longs: hi = channel|proto|status|id[0..3], lo = id[4..7]|thl|bl.

    static int channelNumber(long hi) {
        return (int) (hi >>> 48);
    }

    static int proto(long hi) {
        return (int) (hi >>> 40) & 0xFF;
    }

    static int status(long hi) {
        return (int) (hi >>> 32) & 0xFF;
    }

    static long messageId(long hi, long lo) {
        return hi << 32 | lo >>> 32;
    }

    static int headersLength(long lo) {
        return (int) (lo >>> 16) & 0xFFFF;
    }

    static int bodyLength(long lo) {
        return (int) lo & 0xFFFF;
    }

    /** The proto byte for the given fields (bits 6 and 7 zero). */
    public static int proto(OpCode opCode, Origin origin, boolean more) {
        return opCode.wireValue() | (origin == Origin.ENGINE ? ORIGIN_BIT : 0) | (more ? MORE_BIT : 0);
    }

    public static int channelNumber(ByteBuf in, int headerIndex) {
        return in.getUnsignedShort(headerIndex);
    }

    public static int proto(ByteBuf in, int headerIndex) {
        return in.getUnsignedByte(headerIndex + 2);
    }

    public static int status(ByteBuf in, int headerIndex) {
        return in.getUnsignedByte(headerIndex + 3);
    }

    public static long messageId(ByteBuf in, int headerIndex) {
        return in.getLong(headerIndex + 4);
    }

    public static int headersLength(ByteBuf in, int headerIndex) {
        return in.getUnsignedShort(headerIndex + 12);
    }

    public static int bodyLength(ByteBuf in, int headerIndex) {
        return in.getUnsignedShort(headerIndex + 14);
    }

    private static void checkU16(String name, int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(name + " " + v + " is not a u16 (0-65535)");
        }
    }

    private static void checkU8(String name, int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException(name + " " + v + " is not a u8 (0-255)");
        }
    }
}
