package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.reactor.AfdLoopResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Off Windows, {@code AfdLoopResources} runs the same application on NIO and says so once. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fallback is what happens where AFD is unavailable; "
        + "on Windows the same scenarios run on AFD in the *OnAfdTest classes")
class ReactorNettyFallbackTest extends ReactorNettyScenarios {

    ReactorNettyFallbackTest() {
        super(AdapterRuns.ON_NIO_FALLBACK);
    }

    @Test
    void theFallbackIsLoggedOnceWithItsCause() {
        for (int i = 0; i < 3; i++) {
            AfdLoopResources loops = AfdLoopResources.create("fallback-" + i, 1, true);
            assertThat(loops.onServer(true).next()).isNotNull();
            assertThat(loops.isAfd()).isFalse();
            loops.disposeLater(Duration.ZERO, Duration.ofSeconds(10)).block(Duration.ofSeconds(30));
        }
        assertThat(Logs.count(AfdLoopResources.class.getName(), "Reactor Netty runs on NIO")).isEqualTo(1);
    }
}
