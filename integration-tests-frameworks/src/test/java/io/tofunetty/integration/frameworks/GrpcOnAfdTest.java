package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** gRPC-java's Netty transport on AFD with the recipe of docs/usage.md, and the same calls on NIO. */
@WindowsTier
class GrpcOnAfdTest extends GrpcScenarios {

    @BeforeAll
    void theTransportIsAvailable() {
        assertThat(Afd.unavailabilityCause()).isNull();
    }

    @Override
    List<Stack> stacks() {
        return List.of(Stack.ADAPTER, Stack.NIO);
    }

    @Override
    String adapterChannelPackage() {
        return "io.tofunetty.afd";
    }
}
