package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketReadPendingTest;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;

/**
 * Netty's {@link SocketReadPendingTest} on the AFD transport. Its one test runs 9 combinations within upstream's 60 s;
 * under Wine with the PARANOID leak detector that took 15 s on an idle machine, too close to the limit for a loaded
 * CI machine, so the limit here is 300 s: a hang guard, as upstream meant it, not a timing.
 */
@WindowsTier
class AfdSocketReadPendingTest extends SocketReadPendingTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.socket();
    }

    @Test
    @Timeout(300)
    @Override
    public void testReadPendingIsResetAfterEachRead(TestInfo testInfo) throws Throwable {
        super.testReadPendingIsResetAfterEachRead(testInfo);
    }
}
