package io.tofunetty.afd;

import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.tofunetty.afd.internal.socket.WinsockSocket;

import java.io.IOException;

/**
 * What every AFD channel config shares: integer socket options reported as {@link ChannelException}s, turning
 * autoRead off stops polling for reads, and read allocators must give extended handles (the read loops ask them
 * whether to go on). Subclasses add their options and the covariant setters Netty's config interfaces require.
 */
abstract class AbstractAfdChannelConfig extends DefaultChannelConfig {
    final WinsockSocket socket;

    AbstractAfdChannelConfig(AbstractAfdChannel channel) {
        super(channel);
        this.socket = channel.socket;
    }

    AbstractAfdChannelConfig(AbstractAfdChannel channel, RecvByteBufAllocator allocator) {
        super(channel, allocator);
        this.socket = channel.socket;
    }

    final int getInt(int level, int name) {
        try {
            return socket.getIntOption(level, name);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    final void setInt(int level, int name, int value) {
        try {
            socket.setIntOption(level, name, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** SO_REUSEADDR of a TCP socket: emulated while it binds exclusively (see {@link WinsockSocket#setReuseAddress}). */
    final boolean isReuseAddress0() {
        try {
            return socket.isReuseAddress();
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    final void setReuseAddress0(boolean reuseAddress) {
        try {
            socket.setReuseAddress(reuseAddress);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    protected final void autoReadCleared() {
        ((AbstractAfdChannel) channel).clearReadFlag();
    }

    @Override
    public ChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        if (!(allocator.newHandle() instanceof RecvByteBufAllocator.ExtendedHandle)) {
            throw new IllegalArgumentException("allocator.newHandle() must return a "
                    + RecvByteBufAllocator.ExtendedHandle.class.getName() + ", got " + allocator);
        }
        return super.setRecvByteBufAllocator(allocator);
    }
}
