package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.internal.StringUtil;
import io.tofunetty.afd.internal.socket.DatagramSockets;
import io.tofunetty.afd.internal.socket.SocketSendBuffers;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;

/**
 * A UDP {@link DatagramChannel} on the AFD transport: the drop-in replacement for {@code NioDatagramChannel} on an
 * event loop group made with {@link AfdIoHandler#newFactory()}.
 *
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory());
 * new Bootstrap().group(group).channel(AfdDatagramChannel.class).handler(...).bind(port)...
 * }</pre>
 *
 * <ul>
 *   <li>Reads {@link DatagramPacket}s (recvfrom straight into direct buffers; the recipient is the channel's local
 *       address); writes {@link DatagramPacket}s and other {@link AddressedEnvelope}s of a {@link ByteBuf} with sendto,
 *       and plain ByteBufs with send once {@link #connect connected}. Heap and composite contents are copied to one
 *       direct buffer first.</li>
 *   <li>Connected and unconnected use; {@link #disconnect()} dissolves the association and the channel stays bound.</li>
 *   <li>A datagram that cannot be sent (unresolved recipient, not connected, a Winsock error) fails its own write
 *       promise; the channel stays open, as with NIO.</li>
 *   <li>ICMP port unreachable reports as with NIO on Windows: a connected channel that sent to a port nobody
 *       listens on gets a {@link PortUnreachableException} through {@code exceptionCaught} on a later read (once per
 *       burst of reports) and stays open; an unconnected channel is not told (SIO_UDP_CONNRESET is on only while
 *       connected, as the JDK sets it).</li>
 *   <li>The no-argument constructor makes a dual-stack IPv6 socket (IPv4 peers appear as IPv4 addresses); plain
 *       IPv4 when IPv6 is unavailable or {@code java.net.preferIPv4Stack} is set. Binding the IPv4 wildcard on a
 *       dual-stack channel binds {@code ::}, as the JDK does.</li>
 *   <li>With {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION} the channel is active once registered and can still be
 *       bound to any address; as with NIO it receives nothing until it is bound (by {@code bind}, {@code connect},
 *       or the first write, which binds the wildcard address and an ephemeral port first, as the JDK's
 *       DatagramChannel does). A failed bind is a {@link java.net.BindException} naming the address.</li>
 * </ul>
 */
