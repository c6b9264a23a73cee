package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketRstTest;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's {@link SocketRstTest} on the AFD transport.
 *
 * <p>{@code testSoLingerZeroCausesOnlyRstOnClose} runs only the combinations with an AFD client. With a NIO client
 * it fails under Wine 8.0 whatever the server: Wine's recv() returns end-of-stream after the peer's RST, so the JDK
 * reports no error (Netty's NIO-vs-NIO run fails the same way under Wine; docs/testing.md). The AFD client sees
 * AFD_POLL_ABORT and reports the reset, so its combinations do run here, against both servers.
 */
@WindowsTier
class AfdSocketRstTest extends SocketRstTest {
    private volatile boolean afdClientsOnly;

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
        afdClientsOnly = true;
        try {
            super.testSoLingerZeroCausesOnlyRstOnClose(testInfo);
        } finally {
            afdClientsOnly = false;
        }
    }
}
