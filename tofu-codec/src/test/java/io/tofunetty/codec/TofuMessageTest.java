package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.tofunetty.codec.Wire.ascii;
import static io.tofunetty.codec.Wire.bytes;
import static io.tofunetty.codec.Wire.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The message object: fields, reference counting and the ByteBufHolder operations. */
class TofuMessageTest {

    @Test
    void createGivesEmptyHeadersAnEmptyBodyIdZeroAndChannelZero() {
        TofuMessage m = TofuMessage.create(OpCode.HELLO_REQUEST);

        assertThat(m.opCode()).isEqualTo(OpCode.HELLO_REQUEST);
        assertThat(m.channelNumber()).isZero();
        assertThat(m.messageId()).isZero();
        assertThat(m.more()).isFalse();
        assertThat(m.origin()).isEqualTo(Origin.APPLICATION);
        assertThat(m.status()).isEqualTo(Status.SUCCESS);
        assertThat(m.rawStatus()).isZero();
        assertThat(m.rawProto()).isEqualTo(3);
        assertThat(m.headers().isEmpty()).isTrue();
        assertThat(m.body().readableBytes()).isZero();
        assertThat(m.body()).isSameAs(m.content());
        assertThat(m.release()).isTrue();
    }

    @Test
    void theEmptyBodyOfCreateIsWritableUpTo65535Bytes() {
        TofuMessage m = TofuMessage.create(OpCode.REQUEST);
        m.body().writeCharSequence("hi", StandardCharsets.US_ASCII);

        assertThat(m.body().toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
        assertThatThrownBy(() -> m.body().writeZero(65534)).isInstanceOf(IndexOutOfBoundsException.class);
        m.release();
    }

    @Test
    void fluentSettersSetEachField() {
        TofuMessage m = TofuMessage.create(OpCode.REQUEST)
                .channelNumber(65535).opCode(OpCode.SIGNAL).origin(Origin.ENGINE).more(true)
                .status(Status.CHANNEL_CLOSED).messageId(-2L);

        assertThat(m.channelNumber()).isEqualTo(65535);
        assertThat(m.opCode()).isEqualTo(OpCode.SIGNAL);
        assertThat(m.origin()).isEqualTo(Origin.ENGINE);
        assertThat(m.more()).isTrue();
        assertThat(m.status()).isEqualTo(Status.CHANNEL_CLOSED);
        assertThat(m.rawStatus()).isEqualTo(22);
        assertThat(m.rawProto()).isEqualTo(0x32);
        assertThat(Long.toUnsignedString(m.messageId())).isEqualTo("18446744073709551614");
        m.release();
    }

    @Test
    void channelNumberOutsideU16IsRejectedNamingTheValue() {
        TofuMessage m = TofuMessage.create(OpCode.REQUEST);
        assertThatThrownBy(() -> m.channelNumber(65536)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel number 65536");
        assertThatThrownBy(() -> m.channelNumber(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel number -1");
        m.release();
    }

    @Test
    void takesOwnershipOfTheBody() {
        ByteBuf body = Unpooled.buffer().writeBytes(ascii("x"));
        TofuMessage m = TofuMessage.create(OpCode.REQUEST, new TextHeaders(), body);

        assertThat(m.refCnt()).isEqualTo(1);
        m.retain();
        assertThat(body.refCnt()).isEqualTo(2);
        assertThat(m.release()).isFalse();
        assertThat(m.release()).isTrue();
        assertThat(body.refCnt()).isZero();
        assertThatThrownBy(m::content).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void usesBuiltHeadersAsGivenButCopiesWrappedOnes() {
        TextHeaders built = new TextHeaders().add("a", "1");
        TofuMessage m1 = TofuMessage.create(OpCode.REQUEST, built, Unpooled.buffer());
        assertThat(m1.headers()).isSameAs(built);

        ByteBuf wire = Unpooled.buffer().writeBytes(ascii("b:2"));
        TofuMessage m2 = TofuMessage.create(OpCode.REQUEST, TextHeaders.wrap(wire), Unpooled.buffer());
        wire.release();
        assertThat(m2.headers().get("b")).isEqualTo("2");
        assertThat(bytes(m2.headers())).isEqualTo(ascii("b:2"));
        m1.release();
        m2.release();
    }

    @Test
    void copyHeaderCopiesTheBinaryFieldsOnlyAndIsIndependent() {
        TofuMessage m = TofuMessage.create(OpCode.RESPONSE, new TextHeaders().add("a", "1"),
                        Unpooled.buffer().writeBytes(ascii("body")))
                .channelNumber(9).messageId(77).more(true).origin(Origin.ENGINE).status(Status.SEND_FAILED);

        TofuMessage h = m.copyHeader();
        m.release();

        assertThat(h.opCode()).isEqualTo(OpCode.RESPONSE);
        assertThat(h.channelNumber()).isEqualTo(9);
        assertThat(h.messageId()).isEqualTo(77);
        assertThat(h.more()).isTrue();
        assertThat(h.origin()).isEqualTo(Origin.ENGINE);
        assertThat(h.status()).isEqualTo(Status.SEND_FAILED);
        assertThat(h.headers().isEmpty()).isTrue();
        assertThat(h.body().readableBytes()).isZero();
        assertThat(h.refCnt()).isEqualTo(1);
        h.release();
    }

    @Test
    void duplicateSharesTheReferenceCountAndRetainedDuplicateAddsOne() {
        TofuMessage m = TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("a", "1"),
                Unpooled.buffer().writeBytes(ascii("body"))).channelNumber(3).messageId(4);

        TofuMessage dup = m.duplicate();
        assertThat(dup.refCnt()).isEqualTo(1);
        assertThat(dup.channelNumber()).isEqualTo(3);
        assertThat(dup.headers().get("a")).isEqualTo("1");
        dup.body().readByte();
        assertThat(m.body().readableBytes()).isEqualTo(4); // independent indexes

        TofuMessage retained = m.retainedDuplicate();
        assertThat(m.refCnt()).isEqualTo(2);
        assertThat(retained.release()).isFalse();
        assertThat(m.release()).isTrue();
        assertThat(dup.refCnt()).isZero();
    }

    @Test
    void aRetainedDuplicateOfAReceivedMessageKeepsItsWireHeadersAlive() {
        EmbeddedChannel decoder = new EmbeddedChannel(new TofuFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(frame(5, 0, 0, 1, ascii("k:v\r\n"), ascii("b"))));
        TofuMessage m = decoder.readInbound();
        decoder.finishAndReleaseAll();

        TofuMessage dup = m.retainedDuplicate();
        m.release();

        assertThat(dup.headers().get("k")).isEqualTo("v");
        assertThat(bytes(dup.headers())).isEqualTo(ascii("k:v\r\n"));
        assertThat(dup.release()).isTrue();
    }

    @Test
    void copyAndReplaceDoNotDependOnTheOriginalsBuffers() {
        EmbeddedChannel decoder = new EmbeddedChannel(new TofuFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(frame(5, 2, 0, 1, ascii("k:v"), ascii("body"))));
        TofuMessage m = decoder.readInbound();
        decoder.finishAndReleaseAll();

        TofuMessage copy = m.copy();
        TofuMessage replaced = m.replace(Unpooled.buffer().writeBytes(ascii("new")));
        m.release();

        assertThat(copy.opCode()).isEqualTo(OpCode.SIGNAL);
        assertThat(bytes(copy.headers())).isEqualTo(ascii("k:v"));
        assertThat(copy.body().toString(StandardCharsets.US_ASCII)).isEqualTo("body");
        assertThat(replaced.headers().get("k")).isEqualTo("v");
        assertThat(replaced.body().toString(StandardCharsets.US_ASCII)).isEqualTo("new");
        assertThat(replaced.rawProto()).isEqualTo(2);
        copy.release();
        replaced.release();
    }

    @Test
    void toStringShowsTheFieldsButNotTheBodyBytes() {
        TofuMessage m = TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("seq", "1"),
                Unpooled.buffer().writeBytes(ascii("secret-body"))).channelNumber(30590).messageId(-1L);

        String s = m.toString();
        m.release();

        assertThat(s).contains("Request", "channel 30590", "id 18446744073709551615", "thl 7", "bl 11", "success")
                .doesNotContain("secret");
        assertThat(m.toString()).contains("released");
    }
}