public final class AfdDatagramChannel extends AbstractAfdChannel implements DatagramChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(DatagramPacket.class)
            + ", " + StringUtil.simpleClassName(AddressedEnvelope.class) + '<'
            + StringUtil.simpleClassName(ByteBuf.class) + ", " + StringUtil.simpleClassName(InetSocketAddress.class)
            + ">, " + StringUtil.simpleClassName(ByteBuf.class) + ')';

    private final AfdDatagramChannelConfig config;
    private volatile InetSocketAddress connectedRemote;
    /** Known to have a local address (bind, connect, or the implicit bind of a first write); reads wait for it. */
    private boolean bound;
    /** What SIO_UDP_CONNRESET was last set to and the stack took (off at creation): on while connected. */
    private volatile boolean portUnreachableReported;

    /** A channel on a new UDP socket of the preferred family. */
    public AfdDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /** A channel on a new UDP socket of {@code family} (INET or INET6; null for the preferred family). */
    public AfdDatagramChannel(SocketProtocolFamily family) {
        this(newInetSocket(family, false));
    }

    private AfdDatagramChannel(WinsockSocket socket) {
        super(null, socket, false, 0);
        config = newConfig(socket, () -> new AfdDatagramChannelConfig(this));
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public AfdDatagramChannelConfig config() {
        return config;
    }

    @Override
    int readBit() {
        return AfdIoOps.RECEIVE; // SIO_UDP_CONNRESET is off: no ABORT to arm
    }

    @Override
    public boolean isConnected() {
        return connectedRemote != null && isOpen();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        SocketAddress local = super.localAddress0();
        if (local == null && isOpen()) {
            local = socket.localAddress(); // bound by connect() or implicitly by sendto()
        }
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return connectedRemote;
    }

    // ---------------------------------------------------------------------------------------------- life cycle

    @Override
    protected void doRegister(ChannelPromise promise) {
        if (config.isActiveOnRegistration()) {
            active = true;
        }
        super.doRegister(promise);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        super.doBind(localAddress);
        becameBound();
    }

    /**
     * The socket has a local address now: a read requested while it had none (active on registration) is armed.
     * Winsock fails recvfrom on an unbound UDP socket, and binding implicitly on the first read would take the
     * wildcard address that a later bind() asked for another address must then fail on (WSAEINVAL); NIO's channel
     * does not receive before it is bound either.
     */
    private void becameBound() throws Exception {
        bound = true;
        active = true;
        if (isRegistered() && ((AbstractAfdUnsafe) unsafe()).readPending) {
            super.doBeginRead();
        }
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (!(remoteAddress instanceof InetSocketAddress)) {
            throw new UnsupportedOperationException("unsupported address type: " + remoteAddress
                    + " (expected: InetSocketAddress)");
        }
        InetSocketAddress remote = (InetSocketAddress) remoteAddress;
        checkResolvable(remote);
        boolean success = false;
        try {
            if (localAddress != null) {
                doBind(localAddress);
            }
            // A UDP connect only records the peer (and binds if needed): it completes at once.
            socket.connect(remote);
            // As the JDK's connect0 does: a connected socket is told of ICMP port unreachable reports.
            portUnreachableReported = DatagramSockets.reportPortUnreachable(socket, true);
            connectedRemote = computeRemoteAddress(remote, socket.remoteAddress());
            becameBound();
            success = true;
            return true;
        } finally {
            if (!success) {
                doClose();
            }
        }
    }

    @Override
    protected void doDisconnect() throws Exception {
        DatagramSockets.disconnect(socket);
        connectedRemote = null;
        // As the JDK's disconnect0 does: an unconnected socket is not told of ICMP reports.
        if (DatagramSockets.reportPortUnreachable(socket, false)) {
            portUnreachableReported = false;
        }
    }

    /** Whether SIO_UDP_CONNRESET is on, as last set (Winsock cannot read it back): for tests. */
    boolean isPortUnreachableReported() {
        return portUnreachableReported;
    }

    @Override
    protected void doBeginRead() throws Exception {
        if (!bound) {
            // Not bound yet (active on registration): the read is armed once a bind, connect or write binds it.
            ((AbstractAfdUnsafe) unsafe()).readPending = true;
            return;
        }
        super.doBeginRead();
    }

    // ---------------------------------------------------------------------------------------------- writing

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DatagramPacket) {
            DatagramPacket packet = (DatagramPacket) msg;
            ByteBuf content = packet.content();
            return isSendable(content) ? packet : new DatagramPacket(newDirectBuffer(packet, content),
                    packet.recipient(), packet.sender());
        }
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            return isSendable(buf) ? buf : newDirectBuffer(buf);
        }
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<Object, SocketAddress> e = (AddressedEnvelope<Object, SocketAddress>) msg;
            if (e.content() instanceof ByteBuf
                    && (e.recipient() == null || e.recipient() instanceof InetSocketAddress)) {
                ByteBuf content = (ByteBuf) e.content();
                return isSendable(content) ? e : new DefaultAddressedEnvelope<ByteBuf, InetSocketAddress>(
                        newDirectBuffer(e, content), (InetSocketAddress) e.recipient());
            }
        }
        throw new UnsupportedOperationException(
                "unsupported message type: " + StringUtil.simpleClassName(msg) + EXPECTED_TYPES);
    }

    /** Whether sendto can take the bytes by address: direct memory in one piece. */
    private static boolean isSendable(ByteBuf buf) {
        return buf.hasMemoryAddress() || buf.isDirect() && buf.nioBufferCount() == 1;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int maxMessages = config.getMaxMessagesPerWrite();
        while (maxMessages > 0) {
            Object msg = in.current();
            if (msg == null) {
                break;
            }
            try {
                if (!writeMessage(msg)) {
                    break; // the send buffer is full: SEND resumes the flush
                }
                in.remove();
            } catch (IOException | RuntimeException e) {
                // One datagram failed (no address, unresolved, a Winsock error): fail it alone, as NIO does.
                in.remove(e);
            }
            maxMessages--;
        }
        if (in.isEmpty()) {
            clearFlag(AfdIoOps.SEND);
        } else {
            // Full send buffer, or the batch limit: SEND fires once the socket can send again (at once if it can).
            setFlag(AfdIoOps.SEND);
        }
    }

    /** Sends one datagram; false when the send buffer was full, so it stays queued. */
    private boolean writeMessage(Object msg) throws IOException {
        InetSocketAddress recipient;
        ByteBuf data;
        if (msg instanceof AddressedEnvelope) {
            @SuppressWarnings("unchecked")
            AddressedEnvelope<ByteBuf, InetSocketAddress> e = (AddressedEnvelope<ByteBuf, InetSocketAddress>) msg;
            recipient = e.recipient();
            data = e.content();
        } else {
            recipient = null;
            data = (ByteBuf) msg;
        }
        InetSocketAddress connected = connectedRemote;
        if (recipient == null) {
            if (connected == null) {
                throw new NotYetConnectedException();
            }
        } else {
            if (recipient.isUnresolved()) {
                throw new UnresolvedAddressException();
            }
            if (recipient.equals(connected)) {
                recipient = null; // Winsock refuses sendto with an address on a connected socket
            }
        }
        if (!bound) {
            // sendto would bind the wildcard implicitly; bind it explicitly, as the JDK's send does, so that a read
            // waiting for a local address is armed.
            try {
                doBind(DatagramSockets.wildcard(socket.isIpv6()));
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException(e);
            }
        }
        int length = data.readableBytes();
        long address;
        if (length == 0) {
            address = 0;
        } else if (data.hasMemoryAddress()) {
            address = data.memoryAddress() + data.readerIndex();
        } else {
            ByteBuffer nio = data.nioBuffer(data.readerIndex(), length);
            address = SocketSendBuffers.address(nio) + nio.position();
        }
        return DatagramSockets.sendTo(socket, address, length, recipient);
    }

    // ---------------------------------------------------------------------------------------------- multicast

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress) {
        return joinGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(true, multicastAddress, null, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return joinGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                   ChannelPromise promise) {
        return membership(true, multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source) {
        return joinGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                   InetAddress source, ChannelPromise promise) {
        return membership(true, multicastAddress, networkInterface, source, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress) {
        return leaveGroup(multicastAddress, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, ChannelPromise promise) {
        return membership(false, multicastAddress, null, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface) {
        return leaveGroup(multicastAddress, networkInterface, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress multicastAddress, NetworkInterface networkInterface,
                                    ChannelPromise promise) {
        return membership(false, multicastAddress.getAddress(), networkInterface, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source) {
        return leaveGroup(multicastAddress, networkInterface, source, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress multicastAddress, NetworkInterface networkInterface,
                                    InetAddress source, ChannelPromise promise) {
        return membership(false, multicastAddress, networkInterface, source, promise);
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock) {
        return block(multicastAddress, networkInterface, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, NetworkInterface networkInterface,
                               InetAddress sourceToBlock, ChannelPromise promise) {
        try {
            DatagramSockets.blockSource(socket, true, check(multicastAddress, "multicastAddress"),
                    networkInterface, check(sourceToBlock, "sourceToBlock"));
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
        return promise;
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock) {
        return block(multicastAddress, sourceToBlock, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress multicastAddress, InetAddress sourceToBlock, ChannelPromise promise) {
        return block(multicastAddress, null, sourceToBlock, promise);
    }

    private ChannelFuture membership(boolean join, InetAddress group, NetworkInterface iface, InetAddress source,
                                     ChannelPromise promise) {
        try {
            DatagramSockets.membership(socket, join, check(group, "multicastAddress"), iface, source);
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
        return promise;
    }

    private static InetAddress check(InetAddress address, String name) {
        if (address == null) {
            throw new NullPointerException(name);
        }
        return address;
    }

    // ---------------------------------------------------------------------------------------------- reading

    @Override
    protected AbstractAfdUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    private final class DatagramUnsafe extends AbstractAfdUnsafe {
        @Override
        void inReady() {
            assert eventLoop().inEventLoop();
            ChannelConfig config = config();
            AfdRecvByteAllocatorHandle allocHandle = newReadBatch(config);
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            Throwable exception = null;
            ByteBuf buf = null;
            try {
                try {
                    do {
                        buf = allocHandle.allocate(allocator);
                        int writable = buf.writableBytes();
                        allocHandle.attemptedBytesRead(writable);
                        int n = receive(writeAddress(buf), writable);
                        if (n == DatagramSockets.WOULD_BLOCK) {
                            buf.release();
                            buf = null;
                            allocHandle.lastBytesRead(-1);
                            break;
                        }
                        buf.writerIndex(buf.writerIndex() + n);
                        allocHandle.lastBytesRead(n);
                        allocHandle.incMessagesRead(1);
                        readPending = false;
                        // The sender sits in this thread's scratch: read it before anything else can send.
                        InetSocketAddress sender = DatagramSockets.lastSender();
                        DatagramPacket packet =
                                new DatagramPacket(buf, AfdDatagramChannel.this.localAddress(), sender);
                        buf = null;
                        pipeline.fireChannelRead(packet);
                        // Every datagram is a message: keep reading until none is left or the budget is spent.
                    } while (allocHandle.continueReading(UncheckedBooleanSupplier.TRUE_SUPPLIER));
                } catch (Throwable t) {
                    if (buf != null) {
                        buf.release();
                    }
                    exception = t;
                }
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (exception != null) {
                    pipeline.fireExceptionCaught(exception);
                    // An ICMP report leaves the socket usable; other failures of the socket itself close it (NIO).
                    if (exception instanceof IOException && !(exception instanceof PortUnreachableException)) {
                        close(voidPromise());
                    }
                }
            } finally {
                if (shouldStopReading(config)) {
                    clearReadFlag();
                }
            }
        }

        /**
         * One recvfrom. An ICMP report reaches the pipeline only on a connected channel, as with the JDK's receive0;
         * an unconnected one (told only if the report raced a disconnect) skips it and reads on.
         */
        private int receive(long address, int length) throws IOException {
            for (int attempt = 0; attempt < 16; attempt++) {
                try {
                    return DatagramSockets.recvFrom(socket, address, length);
                } catch (PortUnreachableException e) {
                    if (connectedRemote != null) {
                        throw e;
                    }
                }
            }
            return DatagramSockets.WOULD_BLOCK; // a stack that keeps reporting: give the loop back, poll again
        }

        private long writeAddress(ByteBuf buf) {
            int index = buf.writerIndex();
            if (buf.hasMemoryAddress()) {
                return buf.memoryAddress() + index;
            }
            if (buf.isDirect() && buf.nioBufferCount() == 1) {
                ByteBuffer nio = buf.internalNioBuffer(index, buf.writableBytes());
                return SocketSendBuffers.address(nio) + nio.position();
            }
            throw new IllegalStateException("recvfrom needs a direct buffer with a single memory region: " + buf);
        }
    }
}
