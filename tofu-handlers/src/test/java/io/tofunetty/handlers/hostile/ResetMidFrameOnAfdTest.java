package io.tofunetty.handlers.hostile;

import io.tofunetty.testkit.WindowsTier;

/** {@link ResetMidFrameTest} on the AFD transport, on a Windows JVM. */
@WindowsTier
class ResetMidFrameOnAfdTest extends ResetMidFrameTest {
}
