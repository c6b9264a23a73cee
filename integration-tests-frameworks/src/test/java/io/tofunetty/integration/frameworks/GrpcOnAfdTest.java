package io.tofunetty.integration.frameworks;

import io.tofunetty.testkit.WindowsTier;

/** gRPC-java's Netty transport on AFD with the recipe of docs/usage.md, and the same calls on NIO. */
@WindowsTier
class GrpcOnAfdTest extends GrpcScenarios {
    GrpcOnAfdTest() {
        super(AdapterRuns.ON_AFD);
    }
}
