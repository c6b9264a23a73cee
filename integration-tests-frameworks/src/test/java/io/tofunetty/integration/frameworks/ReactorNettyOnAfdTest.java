package io.tofunetty.integration.frameworks;

import io.tofunetty.testkit.WindowsTier;

/** Reactor Netty on AFD through {@code AfdLoopResources}, and the same scenarios on Reactor's own NIO loops. */
@WindowsTier
class ReactorNettyOnAfdTest extends ReactorNettyScenarios {
    ReactorNettyOnAfdTest() {
        super(AdapterRuns.ON_AFD);
    }
}
