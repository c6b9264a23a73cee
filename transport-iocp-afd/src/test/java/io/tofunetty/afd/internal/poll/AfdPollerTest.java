package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.poll.PollerHarness.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tofunetty.afd.internal.poll.FakeKernel.ABORT;
import static io.tofunetty.afd.internal.poll.FakeKernel.ACCEPT;
import static io.tofunetty.afd.internal.poll.FakeKernel.CONNECT_FAIL;
import static io.tofunetty.afd.internal.poll.FakeKernel.DISCONNECT;
import static io.tofunetty.afd.internal.poll.FakeKernel.LOCAL_CLOSE;
import static io.tofunetty.afd.internal.poll.FakeKernel.RECEIVE;
import static io.tofunetty.afd.internal.poll.FakeKernel.SEND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The poller's state machine against the scripted fake kernel, one test per failure mode that concerns the poller
 * (a test named {@code s6_N_...} pins failure mode N of the table in docs/afd-transport-internals.md). The fake itself fails any test that puts two polls on one
 * record or socket, arms a malformed record, or frees/writes record memory while the kernel owns it.
 */
class AfdPollerTest {
    private static final int READ = RECEIVE | DISCONNECT | ABORT;
    private static final int WRITE = SEND | ABORT;

    private final PollerHarness h = new PollerHarness();
    private final FakeKernel k = h.kernel;

    @AfterEach
    void noKernelViolations() {
        List<String> violations = k.violations();
        h.close();
        assertThat(violations).isEmpty();
        assertThat(k.violations()).isEmpty();
    }

    private static List<String> kinds(List<Call> calls) {
        List<String> out = new ArrayList<>();
        for (Call c : calls) {
            out.add(c.kind + ":" + c.owner + ":0x" + Integer.toHexString(c.events));
        }
        return out;
    }

    @Test
    void s6_1_readyAtArm_successStillQueuesExactlyOnePacketAndSlotStaysPendingUntilIt() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        k.signal(s, SEND);
        h.poller.setInterest(slot, WRITE);

