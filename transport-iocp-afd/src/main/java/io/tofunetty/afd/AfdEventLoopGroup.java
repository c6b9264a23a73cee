package io.tofunetty.afd;

import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * An event loop group of {@link AfdIoHandler}s, for those who expect a transport-specific group class (as Netty's
 * {@code EpollEventLoopGroup}). It is exactly {@code new MultiThreadIoEventLoopGroup(n, AfdIoHandler.newFactory())},
 * which is the preferred spelling in Netty 4.2:
 *
 * <pre>{@code
 * EventLoopGroup group = new AfdEventLoopGroup();
 * new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)...
 * }</pre>
 *
 * <p>Construction fails with the cause of {@link Afd#unavailabilityCause()} when the transport cannot run here.
 */
public final class AfdEventLoopGroup extends MultiThreadIoEventLoopGroup {

    /** As many threads as Netty's default (twice the processors, or {@code io.netty.eventLoopThreads}). */
    public AfdEventLoopGroup() {
        this(0);
    }

    /** {@code nThreads} event loops; 0 means Netty's default. */
    public AfdEventLoopGroup(int nThreads) {
        this(nThreads, AfdIoHandlerOptions.defaults());
    }

    /** {@code nThreads} event loops with the given handler options; 0 threads means Netty's default. */
    public AfdEventLoopGroup(int nThreads, AfdIoHandlerOptions options) {
        super(nThreads, (Executor) null, AfdIoHandler.newFactory(options));
    }

    /** {@code nThreads} event loops whose threads come from {@code threadFactory}. */
    public AfdEventLoopGroup(int nThreads, ThreadFactory threadFactory) {
        super(nThreads, threadFactory, AfdIoHandler.newFactory());
    }

    /** {@code nThreads} event loops run by {@code executor}. */
    public AfdEventLoopGroup(int nThreads, Executor executor) {
        super(nThreads, executor, AfdIoHandler.newFactory());
    }
}
