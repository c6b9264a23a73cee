package io.tofunetty.integration.frameworks;

import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Off Windows, the gRPC recipe of docs/usage.md runs the same calls on NIO. */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the fallback is what happens where AFD is unavailable; "
        + "on Windows the same scenarios run on AFD in the *OnAfdTest classes")
class GrpcFallbackTest extends GrpcScenarios {

    GrpcFallbackTest() {
        super(AdapterRuns.ON_NIO_FALLBACK);
    }
}
