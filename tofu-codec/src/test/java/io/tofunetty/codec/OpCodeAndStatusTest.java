package io.tofunetty.codec;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The opcode and status tables of the spec (§4, §5). */
class OpCodeAndStatusTest {

    @Test
    void opCodesHaveTofusWireValuesAndNames() {
        assertThat(Arrays.stream(OpCode.values()).map(OpCode::tofuName)).containsExactly(
                "Request", "Response", "Signal", "HelloRequest", "HelloResponse",
                "ByeRequest", "ByeResponse", "ByeSignal", "WelcomeRequest", "WelcomeResponse");
        for (int v = 0; v <= 9; v++) {
            assertThat(OpCode.fromWireValue(v).wireValue()).isEqualTo(v);
        }
    }

    @Test
    void fromWireValueRejectsValuesOutsideZeroToNineNamingTheValue() {
        for (int v : new int[] {10, 15, -1, 256}) {
            assertThatThrownBy(() -> OpCode.fromWireValue(v))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opcode " + v);
        }
    }

    @Test
    void rolesFollowTofusTable() {
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::isRequest)).containsExactly(
                OpCode.REQUEST, OpCode.HELLO_REQUEST, OpCode.BYE_REQUEST, OpCode.WELCOME_REQUEST);
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::isResponse)).containsExactly(
                OpCode.RESPONSE, OpCode.HELLO_RESPONSE, OpCode.BYE_RESPONSE, OpCode.WELCOME_RESPONSE);
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::isSignal)).containsExactly(
                OpCode.SIGNAL, OpCode.BYE_SIGNAL);
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::isBye)).containsExactly(
                OpCode.BYE_REQUEST, OpCode.BYE_RESPONSE, OpCode.BYE_SIGNAL);
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::mayHaveMore)).containsExactly(
                OpCode.REQUEST, OpCode.RESPONSE, OpCode.SIGNAL);
        assertThat(Arrays.stream(OpCode.values()).filter(OpCode::isWireOpCode)).hasSize(8)
                .doesNotContain(OpCode.WELCOME_REQUEST, OpCode.WELCOME_RESPONSE);
    }

    @Test
    void echoMapsRequestsToTheirResponsesAndSignalsToThemselves() {
        assertThat(OpCode.REQUEST.echo()).isEqualTo(OpCode.RESPONSE);
        assertThat(OpCode.SIGNAL.echo()).isEqualTo(OpCode.SIGNAL);
        assertThat(OpCode.HELLO_REQUEST.echo()).isEqualTo(OpCode.HELLO_RESPONSE);
        assertThat(OpCode.BYE_REQUEST.echo()).isEqualTo(OpCode.BYE_RESPONSE);
        assertThat(OpCode.WELCOME_REQUEST.echo()).isEqualTo(OpCode.WELCOME_RESPONSE);
        assertThat(OpCode.BYE_SIGNAL.echo()).isEqualTo(OpCode.BYE_SIGNAL);
    }

    @Test
    void statusesHaveTofusThirtyTwoCodesAndNamesIncludingTheTypo() {
        Status[] all = Status.values();
        assertThat(all).hasSize(32);
        for (int i = 0; i < all.length; i++) {
            assertThat(all[i].code()).isEqualTo(i);
            assertThat(Status.fromCode(i)).isSameAs(all[i]);
        }
        assertThat(Status.SUCCESS.tofuName()).isEqualTo("success");
        assertThat(Status.INVALID_MCHN_GROUP.code()).isEqualTo(11);
        assertThat(Status.INVALID_MCHN_GROUP.tofuName()).isEqualTo("invelid_mchn_group");
        assertThat(Status.CHANNEL_CLOSED.code()).isEqualTo(22);
        assertThat(Status.CONNECT_FAILED.code()).isEqualTo(24);
        assertThat(Status.UNKNOWN_ERROR.tofuName()).isEqualTo("unknown_error");
    }

    @Test
    void fromCodeMapsThirtyOneAndAboveAndNegativeValuesToUnknownError() {
        assertThat(Status.fromCode(31)).isEqualTo(Status.UNKNOWN_ERROR);
        assertThat(Status.fromCode(32)).isEqualTo(Status.UNKNOWN_ERROR);
        assertThat(Status.fromCode(255)).isEqualTo(Status.UNKNOWN_ERROR);
        assertThat(Status.fromCode(-1)).isEqualTo(Status.UNKNOWN_ERROR);
    }
}
