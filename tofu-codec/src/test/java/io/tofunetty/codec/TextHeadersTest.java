package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.tofunetty.codec.Wire.ascii;
import static io.tofunetty.codec.Wire.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

/** tofu's text headers: encoding (spec §7 append), parsing (TextHeaderIterator), and the view's ownership. */
class TextHeadersTest {

    @Test
    void encodesEachEntryAsNameColonValueCrLfWithoutASpace() {
        TextHeaders headers = new TextHeaders().add("seq", "1").add("x-peer", "tofu");

        assertThat(new String(bytes(headers), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("seq:1\r\nx-peer:tofu\r\n");
        assertThat(headers.encodedLength()).isEqualTo(20);
        assertThat(headers.size()).isEqualTo(2);
    }

    @Test
    void keepsEntriesInOrderIncludingRepeatedNames() {
        TextHeaders headers = new TextHeaders().add("a", "1").add("b", "2").add("a", "3");

        assertThat(headers.get("a")).isEqualTo("1");
        assertThat(headers.getAll("a")).containsExactly("1", "3");
        assertThat(headers.getAll("missing")).isEmpty();
        assertThat(headers.get("missing")).isNull();
        assertThat(headers).containsExactly(entry("a", "1"), entry("b", "2"), entry("a", "3"));
    }

    @Test
    void trimsTheNameOfSpaceTabCrLfAndTheValueOfSpaceAndTab() {
        TextHeaders headers = new TextHeaders().add(" \t\r\nname\r\n ", " \tvalue \t");

        assertThat(bytes(headers)).isEqualTo(ascii("name:value\r\n"));
    }

    @Test
    void namesAreCaseSensitiveAsInTofu() {
        TextHeaders headers = new TextHeaders().add("Seq", "1");

        assertThat(headers.get("seq")).isNull();
        assertThat(headers.get("Seq")).isEqualTo("1");
    }

    @Test
    void rejectsAnEmptyNameSayingItIsTheName() {
        assertThatThrownBy(() -> new TextHeaders().add("", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name is empty");
        assertThatThrownBy(() -> new TextHeaders().add(" \r\n", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name is empty after trimming");
    }

    @Test
    void rejectsAnEmptyValueSayingItIsTheValue() {
        assertThatThrownBy(() -> new TextHeaders().add("n", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value is empty")
                .hasMessageContaining("\"n\"");
        assertThatThrownBy(() -> new TextHeaders().add("n", " \t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value is empty after trimming");
    }

    @Test
    void rejectsEntriesThatWouldNotParseBack() {
        assertThatThrownBy(() -> new TextHeaders().add("a:b", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name \"a:b\" contains ':'");
        assertThatThrownBy(() -> new TextHeaders().add("a\rb", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains CR or LF");
        assertThatThrownBy(() -> new TextHeaders().add("a", "x\r\ny:z"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value of \"a\" contains CR or LF");
        assertThatThrownBy(() -> new TextHeaders().add(null, "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name is null");
        assertThatThrownBy(() -> new TextHeaders().add("n", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value is null");
    }

    @Test
    void aValueMayContainColonsBecauseOnlyTheFirstColonSplits() {
        TextHeaders headers = parse("~connect_to:tcp|127.0.0.1|7099\r\nurl:http://h:80/x\r\n");

        assertThat(headers.get("url")).isEqualTo("http://h:80/x");
        assertThat(new TextHeaders().add("url", "http://h:80/x").get("url")).isEqualTo("http://h:80/x");
    }

    @Test
    void parsesALastLineWithoutCrLf() {
        assertThat(parse("a:1\r\nb:2")).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(parse("only:one")).containsExactly(entry("only", "one"));
    }

    @Test
    void skipsEmptyLines() {
        assertThat(parse("\r\n\r\na:1\r\n\r\nb:2\r\n\r\n")).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(parse("\r\n\r\n")).isEmpty();
    }

    @Test
    void takesTheNameVerbatimAndTrimsTheValueOfSpaceAndTab() {
        assertThat(parse(" name :\t value \t\r\n")).containsExactly(entry(" name ", "value"));
    }

    @Test
    void aLineWithoutColonIsANameWithAnEmptyValue() {
        TextHeaders headers = parse("flag\r\na:1\r\n");

        assertThat(headers).containsExactly(entry("flag", ""), entry("a", "1"));
        assertThat(headers.get("flag")).isEmpty();
    }

    @Test
    void anEntryWithAnEmptyNameEndsIteration() {
        String wire = "a:1\r\n:hidden\r\nb:2\r\n";
        TextHeaders headers = parse(wire);

        assertThat(headers).containsExactly(entry("a", "1"));
        assertThat(headers.size()).isEqualTo(1);
        assertThat(headers.get("b")).isNull();
        // the bytes are still re-encoded exactly as received
        assertThat(bytes(headers)).isEqualTo(ascii(wire));
    }

    @Test
    void onlyCrLfSplitsLinesALoneCrOrLfStaysInTheLine() {
        assertThat(parse("a:1\nb:2\r\n")).containsExactly(entry("a", "1\nb:2"));
        assertThat(parse("a:1\rb:2")).containsExactly(entry("a", "1\rb:2"));
    }

    @Test
    void emptyWireBytesAreEmptyHeaders() {
        TextHeaders headers = TextHeaders.wrap(Unpooled.EMPTY_BUFFER);
        assertThat(headers.isEmpty()).isTrue();
        assertThat(headers.encodedLength()).isZero();
    }

    @Test
    void decodesNamesAndValuesAsUtf8AndEncodesAddedOnesAsUtf8() {
        TextHeaders headers = new TextHeaders().add("grüße", "日本");

        assertThat(TextHeaders.parse(bytes(headers)).get("grüße")).isEqualTo("日本");
        assertThat(headers.encodedLength()).isEqualTo("grüße:日本\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void wrappedHeadersReEncodeByteExactEvenWhenNotCanonical() {
        byte[] wire = {'a', ' ', ':', ' ', 'b', '\r', '\n', '\r', '\n', (byte) 0xFF, ':', (byte) 0xFE, 'x'};
        ByteBuf buf = Unpooled.wrappedBuffer(wire);

        TextHeaders headers = TextHeaders.wrap(buf);
        headers.size(); // parse first, then encode

        assertThat(bytes(headers)).isEqualTo(wire);
        assertThat(buf.readerIndex()).isZero();
        assertThat(bytes(headers.copy())).isEqualTo(wire);
    }

    @Test
    void wrapCopiesNothingAndParsesOnFirstAccess() {
        ByteBuf buf = Unpooled.buffer().writeBytes(ascii("a:1\r\n"));
        TextHeaders headers = TextHeaders.wrap(buf);

        buf.setByte(2, '9'); // a change before the first access is seen: nothing was copied or parsed yet
        assertThat(headers.get("a")).isEqualTo("9");
        assertThat(buf.refCnt()).isEqualTo(1); // neither retained nor released
    }

    @Test
    void wrappedHeadersAreUnusableOnceTheirBufferIsReleased() {
        ByteBuf buf = Unpooled.buffer().writeBytes(ascii("a:1\r\n"));
        TextHeaders headers = TextHeaders.wrap(buf);
        buf.release();

        assertThatThrownBy(headers::size).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(() -> headers.encode(Unpooled.buffer())).isInstanceOf(IllegalReferenceCountException.class);
        assertThatThrownBy(headers::copy).isInstanceOf(IllegalReferenceCountException.class);
    }

    @Test
    void copyDoesNotDependOnTheWrappedBuffer() {
        ByteBuf buf = Unpooled.buffer().writeBytes(ascii("a:1\r\nb:2"));
        TextHeaders copy = TextHeaders.wrap(buf).copy();
        buf.release();

        assertThat(copy).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(bytes(copy)).isEqualTo(ascii("a:1\r\nb:2"));
    }

    @Test
    void addingToWrappedHeadersRewritesTheVisibleEntriesThenAppends() {
        ByteBuf buf = Unpooled.buffer().writeBytes(ascii("\r\na : 1\r\nflag\r\nb:2\r\n:gone\r\nc:3"));
        TextHeaders headers = TextHeaders.wrap(buf);

        headers.add("d", "4");
        buf.release(); // no longer needed: the entries were copied

        assertThat(headers).containsExactly(entry("a ", "1"), entry("flag", ""), entry("b", "2"), entry("d", "4"));
        assertThat(bytes(headers)).isEqualTo(ascii("a :1\r\nflag:\r\nb:2\r\nd:4\r\n"));
        assertThat(TextHeaders.parse(bytes(headers))).isEqualTo(headers);
    }

    @Test
    void addingToACopyOfReceivedHeadersWorks() {
        TextHeaders copy = TextHeaders.parse(ascii("a:1")).copy();
        copy.add("b", "2");

        assertThat(copy).containsExactly(entry("a", "1"), entry("b", "2"));
        assertThat(bytes(copy)).isEqualTo(ascii("a:1\r\nb:2\r\n"));
    }

    @Test
    void manyEntriesSurviveGrowthAndParseBack() {
        TextHeaders headers = new TextHeaders();
        List<Map.Entry<String, String>> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            headers.add("name-" + i, "value-" + i);
            expected.add(entry("name-" + i, "value-" + i));
        }

        assertThat(headers).containsExactlyElementsOf(expected);
        assertThat(TextHeaders.parse(bytes(headers))).containsExactlyElementsOf(expected);
        assertThat(headers.toString()).startsWith("TextHeaders[name-0:value-0, name-1:value-1");
    }

    @Test
    void equalityIsByVisibleEntries() {
        assertThat(parse("a : 1")).isEqualTo(parse("a :1\r\n")).hasSameHashCodeAs(parse("a :1\r\n"));
        assertThat(parse("a:1")).isNotEqualTo(parse("a:2"));
        assertThat(parse("a:1\r\n:x\r\nb:2")).isEqualTo(new TextHeaders().add("a", "1"));
    }

    private static TextHeaders parse(String wire) {
        return TextHeaders.parse(ascii(wire));
    }
}
