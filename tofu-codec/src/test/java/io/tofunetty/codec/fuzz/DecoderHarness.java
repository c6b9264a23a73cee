package io.tofunetty.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.ReferenceCountUtil;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuHeaderCodec;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.codec.TofuProtocolException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Feeds one input to a fresh {@link TofuFrameDecoder} in given chunks, then ends the input, and compares every
 * event with the {@link WireModel}: the same frames in the same order (fields, header bytes, body bytes, parsed
 * headers), then exactly the expected ending, with no other exception type and every message released.
 */
final class DecoderHarness {
    /** How the bytes reach the decoder. */
    record Feed(int[] chunks, int bufferKind, boolean compositeCumulator, int maxHeaders, int maxBody) {
        static Feed random(int[] chunks, int maxHeaders, int maxBody, SplittableRandom rnd) {
            return new Feed(chunks, rnd.nextInt(5), rnd.nextInt(4) == 0, maxHeaders, maxBody);
        }

        @Override
        public String toString() {
            return "Feed(" + chunks.length + " chunks, buffers " + BUFFER_KINDS[bufferKind]
                    + (compositeCumulator ? ", composite cumulator" : "") + ", limits " + maxHeaders + "/" + maxBody + ")";
        }
    }

    static final String[] BUFFER_KINDS = {"heap", "pooled direct", "offset slice with junk", "read-only", "composite"};

    private DecoderHarness() {
    }

    /** Runs {@code input} through the decoder; returns the problems found (empty when all is as the model says). */
    static List<String> run(byte[] input, Feed feed, WireModel.Outcome expected, FrameGenerator gen) {
        List<String> problems = new ArrayList<>();
        TofuFrameDecoder decoder = feed.maxHeaders == TofuHeaderCodec.MAX_LENGTH
                && feed.maxBody == TofuHeaderCodec.MAX_LENGTH
                ? new TofuFrameDecoder() : new TofuFrameDecoder(feed.maxHeaders, feed.maxBody);
        if (feed.compositeCumulator) {
            decoder.setCumulator(ByteToMessageDecoder.COMPOSITE_CUMULATOR);
        }
        Capture capture = new Capture(expected, gen, problems);
        EmbeddedChannel channel = new EmbeddedChannel(decoder, capture);
        int pos = 0;
        boolean closedBeforeEnd = false;
        try {
            for (int c : feed.chunks) {
                ByteBuf chunk = chunk(input, pos, c, feed.bufferKind, gen.random());
                pos += c;
                if (!channel.isOpen()) {
                    chunk.release(); // a real transport reads nothing more from a closed channel
                    continue;
                }
                channel.writeInbound(chunk);
            }
            closedBeforeEnd = !channel.isOpen();
            channel.finish(); // end of input: decodeLast
        } catch (RuntimeException e) {
            problems.add("the channel threw " + HeaderChecks.describe(e));
        } finally {
            channel.finishAndReleaseAll();
        }
        if (capture.frames != expected.frames().size()) {
            problems.add(capture.frames + " frames decoded, expected " + expected.frames().size());
        }
        String ending = capture.ending == null ? "clean" : capture.ending.field() + "=" + capture.ending.value();
        if (!ending.equals(expected.ending().toString())) {
            problems.add("ending " + ending + ", expected " + expected.ending());
        }
        if (capture.exceptions > 1) {
            problems.add(capture.exceptions + " exceptions fired, at most one expected");
        }
        // A protocol error closes the channel at once; a clean stream or one cut inside a frame stays open until EOF.
        boolean mustClose = !expected.ending().isClean() && !"frame".equals(expected.ending().field());
        if (closedBeforeEnd != mustClose) {
            problems.add("channel " + (closedBeforeEnd ? "closed" : "open") + " before end of input with ending "
                    + expected.ending());
        }
        if (!capture.inactive) {
            problems.add("the channel never became inactive");
        }
        return problems;
    }

