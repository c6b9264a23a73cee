package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketRstTest;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's {@link SocketRstTest} on the AFD transport.
 *
 * <p>{@code testSoLingerZeroCausesOnlyRstOnClose} asserts that a client sees the server's RST as an exception, which is
 * what Windows does: recv() fails with WSAECONNRESET. Wine 10.0 does the same, so on that lane (and on Windows) every
 * combination runs, NIO clients included. Wine 8.0's recv() returns end-of-stream after the peer's RST instead, so
 * the JDK reports no error to a NIO client whatever the server (Netty's NIO-vs-NIO run fails the same way there;
 * docs/testing.md): under Wine 8 only the combinations with an AFD client run. The AFD client sees AFD_POLL_ABORT and
 * reports the reset itself, so those combinations run against both servers on every lane.
 */
@WindowsTier
class AfdSocketRstTest extends SocketRstTest {
    /** Wine 8's recv() returns end-of-stream after an RST (Wine 10 and Windows fail it with WSAECONNRESET). */
    private static final boolean RECV_AFTER_RST_IS_EOF = isWine8();

    private volatile boolean afdClientsOnly;

    private static boolean isWine8() {
        String wine = DomainSockets.wineVersion();
        return wine != null && wine.startsWith("8.");
    }

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> all =
                AfdSocketTestPermutation.INSTANCE.socket();
        if (!afdClientsOnly) {
            return all;
        }
        List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> afdClients = new ArrayList<>();
        for (TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap> combo : all) {
            EventLoopGroup group = combo.newClientInstance().config().group();
            if (group instanceof IoEventLoopGroup && ((IoEventLoopGroup) group).isIoType(AfdIoHandler.class)) {
                afdClients.add(combo);
            }
        }
        return afdClients;
    }

    @Test
    @Timeout(30)
    @Override
    public void testSoLingerZeroCausesOnlyRstOnClose(TestInfo testInfo) throws Throwable {
        afdClientsOnly = RECV_AFTER_RST_IS_EOF;
        try {
            super.testSoLingerZeroCausesOnlyRstOnClose(testInfo);
        } finally {
            afdClientsOnly = false;
        }
    }
}
