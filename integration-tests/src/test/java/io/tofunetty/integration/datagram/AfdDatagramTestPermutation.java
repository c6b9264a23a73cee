package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tofunetty.afd.AfdDatagramChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.internal.socket.DomainSockets;

import java.util.List;

/**
 * Netty's datagram test permutations with {@link AfdDatagramChannel} under test: AFD "server" x AFD "client",
 * AFD x NIO and NIO x AFD (NIO x NIO is dropped: it tests nothing of ours). Channels are made for the test's
 * protocol family, as Netty's own {@code SocketTestPermutation.datagram(family)} does for NIO.
 */
public final class AfdDatagramTestPermutation extends SocketTestPermutation {
    static {
        // The test suite brings logback without a configuration, which logs every Netty DEBUG line; under Wine
        // that output costs minutes. Keep INFO (the suite logs which combination runs at INFO).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    public static final AfdDatagramTestPermutation INSTANCE = new AfdDatagramTestPermutation();

    static final EventLoopGroup AFD_GROUP = new MultiThreadIoEventLoopGroup(
            NUM_THREADS, new DefaultThreadFactory("testsuite-afd-udp", true), AfdIoHandler.newFactory());

    private AfdDatagramTestPermutation() {
    }

    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> factories = List.of(
                () -> new Bootstrap().group(AFD_GROUP).channelFactory(() -> new AfdDatagramChannel(family)),
                () -> new Bootstrap().group(NIO_GROUP).channelFactory(() -> new NioDatagramChannel(family)));
        List<BootstrapComboFactory<Bootstrap, Bootstrap>> all = combo(factories, factories);
        all.remove(all.size() - 1); // NIO x NIO
        return all;
    }

    /** Whether {@code b} makes NIO channels (the other side of an AFD x NIO combination). */
    boolean isNio(Bootstrap b) {
        return b.config().group() == NIO_GROUP;
    }

    /** A test body that may throw anything. */
    interface Body {
        void run() throws Throwable;
    }

    /**
     * Runs a DatagramUnicastTest.testSimpleSendWithConnect combination. When the connecting ("client") side is NIO
     * under Wine, the JDK's DatagramChannel.disconnect() fails there: it dissolves the association with an AF_UNSPEC
     * connect, which Wine passes to Linux, Linux drops the port that connect() had chosen, and the JDK's
     * repairSocket() then cannot bind it again (Wine refuses a second bind with WSAEINVAL). That exact failure is
     * asserted instead (docs/testing.md); every other combination runs the test as it is.
     */
    static void connectTest(Bootstrap cb, Body test) throws Throwable {
        connectTest(cb, test, false);
    }

    /**
     * As {@link #connectTest(Bootstrap, Body)}, for a test class whose upstream version already tolerates NIO's
     * failing disconnect ({@code upstreamTolerates}: the test then passes without reaching the failure, so it runs
     * as it is). Upstream's {@code DatagramUnicastIPv6MappedTest} does so on Java < 20 only, for JDK-8285515
     * (fixed in JDK 20: NIO's disconnect of an IPv6 socket failed on macOS); on Java 20+ under Wine the Wine failure
     * above reaches it and is asserted here.
     */
    static void connectTest(Bootstrap cb, Body test, boolean upstreamTolerates) throws Throwable {
        if (DomainSockets.wineVersion() == null || !INSTANCE.isNio(cb) || upstreamTolerates) {
            test.run();
            return;
        }
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(test::run);
        org.assertj.core.api.Assertions.assertThat(t).as("NIO's DatagramChannel.disconnect() under Wine")
                .isInstanceOf(java.net.SocketException.class).hasMessageContaining("bind");
        org.assertj.core.api.Assertions.assertThat(t.getStackTrace())
                .anyMatch(e -> "repairSocket".equals(e.getMethodName()));
    }

    /** Client-only datagram tests: the AFD channel alone. */
    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(() -> new Bootstrap().group(AFD_GROUP).channel(AfdDatagramChannel.class));
    }
}
