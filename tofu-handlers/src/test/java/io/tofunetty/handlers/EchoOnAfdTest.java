package io.tofunetty.handlers;

import io.tofunetty.testkit.WindowsTier;

/** {@link EchoTest} on the AFD transport, on a Windows JVM (see {@link TestSupport#transports()}). */
@WindowsTier
class EchoOnAfdTest extends EchoTest {
}
