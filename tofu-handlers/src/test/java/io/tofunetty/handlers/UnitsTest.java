package io.tofunetty.handlers;

import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.handlers.internal.ChannelNumbers;
import io.tofunetty.handlers.internal.MessageIds;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Channel numbers, message ids, addresses and transport selection. */
class UnitsTest {

    @Test
    void channelNumbersAreRandomValidAndNotReusedSoon() {
        ChannelNumbers numbers = new ChannelNumbers();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            int n = numbers.allocate();
            assertThat(n).isBetween(1, 65534);
            assertThat(seen.add(n)).isTrue();
        }
        // The model: a number is blocked exactly while it is among the last RECENT released ones. Numbers are drawn
        // at random, so a number that left the window may be drawn and released again; the model follows that too
        // instead of assuming it never happens (it does in about 1 run in 60, and it failed one CI run).
        ArrayDeque<Integer> lastReleased = new ArrayDeque<>();
        int first = seen.iterator().next();
        releaseInto(numbers, first, lastReleased);
        assertThat(numbers.isRecentlyReleased(first)).isTrue();
        for (int n : seen) {
            if (n != first && lastReleased.size() < ChannelNumbers.RECENT) {
                releaseInto(numbers, n, lastReleased);
            }
        }
        assertThat(numbers.isRecentlyReleased(first)).isTrue(); // still the window's oldest
        boolean firstLeftTheWindow = false;
        for (int i = 0; i < 5000; i++) {
            int n = numbers.allocate();
            assertThat(numbers.isRecentlyReleased(n)).as("allocated %d while it was blocked", n).isFalse();
            assertThat(lastReleased).doesNotContain(n);
            releaseInto(numbers, n, lastReleased);
            firstLeftTheWindow |= !lastReleased.contains(first);
        }
        assertThat(firstLeftTheWindow).isTrue();
        Set<Integer> window = new HashSet<>(lastReleased);
        for (int n = 1; n <= 65534; n++) {
            assertThat(numbers.isRecentlyReleased(n)).as("number %d", n).isEqualTo(window.contains(n));
        }
    }

    private static void releaseInto(ChannelNumbers numbers, int n, ArrayDeque<Integer> lastReleased) {
        numbers.release(n);
        lastReleased.addLast(n);
        if (lastReleased.size() > ChannelNumbers.RECENT) {
            lastReleased.removeFirst();
        }
    }

    @Test
    void channelNumbersRunOutCleanly() {
        ChannelNumbers numbers = new ChannelNumbers();
        for (int i = 0; i < 65534; i++) {
            numbers.allocate();
        }
        assertThat(numbers.activeCount()).isEqualTo(65534);
        assertThatThrownBy(numbers::allocate).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in use");
        numbers.release(100);
        assertThat(numbers.allocate()).isEqualTo(100); // the only one left, recently released or not
    }

    @Test
    void messageIdsIncrease() {
        long a = MessageIds.next();
        long b = MessageIds.next();
        assertThat(a).isPositive();
        assertThat(b).isGreaterThan(a);
    }

    @Test
    void addressesParseLikeTofu() {
        TofuAddress tcp = TofuAddress.parse("tcp|127.0.0.1|7099");
        assertThat(tcp.kind()).isEqualTo(TofuAddress.Kind.TCP);
        assertThat(tcp.host()).isEqualTo("127.0.0.1");
        assertThat(tcp.port()).isEqualTo(7099);
        assertThat(tcp.format()).isEqualTo("tcp|127.0.0.1|7099");
        // Three parts: the protocol string is not checked (tofu assumes TCP); an empty host is allowed.
        assertThat(TofuAddress.parse("xyz|host|1").kind()).isEqualTo(TofuAddress.Kind.TCP);
        assertThat(TofuAddress.parse("tcp||7099").host()).isEmpty();
        TofuAddress uds = TofuAddress.parse("uds|/tmp/tofu.sock");
        assertThat(uds.kind()).isEqualTo(TofuAddress.Kind.UDS);
        assertThat(uds.path()).isEqualTo("/tmp/tofu.sock");
        assertThat(uds).isEqualTo(TofuAddress.uds("/tmp/tofu.sock"));
        for (String bad : new String[] {"", "tcp", "tcp|h", "tcp|h|65536", "tcp|h|-1", "tcp|h|+1", "tcp|h|x",
                "tcp|h|1|2", "udp|/p", "uds|"}) {
            assertThatThrownBy(() -> TofuAddress.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("address");
        }
        assertThatThrownBy(() -> TofuAddress.tcp("a|b", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TofuAddress.tcp("a", 70000)).isInstanceOf(IllegalArgumentException.class);
    }

    /** AUTO picks AFD on Windows and epoll on Linux; each transport says what it can do there. */
    @Test
    void transportSelection() throws Exception {
        TofuTransport auto = TofuTransport.AUTO.resolve();
        assertThat(auto).isNotEqualTo(TofuTransport.AUTO);
        assertThat(auto.isAvailable()).isTrue();
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            assertThat(auto).isEqualTo(TofuTransport.AFD);
            assertThat(TofuTransport.AFD.isAvailable()).isTrue();
            assertThat(TofuTransport.AFD.supports(TofuAddress.Kind.TCP)).isTrue();
            assertThat(TofuTransport.AFD.supports(TofuAddress.Kind.UDS)).isFalse();
            assertThat(TofuTransport.AFD.socketChannelFactory(TofuAddress.Kind.TCP).newChannel())
                    .isInstanceOf(AfdSocketChannel.class).satisfies(ch -> ch.unsafe().closeForcibly());
            assertThatThrownBy(() -> TofuTransport.AFD.socketChannelFactory(TofuAddress.Kind.UDS))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("uds|path");
            TofuEngine.builder().transport(TofuTransport.AFD).build().close();
        } else {
            if (os.contains("linux")) {
                assertThat(auto).isEqualTo(TofuTransport.EPOLL);
            }
            assertThat(TofuTransport.AFD.isAvailable()).isFalse();
            assertThatThrownBy(() -> TofuEngine.builder().transport(TofuTransport.AFD).build())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("AFD");
        }
        assertThat(TofuTransport.NIO.socketChannelFactory(TofuAddress.Kind.TCP).newChannel())
                .isInstanceOf(NioSocketChannel.class).satisfies(ch -> ch.unsafe().closeForcibly());
        if (DomainSockets.wineVersion() != null) {
            // Wine (8.0 and 10.0) has no AF_UNIX: the JDK itself refuses the family, and the channel says so.
            assertThatThrownBy(() -> TofuTransport.NIO.socketChannelFactory(TofuAddress.Kind.UDS).newChannel())
                    .hasStackTraceContaining("Protocol family not supported");
        } else {
            assertThat(TofuTransport.NIO.socketChannelFactory(TofuAddress.Kind.UDS).newChannel())
                    .isInstanceOf(NioDomainSocketChannel.class).satisfies(ch -> ch.unsafe().closeForcibly());
        }
        assertThat(TofuTransport.NIO.socketAddress(TofuAddress.uds("/tmp/x.sock"), false))
                .isEqualTo(UnixDomainSocketAddress.of("/tmp/x.sock"));
        assertThat(TofuTransport.NIO.socketAddress(TofuAddress.tcp("", 7099), true))
                .isEqualTo(new InetSocketAddress(7099));
        assertThat(TofuTransport.NIO.socketAddress(TofuAddress.tcp("", 7099), false))
                .isEqualTo(new InetSocketAddress("127.0.0.1", 7099));
    }
}
