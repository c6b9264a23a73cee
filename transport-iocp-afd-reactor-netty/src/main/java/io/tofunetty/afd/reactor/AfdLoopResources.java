package io.tofunetty.afd.reactor;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdIoHandler;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reactor Netty's event loops on the AFD transport: {@code HttpServer.create().runOn(AfdLoopResources.create("app"))}.
 *
 * <p>Reactor Netty recognises only its own transports' groups: given an AFD group through a plain
 * {@link LoopResources}, it fails at bind or connect with {@code IllegalArgumentException: Unsupported event loop
 * group}. Reactor creates every channel through {@link #onChannel(Class, EventLoopGroup)} (servers, clients, UDP, its
 * DNS resolver), so that is the method this class answers; {@link #onChannelClass} is answered the same way for those
 * who ask for the class.
 *
 * <p>One group of event loops serves servers' acceptors, their connections and clients, created on first use with
 * daemon threads by default. Where {@link Afd#isAvailable()} is false (Linux, macOS, a JVM without JNA) the group is a
 * NIO group instead, with the cause logged once per JVM at INFO, so the same application runs everywhere. A caller
 * that asks for no native transport ({@code runOn(loops, false)}) gets a separate NIO group, as from Reactor's own
 * {@code LoopResources}. {@link #disposeLater} shuts the groups down gracefully.
 *
 * <p>Channel types: TCP ({@code SocketChannel}, {@code ServerSocketChannel}), UDP ({@code DatagramChannel}), and
 * Unix domain sockets ({@code io.netty.channel.unix.DomainSocketChannel} and {@code ServerDomainSocketChannel}),
 * answered with the AFD AF_UNIX channels. Those do not implement Netty's Unix interfaces (their {@code fd()} would
 * promise a Unix file descriptor), which Reactor's HTTP client tests for: over AF_UNIX on AFD use
 * {@code TcpServer}/{@code TcpClient}/{@code HttpServer}, not {@code HttpClient}.
 */
public final class AfdLoopResources implements LoopResources {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AfdLoopResources.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private final String prefix;
    private final int workerCount;
    private final boolean daemon;
    private final AtomicBoolean disposed = new AtomicBoolean();
    private EventLoopGroup loops;      // AFD, or NIO where AFD is unavailable; guarded by this
    private EventLoopGroup nioLoops;   // for callers that ask for no native transport; guarded by this

    private AfdLoopResources(String prefix, int workerCount, boolean daemon) {
        this.prefix = prefix;
        this.workerCount = workerCount;
        this.daemon = daemon;
    }

    /**
     * Event loops named {@code prefix-afd-N} (or {@code prefix-nio-N}), {@link LoopResources#DEFAULT_IO_WORKER_COUNT}
     * of them, on daemon threads.
     */
    public static AfdLoopResources create(String prefix) {
        return create(prefix, DEFAULT_IO_WORKER_COUNT, true);
    }

    /** {@code workerCount} event loops named after {@code prefix}; {@code daemon} for daemon threads. */
    public static AfdLoopResources create(String prefix, int workerCount, boolean daemon) {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix must be a non-empty thread name prefix, was "
                    + (prefix == null ? "null" : "empty"));
        }
        if (workerCount < 1) {
            throw new IllegalArgumentException("workerCount must be at least 1, was " + workerCount);
        }
        return new AfdLoopResources(prefix, workerCount, daemon);
    }

    /** Whether the event loops are AFD's (false where the transport is unavailable and NIO stands in). */
    public boolean isAfd() {
        return Afd.isAvailable();
    }

    @Override
    public EventLoopGroup onServer(boolean useNative) {
        return useNative ? loops() : nioLoops();
    }

    @Override
    public EventLoopGroup onClient(boolean useNative) {
        return onServer(useNative);
    }

    @Override
    public EventLoopGroup onServerSelect(boolean useNative) {
        return onServer(useNative);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
        Class<? extends CHANNEL> type = onChannelClass(channelType, group);
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;   // e.g. ChannelException: the socket could not be opened
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException("cannot create a " + type.getName(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create a " + type.getName(), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
                                                                           EventLoopGroup group) {
        Class<?> type;
        if (channelType == SocketChannel.class) {
            type = AfdChannels.socketChannelClass(group);
        } else if (channelType == ServerSocketChannel.class) {
            type = AfdChannels.serverSocketChannelClass(group);
        } else if (channelType == DatagramChannel.class) {
            type = AfdChannels.datagramChannelClass(group);
        } else if (channelType == DomainSocketChannel.class) {
            type = AfdChannels.domainSocketChannelClass(group);
        } else if (channelType == ServerDomainSocketChannel.class) {
            type = AfdChannels.serverDomainSocketChannelClass(group);
        } else {
            throw new IllegalArgumentException("AfdLoopResources has no channel for " + channelType.getName()
                    + ": it knows SocketChannel, ServerSocketChannel, DatagramChannel, DomainSocketChannel and "
                    + "ServerDomainSocketChannel");
        }
        return (Class<? extends CHANNEL>) type;
    }

    @Override
    public boolean daemon() {
        return daemon;
    }

    @Override
    public boolean isDisposed() {
        return disposed.get();
    }

    @Override
    public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
        return Mono.defer(() -> {
            if (!disposed.compareAndSet(false, true)) {
                return Mono.empty();
            }
            EventLoopGroup a;
            EventLoopGroup b;
            synchronized (this) {
                a = loops;
                b = nioLoops;
            }
            return Mono.when(shutdown(a, quietPeriod, timeout), shutdown(b, quietPeriod, timeout));
        });
    }

    private static Mono<Void> shutdown(EventLoopGroup group, Duration quietPeriod, Duration timeout) {
        if (group == null) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            Future<?> terminated = group.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            terminated.addListener(f -> {
                if (f.isSuccess()) {
                    sink.success();
                } else {
                    sink.error(f.cause());
                }
            });
        });
    }

    private synchronized EventLoopGroup loops() {
        if (loops == null) {
            checkNotDisposed();
            IoHandlerFactory factory;
            String kind;
            if (Afd.isAvailable()) {
                factory = AfdIoHandler.newFactory();
                kind = "afd";
            } else {
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    logger.info("the AFD transport is unavailable, Reactor Netty runs on NIO: {}",
                            String.valueOf(Afd.unavailabilityCause()));
                }
                factory = NioIoHandler.newFactory();
                kind = "nio";
            }
            loops = new MultiThreadIoEventLoopGroup(workerCount,
                    new DefaultThreadFactory(prefix + '-' + kind, daemon), factory);
        }
        return loops;
    }

    private synchronized EventLoopGroup nioLoops() {
        if (nioLoops == null) {
            checkNotDisposed();
            nioLoops = new MultiThreadIoEventLoopGroup(workerCount,
                    new DefaultThreadFactory(prefix + "-nio", daemon), NioIoHandler.newFactory());
        }
        return nioLoops;
    }

    private void checkNotDisposed() {
        if (disposed.get()) {
            throw new IllegalStateException("AfdLoopResources " + prefix + " has been disposed");
        }
    }

    @Override
    public String toString() {
        return "AfdLoopResources{prefix=" + prefix + ", workerCount=" + workerCount + ", daemon=" + daemon
                + ", transport=" + (Afd.isAvailable() ? "afd" : "nio") + '}';
    }
}
