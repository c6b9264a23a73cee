package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reactor Netty on AFD through {@code AfdLoopResources}, and the same scenarios on Reactor's own NIO loops. */
@WindowsTier
class ReactorNettyOnAfdTest extends ReactorNettyScenarios {

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
