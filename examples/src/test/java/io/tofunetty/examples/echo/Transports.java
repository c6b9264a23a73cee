package io.tofunetty.examples.echo;

import io.tofunetty.afd.internal.socket.DomainSockets;

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

    /**
     * Available transports that also do Unix domain sockets here: none under Wine (8.0 and 10.0 have no AF_UNIX,
     * see docs/testing.md; {@link #systemHasAfUnix()}), and never AFD (it has no domain socket channel in the echo
     * example yet).
     */
    public static List<EchoTransport> availableWithUds() {
        if (!systemHasAfUnix()) {
            return List.of();
        }
        return available().stream().filter(t -> t != EchoTransport.AFD).toList();
    }

    /**
     * Whether this system has AF_UNIX sockets: Linux and Windows (10 1803 and later) do; Wine does not (it refuses
     * the family with WSAEAFNOSUPPORT). Decided by whether this is Wine, not by trying, so that a Windows without
     * AF_UNIX fails the Unix domain socket tests instead of quietly dropping them.
     */
    public static boolean systemHasAfUnix() {
        return DomainSockets.wineVersion() == null;
    }

    /** The transport for a Unix domain socket test: AUTO's pick where it does them, else NIO (AUTO is AFD on Windows). */
    public static EchoTransport forUds() {
        EchoTransport auto = EchoTransport.AUTO.resolve();
        return auto == EchoTransport.AFD ? EchoTransport.NIO : auto;
    }
}
