package io.tofunetty.handlers;

import io.tofunetty.testkit.WindowsTier;

/** {@link EngineSoakTest} on the AFD transport, on a Windows JVM (see {@link TestSupport#transports()}). */
@WindowsTier
class EngineSoakOnAfdTest extends EngineSoakTest {
}
