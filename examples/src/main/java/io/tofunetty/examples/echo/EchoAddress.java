package io.tofunetty.examples.echo;

import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.handlers.TofuAddress;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * An address in tofu's format (spec §7): {@code tcp|host|port} or {@code uds|path}. An empty host means all
 * interfaces for a listener and 127.0.0.1 for a client, as in tofu. Port 0 lets a listener pick a free port.
 *
 * <p>Parsing is tofu-handlers' {@link TofuAddress#parse}, with one check more: tofu does not look at the protocol
 * string of a three-part address, the examples insist on {@code tcp} so that a typo is caught.
 */
public final class EchoAddress {
    /** tofu's default host for clients. */
    public static final String DEFAULT_HOST = TofuAddress.DEFAULT_HOST;

    private final TofuAddress address;

    private EchoAddress(TofuAddress address) {
        this.address = address;
    }

    public static EchoAddress tcp(String host, int port) {
        return new EchoAddress(TofuAddress.tcp(host, port));
    }

    public static EchoAddress uds(String path) {
        return new EchoAddress(TofuAddress.uds(path));
    }

    /** @throws IllegalArgumentException naming the problem when {@code value} is not a tofu address */
    public static EchoAddress parse(String value) {
        Objects.requireNonNull(value, "value");
        if (value.split("\\|", -1).length == 3 && !value.startsWith("tcp|")) {
            throw new IllegalArgumentException("address \"" + value + "\" is not tcp|<host>|<port> or uds|<path>");
        }
        return new EchoAddress(TofuAddress.parse(value));
    }

    public boolean isUds() {
        return address.kind() == TofuAddress.Kind.UDS;
    }

    /** The TCP host, possibly empty; null for a Unix domain socket. */
    public String host() {
        return address.host();
    }

    public int port() {
        return address.port();
    }

    /** The socket path; null for TCP. */
    public String path() {
        return address.path();
    }

    /**
     * The TCP socket address to bind ({@code listener}) or connect to. An empty host is the wildcard address for a
     * listener and 127.0.0.1 for a client.
     */
    InetSocketAddress inetSocketAddress(boolean listener) throws UnknownHostException {
        if (isUds()) {
            throw new IllegalStateException(this + " is not a TCP address");
        }
        String host = address.host();
        int port = address.port();
        if (host.isEmpty()) {
            return listener ? new InetSocketAddress(port)
                    : new InetSocketAddress(InetAddress.getByName(DEFAULT_HOST), port);
        }
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    /**
     * The address a listener really bound: the port it picked for port 0, the numeric host (an empty host stays
     * empty: "all interfaces" in tofu's notation).
     */
    EchoAddress bound(SocketAddress local) {
        if (isUds()) {
            return this;
        }
        if (!(local instanceof InetSocketAddress inet)) {
            throw new IllegalStateException("a TCP listener bound a non-TCP address: " + local);
        }
        // tofu splits at '|', so an IPv6 host needs no brackets.
        String h = address.host().isEmpty() ? "" : inet.getAddress().getHostAddress();
        return tcp(h, inet.getPort());
    }

    /** The tofu notation of a socket address a channel reports (for logs and READY lines). */
    static String describe(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return "tcp|" + inet.getAddress().getHostAddress() + "|" + inet.getPort();
        }
        if (address instanceof UnixDomainSocketAddress unix) {
            return "uds|" + unix.getPath();
        }
        if (address instanceof DomainSocketAddress unix) {
            return "uds|" + unix.path();
        }
        return String.valueOf(address);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EchoAddress a && a.address.equals(address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    /** tofu's notation: {@code tcp|host|port} or {@code uds|path}. */
    @Override
    public String toString() {
        return address.format();
    }
}
