package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static io.tofunetty.codec.Wire.ascii;
import static io.tofunetty.codec.Wire.concat;
import static io.tofunetty.codec.Wire.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Framing, validation (spec D1-D9) and error handling of {@link TofuFrameDecoder}. */
class TofuFrameDecoderTest {
    private static final byte[] NONE = new byte[0];

    /** Records what reaches the end of the pipeline, releasing messages and swallowing exceptions. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> events = new ArrayList<>();
        final List<Throwable> exceptions = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            TofuMessage m = (TofuMessage) msg;
            events.add("read " + m.opCode().tofuName() + " " + m.messageId());
            m.release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause);
            events.add("exception " + (cause instanceof TofuProtocolException e ? e.field() : cause.toString()));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }

        TofuProtocolException protocolError() {
            assertThat(exceptions).hasSize(1);
            assertThat(exceptions.get(0)).isInstanceOf(TofuProtocolException.class);
            return (TofuProtocolException) exceptions.get(0);
        }
    }

    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameDecoder(), recorder);

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {10, 11, 12, 13, 14, 15})
    void rejectsOpcodesTenToFifteenAndClosesTheChannel(int op) {
        assertRejected(frame(7, op, 0, 1, NONE, NONE), "opcode", op, "invalid tofu opcode " + op);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {8, 9})
    void rejectsWelcomeOpcodesFromTheWire(int op) {
        assertRejected(frame(7, op, 0, 1, ascii("~listen_on:tcp||7099"), NONE), "opcode", op,
                "is a local command");
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7})
    void rejectsMoreOnOpcodesThreeToSeven(int op) {
        assertRejected(frame(7, op | 0x20, 0, 1, NONE, NONE), "more", 1, "more=1 on opcode " + op);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0, 1, 2})
    void acceptsMoreOnRequestResponseAndSignal(int op) {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(7, op | 0x20, 0, 5, NONE, NONE)));

        assertThat(recorder.events).containsExactly("read " + OpCode.fromWireValue(op).tofuName() + " 5");
        assertThat(channel.isOpen()).isTrue();
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {1, 4, 6})
    void rejectsMessageIdZeroOnResponses(int op) {
        assertRejected(frame(7, op, 0, 0, NONE, NONE), "messageId", 0, "message id 0 on opcode " + op);
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {0, 2, 3, 5, 7})
    void acceptsMessageIdZeroOnOtherOpcodes(int op) {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(7, op, 0, 0, NONE, NONE)));

        assertThat(recorder.events).containsExactly("read " + OpCode.fromWireValue(op).tofuName() + " 0");
    }

    @Test
    void ignoresTheOriginBitBitsSixAndSevenAndTheStatusByteButKeepsThemRaw() {
        List<TofuMessage> got = new ArrayList<>();
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());
        plain.writeInbound(Unpooled.wrappedBuffer(concat(
                frame(7, 0x10, 7, 1, NONE, NONE),     // an "engine" Request with status 7
                frame(7, 0xC1, 22, 2, NONE, NONE),    // a Response with bits 6 and 7, as tofu echoed it
                frame(7, 0x47, 0, 3, NONE, NONE))));  // default(.ByeSignal)
        for (TofuMessage m; (m = plain.readInbound()) != null; ) {
            got.add(m);
        }
        try {
            assertThat(got).extracting(TofuMessage::opCode)
                    .containsExactly(OpCode.REQUEST, OpCode.RESPONSE, OpCode.BYE_SIGNAL);
            assertThat(got).extracting(TofuMessage::origin).containsOnly(Origin.APPLICATION);
            assertThat(got).extracting(TofuMessage::status).containsOnly(Status.SUCCESS);
            assertThat(got).extracting(TofuMessage::more).containsOnly(false);
            assertThat(got).extracting(TofuMessage::rawProto).containsExactly(0x10, 0xC1, 0x47);
            assertThat(got).extracting(TofuMessage::rawStatus).containsExactly(7, 22, 0);
        } finally {
            got.forEach(TofuMessage::release);
            plain.finishAndReleaseAll();
        }
    }

    @Test
    void reportsTheChannelNumberFromTheWire() {
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());
        plain.writeInbound(Unpooled.wrappedBuffer(frame(0xFFFF, 0, 0, 1, NONE, NONE)));
        TofuMessage m = plain.readInbound();
        assertThat(m.channelNumber()).isEqualTo(0xFFFF);
        m.release();
        plain.finishAndReleaseAll();
    }

    @Test
    void rejectsHeadersLongerThanTheConfiguredLimitAsSoonAsTheHeaderArrives() {
        Recorder recorder = new Recorder();
        EmbeddedChannel limited = new EmbeddedChannel(new TofuFrameDecoder(100, 65535), recorder);
        byte[] f = frame(7, 0, 0, 1, new byte[101], NONE);

        limited.writeInbound(Unpooled.wrappedBuffer(f, 0, 16)); // only the header

        TofuProtocolException e = recorder.protocolError();
        assertThat(e.field()).isEqualTo("thl");
        assertThat(e.value()).isEqualTo(101);
        assertThat(e).hasMessageContaining("maxHeadersLength").hasMessageContaining("100");
        assertThat(limited.isOpen()).isFalse();
    }

    @Test
    void rejectsABodyLongerThanTheConfiguredLimit() {
        Recorder recorder = new Recorder();
        EmbeddedChannel limited = new EmbeddedChannel(new TofuFrameDecoder(65535, 1000), recorder);

        limited.writeInbound(Unpooled.wrappedBuffer(frame(7, 0, 0, 1, NONE, new byte[1001])));

        TofuProtocolException e = recorder.protocolError();
        assertThat(e.field()).isEqualTo("bl");
        assertThat(e.value()).isEqualTo(1001);
        assertThat(e).hasMessageContaining("maxBodyLength").hasMessageContaining("1000");
        assertThat(limited.isOpen()).isFalse();
    }

    @Test
    void acceptsFramesExactlyAtTheConfiguredLimits() {
        Recorder recorder = new Recorder();
        EmbeddedChannel limited = new EmbeddedChannel(new TofuFrameDecoder(10, 20), recorder);

        limited.writeInbound(Unpooled.wrappedBuffer(frame(7, 0, 0, 1, ascii("a:12345678"), new byte[20])));

        assertThat(recorder.events).containsExactly("read Request 1");
    }

    @Test
    void byDefaultAcceptsTheLargestFrameOf131086Bytes() {
        byte[] f = frame(7, 2, 0, 9, new byte[65535], new byte[65535]);
        assertThat(f).hasSize(TofuHeaderCodec.MAX_FRAME_LENGTH).hasSize(131086);

        channel.writeInbound(Unpooled.wrappedBuffer(f));

        assertThat(recorder.events).containsExactly("read Signal 9");
    }

    @Test
    void rejectsLimitsOutsideZeroTo65535() {
        assertThatThrownBy(() -> new TofuFrameDecoder(65536, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxHeadersLength 65536");
        assertThatThrownBy(() -> new TofuFrameDecoder(1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBodyLength -1");
    }

    @Test
    void deliversFramesBeforeABadOneThenTheErrorThenClosesAndDiscardsTheRest() {
        channel.writeInbound(Unpooled.wrappedBuffer(concat(
                frame(7, 0, 0, 1, ascii("a:1"), ascii("x")),
                frame(7, 2, 0, 2, NONE, NONE),
                frame(7, 12, 0, 3, NONE, NONE),
                frame(7, 0, 0, 4, NONE, NONE))));

        assertThat(recorder.events).containsExactly(
                "read Request 1", "read Signal 2", "exception opcode", "inactive");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aPartialHeaderAtEndOfInputIsReportedWithTheMissingByteCount() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(7, 0, 0, 1, NONE, NONE), 0, 5));

        channel.close();

        TofuProtocolException e = recorder.protocolError();
        assertThat(e.field()).isEqualTo("frame");
        assertThat(e.value()).isEqualTo(11);
        assertThat(e).hasMessageContaining("5 of 16 bytes received, 11 missing");
        assertThat(recorder.events).containsExactly("exception frame", "inactive");
    }

    @Test
    void aPartialFrameAtEndOfInputIsReportedBeforeTheChannelGoesInactive() {
        byte[] f = frame(7, 0, 0, 1, ascii("seq:1\r\n"), ascii("ping-1"));
        channel.writeInbound(Unpooled.wrappedBuffer(concat(frame(7, 2, 0, 9, NONE, NONE), f), 0, 16 + 20));

        channel.close();

        TofuProtocolException e = recorder.protocolError();
        assertThat(e.field()).isEqualTo("frame");
        assertThat(e.value()).isEqualTo(29 - 20);
        assertThat(recorder.events).containsExactly("read Signal 9", "exception frame", "inactive");
    }

    @Test
    void aCompleteStreamAtEndOfInputIsNoError() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(7, 0, 0, 1, NONE, NONE)));

        channel.close();

        assertThat(recorder.events).containsExactly("read Request 1", "inactive");
    }

    @Test
    void passesOnExceptionsItDidNotRaiseWithoutClosing() {
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());
        IllegalStateException other = new IllegalStateException("not ours");

        plain.pipeline().fireExceptionCaught(other);

        assertThat(plain.isOpen()).isTrue();
        assertThatThrownBy(plain::checkException).isSameAs(other);
        plain.finishAndReleaseAll();
    }

    @Test
    void decodesFramesSplitAcrossReadsAndSeveralFramesInOneRead() {
        byte[] a = frame(7, 0, 0, 1, ascii("a:1\r\n"), ascii("hello"));
        byte[] b = frame(7, 1, 0, 1, NONE, ascii("world"));
        byte[] all = concat(a, b, a);

        channel.writeInbound(Unpooled.wrappedBuffer(all, 0, 3));
        channel.writeInbound(Unpooled.wrappedBuffer(all, 3, 20));
        channel.writeInbound(Unpooled.wrappedBuffer(all, 23, all.length - 23));

        assertThat(recorder.events).containsExactly("read Request 1", "read Response 1", "read Request 1");
    }

    @Test
    void headersAndBodyAreSlicesOfTheInputNotCopies() {
        byte[] f = frame(7, 0, 0, 1, ascii("a:1\r\n"), ascii("body!"));
        ByteBuf in = Unpooled.wrappedBuffer(f);
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());

        plain.writeInbound(in);
        TofuMessage m = plain.readInbound();

        try {
            assertThat(m.body().hasArray()).isTrue();
            assertThat(m.body().array()).isSameAs(f);
            assertThat(m.body().arrayOffset() + m.body().readerIndex()).isEqualTo(16 + 5);
            assertThat(in.refCnt()).isEqualTo(1); // the decoder's reference went away, the message's remains
            f[16 + 4 - 2] = '7';                  // shares the bytes: a change in the input shows in the headers
            assertThat(m.headers().get("a")).isEqualTo("7");
        } finally {
            m.release();
            plain.finishAndReleaseAll();
        }
        assertThat(in.refCnt()).isZero();
    }

    @Test
    void releasingTheMessageReleasesHeadersAndBodyTogether() {
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());
        plain.writeInbound(Unpooled.wrappedBuffer(frame(7, 0, 0, 1, ascii("a:1"), NONE)));
        TofuMessage m = plain.readInbound();
        plain.finishAndReleaseAll();

        assertThat(m.refCnt()).isEqualTo(1);
        assertThat(m.headers().get("a")).isEqualTo("1");
        assertThat(m.release()).isTrue();
        assertThatThrownBy(() -> m.headers().encode(Unpooled.buffer()))
                .isInstanceOf(io.netty.util.IllegalReferenceCountException.class);
        assertThatThrownBy(m::body).isInstanceOf(io.netty.util.IllegalReferenceCountException.class);
    }

    @Test
    void anEmptyFrameGetsAnEmptyBodyWithItsOwnReferenceCount() {
        EmbeddedChannel plain = new EmbeddedChannel(new TofuFrameDecoder());
        plain.writeInbound(Unpooled.wrappedBuffer(frame(7, 2, 0, 1, NONE, NONE)));
        TofuMessage m = plain.readInbound();
        plain.finishAndReleaseAll();

        assertThat(m.headers().isEmpty()).isTrue();
        assertThat(m.body().readableBytes()).isZero();
        assertThat(m.release()).isTrue();
        assertThat(m.refCnt()).isZero();
    }

    private void assertRejected(byte[] bytes, String field, long value, String messagePart) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes));

        TofuProtocolException e = recorder.protocolError();
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.value()).isEqualTo(value);
        assertThat(e).hasMessageContaining(messagePart);
        assertThat(channel.isOpen()).isFalse();
        assertThat(recorder.events).containsExactly("exception " + field, "inactive");
    }
}
