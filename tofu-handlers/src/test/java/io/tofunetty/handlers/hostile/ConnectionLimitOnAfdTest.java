package io.tofunetty.handlers.hostile;

import io.tofunetty.testkit.WindowsTier;

/** {@link ConnectionLimitTest} on the AFD transport, on a Windows JVM. */
@WindowsTier
class ConnectionLimitOnAfdTest extends ConnectionLimitTest {
}
