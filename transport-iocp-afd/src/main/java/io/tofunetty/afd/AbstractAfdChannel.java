package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.internal.socket.DatagramSockets;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The base of every AFD channel: a Winsock socket, its registration with an {@link AfdIoHandler}, and the interest
 * mask kept in sync with it (the AFD counterpart of Netty's AbstractEpollChannel).
 *
 * <p>Interest is a set of AFD_POLL bits, submitted whole. While a stream channel is not connected only the connect
 * bits ({@link AfdIoOps#CONNECT}) are submitted, so that a read requested early does not poll an unconnected socket.
 * DISCONNECT and ABORT are sticky (reported by every poll once they happened): each is dropped from the interest as
 * soon as it has been handled, or the level-triggered loop would spin.
 *
 * <p>Event order in {@link AbstractAfdUnsafe#handle}: write/connect side, then read side, then DISCONNECT.
 */
abstract class AbstractAfdChannel extends AbstractChannel {
    private static final InternalLogger LOGGER = InternalLoggerFactory.getInstance(AbstractAfdChannel.class);
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);

    final WinsockSocket socket;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeoutFuture;
    private SocketAddress requestedRemoteAddress;
    /** Set by the channel that knows the address family: IP addresses here, AF_UNIX paths in the domain channel. */
    volatile SocketAddress local;
    volatile SocketAddress remote;

    private IoRegistration registration;
    /** The interest this channel wants (AFD_POLL bits). */
    private int ops;
    /** What was last submitted to the registration, -1 for nothing yet. */
    private int submittedOps = -1;

    boolean inputClosedSeenErrorOnRead;
    /** The poll reported ABORT: the connection was reset, even if a recv() reports a clean end of stream. */
    boolean abortSeen;

    protected volatile boolean active;

    AbstractAfdChannel(Channel parent, WinsockSocket socket, boolean active, int initialOps) {
        super(parent);
        this.socket = socket;
        this.active = active;
        this.ops = initialOps;
        if (active) {
            local = socket.localAddress();
            remote = socket.acceptedRemoteAddress() != null ? socket.acceptedRemoteAddress() : socket.remoteAddress();
        }
    }

    /**
     * A new TCP or UDP socket of {@code family}: INET or INET6, or null for the preferred family (a dual-stack IPv6
     * socket unless IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set).
     */
    static WinsockSocket newInetSocket(SocketProtocolFamily family, boolean tcp) {
        Afd.ensureAvailability();
        boolean ipv6;
        if (family == null) {
            ipv6 = WinsockSocket.preferIpv6();
        } else if (family == SocketProtocolFamily.INET || family == SocketProtocolFamily.INET6) {
            ipv6 = family == SocketProtocolFamily.INET6;
        } else {
            throw new UnsupportedOperationException("protocol family " + family + " is not supported by the AFD "
                    + (tcp ? "TCP channels" : "datagram channel") + " (use INET or INET6)");
        }
        try {
            return tcp ? WinsockSocket.newStreamSocket(ipv6) : DatagramSockets.newSocket(ipv6);
        } catch (IOException e) {
            throw new ChannelException("failed to open a " + (tcp ? "TCP" : "UDP") + " socket", e);
        }
    }

    /** Makes a new channel's config; when that fails (an option's socket call), the socket is closed first. */
    static <C extends ChannelConfig> C newConfig(WinsockSocket socket, Supplier<C> config) {
        try {
            return config.get();
        } catch (RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Closes a socket on a path that is already failing; a failed close is logged, not thrown over the cause. */
    static void closeQuietly(WinsockSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            LOGGER.warn("closing {} failed", s, e);
        }
    }

    /** The AFD bit that means "readable" for this channel: RECEIVE for streams, ACCEPT for listeners. */
    abstract int readBit();

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active;
    }

    // ---------------------------------------------------------------------------------------------- interest

    final boolean isFlagSet(int bits) {
        return (ops & bits) != 0;
    }

    /** Adds interest bits (event loop only). */
    final void setFlag(int bits) {
        if ((ops & bits) != bits) {
            ops |= bits;
            submitOps();
        }
    }

    /** Removes interest bits (event loop only). */
    final void clearFlag(int bits) {
        if ((ops & bits) != 0) {
            ops &= ~bits;
            submitOps();
        }
    }

    private int effectiveOps() {
        return active ? ops : ops & AfdIoOps.CONNECT;
    }

    /** Submits the effective interest if it changed; the handler arms it lazily before its next wait. */
    final void submitOps() {
        IoRegistration reg = registration;
        if (reg == null) {
            return;
        }
        int effective = effectiveOps();
        if (effective == submittedOps) {
            return;
        }
        submittedOps = effective;
        try {
            reg.submit(AfdIoOps.valueOf(effective));
        } catch (RuntimeException e) {
            // The registration is gone (cancelled, or the loop is shutting down): the channel can no longer be
            // polled, so it must not stay open and silent.
            pipeline().fireExceptionCaught(e);
            unsafe().close(unsafe().voidPromise());
        }
    }

    final IoRegistration registration() {
        return registration;
    }

    // ---------------------------------------------------------------------------------------------- registration

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(AbstractAfdUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((AbstractAfdUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                submittedOps = -1;
                onRegistered(registration);
                submitOps();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() throws Exception {
        IoRegistration reg = registration;
        if (reg != null) {
            registration = null;
            submittedOps = -1;
            onDeregistered();
            reg.cancel();
        }
    }

    /** The channel is registered with a loop; its interest is submitted right after (loop thread). */
    void onRegistered(IoRegistration registration) {
    }

    /** The channel leaves its loop, or closes (loop thread, before the registration is cancelled). */
    void onDeregistered() {
    }

    /** Replaces interest bits without submitting them: for {@link #onRegistered}, whose caller submits. */
    final void replaceFlags(int clear, int set) {
        ops = (ops & ~clear) | set;
    }

    @Override
    protected void doBeginRead() throws Exception {
        AbstractAfdUnsafe unsafe = (AbstractAfdUnsafe) unsafe();
        unsafe.readPending = true;
        // Set the read bit even if it is already set: the previous read loop may have read nothing, and without
        // a poll the user would never see more data.
        setFlag(readBit());
    }

    /** Stops polling for reads, from any thread (the user turned autoRead off). */
    final void clearReadFlag() {
        if (isRegistered()) {
            EventLoop loop = eventLoop();
            AbstractAfdUnsafe unsafe = (AbstractAfdUnsafe) unsafe();
            if (loop.inEventLoop()) {
                unsafe.clearReadFlag0();
            } else {
                loop.execute(() -> {
                    if (!unsafe.readPending && !config().isAutoRead()) {
                        unsafe.clearReadFlag0();
                    }
                });
            }
        } else {
            ops &= ~readBit();
        }
    }

    final boolean shouldBreakReadReady(ChannelConfig config) {
        return socket.isInputShutdown() && (inputClosedSeenErrorOnRead || !isAllowHalfClosure(config));
    }

    static boolean isAllowHalfClosure(ChannelConfig config) {
        // DuplexChannelConfig, not SocketChannelConfig: AF_UNIX stream channels half-close too.
        return config instanceof DuplexChannelConfig && ((DuplexChannelConfig) config).isAllowHalfClosure();
    }

    // ---------------------------------------------------------------------------------------------- close

    @Override
    protected void doClose() throws Exception {
        active = false;
        // Even with half-closure, give up reading: a read on a socket that never connected must not be attempted.
        inputClosedSeenErrorOnRead = true;
        try {
            ChannelPromise promise = connectPromise;
            if (promise != null) {
                promise.tryFailure(new ClosedChannelException());
                connectPromise = null;
            }
            Future<?> future = connectTimeoutFuture;
            if (future != null) {
                future.cancel(false);
                connectTimeoutFuture = null;
            }
            if (isRegistered()) {
                // doClose() runs on GlobalEventExecutor when SO_LINGER is set; the registration belongs to the loop.
                EventLoop loop = eventLoop();
                if (loop.inEventLoop()) {
                    doDeregister();
                } else {
                    loop.execute(() -> {
                        try {
                            doDeregister();
                        } catch (Throwable cause) {
                            pipeline().fireExceptionCaught(cause);
                        }
                    });
                }
            }
        } finally {
            socket.close();
        }
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    // ---------------------------------------------------------------------------------------------- addresses

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
        if (localAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) localAddress);
        }
        socket.bind(localAddress);
        local = socket.localAddress();
    }

    static void checkResolvable(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    /** Keeps the host name the user asked for together with the address the socket reports. */
    static InetSocketAddress computeRemoteAddress(SocketAddress requested, InetSocketAddress actual) {
        if (actual == null) {
            return requested instanceof InetSocketAddress ? (InetSocketAddress) requested : null;
        }
        if (requested instanceof InetSocketAddress) {
            InetSocketAddress r = (InetSocketAddress) requested;
            try {
                return new InetSocketAddress(InetAddress.getByAddress(r.getHostString(),
                        actual.getAddress().getAddress()), actual.getPort());
            } catch (UnknownHostException ignore) {
                // cannot happen: the address has a valid length
            }
        }
        return actual;
    }

    /** Starts a connect; true when it completed at once. */
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (localAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) localAddress);
        }
        if (remoteAddress instanceof InetSocketAddress) {
            checkResolvable((InetSocketAddress) remoteAddress);
        } else {
            throw new UnsupportedOperationException("unsupported address type: " + remoteAddress);
        }
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        boolean success = false;
        try {
            if (localAddress != null) {
                socket.bind(localAddress);
            }
            boolean connected = socket.connect(remoteAddress);
            if (connected) {
                remote = computeRemoteAddress(remoteAddress, socket.remoteAddress());
            } else {
                setFlag(AfdIoOps.CONNECT);
            }
            // The connect bound the socket, so the local address is known now.
            local = socket.localAddress();
            success = true;
            return connected;
        } finally {
            if (!success) {
                doClose();
            }
        }
    }

    /**
     * Finishes a connect that the poll reported on: true when it succeeded (and {@link #remote} is set), false while
     * it is still in progress; a failure throws. The state machine around it (promise, timeout, cancellation) is the
     * unsafe's, the same for every channel that connects.
     *
     * @param requested    the address {@code connect} was given
     * @param hintError    the Win32 error the poll reported (0 if none): the failure when SO_ERROR reads 0
     * @param sendReported the poll reported SEND: the connect completed
     */
    boolean doFinishConnect(SocketAddress requested, int hintError, boolean sendReported) throws IOException {
        if (!socket.finishConnect(hintError, sendReported)) {
            return false;
        }
        // null when the peer reset the connection right after accepting it: the read that follows says so
        remote = computeRemoteAddress(requested, socket.remoteAddress());
        return true;
    }

    /** Called once a stream channel becomes active (connected): start polling the sticky close bits. */
    void onActive() {
    }

    // ---------------------------------------------------------------------------------------------- direct copies

    /** A direct copy of {@code buf} (released) for sending by address. */
    protected final ByteBuf newDirectBuffer(ByteBuf buf) {
        return newDirectBuffer(buf, buf);
    }

    protected final ByteBuf newDirectBuffer(Object holder, ByteBuf buf) {
        int readable = buf.readableBytes();
        if (readable == 0) {
            ReferenceCountUtil.release(holder);
            return Unpooled.EMPTY_BUFFER;
        }
        ByteBufAllocator alloc = alloc();
        if (alloc.isDirectBufferPooled()) {
            ByteBuf direct = alloc.directBuffer(readable);
            direct.writeBytes(buf, buf.readerIndex(), readable);
            ReferenceCountUtil.safeRelease(holder);
            return direct;
        }
        ByteBuf direct = ByteBufUtil.threadLocalDirectBuffer();
        if (direct == null) {
            direct = alloc.directBuffer(readable);
        }
        direct.writeBytes(buf, buf.readerIndex(), readable);
        ReferenceCountUtil.safeRelease(holder);
        return direct;
    }

    // ---------------------------------------------------------------------------------------------- unsafe

    @Override
    protected abstract AbstractAfdUnsafe newUnsafe();

    /** The channel's Unsafe, which is also its {@link AfdIoHandle}. */
    abstract class AbstractAfdUnsafe extends AbstractUnsafe implements AfdIoHandle {
        boolean readPending;
        private AfdRecvByteAllocatorHandle allocHandle;

        @Override
        public long socket() {
            return socket.handle();
        }

        /** The event loop shuts down: close the channel. */
        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            if (registration == null) {
                return; // deregistered: the handler does not dispatch cancelled registrations, but be safe
            }
            AfdIoEvent e = (AfdIoEvent) event;
            if (e.isError()) {
                pollFailed(e.toException());
                return;
            }
            int events = e.events();
            if ((events & AfdIoOps.LOCAL_CLOSE) != 0) {
                // The socket handle was closed (or found invalid when arming) and the registration is dropped.
                registration = null;
                close(voidPromise());
                return;
            }
            // ABORT is handled in one of three ways, by what was armed (the table in AfdIoOps): it fails a connect
            // or a flush, it is surfaced by the read, or it is never armed (listeners, datagrams).
            if ((events & AfdIoOps.ABORT) != 0) {
                abortSeen = true;
            }
            // Write/connect side first: a connect must be failed before a read is attempted on its socket.
            if ((events & (AfdIoOps.SEND | AfdIoOps.CONNECT_FAIL)) != 0
                    || (events & AfdIoOps.ABORT) != 0 && (connectPromise != null || isFlagSet(AfdIoOps.SEND))) {
                outReady(e);
            }
            // Read side: data, a listener's pending connection, or a reset that the read surfaces.
            if ((events & (AfdIoOps.RECEIVE | AfdIoOps.ACCEPT | AfdIoOps.ABORT)) != 0 && isOpen()) {
                inReady();
            }
            if ((events & AfdIoOps.DISCONNECT) != 0 && isOpen()) {
                disconnectReady();
            }
            if ((events & AfdIoOps.ABORT) != 0 && isOpen()) {
                if (AbstractAfdChannel.this instanceof AbstractAfdStreamChannel && !socket.isInputShutdown()) {
                    // The read stopped at data the peer sent just before its RST and has not reached the reset
                    // yet. Keep ABORT: it is sticky, so the next poll completes at once and the next read reaches
                    // the reset (WSAECONNRESET, or under Wine the EOF that doReadBytes turns into one) and closes.
                    return;
                }
                // Handled (the read saw the reset, or the input is shut down); ABORT is sticky, so stop asking.
                clearFlag(AfdIoOps.ABORT);
            }
        }

        /** The poll itself failed (a packet status other than success or cancellation): fail and close. */
        void pollFailed(IOException cause) {
            pipeline().fireExceptionCaught(cause);
            close(voidPromise());
        }

        /** Readable: read (streams) or accept (listeners). */
        abstract void inReady();

        /** The peer sent FIN: read what is left to the end of stream, then half-close or close. */
        final void disconnectReady() {
            recvBufAllocHandle().receivedDisconnect();
            if (isActive()) {
                inReady();
            } else {
                shutdownInput(false);
            }
            clearFlag(AfdIoOps.DISCONNECT);
        }

        /** The input reached its end (or failed): half-close when allowed, else close. */
        void shutdownInput(boolean allDataRead) {
            if (!socket.isInputShutdown()) {
                if (isAllowHalfClosure(config())) {
                    try {
                        socket.shutdown(true, false);
                    } catch (NotYetConnectedException ignore) {
                        // never connected: its input counts as shut down
                    } catch (IOException e) {
                        // The shutdown failed, so the input is effectively gone already.
                        pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                        close(voidPromise());
                        return;
                    }
                    if (shouldStopReading(config())) {
                        clearReadFlag0();
                    }
                    pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if (allDataRead && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }

        final boolean shouldStopReading(ChannelConfig config) {
            // A read() issued from channelRead/channelReadComplete keeps the read pending.
            return !readPending && !config.isAutoRead();
        }

        final void clearReadFlag0() {
            assert eventLoop().inEventLoop();
            readPending = false;
            clearFlag(readBit());
        }

        @Override
        public AfdRecvByteAllocatorHandle recvBufAllocHandle() {
            if (allocHandle == null) {
                allocHandle = newRecvHandle((RecvByteBufAllocator.ExtendedHandle) super.recvBufAllocHandle());
            }
            return allocHandle;
        }

        /** The allocator handle, reset for a new read batch. */
        final AfdRecvByteAllocatorHandle newReadBatch(ChannelConfig config) {
            AfdRecvByteAllocatorHandle handle = recvBufAllocHandle();
            handle.reset(config);
            return handle;
        }

        AfdRecvByteAllocatorHandle newRecvHandle(RecvByteBufAllocator.ExtendedHandle handle) {
            return new AfdRecvByteAllocatorHandle(handle, false);
        }

        @Override
        protected final void flush0() {
            // While waiting for SEND the loop flushes when the socket drains; flushing now would only fail again.
            if (!isFlagSet(AfdIoOps.SEND)) {
                super.flush0();
            }
        }

        /** SEND, CONNECT_FAIL, or ABORT while connecting or writing. */
        final void outReady(AfdIoEvent e) {
            if (connectPromise != null) {
                finishConnect(e);
            } else if (!socket.isOutputShutdown()) {
                super.flush0();
                if (isOpen() && (outboundBuffer() == null || outboundBuffer().isEmpty())) {
                    // Nothing left to send (e.g. the writes were cancelled): stop polling SEND or it spins.
                    clearFlag(AfdIoOps.SEND);
                }
            } else {
                clearFlag(AfdIoOps.SEND);
            }
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not uncancellable: a non-blocking connect can be cancelled (by closing).
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    fulfillConnectPromise(promise, wasActive);
                } else {
                    connectPromise = promise;
                    requestedRemoteAddress = remoteAddress;
                    int connectTimeoutMillis = config().getConnectTimeoutMillis();
                    if (connectTimeoutMillis > 0) {
                        connectTimeoutFuture = eventLoop().schedule(() -> {
                            ChannelPromise p = connectPromise;
                            if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                                    "connection timed out after " + connectTimeoutMillis + " ms: " + remoteAddress))) {
                                close(voidPromise());
                            }
                        }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
                    }
                    promise.addListener((ChannelFutureListener) future -> {
                        if (future.isCancelled()) {
                            if (connectTimeoutFuture != null) {
                                connectTimeoutFuture.cancel(false);
                            }
                            connectPromise = null;
                            close(voidPromise());
                        }
                    });
                }
            } catch (Throwable t) {
                closeIfClosed();
                promise.tryFailure(annotateConnectException(t, remoteAddress));
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, boolean wasActive) {
            if (promise == null) {
                return; // cancelled, and the promise was notified already
            }
            active = true;
            onActive();
            submitOps();
            // trySuccess() may run a listener that closes the channel; channelActive must still be fired.
            boolean nowActive = isActive();
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise()); // the user cancelled the connect
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, Throwable cause) {
            if (promise == null) {
                return;
            }
            promise.tryFailure(cause);
            // As with NIO, whose SocketChannelImpl.finishConnect closes the channel when the connect failed.
            close(voidPromise());
        }

        private void finishConnect(AfdIoEvent e) {
            assert eventLoop().inEventLoop();
            boolean stillInProgress = false;
            try {
                boolean wasActive = isActive();
                int hint = e.isConnectFailed() ? connectFailureHint(e)
                        : e.isAbort() && !e.isWritable() ? Win32Errors.WSAECONNRESET : 0;
                if (!doFinishConnect(requestedRemoteAddress, hint, e.isWritable())) {
                    stillInProgress = true;
                    return;
                }
                clearFlag(AfdIoOps.CONNECT);
                requestedRemoteAddress = null;
                fulfillConnectPromise(connectPromise, wasActive);
            } catch (Throwable t) {
                fulfillConnectPromise(connectPromise, annotateConnectException(t, requestedRemoteAddress));
            } finally {
                if (!stillInProgress) {
                    if (connectTimeoutFuture != null) {
                        connectTimeoutFuture.cancel(false);
                    }
                    connectPromise = null;
                }
            }
        }

        private int connectFailureHint(AfdIoEvent e) {
            int code = e.win32Error();
            // CONNECT_FAIL without a readable reason: report it as refused rather than as success.
            return code != 0 ? code : Win32Errors.WSAECONNREFUSED;
        }
    }
}
