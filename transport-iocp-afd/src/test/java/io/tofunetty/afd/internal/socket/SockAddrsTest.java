package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Winsock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SockAddrsTest {
    private final long sa = Mem.allocate(SockAddrs.STORAGE_SIZE);

    @AfterEach
    void free() {
        Mem.free(sa);
    }

    @Test
    void ipv4LayoutAndRoundTrip() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 0x1234);
        assertThat(SockAddrs.write(a, sa)).isEqualTo(16);
        assertThat(Mem.getShort(sa)).isEqualTo((short) Winsock.AF_INET);
        assertThat(Mem.getByte(sa + 2)).isEqualTo((byte) 0x12); // network order
        assertThat(Mem.getByte(sa + 3)).isEqualTo((byte) 0x34);
        assertThat(Mem.getByte(sa + 4)).isEqualTo((byte) 10);
        assertThat(SockAddrs.read(sa, 16)).isEqualTo(a);
    }

    @Test
    void ipv6LayoutWithScopeAndRoundTrip() throws Exception {
        byte[] ip = InetAddress.getByName("fe80::1").getAddress();
        assertThat(SockAddrs.writeIn6(ip, 443, 7, sa)).isEqualTo(28);
        assertThat(Mem.getShort(sa)).isEqualTo((short) Winsock.AF_INET6);
        assertThat(Mem.getInt(sa + 24)).isEqualTo(7);
        InetSocketAddress back = SockAddrs.readInet(sa, 28);
        assertThat(back.getPort()).isEqualTo(443);
        assertThat(((java.net.Inet6Address) back.getAddress()).getScopeId()).isEqualTo(7);
    }

    @Test
    void ipv4OnADualStackSocketIsWrittenV4MappedAndReadBackAsIpv4() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 80);
        assertThat(SockAddrs.write(a, sa, Winsock.AF_INET6)).isEqualTo(28);
        assertThat(SockAddrs.read(sa, 28)).isEqualTo(a);
    }

    @Test
    void theIpv4WildcardIsWrittenAsTheDualStackWildcardOnAnIpv6Socket() throws Exception {
        // bind(port) gives 0.0.0.0; as ::ffff:0.0.0.0 a dual-stack listener would take IPv4 clients only
        for (InetSocketAddress any4 : new InetSocketAddress[] {
                new InetSocketAddress(5000), new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5000)}) {
            assertThat(SockAddrs.write(any4, sa, Winsock.AF_INET6)).isEqualTo(28);
            assertThat(Mem.getShort(sa)).isEqualTo((short) Winsock.AF_INET6);
            byte[] ip = new byte[16];
            Mem.copy(sa + 8, ip, 0, 16);
            assertThat(ip).containsOnly(0);
            assertThat(SockAddrs.read(sa, 28)).isEqualTo(new InetSocketAddress(InetAddress.getByName("::"), 5000));
            // an IPv4 socket keeps the IPv4 wildcard
            assertThat(SockAddrs.write(any4, sa, Winsock.AF_INET)).isEqualTo(16);
            assertThat(SockAddrs.read(sa, 16)).isEqualTo(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 5000));
        }
    }

    @Test
    void unixPathRoundTripAndTooLongPathRefused() {
        int len = SockAddrs.write(UnixDomainSocketAddress.of("C:\\tmp\\tofu.sock"), sa);
        assertThat(len).isEqualTo(2 + "C:\\tmp\\tofu.sock".length() + 1);
        assertThat(SockAddrs.read(sa, len)).isEqualTo(UnixDomainSocketAddress.of("C:\\tmp\\tofu.sock"));
        assertThatThrownBy(() -> SockAddrs.writeUn("x".repeat(108), sa)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("107");
    }

    @Test
    void badInputIsRefusedWithAClearError() {
        assertThatThrownBy(() -> SockAddrs.write(InetSocketAddress.createUnresolved("example.org", 80), sa))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unresolved");
        Mem.putShort(sa, (short) 99);
        assertThatThrownBy(() -> SockAddrs.read(sa, 16)).hasMessageContaining("family 99");
        Mem.putShort(sa, (short) Winsock.AF_INET6);
        assertThatThrownBy(() -> SockAddrs.read(sa, 16)).hasMessageContaining("needs 28 bytes");
    }

    @Test
    void errorNamesAreKnown() {
        assertThat(Win32Errors.name(10035)).isEqualTo("WSAEWOULDBLOCK");
        assertThat(Win32Errors.describe(10054)).isEqualTo("WSAECONNRESET (10054)");
        assertThat(Win32Errors.name(6)).isEqualTo("ERROR_INVALID_HANDLE");
        assertThat(Win32Errors.name(424242)).isEqualTo("unknown error");
        assertThat(NtStatus.describe(0xC0000120)).isEqualTo("0xC0000120 (STATUS_CANCELLED)");
    }
}
