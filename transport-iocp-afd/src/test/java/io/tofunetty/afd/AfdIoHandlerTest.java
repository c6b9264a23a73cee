package io.tofunetty.afd;

import io.netty.channel.IoHandle;
import io.netty.channel.IoRegistration;
import io.tofunetty.afd.FakeLoop.Ctx;
import io.tofunetty.afd.FakeLoop.TestHandle;
import io.tofunetty.afd.internal.poll.FakeKernel;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.poll.PollClaims;
import io.tofunetty.afd.internal.win32.Win32Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link AfdIoHandler} on the fake kernel: dispatch, registration lifecycle, timeouts, wake-ups, shutdown. */
class AfdIoHandlerTest {
    private FakeLoop loop = new FakeLoop();
    private FakeKernel k = loop.kernel;

    @AfterEach
    void tearDown() {
        List<String> violations = k.violations();
        loop.close();
        assertThat(violations).isEmpty();
    }

    private TestHandle register(long socket, int interest) throws Exception {
        TestHandle h = new TestHandle(socket);
        h.registration = loop.handler.register(h);
        if (interest >= 0) {
            h.registration.submit(AfdIoOps.valueOf(interest));
        }
        return h;
    }

    @Test
    void dispatchDeliversFilteredEventsAndSubmitReplacesTheInterest() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.READ);
        assertThat(h.registered).isEqualTo(1);
        assertThat((Object) h.registration.attachment()).isSameAs(h);
        loop.runNow();
        k.signal(s, AfdIoOps.RECEIVE | AfdIoOps.SEND);
        assertThat(loop.runNow()).isEqualTo(1);
        assertThat(h.events).containsExactly("RECEIVE"); // SEND was not asked for

        h.registration.submit(AfdIoOps.valueOf(AfdIoOps.SEND | AfdIoOps.ABORT)); // replaces READ
        k.clear(s, AfdIoOps.RECEIVE);
        loop.runNow(); // re-armed with WRITE: the socket is writable at once
        assertThat(h.events).containsExactly("RECEIVE", "SEND");
        loop.runNow(); // level-triggered: still writable, reported again
        assertThat(h.events).containsExactly("RECEIVE", "SEND", "SEND");
        assertThat(k.armsOf(s).get(k.armsOf(s).size() - 1).mask)
                .isEqualTo(AfdIoOps.SEND | AfdIoOps.ABORT | AfdIoOps.LOCAL_CLOSE);
    }

    @Test
    void s6_7_localClose_handleSeesLocalCloseThenUnregisteredAndItsCancelStillCounts() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.RECEIVE);
        loop.runNow();
        k.closeSocket(s);
        loop.runNow();
        assertThat(h.events).containsExactly("LOCAL_CLOSE");
        assertThat(h.unregistered).isEqualTo(1);
        assertThat(h.registration.isValid()).isFalse();
        assertThat(loop.handler.slotsInUse()).isZero();
        // the channel deregisters later: the event loop's registration count must still go down
        assertThat(h.registration.cancel()).isTrue();
        assertThat(h.registration.cancel()).isFalse();
        assertThat(h.unregistered).isEqualTo(1);
        assertThat(h.registration.submit(AfdIoOps.valueOf(AfdIoOps.READ))).isEqualTo(-1);
    }

    @Test
    void s6_8_armOnClosedHandle_channelTreatedAsClosed() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, -1);
        k.closeSocket(s);
        h.registration.submit(AfdIoOps.valueOf(AfdIoOps.READ));
        assertThat(loop.runNow()).isEqualTo(1);
        assertThat(h.events).containsExactly("LOCAL_CLOSE");
        assertThat(h.unregistered).isEqualTo(1);
    }

    @Test
    void failedPollBecomesAnErrorEventWhoseExceptionNamesTheStatusAndTheWin32Error() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.READ);
        loop.runNow();
        k.failPending(s, NtStatus.INSUFFICIENT_RESOURCES);
        loop.runNow();
        assertThat(h.events).containsExactly("error:c000009a");
        IOException e = h.lastError.toException();
        assertThat(e).hasMessageContaining("0xC000009A").hasMessageContaining("STATUS_INSUFFICIENT_RESOURCES")
                .hasMessageContaining("1450").hasMessageContaining("ERROR_NO_SYSTEM_RESOURCES");
        assertThat(h.lastError.isReadable()).isFalse();
    }

    @Test
    void s6_12_connectFailCarriesThePerHandleStatusAndItsWin32Error() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.SEND | AfdIoOps.CONNECT_FAIL);
        AfdIoEvent[] seen = new AfdIoEvent[1];
        h.onEvent = e -> seen[0] = new AfdIoEvent(e.events(), e.ntStatus(), e.win32Error(), e.isError());
        loop.runNow();
        k.setHandleStatus(s, NtStatus.CONNECTION_REFUSED);
        k.signal(s, AfdIoOps.CONNECT_FAIL);
        loop.runNow();
        assertThat(seen[0].isConnectFailed()).isTrue();
        assertThat(seen[0].isError()).isFalse();
        assertThat(seen[0].ntStatus()).isEqualTo(NtStatus.CONNECTION_REFUSED);
        assertThat(seen[0].win32Error()).isEqualTo(Win32Errors.ERROR_CONNECTION_REFUSED);
    }

    @Test
    void s6_6_completionAfterDeregistration_reachesNoHandleAndTheSlotIsFreedOnItsPacket() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.READ);
        loop.runNow();
        k.raceNextCancel(s, AfdIoOps.RECEIVE);
        assertThat(h.registration.cancel()).isTrue();
        assertThat(h.unregistered).isEqualTo(1);
        assertThat(loop.handler.slotsInUse()).isEqualTo(1); // parked until its packet
        loop.runNow();
        assertThat(h.events).isEmpty();
        assertThat(loop.handler.slotsInUse()).isZero();
    }

    @Test
    void s6_20_lspFallback_whenSioBaseHandleFailsOnceTheBspHandleIsPolled() throws Exception {
        long base = k.newSocket();
        long wrapped = k.newSocket();
        k.layeredProvider(wrapped, 1, base);
        TestHandle h = register(wrapped, AfdIoOps.READ);
        loop.runNow();
        assertThat(k.armsOf(base)).hasSize(1);
        assertThat(k.armsOf(wrapped)).isEmpty();
        k.signal(base, AfdIoOps.RECEIVE);
        loop.runNow();
        assertThat(h.events).containsExactly("RECEIVE");
    }

    @Test
    void s6_20_lspHidingTheBaseHandleFailsRegistrationWithAnExplanation() {
        long wrapped = k.newSocket();
        k.layeredProvider(wrapped, 100, 0);
        k.socket(wrapped); // SIO_BSP_HANDLE_POLL answers with the socket itself: no further layer
        TestHandle h = new TestHandle(wrapped);
        assertThatThrownBy(() -> loop.handler.register(h)).isInstanceOf(IOException.class)
                .hasMessageContaining("SIO_BASE_HANDLE failed with WSAEFAULT (10014)")
                .hasMessageContaining("layered service provider")
                .hasMessageContaining("netsh winsock");
        assertThat(h.registered).isZero();
        assertThat(loop.handler.slotsInUse()).isZero();
    }

    @Test
    void s6_21_registeringANonSocketHandleFailsCleanly() {
        long notSocket = k.newSocket();
        k.closeSocket(notSocket); // the fake reports WSAENOTSOCK for it
        TestHandle h = new TestHandle(notSocket);
        assertThatThrownBy(() -> loop.handler.register(h)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a socket").hasMessageContaining("WSAENOTSOCK");
        assertThat(loop.handler.slotsInUse()).isZero();
    }

    @Test
    void registeringAnotherKindOfHandleIsRefusedAndIsCompatibleSaysWhy() {
        IoHandle other = new IoHandle() {
            @Override
            public void handle(IoRegistration registration, io.netty.channel.IoEvent ioEvent) {
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> loop.handler.register(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AfdIoHandle");
        assertThat(loop.handler.isCompatible(TestHandle.class)).isTrue();
        assertThat(loop.handler.isCompatible(other.getClass())).isFalse();
    }

    @Test
    void submitRefusesForeignOps() throws Exception {
        TestHandle h = register(k.newSocket(), -1);
        assertThatThrownBy(() -> h.registration.submit(new io.netty.channel.IoOps() { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("AfdIoOps");
    }

    @Test
    void s6_24_timeouts_zeroWhenTasksAreDueRoundedUpToMillisClampedBelowInfinite() throws Exception {
        loop.handler.run(Ctx.nonBlocking());
        loop.handler.run(Ctx.blocking(1_500_000)); // 1.5 ms -> 2
        loop.handler.run(Ctx.blocking(200_000)); // 0.2 ms -> 1, never 0
        loop.handler.run(Ctx.blocking(0)); // due now -> 0
        Ctx huge = Ctx.blocking(Long.MAX_VALUE / 2);
        loop.port.wake(); // so that the clamped wait returns at once
        loop.handler.run(huge);
        loop.port.wake();
        loop.handler.run(Ctx.forever()); // no deadline -> INFINITE
        assertThat(loop.port.timeouts()).containsExactly(0, 2, 1, 0, 0xFFFFFFFE, 0xFFFFFFFF);
    }

    @Test
    void s6_23_pendingArmRetriesCapTheWaitAtTheRetryInterval() throws Exception {
        loop.close();
        loop = new FakeLoop(AfdIoHandlerOptions.defaults().withArmRetryIntervalMillis(7).withMaxArmAttempts(3));
        k = loop.kernel;
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.READ);
        k.failArms(s, NtStatus.INSUFFICIENT_RESOURCES, 3);
        loop.handler.run(Ctx.blocking(TimeUnit.SECONDS.toNanos(1)));
        loop.handler.run(Ctx.blocking(TimeUnit.SECONDS.toNanos(1)));
        assertThat(loop.port.timeouts()).containsExactly(7, 7);
        assertThat(loop.handler.run(Ctx.blocking(TimeUnit.SECONDS.toNanos(1)))).isEqualTo(1);
        assertThat(h.events).containsExactly("error:c000009a");
        assertThat(loop.port.timeouts()).containsExactly(7, 7, 0); // an event was dispatched: don't block
    }

    @Test
    void s6_25_emptyWakeUps_aPureCancelIterationReturnsNoEventsAndTheNextWaitKeepsItsDeadline()
            throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.RECEIVE);
        loop.runNow();
        h.registration.submit(AfdIoOps.valueOf(AfdIoOps.RECEIVE | AfdIoOps.SEND)); // adds bits: cancel
        assertThat(loop.handler.run(Ctx.blocking(TimeUnit.MILLISECONDS.toNanos(20)))).isZero();
        assertThat(h.events).isEmpty();
        assertThat(loop.handler.run(Ctx.blocking(TimeUnit.MILLISECONDS.toNanos(20)))).isZero();
        assertThat(loop.port.timeouts()).containsExactly(0, 20, 20);
        loop.port.wake();
        assertThat(loop.handler.run(Ctx.forever())).isZero(); // a wake-up packet alone: no events
    }

    @Test
    void wakeUpsFromOtherThreadsAreCoalescedAndSkippedOnTheLoopThread() throws Exception {
        loop.handler.wakeup(); // on the loop thread: nothing to post
        assertThat(loop.port.wakes()).isZero();

        Thread loopThread = new Thread(() -> loop.handler.run(Ctx.forever()));
        loop.executor.owner = loopThread;
        loopThread.start();
        while (loop.port.timeouts().isEmpty()) {
            Thread.sleep(1); // until the loop thread is inside the wait
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> wakers = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 100; i++) {
                    loop.handler.wakeup();
                }
            });
            w.start();
            wakers.add(w);
        }
        go.countDown();
        for (Thread w : wakers) {
            w.join();
        }
        loopThread.join(10_000);
        assertThat(loopThread.isAlive()).isFalse();
        assertThat(loop.port.wakes()).isEqualTo(1);
        loop.executor.owner = Thread.currentThread();
    }

    @Test
    void s6_28_interestChangesFromAForeignThreadOnlyEnqueueTasks() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, -1);
        Thread foreign = new Thread(() -> {
            h.registration.submit(AfdIoOps.valueOf(AfdIoOps.READ));
            h.registration.submit(AfdIoOps.valueOf(AfdIoOps.READ | AfdIoOps.SEND));
        });
        foreign.start();
        foreign.join();
        assertThat(loop.executor.tasks).hasSize(2);
        assertThat(k.armsOf(s)).isEmpty();
        loop.runNow(); // runs the tasks (latest interest wins)
        loop.runNow();
        assertThat(k.armsOf(s)).hasSize(1);
        assertThat(k.armsOf(s).get(0).mask).isEqualTo(AfdIoOps.READ | AfdIoOps.SEND | AfdIoOps.LOCAL_CLOSE);

        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        Thread canceller = new Thread(() -> cancelled.set(h.registration.cancel()));
        canceller.start();
        canceller.join();
        assertThat(cancelled).isTrue();
        assertThat(h.unregistered).isZero();
        assertThat(k.callerThreads()).containsExactly(Thread.currentThread());
        loop.executor.runTasks();
        assertThat(h.unregistered).isEqualTo(1);
    }

    @Test
    void fullBatchesAreDrainedInOneIterationWhileTheEntryArrayGrows() throws Exception {
        loop.close();
        loop = new FakeLoop(AfdIoHandlerOptions.defaults().withCompletionBatchSize(4));
        k = loop.kernel;
        List<TestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long s = k.newSocket();
            k.signal(s, AfdIoOps.SEND);
            handles.add(register(s, AfdIoOps.SEND | AfdIoOps.ABORT));
        }
        assertThat(loop.runNow()).isEqualTo(20); // 4 + 8 + 8: ready-at-arm packets all dispatched
        assertThat(handles).allSatisfy(h -> assertThat(h.events).containsExactly("SEND"));
    }

    @Test
    void reportsActiveIoTimeWhenAsked() {
        Ctx ctx = Ctx.nonBlocking();
        loop.handler.run(ctx);
        assertThat(ctx.reported).isEqualTo(-1);
        ctx.report = true;
        loop.handler.run(ctx);
        assertThat(ctx.reported).isGreaterThanOrEqualTo(0);
    }

    @Test
    void registerModifyDeregisterCyclesEndWithTheSlotCountBackAtItsStart() throws Exception {
        int start = loop.handler.slotsInUse();
        long[] sockets = new long[100];
        for (int i = 0; i < sockets.length; i++) {
            sockets[i] = k.newSocket();
        }
        int[] masks = {AfdIoOps.READ, AfdIoOps.READ | AfdIoOps.SEND, AfdIoOps.SEND | AfdIoOps.ABORT, 0};
        TestHandle[] live = new TestHandle[sockets.length];
        for (int cycle = 0; cycle < 10_000; cycle++) {
            int i = cycle % sockets.length;
            if (live[i] == null) {
                live[i] = register(sockets[i], AfdIoOps.READ);
            } else if (cycle % 3 == 0) {
                live[i].registration.cancel();
                live[i] = null;
            } else {
                live[i].registration.submit(AfdIoOps.valueOf(masks[cycle % masks.length]));
            }
            if (cycle % 7 == 0) {
                k.signal(sockets[(cycle / 7) % sockets.length], AfdIoOps.SEND);
            }
            if (cycle % 10 == 0) {
                loop.runNow();
            }
        }
        for (TestHandle h : live) {
            if (h != null) {
                h.registration.cancel();
            }
        }
        loop.runNow();
        loop.runNow();
        assertThat(loop.handler.slotsInUse()).isEqualTo(start);
        assertThat(loop.handler.registrationCount()).isZero();
        assertThat(loop.handler.pollsInFlight()).isZero();
    }

    @Test
    void s6_26_shutdownWithAThousandPollsPending_closesHandlesDrainsAndFreesEverything() throws Exception {
        List<TestHandle> handles = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            handles.add(register(k.newSocket(), AfdIoOps.READ));
        }
        loop.runNow();
        assertThat(k.pollsInFlight()).isEqualTo(1000);
        loop.destroy();
        assertThat(handles).allSatisfy(h -> {
            assertThat(h.closed).isEqualTo(1);
            assertThat(h.unregistered).isEqualTo(1);
        });
        assertThat(k.pollsInFlight()).isZero();
        assertThat(k.liveChunks()).isZero(); // freed, after every packet arrived (the fake checks)
        assertThat(loop.port.isClosed()).isTrue();
        assertThat(loop.port.openDevices()).isZero();
    }

    @Test
    void s6_26_shutdownWhosePacketsNeverArrive_leaksTheRecordsAfterTheBound() throws Exception {
        loop.close();
        loop = new FakeLoop(AfdIoHandlerOptions.defaults().withShutdownDrainTimeoutMillis(50));
        k = loop.kernel;
        register(k.newSocket(), AfdIoOps.READ);
        loop.runNow();
        k.swallowCancels(true);
        loop.destroy(); // would hang forever without the bound
        assertThat(k.liveChunks()).isEqualTo(1); // leaked, not freed under the kernel's feet
        assertThat(loop.port.isClosed()).isTrue();
    }

    /** Off Windows the transport is unavailable and says why; on a Windows JVM (Wine included) it is available. */
    @Test
    void s6_22_theTransportIsAvailableOnWindowsOnlyAndElsewhereSaysWhy() {
        if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).startsWith("windows")) {
            assertThat(Afd.isAvailable()).as("cause: %s", Afd.unavailabilityCause()).isTrue();
            assertThat(Afd.unavailabilityCause()).isNull();
            Afd.ensureAvailability();
            assertThat(AfdIoHandler.newFactory()).isNotNull();
            return;
        }
        assertThat(Afd.isAvailable()).isFalse();
        assertThat(Afd.unavailabilityCause()).hasMessageContaining("needs Windows");
        assertThatThrownBy(Afd::ensureAvailability).isInstanceOf(UnsatisfiedLinkError.class)
                .hasCauseInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(AfdIoHandler::newFactory).isInstanceOf(UnsatisfiedLinkError.class);
    }

    @Test
    void aFailingHandleDoesNotBreakTheLoop() throws Exception {
        long a = k.newSocket();
        long b = k.newSocket();
        TestHandle ha = register(a, AfdIoOps.READ);
        TestHandle hb = register(b, AfdIoOps.READ);
        ha.onEvent = e -> {
            throw new IllegalStateException("boom");
        };
        loop.runNow();
        k.signal(a, AfdIoOps.RECEIVE);
        k.signal(b, AfdIoOps.RECEIVE);
        AtomicInteger handled = new AtomicInteger(loop.runNow());
        assertThat(handled.get()).isEqualTo(2);
        assertThat(hb.events).containsExactly("RECEIVE");
        loop.runNow();
        assertThat(ha.events).containsExactly("RECEIVE", "RECEIVE"); // level-triggered, still registered
    }

    @Test
    void theCompletionStatusIsReadFromTheRecordsIoStatusBlockNotFromTheEntrysReservedField() throws Exception {
        long s = k.newSocket();
        TestHandle h = register(s, AfdIoOps.READ);
        loop.runNow();
        loop.port.scribbleOnEntryInternal(NtStatus.INSUFFICIENT_RESOURCES);
        k.signal(s, AfdIoOps.RECEIVE);
        loop.runNow();
        assertThat(h.events).containsExactly("RECEIVE"); // not an error event made from the reserved field
    }

    @Test
    void aDrainThatTimesOutReleasesItsPollClaimsSoASocketReusingTheHandleValueCanArm() throws Exception {
        loop.close();
        PollClaims claims = new PollClaims();
        AfdIoHandlerOptions options = AfdIoHandlerOptions.defaults().withShutdownDrainTimeoutMillis(50);
        loop = new FakeLoop(k, options, claims);
        long s = k.newSocket();
        register(s, AfdIoOps.READ);
        loop.runNow();
        k.swallowCancels(true);
        loop.destroy(); // the cancelled poll's packet never comes: the drain gives up
        assertThat(claims.isClaimed(s)).as("claim of the abandoned slot").isFalse();

        k.swallowCancels(false);
        k.closeSocket(s);
        k.newSocket(s); // Windows reuses handle values at once
        loop = new FakeLoop(k, AfdIoHandlerOptions.defaults(), claims);
        TestHandle again = register(s, AfdIoOps.READ);
        loop.runNow();
        assertThat(k.armsOf(s)).as("arms of the handle value, first and second socket").hasSize(2);
        k.signal(s, AfdIoOps.RECEIVE);
        loop.runNow();
        assertThat(again.events).containsExactly("RECEIVE");
    }

    @Test
    void aWakeUpWhosePacketCannotBePostedIsRetriedUntilTheSleepingLoopWakes() throws Exception {
        AtomicInteger returned = new AtomicInteger(-1);
        Thread loopThread = new Thread(() -> returned.set(loop.handler.run(Ctx.forever())), "fake-loop");
        loop.executor.owner = loopThread;
        loop.port.failNextWakes(5); // more than the immediate attempts: the retry runs off this thread
        loopThread.start();
        // The fake's wait without deadline ends after 30 s on its own: a lost wake-up fails the join below.
        while (loopThread.getState() != Thread.State.TIMED_WAITING && loopThread.isAlive()) {
            Thread.onSpinWait();
        }
        loop.handler.wakeup();
        loopThread.join(20_000);
        assertThat(loopThread.isAlive()).as("loop still asleep: the wake-up was lost").isFalse();
        assertThat(loop.port.wakes()).as("wake-up packets posted").isEqualTo(1);
        loop.executor.owner = Thread.currentThread();
    }

    @Test
    void aFailingCompletionPortClosesTheLoopsChannelsOnceRefusesRegistrationsAndStopsCallingIt() throws Exception {
        TestHandle a = register(k.newSocket(), AfdIoOps.READ);
        TestHandle b = register(k.newSocket(), AfdIoOps.READ);
        loop.runNow();
        int dequeuesBefore = loop.port.timeouts().size();
        loop.port.failDequeues();
        for (int i = 0; i < 100; i++) {
            loop.runNow();
        }
        assertThat(loop.port.timeouts().size() - dequeuesBefore).as("dequeue calls after the failure").isEqualTo(1);
        assertThat(a.closed).isEqualTo(1);
        assertThat(b.closed).isEqualTo(1);
        assertThat(loop.handler.registrationCount()).isZero();
        assertThatThrownBy(() -> register(k.newSocket(), AfdIoOps.READ)).isInstanceOf(IOException.class)
                .hasMessageContaining("completion port").hasMessageContaining("GetQueuedCompletionStatusEx");
    }
}
