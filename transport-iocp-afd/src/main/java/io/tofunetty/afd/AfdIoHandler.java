package io.tofunetty.afd;

import io.netty.channel.ChannelException;
import io.netty.channel.IoEvent;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.afd.internal.poll.AfdDriver;
import io.tofunetty.afd.internal.poll.AfdPoller;
import io.tofunetty.afd.internal.socket.BaseSockets;
import io.tofunetty.afd.internal.poll.JnaAfdDriver;
import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.poll.PollClaims;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Netty 4.2 {@link IoHandler} over one I/O completion port and AFD_POLL readiness polls; TCP stream channels read
 * by overlapped WSARecv on the same port in {@link AfdReadMode#COMPLETION} ({@link CompletionReads}).
 *
 * <p>Usage: {@code new MultiThreadIoEventLoopGroup(n, AfdIoHandler.newFactory())}; register {@link AfdIoHandle}s and
 * {@link IoRegistration#submit submit} {@link AfdIoOps} (which replace the interest). Events arrive as
 * {@link AfdIoEvent}s, level-triggered: a socket that stays ready is reported again after each re-arm.
 *
 * <p>Each {@link #run} iteration: apply queued interest changes (arm / cancel, {@link AfdPoller#flush}), one batched
 * GetQueuedCompletionStatusEx (repeated without blocking while batches come back full, the entry array growing),
 * then dispatch (key 1: AFD polls, key 2: wake-ups, key 3: overlapped receives), then the idle-receive sweep when
 * it is due. Wake-ups are PostQueuedCompletionStatus packets, coalesced through {@code nextWakeupNanos} and skipped on
 * the loop thread.
 *
 * <p>Changing threads is supported: completion ports and AFD device handles are not bound to a thread, and I/O on
 * a handle associated with a completion port is not cancelled when the issuing thread exits.
 */
public final class AfdIoHandler implements IoHandler {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AfdIoHandler.class);

    private static final long AWAKE = -1L;
    private static final long NONE = Long.MAX_VALUE;
    /** Rounds of non-blocking GQCSEx per iteration while batches come back full. */
    private static final int MAX_EXTRA_DEQUEUE_ROUNDS = 4;

    /** Creates {@link AfdIoHandler}s for an event loop group. */
    @FunctionalInterface
    interface DriverFactory {
        AfdDriver create() throws IOException;
    }

    private final ThreadAwareExecutor executor;
    private final AfdIoHandlerOptions options;
    private final AfdDriver driver;
    private final AfdPoller poller;
    /** The overlapped receives of TCP channels in {@link AfdReadMode#COMPLETION}; null in poll mode. */
    private final CompletionReads reads;
    private final AtomicLong nextWakeupNanos = new AtomicLong(AWAKE);
    private final Set<Registration> registrations = new LinkedHashSet<>();
    private final AfdIoEvent event = new AfdIoEvent();
    private final Sink sink = new Sink();

    private long entries;
    private int entryCapacity;
    private boolean destroyed;
    private volatile boolean destroyedCleanly;
    /** Set when the completion port failed (GetQueuedCompletionStatusEx): the loop can no longer do I/O. */
    private volatile IOException portFailure;
    /** Where the loop waits once the port has failed: wake-ups can no longer be packets. */
    private final Object failedLoopMonitor = new Object();
    private boolean failedLoopWoken;
    /** Wake-ups whose packet could not be posted and are being retried off the caller's thread. */
    private final AtomicBoolean wakeupRetrying = new AtomicBoolean();
    private final AtomicBoolean wakeupFailureReported = new AtomicBoolean();
    /** A task closing the registered channels is queued on the shutting-down loop. */
    private final AtomicBoolean shutdownCloseQueued = new AtomicBoolean();
    private volatile boolean driverClosed;

    private AfdIoHandler(ThreadAwareExecutor executor, AfdIoHandlerOptions options, AfdDriver driver,
                         PollClaims claims) {
        this.executor = executor;
        this.options = options;
        this.driver = driver;
        this.poller = new AfdPoller(driver, claims, this::wakeup, options.groupSize(), options.recordsPerChunk(),
                options.maxArmAttempts());
        this.reads = options.readMode() == AfdReadMode.COMPLETION && driver.supportsReceives()
                ? new CompletionReads(driver, this) : null;
        this.entryCapacity = options.completionBatchSize();
        this.entries = Mem.allocate((long) entryCapacity * Kernel32.OVERLAPPED_ENTRY_SIZE);
    }

    /** A factory with {@link AfdIoHandlerOptions#defaults()}. Throws when {@link Afd#isAvailable()} is false. */
    public static IoHandlerFactory newFactory() {
        return newFactory(AfdIoHandlerOptions.defaults());
    }

    /** A factory with the given options. Throws when {@link Afd#isAvailable()} is false. */
    public static IoHandlerFactory newFactory(AfdIoHandlerOptions options) {
        Afd.ensureAvailability();
        return newFactory(options, () -> new JnaAfdDriver(options.deviceName()), PollClaims.GLOBAL);
    }

    /** A factory over any driver (the tests' fake kernel). */
    static IoHandlerFactory newFactory(AfdIoHandlerOptions options, DriverFactory drivers, PollClaims claims) {
        if (options == null) {
            throw new NullPointerException("options");
        }
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                AfdDriver driver;
                try {
                    driver = drivers.create();
                } catch (IOException e) {
                    throw new ChannelException("cannot create the AFD poller: " + e.getMessage(), e);
                }
                return new AfdIoHandler(executor, options, driver, claims);
            }

            @Override
            public boolean isChangingThreadSupported() {
                return true;
            }
        };
    }

    // ------------------------------------------------------------------ IoHandler

    @Override
    public int run(IoHandlerContext ctx) {
        if (portFailure != null) {
            waitWithoutPort(ctx);
            return 0;
        }
        long activeStart = System.nanoTime();
        boolean mayBlock = ctx.canBlock();
        if (mayBlock) {
            // Publish "asleep" before flushing: a wake-up (a task, or a base-socket claim released by another loop)
            // racing the flush then posts a packet instead of being lost.
            long deadline = ctx.deadlineNanos();
            nextWakeupNanos.set(deadline == -1L ? NONE : deadline);
        }
        int handled = poller.flush(sink);
        long active = System.nanoTime() - activeStart;
        int n;
        try {
            int timeout = mayBlock && handled == 0 && ctx.canBlock() ? timeoutMillis(ctx) : 0;
            long waitStart = System.nanoTime();
            n = dequeue(timeout);
            if (n == 0 && timeout != 0 && timeout != Kernel32.INFINITE) {
                n = finishTimedWait(waitStart, Integer.toUnsignedLong(timeout));
            }
        } finally {
            if (mayBlock) {
                nextWakeupNanos.lazySet(AWAKE);
            }
        }
        long start = System.nanoTime();
        handled += process(n);
        for (int round = 0; n == entryCapacity && round < MAX_EXTRA_DEQUEUE_ROUNDS; round++) {
            growEntries();
            n = dequeue(0);
            handled += process(n);
        }
        if (reads != null) {
            reads.sweepIfDue(System.nanoTime());
        }
        active += System.nanoTime() - start;
        if (ctx.shouldReportActiveIoTime()) {
            ctx.reportActiveIoTime(active);
        }
        return handled;
    }

    private int timeoutMillis(IoHandlerContext ctx) {
        long millis;
        if (ctx.deadlineNanos() == -1L) {
            millis = 0xFFFFFFFFL; // INFINITE
        } else {
            long delay = ctx.delayNanos(System.nanoTime());
            millis = delay <= 0 ? 0 : Math.min(TimeUnit.NANOSECONDS.toMillis(delay + 999_999L), 0xFFFFFFFEL);
        }
        if (poller.hasPendingRetries()) {
            millis = Math.min(millis, options.armRetryIntervalMillis());
        }
        if (reads != null) {
            // Unsigned: INFINITE (0xFFFFFFFF) is the largest.
            millis = Math.min(millis, Integer.toUnsignedLong(reads.millisToSweep(System.nanoTime())));
        }
        return (int) millis; // 0xFFFFFFFF = INFINITE, 0xFFFFFFFE the largest finite wait
    }

    /**
     * A timed GQCSEx can end up to a timer tick early on Windows (waits round to the ~15.6 ms tick). Nothing woke us
     * (a wake-up is a packet), so wait out the rest: run() never returns before the deadline it was given.
     */
    private int finishTimedWait(long waitStart, long timeoutMillis) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (int attempt = 0; attempt < 3; attempt++) {
            long left = waitNanos - (System.nanoTime() - waitStart);
            if (left <= 0) {
                return 0;
            }
            int n = dequeue((int) Math.min(TimeUnit.NANOSECONDS.toMillis(left + 999_999L), 0xFFFFFFFEL));
            if (n != 0) {
                return n;
            }
        }
        return 0;
    }

    private int dequeue(int timeoutMillis) {
        if (portFailure != null) {
            return 0;
        }
        try {
            return driver.dequeue(entries, entryCapacity, timeoutMillis);
        } catch (IOException e) {
            portFailed(e);
            return 0;
        }
    }

    /**
     * GetQueuedCompletionStatusEx failed. Its failures are not transient (an invalid or closed port, bad arguments):
     * retrying would spin at full CPU and every channel of the loop would hang. Instead the loop says so once, closes
     * its channels (their close futures and pipelines report it), and refuses new registrations; it keeps running
     * tasks, waiting on a monitor instead of the port, until its group is shut down.
     */
    private void portFailed(IOException cause) {
        if (portFailure != null) {
            return;
        }
        portFailure = cause;
        logger.error("the completion port of this AFD event loop failed; its {} channel(s) are closed and it accepts "
                + "no new registrations (shut its event loop group down)", registrations.size(), cause);
        closeRegisteredHandles(false);
    }

    /** The loop's wait once its port failed: until a wake-up or the next scheduled task, never a busy loop. */
    private void waitWithoutPort(IoHandlerContext ctx) {
        if (!ctx.canBlock()) {
            return;
        }
        long deadline = ctx.deadlineNanos();
        nextWakeupNanos.set(deadline == -1L ? NONE : deadline);
        try {
            synchronized (failedLoopMonitor) {
                if (!failedLoopWoken && ctx.canBlock()) {
                    long millis = deadline == -1L ? 0
                            : Math.max(1, TimeUnit.NANOSECONDS.toMillis(ctx.delayNanos(System.nanoTime()) + 999_999L));
                    failedLoopMonitor.wait(millis);
                }
                failedLoopWoken = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            nextWakeupNanos.lazySet(AWAKE);
        }
    }

    private int process(int n) {
        int handled = 0;
        for (int i = 0; i < n; i++) {
            long e = entries + (long) i * Kernel32.OVERLAPPED_ENTRY_SIZE;
            long key = Mem.getLong(e + Kernel32.OVERLAPPED_ENTRY_COMPLETION_KEY);
            if (key == AfdDriver.KEY_AFD) {
                handled += poller.complete(Mem.getLong(e + Kernel32.OVERLAPPED_ENTRY_OVERLAPPED), sink);
            } else if (key == AfdDriver.KEY_RECEIVE && reads != null) {
                handled += reads.complete(Mem.getLong(e + Kernel32.OVERLAPPED_ENTRY_OVERLAPPED),
                        Mem.getInt(e + Kernel32.OVERLAPPED_ENTRY_BYTES));
            } else if (key != AfdDriver.KEY_WAKE) {
                logger.debug("ignoring completion with unknown key {}", key);
            }
        }
        return handled;
    }

    private void growEntries() {
        if (entryCapacity >= options.maxCompletionBatchSize()) {
            return;
        }
        int capacity = Math.min(entryCapacity * 2, options.maxCompletionBatchSize());
        long grown = Mem.allocate((long) capacity * Kernel32.OVERLAPPED_ENTRY_SIZE);
        Mem.free(entries); // GQCSEx writes entries only during the call: nothing else refers to them
        entries = grown;
        entryCapacity = capacity;
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        if (!(handle instanceof AfdIoHandle)) {
            throw new IllegalArgumentException("AfdIoHandler polls AfdIoHandle implementations only, not "
                    + (handle == null ? "null" : handle.getClass().getName()));
        }
        if (destroyed) {
            throw new IllegalStateException("AfdIoHandler is destroyed");
        }
        IOException failure = portFailure;
        if (failure != null) {
            throw new IOException("the completion port of this AFD event loop failed; it accepts no registrations: "
                    + failure.getMessage(), failure);
        }
        AfdIoHandle afdHandle = (AfdIoHandle) handle;
        long socket = afdHandle.socket();
        long base = BaseSockets.resolve(driver, socket);
        Registration registration = new Registration(afdHandle);
        registration.slot = poller.open(socket, base, registration);
        registrations.add(registration);
        if (handle instanceof CompletionReadable) {
            ((CompletionReadable) handle).registeredWith(reads);
        }
        handle.registered();
        if (isShuttingDown()) {
            closeHandlesBeforeTermination(); // registered after the shutdown's close ran
        }
        return registration;
    }

    @Override
    public void wakeup() {
        if (isShuttingDown()) {
            closeHandlesBeforeTermination();
        }
        if (!executor.isExecutorThread(Thread.currentThread()) && nextWakeupNanos.getAndSet(AWAKE) != AWAKE) {
            postWakeup();
        }
    }

    private boolean isShuttingDown() {
        return executor instanceof EventExecutor && ((EventExecutor) executor).isShuttingDown();
    }

    /**
     * Closes the registered channels while the loop still runs tasks. Netty calls {@link #prepareToDestroy()} only
     * when the shutdown is seen right after an I/O round; a shutdown requested from a task (or confirmed with a quiet
     * period of 0 before the next round) skips it, and a channel closed in {@link #destroy()} can no longer schedule
     * its deregistration (Netty logs "Can't invoke task later as EventLoop rejected it" per channel). Every
     * shutdownGracefully() wakes the loop through {@link #wakeup()} right after entering the shutting-down state,
     * which still accepts tasks: the close is queued there, and again for channels registered later.
     */
    private void closeHandlesBeforeTermination() {
        if (shutdownCloseQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    shutdownCloseQueued.set(false);
                    closeRegisteredHandles(false);
                });
            } catch (RejectedExecutionException e) {
                // already terminating: destroy() closes what is left
            }
        }
    }

    private void postWakeup() {
        if (portFailure != null) {
            synchronized (failedLoopMonitor) {
                failedLoopWoken = true;
                failedLoopMonitor.notifyAll();
            }
            return;
        }
        RuntimeException failure = tryWake();
        if (failure == null) {
            return;
        }
        // PostQueuedCompletionStatus fails only when the system is short of resources (or the port is gone). The
        // loop may be asleep without a deadline, so this wake-up must not be dropped: it is retried off the
        // caller's thread until a packet is posted or the loop is destroyed.
        if (wakeupFailureReported.compareAndSet(false, true)) {
            logger.warn("posting a wake-up packet to the AFD event loop failed; retrying until it succeeds", failure);
        }
        if (wakeupRetrying.compareAndSet(false, true)) {
            GlobalEventExecutor.INSTANCE.schedule(() -> retryWakeup(1), 1, TimeUnit.MILLISECONDS);
        }
    }

    /** PostQueuedCompletionStatus, tried a few times at once; null on success, else the last failure. */
    private RuntimeException tryWake() {
        RuntimeException failure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            if (driverClosed) {
                return null; // destroyed: nobody waits on the port any more
            }
            try {
                driver.wake();
                return null;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return failure;
    }

    private void retryWakeup(long delayMillis) {
        // Cleared before the attempt: a wake-up failing from now on is either covered by this attempt (which comes
        // after it) or schedules a retry of its own.
        wakeupRetrying.set(false);
        if (portFailure != null) {
            postWakeup();
            return;
        }
        if (tryWake() == null) {
            wakeupFailureReported.set(false);
            return;
        }
        if (wakeupRetrying.compareAndSet(false, true)) {
            long next = Math.min(delayMillis * 2, 100);
            GlobalEventExecutor.INSTANCE.schedule(() -> retryWakeup(next), next, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return AfdIoHandle.class.isAssignableFrom(handleType);
    }

    @Override
    public void prepareToDestroy() {
        closeRegisteredHandles(false);
    }

    /**
     * @param loopTerminated whether the loop no longer runs tasks: a channel's close then cannot schedule its
     *                       follow-up work and may throw RejectedExecutionException, which is expected
     */
    private void closeRegisteredHandles(boolean loopTerminated) {
        for (Registration r : new ArrayList<>(registrations)) {
            r.cancel();
            try {
                r.handle.close();
            } catch (RejectedExecutionException e) {
                if (!loopTerminated) {
                    logger.warn("failed to close {} at shutdown", r.handle, e);
                }
            } catch (Exception e) {
                logger.warn("failed to close {} at shutdown", r.handle, e);
            }
        }
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        // SingleThreadIoEventLoop skips prepareToDestroy() when shutdown is confirmed right after a task run (quiet
        // period 0), so handles still registered are closed here too.
        closeRegisteredHandles(true);
        for (Registration r : new ArrayList<>(registrations)) {
            r.remove();
        }
        poller.closeAll();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.shutdownDrainTimeoutMillis());
        while ((poller.inFlight() > 0 || reads != null && reads.inFlight() > 0) && portFailure == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            int n = dequeue((int) Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            process(n);
        }
        int stillInFlight = poller.inFlight();
        int receivesInFlight = reads != null ? reads.inFlight() : 0;
        boolean freed = poller.release();
        if (reads != null && !reads.abandonInFlight()) {
            freed = false;
            logger.warn("AfdIoHandler destroyed with {} overlapped receive(s) still in flight after {} ms; their "
                    + "buffers are leaked", receivesInFlight, options.shutdownDrainTimeoutMillis());
        }
        driverClosed = true;
        driver.close();
        Mem.free(entries); // written only during GQCSEx calls, which are over
        entries = 0;
        destroyedCleanly = freed;
        if (!freed) {
            logger.warn("AfdIoHandler destroyed with {} poll(s) still in flight after {} ms; their records are "
                    + "leaked", stillInFlight, options.shutdownDrainTimeoutMillis());
        }
    }

    // ------------------------------------------------------------------ introspection (tests, diagnostics)

    /** Slots in use (live registrations plus deregistered ones whose packet has not arrived). Loop thread only. */
    int slotsInUse() {
        return poller.slotsInUse();
    }

    /** Polls in flight. Loop thread only. */
    int pollsInFlight() {
        return poller.inFlight();
    }

    /** Live registrations. Loop thread only. */
    int registrationCount() {
        return registrations.size();
    }

    /** Whether destroy() freed every record (no poll left in flight). Any thread. */
    boolean destroyedCleanly() {
        return destroyedCleanly;
    }

    AfdPoller poller() {
        return poller;
    }

    /** A handle that can read by overlapped receives: told at registration which completion reads it may use. */
    interface CompletionReadable {
        /** On the loop thread, in register(): this loop's completion reads, or null when it reads by polls. */
        void registeredWith(CompletionReads reads);
    }

    // ------------------------------------------------------------------ registration and dispatch

    private final class Registration implements IoRegistration {
        final AfdIoHandle handle;
        /** Loop thread only; null once the slot is closed or dropped. */
        AfdPoller.Slot slot;
        /** The latest submitted interest; applied on the loop thread. */
        volatile int requested;
        final AtomicBoolean cancelled = new AtomicBoolean();
        /** Dropped by the handler (socket closed); the owner's cancel() still counts. */
        volatile boolean dropped;

        Registration(AfdIoHandle handle) {
            this.handle = handle;
        }

        @SuppressWarnings("unchecked")
        @Override
        public <T> T attachment() {
            return (T) handle;
        }

        @Override
        public long submit(IoOps ops) {
            if (!(ops instanceof AfdIoOps)) {
                throw new IllegalArgumentException("AfdIoHandler accepts AfdIoOps only, not "
                        + (ops == null ? "null" : ops.getClass().getName()));
            }
            if (!isValid()) {
                return -1;
            }
            int mask = ((AfdIoOps) ops).mask();
            requested = mask;
            if (executor.isExecutorThread(Thread.currentThread())) {
                applyInterest();
            } else {
                try {
                    executor.execute(this::applyInterest);
                } catch (RejectedExecutionException e) {
                    return -1; // the loop is shutting down; destroy() cleans up
                }
            }
            return mask;
        }

        void applyInterest() {
            if (slot != null && isValid()) {
                poller.setInterest(slot, requested);
            }
        }

        @Override
        public boolean isValid() {
            return !cancelled.get() && !dropped;
        }

        @Override
        public boolean cancel() {
            if (!cancelled.compareAndSet(false, true)) {
                return false;
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                remove();
            } else {
                try {
                    executor.execute(this::remove);
                } catch (RejectedExecutionException e) {
                    // the loop is terminating: destroy() removes every registration
                }
            }
            return true;
        }

        /** Loop thread: deregister from the poller (which parks a slot with a poll in flight). */
        void remove() {
            if (slot != null) {
                poller.close(slot);
                slot = null;
            }
            if (registrations.remove(this)) {
                notifyUnregistered(this);
            }
        }

        @Override
        public String toString() {
            return "AfdRegistration(" + handle + ", slot=" + slot + ')';
        }
    }

    private void dispatch(Registration r, IoEvent e) {
        try {
            r.handle.handle(r, e);
        } catch (Throwable t) {
            logger.warn("{} threw from handle({})", r.handle, e, t);
        }
    }

    private static void notifyUnregistered(Registration r) {
        try {
            r.handle.unregistered();
        } catch (Throwable t) {
            logger.warn("{} threw from unregistered()", r.handle, t);
        }
    }

    private final class Sink implements AfdPoller.Sink {
        @Override
        public void ready(Object owner, int events, int ntStatus) {
            Registration r = (Registration) owner;
            if (r.isValid()) {
                int win32 = (events & AfdIoOps.CONNECT_FAIL) != 0 && ntStatus != 0 ? driver.toWin32Error(ntStatus) : 0;
                dispatch(r, event.set(events, ntStatus, win32, false));
            }
        }

        @Override
        public void failed(Object owner, int ntStatus, int win32Error) {
            Registration r = (Registration) owner;
            if (r.isValid()) {
                dispatch(r, event.set(0, ntStatus, win32Error, true));
            }
        }

        @Override
        public void closed(Object owner, int events, int ntStatus) {
            Registration r = (Registration) owner;
            r.slot = null; // already freed by the poller
            r.dropped = true;
            if (registrations.remove(r)) {
                if (!r.cancelled.get()) {
                    int win32 = ntStatus != 0 ? driver.toWin32Error(ntStatus) : 0;
                    dispatch(r, event.set(events, ntStatus, win32, false));
                }
                notifyUnregistered(r);
            }
        }
    }
}
