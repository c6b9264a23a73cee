package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;

import static io.tofunetty.codec.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 seeded random valid messages (every wire opcode, headers and bodies of 0-65535 bytes) go through the
 * encoder, are compared with an independent encoding, and are fed to the decoder in random chunk sizes, including
 * one byte at a time; every decoded message must equal the one sent. Leaks fail the test (testkit).
 */
class RandomFrameStreamTest {
    private static final long SEED = 0x70F0_2026_0520L;
    private static final int MESSAGES = 10_000;
    /** Bytes fed one at a time, in total; tiny reads are slow under PARANOID leak detection, so they are budgeted. */
    private static final int ONE_BYTE_BUDGET = 30_000;
    /** Bytes fed in chunks of 2-16 bytes, in total. */
    private static final int TINY_CHUNK_BUDGET = 150_000;

    private record Expected(int channel, OpCode op, boolean more, long id, byte[] headers, TextHeaders built,
                            byte[] body) {
        int proto() {
            return op.wireValue() | (more ? 0x20 : 0);
        }
    }

    private final Random rnd = new Random(SEED);
    private final ArrayDeque<Expected> inFlight = new ArrayDeque<>();
    private final int[] perOpcode = new int[8];
    private byte[] stream = new byte[1 << 18];
    private int streamStart;
    private int streamEnd;
    private int oneByteWrites;
    private int tinyChunkBytes;
    private int chunks;
    private int maxHeaders;
    private int maxBody;
    private int decoded;

    @Test
    void tenThousandRandomValidMessagesFedInRandomChunksDecodeEqualToWhatWasSent() {
        EmbeddedChannel encoder = new EmbeddedChannel(new TofuFrameEncoder());
        EmbeddedChannel decoder = new EmbeddedChannel(new TofuFrameDecoder());
        try {
            for (int i = 0; i < MESSAGES; i++) {
                Expected e = randomMessage();
                encoder.writeOutbound(toMessage(e));
                byte[] wire = Wire.drainOutbound(encoder);
                assertThat(wire).as("encoding of message %d", i)
                        .isEqualTo(Wire.frame(e.channel, e.proto(), 0, e.id, e.headers, e.body));
                if (e.op.isBye()) {
                    // the encoder refuses anything after a bye-type frame (E9): continue as a new connection would
                    encoder.finishAndReleaseAll();
                    encoder = new EmbeddedChannel(new TofuFrameEncoder());
                }
                append(wire);
                inFlight.add(e);
                perOpcode[e.op.wireValue()]++;
                feed(decoder, false);
            }
            feed(decoder, true);
            assertThat(decoder.finishAndReleaseAll()).isFalse();
        } catch (Throwable failure) {
            // Closing with a partial frame pending reports it too; keep the first failure in front.
            try {
                decoder.finishAndReleaseAll();
            } catch (Throwable closing) {
                failure.addSuppressed(closing);
            }
            throw failure;
        } finally {
            encoder.finishAndReleaseAll();
        }

        assertThat(decoded).isEqualTo(MESSAGES);
        assertThat(inFlight).isEmpty();
        assertThat(Arrays.stream(perOpcode).min().getAsInt()).isGreaterThan(500);
        assertThat(oneByteWrites).isEqualTo(ONE_BYTE_BUDGET);
        assertThat(tinyChunkBytes).isGreaterThanOrEqualTo(TINY_CHUNK_BUDGET);
        assertThat(maxHeaders).isEqualTo(65535);
        assertThat(maxBody).isEqualTo(65535);
    }

    private Expected randomMessage() {
        OpCode op = OpCode.fromWireValue(rnd.nextInt(8));
        boolean more = op.mayHaveMore() && rnd.nextInt(4) == 0;
        int channel = 1 + rnd.nextInt(65534);
        long id = rnd.nextInt(50) == 0 ? 1 + rnd.nextInt(10) : rnd.nextLong();
        if (id == 0 && op.isResponse()) {
            id = 1;
        } else if (rnd.nextInt(100) == 0 && !op.isResponse()) {
            id = 0; // allowed (and logged) on non-responses
        }
        int headersLength = randomLength();
        TextHeaders built = null;
        byte[] headers;
        if (rnd.nextInt(3) == 0) {
            headers = new byte[headersLength]; // opaque bytes: the codec must carry them exactly
            rnd.nextBytes(headers);
        } else {
            built = randomHeaders(headersLength);
            headers = bytes(built);
        }
        byte[] body = new byte[randomLength()];
        rnd.nextBytes(body);
        maxHeaders = Math.max(maxHeaders, headers.length);
        maxBody = Math.max(maxBody, body.length);
        return new Expected(channel, op, more, id, headers, built, body);
    }

    /** Skewed toward small sizes so the test stays fast, with the extremes 0 and 65535 included. */
    private int randomLength() {
        int p = rnd.nextInt(100);
        if (p < 3) {
            return 0;
        }
        if (p < 4) {
            return 65535;
        }
        if (p < 50) {
            return rnd.nextInt(65);
        }
        if (p < 80) {
            return rnd.nextInt(1025);
        }
        if (p < 96) {
            return rnd.nextInt(8193);
        }
        return rnd.nextInt(65536);
    }

