package io.tofunetty.it.frameworks;

import io.tofunetty.afd.Afd;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Off Windows, the gRPC recipe of docs/usage.md runs the same calls on NIO. */
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
