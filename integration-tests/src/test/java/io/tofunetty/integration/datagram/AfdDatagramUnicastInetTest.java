package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastInetTest;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link DatagramUnicastInetTest} against {@link io.tofunetty.afd.AfdDatagramChannel}. */
@WindowsTier
public class AfdDatagramUnicastInetTest extends DatagramUnicastInetTest {
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
