package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketCloseForciblyTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link SocketCloseForciblyTest} on the AFD transport. */
@WindowsTier
class AfdSocketCloseForciblyTest extends SocketCloseForciblyTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.socket();
    }
}
