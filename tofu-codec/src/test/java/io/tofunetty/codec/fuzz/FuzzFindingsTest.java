package io.tofunetty.codec.fuzz;

import io.tofunetty.codec.TextHeaders;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Regression tests for what the fuzzer found (docs/reliability.md lists the findings). */
class FuzzFindingsTest {

    /**
     * Finding 1 (seed 9155547966850077003): add() accepted a lone surrogate; the local view kept it while the wire
     * carried '?', so the peer saw another value than the sender's headers showed.
     */
    @Test
    void addRefusesAnUnpairedSurrogateInsteadOfSendingAQuestionMark() {
        TextHeaders h = new TextHeaders().add("k", "v");
        assertThatThrownBy(() -> h.add("C\u0109", "dup~listen_on\uddf0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate").hasMessageContaining("U+DDF0");
        assertThatThrownBy(() -> h.add("n\ud800", "v"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> h.add("n", "\udc00\ud800"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("U+DC00");
        assertThat(h.size()).isEqualTo(1);
        assertThat(HeaderChecks.encode(h)).isEqualTo("k:v\r\n".getBytes());

        // A proper pair is fine and reads back as added.
        List<String> problems = new ArrayList<>();
        HeaderChecks.checkAdd(h, List.<String[]>of(new String[] {"k", "v"}), "smile", "\uD83D\uDE00", problems);
        assertThat(problems).isEmpty();
        assertThat(TextHeaders.parse(HeaderChecks.encode(h)).get("smile")).isEqualTo("\uD83D\uDE00");
    }
}
