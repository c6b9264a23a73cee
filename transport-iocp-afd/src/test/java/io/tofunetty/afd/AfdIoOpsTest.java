package io.tofunetty.afd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AfdIoOpsTest {

    @Test
    void bitValuesAreTheAfdPollConstants() {
        assertThat(AfdIoOps.RECEIVE).isEqualTo(0x1);
        assertThat(AfdIoOps.SEND).isEqualTo(0x4);
        assertThat(AfdIoOps.DISCONNECT).isEqualTo(0x8);
        assertThat(AfdIoOps.ABORT).isEqualTo(0x10);
        assertThat(AfdIoOps.LOCAL_CLOSE).isEqualTo(0x20);
        assertThat(AfdIoOps.ACCEPT).isEqualTo(0x80);
        assertThat(AfdIoOps.CONNECT_FAIL).isEqualTo(0x100);
        assertThat(AfdIoOps.STICKY).isEqualTo(0x18);
        assertThat(AfdIoOps.READ).isEqualTo(0x19);
        assertThat(AfdIoOps.CONNECT).isEqualTo(0x114);
    }

    @Test
    void valueOfReturnsCachedInstances() {
        assertThat(AfdIoOps.valueOf(AfdIoOps.READ)).isSameAs(AfdIoOps.valueOf(AfdIoOps.READ));
        assertThat(AfdIoOps.valueOf(0)).isSameAs(AfdIoOps.NONE);
        assertThat(AfdIoOps.NONE.isEmpty()).isTrue();
    }

    @Test
    void s6_18_receiveExpeditedAndConnectAreRefusedWithAReason() {
        assertThatThrownBy(() -> AfdIoOps.valueOf(0x2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RECEIVE_EXPEDITED");
        assertThatThrownBy(() -> AfdIoOps.valueOf(AfdIoOps.SEND | 0x40))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CONNECT (0x40)");
        assertThatThrownBy(() -> AfdIoOps.valueOf(0x200)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown bits 0x200");
        assertThatThrownBy(() -> AfdIoOps.valueOf(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AfdIoOps.valueOf(AfdIoOps.READ).with(0x2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withWithoutAndContains() {
        AfdIoOps read = AfdIoOps.valueOf(AfdIoOps.READ);
        AfdIoOps rw = read.with(AfdIoOps.SEND);
        assertThat(rw.mask()).isEqualTo(AfdIoOps.READ | AfdIoOps.SEND);
        assertThat(rw.contains(AfdIoOps.SEND | AfdIoOps.RECEIVE)).isTrue();
        assertThat(rw.without(AfdIoOps.SEND)).isSameAs(read);
        assertThat(read.contains(AfdIoOps.SEND)).isFalse();
        assertThat(read.without(AfdIoOps.READ).isEmpty()).isTrue();
        assertThat(rw.toString()).contains("RECEIVE").contains("SEND").contains("DISCONNECT");
    }

    @Test
    void eventHelpersReadTheirBits() {
        AfdIoEvent e = new AfdIoEvent(AfdIoOps.RECEIVE | AfdIoOps.DISCONNECT | AfdIoOps.LOCAL_CLOSE, 0, 0, false);
        assertThat(e.isReadable()).isTrue();
        assertThat(e.isDisconnect()).isTrue();
        assertThat(e.isLocalClose()).isTrue();
        assertThat(e.isWritable()).isFalse();
        assertThat(e.isAbort()).isFalse();
        assertThat(e.isAccept()).isFalse();
        assertThat(e.isConnectFailed()).isFalse();
        assertThat(e.isError()).isFalse();
        assertThat(AfdIoEvent.describe(0x1 | 0x100 | 0x4000)).isEqualTo("RECEIVE|CONNECT_FAIL|0x4000");
        assertThat(new AfdIoEvent(0, 0xC0000236, 1225, true).toException())
                .hasMessageContaining("0xC0000236").hasMessageContaining("STATUS_CONNECTION_REFUSED")
                .hasMessageContaining("1225").hasMessageContaining("ERROR_CONNECTION_REFUSED");
    }

    @Test
    void optionsValidateTheirValues() {
        AfdIoHandlerOptions o = AfdIoHandlerOptions.defaults();
        assertThat(o.groupSize()).isEqualTo(32);
        assertThat(o.completionBatchSize()).isEqualTo(1024);
        assertThat(o.withGroupSize(128).groupSize()).isEqualTo(128);
        assertThatThrownBy(() -> o.withGroupSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("groupSize");
        assertThatThrownBy(() -> o.withDeviceName("a\\b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> o.withMaxCompletionBatchSize(10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxCompletionBatchSize");
        assertThat(o.withCompletionBatchSize(100_000).maxCompletionBatchSize()).isEqualTo(100_000);
    }
}