    private static ByteBuf chunk(byte[] input, int pos, int length, int kind, SplittableRandom rnd) {
        switch (kind) {
            case 1: {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                return b.writeBytes(input, pos, length);
            }
            case 2: {
                int before = rnd.nextInt(1, 17);
                int after = rnd.nextInt(17);
                // One bulk write: under PARANOID every buffer access records a stack trace.
                byte[] framed = new byte[before + length + after];
                Arrays.fill(framed, (byte) 0xA5);
                System.arraycopy(input, pos, framed, before, length);
                ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(framed.length).writeBytes(framed);
                return b.setIndex(before, before + length);
            }
            case 3:
                return Unpooled.wrappedBuffer(Arrays.copyOfRange(input, pos, pos + length)).asReadOnly();
            case 4: {
                CompositeByteBuf b = Unpooled.compositeBuffer();
                int cut = length == 0 ? 0 : rnd.nextInt(length + 1);
                b.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(input, pos, pos + cut)));
                b.addComponent(true, Unpooled.directBuffer(length - cut).writeBytes(input, pos + cut, length - cut));
                return b;
            }
            default:
                return Unpooled.wrappedBuffer(Arrays.copyOfRange(input, pos, pos + length));
        }
    }

    /** The last handler: checks each event as it happens, then releases the message. */
    private static final class Capture extends ChannelInboundHandlerAdapter {
        private final WireModel.Outcome expected;
        private final FrameGenerator gen;
        private final List<String> problems;
        int frames;
        int exceptions;
        TofuProtocolException ending;
        boolean inactive;

        Capture(WireModel.Outcome expected, FrameGenerator gen, List<String> problems) {
            this.expected = expected;
            this.gen = gen;
            this.problems = problems;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof TofuMessage m)) {
                    problems.add("a " + msg.getClass().getName() + " came out of the decoder");
                    return;
                }
                if (ending != null || inactive) {
                    problems.add("a frame after the end (" + ending + ", inactive " + inactive + "): " + m);
                }
                int i = frames++;
                if (i >= expected.frames().size()) {
                    problems.add("frame " + i + " was not expected: " + m);
                    return;
                }
                checkFrame(i, m, expected.frames().get(i));
            } catch (RuntimeException e) {
                problems.add("reading a decoded message threw " + HeaderChecks.describe(e));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void checkFrame(int i, TofuMessage m, WireModel.Frame f) {
            if (m.channelNumber() != f.channel() || m.rawProto() != f.proto() || m.rawStatus() != f.status()
                    || m.messageId() != f.id() || m.opCode() != OpCode.fromWireValue(f.opCode())
                    || m.more() != f.more() || m.origin() != Origin.APPLICATION || m.status() != Status.SUCCESS) {
                problems.add("frame " + i + " fields: " + m + ", expected " + f);
            }
            byte[] body = new byte[m.body().readableBytes()];
            m.body().getBytes(m.body().readerIndex(), body);
            if (!Arrays.equals(body, f.body())) {
                problems.add("frame " + i + " body differs: " + HeaderChecks.show(body) + " vs "
                        + HeaderChecks.show(f.body()));
            }
            // Not == 1: a slice of an unpooled or composite cumulation shares the cumulation's reference count.
            if (m.refCnt() < 1) {
                problems.add("frame " + i + " arrives released");
            }
            HeaderChecks.check(m.headers(), f.headers(), gen, problems);
            if (gen.random().nextInt(8) == 0) {
                // Copies and duplicates of a received message keep the same headers and body.
                TofuMessage copy = m.copy();
                TofuMessage dup = m.retainedDuplicate();
                try {
                    if (!copy.headers().equals(m.headers()) || !dup.headers().equals(m.headers())
                            || !copy.body().equals(m.body()) || !dup.body().equals(m.body())) {
                        problems.add("frame " + i + ": copy/retainedDuplicate differ from the message");
                    }
                } finally {
                    copy.release();
                    dup.release();
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions++;
            if (cause instanceof TofuProtocolException e && e.getClass() == TofuProtocolException.class
                    && e.getCause() == null) {
                if (e.getMessage() == null || e.getMessage().isEmpty()) {
                    problems.add("a protocol error without a message: field " + e.field());
                }
                if (ending == null) {
                    ending = e;
                }
                if (inactive) {
                    problems.add("protocol error " + e.field() + " fired after channelInactive");
                }
            } else {
                problems.add("exception outside the codec's contract: " + HeaderChecks.describe(cause)
                        + (cause.getCause() != null ? "\n  caused by " + HeaderChecks.describe(cause.getCause()) : ""));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
        }
    }
}
