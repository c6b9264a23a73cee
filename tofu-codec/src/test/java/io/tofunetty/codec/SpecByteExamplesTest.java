package io.tofunetty.codec;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static io.tofunetty.codec.Wire.ascii;
import static io.tofunetty.codec.Wire.bytes;
import static io.tofunetty.codec.Wire.concat;
import static io.tofunetty.codec.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;

/** The worked byte examples of the spec (§8), decoded and encoded back. */
class SpecByteExamplesTest {
    private static final byte[] HEADER_VECTOR = hex("12 34 00 ff aa bb cc dd ee ff 00 11 56 78 9a bc");

    private static final byte[] REQUEST_29 = hex(
            "77 7e 00 00 00 00 00 00 00 00 03 e9 00 07 00 06 73 65 71 3a 31 0d 0a 70 69 6e 67 2d 31");

    private static final byte[] HELLO_REQUEST = concat(
            hex("77 7e 03 00 00 00 00 00 00 00 00 01 00 2e 00 00"),
            ascii("~connect_to:tcp|127.0.0.1|17101\r\nx-peer:tofu\r\n"));

    @Test
    void headerVectorRoundTripsByteExactThroughTheRawHeaderCodec() {
        TofuHeaderCodec.RawHeader header = TofuHeaderCodec.RawHeader.decode(Unpooled.wrappedBuffer(HEADER_VECTOR));

        assertThat(header).isEqualTo(new TofuHeaderCodec.RawHeader(
                0x1234, 0x00, 0xFF, 0xAABBCCDDEEFF0011L, 0x5678, 0x9ABC));
        assertThat(header.opCodeBits()).isZero();
        var out = Unpooled.buffer(16);
        header.encode(out);
        assertThat(bytes(out)).isEqualTo(HEADER_VECTOR);
    }

    @Test
    void headerVectorFrameDecodesToItsFieldsWithTheStatusByteKeptOnlyAsRaw() {
        byte[] frame = concat(HEADER_VECTOR, new byte[0x5678 + 0x9ABC]);
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        TofuMessage msg = channel.readInbound();
        try {
            assertThat(msg.channelNumber()).isEqualTo(0x1234);
            assertThat(msg.opCode()).isEqualTo(OpCode.REQUEST);
            assertThat(msg.more()).isFalse();
            assertThat(msg.origin()).isEqualTo(Origin.APPLICATION);
            assertThat(msg.rawStatus()).isEqualTo(0xFF);
            assertThat(msg.status()).isEqualTo(Status.SUCCESS); // D5: the wire status byte is ignored
            assertThat(msg.messageId()).isEqualTo(0xAABBCCDDEEFF0011L);
            assertThat(msg.headers().encodedLength()).isEqualTo(0x5678);
            assertThat(msg.body().readableBytes()).isEqualTo(0x9ABC);
        } finally {
            msg.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void headerVectorFrameReEncodesIdenticallyExceptTheStatusByteWhichTheEncoderWritesAsZero() {
        byte[] frame = concat(HEADER_VECTOR, new byte[0x5678 + 0x9ABC]);
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        TofuMessage msg = channel.readInbound();
        channel.finishAndReleaseAll();

        byte[] encoded = Wire.encode(msg);

        byte[] expected = frame.clone();
        expected[3] = 0; // E2: status always 0 on the wire
        assertThat(encoded).isEqualTo(expected);
    }

    @Test
    void request29BytesDecodesToTheStatedFields() {
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(REQUEST_29));
        TofuMessage msg = channel.readInbound();
        try {
            assertThat(msg.channelNumber()).isEqualTo(30590);
            assertThat(msg.opCode()).isEqualTo(OpCode.REQUEST);
            assertThat(msg.rawProto()).isZero();
            assertThat(msg.messageId()).isEqualTo(1001);
            assertThat(msg.headers().get("seq")).isEqualTo("1");
            assertThat(msg.headers().size()).isEqualTo(1);
            assertThat(msg.body().toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ping-1");
        } finally {
            msg.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void request29BytesIsWhatTheEncoderWritesForTheSameMessage() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("seq", "1"),
                        Unpooled.copiedBuffer(ascii("ping-1")))
                .channelNumber(30590).messageId(1001);

        assertThat(Wire.encode(msg)).isEqualTo(REQUEST_29);
    }

    @Test
    void request29BytesDecodedAndEncodedAgainAreIdentical() {
        assertThat(decodeAndEncode(REQUEST_29)).isEqualTo(REQUEST_29);
    }

    @Test
    void helloRequestFirstFrameDecodesToTheStatedFields() {
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(HELLO_REQUEST));
        TofuMessage msg = channel.readInbound();
        try {
            assertThat(msg.channelNumber()).isEqualTo(30590);
            assertThat(msg.opCode()).isEqualTo(OpCode.HELLO_REQUEST);
            assertThat(msg.messageId()).isEqualTo(1);
            assertThat(msg.headers().encodedLength()).isEqualTo(46);
            assertThat(msg.headers().get("~connect_to")).isEqualTo("tcp|127.0.0.1|17101");
            assertThat(msg.headers().get("x-peer")).isEqualTo("tofu");
            assertThat(msg.body().isReadable()).isFalse();
        } finally {
            msg.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void helloRequestFirstFrameIsWhatTheEncoderWritesForTheSameMessage() {
        TofuMessage msg = TofuMessage.create(OpCode.HELLO_REQUEST,
                        new TextHeaders().add("~connect_to", "tcp|127.0.0.1|17101").add("x-peer", "tofu"),
                        Unpooled.buffer(0))
                .channelNumber(30590).messageId(1);

        assertThat(Wire.encode(msg)).isEqualTo(HELLO_REQUEST);
        assertThat(decodeAndEncode(HELLO_REQUEST)).isEqualTo(HELLO_REQUEST);
    }

    private static byte[] decodeAndEncode(byte[] frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder());
        channel.writeInbound(Unpooled.wrappedBuffer(frame));
        TofuMessage msg = channel.readInbound();
        channel.finishAndReleaseAll();
        return Wire.encode(msg);
    }
}
