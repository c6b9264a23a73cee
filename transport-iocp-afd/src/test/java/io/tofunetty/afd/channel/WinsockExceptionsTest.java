package io.tofunetty.afd.channel;

import io.tofunetty.afd.internal.socket.WinsockExceptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;

import static org.assertj.core.api.Assertions.assertThat;

/** Winsock error codes become the exceptions Netty users expect, naming the code (pure Java: runs on any OS). */
class WinsockExceptionsTest {

    @Test
    void refusedAndTimedOutConnectsAreConnectExceptions() {
        assertThat(WinsockExceptions.newConnectException(10061)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("Connection refused").hasMessageContaining("WSAECONNREFUSED 10061");
        assertThat(WinsockExceptions.newConnectException(1225)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("refused");
        assertThat(WinsockExceptions.newConnectException(10060)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("timed out");
        // any other reason is still a ConnectException for a connect
        assertThat(WinsockExceptions.newConnectException(10050)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("WSAENETDOWN");
    }

    @Test
    void unreachableNetworksAreNoRouteToHost() {
        assertThat(WinsockExceptions.newConnectException(10051)).isInstanceOf(NoRouteToHostException.class);
        assertThat(WinsockExceptions.newConnectException(10065)).isInstanceOf(NoRouteToHostException.class)
                .hasMessageContaining("No route to host");
    }

    @Test
    void bindFailuresAreBindExceptions() {
        assertThat(WinsockExceptions.newException("bind(/127.0.0.1:80)", 10048)).isInstanceOf(BindException.class)
                .hasMessageContaining("Address already in use").hasMessageContaining("bind(/127.0.0.1:80)");
        assertThat(WinsockExceptions.newException("bind(x)", 10013)).isInstanceOf(BindException.class);
        // a socket bound already (WSAEINVAL) fails its bind with a BindException too, naming the address
        assertThat(WinsockExceptions.newException("bind(/127.0.0.1:0)", 10022)).isInstanceOf(BindException.class)
                .hasMessage("bind(/127.0.0.1:0) failed: Invalid argument (WSAEINVAL 10022)");
        assertThat(WinsockExceptions.errorCode(WinsockExceptions.newException("bind(x)", 10022))).isEqualTo(10022);
    }

    @Test
    void resetsSayResetAndCarryTheirCode() {
        IOException e = WinsockExceptions.newException("recv()", 10054);
        assertThat(e).isNotInstanceOf(ConnectException.class)
                .hasMessage("recv() failed: Connection reset by peer (WSAECONNRESET 10054)");
        assertThat(WinsockExceptions.errorCode(e)).isEqualTo(10054);
        assertThat(WinsockExceptions.errorCode(new IOException("wrapper", e))).isEqualTo(10054);
        assertThat(WinsockExceptions.errorCode(new IOException("no code"))).isEqualTo(-1);
        assertThat(WinsockExceptions.isReset(10054)).isTrue();
        assertThat(WinsockExceptions.isReset(10053)).isTrue();
        assertThat(WinsockExceptions.isReset(10035)).isFalse();
    }

    @Test
    void unknownCodesStillNameTheNumber() {
        assertThat(WinsockExceptions.newException("send()", 12345)).hasMessageContaining("12345");
    }
}
