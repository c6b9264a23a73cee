package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketGatheringWriteTest;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.util.List;

/**
 * Netty's {@link SocketGatheringWriteTest} on the AFD transport. {@code testGatheringWriteBig} (50 MiB per run) runs
 * on the reduced matrix: its 9 runs took 93 s of the tier's budget under Wine; the 1 MiB tests keep the full matrix,
 * so every writer/reader pairing of AFD and NIO still does gathering writes.
 */
@WindowsTier
class AfdSocketGatheringWriteTest extends SocketGatheringWriteTest {
    private volatile boolean reduced;

    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return reduced ? AfdSocketTestPermutation.INSTANCE.reducedSocket() : AfdSocketTestPermutation.INSTANCE.socket();
    }

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return reduced ? AfdSocketTestPermutation.reducedAllocators() : super.newAllocators();
    }

    @Test
    @Timeout(120)
    @Override
    public void testGatheringWriteBig(TestInfo testInfo) throws Throwable {
        reduced = true;
        try {
            super.testGatheringWriteBig(testInfo);
        } finally {
            reduced = false;
        }
    }
}
