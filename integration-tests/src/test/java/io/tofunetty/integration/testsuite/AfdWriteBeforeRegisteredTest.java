package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.WriteBeforeRegisteredTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link WriteBeforeRegisteredTest} on the AFD transport. */
@WindowsTier
class AfdWriteBeforeRegisteredTest extends WriteBeforeRegisteredTest {
    @Override
    protected List<TestsuitePermutation.BootstrapFactory<Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.afdClientSocket();
    }
}
