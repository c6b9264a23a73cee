package io.tofunetty.afd.vertx;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdDatagramChannel;
import io.tofunetty.afd.AfdDomainSocketChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerDomainSocketChannel;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Vert.x 5 on the AFD transport: {@code Vertx.builder().withTransport(AfdTransport.AFD).build()}.
 *
 * <p>{@link #AFD} is the transport to give Vert.x's builder; this class is its implementation of Vert.x's transport
 * SPI (event loops running {@link AfdIoHandler}, the AFD TCP, UDP and AF_UNIX channels). Where
 * {@link Afd#isAvailable()} is false, Vert.x itself runs on NIO (it checks {@link #isAvailable()} and reports
 * {@link #unavailabilityCause()} from {@code vertx.unavailableNativeTransportCause()}); the cause is also logged once
 * per JVM at INFO, so the same application runs on Linux and Windows.
 */
public final class AfdTransport implements io.vertx.core.spi.transport.Transport {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AfdTransport.class);
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    /** The AFD transport, for {@code Vertx.builder().withTransport(...)}. */
    public static final io.vertx.core.transport.Transport AFD = new Handle(new AfdTransport());

    private AfdTransport() {
    }

    @Override
    public boolean isAvailable() {
        return Afd.isAvailable();
    }

    @Override
    public Throwable unavailabilityCause() {
        return Afd.unavailabilityCause();
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        return AfdIoHandler.newFactory();
    }

    @Override
    public DatagramChannel datagramChannel() {
        return new AfdDatagramChannel();
    }

    @Override
    @SuppressWarnings("deprecation") // the SPI still speaks InternetProtocolFamily
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
        switch (family) {
            case IPv4:
                return new AfdDatagramChannel(SocketProtocolFamily.INET);
            case IPv6:
                return new AfdDatagramChannel(SocketProtocolFamily.INET6);
            default:
                throw new IllegalArgumentException("no datagram channel for the protocol family " + family);
        }
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        return domainSocket ? AfdDomainSocketChannel::new : AfdSocketChannel::new;
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return domainSocket ? AfdServerDomainSocketChannel::new : AfdServerSocketChannel::new;
    }

    /** AF_UNIX streams: the AFD channels take Netty's {@link DomainSocketAddress} (Windows 10 1803 and later). */
    @Override
    public boolean supportsDomainSockets() {
        return true;
    }

    @Override
    public SocketAddress convert(io.vertx.core.net.SocketAddress address) {
        if (address.isDomainSocket()) {
            return new DomainSocketAddress(address.path());
        }
        return io.vertx.core.spi.transport.Transport.super.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(SocketAddress address) {
        if (address instanceof DomainSocketAddress) {
            return io.vertx.core.net.SocketAddress.domainSocketAddress(((DomainSocketAddress) address).path());
        }
        return io.vertx.core.spi.transport.Transport.super.convert(address);
    }

    /**
     * Vert.x's default applies the multicast options to its NIO transport only; the AFD datagram channel has them
     * too (IP_MULTICAST_LOOP, IP_MULTICAST_TTL, IP_MULTICAST_IF).
     */
    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        io.vertx.core.spi.transport.Transport.super.configure(channel, options);
        channel.config().setLoopbackModeDisabled(options.isLoopbackModeDisabled());
        if (options.getMulticastTimeToLive() != -1) {
            channel.config().setTimeToLive(options.getMulticastTimeToLive());
        }
        if (options.getMulticastNetworkInterface() != null) {
            NetworkInterface nif;
            try {
                nif = NetworkInterface.getByName(options.getMulticastNetworkInterface());
            } catch (SocketException e) {
                nif = null;
            }
            if (nif == null) {
                throw new IllegalArgumentException("Could not find network interface with name "
                        + options.getMulticastNetworkInterface());
            }
            channel.config().setNetworkInterface(nif);
        }
    }

    @Override
    public String toString() {
        return "AfdTransport";
    }

    /** What Vert.x's builder takes: a name, the availability and the SPI implementation. */
    private static final class Handle implements io.vertx.core.transport.Transport {
        private final AfdTransport implementation;

        Handle(AfdTransport implementation) {
            this.implementation = implementation;
        }

        @Override
        public String name() {
            return "afd";
        }

        @Override
        public boolean available() {
            return Afd.isAvailable();
        }

        @Override
        public Throwable unavailabilityCause() {
            return Afd.unavailabilityCause();
        }

        /** Vert.x asks for this when it builds; where AFD is unavailable it then runs NIO, which is logged here. */
        @Override
        public io.vertx.core.spi.transport.Transport implementation() {
            if (!Afd.isAvailable() && FALLBACK_LOGGED.compareAndSet(false, true)) {
                logger.info("the AFD transport is unavailable, Vert.x runs on NIO: {}",
                        String.valueOf(Afd.unavailabilityCause()));
            }
            return implementation;
        }

        @Override
        public String toString() {
            return "afd";
        }
    }
}
