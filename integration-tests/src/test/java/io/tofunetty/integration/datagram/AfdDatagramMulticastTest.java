package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramMulticastTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link DatagramMulticastTest} against {@link io.tofunetty.afd.AfdDatagramChannel}. */
@WindowsTier
public class AfdDatagramMulticastTest extends DatagramMulticastTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return AfdDatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
