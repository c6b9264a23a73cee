package io.tofunetty.handlers;

import io.tofunetty.testkit.WindowsTier;

/** {@link ConnectionTest} on the AFD transport, on a Windows JVM (see {@link TestSupport#transports()}). */
@WindowsTier
class ConnectionOnAfdTest extends ConnectionTest {
}
