package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6MappedTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link DatagramUnicastIPv6MappedTest} against {@link io.tofunetty.afd.AfdDatagramChannel}. */
@WindowsTier
public class AfdDatagramUnicastIPv6MappedTest extends DatagramUnicastIPv6MappedTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return AfdDatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }
}
