package io.tofunetty.examples.echo;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
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

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The transport of the examples: the event loop's I/O handler, the channel classes for TCP and Unix domain
 * sockets, and the socket address type each expects. This is everything that differs between transports; the
 * pipelines are the same on all of them.
 *
 * <p>{@link #AUTO} picks AFD on Windows (or Wine) when it is available, else epoll when it is available, else NIO.
 * NIO does Unix domain sockets with JDK 16+'s {@link UnixDomainSocketAddress} ({@link NioDomainSocketChannel}),
 * epoll with Netty's {@link DomainSocketAddress}. AFD does TCP; its Unix domain socket channel does not exist yet.
 */
public enum EchoTransport {
    AUTO,
    /** IOCP + AFD polls on Windows (module transport-iocp-afd). */
    AFD,
    NIO,
    EPOLL;

    /**
     * Parses {@code auto}, {@code afd}, {@code nio} or {@code epoll} (any case).
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static EchoTransport parse(String name) {
        for (EchoTransport t : values()) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport \"" + name + "\"; choose auto, afd, nio or epoll");
    }

    /** The lower-case name used on the command line and in summaries. */
    public String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The concrete transport: itself, or what {@link #AUTO} picks here. */
    public EchoTransport resolve() {
        if (this != AUTO) {
            return this;
        }
        if (isWindows() && AFD.isAvailable()) {
            return AFD;
        }
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    /** Whether this transport can run in this JVM (for TCP). */
    public boolean isAvailable() {
        return unavailabilityReason() == null;
    }

    /** Why this transport cannot run here, or null when it can. */
    public String unavailabilityReason() {
        switch (this) {
            case AUTO:
            case NIO:
                return null;
            case EPOLL:
                return Epoll.isAvailable() ? null : "epoll is unavailable: " + Epoll.unavailabilityCause();
            case AFD:
                if (Afd.isAvailable()) {
                    return null;
                }
                Throwable cause = Afd.unavailabilityCause();
                return cause.getMessage() != null ? cause.getMessage() : cause.toString();
            default:
                throw new AssertionError(this);
        }
    }

    /**
     * Fails with a message naming the reason when this transport cannot carry {@code address} here.
     *
     * @throws IllegalStateException if the transport or its Unix domain socket support is unavailable
     */
    public void checkUsable(EchoAddress address) {
        EchoTransport t = resolve();
        String reason = t.unavailabilityReason();
        if (reason != null) {
            throw new IllegalStateException("the " + t.displayName() + " transport cannot run here: " + reason);
        }
        if (address.isUds() && t == AFD) {
            throw new IllegalStateException("Unix domain sockets on the afd transport are not supported yet "
                    + "(no AFD domain socket channel); use tcp|<host>|<port>");
        }
    }

    /** The I/O handler factory of {@link #resolve()}. */
    public IoHandlerFactory ioHandlerFactory() {
        switch (resolve()) {
            case AFD:
                return AfdIoHandler.newFactory();
            case EPOLL:
                Epoll.ensureAvailability();
                return EpollIoHandler.newFactory();
            case NIO:
                return NioIoHandler.newFactory();
            default:
                throw new AssertionError(this);
        }
    }

    /** A new event loop group of {@code threads} threads (0: Netty's default) on this transport. */
    public EventLoopGroup newEventLoopGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, ioHandlerFactory());
    }

    /** Makes listener channels for TCP or Unix domain sockets. */
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean uds) {
        switch (resolve()) {
            case AFD:
                checkAfdTcpOnly(uds);
                return AfdServerSocketChannel::new;
            case EPOLL:
                return uds ? EpollServerDomainSocketChannel::new : EpollServerSocketChannel::new;
            case NIO:
                return uds ? NioServerDomainSocketChannel::new : NioServerSocketChannel::new;
            default:
                throw new AssertionError(this);
        }
    }

    /** Makes client channels for TCP or Unix domain sockets. */
    public ChannelFactory<? extends Channel> socketChannelFactory(boolean uds) {
        switch (resolve()) {
            case AFD:
                checkAfdTcpOnly(uds);
                return AfdSocketChannel::new;
            case EPOLL:
                return uds ? EpollDomainSocketChannel::new : EpollSocketChannel::new;
            case NIO:
                return uds ? NioDomainSocketChannel::new : NioSocketChannel::new;
            default:
                throw new AssertionError(this);
        }
    }

    /** The socket address to bind ({@code listener}) or connect to, of the type this transport's channels take. */
    public SocketAddress socketAddress(EchoAddress address, boolean listener) throws UnknownHostException {
        if (!address.isUds()) {
            return address.inetSocketAddress(listener);
        }
        switch (resolve()) {
            case EPOLL:
                return new DomainSocketAddress(address.path());
            case NIO:
                return UnixDomainSocketAddress.of(address.path());
            case AFD:
                checkAfdTcpOnly(true);
                throw new AssertionError();
            default:
                throw new AssertionError(this);
        }
    }

    private static void checkAfdTcpOnly(boolean uds) {
        if (uds) {
            throw new IllegalStateException("Unix domain sockets on the afd transport are not supported yet");
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }
}
