package io.tofunetty.handlers.hostile;

import io.tofunetty.testkit.WindowsTier;

/** {@link FloodTest} on the AFD transport, on a Windows JVM. */
@WindowsTier
class FloodOnAfdTest extends FloodTest {
}
