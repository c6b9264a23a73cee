package io.tofunetty.integration.bench;

import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdIoHandlerOptions;
import io.tofunetty.afd.AfdReadMode;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.integration.bench.alt.AltDesign;

import java.nio.channels.spi.SelectorProvider;

/**
 * One transport under test: how to make its event loops and its TCP channels. Every variant uses IPv4 sockets so that
 * all of them do the same thing on the wire.
 *
 * <p>{@code nio-legacy} needs the JDK's select()-based {@code sun.nio.ch.WindowsSelectorProvider} next to the default
 * (WEPoll) provider in the same JVM. A selector provider is JVM-wide only as the <em>default</em>; Netty takes an
 * explicit provider for its handler and channels, so the legacy one is instantiated reflectively (the JVM must run
 * with {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}) and all three transports share one JVM.
 */
final class BenchTransport {
    static final String AFD = "afd";
    /** The AFD transport reading TCP by overlapped receives ({@code AfdReadMode.COMPLETION}). */
    static final String AFD_COMPLETION = "afd-completion";
    static final String NIO = "nio";
    static final String NIO_LEGACY = "nio-legacy";
    static final String LEGACY_PROVIDER = "sun.nio.ch.WindowsSelectorProvider";

    /** The CSV transport name: afd, afd-completion, nio or nio-legacy (or a prototype's). */
    final String name;
    /** The AFD handle group size, 0 for NIO. */
    final int groupSize;
    /** A prototype loop of docs/alternatives.md (no Netty channels: {@code handlers()} etc. are null), or null. */
    final AltDesign alt;
    /** How the AFD variants read TCP; null for the others. */
    final AfdReadMode readMode;
    private final IoHandlerFactory handlers;
    private final ChannelFactory<SocketChannel> clients;
    private final ChannelFactory<ServerSocketChannel> servers;
    private final String description;

    private BenchTransport(String name, int groupSize, AfdReadMode readMode, IoHandlerFactory handlers,
                           ChannelFactory<SocketChannel> clients, ChannelFactory<ServerSocketChannel> servers,
                           String description) {
        this(name, groupSize, null, readMode, handlers, clients, servers, description);
    }

    private BenchTransport(String name, int groupSize, AltDesign alt, AfdReadMode readMode, IoHandlerFactory handlers,
                           ChannelFactory<SocketChannel> clients, ChannelFactory<ServerSocketChannel> servers,
                           String description) {
        this.name = name;
        this.groupSize = groupSize;
        this.alt = alt;
        this.readMode = readMode;
        this.handlers = handlers;
        this.clients = clients;
        this.servers = servers;
        this.description = description;
    }

    static BenchTransport afd(int groupSize) {
        return afd(AFD, AfdReadMode.POLL, groupSize);
    }

    /** The same AFD variant (name and read mode) with another handle group size. */
    BenchTransport withGroupSize(int size) {
        return afd(name, readMode, size);
    }

    static BenchTransport afd(String name, AfdReadMode mode, int groupSize) {
        AfdIoHandlerOptions options = AfdIoHandlerOptions.defaults().withGroupSize(groupSize).withReadMode(mode);
        return new BenchTransport(name, groupSize, mode, AfdIoHandler.newFactory(options),
                () -> new AfdSocketChannel(SocketProtocolFamily.INET),
                () -> new AfdServerSocketChannel(SocketProtocolFamily.INET),
                "AfdIoHandler, " + options);
    }

    static BenchTransport nio() {
        return nio(NIO, SelectorProvider.provider());
    }

    /** The legacy select() provider; throws with the reason when this JVM cannot instantiate it. */
    static BenchTransport nioLegacy() throws ReflectiveOperationException {
        Object provider = Class.forName(LEGACY_PROVIDER).getDeclaredConstructor().newInstance();
        return nio(NIO_LEGACY, (SelectorProvider) provider);
    }

    private static BenchTransport nio(String name, SelectorProvider provider) {
        String selector;
        try (java.nio.channels.Selector s = provider.openSelector()) {
            selector = s.getClass().getName();
        } catch (java.io.IOException e) {
            selector = "cannot open a selector: " + e;
        }
        return new BenchTransport(name, 0, null, NioIoHandler.newFactory(provider),
                () -> new NioSocketChannel(provider, SocketProtocolFamily.INET),
                () -> new NioServerSocketChannel(provider, SocketProtocolFamily.INET),
                "NioIoHandler over " + provider.getClass().getName() + " (" + selector + ")");
    }

    /** A prototype design (io.tofunetty.integration.bench.alt), run by its own rig instead of Netty's. */
    static BenchTransport alt(AltDesign design) {
        return new BenchTransport(design.transportName, 0, design, null, null, null, null,
                "prototype: " + design.describe());
    }

    boolean isAlt() {
        return alt != null;
    }

    IoHandlerFactory handlers() {
        return handlers;
    }

    ChannelFactory<SocketChannel> clientChannels() {
        return clients;
    }

    ChannelFactory<ServerSocketChannel> serverChannels() {
        return servers;
    }

    /** Either AFD variant (polls or completion reads). */
    boolean isAfd() {
        return AFD.equals(name) || AFD_COMPLETION.equals(name);
    }

    /** A label for progress lines: the name, with the group size for AFD. */
    String label() {
        return groupSize > 0 ? name + "(group " + groupSize + ")" : name;
    }

    String description() {
        return description;
    }

    @Override
    public String toString() {
        return label();
    }
}
