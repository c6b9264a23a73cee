package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6Test;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link DatagramUnicastIPv6Test} against {@link io.tofunetty.afd.AfdDatagramChannel}. */
@WindowsTier
public class AfdDatagramUnicastIPv6Test extends DatagramUnicastIPv6Test {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return AfdDatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }

    /** NIO as the connecting side fails in its own disconnect under Wine: see AfdDatagramTestPermutation. */
    @Override
    public void testSimpleSendWithConnect(Bootstrap sb, Bootstrap cb) throws Throwable {
        AfdDatagramTestPermutation.connectTest(cb, () -> super.testSimpleSendWithConnect(sb, cb));
    }
}
