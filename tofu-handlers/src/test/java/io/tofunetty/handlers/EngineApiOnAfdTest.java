package io.tofunetty.handlers;

import io.tofunetty.testkit.WindowsTier;

/** {@link EngineApiTest} on the AFD transport, on a Windows JVM (see {@link TestSupport#transports()}). */
@WindowsTier
class EngineApiOnAfdTest extends EngineApiTest {
}
