package io.tofunetty.integration.frameworks;

import io.tofunetty.testkit.WindowsTier;

/** Vert.x on AFD through {@code AfdTransport.AFD}, and the same scenarios on Vert.x's own NIO transport. */
@WindowsTier
class VertxOnAfdTest extends VertxScenarios {
    VertxOnAfdTest() {
        super(AdapterRuns.ON_AFD);
    }
}
