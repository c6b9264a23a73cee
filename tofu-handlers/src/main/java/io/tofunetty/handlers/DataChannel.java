package io.tofunetty.handlers;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MessageSizeEstimator;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.internal.EngineCounters;
import io.tofunetty.handlers.internal.MessagePool;

import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One connection of the engine, client or accepted: the per-channel send queue until the I/O thread takes it,
 * tofu's receive flow control, and the order of the closing notifications.
 *
 * <p>Threads: {@link #post} runs on application threads; everything else on the channel's I/O thread, except the
 * failures found at post time ({@link #failAtOnce}). {@code lock} guards the fields shared between them.
 */
final class DataChannel extends Endpoint {
    /** Frame bytes of a message, for the outbound bounds: 16 header bytes, text headers, body. */
    static final MessageSizeEstimator FRAME_SIZE = () -> msg -> {
        if (msg instanceof TofuMessage) {
            TofuMessage m = (TofuMessage) msg;
            return 16 + m.headers().encodedLength() + m.body().readableBytes();
        }
        if (msg instanceof io.netty.buffer.ByteBuf) {
            return ((io.netty.buffer.ByteBuf) msg).readableBytes();
        }
        return 0;
    };

    private final TofuAddress.Kind kind;
    private final long initialMessageId;

    // Guarded by lock (and channel, closing, finished: Endpoint's).
    private ArrayDeque<TofuMessage> outbox = new ArrayDeque<>();
    private long outboxBytes;
    private boolean drainScheduled;
    private boolean connected;
    private boolean byePosted;

    // I/O thread only.
    private final ArrayDeque<TofuMessage> held = new ArrayDeque<>();
    private boolean starved;
    private boolean pipelineInstalled;
    private ReadTimeoutGuard readTimeouts;
    /** Run once when the channel is finished (an accepted channel frees its listener's slot). */
    private Runnable onFinish;
    private volatile Status connectFailure;

    private final ChannelFutureListener sent;
    private final Runnable resume = this::scheduleResume;

    /** A client channel (connected once its connect completes). */
    DataChannel(TofuEngine engine, ChannelGroup group, int number, TofuAddress.Kind kind, long helloId) {
        super(engine, group, number);
        this.kind = kind;
        this.initialMessageId = helloId;
        MessagePool pool = engine.pool();
        this.sent = f -> {
            if (f.isSuccess()) {
                pool.give(); // tofu returns a sent message to the pool
            }
        };
    }

    /** An accepted channel: connected already; {@code onFinish} runs once when it is finished. */
    static DataChannel accepted(TofuEngine engine, ChannelGroup group, int number, TofuAddress.Kind kind,
                                Runnable onFinish) {
        DataChannel dc = new DataChannel(engine, group, number, kind, 0);
        dc.connected = true;
        dc.onFinish = onFinish;
        return dc;
    }

    // ---- set-up ----

    void initPipeline(Channel ch) {
        EngineFrameDecoder decoder = new EngineFrameDecoder();
        if (engine.partialFrameTimeoutNanos() > 0 || engine.readIdleTimeoutNanos() > 0) {
            readTimeouts = new ReadTimeoutGuard(decoder, engine.partialFrameTimeoutNanos(),
                    engine.readIdleTimeoutNanos(), engine.counters());
            ch.pipeline().addLast(readTimeouts);
        }
        ch.pipeline().addLast(decoder, new TofuFrameEncoder(), new EngineChannelHandler(this, number, initialMessageId));
        pipelineInstalled = true;
    }

    static void configure(Channel ch, TofuAddress.Kind kind, TofuEngine engine) {
        ch.config().setWriteBufferWaterMark(engine.waterMark());
        ch.config().setMessageSizeEstimator(FRAME_SIZE);
        // One read is at most MAX_READ_BYTES: that bounds what is decoded after the pool runs dry (see receive).
        ch.config().setRecvByteBufAllocator(new AdaptiveRecvByteBufAllocator(
                AdaptiveRecvByteBufAllocator.DEFAULT_MINIMUM, AdaptiveRecvByteBufAllocator.DEFAULT_INITIAL,
                TofuEngine.MAX_READ_BYTES));
        if (kind == TofuAddress.Kind.TCP) {
            ch.config().setOption(ChannelOption.TCP_NODELAY, true);
            // tofu closes every data socket with RST (SO_LINGER 0, spec §9.5); so does this engine.
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        }
    }

    /** Starts connecting; the HelloRequest is the first message queued. */
    void connect(TofuMessage hello, SocketAddress remote) {
        synchronized (lock) {
            outbox.add(hello);
            outboxBytes += FRAME_SIZE.newHandle().size(hello);
        }
        Bootstrap b = new Bootstrap().group(engine.ioGroup())
                .channelFactory(engine.transport().socketChannelFactory(kind))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, engine.connectTimeoutMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        configure(ch, kind, engine);
                        initPipeline(ch);
                    }
                });
        ChannelFuture f;
        try {
            f = b.connect(remote);
        } catch (RuntimeException e) {
            connectFailure = Status.CONNECT_FAILED;
            finish(closedSignal(initialMessageId));
            return;
        }
        attach(f.channel());
        f.addListener((ChannelFutureListener) this::connectDone);
    }

    private void connectDone(ChannelFuture f) {
        if (f.isSuccess()) {
            synchronized (lock) {
                connected = true;
                lock.notifyAll();
            }
            drain();
            return;
        }
        Throwable cause = f.cause();
        boolean aborted;
        synchronized (lock) {
            aborted = closing;
        }
        connectFailure = aborted ? Status.CHANNEL_CLOSED : connectStatus(cause);
        Channel ch = f.channel();
        if (!ch.isRegistered() && !pipelineInstalled) {
            // Never registered (the engine is shutting down): no channel events will come.
            finish(closedSignal(initialMessageId));
        } else {
            ch.close(); // the handler sends channel_closed once the channel is unregistered
        }
    }

    /** An unresolvable host is a bad address; any other connect failure (refused, timed out, closed) is just that. */
    private static Status connectStatus(Throwable cause) {
        return cause instanceof UnknownHostException ? Status.INVALID_ADDRESS : Status.CONNECT_FAILED;
    }

    // ---- sending ----

    @Override
    TofuMessage post(TofuMessage m) throws InterruptedException {
        OpCode op = m.opCode();
        if (op == OpCode.BYE_SIGNAL) {
            return stop(m);
        }
        awaitWritable();
        TofuMessage header;
        boolean schedule;
        Channel ch;
        synchronized (lock) {
            if (finished || closing) {
                throw closed(number);
            }
            if (byePosted) {
                throw new TofuException(Status.NOT_ALLOWED, "a ByeRequest or ByeResponse was already posted on channel "
                        + number + "; only a ByeSignal may follow");
            }
            if (op == OpCode.BYE_REQUEST || op == OpCode.BYE_RESPONSE) {
                byePosted = true;
            }
            header = m.copyHeader();
            outbox.add(m);
            outboxBytes += FRAME_SIZE.newHandle().size(m);
            schedule = connected && !drainScheduled;
            if (schedule) {
                drainScheduled = true;
            }
            ch = channel;
        }
        if (schedule) {
            try {
                ch.eventLoop().execute(this::drain);
            } catch (RejectedExecutionException e) {
                synchronized (lock) {
                    outbox.remove(m);
                    drainScheduled = false;
                }
                throw new TofuException(Status.NOTIFICATION_DISABLED, engine.name() + " is closed");
            }
        }
        return header;
    }

    /** Hands the queued messages to the pipeline (I/O thread). */
    void drain() {
        ArrayDeque<TofuMessage> batch;
        Channel ch;
        synchronized (lock) {
            drainScheduled = false;
            if (!connected || outbox.isEmpty()) {
                return;
            }
            batch = outbox;
            outbox = new ArrayDeque<>();
            outboxBytes = 0;
            ch = channel;
        }
        for (TofuMessage m; (m = batch.poll()) != null; ) {
            ch.write(m).addListener(sent);
        }
        ch.flush();
        synchronized (lock) {
            lock.notifyAll(); // the queued bytes now count in Netty's outbound buffer
        }
    }

    private boolean writable() {
        if (outboxBytes >= engine.waterMark().high()) {
            return false;
        }
        return !connected || channel == null || channel.isWritable();
    }

    /** Waits while the channel is unwritable, up to the engine's limit. */
    private void awaitWritable() throws InterruptedException {
        synchronized (lock) {
            long deadline = 0;
            boolean waited = false;
            while (!finished && !closing && !writable()) {
                long now = System.nanoTime();
                if (!waited) {
                    deadline = now + engine.unwritableLimitNanos();
                    waited = true;
                }
                long left = deadline - now;
                if (left <= 0) {
                    throw new TofuException(Status.SEND_FAILED, "channel " + number + " stayed unwritable for "
                            + TimeUnit.NANOSECONDS.toMillis(engine.unwritableLimitNanos()) + " ms: the peer does not "
                            + "read fast enough for the outbound bound of " + engine.waterMark().high() + " bytes");
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    void writabilityChanged() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    // ---- receiving (I/O thread) ----

    /**
     * A peer frame: delivered if the pool has a message for it, else held and reading stops (spec §9.9). Netty stops
     * reading after the current read, so at most one read ({@link TofuEngine#MAX_READ_BYTES}) of frames is held.
     */
    void receive(TofuMessage m) {
        EngineCounters counters = engine.counters();
        counters.frameReceived();
        if (held.isEmpty() && engine.pool().tryTake()) {
            group.deliverReceived(m);
            return;
        }
        held.add(m);
        counters.held();
        if (!starved) {
            starved = true;
            Channel ch = currentChannel();
            ch.config().setAutoRead(false);
            if (readTimeouts != null) {
                readTimeouts.pause(); // the peer cannot make progress while we do not read
            }
            group.deliverNotification(TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE)
                    .status(Status.POOL_EMPTY).channelNumber(number));
            engine.pool().whenAvailable(resume);
        }
    }

    private void scheduleResume() {
        Channel ch = currentChannel();
        try {
            ch.eventLoop().execute(this::resumeReading);
        } catch (RejectedExecutionException e) {
            // Shutting down: finish() releases what is held.
        }
    }

    private void resumeReading() {
        if (!starved || isFinished()) {
            return;
        }
        TofuMessage m;
        while ((m = held.peek()) != null && engine.pool().tryTake()) {
            held.poll();
            engine.counters().released();
            group.deliverReceived(m);
        }
        if (held.isEmpty()) {
            starved = false;
            currentChannel().config().setAutoRead(true);
            if (readTimeouts != null) {
                readTimeouts.resume();
            }
        } else {
            engine.pool().whenAvailable(resume);
        }
    }

    // ---- closing (I/O thread) ----

    /**
     * The channel is gone and every message the pipeline held was returned: deliver what was held back for the pool,
     * return what never reached the pipeline, then the channel_closed Signal (spec §9.7).
     */
    void finish(TofuMessage closedSignal, Status closeReason) {
        ArrayDeque<TofuMessage> unsent;
        boolean wasConnected;
        synchronized (lock) {
            if (finished) {
                closedSignal.release();
                return;
            }
            finished = true;
            unsent = outbox;
            outbox = new ArrayDeque<>();
            outboxBytes = 0;
            wasConnected = connected;
            lock.notifyAll();
        }
        engine.channels().forget(this);
        for (TofuMessage m; (m = held.poll()) != null; ) {
            engine.counters().released();
            group.deliverNotification(m);
        }
        Status reason = wasConnected ? closeReason
                : connectFailure != null ? connectFailure : Status.CONNECT_FAILED;
        for (TofuMessage m; (m = unsent.poll()) != null; ) {
            group.deliverReturned(m.origin(Origin.ENGINE).status(reason));
        }
        if (onFinish != null) {
            onFinish.run(); // before channel_closed: whoever sees it may rely on the listener's slot being free
        }
        group.deliverNotification(closedSignal);
        group.endpointDone(this);
    }

    private void finish(TofuMessage closedSignal) {
        finish(closedSignal, Status.CHANNEL_CLOSED);
    }

    private boolean isFinished() {
        synchronized (lock) {
            return finished;
        }
    }

    private Channel currentChannel() {
        synchronized (lock) {
            return channel;
        }
    }
}
