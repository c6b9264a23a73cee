package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketSslEchoTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/**
 * Netty's {@link SocketSslEchoTest} (JDK provider; OpenSSL is not available) on the AFD transport, on the reduced
 * matrix: its 96 cases x 3 combinations x 2 allocators took 553 s under Wine, x 1 x 1 takes about a fifth of that.
 */
@WindowsTier
class AfdSocketSslEchoTest extends SocketSslEchoTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        return AfdSocketTestPermutation.INSTANCE.reducedSocket();
    }

    @Override
    protected List<ByteBufAllocator> newAllocators() {
        return AfdSocketTestPermutation.reducedAllocators();
    }
}
