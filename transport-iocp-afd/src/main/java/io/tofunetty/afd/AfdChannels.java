package io.tofunetty.afd;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * Picks the TCP, UDP and Unix domain socket channel classes that match an event loop group.
 *
 * <p>Frameworks that choose channel classes themselves recognise Netty's own transports only (they ask the group
 * about NIO, epoll, kqueue, io_uring) and do not run an AFD group as it is: Reactor Netty 1.3 fails at bind or connect
 * with {@code IllegalArgumentException: Unsupported event loop group}; Vert.x 5 never looks at a group, it takes its
 * channels from its transport SPI; gRPC-java's Netty builders insist on a channel type together with a custom group.
 * The adapters {@code transport-iocp-afd-reactor-netty} and {@code transport-iocp-afd-vertx} do it for the first two
 * and docs/usage.md has the gRPC recipe. Elsewhere, ask here for the classes that match a group, or pass
 * {@link AfdSocketChannel} / {@link AfdServerSocketChannel} explicitly:
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory());
 * new ServerBootstrap().group(group).channel(AfdChannels.serverSocketChannelClass(group))...
 * }</pre>
 *
 * Knows the AFD and NIO transports, and epoll, kqueue and io_uring when their classes are on the class path.
 */
public final class AfdChannels {
    private static final String[][] NATIVE_TRANSPORTS = {
        {"io.netty.channel.epoll.EpollIoHandler",
            "io.netty.channel.epoll.EpollSocketChannel", "io.netty.channel.epoll.EpollServerSocketChannel"},
        {"io.netty.channel.kqueue.KQueueIoHandler",
            "io.netty.channel.kqueue.KQueueSocketChannel", "io.netty.channel.kqueue.KQueueServerSocketChannel"},
        {"io.netty.channel.uring.IoUringIoHandler",
            "io.netty.channel.uring.IoUringSocketChannel", "io.netty.channel.uring.IoUringServerSocketChannel"},
    };

    private AfdChannels() {
    }

    /** Whether {@code group} runs {@link AfdIoHandler}s. */
    public static boolean isAfd(EventLoopGroup group) {
        return group instanceof IoEventLoopGroup && ((IoEventLoopGroup) group).isIoType(AfdIoHandler.class);
    }

    /** The client channel class for {@code group}. */
    public static Class<? extends SocketChannel> socketChannelClass(EventLoopGroup group) {
        return channelClass(group, false).asSubclass(SocketChannel.class);
    }

    /** The listener channel class for {@code group}. */
    public static Class<? extends ServerSocketChannel> serverSocketChannelClass(EventLoopGroup group) {
        return channelClass(group, true).asSubclass(ServerSocketChannel.class);
    }

    private static Class<?> channelClass(EventLoopGroup group, boolean server) {
        return find(group, server ? AfdServerSocketChannel.class : AfdSocketChannel.class,
                server ? NioServerSocketChannel.class : NioSocketChannel.class,
                NATIVE_TRANSPORTS, server ? 2 : 1, Object.class, "TCP", "AFD, NIO, epoll, kqueue and io_uring");
    }

    // ------------------------------------------------------------------ datagram and Unix domain socket channels

    private static final String[][] NATIVE_DATAGRAM_TRANSPORTS = {
        {"io.netty.channel.epoll.EpollIoHandler", "io.netty.channel.epoll.EpollDatagramChannel"},
        {"io.netty.channel.kqueue.KQueueIoHandler", "io.netty.channel.kqueue.KQueueDatagramChannel"},
        {"io.netty.channel.uring.IoUringIoHandler", "io.netty.channel.uring.IoUringDatagramChannel"},
    };

    /** The UDP channel class for {@code group}: AFD, NIO, or epoll/kqueue/io_uring when on the class path. */
    public static Class<? extends io.netty.channel.socket.DatagramChannel> datagramChannelClass(
            EventLoopGroup group) {
        return find(group, AfdDatagramChannel.class, io.netty.channel.socket.nio.NioDatagramChannel.class,
                NATIVE_DATAGRAM_TRANSPORTS, 1, io.netty.channel.socket.DatagramChannel.class, "datagram",
                "AFD, NIO, epoll, kqueue and io_uring").asSubclass(io.netty.channel.socket.DatagramChannel.class);
    }

