package io.tofunetty.codec.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The oracle: what a strict tofu decoder must make of a byte stream, written from the spec (§2-§7, rules D1-D9)
 * with plain arrays, independently of the codec's code.
 */
final class WireModel {
    static final int HEADER = 16;

    private WireModel() {
    }

    /** One expected frame: the raw fields, the text-header bytes and the body bytes. */
    record Frame(int channel, int proto, int status, long id, byte[] headers, byte[] body) {
        int opCode() {
            return proto & 0x0F;
        }

        boolean more() {
            return (proto & 0x20) != 0;
        }

        int length() {
            return HEADER + headers.length + body.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.channel == channel && f.proto == proto && f.status == status
                    && f.id == id && Arrays.equals(f.headers, headers) && Arrays.equals(f.body, body);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(headers) * 31 + Arrays.hashCode(body) + Long.hashCode(id);
        }

        @Override
        public String toString() {
            return "Frame(ch " + channel + ", proto 0x" + Integer.toHexString(proto) + ", status " + status + ", id "
                    + Long.toUnsignedString(id) + ", thl " + headers.length + ", bl " + body.length + ")";
        }
    }

    /** How the stream ends: cleanly, with a protocol error on a field, or inside a frame at end of input. */
    record Ending(String field, long value) {
        static final Ending CLEAN = new Ending(null, 0);

        boolean isClean() {
            return field == null;
        }

        @Override
        public String toString() {
            return isClean() ? "clean" : field + "=" + value;
        }
    }

    /** The frames a decoder must deliver, in order, and how the stream must end. */
    record Outcome(List<Frame> frames, Ending ending) {
    }

    /** Decodes {@code in} completely (end of input included) with the given limits. */
    static Outcome decode(byte[] in, int maxHeaders, int maxBody) {
        List<Frame> frames = new ArrayList<>();
        int pos = 0;
        while (in.length - pos >= HEADER) {
            int channel = u16(in, pos);
            int proto = in[pos + 2] & 0xFF;
            int status = in[pos + 3] & 0xFF;
            long id = u64(in, pos + 4);
            int thl = u16(in, pos + 12);
            int bl = u16(in, pos + 14);
            int op = proto & 0x0F;
            // The header is judged as soon as its 16 bytes are in (D2, D3, D7, limits).
            if (op > 9) {
                return new Outcome(frames, new Ending("opcode", op));
            }
            if (op == 8 || op == 9) {
                return new Outcome(frames, new Ending("opcode", op));
            }
            if ((proto & 0x20) != 0 && op > 2) {
                return new Outcome(frames, new Ending("more", 1));
            }
            if (id == 0 && (op == 1 || op == 4 || op == 6)) {
                return new Outcome(frames, new Ending("messageId", 0));
            }
            if (thl > maxHeaders) {
                return new Outcome(frames, new Ending("thl", thl));
            }
            if (bl > maxBody) {
                return new Outcome(frames, new Ending("bl", bl));
            }
            int length = HEADER + thl + bl;
            if (in.length - pos < length) {
                return new Outcome(frames, new Ending("frame", length - (in.length - pos)));
            }
            frames.add(new Frame(channel, proto, status, id,
                    Arrays.copyOfRange(in, pos + HEADER, pos + HEADER + thl),
                    Arrays.copyOfRange(in, pos + HEADER + thl, pos + length)));
            pos += length;
        }
        if (pos < in.length) {
            return new Outcome(frames, new Ending("frame", HEADER - (in.length - pos)));
        }
        return new Outcome(frames, Ending.CLEAN);
    }

    /** One visible text-header entry, as bytes. */
    record Entry(byte[] name, byte[] value) {
        String nameString() {
            return new String(name, StandardCharsets.UTF_8);
        }

        String valueString() {
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    /**
     * tofu's TextHeaderIterator (spec §7): split at CRLF, skip empty lines, the last line may lack CRLF; name = the
     * bytes before the first ':', verbatim; value = the rest trimmed of SP and HT; no ':' means an empty value; an
     * entry with an empty name ends the iteration.
     */
    static List<Entry> parseHeaders(byte[] text) {
        List<Entry> entries = new ArrayList<>();
        int pos = 0;
        while (pos < text.length) {
            int end = pos;
            while (end < text.length && !(text[end] == '\r' && end + 1 < text.length && text[end + 1] == '\n')) {
                end++;
            }
            int next = end < text.length ? end + 2 : end;
            if (end == pos) {
                pos = next;
                continue;
            }
            int colon = -1;
            for (int i = pos; i < end; i++) {
                if (text[i] == ':') {
                    colon = i;
                    break;
                }
            }
            int nameEnd = colon < 0 ? end : colon;
            if (nameEnd == pos) {
                break;
            }
            int vs = colon < 0 ? end : colon + 1;
            int ve = end;
            while (vs < ve && (text[vs] == ' ' || text[vs] == '\t')) {
                vs++;
            }
            while (ve > vs && (text[ve - 1] == ' ' || text[ve - 1] == '\t')) {
                ve--;
            }
            entries.add(new Entry(Arrays.copyOfRange(text, pos, nameEnd), Arrays.copyOfRange(text, vs, ve)));
            pos = next;
        }
        return entries;
    }

    /**
     * What {@code TextHeaders.add(name, value)} must do: null means it must refuse the pair; otherwise the entry it
     * must add (name trimmed of SP, HT, CR, LF; value of SP, HT; spec E8).
     */
    static String[] expectedAdd(String name, String value) {
        if (name == null || value == null) {
            return null;
        }
        String n = trim(name, " \t\r\n");
        String v = trim(value, " \t");
        if (n.isEmpty() || v.isEmpty() || n.indexOf(':') >= 0 || n.indexOf('\r') >= 0 || n.indexOf('\n') >= 0
                || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0 || !utf8Encodable(n) || !utf8Encodable(v)) {
            return null;
        }
        return new String[] {n, v};
    }

    /** Whether UTF-8 can encode {@code s} (no unpaired surrogate): otherwise it would go out as '?'. */
    private static boolean utf8Encodable(String s) {
        return java.nio.charset.StandardCharsets.UTF_8.newEncoder().canEncode(s);
    }

    private static String trim(String s, String chars) {
        int a = 0;
        int b = s.length();
        while (a < b && chars.indexOf(s.charAt(a)) >= 0) {
            a++;
        }
        while (b > a && chars.indexOf(s.charAt(b - 1)) >= 0) {
            b--;
        }
        return s.substring(a, b);
    }

    static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    static long u64(byte[] b, int i) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            v = v << 8 | (b[i + k] & 0xFF);
        }
        return v;
    }

    /** A frame's bytes, written field by field. */
    static byte[] encode(int channel, int proto, int status, long id, byte[] headers, byte[] body) {
        byte[] out = new byte[HEADER + headers.length + body.length];
        out[0] = (byte) (channel >>> 8);
        out[1] = (byte) channel;
        out[2] = (byte) proto;
        out[3] = (byte) status;
        for (int k = 0; k < 8; k++) {
            out[4 + k] = (byte) (id >>> (56 - 8 * k));
        }
        out[12] = (byte) (headers.length >>> 8);
        out[13] = (byte) headers.length;
        out[14] = (byte) (body.length >>> 8);
        out[15] = (byte) body.length;
        System.arraycopy(headers, 0, out, HEADER, headers.length);
        System.arraycopy(body, 0, out, HEADER + headers.length, body.length);
        return out;
    }
}
