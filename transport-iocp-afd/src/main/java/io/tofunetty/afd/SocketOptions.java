package io.tofunetty.afd;

import io.netty.channel.ChannelException;
import io.tofunetty.afd.internal.WinsockSocket;

import java.io.IOException;

/** Integer socket options for the channel configs, which report failures as {@link ChannelException}s. */
final class SocketOptions {
    private SocketOptions() {
    }

    static int getInt(WinsockSocket socket, int level, int name) {
        try {
            return socket.getIntOption(level, name);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    static void setInt(WinsockSocket socket, int level, int name, int value) {
        try {
            socket.setIntOption(level, name, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }
}
