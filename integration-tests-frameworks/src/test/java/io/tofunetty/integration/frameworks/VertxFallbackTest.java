package io.tofunetty.integration.frameworks;

import io.tofunetty.afd.Afd;
import io.tofunetty.afd.vertx.AfdTransport;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/** Off Windows, a Vert.x built with {@code AfdTransport.AFD} runs on NIO and says why once. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fallback is what happens where AFD is unavailable; "
        + "on Windows the same scenarios run on AFD in the *OnAfdTest classes")
class VertxFallbackTest extends VertxScenarios {

    VertxFallbackTest() {
        super(AdapterRuns.ON_NIO_FALLBACK);
    }

    @Test
    void theFallbackIsLoggedOnceWithItsCause() throws Exception {
        for (int i = 0; i < 3; i++) {
            Vertx vertx = Vertx.builder().withTransport(AfdTransport.AFD).build();
            assertThat(vertx.isNativeTransportEnabled()).isFalse();
            assertThat(vertx.unavailableNativeTransportCause()).isSameAs(Afd.unavailabilityCause());
            await(vertx.close());
        }
        assertThat(AfdTransport.AFD.available()).isFalse();
        assertThat(Logs.count(AfdTransport.class.getName(), "Vert.x runs on NIO")).isEqualTo(1);
    }
}
