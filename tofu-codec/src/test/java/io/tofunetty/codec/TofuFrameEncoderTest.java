package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static io.tofunetty.codec.Wire.ascii;
import static io.tofunetty.codec.Wire.bytes;
import static io.tofunetty.codec.Wire.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link TofuFrameEncoder} puts on the wire (spec E1-E9) and how it refuses bad messages. */
class TofuFrameEncoderTest {
    private final EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameEncoder());

    @AfterEach
    void tearDown() {
        channel.finishAndReleaseAll();
    }

    private static TofuMessage message(OpCode op) {
        return TofuMessage.create(op).channelNumber(7).messageId(42);
    }

    @Test
    void writesOpcodeAndMoreButNeverOriginInternalBitsOrStatus() {
        TofuMessage msg = message(OpCode.SIGNAL).more(true).origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED);

        channel.writeOutbound(msg);

        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(7, 0x22, 0, 42, new byte[0], new byte[0]));
        assertThat(msg.refCnt()).isZero();
    }

    @Test
    void writesTheProtoByteOfAReceivedMessageWithoutItsBitsSixAndSeven() {
        EmbeddedChannel decoder = new EmbeddedChannel(new TofuFrameDecoder());
        decoder.writeInbound(Unpooled.wrappedBuffer(frame(9, 0xC1, 5, 3, new byte[0], ascii("x"))));
        TofuMessage received = decoder.readInbound();
        decoder.finishAndReleaseAll();

        channel.writeOutbound(received.channelNumber(7));

        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(7, 0x01, 0, 3, new byte[0], ascii("x")));
    }

    @ParameterizedTest
    @EnumSource(value = OpCode.class, names = {"REQUEST", "RESPONSE", "SIGNAL", "HELLO_REQUEST", "HELLO_RESPONSE",
            "BYE_REQUEST", "BYE_RESPONSE", "BYE_SIGNAL"})
    void writesEveryWireOpcode(OpCode op) {
        channel.writeOutbound(message(op));

        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(7, op.wireValue(), 0, 42, new byte[0], new byte[0]));
    }

    @Test
    void writesTheUnsignedMessageIdAndLengthsBigEndian() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("k", "v"),
                Unpooled.copiedBuffer(ascii("body"))).channelNumber(0xFFFE).messageId(-1L);

        channel.writeOutbound(msg);

        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(0xFFFE, 0, 0, -1L, ascii("k:v\r\n"), ascii("body")));
    }

    @Test
    void passesOtherMessagesThroughUnchanged() {
        ByteBuf raw = Unpooled.copiedBuffer(ascii("raw"));

        channel.writeOutbound(raw);

        ByteBuf out = channel.readOutbound();
        assertThat(out).isSameAs(raw);
        out.release();
    }

    @Test
    void completesTheWritePromiseOfAFrameWrittenAsHeaderAndBodyBuffers() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, new TextHeaders(), Unpooled.wrappedBuffer(new byte[1000]))
                .channelNumber(7).messageId(1);

        ChannelFuture f = channel.writeAndFlush(msg);

        assertThat(f.isSuccess()).isTrue();
        assertThat(Wire.drainOutbound(channel)).hasSize(16 + 1000);
    }

    @Test
    void aRefusedWriteWithAVoidPromiseIsReportedAsAnExceptionInThePipeline() {
        channel.writeAndFlush(message(OpCode.WELCOME_REQUEST), channel.voidPromise());

        assertThatThrownBy(channel::checkException).isInstanceOf(EncoderException.class)
                .hasMessageContaining("local command");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void copiesSmallBodiesIntoTheHeaderBuffer() {
        ByteBuf body = Unpooled.wrappedBuffer(new byte[TofuFrameEncoder.COPY_BODY_THRESHOLD]);

        channel.writeOutbound(TofuMessage.create(OpCode.REQUEST, new TextHeaders(), body).channelNumber(7));

        ByteBuf only = channel.readOutbound();
        assertThat(only.readableBytes()).isEqualTo(16 + TofuFrameEncoder.COPY_BODY_THRESHOLD);
        only.release();
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void writesLargerBodiesAsASliceOfTheMessageBodyWithoutCopying() {
        byte[] payload = new byte[1000];
        ByteBuf body = Unpooled.wrappedBuffer(payload, 100, 500);

        channel.writeOutbound(TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("a", "b"), body)
                .channelNumber(7).messageId(1));

        ByteBuf header = channel.readOutbound();
        ByteBuf bodyOut = channel.readOutbound();
        try {
            assertThat(header.readableBytes()).isEqualTo(16 + 5);
            assertThat(bodyOut.readableBytes()).isEqualTo(500);
            assertThat(bodyOut.array()).isSameAs(payload);
            assertThat(bodyOut.arrayOffset() + bodyOut.readerIndex()).isEqualTo(100);
            assertThat(body.refCnt()).isEqualTo(1); // the message's reference was released, the slice's remains
        } finally {
            header.release();
            bodyOut.release();
        }
        assertThat(body.refCnt()).isZero();
    }

    @Test
    void doesNotMoveTheReaderIndexOfARetainedMessagesBody() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, new TextHeaders(),
                Unpooled.wrappedBuffer(new byte[300])).channelNumber(7).retain();

        channel.writeOutbound(msg);
        Wire.drainOutbound(channel);

        assertThat(msg.body().readableBytes()).isEqualTo(300);
        assertThat(msg.release()).isTrue();
    }

    @Test
    void writesTheLargestFrame() {
        TextHeaders headers = TextHeaders.parse(new byte[65535]);
        channel.writeOutbound(TofuMessage.create(OpCode.REQUEST, headers, Unpooled.wrappedBuffer(new byte[65535]))
                .channelNumber(7).messageId(1));

        assertThat(Wire.drainOutbound(channel)).hasSize(131086);
    }

    @Test
    void failsTheWriteOfABodyOver65535BytesNamingTheLimitAndKeepsTheChannelOpen() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, new TextHeaders(), Unpooled.wrappedBuffer(new byte[65536]))
                .channelNumber(7).messageId(1);

        assertWriteFails(msg, "a body of 65536 bytes exceeds the limit of 65535 bytes (maxBodyLength");
    }

    @Test
    void failsTheWriteOfHeadersOver65535BytesNamingTheLimit() {
        TextHeaders headers = new TextHeaders();
        while (headers.encodedLength() <= 65535) {
            headers.add("name", "x".repeat(1000));
        }
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, headers, Unpooled.buffer()).channelNumber(7);

        assertWriteFails(msg, "text headers of " + headers.encodedLength()
                + " bytes exceed the limit of 65535 bytes (maxHeadersLength");
    }

    @Test
    void appliesConfiguredTighterLimits() {
        EmbeddedChannel limited = new EmbeddedChannel(new TofuFrameEncoder(10, 100));
        TofuMessage okay = TofuMessage.create(OpCode.REQUEST, new TextHeaders().add("a", "123456"),
                Unpooled.wrappedBuffer(new byte[100])).channelNumber(7);
        TofuMessage tooBig = TofuMessage.create(OpCode.REQUEST, new TextHeaders(),
                Unpooled.wrappedBuffer(new byte[101])).channelNumber(7);

        assertThat(limited.writeAndFlush(okay).isSuccess()).isTrue();
        ChannelFuture f = limited.writeAndFlush(tooBig);

        assertThat(f.cause()).isInstanceOf(EncoderException.class)
                .hasMessageContaining("a body of 101 bytes exceeds the limit of 100 bytes (maxBodyLength)");
        assertThat(tooBig.refCnt()).isZero();
        assertThat(limited.isOpen()).isTrue();
        assertThat(Wire.drainOutbound(limited)).hasSize(16 + 10 + 100);
        limited.finishAndReleaseAll();
        assertThatThrownBy(() -> new TofuFrameEncoder(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TofuFrameEncoder(0, 70000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBodyLength 70000");
    }

    @ParameterizedTest
    @EnumSource(value = OpCode.class, names = {"WELCOME_REQUEST", "WELCOME_RESPONSE"})
    void refusesWelcomeOpcodesWhichAreLocalCommands(OpCode op) {
        assertWriteFails(message(op), "is a local command and never goes on the wire");
    }

    @ParameterizedTest
    @EnumSource(value = OpCode.class, names = {"HELLO_REQUEST", "HELLO_RESPONSE", "BYE_REQUEST", "BYE_RESPONSE",
            "BYE_SIGNAL"})
    void refusesMoreOnOpcodesThreeToSeven(OpCode op) {
        assertWriteFails(message(op).more(true), "more=1 on " + op.tofuName());
    }

    @ParameterizedTest
    @EnumSource(value = OpCode.class, names = {"RESPONSE", "HELLO_RESPONSE", "BYE_RESPONSE"})
    void refusesMessageIdZeroOnResponses(OpCode op) {
        assertWriteFails(message(op).messageId(0), "message id 0 on " + op.tofuName());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65535})
    void refusesChannelNumbersZeroAnd65535(int channelNumber) {
        assertWriteFails(message(OpCode.REQUEST).channelNumber(channelNumber), "channel number " + channelNumber);
    }

    @ParameterizedTest
    @EnumSource(value = OpCode.class, names = {"BYE_REQUEST", "BYE_RESPONSE", "BYE_SIGNAL"})
    void refusesEveryWriteAfterAByeTypeFrame(OpCode bye) {
        TofuFrameEncoder encoder = channel.pipeline().get(TofuFrameEncoder.class);
        assertThat(channel.writeAndFlush(message(bye)).isSuccess()).isTrue();
        assertThat(encoder.byeSent()).isTrue();
        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(7, bye.wireValue(), 0, 42, new byte[0], new byte[0]));

        assertWriteFails(message(OpCode.REQUEST), "a " + bye.tofuName() + " was already written");
    }

    @Test
    void aRefusedWriteDoesNotDisturbTheNextOne() {
        assertWriteFails(message(OpCode.WELCOME_REQUEST), "local command");

        assertThat(channel.writeAndFlush(message(OpCode.REQUEST)).isSuccess()).isTrue();
        assertThat(Wire.drainOutbound(channel)).isEqualTo(frame(7, 0, 0, 42, new byte[0], new byte[0]));
    }

    private void assertWriteFails(TofuMessage msg, String messagePart) {
        ChannelFuture f = channel.writeAndFlush(msg);

        assertThat(f.isDone()).isTrue();
        assertThat(f.cause()).isInstanceOf(EncoderException.class).hasMessageContaining(messagePart);
        assertThat(msg.refCnt()).isZero();
        assertThat(channel.isOpen()).isTrue();
        assertThat((Object) channel.readOutbound()).isNull();
    }
}
