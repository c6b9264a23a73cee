package io.tofunetty.afd.channel;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import io.tofunetty.afd.internal.poll.AfdCounters;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the AFD transport holds open, process-wide, at one moment: sockets, completion ports and AFD device handles,
 * poll slots, polls in flight, receive records and overlapped receives in flight (completion reads), and the process's handle count (which the JVM also moves on its own).
 */
record TransportResources(int sockets, int nativeHandles, int pollSlots, long pollsInFlight, int receiveRecords,
                          long receivesInFlight, long processHandles) {
    /** The JVM opens and closes handles of its own (threads, events); one leaked socket per connection is far more. */
    private static final long PROCESS_HANDLE_SLACK = 100;

    static TransportResources now() {
        return new TransportResources(AfdCounters.openSockets(), AfdCounters.openNativeHandles(),
                AfdCounters.pollSlotsInUse(), AfdCounters.pollsInFlight(), AfdCounters.receiveRecords(),
                AfdCounters.receivesInFlight(), processHandleCount());
    }

    /**
     * Waits up to 10 s for the transport's counts to return to {@code before}: a closed channel's slot is freed
     * only when its cancelled poll's packet arrives, a little after the close. Then asserts them, and the process
     * handle count within a small slack.
     */
    static void assertReturnedTo(TransportResources before) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TransportResources now = now();
        while (!now.transportCountsEqual(before) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            now = now();
        }
        assertThat(now.sockets).as("open sockets").isEqualTo(before.sockets);
        assertThat(now.nativeHandles).as("completion ports and AFD device handles").isEqualTo(before.nativeHandles);
        assertThat(now.pollSlots).as("poll slots in use").isEqualTo(before.pollSlots);
        assertThat(now.pollsInFlight).as("polls in flight").isEqualTo(before.pollsInFlight);
        assertThat(now.receiveRecords).as("receive records (completion reads)").isEqualTo(before.receiveRecords);
        assertThat(now.receivesInFlight).as("overlapped receives in flight").isEqualTo(before.receivesInFlight);
        assertThat(now.processHandles - before.processHandles).as("process handles opened since").isLessThan(
                PROCESS_HANDLE_SLACK);
    }

    private boolean transportCountsEqual(TransportResources o) {
        return sockets == o.sockets && nativeHandles == o.nativeHandles && pollSlots == o.pollSlots
                && pollsInFlight == o.pollsInFlight && receiveRecords == o.receiveRecords
                && receivesInFlight == o.receivesInFlight;
    }

    static long processHandleCount() {
        Function getCurrentProcess = Function.getFunction("kernel32", "GetCurrentProcess");
        Function getProcessHandleCount = Function.getFunction("kernel32", "GetProcessHandleCount");
        Memory count = new Memory(4);
        Object process = getCurrentProcess.invokePointer(new Object[0]);
        assertThat(getProcessHandleCount.invokeInt(new Object[] {process, count})).isNotZero();
        return count.getInt(0) & 0xFFFFFFFFL;
    }
}
