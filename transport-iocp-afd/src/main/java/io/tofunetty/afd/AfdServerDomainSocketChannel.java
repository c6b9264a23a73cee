package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A Unix domain socket (AF_UNIX stream) listener on the AFD transport, on a file system path. Accepted connections
 * are {@link AfdDomainSocketChannel}s.
 *
 * <pre>{@code
 * new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
 *         .childHandler(...).bind(new DomainSocketAddress("C:\\ProgramData\\app\\app.sock"))...
 * }</pre>
 *
 * <ul>
 *   <li>Addresses are Netty's {@link DomainSocketAddress} (the type epoll and kqueue use; it is a plain Java class in
 *       netty-transport-native-unix-common, usable without Netty's Unix native library). The JDK's
 *       {@link java.net.UnixDomainSocketAddress} (what NIO uses) is accepted for bind and connect too.</li>
 *   <li>Binding a path that exists fails with a {@link java.net.BindException} "Address already in use" saying what
 *       is there, as NIO's bind fails: a socket file left over from a listener that is gone is not deleted (telling
 *       it from a live listener's would take a connect); delete it first. Closing the listener deletes its own
 *       socket file, and only while the path still holds an AF_UNIX socket file (by its reparse tag).</li>
 *   <li>Where the system has no AF_UNIX sockets (Windows before 10 1803, Wine 8.0) the constructor throws a
 *       {@link ChannelException} whose cause names WSAEAFNOSUPPORT and the reason.</li>
 *   <li>This class does not implement {@code io.netty.channel.unix.ServerDomainSocketChannel}: that interface
 *       promises a Unix file descriptor ({@code fd()}), which a Winsock SOCKET is not.</li>
 * </ul>
 */
public final class AfdServerDomainSocketChannel extends AbstractAfdServerChannel {
    private final AfdServerDomainSocketChannelConfig config;
    /** The socket file this listener created, deleted again on close. */
    private volatile String boundPath;

    /** A listener on a new AF_UNIX stream socket. */
    public AfdServerDomainSocketChannel() {
        super(AfdDomainSocketChannel.newSocket());
        config = new AfdServerDomainSocketChannelConfig(this);
    }

    @Override
    public AfdServerDomainSocketChannelConfig config() {
        return config;
    }

    @Override
    public DomainSocketAddress localAddress() {
        return (DomainSocketAddress) super.localAddress();
    }

    @Override
    public DomainSocketAddress remoteAddress() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        String path = DomainSockets.path(localAddress);
        DomainSockets.checkPathFree(path);
        DomainSockets.bind(socket, path);
        boundPath = path;
        socket.listen(config.getBacklog());
        local = new DomainSocketAddress(path);
        active = true;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            String path = boundPath;
            if (path != null) {
                boundPath = null;
                DomainSockets.deleteSocketFile(path);
            }
        }
    }

    @Override
    WinsockSocket acceptSocket() throws IOException {
        return DomainSockets.accept(socket);
    }

    @Override
    Channel newChildChannel(WinsockSocket accepted) {
        return new AfdDomainSocketChannel(this, accepted, (DomainSocketAddress) local);
    }
}
