package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.internal.Mailbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * tofu's ChannelGroup: a set of channels sharing one receive mailbox. Made by {@link TofuEngine#create()}, ended
 * by {@link TofuEngine#destroy(ChannelGroup)}.
 *
 * <p>{@link #post} and {@link #updateReceiver} may be called from any thread; {@link #waitReceive} is meant for one
 * thread per group, as in tofu. Never call the blocking methods from an engine I/O thread.
 *
 * <p>Ownership: a message passed to {@link #post} or {@link #updateReceiver} belongs to the engine once the call
 * returns normally; when the call throws, the caller still owns it. A message returned by {@link #waitReceive}
 * belongs to the caller, who posts it again or gives it back with {@link TofuEngine#put}.
 */
public final class ChannelGroup {
    /** For {@link #waitReceive}: wait until a message arrives (tofu's {@code waitReceive_INFINITE_TIMEOUT}). */
    public static final Duration INFINITE_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

    private final TofuEngine engine;
    private final long id;
    private final Mailbox<TofuMessage> mailbox = new Mailbox<>();
    private final Set<Endpoint> endpoints = new HashSet<>();
    private volatile boolean destroyed;

    ChannelGroup(TofuEngine engine, long id) {
        this.engine = engine;
        this.id = id;
    }

    /** The engine that made this group. */
    public TofuEngine engine() {
        return engine;
    }

    /**
     * Posts a message: a HelloRequest (channel 0, {@code ~connect_to} header) connects, a WelcomeRequest
     * (channel 0, {@code ~listen_on} header) starts a listener, a ByeSignal closes a channel at once without sending
     * anything, and everything else is queued for sending on its channel.
     *
     * <p>Validation is synchronous, with tofu's statuses: {@link Status#NULL_MESSAGE},
     * {@link Status#INVALID_OP_CODE} (WelcomeResponse is the engine's), {@link Status#INVALID_MESSAGE_ID}
     * (a response with id 0), {@link Status#INVALID_MORE_USAGE}, {@link Status#INVALID_CHANNEL_NUMBER} (0 on a
     * message that does not open a channel, nonzero on one that does, or no such open channel),
     * {@link Status#INVALID_MCHN_GROUP} (the channel belongs to another group, or this group is destroyed),
     * {@link Status#INVALID_HEADERS_LEN}, {@link Status#WRONG_ADDRESS} (no address header),
     * {@link Status#INVALID_ADDRESS} (the address header does not parse), {@link Status#NOT_IMPLEMENTED_YET} (the
     * transport has no channels for that kind of address: AFD and {@code uds|path}), {@link Status#INVALID_BODY_LEN},
     * {@link Status#NOT_ALLOWED} (anything but a ByeSignal after a ByeRequest or ByeResponse on the channel, or
     * anything but a ByeSignal to a listener), {@link Status#SEND_FAILED} (the channel stayed unwritable past the
     * engine's limit), {@link Status#NOTIFICATION_DISABLED} (the engine is closed).
     *
     * <p>Like tofu, post sets origin to application and status to success, and gives id 0 the next process-wide id.
     * It may block while the channel is unwritable, up to the engine's unwritable limit.
     *
     * @return a copy of the header with the assigned channel number and message id (no pooled memory; releasing it
     *         is optional)
     * @throws TofuException with the status of the problem; the caller keeps the message
     */
    public TofuMessage post(TofuMessage message) throws InterruptedException {
        return engine.post(this, message);
    }

    /**
     * The next message for this group: a peer's message, an engine notification (origin engine, with a status) or
     * a message given to {@link #updateReceiver}, in arrival order.
     *
     * @param timeout how long to wait; {@link Duration#ZERO} does not wait, {@link #INFINITE_TIMEOUT} waits forever
     * @return the message, or null if none arrived in time
     * @throws TofuException {@link Status#SHUTDOWN_STARTED} once the group is destroyed or the engine closed
     */
    public TofuMessage waitReceive(Duration timeout) throws InterruptedException {
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        try {
            return mailbox.poll(nanos);
        } catch (Mailbox.ClosedException e) {
            throw new TofuException(Status.SHUTDOWN_STARTED,
                    engine.isClosed() ? "the engine is closed" : "the channel group was destroyed");
        }
    }

    /**
     * Puts a message straight into this group's mailbox, behind what has arrived so far, to wake the receiver
     * (tofu's app-to-app wake-up). With null, the receiver gets a Signal with origin engine and status
     * receiver_update; otherwise it gets {@code message} with origin application and status receiver_update.
     *
     * @throws TofuException {@link Status#SHUTDOWN_STARTED} once the group is destroyed or the engine closed; the
     *                       caller then keeps the message
     */
    public void updateReceiver(TofuMessage message) {
        TofuMessage m = message != null
                ? message.origin(Origin.APPLICATION).status(Status.RECEIVER_UPDATE)
                : TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE).status(Status.RECEIVER_UPDATE);
        if (mailbox.offerOrKeep(m)) {
            if (message == null) {
                engine.pool().tryTake(); // tofu builds the signal from the pool when it can
            }
        } else {
            if (message == null) {
                m.release();
            }
            throw new TofuException(Status.SHUTDOWN_STARTED,
                    engine.isClosed() ? "the engine is closed" : "the channel group was destroyed");
        }
    }

    /** Delivers a peer message for which a pool message was already taken. */
    void deliverReceived(TofuMessage m) {
        mailbox.offer(m);
    }

    /**
     * Delivers a message the engine built (a notification) or a received one it holds without a pool message,
     * taking a pool message when there is one, as tofu's {@code get(.always)} does.
     */
    void deliverNotification(TofuMessage m) {
        engine.pool().tryTake();
        mailbox.offer(m);
    }

    /**
     * Delivers a posted message handed back (WelcomeResponse, unsent messages, ByeSignal): the same message object
     * in tofu, so the pool does not change.
     */
    void deliverReturned(TofuMessage m) {
        mailbox.offer(m);
    }

    boolean add(Endpoint e) {
        synchronized (endpoints) {
            if (destroyed) {
                return false;
            }
            endpoints.add(e);
            return true;
        }
    }

    void endpointDone(Endpoint e) {
        synchronized (endpoints) {
            endpoints.remove(e);
            endpoints.notifyAll();
        }
    }

    boolean isDestroyed() {
        return destroyed;
    }

    /** Silent destroy: no notifications; blocks until every channel is gone or the timeout passed. */
    boolean destroy(long timeoutNanos) {
        List<Endpoint> open;
        synchronized (endpoints) {
            if (destroyed) {
                return true;
            }
            destroyed = true;
            open = new ArrayList<>(endpoints);
        }
        mailbox.close();
        for (Endpoint e : open) {
            e.destroy();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            synchronized (endpoints) {
                while (!endpoints.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(endpoints, left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                return true;
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Messages waiting in the mailbox (tests). */
    int queued() {
        return mailbox.size();
    }

    int openChannels() {
        synchronized (endpoints) {
            return endpoints.size();
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "ChannelGroup(" + engine.name() + "#" + id + (destroyed ? ", destroyed" : "") + ")";
    }
}
