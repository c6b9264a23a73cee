package io.tofunetty.examples.echo;

import io.netty.channel.unix.DomainSocketAddress;

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
 * <p>Parsing follows tofu: two parts must be {@code uds|<path>}; three parts are TCP (tofu does not check the
 * protocol string there, this parser insists on {@code tcp} so that a typo is caught); the port is a u16.
 */
public final class EchoAddress {
    /** tofu's default host for clients. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private final boolean uds;
    private final String host;
    private final int port;
    private final String path;

    private EchoAddress(boolean uds, String host, int port, String path) {
        this.uds = uds;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    public static EchoAddress tcp(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("TCP port " + port + " is not 0-65535");
        }
        if (host.indexOf('|') >= 0) {
            throw new IllegalArgumentException("host \"" + host + "\" contains '|'");
        }
        return new EchoAddress(false, host, port, null);
    }

    public static EchoAddress uds(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.indexOf('|') >= 0) {
            throw new IllegalArgumentException("Unix domain socket path \"" + path + "\" is empty or contains '|'");
        }
        return new EchoAddress(true, null, 0, path);
    }

    /** @throws IllegalArgumentException naming the problem when {@code value} is not a tofu address */
    public static EchoAddress parse(String value) {
        Objects.requireNonNull(value, "value");
        String[] parts = value.split("\\|", -1);
        if (parts.length == 2 && parts[0].equals("uds")) {
            if (parts[1].isEmpty()) {
                throw new IllegalArgumentException("address \"" + value + "\": the Unix domain socket path is empty");
            }
            return new EchoAddress(true, null, 0, parts[1]);
        }
        if (parts.length == 3 && parts[0].equals("tcp")) {
            int port;
            try {
                port = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("address \"" + value + "\": port \"" + parts[2]
                        + "\" is not a number 0-65535");
            }
            return new EchoAddress(false, parts[1], port, null);
        }
        throw new IllegalArgumentException("address \"" + value + "\" is not tcp|<host>|<port> or uds|<path>");
    }

    public boolean isUds() {
        return uds;
    }

    /** The TCP host, possibly empty; null for a Unix domain socket. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The socket path; null for TCP. */
    public String path() {
        return path;
    }

    /**
     * The TCP socket address to bind ({@code listener}) or connect to. An empty host is the wildcard address for a
     * listener and 127.0.0.1 for a client.
     */
    InetSocketAddress inetSocketAddress(boolean listener) throws UnknownHostException {
        if (uds) {
            throw new IllegalStateException(this + " is not a TCP address");
        }
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
        if (uds) {
            return this;
        }
        if (!(local instanceof InetSocketAddress inet)) {
            throw new IllegalStateException("a TCP listener bound a non-TCP address: " + local);
        }
        // tofu splits at '|', so an IPv6 host needs no brackets.
        String h = host.isEmpty() ? "" : inet.getAddress().getHostAddress();
        return new EchoAddress(false, h, inet.getPort(), null);
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
        return o instanceof EchoAddress a && a.uds == uds && a.port == port && Objects.equals(a.host, host)
                && Objects.equals(a.path, path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(uds, host, port, path);
    }

    /** tofu's notation: {@code tcp|host|port} or {@code uds|path}. */
    @Override
    public String toString() {
        return uds ? "uds|" + path : "tcp|" + host + "|" + port;
    }
}
