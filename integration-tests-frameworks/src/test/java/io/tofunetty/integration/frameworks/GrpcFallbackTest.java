package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;
import org.junit.jupiter.api.BeforeAll;

import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Off Windows, the gRPC recipe of docs/usage.md runs the same calls on NIO. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fallback is what happens where AFD is unavailable; "
        + "on Windows the same scenarios run on AFD in the *OnAfdTest classes")
class GrpcFallbackTest extends GrpcScenarios {

    @BeforeAll
    void theTransportIsUnavailableHere() {
        assertThat(Afd.isAvailable()).isFalse();
    }

    @Override
    List<Stack> stacks() {
        return List.of(Stack.ADAPTER);
    }

    @Override
    String adapterChannelPackage() {
        return "io.netty.channel.socket.nio";
    }
}
