package io.tofunetty.handlers;

import io.netty.channel.ChannelException;

/** A peer left a frame incomplete, or sent nothing, for longer than the engine allows ({@link ReadTimeoutGuard}). */
final class PeerStalledException extends ChannelException {
    private static final long serialVersionUID = 1L;

    PeerStalledException(String message) {
        super(message);
    }
}
