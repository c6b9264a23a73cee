package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketConditionalWritabilityTest;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;

/**
 * Netty's {@link SocketConditionalWritabilityTest} on the AFD transport, on the reduced matrix: it moves 100 MiB per
 * run within one 30 s budget for all runs; under Wine a run takes 2-6 s, so the full matrix's 9 runs cannot fit. The
 * budget is raised to 120 s, a hang guard rather than a timing, so that a loaded CI machine does not fail the one run.
 */
@WindowsTier
class AfdSocketConditionalWritabilityTest extends SocketConditionalWritabilityTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.reducedSocket();
    }

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return AfdSocketTestPermutation.reducedAllocators();
    }

    @Test
    @Timeout(120)
    @Override
    public void testConditionalWritability(TestInfo testInfo) throws Throwable {
        super.testConditionalWritability(testInfo);
    }
}
