package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a test class expects a framework adapter to run: on AFD (Windows, where the same scenarios also run on the
 * framework's own NIO for comparison), or on the NIO fallback (wherever AFD is unavailable).
 */
enum AdapterRuns {
    ON_AFD(List.of(Stack.ADAPTER, Stack.NIO), "io.tofunetty.afd"),
    ON_NIO_FALLBACK(List.of(Stack.ADAPTER), "io.netty.channel.socket.nio");

    private final List<Stack> stacks;
    private final String channelPackage;

    AdapterRuns(List<Stack> stacks, String channelPackage) {
        this.stacks = stacks;
        this.channelPackage = channelPackage;
    }

    /** The stacks each scenario runs on. */
    List<Stack> stacks() {
        return stacks;
    }

    /** The package of the channels {@code stack} must create here. */
    String channelPackage(Stack stack) {
        return stack == Stack.ADAPTER ? channelPackage : "io.netty.channel.socket.nio";
    }

    boolean afd() {
        return this == ON_AFD;
    }

    /** Fails the class when this JVM is not where it expects to run: AFD must be available exactly on ON_AFD. */
    void assertThisJvmMatches() {
        if (afd()) {
            assertThat(Afd.unavailabilityCause()).isNull();
        } else {
            assertThat(Afd.isAvailable()).isFalse();
        }
    }
}
