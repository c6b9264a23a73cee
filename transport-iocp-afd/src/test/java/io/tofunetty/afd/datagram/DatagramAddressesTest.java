package io.tofunetty.afd.datagram;

import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.afd.internal.socket.DatagramSockets;
import io.tofunetty.afd.internal.socket.DomainSockets;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure address helpers of the datagram and AF_UNIX channels (no socket: runs on any JVM). */
class DatagramAddressesTest {

    @Test
    void theImplicitBindOfAnUnboundSocketUsesTheWildcardOfItsFamily() {
        // (on a dual-stack socket 0.0.0.0 and :: both bind ::, see SockAddrsTest)
        assertThat(DatagramSockets.wildcard(true).getAddress().getAddress()).hasSize(16).containsOnly(0);
        assertThat(DatagramSockets.wildcard(false).getAddress().getAddress()).hasSize(4).containsOnly(0);
        assertThat(DatagramSockets.wildcard(true).getPort()).isZero();
    }

    @Test
    void multicastInterfaceValuesKeepNetworkByteOrder() throws Exception {
        InetAddress a = InetAddress.getByName("192.168.1.20");
        int value = DatagramSockets.inAddrValue(a);
        assertThat(value & 0xFF).isEqualTo(192); // first octet in the lowest byte: IN_ADDR read as a little-endian int
        assertThat(DatagramSockets.inAddrOf(value)).isEqualTo(a);
        assertThat(DatagramSockets.inAddrValue(null)).isZero();
        assertThat(DatagramSockets.inAddrOf(0)).isNull();
        assertThatThrownBy(() -> DatagramSockets.inAddrValue(InetAddress.getByName("::1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("IPv4");
    }

    @Test
    void domainSocketPathsComeFromNettysOrTheJdksAddress() {
        assertThat(DomainSockets.path(new DomainSocketAddress("C:\\run\\a.sock"))).isEqualTo("C:\\run\\a.sock");
        assertThat(DomainSockets.path(UnixDomainSocketAddress.of("b.sock"))).isEqualTo("b.sock");
        assertThatThrownBy(() -> DomainSockets.path(new InetSocketAddress(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("DomainSocketAddress");
        assertThatThrownBy(() -> DomainSockets.path(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> DomainSockets.path(new DomainSocketAddress("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
