package io.tofunetty.afd.internal.socket;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HandleGuard}: a close never overlaps a call in flight on the same handle value. */
class HandleGuardTest {
    @Test
    void theCloserWaitsForTheCallInFlightAndLaterCallsAreRefused() throws Exception {
        HandleGuard guard = new HandleGuard();
        assertThat(guard.enter()).isTrue(); // an option call from a user thread, in flight
        AtomicBoolean closedHandle = new AtomicBoolean();
        CountDownLatch closerStarted = new CountDownLatch(1);
        Thread closer = new Thread(() -> {
            closerStarted.countDown();
            guard.closeAndAwait();
            closedHandle.set(true); // closesocket would run here
        }, "closer");
        closer.start();
        closerStarted.await();
        while (!guard.isClosed() || closer.getState() != Thread.State.WAITING) {
            Thread.onSpinWait(); // until the closer has refused new calls and parked
        }
        assertThat(closedHandle).as("closed under a call in flight").isFalse();
        assertThat(guard.enter()).as("a call after the close began").isFalse();
        assertThat(guard.inFlight()).isEqualTo(1);
        guard.exit();
        closer.join();
        assertThat(closedHandle).isTrue();
        assertThat(guard.inFlight()).isZero();
    }

    @Test
    void aCloseWithNothingInFlightDoesNotWait() {
        HandleGuard guard = new HandleGuard();
        assertThat(guard.enter()).isTrue();
        guard.exit();
        guard.closeAndAwait();
        assertThat(guard.enter()).isFalse();
        assertThat(guard.inFlight()).isZero();
    }

    @Test
    void manyThreadsRacingACloseNeverOverlapIt() throws Exception {
        for (int round = 0; round < 50; round++) {
            HandleGuard guard = new HandleGuard();
            AtomicBoolean handleClosed = new AtomicBoolean();
            AtomicBoolean overlap = new AtomicBoolean();
            Thread[] callers = new Thread[4];
            for (int i = 0; i < callers.length; i++) {
                callers[i] = new Thread(() -> {
                    for (int n = 0; n < 1000; n++) {
                        if (guard.enter()) {
                            if (handleClosed.get()) {
                                overlap.set(true);
                            }
                            guard.exit();
                        }
                    }
                });
                callers[i].start();
            }
            guard.closeAndAwait();
            handleClosed.set(true);
            for (Thread t : callers) {
                t.join();
            }
            assertThat(overlap).as("a call ran on a closed handle").isFalse();
        }
    }
}