    private static final String[][] NATIVE_DOMAIN_SOCKET_TRANSPORTS = {
        {"io.netty.channel.epoll.EpollIoHandler", "io.netty.channel.epoll.EpollDomainSocketChannel",
            "io.netty.channel.epoll.EpollServerDomainSocketChannel"},
        {"io.netty.channel.kqueue.KQueueIoHandler", "io.netty.channel.kqueue.KQueueDomainSocketChannel",
            "io.netty.channel.kqueue.KQueueServerDomainSocketChannel"},
    };

    /**
     * The Unix domain socket (stream) client channel class for {@code group}: {@link AfdDomainSocketChannel} (its
     * addresses are Netty's {@code DomainSocketAddress}), NIO's (the JDK's {@code UnixDomainSocketAddress}), or
     * epoll's / kqueue's when on the class path.
     */
    public static Class<? extends io.netty.channel.socket.DuplexChannel> domainSocketChannelClass(
            EventLoopGroup group) {
        return domainChannelClass(group, false).asSubclass(io.netty.channel.socket.DuplexChannel.class);
    }

    /** The Unix domain socket listener class for {@code group} (see {@link #domainSocketChannelClass}). */
    public static Class<? extends io.netty.channel.ServerChannel> serverDomainSocketChannelClass(
            EventLoopGroup group) {
        return domainChannelClass(group, true).asSubclass(io.netty.channel.ServerChannel.class);
    }

    private static Class<?> domainChannelClass(EventLoopGroup group, boolean server) {
        return find(group, server ? AfdServerDomainSocketChannel.class : AfdDomainSocketChannel.class,
                server ? io.netty.channel.socket.nio.NioServerDomainSocketChannel.class
                        : io.netty.channel.socket.nio.NioDomainSocketChannel.class,
                NATIVE_DOMAIN_SOCKET_TRANSPORTS, server ? 2 : 1, Object.class, "Unix domain socket",
                "AFD, NIO, epoll and kqueue");
    }

    /**
     * The channel class of one kind for {@code group}: {@code afd} on an AFD group, {@code nio} on a NIO one, else
     * the class in {@code column} of the first row of {@code natives} (an IoHandler class name, then channel class
     * names) whose handler the group runs and whose channel class is on the class path as a {@code type}.
     */
    private static Class<?> find(EventLoopGroup group, Class<?> afd, Class<?> nio, String[][] natives, int column,
                                 Class<?> type, String kind, String known) {
        if (group == null) {
            throw new NullPointerException("group");
        }
        if (isAfd(group)) {
            return afd;
        }
        if (group instanceof IoEventLoopGroup) {
            IoEventLoopGroup io = (IoEventLoopGroup) group;
            if (io.isIoType(io.netty.channel.nio.NioIoHandler.class)) {
                return nio;
            }
            ClassLoader loader = group.getClass().getClassLoader();
            for (String[] t : natives) {
                Class<? extends IoHandler> handler = load(t[0], loader, IoHandler.class);
                if (handler != null && io.isIoType(handler)) {
                    Class<?> channel = load(t[column], loader, type);
                    if (channel != null) {
                        return channel;
                    }
                }
            }
        }
        throw new IllegalArgumentException("no " + kind + " channel class known for the event loop group " + group
                + " (" + group.getClass().getName() + "): AfdChannels knows " + known
                + " groups made with MultiThreadIoEventLoopGroup and the transport's IoHandler factory");
    }

    private static <T> Class<? extends T> load(String name, ClassLoader loader, Class<T> type) {
        try {
            return Class.forName(name, false, loader).asSubclass(type);
        } catch (ClassNotFoundException | LinkageError | ClassCastException e) {
            return null;
        }
    }
}
