package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Vert.x on AFD through {@code AfdTransport.AFD}, and the same scenarios on Vert.x's own NIO transport. */
@WindowsTier
class VertxOnAfdTest extends VertxScenarios {

    @BeforeAll
    void theTransportIsAvailable() {
        assertThat(Afd.unavailabilityCause()).isNull();
    }

    @Override
    List<Stack> stacks() {
        return List.of(Stack.ADAPTER, Stack.NIO);
    }

    @Override
    boolean adapterRunsAfd() {
        return true;
    }
}
