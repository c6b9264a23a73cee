package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.Future;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

/**
 * A Unix domain socket (AF_UNIX stream) connection on the AFD transport: the same stream machinery as
 * {@link AfdSocketChannel} (recv into direct buffers, gathering sends, backpressure, half-closure with
 * ALLOW_HALF_CLOSURE, file regions) over a socket on a file system path.
 *
 * <pre>{@code
 * new Bootstrap().group(group).channel(AfdDomainSocketChannel.class).handler(...)
 *         .connect(new DomainSocketAddress("C:\\ProgramData\\app\\app.sock"))...
 * }</pre>
 *
 * <ul>
 *   <li>Addresses are Netty's {@link DomainSocketAddress} (see {@link AfdServerDomainSocketChannel} for why);
 *       the JDK's {@link java.net.UnixDomainSocketAddress} is accepted for connect and bind too. A client's local
 *       address is null unless it was bound; an accepted channel's local address is its listener's, its remote
 *       address null (Windows AF_UNIX clients are unnamed).</li>
 *   <li>Where the system has no AF_UNIX sockets (Windows before 10 1803, Wine 8.0) the constructor throws a
 *       {@link ChannelException} whose cause names WSAEAFNOSUPPORT and the reason.</li>
 *   <li>This class does not implement {@code io.netty.channel.unix.DomainSocketChannel}: that interface promises a
 *       Unix file descriptor ({@code fd()}) and file-descriptor passing, which Windows AF_UNIX sockets do not
 *       have.</li>
 * </ul>
 */
public final class AfdDomainSocketChannel extends AbstractAfdStreamChannel {
    private final AfdDomainSocketChannelConfig config;
    /** The listener of an accepted channel (AbstractChannel's parent is not settable for the non-active base). */
    private final AfdServerDomainSocketChannel parent;
    private volatile DomainSocketAddress local;
    private volatile DomainSocketAddress remote;

    /** A client channel on a new AF_UNIX stream socket. */
    public AfdDomainSocketChannel() {
        super(newSocket());
        parent = null;
        config = new AfdDomainSocketChannelConfig(this);
    }

    /** A channel on a connection accepted by {@code parent}. */
    AfdDomainSocketChannel(AfdServerDomainSocketChannel parent, WinsockSocket accepted, DomainSocketAddress local) {
        // The base's "accepted" constructor reads IP addresses from the socket; this one starts inactive instead
        // and becomes active here, exactly as a connected client does.
        super(accepted);
        this.parent = parent;
        this.local = local;
        config = new AfdDomainSocketChannelConfig(this);
        active = true;
        onActive();
    }

    static WinsockSocket newSocket() {
        Afd.ensureAvailability();
        try {
            return DomainSockets.newSocket();
        } catch (IOException e) {
            throw new ChannelException("cannot open a Unix domain socket: " + e.getMessage(), e);
        }
    }

    @Override
    public Channel parent() {
        return parent;
    }

    @Override
    public AfdDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    long maxBytesPerGatheringWrite() {
        return config.getMaxBytesPerGatheringWrite();
    }

    @Override
    void maxBytesPerGatheringWrite(long value) {
        config.setMaxBytesPerGatheringWrite(value);
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return (DomainSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        String path = DomainSockets.path(localAddress);
        DomainSockets.bind(socket, path);
        local = new DomainSocketAddress(path);
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        // Connecting goes through DomainUnsafe.connect: the base's connect completion reads IP addresses.
        throw new UnsupportedOperationException("connect through the channel's Unsafe");
    }

    @Override
    protected void doClose() throws Exception {
        ((DomainUnsafe) unsafe()).failConnect();
        super.doClose();
    }

    @Override
    protected AbstractAfdUnsafe newUnsafe() {
        return new DomainUnsafe();
    }

    /**
     * The stream Unsafe with an AF_UNIX connect: a non-blocking connect that, when it does not complete at once, is
     * finished on the poll's SEND or CONNECT_FAIL with SO_ERROR deciding (as for TCP).
     */
    private final class DomainUnsafe extends AfdStreamUnsafe {
        private ChannelPromise connectPromise;
        private Future<?> connectTimeout;
        private String connectPath;

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                if (remote != null) {
                    throw new AlreadyConnectedException();
                }
                String path = DomainSockets.path(remoteAddress);
                if (localAddress != null) {
                    doBind(localAddress);
                }
                boolean wasActive = isActive();
                if (DomainSockets.connect(socket, path)) {
                    remote = new DomainSocketAddress(path);
                    connected(promise, wasActive);
                    return;
                }
                connectPromise = promise;
                connectPath = path;
                setFlag(AfdIoOps.CONNECT);
                int timeoutMillis = config().getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + timeoutMillis + " ms: " + remoteAddress))) {
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) f -> {
                    if (f.isCancelled()) {
                        close(voidPromise());
                    }
                });
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            AfdIoEvent e = (AfdIoEvent) event;
            if (connectPromise != null && !e.isError() && !e.isLocalClose() && (e.events() & AfdIoOps.CONNECT) != 0) {
                finishConnect(e);
                return;
            }
            super.handle(reg, event);
        }

        private void finishConnect(AfdIoEvent e) {
            ChannelPromise promise = connectPromise;
            boolean wasActive = isActive();
            try {
                int err = DomainSockets.connectError(socket);
                if (err == 0 && e.isConnectFailed()) {
                    err = e.win32Error() != 0 ? e.win32Error() : Win32Errors.WSAECONNREFUSED;
                }
                if (err != 0) {
                    throw WinsockExceptions.newConnectException(err);
                }
                clearFlag(AfdIoOps.CONNECT);
                remote = new DomainSocketAddress(connectPath);
                clearConnect();
                connected(promise, wasActive);
            } catch (Throwable t) {
                String path = connectPath;
                clearConnect();
                promise.tryFailure(annotateConnectException(t, new DomainSocketAddress(path)));
                close(voidPromise());
            }
        }

        private void connected(ChannelPromise promise, boolean wasActive) {
            active = true;
            onActive();
            submitOps();
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && isActive()) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise()); // the user cancelled the connect
            }
        }

        private void clearConnect() {
            connectPromise = null;
            connectPath = null;
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
        }

        /** The channel closes: a pending connect fails. */
        void failConnect() {
            ChannelPromise promise = connectPromise;
            if (promise != null) {
                clearConnect();
                promise.tryFailure(new ClosedChannelException());
            }
        }
    }
}
