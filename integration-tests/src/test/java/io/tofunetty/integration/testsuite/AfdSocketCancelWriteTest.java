package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketCancelWriteTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link SocketCancelWriteTest} on the AFD transport. */
@WindowsTier
class AfdSocketCancelWriteTest extends SocketCancelWriteTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.socket();
    }
}