        h.flush();
        assertThat(h.port.queuedPackets()).isEqualTo(1);
        assertThat(slot.status()).isEqualTo(AfdPoller.PENDING);
        assertThat(h.poller.inFlight()).isEqualTo(1);

        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x4");
        assertThat(slot.status()).isEqualTo(AfdPoller.IDLE);
        assertThat(h.port.queuedPackets()).isZero();
    }

    @Test
    void s6_2_levelReReport_unreadDataCompletesTheReArmAtOnce() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        h.cycle();
        assertThat(h.sink.take()).isEmpty();

        k.signal(s, RECEIVE);
        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x1");

        // "read half the data": still readable, the re-arm reports it again
        h.cycle();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x1");

        k.clear(s, RECEIVE);
        h.cycle();
        h.cycle();
        assertThat(h.sink.take()).isEmpty();
        assertThat(slot.status()).isEqualTo(AfdPoller.PENDING);
        assertThat(k.armsOf(s)).hasSize(3);
    }

    @Test
    void s6_3_twoPollsOnOneSocket_addingWriteWhilePendingCancelsThenArmsOneCombinedPoll() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        h.flush();

        h.poller.setInterest(slot, READ | SEND);
        h.flush();
        assertThat(slot.status()).isEqualTo(AfdPoller.CANCELLED);
        assertThat(k.cancelCalls()).isEqualTo(1);
        h.flush(); // CANCELLED: never arm before the cancel packet
        assertThat(k.armsOf(s)).hasSize(1);

        h.drain();
        assertThat(h.sink.take()).isEmpty(); // the cancel packet carries no events
        h.flush();
        assertThat(k.armsOf(s)).hasSize(2);
        assertThat(k.armsOf(s).get(1).mask).isEqualTo(READ | SEND | LOCAL_CLOSE);

        // under load: flip OP_WRITE while events keep arriving; the fake fails on any second poll on the socket
        for (int i = 0; i < 1000; i++) {
            h.poller.setInterest(slot, (i & 1) == 0 ? READ : READ | SEND);
            if (i % 3 == 0) {
                k.signal(s, SEND);
            }
            if (i % 7 == 0) {
                k.signal(s, RECEIVE);
            }
            h.flush();
            assertThat(k.pollsInFlight(s)).isLessThanOrEqualTo(1);
            if (i % 2 == 0) {
                h.drain();
            }
            k.clear(s, SEND | RECEIVE);
        }
        h.sink.take();
    }

    @Test
    void s6_4_cancelRacingCompletion_notFoundThenEventsAreFilteredByTheCurrentInterest() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, RECEIVE);
        h.flush();

        // the channel switches from reading to writing; the cancel loses the race against RECEIVE|SEND
        h.poller.setInterest(slot, SEND);
        k.raceNextCancel(s, RECEIVE | SEND);
        h.flush();
        assertThat(slot.status()).isEqualTo(AfdPoller.CANCELLED);

        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x4"); // RECEIVE filtered out
        h.flush();
        assertThat(k.armsOf(s).get(k.armsOf(s).size() - 1).mask).isEqualTo(SEND | LOCAL_CLOSE);
    }

    @Test
    void s6_4_cancelRacingCompletion_deletePendingWinsOverRealEvents() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        h.flush();

        k.raceNextCancel(s, RECEIVE);
        h.poller.close(slot);
        assertThat(slot.isDeletePending()).isTrue();
        assertThat(h.poller.slotsInUse()).isEqualTo(1);

        h.drain();
        assertThat(h.sink.take()).isEmpty();
        assertThat(slot.isLive()).isFalse();
        assertThat(h.poller.slotsInUse()).isZero();
        assertThat(h.claims.isClaimed(s)).isFalse();
    }

    @Test
    void s6_5_interestRemovedWhilePending_oldPollCompletesButNoWriteEventAndReArmWithNewMask() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ | SEND);
        h.flush();

        h.poller.setInterest(slot, READ); // dropping bits costs no cancel
        h.flush();
        assertThat(k.cancelCalls()).isZero();
        assertThat(slot.status()).isEqualTo(AfdPoller.PENDING);

        k.signal(s, SEND);
        h.drain();
        assertThat(h.sink.take()).isEmpty();
        h.flush();
        assertThat(k.armsOf(s).get(1).mask).isEqualTo(READ | LOCAL_CLOSE);
        assertThat(k.pollsInFlight(s)).isEqualTo(1); // SEND no longer asked: stays pending
    }

    @Test
    void s6_6_completionAfterDeregistration_slotParkedUntilItsPacketThenFreed() throws Exception {
        long a = k.newSocket();
        AfdPoller.Slot slotA = h.open(a, "A");
        h.poller.setInterest(slotA, READ);
        h.flush();
        h.poller.close(slotA);

        long b = k.newSocket();
        AfdPoller.Slot slotB = h.open(b, "B");
        assertThat(slotB.id()).isNotEqualTo(slotA.id()); // A's record still belongs to the kernel
        h.poller.setInterest(slotB, READ);
        h.flush();

        h.drain();
        assertThat(h.sink.take()).isEmpty();
        assertThat(slotA.isLive()).isFalse();
        assertThat(h.poller.slotsInUse()).isEqualTo(1);
    }

    @Test
    void s6_6_closeTenThousandSocketsWithPollsInFlight_noRecordReusedOrFreedEarly() throws Exception {
        int n = 10_000;
        long[] sockets = new long[n];
        AfdPoller.Slot[] slots = new AfdPoller.Slot[n];
        for (int i = 0; i < n; i++) {
            sockets[i] = k.newSocket();
            slots[i] = h.open(sockets[i], i);
            h.poller.setInterest(slots[i], READ);
        }
        h.flush();
        assertThat(k.pollsInFlight()).isEqualTo(n);
        for (int i = 0; i < n; i++) {
            if (i % 3 == 0) {
                k.raceNextCancel(sockets[i], RECEIVE); // some lose the race and complete with events
            }
            h.poller.close(slots[i]);
            if (i % 2 == 0) {
                k.closeSocket(sockets[i]);
            }
            // immediately register a new socket: it must not get a slot whose record the kernel still owns
            long fresh = k.newSocket();
            AfdPoller.Slot f = h.open(fresh, "fresh");
            h.poller.setInterest(f, READ);
            h.flush();
            h.poller.close(f);
        }
        h.drain();
        assertThat(h.sink.take()).isEmpty();
        assertThat(h.poller.inFlight()).isZero();
        assertThat(h.poller.slotsInUse()).isZero();
        assertThat(h.release()).isTrue(); // the fake poisons freed chunks and checks nothing is in flight
        assertThat(k.liveChunks()).isZero();
    }

    @Test
    void s6_7_unrequestedLocalClose_closeSocketUnderAReceiveOnlyPollDropsTheRegistrationOnce() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, RECEIVE);
        h.flush();
        assertThat(k.armsOf(s).get(0).mask).isEqualTo(RECEIVE | LOCAL_CLOSE);

        k.closeSocket(s);
        h.drain();
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("closed:A:0x20");
        assertThat(slot.isLive()).isFalse();
        assertThat(h.poller.slotsInUse()).isZero();

        h.poller.close(slot); // the owner's later deregistration is a no-op on the freed slot
        h.cycle();
        h.cycle();
        assertThat(h.sink.take()).isEmpty();
        assertThat(k.armsOf(s)).hasSize(1);
        assertThat(h.claims.size()).isZero();
    }

    @Test
    void s6_8_armOnAJustClosedHandle_objectTypeMismatchMeansClosed() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        k.closeSocket(s);
        h.poller.setInterest(slot, READ);

        assertThat(h.flush()).isEqualTo(1);
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("closed:A:0x20");
        assertThat(calls.get(0).status).isEqualTo(NtStatus.OBJECT_TYPE_MISMATCH);
        assertThat(slot.isLive()).isFalse();
        assertThat(h.poller.inFlight()).isZero();
        assertThat(h.claims.isClaimed(s)).isFalse();
    }

    @Test
    void s6_8_armOnANeverValidHandle_invalidHandleMeansClosed() throws Exception {
        AfdPoller.Slot slot = h.open(0xDEAD0L, "A");
        h.poller.setInterest(slot, READ);
        h.flush();
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("closed:A:0x20");
        assertThat(calls.get(0).status).isEqualTo(NtStatus.INVALID_HANDLE);
        assertThat(h.poller.slotsInUse()).isZero();
    }

    @Test
    void s6_9_socketValueReuse_lateLocalCloseOfTheOldSocketNeverReachesTheNewRegistration() throws Exception {
        long v = k.newSocket();
        AfdPoller.Slot a = h.open(v, "A");
        h.poller.setInterest(a, READ);
        h.flush();

        k.closeSocket(v); // closesocket without deregistering: LOCAL_CLOSE is queued, not yet dequeued
        long reused = k.newSocket(v); // the system hands the same value to a new socket
        AfdPoller.Slot b = h.open(reused, "B");
        h.poller.setInterest(b, READ);
        h.flush(); // B waits: A's poll on the same base socket is still in flight
        assertThat(k.armsOf(v)).hasSize(1);

        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("closed:A:0x20");
        assertThat(b.isLive()).isTrue();

        h.flush();
        assertThat(k.armsOf(v)).hasSize(2);
        k.signal(v, RECEIVE);
        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:B:0x1");
    }

    @Test
    void s6_9_socketValueChurn_valuesRepeatWithoutCrossTalkBetweenSlots() throws Exception {
        long[] values = {k.newSocket(), k.newSocket(), k.newSocket()};
        for (int round = 0; round < 300; round++) {
            long v = values[round % values.length];
            if (round >= values.length) {
                k.newSocket(v);
            }
            String owner = "r" + round;
            AfdPoller.Slot slot = h.open(v, owner);
            h.poller.setInterest(slot, READ);
            h.cycle();
            k.signal(v, RECEIVE);
            h.drain();
            List<Call> calls = h.sink.take();
            assertThat(kinds(calls)).containsExactly("ready:" + owner + ":0x1");
            k.clear(v, RECEIVE);
            h.flush();
            if (round % 2 == 0) {
                h.poller.close(slot); // deregister, then close
                k.closeSocket(v);
            } else {
                k.closeSocket(v); // close first: the late LOCAL_CLOSE belongs to this owner only
                h.drain();
                assertThat(kinds(h.sink.take())).containsExactly("closed:" + owner + ":0x20");
            }
        }
        h.drain();
        assertThat(h.sink.take()).isEmpty();
        assertThat(h.poller.slotsInUse()).isZero();
    }

    @Test
    void s6_10_reRegistrationWhileTheOldPollIsInFlight_newRegistrationArmsOnlyAfterTheOldFinalPacket()
            throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot old = h.open(s, "old");
        h.poller.setInterest(old, READ);
        h.flush();
        h.poller.close(old);

        AfdPoller.Slot fresh = h.open(s, "new");
        h.poller.setInterest(fresh, READ);
        h.flush();
        assertThat(k.armsOf(s)).hasSize(1);
        assertThat(fresh.status()).isEqualTo(AfdPoller.IDLE);

        h.drain(); // old's cancel packet: slot freed, claim released
        h.flush();
        assertThat(k.armsOf(s)).hasSize(2);
        assertThat(fresh.status()).isEqualTo(AfdPoller.PENDING);

        // tight loop: deregister / re-register with packets drained at varying points
        AfdPoller.Slot current = fresh;
        for (int i = 0; i < 1000; i++) {
            h.poller.close(current);
            current = h.open(s, "gen" + i);
            h.poller.setInterest(current, READ);
            h.flush();
            if (i % 3 != 0) {
                h.drain();
            }
            assertThat(k.pollsInFlight(s)).isLessThanOrEqualTo(1);
        }
        h.drain();
        h.flush();
        k.signal(s, RECEIVE);
        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:gen999:0x1");
    }

    @Test
    void s6_11_twoLoopsOneSocket_theClaimRefusesASecondConcurrentPollAndWakesTheWaiter() throws Exception {
        PollClaims claims = new PollClaims();
        try (PollerHarness loop1 = new PollerHarness(k, claims, 4, 8, 3);
             PollerHarness loop2 = new PollerHarness(k, claims, 4, 8, 3)) {
            long s = k.newSocket();
            AfdPoller.Slot one = loop1.open(s, "one");
            loop1.poller.setInterest(one, READ);
            loop1.flush();

            AfdPoller.Slot two = loop2.open(s, "two");
            loop2.poller.setInterest(two, WRITE);
            loop2.flush();
            assertThat(k.pollsInFlight(s)).isEqualTo(1);
            assertThat(two.status()).isEqualTo(AfdPoller.IDLE);
            assertThat(loop2.wakeOnReleaseCalls).isZero();

            // the channel moves: loop1 deregisters; loop2 is woken once loop1's final packet is drained
            loop1.poller.close(one);
            assertThat(loop2.wakeOnReleaseCalls).isZero();
            loop1.drain();
            assertThat(loop2.wakeOnReleaseCalls).isEqualTo(1);
            loop2.flush();
            assertThat(two.status()).isEqualTo(AfdPoller.PENDING);
            k.signal(s, SEND);
            loop2.drain();
            assertThat(kinds(loop2.sink.take())).containsExactly("ready:two:0x4");
            assertThat(loop1.sink.take()).isEmpty();
        }
    }

    @Test
    void s6_12_connectFail_reportsConnectFailWithThePerHandleStatus() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, SEND | CONNECT_FAIL);
        h.flush();
        k.setHandleStatus(s, NtStatus.CONNECTION_REFUSED);
        k.signal(s, CONNECT_FAIL);
        h.drain();
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("ready:A:0x100");
        assertThat(calls.get(0).status).isEqualTo(NtStatus.CONNECTION_REFUSED);
    }

    @Test
    void s6_14_stickyDisconnect_reReportedUntilTheChannelDropsItThenTheLoopGoesQuiet() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        h.flush();
        k.signal(s, DISCONNECT); // sticky in the fake as in AFD: stays set

        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x8");
        h.cycle();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x8");

        // the channel shuts its input down (half-closure): it stops asking for RECEIVE and DISCONNECT
        h.sink.hook = c -> h.poller.setInterest(slot, ABORT);
        h.cycle();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x8");
        h.sink.hook = c -> { };
        int armsBefore = k.armsOf(s).size();
        for (int i = 0; i < 5; i++) {
            assertThat(h.cycle()).isZero();
        }
        assertThat(h.sink.take()).isEmpty();
        assertThat(k.armsOf(s)).hasSize(armsBefore + 1); // one ABORT|LOCAL_CLOSE poll, then quiet
        assertThat(k.armsOf(s).get(armsBefore).mask).isEqualTo(ABORT | LOCAL_CLOSE);
    }

    @Test
    void s6_15_stickyAbort_channelClosesOnTheFirstReportAndNothingSpins() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ | SEND);
        k.signal(s, ABORT);
        h.sink.hook = c -> h.poller.close(slot); // treated as read- and write-closed
        h.cycle();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x10");
        for (int i = 0; i < 5; i++) {
            h.cycle();
        }
        assertThat(h.sink.take()).isEmpty();
        assertThat(k.armsOf(s)).hasSize(1);
        assertThat(h.poller.slotsInUse()).isZero();
    }

    @Test
    void s6_16_everyBitTheKernelCanReturnLeadsToAnActionOrAMaskChange() throws Exception {
        int interest = READ | SEND | ACCEPT | CONNECT_FAIL;
        for (int bit = 0; bit < 16; bit++) {
            int b = 1 << bit;
            long s = k.newSocket();
            AfdPoller.Slot slot = h.open(s, "b" + bit);
            h.poller.setInterest(slot, interest);
            h.flush();
            k.completeWith(s, b);
            h.drain();
            List<Call> calls = h.sink.take();
            if (b == LOCAL_CLOSE) {
                assertThat(kinds(calls)).as("bit 0x%x", b).containsExactly("closed:b" + bit + ":0x20");
                assertThat(slot.isLive()).isFalse();
                continue;
            }
            if ((b & interest) != 0) {
                assertThat(kinds(calls)).as("bit 0x%x", b)
                        .containsExactly("ready:b" + bit + ":0x" + Integer.toHexString(b));
            } else {
                // never requested (RECEIVE_EXPEDITED, CONNECT, QOS...): filtered, no empty dispatch, and the
                // re-arm asks only for the interest, so the kernel has no reason to report it again
                assertThat(calls).as("bit 0x%x", b).isEmpty();
            }
            h.flush();
            FakeKernel.ArmRecord rearm = k.armsOf(s).get(k.armsOf(s).size() - 1);
            assertThat(k.armsOf(s)).hasSize(2);
            assertThat(rearm.mask & b & ~interest).as("bit 0x%x re-armed", b).isZero();
            h.poller.close(slot);
            h.drain();
        }
    }

    @Test
    void s6_17_exclusiveIsZeroInEveryArmedRecord() throws Exception {
        List<AfdPoller.Slot> slots = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long s = k.newSocket();
            AfdPoller.Slot slot = h.open(s, i);
            h.poller.setInterest(slot, i % 2 == 0 ? READ : ACCEPT | ABORT);
            slots.add(slot);
            if (i % 5 == 0) {
                k.signal(s, RECEIVE | ACCEPT);
            }
        }
        for (int round = 0; round < 5; round++) {
            h.cycle();
        }
        assertThat(k.arms()).isNotEmpty().allSatisfy(a -> {
            assertThat(a.exclusive).isZero();
            assertThat(a.numberOfHandles).isEqualTo(1);
            assertThat(a.timeout).isEqualTo(Long.MAX_VALUE);
        });
        h.sink.take();
    }

    @Test
    void s6_18_oobData_receiveExpeditedIsNeverRequestedEvenWhenTheInterestAsksForIt() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        k.signal(s, 0x2); // urgent data pending
        h.cycle();
        h.cycle();
        assertThat(h.sink.take()).isEmpty();
        assertThat(k.armsOf(s)).hasSize(1).allSatisfy(a -> assertThat(a.mask & 0x2).isZero());
    }

    @Test
    void s6_23_armFailuresOtherThanClosed_slotStaysDirtyIsRetriedThenFailsWithTheWin32Code() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, ACCEPT | ABORT);
        k.failArms(s, NtStatus.INSUFFICIENT_RESOURCES, 3); // maxArmAttempts is 3 in the harness

        assertThat(h.flush()).isZero();
        assertThat(h.poller.hasPendingRetries()).isTrue();
        assertThat(h.flush()).isZero();
        assertThat(h.flush()).isEqualTo(1);
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("failed:A:0x0");
        assertThat(calls.get(0).status).isEqualTo(NtStatus.INSUFFICIENT_RESOURCES);
        assertThat(calls.get(0).win32).isEqualTo(Win32Errors.ERROR_NO_SYSTEM_RESOURCES);

        h.flush();
        h.flush();
        assertThat(k.armsOf(s)).hasSize(3); // failed: no more arms until the interest is set again
        assertThat(h.poller.hasPendingRetries()).isFalse();

        h.poller.setInterest(slot, ACCEPT | ABORT);
        h.flush();
        assertThat(slot.status()).isEqualTo(AfdPoller.PENDING);
    }

    @Test
    void s6_23_armFailuresThatRecoverBeforeTheLimit_noErrorReachesTheChannel() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        k.failArms(s, NtStatus.INSUFFICIENT_RESOURCES, 2);
        h.flush();
        h.flush();
        h.flush();
        assertThat(h.sink.take()).isEmpty();
        assertThat(slot.status()).isEqualTo(AfdPoller.PENDING);
        k.signal(s, RECEIVE);
        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x1");
    }

    @Test
    void failedPacketStatus_becomesAnErrorEventAndStopsAfterTheAttemptLimit() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        for (int i = 0; i < 3; i++) {
            h.flush();
            k.failPending(s, NtStatus.HANDLES_CLOSED);
            h.drain();
        }
        List<Call> calls = h.sink.take();
        assertThat(kinds(calls)).containsExactly("failed:A:0x0", "failed:A:0x0", "failed:A:0x0");
        assertThat(calls.get(0).status).isEqualTo(NtStatus.HANDLES_CLOSED);
        h.flush();
        assertThat(k.armsOf(s)).hasSize(3);
    }

    @Test
    void s6_27_staleRecordContents_armRewritesTheWholeRecordOfAReusedSlot() throws Exception {
        long a = k.newSocket();
        AfdPoller.Slot slot = h.open(a, "A");
        h.poller.setInterest(slot, READ);
        k.signal(a, RECEIVE);
        h.cycle();
        h.poller.close(slot);
        h.drain();
        h.sink.take();
        Mem.fill(slot.record(), AfdPoller.RECORD_SIZE, (byte) 0xAB); // garbage in the freed slot's record

        long b = k.newSocket();
        AfdPoller.Slot reused = h.open(b, "B");
        assertThat(reused.id()).isEqualTo(slot.id());
        h.poller.setInterest(reused, SEND | ABORT);
        h.flush(); // the fake rejects a record with any stale field
        FakeKernel.ArmRecord arm = k.armsOf(b).get(0);
        assertThat(arm.mask).isEqualTo(SEND | ABORT | LOCAL_CLOSE);
        assertThat(Mem.getInt(reused.record() + AfdPoller.OFF_HANDLE_STATUS)).isZero();
        assertThat(Mem.getInt(reused.record() + AfdPoller.OFF_SLOT_ID)).isEqualTo(reused.id());
        assertThat(Mem.getInt(reused.record() + AfdPoller.OFF_GENERATION)).isEqualTo(reused.generation());
        assertThat(reused.generation()).isGreaterThan(1);
    }

    @Test
    void noPollWhileInterestIsEmpty_andLocalCloseIsNeverArmedAlone() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, 0);
        h.cycle();
        h.poller.setInterest(slot, LOCAL_CLOSE); // LOCAL_CLOSE alone is still "no interest"
        h.cycle();
        assertThat(k.armsOf(s)).isEmpty();

        h.poller.setInterest(slot, READ);
        h.flush();
        assertThat(h.claims.isClaimed(s)).isTrue();
        h.poller.setInterest(slot, 0); // dropping to empty cancels
        h.flush();
        assertThat(k.cancelCalls()).isEqualTo(1);
        h.drain();
        h.flush();
        assertThat(k.armsOf(s)).hasSize(1);
        assertThat(k.pollsInFlight(s)).isZero();
        assertThat(h.claims.isClaimed(s)).isFalse();
    }

    @Test
    void cancelIsSkippedWhenTheIosbShowsThePollAlreadyCompleted() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, RECEIVE);
        h.flush();
        k.signal(s, RECEIVE); // completed: IOSB no longer PENDING, packet queued
        h.poller.setInterest(slot, RECEIVE | SEND);
        h.flush();
        assertThat(k.cancelCalls()).isZero();
        assertThat(slot.status()).isEqualTo(AfdPoller.CANCELLED);
        h.drain();
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x1");
        h.flush();
        assertThat(k.armsOf(s).get(1).mask).isEqualTo(RECEIVE | SEND | LOCAL_CLOSE);
    }

    @Test
    void deregisterWhileCancelled_parksUntilTheCancelPacket() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, RECEIVE);
        h.flush();
        h.poller.setInterest(slot, RECEIVE | SEND);
        h.flush();
        assertThat(slot.status()).isEqualTo(AfdPoller.CANCELLED);
        h.poller.close(slot);
        assertThat(slot.isDeletePending()).isTrue();
        assertThat(k.cancelCalls()).isEqualTo(1);
        h.drain();
        assertThat(slot.isLive()).isFalse();
        assertThat(h.sink.take()).isEmpty();
    }

    @Test
    void reentrantCallbacks_closingOrReopeningInsideDispatchKeepsTheMachineConsistent() throws Exception {
        long a = k.newSocket();
        long b = k.newSocket();
        AfdPoller.Slot slotA = h.open(a, "A");
        h.poller.setInterest(slotA, READ);
        AfdPoller.Slot[] reopened = new AfdPoller.Slot[1];
        h.sink.hook = c -> {
            h.poller.close(slotA);
            try {
                reopened[0] = h.open(b, "B"); // takes A's freed slot id inside the callback
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            h.poller.setInterest(reopened[0], READ);
        };
        k.signal(a, RECEIVE);
        h.cycle();
        h.sink.hook = c -> { };
        assertThat(kinds(h.sink.take())).containsExactly("ready:A:0x1");
        assertThat(reopened[0].id()).isEqualTo(slotA.id());
        h.flush();
        assertThat(k.armsOf(b)).hasSize(1);
        assertThat(k.armsOf(a)).hasSize(1);
    }

    @Test
    void devicesAreOpenedPerGroupOfSlotsAndAFailedOpenConsumesNoSlot() throws Exception {
        for (int i = 0; i < 10; i++) {
            h.open(k.newSocket(), i); // group size 4 in the harness
        }
        assertThat(h.port.openDevices()).isEqualTo(3);
        assertThat(h.poller.deviceCount()).isEqualTo(3);

        for (int i = 0; i < 2; i++) {
            h.open(k.newSocket(), "fill" + i);
        }
        h.port.failNextDeviceOpens(1);
        assertThatThrownBy(() -> h.open(k.newSocket(), "x")).hasMessageContaining("NtCreateFile");
        assertThat(h.poller.slotsInUse()).isEqualTo(12);
        h.open(k.newSocket(), "y");
        assertThat(h.poller.slotsInUse()).isEqualTo(13);
    }

    @Test
    void strayPacketForNoPollInFlight_isIgnored() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        assertThat(h.poller.complete(slot.record(), h.sink)).isZero();
        assertThat(h.poller.complete(0x1234, h.sink)).isZero();
        assertThat(h.poller.strayPackets()).isEqualTo(2);
        assertThat(h.sink.take()).isEmpty();
    }

    @Test
    void s6_26_releaseWithPollsInFlight_leaksTheChunksInsteadOfFreeingThem() throws Exception {
        long s = k.newSocket();
        AfdPoller.Slot slot = h.open(s, "A");
        h.poller.setInterest(slot, READ);
        h.flush();
        h.poller.closeAll();
        assertThat(h.release()).isFalse(); // the cancel packet was never dequeued
        assertThat(k.liveChunks()).isEqualTo(1); // not freed (the fake frees it at close, after the test)
    }
}
