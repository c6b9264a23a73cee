package io.tofunetty.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tofunetty.codec.TextHeaders;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Checks a {@link TextHeaders} against {@link WireModel#parseHeaders} through its whole public surface: size,
 * iteration, get/getAll, encoding, copies, equality, and adding entries (which re-encodes wrapped headers).
 * Every method returns the problems it found; an exception other than the documented
 * {@link IllegalArgumentException} from {@code add} is itself a problem.
 */
final class HeaderChecks {
    private HeaderChecks() {
    }

    /** {@code h} must show exactly the entries tofu's iterator finds in {@code wire}, and encode to {@code wire}. */
    static void check(TextHeaders h, byte[] wire, FrameGenerator gen, List<String> problems) {
        List<WireModel.Entry> model = WireModel.parseHeaders(wire);
        try {
            checkEntries("headers", h, strings(model), problems);
            if (h.encodedLength() != wire.length) {
                problems.add("encodedLength " + h.encodedLength() + " != " + wire.length);
            }
            byte[] encoded = encode(h);
            if (!Arrays.equals(encoded, wire)) {
                problems.add("encode() is not byte-exact: " + show(encoded) + " vs " + show(wire));
            }
            TextHeaders parsed = TextHeaders.parse(wire);
            TextHeaders copy = h.copy();
            if (!parsed.equals(h) || !h.equals(parsed) || parsed.hashCode() != h.hashCode()) {
                problems.add("parse(wire) differs from the view: " + parsed + " vs " + h);
            }
            if (!copy.equals(h) || !Arrays.equals(encode(copy), wire)) {
                problems.add("copy() differs: " + copy + " vs " + h);
            }
            if (h.toString() == null) {
                problems.add("toString() is null");
            }
            checkAdd(copy, strings(model), gen.headerString(), gen.headerString(), problems);
        } catch (RuntimeException e) {
            problems.add("unexpected " + describe(e) + " on headers " + show(wire));
        }
    }

    /**
     * Adds (name, value) to {@code h}, whose entries are {@code before}: refused exactly when the model refuses it,
     * with an IllegalArgumentException and {@code h} unchanged; otherwise appended, and the new encoding parses
     * back to the same entries.
     */
    static void checkAdd(TextHeaders h, List<String[]> before, String name, String value, List<String> problems) {
        String[] expected = WireModel.expectedAdd(name, value);
        byte[] bytesBefore = encode(h);
        try {
            h.add(name, value);
            if (expected == null) {
                problems.add("add(" + quote(name) + ", " + quote(value) + ") was accepted; it must be refused");
                return;
            }
        } catch (IllegalArgumentException e) {
            if (expected != null) {
                problems.add("add(" + quote(name) + ", " + quote(value) + ") was refused: " + e.getMessage());
            } else if (e.getMessage() == null || e.getMessage().isEmpty()) {
                problems.add("add refused without a message");
            }
            if (!Arrays.equals(encode(h), bytesBefore)) {
                problems.add("a refused add changed the headers");
            }
            return;
        }
        List<String[]> after = new ArrayList<>(before);
        after.add(expected);
        checkEntries("after add", h, after, problems);
        byte[] wire = encode(h);
        checkEntries("the wire form after add", TextHeaders.parse(wire), after, problems);
        if (h.encodedLength() != wire.length) {
            problems.add("encodedLength after add " + h.encodedLength() + " != " + wire.length);
        }
    }

    static void checkEntries(String what, TextHeaders h, List<String[]> expected, List<String> problems) {
        if (h.size() != expected.size()) {
            problems.add(what + ": size " + h.size() + " != " + expected.size() + " " + show(expected) + " got " + h);
            return;
        }
        if (h.isEmpty() != expected.isEmpty()) {
            problems.add(what + ": isEmpty wrong");
        }
        int i = 0;
        for (Map.Entry<String, String> e : h) {
            String[] x = expected.get(i++);
            if (!e.getKey().equals(x[0]) || !e.getValue().equals(x[1])) {
                problems.add(what + ": entry " + (i - 1) + " is " + quote(e.getKey()) + "=" + quote(e.getValue())
                        + ", expected " + quote(x[0]) + "=" + quote(x[1]));
            }
        }
        // get/getAll for up to 40 names (all of them for usual headers; a sample of very long ones).
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String[] x : expected) {
            byName.computeIfAbsent(x[0], k -> new ArrayList<>()).add(x[1]);
        }
        int step = Math.max(1, byName.size() / 40);
        int k = 0;
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            if (k++ % step != 0) {
                continue;
            }
            String first = e.getValue().get(0);
            if (!first.equals(h.get(e.getKey()))) {
                problems.add(what + ": get(" + quote(e.getKey()) + ") = " + quote(h.get(e.getKey())) + ", expected "
                        + quote(first));
            }
            if (!e.getValue().equals(h.getAll(e.getKey()))) {
                problems.add(what + ": getAll(" + quote(e.getKey()) + ") = " + h.getAll(e.getKey()) + ", expected "
                        + e.getValue());
            }
        }
        if (h.get("\u0001absent") != null || !h.getAll("\u0001absent").isEmpty()) {
            problems.add(what + ": an absent name was found");
        }
    }

    /** Wraps {@code wire} in a buffer of a random kind, at a random offset, with junk around it. */
    static ByteBuf wrapRandomly(byte[] wire, SplittableRandom rnd) {
        int before = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 9) : 0;
        int after = rnd.nextInt(4) == 0 ? rnd.nextInt(1, 9) : 0;
        ByteBuf buf = switch (rnd.nextInt(3)) {
            case 0 -> Unpooled.buffer(before + wire.length + after);
            case 1 -> Unpooled.directBuffer(before + wire.length + after);
            default -> Unpooled.compositeBuffer();
        };
        byte[] junk = new byte[before + wire.length + after];
        Arrays.fill(junk, (byte) ':');
        buf.writeBytes(junk, 0, before);
        if (buf.isDirect() || buf.hasArray()) {
            buf.writeBytes(wire);
        } else {
            // composite: the header bytes split over two components
            int cut = wire.length == 0 ? 0 : rnd.nextInt(wire.length + 1);
            ((io.netty.buffer.CompositeByteBuf) buf).addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOf(wire, cut)));
            ((io.netty.buffer.CompositeByteBuf) buf).addComponent(true,
                    Unpooled.wrappedBuffer(Arrays.copyOfRange(wire, cut, wire.length)));
        }
        buf.writeBytes(junk, 0, after);
        buf.readerIndex(before);
        buf.writerIndex(before + wire.length);
        return buf;
    }

    static List<String[]> strings(List<WireModel.Entry> entries) {
        List<String[]> out = new ArrayList<>(entries.size());
        for (WireModel.Entry e : entries) {
            out.add(new String[] {e.nameString(), e.valueString()});
        }
        return out;
    }

    static byte[] encode(TextHeaders h) {
        ByteBuf buf = Unpooled.buffer(h.encodedLength());
        try {
            h.encode(buf);
            byte[] out = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), out);
            return out;
        } finally {
            buf.release();
        }
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) {
            sb.append("\n    at ").append(st[i]);
        }
        return sb.toString();
    }

    static String show(byte[] b) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(b.length, 200); i++) {
            int c = b[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.append(b.length > 200 ? "...\" (" + b.length + " bytes)" : "\"").toString();
    }

    private static String show(List<String[]> entries) {
        StringBuilder sb = new StringBuilder("[");
        for (String[] e : entries) {
            sb.append(quote(e[0])).append('=').append(quote(e[1])).append(' ');
        }
        return sb.append(']').toString();
    }

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.append('"').toString();
    }
}
