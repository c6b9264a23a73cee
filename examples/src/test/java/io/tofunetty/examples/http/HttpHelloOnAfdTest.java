package io.tofunetty.examples.http;

import io.tofunetty.examples.echo.EchoTransport;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Windows tier: the HTTP hello tests of the Linux tier on every transport of a Windows JVM, AFD included. */
@WindowsTier
class HttpHelloOnAfdTest extends HttpHelloServerTest {
    @Test
    void afdIsAmongTheTransportsTested() {
        assertThat(transports()).contains(EchoTransport.AFD);
    }
}
