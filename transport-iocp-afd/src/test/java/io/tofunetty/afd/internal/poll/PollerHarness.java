package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.win32.Mem;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** An {@link AfdPoller} on a {@link FakeKernel} port, driven by hand: flush, then dequeue and complete. */
final class PollerHarness implements AutoCloseable {
    static final int ENTRIES = 64;

    final FakeKernel kernel;
    final FakeKernel.Port port;
    final PollClaims claims;
    final AfdPoller poller;
    final Recorder sink = new Recorder();
    private final long entries = Mem.allocate((long) ENTRIES * 32);
    int wakeOnReleaseCalls;
    private boolean released;

    private boolean ownsKernel;

    PollerHarness() {
        this(new FakeKernel(), new PollClaims(), 4, 8, 3);
        ownsKernel = true;
    }

    PollerHarness(FakeKernel kernel, PollClaims claims, int groupSize, int recordsPerChunk, int maxArmAttempts) {
        this.kernel = kernel;
        this.port = kernel.newPort();
        this.claims = claims;
        this.poller = new AfdPoller(port, claims, () -> wakeOnReleaseCalls++, groupSize, recordsPerChunk,
                maxArmAttempts);
    }

    /** One sink callback. */
    static final class Call {
        final String kind;
        final Object owner;
        final int events;
        final int status;
        final int win32;

        Call(String kind, Object owner, int events, int status, int win32) {
            this.kind = kind;
            this.owner = owner;
            this.events = events;
            this.status = status;
            this.win32 = win32;
        }

        @Override
        public String toString() {
            return kind + "(" + owner + ", events=0x" + Integer.toHexString(events) + ", status=0x"
                    + Integer.toHexString(status) + ", win32=" + win32 + ')';
        }
    }

    /** Records every callback; an optional hook runs inside it (re-entrancy). */
    static final class Recorder implements AfdPoller.Sink {
        final List<Call> calls = new ArrayList<>();
        Consumer<Call> hook = c -> { };

        @Override
        public void ready(Object owner, int events, int ntStatus) {
            add(new Call("ready", owner, events, ntStatus, 0));
        }

        @Override
        public void failed(Object owner, int ntStatus, int win32Error) {
            add(new Call("failed", owner, 0, ntStatus, win32Error));
        }

        @Override
        public void closed(Object owner, int events, int ntStatus) {
            add(new Call("closed", owner, events, ntStatus, 0));
        }

        private void add(Call c) {
            calls.add(c);
            hook.accept(c);
        }

        List<Call> take() {
            List<Call> out = new ArrayList<>(calls);
            calls.clear();
            return out;
        }
    }

    AfdPoller.Slot open(long socket, Object owner) throws Exception {
        return poller.open(socket, socket, owner);
    }

    int flush() {
        return poller.flush(sink);
    }

    /** Dequeues what the fake port holds (without blocking) and feeds it to the poller. */
    int drain() throws Exception {
        int total = 0;
        int n;
        while ((n = port.dequeue(entries, ENTRIES, 0)) > 0) {
            for (int i = 0; i < n; i++) {
                long e = entries + (long) i * 32;
                if (Mem.getLong(e) == AfdDriver.KEY_AFD) {
                    total += poller.complete(Mem.getLong(e + 8), sink);
                }
            }
        }
        return total;
    }

    /** One loop iteration: flush, then drain. */
    int cycle() throws Exception {
        return flush() + drain();
    }

    boolean release() {
        released = true;
        return poller.release();
    }

    @Override
    public void close() {
        if (!released) {
            poller.closeAll();
            try {
                drain();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            poller.release();
        }
        Mem.free(entries);
        if (ownsKernel) {
            kernel.close();
        }
    }
}
