package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * tofu's text headers: ordered name/value pairs, encoded as {@code name:value\r\n} with no space after the colon
 * (spec §7).
 *
 * <p><b>Received headers</b> come from {@link #wrap(ByteBuf)}: a view over the wire bytes that copies nothing and
 * parses only when an entry is first asked for, with tofu's rules (split at CRLF; empty lines skipped; the last
 * line may lack its CRLF; name = the bytes before the first ':', verbatim; value = the rest, trimmed of SP and HT;
 * a line without ':' is a name with an empty value; an entry with an empty name ends the headers). The wrapped
 * bytes are re-encoded exactly as received, so an echoed header is byte-identical.
 *
 * <p><b>Ownership:</b> a {@code TextHeaders} never owns a buffer. {@code wrap} neither retains nor releases the
 * buffer, and does not move its indexes; whoever owns the buffer keeps it alive while the headers are used. A
 * {@link TofuMessage} from {@link TofuFrameDecoder} keeps the wire bytes of its headers alive through its body (a
 * retained slice of the same received memory), so its headers stay valid until the message is released.
 * {@link #copy()} gives headers
 * backed by the heap that depend on no buffer.
 *
 * <p><b>Local headers</b> are built with {@link #add}. Adding to wrapped headers first copies their visible entries
 * into heap storage (re-encoded canonically), so the result no longer depends on the wrapped buffer.
 *
 * <p>Names and values are bytes on the wire; tofu enforces no charset. The {@code String} views decode them as
 * UTF-8 and {@link #add} encodes as UTF-8. Names compare case-sensitively (as decoded strings; tofu compares
 * bytes, which is the same for valid UTF-8).
 * Not thread-safe.
 */
public final class TextHeaders implements Iterable<Map.Entry<String, String>> {
    private static final byte[] NO_BYTES = new byte[0];
    private static final int[] NO_SPANS = new int[0];
    private static final String[] NO_STRINGS = new String[0];
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte COLON = ':';

    /** Bytes these headers encode to: a wrapped buffer (not owned), or {@link #local}. */
    private ByteBuf source;
    private int sourceIndex;
    private int sourceLength;
    /** Heap storage behind {@link #source} when the headers are local or copied; null for a wrapped buffer. */
    private byte[] local;
    /** True when the bytes are exactly the encoding of the visible entries, so {@link #add} may append. */
    private boolean canonical;

    /** Parsed entries: 4 ints each (name start, name end, value start, value end), absolute in {@link #source}. */
    private int[] spans = NO_SPANS;
    /** Decoded names and values, 2 per entry, filled on demand. */
    private String[] strings = NO_STRINGS;
    /** Number of visible entries, or -1 before parsing. */
    private int size;

    /** Empty local headers. */
    public TextHeaders() {
        local = NO_BYTES;
        source = Unpooled.EMPTY_BUFFER;
        canonical = true;
        size = 0;
    }

    private TextHeaders(ByteBuf source, int index, int length, byte[] local, boolean canonical) {
        this.source = source;
        this.sourceIndex = index;
        this.sourceLength = length;
        this.local = local;
        this.canonical = canonical;
        this.size = -1;
    }

    /**
     * A lazily parsed view over the readable bytes of {@code wireBytes}. The buffer is neither retained nor
     * released, and its indexes are not moved; the caller keeps it alive while the headers are in use.
     */
    public static TextHeaders wrap(ByteBuf wireBytes) {
        if (!wireBytes.isReadable()) {
            return new TextHeaders();
        }
        return new TextHeaders(wireBytes, wireBytes.readerIndex(), wireBytes.readableBytes(), null, false);
    }

    /** A view over {@code length} bytes of {@code buf} at absolute {@code index}; the buffer is not owned. */
    static TextHeaders wrap(ByteBuf buf, int index, int length) {
        if (length == 0) {
            return new TextHeaders();
        }
        return new TextHeaders(buf, index, length, null, false);
    }

    /** Headers parsed from {@code wireBytes} (copied), as if received. */
    public static TextHeaders parse(byte[] wireBytes) {
        byte[] copy = wireBytes.clone();
        return new TextHeaders(Unpooled.wrappedBuffer(copy), 0, copy.length, copy, false);
    }

    /**
     * Adds an entry, written as {@code name:value\r\n}. The name is trimmed of SP, HT, CR and LF (as tofu does),
     * the value of SP and HT (tofu's parser would trim them anyway).
     *
     * @throws IllegalArgumentException if the name or the value is empty after trimming, the name contains ':',
     *                                  or either contains CR or LF or an unpaired surrogate (such entries would not
     *                                  parse back as added)
     */
    public TextHeaders add(String name, String value) {
        if (name == null) {
            throw new IllegalArgumentException("text header name is null");
        }
        if (value == null) {
            throw new IllegalArgumentException("text header value is null (name \"" + name + "\")");
        }
        String n = trim(name, true);
        String v = trim(value, false);
        if (n.isEmpty()) {
            throw new IllegalArgumentException("text header name is empty" + (name.isEmpty() ? "" : " after trimming"));
        }
        if (v.isEmpty()) {
            throw new IllegalArgumentException("text header value is empty" + (value.isEmpty() ? "" : " after trimming")
                    + " (name \"" + n + "\")");
        }
        if (n.indexOf(':') >= 0) {
            throw new IllegalArgumentException("text header name \"" + n + "\" contains ':'");
        }
        if (n.indexOf('\r') >= 0 || n.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("text header name \"" + n + "\" contains CR or LF");
        }
        if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("text header value of \"" + n + "\" contains CR or LF");
        }
        // UTF-8 cannot encode a lone surrogate (getBytes would send '?'), so the entry would not read back as added.
        checkEncodable("name", n, n);
        checkEncodable("value of", n, v);
        makeAppendable();
        byte[] nb = n.getBytes(StandardCharsets.UTF_8);
        byte[] vb = v.getBytes(StandardCharsets.UTF_8);
        int start = sourceLength;
        int newLength = start + nb.length + vb.length + 3;
        if (newLength > local.length) {
            local = Arrays.copyOf(local, Math.max(newLength, Math.max(64, local.length * 2)));
            source = Unpooled.wrappedBuffer(local);
        }
        System.arraycopy(nb, 0, local, start, nb.length);
        local[start + nb.length] = COLON;
        System.arraycopy(vb, 0, local, start + nb.length + 1, vb.length);
        local[newLength - 2] = CR;
        local[newLength - 1] = LF;
        sourceLength = newLength;
        int nameEnd = start + nb.length;
        int entry = addSpan(start, nameEnd, nameEnd + 1, newLength - 2);
        strings[2 * entry] = n;
        strings[2 * entry + 1] = v;
        return this;
    }

    /** The value of the first entry called {@code name}, or null. */
    public String get(String name) {
        ensureParsed();
        for (int i = 0; i < size; i++) {
            if (name(i).equals(name)) {
                return value(i);
            }
        }
        return null;
    }

    /** The values of all entries called {@code name}, in order; empty if none. */
    public List<String> getAll(String name) {
        ensureParsed();
        List<String> values = null;
        for (int i = 0; i < size; i++) {
            if (name(i).equals(name)) {
                if (values == null) {
                    values = new ArrayList<>(2);
                }
                values.add(value(i));
            }
        }
        return values == null ? Collections.emptyList() : values;
    }

    /** The number of visible entries (entries after one with an empty name are not visible, as in tofu). */
    public int size() {
        ensureParsed();
        return size;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** The number of bytes {@link #encode} writes; the {@code thl} of a frame carrying these headers. */
    public int encodedLength() {
        return sourceLength;
    }

    /** Writes the encoded headers to {@code out}; wrapped headers are written exactly as received. */
    public void encode(ByteBuf out) {
        if (sourceLength == 0) {
            return;
        }
        if (local != null) {
            out.writeBytes(local, sourceIndex, sourceLength); // straight from the array: the common local case
        } else {
            out.writeBytes(accessibleSource(), sourceIndex, sourceLength);
        }
    }

    /** Independent heap-backed headers with the same bytes (byte-exact for wrapped headers). */
    public TextHeaders copy() {
        byte[] bytes = new byte[sourceLength];
        accessibleSource().getBytes(sourceIndex, bytes);
        TextHeaders copy = new TextHeaders(Unpooled.wrappedBuffer(bytes), 0, bytes.length, bytes, canonical);
        return copy;
    }

    /** Whether these headers read from a buffer they do not own (from {@link #wrap}). */
    boolean isWrapped() {
        return local == null;
    }

    /** A view with its own entry list over the same bytes; wrapped bytes stay shared. */
    TextHeaders duplicate() {
        if (local != null) {
            return copy();
        }
        return new TextHeaders(source, sourceIndex, sourceLength, null, false);
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        ensureParsed();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                int i = next++;
                return new AbstractMap.SimpleImmutableEntry<>(name(i), value(i));
            }
        };
    }

    /** Equal when both have the same visible entries in the same order (the raw bytes may differ). */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof TextHeaders other)) {
            return false;
        }
        if (size() != other.size()) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (!name(i).equals(other.name(i)) || !value(i).equals(other.value(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0, n = size(); i < n; i++) {
            h = 31 * h + name(i).hashCode();
            h = 31 * h + value(i).hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TextHeaders[");
        for (int i = 0, n = size(); i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(name(i)).append(':').append(value(i));
        }
        return sb.append(']').toString();
    }

    private String name(int i) {
        String s = strings[2 * i];
        if (s == null) {
            s = decode(spans[4 * i], spans[4 * i + 1]);
            strings[2 * i] = s;
        }
        return s;
    }

    private String value(int i) {
        String s = strings[2 * i + 1];
        if (s == null) {
            s = decode(spans[4 * i + 2], spans[4 * i + 3]);
            strings[2 * i + 1] = s;
        }
        return s;
    }

    private String decode(int start, int end) {
        return start == end ? "" : accessibleSource().toString(start, end - start, StandardCharsets.UTF_8);
    }

    /** The source, checked to be alive: a released heap buffer would otherwise read as empty, not fail. */
    private ByteBuf accessibleSource() {
        return ByteBufUtil.ensureAccessible(source);
    }

    private void ensureParsed() {
        if (size < 0) {
            parseSource();
        }
    }

    /** tofu's TextHeaderIterator over the source bytes (spec §7). */
    private void parseSource() {
        size = 0;
        spans = NO_SPANS;
        strings = NO_STRINGS;
        ByteBuf buf = accessibleSource();
        int pos = sourceIndex;
        int end = sourceIndex + sourceLength;
        while (pos < end) {
            int lineEnd = indexOfCrLf(buf, pos, end);
            int next;
            if (lineEnd < 0) {
                lineEnd = end;
                next = end;
            } else {
                next = lineEnd + 2;
            }
            if (lineEnd == pos) {
                pos = next;
                continue;
            }
            int colon = buf.indexOf(pos, lineEnd, COLON);
            int nameEnd = colon < 0 ? lineEnd : colon;
            if (nameEnd == pos) {
                break; // an empty name ends the headers, as in tofu
            }
            int valueStart = colon < 0 ? lineEnd : colon + 1;
            int valueEnd = lineEnd;
            while (valueStart < valueEnd && isSpaceOrTab(buf.getByte(valueStart))) {
                valueStart++;
            }
            while (valueEnd > valueStart && isSpaceOrTab(buf.getByte(valueEnd - 1))) {
                valueEnd--;
            }
            addSpan(pos, nameEnd, valueStart, valueEnd);
            pos = next;
        }
    }

    private static int indexOfCrLf(ByteBuf buf, int from, int end) {
        int i = from;
        while (i < end) {
            int cr = buf.indexOf(i, end, CR);
            if (cr < 0 || cr + 1 >= end) {
                return -1;
            }
            if (buf.getByte(cr + 1) == LF) {
                return cr;
            }
            i = cr + 1;
        }
        return -1;
    }

    private int addSpan(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int i = size++;
        if (4 * size > spans.length) {
            int capacity = Math.max(4, size * 2);
            spans = Arrays.copyOf(spans, 4 * capacity);
            strings = Arrays.copyOf(strings, 2 * capacity);
        }
        spans[4 * i] = nameStart;
        spans[4 * i + 1] = nameEnd;
        spans[4 * i + 2] = valueStart;
        spans[4 * i + 3] = valueEnd;
        return i;
    }

    /** Rewrites the visible entries canonically into heap storage, so entries can be appended. */
    private void makeAppendable() {
        ensureParsed();
        if (canonical) {
            return;
        }
        ensureParsed();
        int n = size;
        int length = 0;
        for (int i = 0; i < n; i++) {
            length += (spans[4 * i + 1] - spans[4 * i]) + (spans[4 * i + 3] - spans[4 * i + 2]) + 3;
        }
        byte[] bytes = new byte[Math.max(64, length * 2)];
        int pos = 0;
        for (int i = 0; i < n; i++) {
            int nameLength = spans[4 * i + 1] - spans[4 * i];
            int valueLength = spans[4 * i + 3] - spans[4 * i + 2];
            source.getBytes(spans[4 * i], bytes, pos, nameLength);
            spans[4 * i] = pos;
            spans[4 * i + 1] = pos + nameLength;
            pos += nameLength;
            bytes[pos++] = COLON;
            source.getBytes(spans[4 * i + 2], bytes, pos, valueLength);
            spans[4 * i + 2] = pos;
            spans[4 * i + 3] = pos + valueLength;
            pos += valueLength;
            bytes[pos++] = CR;
            bytes[pos++] = LF;
        }
        local = bytes;
        source = Unpooled.wrappedBuffer(bytes);
        sourceIndex = 0;
        sourceLength = pos;
        canonical = true;
    }

    private static void checkEncodable(String what, String name, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("text header " + what + " \"" + name + "\" contains an unpaired "
                        + "surrogate (U+" + Integer.toHexString(c).toUpperCase(Locale.ROOT) + " at index " + i
                        + "), which UTF-8 cannot encode");
            }
        }
    }

    private static boolean isSpaceOrTab(byte b) {
        return b == ' ' || b == '\t';
    }

    private static String trim(String s, boolean crLfToo) {
        int start = 0;
        int end = s.length();
        while (start < end && isTrimmed(s.charAt(start), crLfToo)) {
            start++;
        }
        while (end > start && isTrimmed(s.charAt(end - 1), crLfToo)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isTrimmed(char c, boolean crLfToo) {
        return c == ' ' || c == '\t' || (crLfToo && (c == '\r' || c == '\n'));
    }
}
