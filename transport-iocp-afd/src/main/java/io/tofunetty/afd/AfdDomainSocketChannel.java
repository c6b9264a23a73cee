package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;

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
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return (DomainSocketAddress) super.remoteAddress();
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        String path = DomainSockets.path(localAddress);
        DomainSockets.bind(socket, path);
        local = new DomainSocketAddress(path);
    }

    /** Starts an AF_UNIX connect; the unsafe's connect state machine (the TCP one) does the rest. */
    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        String path = DomainSockets.path(remoteAddress);
        if (localAddress != null) {
            doBind(localAddress);
        }
        if (!DomainSockets.connect(socket, path)) {
            setFlag(AfdIoOps.CONNECT);
            return false;
        }
        remote = new DomainSocketAddress(path);
        return true;
    }

    /** SO_ERROR decides, as for TCP; the peer's address is the path connected to (getpeername reads IP only). */
    @Override
    boolean doFinishConnect(SocketAddress requested, int hintError, boolean sendReported) throws IOException {
        int err = DomainSockets.connectError(socket);
        if (err == 0) {
            err = hintError;
        }
        if (err != 0) {
            throw WinsockExceptions.newConnectException(err);
        }
        remote = new DomainSocketAddress(DomainSockets.path(requested));
        return true;
    }
}
