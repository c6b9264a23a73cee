package io.tofunetty.handlers;

import io.netty.channel.Channel;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;

/** Something with a tofu channel number in an engine: a data channel or a listener. */
abstract class Endpoint {
    final TofuEngine engine;
    final ChannelGroup group;
    final int number;
    /** Guards the endpoint's state shared between posting threads and its I/O thread. */
    final Object lock = new Object();

    // Guarded by lock.
    /** The Netty channel, once there is one. */
    Channel channel;
    /** Closing at the application's request (a ByeSignal, or the group's destruction). */
    boolean closing;
    /** Done: channel_closed was reported (or the endpoint failed before it had a channel). */
    boolean finished;

    Endpoint(TofuEngine engine, ChannelGroup group, int number) {
        this.engine = engine;
        this.group = group;
        this.number = number;
    }

    /** Records the Netty channel; closes it at once if the endpoint was destroyed or stopped meanwhile. */
    final void attach(Channel ch) {
        boolean close;
        synchronized (lock) {
            channel = ch;
            close = closing;
        }
        if (close) {
            ch.close();
        }
    }

    /**
     * Takes a validated message with this endpoint's number; returns the header copy for the caller.
     *
     * @throws TofuException if the endpoint cannot take it; the caller then still owns the message
     */
    abstract TofuMessage post(TofuMessage message) throws InterruptedException;

    /**
     * A posted ByeSignal: it comes back with channel_closed and the channel closes without sending anything
     * (spec §9.6). Wakes posters waiting for the channel to become writable.
     */
    final TofuMessage stop(TofuMessage byeSignal) {
        Channel ch;
        TofuMessage header;
        synchronized (lock) {
            if (finished || closing) {
                throw closed(number);
            }
            closing = true;
            ch = channel;
            header = byeSignal.copyHeader();
            // Delivered under the lock: the I/O thread's finish() takes it before it returns the unsent messages
            // and channel_closed, so the ByeSignal always comes back first (a refused connect finishing at the
            // same moment could otherwise overtake it).
            group.deliverReturned(byeSignal.origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED));
            lock.notifyAll();
        }
        if (ch != null) {
            ch.close(); // the channel's handler reports channel_closed
        }
        return header;
    }

    /**
     * A failure found while posting the command that opens this endpoint (an unresolvable host, a missing UDS
     * path): like tofu, the HelloRequest or WelcomeRequest comes back as its response with origin engine and the
     * status, then channel_closed.
     */
    final void failAtOnce(TofuMessage command, Status status) {
        long messageId = command.messageId();
        synchronized (lock) {
            finished = true;
        }
        engine.channels().forget(this);
        group.deliverReturned(command.opCode(command.opCode().echo()).origin(Origin.ENGINE).status(status));
        group.deliverNotification(closedSignal(messageId));
        group.endpointDone(this);
    }

    /** Closes without notifications (the group is being destroyed and its mailbox is closed). */
    final void destroy() {
        Channel ch;
        synchronized (lock) {
            closing = true;
            ch = channel;
            lock.notifyAll();
        }
        if (ch != null) {
            ch.close();
        }
    }

    /** The Signal that ends every channel: origin engine, channel_closed, this number and {@code messageId}. */
    final TofuMessage closedSignal(long messageId) {
        return TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED)
                .channelNumber(number).messageId(messageId);
    }

    static TofuException closed(int number) {
        return new TofuException(Status.INVALID_CHANNEL_NUMBER, "channel " + number + " is closed or closing");
    }
}
