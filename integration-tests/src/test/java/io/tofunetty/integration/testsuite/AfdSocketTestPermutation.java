package io.tofunetty.integration.testsuite;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;

import java.util.List;

/**
 * Netty's socket test permutations with the AFD transport under test: AFD server x AFD client, AFD x NIO and
 * NIO x AFD (NIO x NIO is dropped: it tests nothing of ours). The event loop groups live as long as the JVM, as
 * Netty's own permutations do.
 *
 * <p>A few upstream classes move so much data, or make so many round trips, that their full matrix (3 combinations
 * x 3 allocators) costs minutes under Wine, where every socket call is a wineserver round trip. Those run the
 * {@linkplain #reducedSocket() reduced matrix}: AFD x AFD with the adaptive allocator (Netty 4.2's default), unless
 * {@code -Dtofunetty.testsuite.full=true} asks for everything. docs/testing.md lists which and why.
 */
public final class AfdSocketTestPermutation extends SocketTestPermutation {
    static {
        // The test suite brings logback without a configuration, which logs every Netty DEBUG line; under Wine
        // that output costs minutes. Keep INFO (the suite logs which combination runs at INFO).
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.INFO);
    }

    public static final AfdSocketTestPermutation INSTANCE = new AfdSocketTestPermutation();

    static final EventLoopGroup AFD_GROUP = new MultiThreadIoEventLoopGroup(
            NUM_THREADS, new DefaultThreadFactory("testsuite-afd", true), AfdIoHandler.newFactory());

    /** Run every class on the full matrix, even where that costs minutes under Wine. */
    public static final boolean FULL = Boolean.getBoolean("tofunetty.testsuite.full");

    private static final ByteBufAllocator ADAPTIVE = new AdaptiveByteBufAllocator();

    private AfdSocketTestPermutation() {
    }

    /** The reduced matrix's combinations: AFD server x AFD client (all three with {@link #FULL}). */
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> reducedSocket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> all = socket();
        return FULL ? all : all.subList(0, 1);
    }

    /** The reduced matrix's allocators: the adaptive one (all three with {@link #FULL}). */
    public static List<ByteBufAllocator> reducedAllocators() {
        return FULL ? TestsuitePermutation.allocator() : List.of(ADAPTIVE);
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socket() {
        List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> all = combo(serverSocket(), clientSocket());
        all.remove(all.size() - 1); // NIO x NIO
        return all;
    }

    @Override
    public List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> socketWithFastOpen() {
        return socket();
    }

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return List.of(
                () -> new ServerBootstrap().group(AFD_GROUP).channel(AfdServerSocketChannel.class),
                () -> new ServerBootstrap().group(NIO_GROUP).channel(NioServerSocketChannel.class));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return List.of(
                () -> new Bootstrap().group(AFD_GROUP).channel(AfdSocketChannel.class),
                () -> new Bootstrap().group(NIO_GROUP).channel(NioSocketChannel.class));
    }

    /** Client-only tests (SocketConnectionAttemptTest and friends): the AFD client alone. */
    public List<BootstrapFactory<Bootstrap>> afdClientSocket() {
        return List.of(() -> new Bootstrap().group(AFD_GROUP).channel(AfdSocketChannel.class));
    }

    /** Server-only tests (SocketShutdownOutputByPeerTest): the AFD server alone. */
    public List<BootstrapFactory<ServerBootstrap>> afdServerSocket() {
        return List.of(() -> new ServerBootstrap().group(AFD_GROUP).channel(AfdServerSocketChannel.class));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocketWithFastOpen() {
        return clientSocket();
    }
}
