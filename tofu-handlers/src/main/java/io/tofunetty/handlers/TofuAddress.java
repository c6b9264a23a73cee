package io.tofunetty.handlers;

import java.util.Objects;

/**
 * A tofu address, the value of the {@code ~connect_to} and {@code ~listen_on} text headers: {@code tcp|host|port}
 * or {@code uds|path} (tofu src/address.zig:301-379, spec §7).
 *
 * <p>Parsing follows tofu: two parts must start with {@code uds}; with three parts the protocol string is not
 * checked and TCP is assumed, and the port must be a u16. Anything else is rejected (tofu's parser keeps at most three
 * parts). An empty host means all interfaces for a listener and 127.0.0.1 for a client, as in tofu. Port 0 lets a
 * listener pick a free port (a tofu-netty addition; the WelcomeResponse then names the port).
 */
public final class TofuAddress {
    /** The HelloRequest header naming the server to connect to. */
    public static final String CONNECT_TO = "~connect_to";
    /** The WelcomeRequest header naming the address to listen on. */
    public static final String LISTEN_ON = "~listen_on";
    /** tofu's default host for clients. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The address family. */
    public enum Kind {
        /** TCP over IPv4 or IPv6. */
        TCP,
        /** A Unix domain stream socket (AF_UNIX), named by a file system path. */
        UDS
    }

    private final Kind kind;
    private final String host;
    private final int port;
    private final String path;

    private TofuAddress(Kind kind, String host, int port, String path) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    /** A TCP address; {@code host} may be empty (all interfaces for a listener). */
    public static TofuAddress tcp(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("TCP port " + port + " is not a u16 (0-65535)");
        }
        if (host.indexOf('|') >= 0) {
            throw new IllegalArgumentException("host \"" + host + "\" contains '|'");
        }
        return new TofuAddress(Kind.TCP, host, port, null);
    }

    /** A Unix domain socket address. */
    public static TofuAddress uds(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("Unix domain socket path is empty");
        }
        if (path.indexOf('|') >= 0) {
            throw new IllegalArgumentException("Unix domain socket path \"" + path + "\" contains '|'");
        }
        return new TofuAddress(Kind.UDS, null, 0, path);
    }

    /**
     * Parses a header value.
     *
     * @throws IllegalArgumentException naming the problem when {@code value} is not a tofu address
     */
    public static TofuAddress parse(String value) {
        Objects.requireNonNull(value, "value");
        String[] parts = value.split("\\|", -1);
        if (parts.length == 2) {
            if (!parts[0].equals("uds")) {
                throw new IllegalArgumentException("address \"" + value + "\": two parts must be uds|<path>");
            }
            if (parts[1].isEmpty()) {
                throw new IllegalArgumentException("address \"" + value + "\": empty Unix domain socket path");
            }
            return new TofuAddress(Kind.UDS, null, 0, parts[1]);
        }
        if (parts.length == 3) {
            int port;
            try {
                port = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 0xFFFF || parts[2].startsWith("+")) {
                throw new IllegalArgumentException("address \"" + value + "\": port \"" + parts[2]
                        + "\" is not a u16 (0-65535)");
            }
            return new TofuAddress(Kind.TCP, parts[1], port, null);
        }
        throw new IllegalArgumentException("address \"" + value + "\" is neither tcp|<host>|<port> nor uds|<path>");
    }

    public Kind kind() {
        return kind;
    }

    /** The TCP host as written (may be empty); null for UDS. */
    public String host() {
        return host;
    }

    /** The TCP port; 0 for UDS. */
    public int port() {
        return port;
    }

    /** The UDS path; null for TCP. */
    public String path() {
        return path;
    }

    /** The same address with another port (TCP only). */
    public TofuAddress withPort(int newPort) {
        if (kind != Kind.TCP) {
            throw new IllegalStateException("a Unix domain socket address has no port");
        }
        return tcp(host, newPort);
    }

    /** The header value: {@code tcp|host|port} or {@code uds|path}. */
    public String format() {
        return kind == Kind.TCP ? "tcp|" + host + "|" + port : "uds|" + path;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof TofuAddress)) {
            return false;
        }
        TofuAddress a = (TofuAddress) o;
        return kind == a.kind && port == a.port && Objects.equals(host, a.host) && Objects.equals(path, a.path);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, host, port, path);
    }

    @Override
    public String toString() {
        return format();
    }
}