    private TextHeaders randomHeaders(int targetLength) {
        TextHeaders headers = new TextHeaders();
        while (true) {
            int remaining = targetLength - headers.encodedLength();
            if (remaining < 6) {
                return headers;
            }
            // name ':' value CRLF, plus one byte spare for a two-byte UTF-8 character in the value
            int nameLength = 1 + rnd.nextInt(Math.min(20, remaining - 5));
            int valueLength = 1 + rnd.nextInt(Math.min(2000, remaining - 4 - nameLength));
            headers.add(randomText(nameLength, true), randomText(valueLength, false));
        }
    }

    private String randomText(int length, boolean name) {
        byte[] raw = new byte[length];
        rnd.nextBytes(raw);
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            char c = (char) (0x21 + (raw[i] & 0xFF) % (0x7F - 0x21)); // visible ASCII, no space
            chars[i] = name && c == ':' ? '_' : c;
        }
        if (!name && length > 2) {
            chars[length / 2] = raw[0] < 0 ? ' ' : 'é'; // an inner space, or a two-byte UTF-8 character
        }
        return new String(chars);
    }

    private static TofuMessage toMessage(Expected e) {
        TextHeaders headers = e.built != null ? e.built : TextHeaders.parse(e.headers);
        ByteBuf body = e.body.length == 0 ? Unpooled.buffer(0) : Unpooled.wrappedBuffer(e.body);
        return TofuMessage.create(e.op, headers, body).channelNumber(e.channel).more(e.more).messageId(e.id);
    }

    private void append(byte[] wire) {
        if (streamEnd + wire.length > stream.length) {
            int live = streamEnd - streamStart;
            byte[] next = live + wire.length > stream.length ? new byte[2 * (live + wire.length)] : stream;
            System.arraycopy(stream, streamStart, next, 0, live);
            stream = next;
            streamStart = 0;
            streamEnd = live;
        }
        System.arraycopy(wire, 0, stream, streamEnd, wire.length);
        streamEnd += wire.length;
    }

    /** Feeds most of the pending bytes (all if {@code all}) in chunks of one randomly chosen size class. */
    private void feed(EmbeddedChannel decoder, boolean all) {
        int available = streamEnd - streamStart;
        int keep = all ? 0 : rnd.nextInt(Math.min(available, 200) + 1); // leave a partial frame pending
        int toFeed = available - keep;
        int mode = rnd.nextInt(20);
        while (toFeed > 0) {
            int n;
            if (mode == 0 && oneByteWrites < ONE_BYTE_BUDGET) {
                n = 1;
                oneByteWrites++;
            } else if (mode <= 3 && tinyChunkBytes < TINY_CHUNK_BUDGET) {
                n = 2 + rnd.nextInt(15);
                tinyChunkBytes += n;
            } else if (mode <= 10) {
                n = 1 + rnd.nextInt(1500);
            } else if (mode <= 17) {
                n = 1 + rnd.nextInt(70_000);
            } else {
                n = toFeed;
            }
            n = Math.min(n, toFeed);
            decoder.writeInbound(chunk(decoder, n));
            checkDecoded(decoder); // consume promptly, as an application would
            streamStart += n;
            toFeed -= n;
            chunks++;
        }
    }

    /** A heap chunk, or a pooled direct one as a socket transport would deliver. */
    private ByteBuf chunk(EmbeddedChannel decoder, int n) {
        if (n >= 64 && rnd.nextInt(4) == 0) {
            return decoder.alloc().directBuffer(n).writeBytes(stream, streamStart, n);
        }
        return Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, streamStart, streamStart + n));
    }

    private void checkDecoded(EmbeddedChannel decoder) {
        for (TofuMessage m; (m = decoder.readInbound()) != null; ) {
            try {
                Expected e = inFlight.poll();
                assertThat(e).as("a message was decoded that was never sent: %s", m).isNotNull();
                String what = "decoded message " + decoded;
                assertThat(m.channelNumber()).as(what).isEqualTo(e.channel);
                assertThat(m.opCode()).as(what).isEqualTo(e.op);
                assertThat(m.more()).as(what).isEqualTo(e.more);
                assertThat(m.messageId()).as(what).isEqualTo(e.id);
                assertThat(m.rawProto()).as(what).isEqualTo(e.proto());
                assertThat(m.rawStatus()).as(what).isZero();
                assertThat(m.origin()).as(what).isEqualTo(Origin.APPLICATION);
                assertThat(m.status()).as(what).isEqualTo(Status.SUCCESS);
                assertThat(bytes(m.headers())).as(what).isEqualTo(e.headers);
                if (e.built != null) {
                    assertThat(m.headers()).as(what).isEqualTo(e.built);
                }
                assertThat(bytes(m.body())).as(what).isEqualTo(e.body);
                decoded++;
            } finally {
                m.release();
            }
        }
    }
}
