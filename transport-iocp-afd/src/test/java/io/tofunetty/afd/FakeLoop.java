package io.tofunetty.afd;

import io.netty.channel.IoEvent;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.tofunetty.afd.internal.poll.FakeKernel;
import io.tofunetty.afd.internal.poll.PollClaims;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/** An {@link AfdIoHandler} on a {@link FakeKernel} port, driven directly by the test thread (the "loop"). */
final class FakeLoop implements AutoCloseable {
    final FakeKernel kernel;
    final FakeKernel.Port port;
    final TestExecutor executor = new TestExecutor();
    final AfdIoHandler handler;
    private boolean destroyed;

    FakeLoop() {
        this(AfdIoHandlerOptions.defaults());
    }

    FakeLoop(AfdIoHandlerOptions options) {
        this(new FakeKernel(), options, new PollClaims());
    }

    FakeLoop(FakeKernel kernel, AfdIoHandlerOptions options, PollClaims claims) {
        this.kernel = kernel;
        this.port = kernel.newPort();
        this.handler = (AfdIoHandler) AfdIoHandler.newFactory(options, () -> port, claims).newHandler(executor);
    }

    /** Runs the loop once without blocking, then the queued tasks. */
    int runNow() {
        int n = handler.run(Ctx.nonBlocking());
        executor.runTasks();
        return n;
    }

    void destroy() {
        destroyed = true;
        handler.prepareToDestroy();
        executor.runTasks();
        handler.destroy();
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroy();
        }
        kernel.close();
    }

    /** The test thread is the loop thread; tasks from other threads queue up until {@link #runTasks()}. */
    static final class TestExecutor implements ThreadAwareExecutor {
        volatile Thread owner = Thread.currentThread();
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

        @Override
        public boolean isExecutorThread(Thread thread) {
            return thread == owner;
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        int runTasks() {
            int n = 0;
            Runnable r;
            while ((r = tasks.poll()) != null) {
                r.run();
                n++;
            }
            return n;
        }
    }

    /** A hand-set {@link IoHandlerContext}. */
    static final class Ctx implements IoHandlerContext {
        boolean canBlock;
        long deadlineNanos = -1;
        long delayNanos;
        boolean report;
        long reported = -1;

        static Ctx nonBlocking() {
            return new Ctx();
        }

        static Ctx blocking(long delayNanos) {
            Ctx c = new Ctx();
            c.canBlock = true;
            c.delayNanos = delayNanos;
            c.deadlineNanos = System.nanoTime() + delayNanos;
            return c;
        }

        static Ctx forever() {
            Ctx c = new Ctx();
            c.canBlock = true;
            return c;
        }

        @Override
        public boolean canBlock() {
            return canBlock;
        }

        @Override
        public long delayNanos(long currentTimeNanos) {
            return delayNanos;
        }

        @Override
        public long deadlineNanos() {
            return deadlineNanos;
        }

        @Override
        public void reportActiveIoTime(long activeNanos) {
            reported = activeNanos;
        }

        @Override
        public boolean shouldReportActiveIoTime() {
            return report;
        }
    }

    /** A handle over a fake socket that records what happens to it. */
    static final class TestHandle implements AfdIoHandle {
        final long socket;
        final List<String> events = new ArrayList<>();
        final List<Integer> eventMasks = new ArrayList<>();
        AfdIoEvent lastError;
        int registered;
        int unregistered;
        int closed;
        IoRegistration registration;
        Consumer<AfdIoEvent> onEvent = e -> { };

        TestHandle(long socket) {
            this.socket = socket;
        }

        @Override
        public long socket() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent ioEvent) {
            AfdIoEvent e = (AfdIoEvent) ioEvent;
            events.add(e.isError() ? "error:" + Integer.toHexString(e.ntStatus()) : AfdIoEvent.describe(e.events()));
            eventMasks.add(e.events());
            if (e.isError()) {
                lastError = new AfdIoEvent(e.events(), e.ntStatus(), e.win32Error(), true);
            }
            onEvent.accept(e);
        }

        @Override
        public void registered() {
            registered++;
        }

        @Override
        public void unregistered() {
            unregistered++;
        }

        @Override
        public void close() {
            closed++;
            if (registration != null) {
                registration.cancel(); // what a channel does on close
            }
        }

        @Override
        public String toString() {
            return "TestHandle(0x" + Long.toHexString(socket) + ')';
        }
    }
}
