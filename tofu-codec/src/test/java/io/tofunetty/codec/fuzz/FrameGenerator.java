package io.tofunetty.codec.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Structure-aware inputs for the codec: streams of valid tofu frames with awkward text headers, then mutated the
 * way hostile or broken peers do it (bit flips, truncation, length fields that lie, garbage proto bits, spliced
 * and inserted bytes). Everything comes from one seed, so a failing input is reproduced from its seed alone.
 */
final class FrameGenerator {
    /** Mutations applied to a stream; counted per kind for the report. */
    enum Mutation {
        NONE, BIT_FLIPS, TRUNCATE, LENGTH_LIE, PROTO_GARBAGE, STATUS_GARBAGE, ZERO_ID, INSERT_BYTES, DELETE_RANGE,
        DUPLICATE_RANGE, APPEND_GARBAGE, RANDOM_BYTES
    }

    private static final String[] NAMES = {"~connect_to", "~listen_on", "seq", "x-peer", "a", "A", "name", "n n",
        " lead", "trail ", "\tt", "k\u00e9y", "\u65e5\u672c", "x", "ĉ", "dup", "dup"};
    private static final String[] VALUES = {"tcp|127.0.0.1|7099", "uds|/tmp/tofu.sock", "1", "tofu", "", " ",
        " spaced ", "\tt\t", "a:b:c", "::", "v", "\u00e9t\u00e9", "\uD83D\uDE00", "tcp||0", "x|y|z|w"};
    private static final byte[][] TRICKY = {
        {'\r'}, {'\n'}, {':'}, {'\r', '\n'}, {'\r', '\r', '\n'}, {'\n', '\r'}, {' '}, {'\t'}, {0}, {(byte) 0xFF},
        {(byte) 0xC3}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {':', '\r', '\n'}, {'\r', '\n', '\r', '\n'}};

    private final SplittableRandom rnd;
    /** Text headers and bodies above this size are made rarely: they are slow under the leak detector. */
    private final int largeOneIn;

    FrameGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
        this.largeOneIn = 200;
    }

    SplittableRandom random() {
        return rnd;
    }

    /** A stream of 0-12 valid frames (valid for the default limits). */
    byte[] validStream(List<int[]> boundaries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = rnd.nextInt(20) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 12);
        for (int i = 0; i < n; i++) {
            byte[] f = validFrame();
            boundaries.add(new int[] {out.size(), f.length});
            out.writeBytes(f);
        }
        return out.toByteArray();
    }

    byte[] validFrame() {
        int op = rnd.nextInt(8);
        boolean more = op <= 2 && rnd.nextInt(4) == 0;
        int proto = op | (more ? 0x20 : 0);
        if (rnd.nextInt(4) == 0) {
            proto |= new int[] {0x10, 0x40, 0x80, 0xD0}[rnd.nextInt(4)]; // ignored on receipt (D5)
        }
        int status = rnd.nextInt(4) == 0 ? rnd.nextInt(256) : 0;
        long id = rnd.nextInt(16) == 0 ? 0 : rnd.nextBoolean() ? 1 + rnd.nextInt(1_000_000) : rnd.nextLong();
        if (id == 0 && (op == 1 || op == 4 || op == 6)) {
            id = 1;
        }
        int channel = rnd.nextInt(8) == 0 ? new int[] {0, 0xFFFF, 1}[rnd.nextInt(3)] : rnd.nextInt(0x10000);
        return WireModel.encode(channel, proto, status, id, headerBytes(), body());
    }

    /** Text-header bytes: well-formed entries mixed with CR/LF/':'/empty names/odd bytes; 0-65535 bytes. */
    byte[] headerBytes() {
        if (rnd.nextInt(4) == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int lines = 1 + rnd.nextInt(rnd.nextInt(largeOneIn) == 0 ? 3000 : 8);
        for (int i = 0; i < lines && out.size() < 65000; i++) {
            switch (rnd.nextInt(10)) {
                case 0 -> out.writeBytes(randomBytes(rnd.nextInt(12)));
                case 1 -> { // empty name: ends the headers in tofu
                    out.write(':');
                    out.writeBytes(utf8(pick(VALUES)));
                }
                case 2 -> out.writeBytes(utf8(pick(NAMES))); // no ':' at all
                case 3 -> out.writeBytes(TRICKY[rnd.nextInt(TRICKY.length)]);
                default -> {
                    out.writeBytes(utf8(pick(NAMES)));
                    if (rnd.nextInt(6) == 0) {
                        out.writeBytes(TRICKY[rnd.nextInt(TRICKY.length)]);
                    }
                    out.write(':');
                    out.writeBytes(utf8(pick(VALUES)));
                    if (rnd.nextInt(6) == 0) {
                        out.writeBytes(TRICKY[rnd.nextInt(TRICKY.length)]);
                    }
                }
            }
            int end = rnd.nextInt(10);
            if (end < 7) {
                out.write('\r');
                out.write('\n');
            } else if (end == 7) {
                out.write('\n');
            } else if (end == 8) {
                out.write('\r');
            } // else: no terminator, runs into the next entry
        }
        byte[] b = out.toByteArray();
        return b.length > 0xFFFF ? Arrays.copyOf(b, 0xFFFF) : b;
    }

    byte[] body() {
        int r = rnd.nextInt(largeOneIn);
        int length = r == 0 ? rnd.nextInt(0x10000) : r < 40 ? 0 : rnd.nextInt(r < 150 ? 64 : 700);
        return randomBytes(length);
    }

    /**
     * Mutates {@code in} (the boundaries of its frames help aim at header fields); returns the result and records
     * the mutations applied in {@code applied}.
     */
    byte[] mutate(byte[] in, List<int[]> frames, List<Mutation> applied) {
        byte[] b = in;
        int count = rnd.nextInt(5) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 4 : 1);
        if (count == 0) {
            applied.add(Mutation.NONE);
        }
        for (int i = 0; i < count; i++) {
            Mutation m = Mutation.values()[1 + rnd.nextInt(Mutation.values().length - 1)];
            applied.add(m);
            b = apply(m, b, frames);
        }
        return b;
    }

    private byte[] apply(Mutation m, byte[] b, List<int[]> frames) {
        int[] frame = frames.isEmpty() ? null : frames.get(rnd.nextInt(frames.size()));
        boolean inRange = frame != null && frame[0] + 16 <= b.length;
        switch (m) {
            case BIT_FLIPS -> {
                if (b.length == 0) {
                    return b;
                }
                byte[] c = b.clone();
                int flips = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 64 : 3);
                for (int k = 0; k < flips; k++) {
                    int pos = inRange && rnd.nextBoolean() ? frame[0] + rnd.nextInt(16) : rnd.nextInt(c.length);
                    c[pos] ^= (byte) (1 << rnd.nextInt(8));
                }
                return c;
            }
            case TRUNCATE -> {
                if (b.length == 0) {
                    return b;
                }
                int cut = inRange && rnd.nextBoolean() ? frame[0] + rnd.nextInt(frame[1]) : rnd.nextInt(b.length);
                return Arrays.copyOf(b, cut);
            }
            case LENGTH_LIE -> {
                if (!inRange) {
                    return b;
                }
                byte[] c = b.clone();
                int field = frame[0] + (rnd.nextBoolean() ? 12 : 14);
                int old = WireModel.u16(c, field);
                int v = switch (rnd.nextInt(5)) {
                    case 0 -> 0xFFFF;
                    case 1 -> 0;
                    case 2 -> Math.max(0, Math.min(0xFFFF, old + rnd.nextInt(-8, 9)));
                    case 3 -> rnd.nextInt(0x10000);
                    default -> Math.min(0xFFFF, old * 2 + 1);
                };
                c[field] = (byte) (v >>> 8);
                c[field + 1] = (byte) v;
                return c;
            }
            case PROTO_GARBAGE, STATUS_GARBAGE -> {
                if (!inRange) {
                    return b;
                }
                byte[] c = b.clone();
                c[frame[0] + (m == Mutation.PROTO_GARBAGE ? 2 : 3)] = (byte) rnd.nextInt(256);
                return c;
            }
            case ZERO_ID -> {
                if (!inRange) {
                    return b;
                }
                byte[] c = b.clone();
                Arrays.fill(c, frame[0] + 4, frame[0] + 12, (byte) 0);
                return c;
            }
            case INSERT_BYTES -> {
                int pos = rnd.nextInt(b.length + 1);
                byte[] ins = randomBytes(1 + rnd.nextInt(rnd.nextBoolean() ? 3 : 40));
                return concat(Arrays.copyOf(b, pos), ins, Arrays.copyOfRange(b, pos, b.length));
            }
            case DELETE_RANGE -> {
                if (b.length == 0) {
                    return b;
                }
                int from = rnd.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 64));
                return concat(Arrays.copyOf(b, from), Arrays.copyOfRange(b, to, b.length));
            }
            case DUPLICATE_RANGE -> {
                if (b.length == 0) {
                    return b;
                }
                int from = rnd.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + rnd.nextInt(100));
                int at = rnd.nextInt(b.length + 1);
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, from, to), Arrays.copyOfRange(b, at, b.length));
            }
            case APPEND_GARBAGE -> {
                return concat(b, randomBytes(1 + rnd.nextInt(40)));
            }
            case RANDOM_BYTES -> {
                return randomBytes(rnd.nextInt(rnd.nextBoolean() ? 40 : 400));
            }
            default -> {
                return b;
            }
        }
    }

    /**
     * Chunk sizes for feeding {@code length} bytes: all at once, one byte at a time (short inputs), small or large
     * random pieces, or cuts on the frame boundaries and one byte either side of them.
     */
    int[] chunking(int length, List<int[]> frames) {
        List<Integer> cuts = new ArrayList<>();
        int mode = rnd.nextInt(6);
        if (mode == 0 || length == 0) {
            cuts.add(length);
        } else if (mode == 1 && length <= 600) {
            for (int i = 0; i < length; i++) {
                cuts.add(1);
            }
        } else if (mode == 2 || mode == 1) {
            int left = length;
            while (left > 0) {
                int c = Math.min(left, 1 + rnd.nextInt(24));
                cuts.add(c);
                left -= c;
            }
        } else if (mode == 3) {
            int left = length;
            while (left > 0) {
                int c = Math.min(left, 1 + rnd.nextInt(4096));
                cuts.add(c);
                left -= c;
            }
        } else {
            int prev = 0;
            for (int[] f : frames) {
                int at = f[0] + (mode == 4 ? 0 : rnd.nextInt(-1, 2));
                int at16 = f[0] + 16 + rnd.nextInt(-1, 2);
                for (int p : new int[] {at, at16}) {
                    if (p > prev && p < length) {
                        cuts.add(p - prev);
                        prev = p;
                    }
                }
            }
            if (prev < length) {
                cuts.add(length - prev);
            }
        }
        return cuts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A string for TextHeaders.add: names and values, CR/LF/':', blanks, unpaired surrogates, nothing at all. */
    String headerString() {
        int r = rnd.nextInt(12);
        if (r == 0) {
            return rnd.nextInt(8) == 0 ? null : "";
        }
        StringBuilder sb = new StringBuilder();
        int parts = 1 + rnd.nextInt(4);
        for (int i = 0; i < parts; i++) {
            switch (rnd.nextInt(rnd.nextInt(50) == 0 ? 8 : 7)) {
                case 7 -> sb.append((char) rnd.nextInt(0xD800, 0xE000)); // an unpaired surrogate
                case 0 -> sb.append(new String[] {" ", "\t", "\r", "\n", ":", "\r\n", "\u0000"}[rnd.nextInt(7)]);
                case 1 -> sb.append((char) rnd.nextInt(0x20, 0x7F));
                case 2 -> sb.append(pick(VALUES));
                case 3 -> sb.append((char) rnd.nextInt(0x80, 0x800));
                default -> sb.append(pick(NAMES));
            }
        }
        return sb.toString();
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private String pick(String[] options) {
        return options[rnd.nextInt(options.length)];
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
