package io.tofunetty.afd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ServerChannel;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * The base of the AFD listeners (TCP and AF_UNIX): polls ACCEPT, accepts while the read allocator allows and fires
 * each accepted connection as a child channel. Subclasses say how to accept and what child to make.
 */
abstract class AbstractAfdServerChannel extends AbstractAfdChannel implements ServerChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    AbstractAfdServerChannel(WinsockSocket socket) {
        super(null, socket, false, 0);
    }

    /** The next pending connection, or null when none is waiting. */
    abstract WinsockSocket acceptSocket() throws IOException;

    /** The child channel of an accepted socket; on failure the caller closes the socket. */
    abstract Channel newChildChannel(WinsockSocket accepted);

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    int readBit() {
        return AfdIoOps.ACCEPT;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException("a server channel does not connect");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException("a server channel does not write");
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException("a server channel does not write");
    }

    @Override
    protected AbstractAfdUnsafe newUnsafe() {
        return new AcceptingUnsafe();
    }

    private final class AcceptingUnsafe extends AbstractAfdUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a server channel does not connect"));
        }

        @Override
        void inReady() {
            assert eventLoop().inEventLoop();
            ChannelConfig config = config();
            AfdRecvByteAllocatorHandle allocHandle = newReadBatch(config);
            ChannelPipeline pipeline = pipeline();
            allocHandle.attemptedBytesRead(1);
            Throwable exception = null;
            try {
                try {
                    do {
                        WinsockSocket accepted = acceptSocket();
                        if (accepted == null) {
                            allocHandle.lastBytesRead(-1);
                            break;
                        }
                        allocHandle.lastBytesRead(1);
                        allocHandle.incMessagesRead(1);
                        readPending = false;
                        Channel child;
                        try {
                            child = newChildChannel(accepted);
                        } catch (Throwable t) {
                            closeQuietly(accepted);
                            throw t;
                        }
                        pipeline.fireChannelRead(child);
                    } while (allocHandle.continueReading());
                } catch (Throwable t) {
                    exception = t;
                }
                allocHandle.readComplete();
                pipeline.fireChannelReadComplete();
                if (exception != null) {
                    pipeline.fireExceptionCaught(exception);
                }
            } finally {
                if (shouldStopReading(config)) {
                    clearReadFlag();
                }
            }
        }
    }
}
