package io.tofunetty.handlers;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.internal.EngineCounters;
import io.tofunetty.handlers.internal.EngineThreadFactory;
import io.tofunetty.handlers.internal.MessageIds;
import io.tofunetty.handlers.internal.MessagePool;

import java.nio.file.Files;
import java.nio.file.Path;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * tofu's engine (its {@code Ampe}) on Netty: channel groups, the message pool, and the I/O threads of one transport.
 *
 * <pre>{@code
 * try (TofuEngine engine = TofuEngine.builder().build()) {
 *     ChannelGroup group = engine.create();
 *     TofuMessage hello = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.HELLO_REQUEST);
 *     hello.headers().add(TofuAddress.CONNECT_TO, "tcp|127.0.0.1|7099");
 *     int channel = group.post(hello).channelNumber();
 *     TofuMessage reply = group.waitReceive(Duration.ofSeconds(5));
 *     ...
 *     engine.put(reply);
 * }
 * }</pre>
 *
 * <p>tofu runs one engine thread; this engine runs {@link Builder#ioThreads} Netty I/O threads (default 1), named
 * {@code tofu-engine-<n>-io-<k>}. {@link #close()} ends all of them before it returns.
 */
public final class TofuEngine implements AutoCloseable {
    /**
     * The largest single read from a data channel, in bytes. When the pool runs dry, reading stops after the current
     * read, so at most this many bytes of frames (plus one incomplete frame) are decoded and held per channel.
     */
    public static final int MAX_READ_BYTES = 64 * 1024;

    private static final AtomicInteger ENGINES = new AtomicInteger();

    private final String name;
    private final TofuTransport transport;
    private final EngineThreadFactory threadFactory;
    private final EventLoopGroup ioGroup;
    private final MessagePool pool;
    private final EngineChannels channels = new EngineChannels();
    private final Set<ChannelGroup> groups = new LinkedHashSet<>();
    private final AtomicLong groupIds = new AtomicLong();
    private final WriteBufferWaterMark waterMark;
    private final long unwritableLimitNanos;
    private final int connectTimeoutMillis;
    private final long shutdownTimeoutNanos;
    private final long partialFrameTimeoutNanos;
    private final long readIdleTimeoutNanos;
    private final int maxConnectionsPerListener;
    private final EngineCounters counters = new EngineCounters();
    private volatile boolean closed;

    private TofuEngine(Builder b) {
        TofuTransport t = b.transport.resolve();
        if (!t.isAvailable()) {
            throw new IllegalStateException("the " + t + " transport is not available in this JVM");
        }
        this.transport = t;
        this.name = "tofu-engine-" + ENGINES.incrementAndGet();
        int initial = b.initialPoolMessages > 0 ? b.initialPoolMessages : Builder.DEFAULT_INITIAL_POOL;
        int max = b.maxPoolMessages > 0 ? b.maxPoolMessages : Builder.DEFAULT_MAX_POOL;
        this.pool = new MessagePool(initial, Math.max(initial, max));
        this.waterMark = new WriteBufferWaterMark(b.lowWaterMark, b.highWaterMark);
        this.unwritableLimitNanos = b.unwritableLimit.toNanos();
        this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, b.connectTimeout.toMillis());
        this.shutdownTimeoutNanos = b.shutdownTimeout.toNanos();
        this.partialFrameTimeoutNanos = b.partialFrameTimeout.toNanos();
        this.readIdleTimeoutNanos = b.readIdleTimeout.toNanos();
        this.maxConnectionsPerListener = b.maxConnectionsPerListener;
        this.threadFactory = new EngineThreadFactory(name);
        this.ioGroup = new MultiThreadIoEventLoopGroup(b.ioThreads, threadFactory, t.newIoHandlerFactory());
    }

    /** Options with tofu's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The engine's name, the prefix of its thread names ({@code tofu-engine-<n>}). */
    public String name() {
        return name;
    }

    /** The transport in use (never {@link TofuTransport#AUTO}). */
    public TofuTransport transport() {
        return transport;
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * A new channel group.
     *
     * @throws TofuException {@link Status#SHUTDOWN_STARTED} once the engine is closing
     */
    public ChannelGroup create() {
        synchronized (groups) {
            if (closed) {
                throw new TofuException(Status.SHUTDOWN_STARTED, name + " is closed");
            }
            ChannelGroup g = new ChannelGroup(this, groupIds.incrementAndGet());
            groups.add(g);
            return g;
        }
    }

    /**
     * Destroys a group: its channels and listeners close without notifications and its mailbox is emptied. Blocks
     * until the group's channels are gone (at most the shutdown timeout). Destroying a group twice does nothing.
     */
    public void destroy(ChannelGroup group) {
        Objects.requireNonNull(group, "group");
        if (group.engine() != this) {
            throw new IllegalArgumentException(group + " belongs to another engine");
        }
        synchronized (groups) {
            groups.remove(group);
        }
        group.destroy(shutdownTimeoutNanos);
    }

    /**
     * A message from the pool (empty headers, an empty body growable to 65535 bytes, opcode Request, channel 0,
     * id 0). {@link AllocationStrategy#POOL_ONLY} returns null when the pool is empty;
     * {@link AllocationStrategy#ALWAYS} then allocates a new message.
     */
    public TofuMessage get(AllocationStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        if (!pool.tryTake() && strategy == AllocationStrategy.POOL_ONLY) {
            return null;
        }
        return TofuMessage.create(OpCode.REQUEST);
    }

    /**
     * Gives a message back: it is released, and the pool grows by one unless it is full. Giving messages back is
     * what lets reading resume after the pool ran empty. Null is ignored.
     */
    public void put(TofuMessage message) {
        if (message == null) {
            return;
        }
        if (message.refCnt() > 0) {
            message.release();
        }
        pool.give();
    }

    /** How many messages the pool holds now. */
    public int poolAvailable() {
        return pool.available();
    }

    /** The engine's counters now: frames received and held, connections accepted and refused, read timeouts. */
    public EngineStatistics statistics() {
        return new EngineStatistics(counters.framesReceived(), counters.heldMessages(), counters.heldMessagesPeak(),
                counters.connectionsAccepted(), counters.connectionsRefused(), counters.readTimeouts());
    }

    /**
     * Closes every group silently, stops the I/O threads and waits until they have ended. Receivers blocked in
     * {@link ChannelGroup#waitReceive} get {@link Status#SHUTDOWN_STARTED}; later posts get
     * {@link Status#NOTIFICATION_DISABLED}. Idempotent.
     */
    @Override
    public void close() {
        List<ChannelGroup> open;
        synchronized (groups) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(groups);
            groups.clear();
        }
        for (ChannelGroup g : open) {
            g.destroy(shutdownTimeoutNanos);
        }
        boolean interrupted = false;
        try {
            ioGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(shutdownTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try {
            threadFactory.join(shutdownTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- post ----

    TofuMessage post(ChannelGroup group, TofuMessage m) throws InterruptedException {
        if (m == null) {
            throw new TofuException(Status.NULL_MESSAGE, "post(null)");
        }
        if (closed) {
            throw new TofuException(Status.NOTIFICATION_DISABLED, name + " is closed");
        }
        if (group.isDestroyed()) {
            throw new TofuException(Status.INVALID_MCHN_GROUP, group + " was destroyed");
        }
        TofuAddress address = PostChecks.check(m, transport);
        if (m.messageId() == 0) {
            m.messageId(MessageIds.next());
        }
        if (address != null) {
            return m.opCode() == OpCode.HELLO_REQUEST ? connect(group, m, address) : listen(group, m, address);
        }
        int channel = m.channelNumber();
        Endpoint e = channels.get(channel);
        if (e == null) {
            throw new TofuException(Status.INVALID_CHANNEL_NUMBER, "no open channel " + channel);
        }
        if (e.group != group) {
            throw new TofuException(Status.INVALID_MCHN_GROUP, "channel " + channel + " belongs to another group");
        }
        return e.post(m);
    }

    private TofuMessage connect(ChannelGroup group, TofuMessage hello, TofuAddress address) {
        int n = channels.allocate();
        DataChannel dc = new DataChannel(this, group, n, address.kind(), hello.messageId());
        if (!channels.register(dc)) {
            throw new TofuException(Status.INVALID_MCHN_GROUP, group + " was destroyed");
        }
        hello.channelNumber(n);
        TofuMessage header = hello.copyHeader();
        SocketAddress remote;
        try {
            remote = transport.socketAddress(address, false);
        } catch (UnknownHostException e) {
            dc.failAtOnce(hello, Status.INVALID_ADDRESS);
            return header;
        }
        if (address.kind() == TofuAddress.Kind.UDS && !Files.exists(Path.of(address.path()))) {
            dc.failAtOnce(hello, Status.UDS_PATH_NOT_FOUND);
            return header;
        }
        dc.connect(hello, remote);
        return header;
    }

    private TofuMessage listen(ChannelGroup group, TofuMessage welcome, TofuAddress address) {
        int n = channels.allocate();
        ListenerChannel lc = new ListenerChannel(this, group, n, address, welcome.messageId());
        if (!channels.register(lc)) {
            throw new TofuException(Status.INVALID_MCHN_GROUP, group + " was destroyed");
        }
        welcome.channelNumber(n);
        TofuMessage header = welcome.copyHeader();
        SocketAddress local;
        try {
            local = transport.socketAddress(address, true);
        } catch (UnknownHostException e) {
            lc.failAtOnce(welcome, Status.INVALID_ADDRESS);
            return header;
        }
        lc.listen(welcome, local);
        return header;
    }

    /** The engine's channel table (numbers and endpoints). */
    EngineChannels channels() {
        return channels;
    }

    EventLoopGroup ioGroup() {
        return ioGroup;
    }

    MessagePool pool() {
        return pool;
    }

    WriteBufferWaterMark waterMark() {
        return waterMark;
    }

    long unwritableLimitNanos() {
        return unwritableLimitNanos;
    }

    int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    long partialFrameTimeoutNanos() {
        return partialFrameTimeoutNanos;
    }

    long readIdleTimeoutNanos() {
        return readIdleTimeoutNanos;
    }

    int maxConnectionsPerListener() {
        return maxConnectionsPerListener;
    }

    EngineCounters counters() {
        return counters;
    }

    /** Options for a {@link TofuEngine}; defaults follow tofu where tofu has them. */
    public static final class Builder {
        static final int DEFAULT_INITIAL_POOL = 16;
        static final int DEFAULT_MAX_POOL = 64;

        private TofuTransport transport = TofuTransport.AUTO;
        private int ioThreads = 1;
        private int initialPoolMessages = DEFAULT_INITIAL_POOL;
        private int maxPoolMessages = DEFAULT_MAX_POOL;
        private int lowWaterMark = 128 * 1024;
        private int highWaterMark = 256 * 1024;
        private Duration unwritableLimit = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Duration partialFrameTimeout = Duration.ofSeconds(30);
        private Duration readIdleTimeout = Duration.ZERO;
        private int maxConnectionsPerListener;

        private Builder() {
        }

        /** The transport; {@link TofuTransport#AUTO} (the default) picks the best one available. */
        public Builder transport(TofuTransport transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /** Number of I/O threads (default 1, like tofu's single engine thread). */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 1) {
                throw new IllegalArgumentException("ioThreads " + ioThreads + " < 1");
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * tofu's {@code initialPoolMsgs} and {@code maxPoolMsgs} (defaults 16 and 64): how many messages the pool
         * holds at start and at most. 0 means the default; a max below initial is raised to initial.
         */
        public Builder pool(int initialPoolMessages, int maxPoolMessages) {
            if (initialPoolMessages < 0 || maxPoolMessages < 0) {
                throw new IllegalArgumentException("pool limits must not be negative: initial " + initialPoolMessages
                        + ", max " + maxPoolMessages);
            }
            this.initialPoolMessages = initialPoolMessages;
            this.maxPoolMessages = maxPoolMessages;
            return this;
        }

        /**
         * Per-channel outbound bounds in bytes (defaults 128 KiB and 256 KiB): above {@code high} a channel is
         * unwritable and {@code post} waits, below {@code low} it is writable again. tofu's send queue is unbounded.
         */
        public Builder writeBufferWaterMark(int low, int high) {
            if (low < 0 || high < low || high == 0) {
                throw new IllegalArgumentException("write buffer water marks low " + low + ", high " + high);
            }
            this.lowWaterMark = low;
            this.highWaterMark = high;
            return this;
        }

        /**
         * How long {@code post} waits for an unwritable channel before failing with {@link Status#SEND_FAILED}
         * (default 10 s; zero fails at once).
         */
        public Builder unwritableLimit(Duration limit) {
            if (limit.isNegative()) {
                throw new IllegalArgumentException("unwritable limit " + limit + " is negative");
            }
            this.unwritableLimit = limit;
            return this;
        }

        /** Connect timeout for HelloRequests (default 10 s); tofu relies on the OS's. */
        public Builder connectTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("connect timeout " + timeout + " must be positive");
            }
            this.connectTimeout = timeout;
            return this;
        }

        /** How long destroy and close wait for channels and threads to end (default 10 s, as tofu's destroy). */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("shutdown timeout " + timeout + " must be positive");
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * How long a received frame may stay incomplete, counted from its first byte (default 30 s; zero: no limit).
         * A peer that sends part of a frame and stalls, or drips it byte by byte, is closed with {@code recv_failed}
         * after this long. tofu writes each frame in one go, so a healthy peer never comes near it. The clock stops
         * while the engine does not read the channel because its pool is empty. tofu has no such limit.
         */
        public Builder partialFrameTimeout(Duration timeout) {
            this.partialFrameTimeout = nonNegative("partial frame timeout", timeout);
            return this;
        }

        /**
         * Closes a data channel (client or accepted) on which nothing at all arrived for this long, with
         * {@code recv_failed} (default zero: never; tofu keeps silent channels open, and so do tofu applications).
         * Like {@link #partialFrameTimeout} it stops while the engine itself does not read the channel.
         */
        public Builder readIdleTimeout(Duration timeout) {
            this.readIdleTimeout = nonNegative("read idle timeout", timeout);
            return this;
        }

        /**
         * The most connections each listener keeps open at once (default 0: no limit, as in tofu). A connection
         * beyond it is closed as soon as it is accepted (an RST on TCP), counted in
         * {@link EngineStatistics#connectionsRefused()}, and reported to the listener's group by an
         * {@code accept_failed} Signal, once per stretch of refusals. The listener keeps serving.
         */
        public Builder maxConnectionsPerListener(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("maxConnectionsPerListener " + max + " is negative (0: no limit)");
            }
            this.maxConnectionsPerListener = max;
            return this;
        }

        private static Duration nonNegative(String what, Duration d) {
            Objects.requireNonNull(d, what);
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " " + d + " is negative (zero: off)");
            }
            return d;
        }

        /** Starts the engine's I/O threads. */
        public TofuEngine build() {
            return new TofuEngine(this);
        }
    }
}
