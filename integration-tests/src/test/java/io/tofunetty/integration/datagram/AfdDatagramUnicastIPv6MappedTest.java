package io.tofunetty.integration.datagram;

import io.netty.bootstrap.Bootstrap;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.socket.DatagramUnicastIPv6MappedTest;
import io.netty.util.internal.PlatformDependent;
import io.tofunetty.testkit.WindowsTier;

import java.util.List;

/** Netty's {@link DatagramUnicastIPv6MappedTest} against {@link io.tofunetty.afd.AfdDatagramChannel}. */
@WindowsTier
public class AfdDatagramUnicastIPv6MappedTest extends DatagramUnicastIPv6MappedTest {
    @Override
    protected List<TestsuitePermutation.BootstrapComboFactory<Bootstrap, Bootstrap>> newFactories() {
        return AfdDatagramTestPermutation.INSTANCE.datagram(socketInternetProtocalFamily());
    }

    /**
     * NIO as the connecting side fails in its own disconnect under Wine: see AfdDatagramTestPermutation. Upstream's
     * disconnectMightFail lets NIO's disconnect fail on Java < 20 (JDK-8285515), so there the test passes as it is;
     * on Java 20+ the failure is asserted.
     */
    @Override
    public void testSimpleSendWithConnect(Bootstrap sb, Bootstrap cb) throws Throwable {
        AfdDatagramTestPermutation.connectTest(cb, () -> super.testSimpleSendWithConnect(sb, cb),
                PlatformDependent.javaVersion() < 20);
    }
}
