package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.SocketMultipleConnectTest;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.testkit.WindowsTier;

import java.util.ArrayList;
import java.util.List;

/**
 * Netty's {@link SocketMultipleConnectTest} on the AFD transport. Upstream keeps only combinations whose client runs
 * on NIO (the transport it tests there); here, only those whose client runs on AFD.
 */
@WindowsTier
class AfdSocketMultipleConnectTest extends SocketMultipleConnectTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> newFactories() {
        List<TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap>> factories = new ArrayList<>();
        for (TestsuitePermutation.BootstrapComboFactory<ServerBootstrap, Bootstrap> combo
                : AfdSocketTestPermutation.INSTANCE.socketWithFastOpen()) {
            EventLoopGroup group = combo.newClientInstance().config().group();
            if (group instanceof IoEventLoopGroup && ((IoEventLoopGroup) group).isIoType(AfdIoHandler.class)) {
                factories.add(combo);
            }
        }
        return factories;
    }
}
