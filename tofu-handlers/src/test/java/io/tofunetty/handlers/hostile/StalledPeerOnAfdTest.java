package io.tofunetty.handlers.hostile;

import io.tofunetty.testkit.WindowsTier;

/** {@link StalledPeerTest} on the AFD transport, on a Windows JVM. */
@WindowsTier
class StalledPeerOnAfdTest extends StalledPeerTest {
}
