package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketShutdownOutputBySelfTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link SocketShutdownOutputBySelfTest} on the AFD transport. */
@WindowsTier
class AfdSocketShutdownOutputBySelfTest extends SocketShutdownOutputBySelfTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.afdClientSocket();
    }
}
