package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;

/** Something with a tofu channel number in an engine: a data channel or a listener. */
abstract class Endpoint {
    final TofuEngine engine;
    final ChannelGroup group;
    final int number;

    Endpoint(TofuEngine engine, ChannelGroup group, int number) {
        this.engine = engine;
        this.group = group;
        this.number = number;
    }

    /**
     * Takes a validated message with this endpoint's number; returns the header copy for the caller.
     *
     * @throws TofuException if the endpoint cannot take it; the caller then still owns the message
     */
    abstract TofuMessage post(TofuMessage message) throws InterruptedException;

    /** Closes without notifications (the group is being destroyed and its mailbox is closed). */
    abstract void destroy();

    /** The Signal that ends every channel: origin engine, channel_closed, this number and {@code messageId}. */
    final TofuMessage closedSignal(long messageId) {
        return TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED)
                .channelNumber(number).messageId(messageId);
    }

    static TofuException closed(int number) {
        return new TofuException(Status.INVALID_CHANNEL_NUMBER, "channel " + number + " is closed or closing");
    }
}
