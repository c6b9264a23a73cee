package io.tofunetty.examples.echo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EchoAddressTest {
    @Test
    void parsesTofuAddresses() throws Exception {
        EchoAddress tcp = EchoAddress.parse("tcp|127.0.0.1|7099");
        assertThat(tcp.isUds()).isFalse();
        assertThat(tcp.host()).isEqualTo("127.0.0.1");
        assertThat(tcp.port()).isEqualTo(7099);
        assertThat(tcp).hasToString("tcp|127.0.0.1|7099").isEqualTo(EchoAddress.tcp("127.0.0.1", 7099));

        EchoAddress uds = EchoAddress.parse("uds|/tmp/tofu_1_2.port");
        assertThat(uds.isUds()).isTrue();
        assertThat(uds.path()).isEqualTo("/tmp/tofu_1_2.port");
        assertThat(uds).hasToString("uds|/tmp/tofu_1_2.port");

        // An empty host: all interfaces for a listener, 127.0.0.1 for a client (tofu's defaults).
        EchoAddress any = EchoAddress.parse("tcp||7099");
        assertThat(any.inetSocketAddress(true)).isEqualTo(new InetSocketAddress(7099));
        assertThat(any.inetSocketAddress(false)).isEqualTo(new InetSocketAddress("127.0.0.1", 7099));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "tcp", "tcp|127.0.0.1", "tcp|h|p", "tcp|h|-1", "tcp|h|65536", "udp|h|1",
        "uds|", "uds", "uds|a|b|c", "tcp|a|1|x", "http://localhost:80"})
    void rejectsWhatIsNotATofuAddress(String value) {
        assertThatThrownBy(() -> EchoAddress.parse(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(value.isEmpty() ? "address" : "\"" + value + "\"");
    }
}
