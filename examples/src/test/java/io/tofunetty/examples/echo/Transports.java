package io.tofunetty.examples.echo;

import java.util.Arrays;
import java.util.List;

/** The concrete transports that can run in this JVM (NIO and epoll on Linux; AFD where it is available). */
public final class Transports {
    private Transports() {
    }

    public static List<EchoTransport> available() {
        return Arrays.stream(EchoTransport.values())
                .filter(t -> t != EchoTransport.AUTO && t.isAvailable())
                .toList();
    }

    /** Available transports that also do Unix domain sockets (AFD does not yet). */
    public static List<EchoTransport> availableWithUds() {
        return available().stream().filter(t -> t != EchoTransport.AFD).toList();
    }
}
