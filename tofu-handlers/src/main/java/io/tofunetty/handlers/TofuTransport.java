package io.tofunetty.handlers;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The one place that chooses a Netty transport: the I/O handler and the channel types for TCP and Unix domain
 * sockets, and the socket address type each expects.
 *
 * <p>{@link #AUTO} picks AFD on Windows when it is available, else epoll on Linux when it is available, else NIO.
 * NIO does Unix domain sockets through JDK 16+'s {@link UnixDomainSocketAddress} ({@link NioDomainSocketChannel});
 * epoll through Netty's {@link DomainSocketAddress}.
 */
public enum TofuTransport {
    /** The best transport available here; {@link #resolve()} tells which. */
    AUTO {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public TofuTransport resolve() {
            if (isWindows() && AFD.isAvailable()) {
                return AFD;
            }
            if (EPOLL.isAvailable()) {
                return EPOLL;
            }
            return NIO;
        }

        @Override
        public IoHandlerFactory newIoHandlerFactory() {
            return resolve().newIoHandlerFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> socketChannelFactory(TofuAddress.Kind kind) {
            return resolve().socketChannelFactory(kind);
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(TofuAddress.Kind kind) {
            return resolve().serverChannelFactory(kind);
        }

        @Override
        SocketAddress domainSocketAddress(String path) {
            return resolve().domainSocketAddress(path);
        }

        @Override
        public boolean supports(TofuAddress.Kind kind) {
            return resolve().supports(kind);
        }
    },

    /** IOCP + AFD polls on Windows (module transport-iocp-afd), TCP. */
    AFD {
        @Override
        public boolean isAvailable() {
            return Afd.isAvailable();
        }

        @Override
        public IoHandlerFactory newIoHandlerFactory() {
            return AfdIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> socketChannelFactory(TofuAddress.Kind kind) {
            requireTcp(kind);
            return AfdSocketChannel::new;
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(TofuAddress.Kind kind) {
            requireTcp(kind);
            return AfdServerSocketChannel::new;
        }

        @Override
        SocketAddress domainSocketAddress(String path) {
            requireTcp(TofuAddress.Kind.UDS);
            throw new AssertionError();
        }

        @Override
        public boolean supports(TofuAddress.Kind kind) {
            return kind == TofuAddress.Kind.TCP;
        }

        private void requireTcp(TofuAddress.Kind kind) {
            if (!supports(kind)) {
                throw new UnsupportedOperationException("the AFD transport has no Unix domain socket channel yet: "
                        + "use tcp|host|port, or TofuTransport.NIO for uds|path");
            }
        }
    },

    /** Linux epoll (netty-transport-native-epoll), TCP and Unix domain sockets. */
    EPOLL {
        @Override
        public boolean isAvailable() {
            return Epoll.isAvailable();
        }

        @Override
        public IoHandlerFactory newIoHandlerFactory() {
            Epoll.ensureAvailability();
            return EpollIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> socketChannelFactory(TofuAddress.Kind kind) {
            return kind == TofuAddress.Kind.TCP ? EpollSocketChannel::new : EpollDomainSocketChannel::new;
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(TofuAddress.Kind kind) {
            return kind == TofuAddress.Kind.TCP ? EpollServerSocketChannel::new : EpollServerDomainSocketChannel::new;
        }

        @Override
        SocketAddress domainSocketAddress(String path) {
            return new DomainSocketAddress(path);
        }
    },

    /** Java NIO: everywhere; Unix domain sockets through JDK 16+. */
    NIO {
        @Override
        public boolean isAvailable() {
            return true;
        }

        @Override
        public IoHandlerFactory newIoHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public ChannelFactory<? extends Channel> socketChannelFactory(TofuAddress.Kind kind) {
            return kind == TofuAddress.Kind.TCP ? NioSocketChannel::new : NioDomainSocketChannel::new;
        }

        @Override
        public ChannelFactory<? extends ServerChannel> serverChannelFactory(TofuAddress.Kind kind) {
            return kind == TofuAddress.Kind.TCP ? NioServerSocketChannel::new : NioServerDomainSocketChannel::new;
        }

        @Override
        SocketAddress domainSocketAddress(String path) {
            return UnixDomainSocketAddress.of(path);
        }
    };

    /** Whether this transport can run in this JVM. */
    public abstract boolean isAvailable();

    /** Whether this transport has channels for this kind of address (AFD has no Unix domain sockets yet). */
    public boolean supports(TofuAddress.Kind kind) {
        return true;
    }

    /** The concrete transport: itself, or what {@link #AUTO} picks. */
    public TofuTransport resolve() {
        return this;
    }

    /** A new I/O handler factory for a {@code MultiThreadIoEventLoopGroup}. */
    public abstract IoHandlerFactory newIoHandlerFactory();

    /** Makes client (and accepted) channels for TCP or Unix domain sockets. */
    public abstract ChannelFactory<? extends Channel> socketChannelFactory(TofuAddress.Kind kind);

    /** Makes listener channels for TCP or Unix domain sockets. */
    public abstract ChannelFactory<? extends ServerChannel> serverChannelFactory(TofuAddress.Kind kind);

    abstract SocketAddress domainSocketAddress(String path);

    /**
     * The socket address to connect to ({@code listener == false}) or bind ({@code listener == true}). An empty TCP
     * host means all interfaces for a listener and 127.0.0.1 for a client.
     *
     * @throws UnknownHostException if the host does not resolve
     */
    public SocketAddress socketAddress(TofuAddress address, boolean listener) throws UnknownHostException {
        if (address.kind() == TofuAddress.Kind.UDS) {
            return domainSocketAddress(address.path());
        }
        String host = address.host();
        if (host.isEmpty()) {
            return listener ? new InetSocketAddress(address.port())
                    : new InetSocketAddress(InetAddress.getByName(TofuAddress.DEFAULT_HOST), address.port());
        }
        return new InetSocketAddress(InetAddress.getByName(host), address.port());
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    private static IllegalStateException unavailable(TofuTransport t) {
        return new IllegalStateException("the " + t.name() + " transport is not available in this JVM");
    }
}
