package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Win32Errors;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * The AFD poll state machine of one event loop (wepoll's sock_state model with lazy level-triggered re-arm).
 *
 * <h2>Invariants</h2>
 * <ol>
 *   <li><b>Slots, not SOCKET values, identify registrations.</b> Each registration owns one {@link Slot} and its
 *       64-byte record in a pinned native chunk; the record address is the poll's apcContext, so a completion finds
 *       its slot without looking at the SOCKET (whose value the system may already have reused).</li>
 *   <li><b>At most one poll per slot</b>: a slot is armed only from IDLE. PENDING means a poll is in flight;
 *       CANCELLED means a cancel was requested and the packet has not arrived yet. A slot returns to IDLE only when
 *       its packet is dequeued, and is never armed while PENDING or CANCELLED.</li>
 *   <li><b>At most one poll per base socket in the process</b>: a slot arms only while it holds the base socket's
 *       {@link PollClaims claim}. It keeps the claim while live and interested and releases it when freed, when its
 *       interest drops to 0 (at the next flush or packet), or when it fails. A second registration of the same base
 *       socket waits (deferred in the update queue) and its loop is woken on release. {@link #release()} releases
 *       every claim still held (after closing the device handles, which ends their polls in the kernel), also those
 *       of slots whose packet never arrived before the shutdown drain gave up.</li>
 *   <li><b>The kernel owns a record while its poll is in flight.</b> Deregistering a PENDING/CANCELLED slot only
 *       sets deletePending (cancelling a PENDING poll); the slot is freed when its packet arrives. Native chunks are
 *       freed only when no poll is in flight ({@link #release()}), and leaked otherwise.</li>
 *   <li><b>Every arm rewrites the whole record</b> (IOSB Status = PENDING, Timeout = INT64_MAX, NumberOfHandles = 1,
 *       Exclusive = 0, Handles[0] = {base, interest | LOCAL_CLOSE, 0}, slot id and generation), so stale contents of
 *       a reused slot never reach the kernel.</li>
 *   <li><b>No poll while interest is empty.</b> LOCAL_CLOSE is added to every arm but never armed alone.</li>
 *   <li><b>Lazy level-triggered re-arm.</b> Interest changes and packets only queue the slot; {@link #flush} decides
 *       just before each wait, with the interest as it is then: IDLE+interest arms; PENDING with added bits or empty
 *       interest cancels; otherwise nothing. A slot with interest is re-queued after every packet.</li>
 *   <li><b>Dispatch filters by the current interest</b> (a cancel can race a completion: NOT_FOUND, then a packet
 *       with real events). deletePending wins over everything. LOCAL_CLOSE always passes and drops the slot.</li>
 *   <li><b>Failures.</b> An arm failing with ERROR_INVALID_HANDLE (after RtlNtStatusToDosError) means the socket is
 *       closed: the slot is freed and the owner told {@code closed}. Other arm failures and failed packet statuses
 *       (read from the record's IO_STATUS_BLOCK, never from the packet's reserved Internal field) count as
 *       failures; arms are retried from the queue, and after {@code maxArmAttempts} consecutive failures
 *       the slot stops arming until its interest is set again.</li>
 *   <li>Only the event-loop thread calls this class (it is not thread-safe). Sink callbacks may re-enter
 *       {@link #setInterest}, {@link #close} and {@link #open}; the machine re-checks the slot's generation after
 *       every callback.</li>
 * </ol>
 */
public final class AfdPoller {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(AfdPoller.class);

    /*
     * One poll record (64 bytes, 8-aligned, in a pinned chunk). The kernel reads AFD_POLL_INFO at arm time and
     * writes the IO_STATUS_BLOCK and AFD_POLL_INFO back before it queues the packet; it never touches 48..63.
     * Layouts are x64 (wepoll's afd.h, ReactOS's AFD headers); see docs/afd-transport-internals.md, "Native memory".
     *
     *   offset size  field                                   written by
     *    0      8    IO_STATUS_BLOCK.Status (NTSTATUS + pad)   arm: PENDING; kernel: final status
     *    8      8    IO_STATUS_BLOCK.Information               arm: 0; kernel
     *   16      8    AFD_POLL_INFO.Timeout                     arm: INT64_MAX (no timeout)
     *   24      4    AFD_POLL_INFO.NumberOfHandles             arm: 1; kernel: handles that fired (0 or 1)
     *   28      4    AFD_POLL_INFO.Exclusive                   arm: 0 (FALSE)
     *   32      8    Handles[0].Handle                         arm: the base socket
     *   40      4    Handles[0].Events                         arm: interest | LOCAL_CLOSE; kernel: fired events
     *   44      4    Handles[0].Status                         arm: 0; kernel: NTSTATUS (CONNECT_FAIL's reason)
     *   48      4    slot id            (diagnostics only)     arm
     *   52      4    slot generation    (diagnostics only)     arm
     *   56      8    reserved, zeroed at every arm             arm
     */
    /** Bytes per poll record: IO_STATUS_BLOCK 16 + AFD_POLL_INFO 32 + slot id, generation and reserved 16. */
    public static final int RECORD_SIZE = 64;
    public static final int OFF_IOSB_STATUS = 0;
    public static final int OFF_IOSB_INFORMATION = 8;
    /** AFD_POLL_INFO starts here; it is both input and output of the ioctl ({@link #POLL_INFO_SIZE} bytes). */
    public static final int OFF_POLL_INFO = 16;
    public static final int OFF_TIMEOUT = 16;
    public static final int OFF_NUMBER_OF_HANDLES = 24;
    public static final int OFF_EXCLUSIVE = 28;
    public static final int OFF_HANDLE = 32;
    public static final int OFF_EVENTS = 40;
    public static final int OFF_HANDLE_STATUS = 44;
    public static final int OFF_SLOT_ID = 48;
    public static final int OFF_GENERATION = 52;
    public static final int OFF_RESERVED = 56;
    public static final int POLL_INFO_SIZE = 32;

    public static final int IDLE = 0;
    public static final int PENDING = 1;
    public static final int CANCELLED = 2;

    private static final int LOCAL_CLOSE = 0x20;
    private static final int CONNECT_FAIL = 0x100;

    /** Receives what the machine decides for registrations. The owner is whatever {@link #open} was given. */
    public interface Sink {
        /** Events reported by the kernel, already filtered by the current interest (never 0). */
        void ready(Object owner, int events, int ntStatus);

        /** A poll or an arm failed: the owner must fail its channel's next read with this status. */
        void failed(Object owner, int ntStatus, int win32Error);

        /**
         * The socket was closed (LOCAL_CLOSE, or an arm found the handle invalid). The slot is already freed: the
         * owner must drop its registration. {@code events} contains LOCAL_CLOSE.
         */
        void closed(Object owner, int events, int ntStatus);
    }

    /** One registration's poll state. Fields are read by tests; only the machine writes them. */
    public static final class Slot {
        final int id;
        final long record;
        final int group;
        int generation;
        boolean live;
        Object owner;
        long socket;
        long baseSocket;
        int interest;
        int armedMask;
        int status;
        boolean deletePending;
        boolean queued;
        boolean claimHeld;
        boolean failed;
        int failures;

        Slot(int id, long record, int group) {
            this.id = id;
            this.record = record;
            this.group = group;
        }

        public int id() {
            return id;
        }

        public long record() {
            return record;
        }

        public int generation() {
            return generation;
        }

        public int status() {
            return status;
        }

        public int interest() {
            return interest;
        }

        public int armedMask() {
            return armedMask;
        }

        public boolean isLive() {
            return live;
        }

        public boolean isDeletePending() {
            return deletePending;
        }

        public long baseSocket() {
            return baseSocket;
        }

        @Override
        public String toString() {
            return "Slot(" + id + "/" + generation + ", status=" + status + ", interest=0x"
                    + Integer.toHexString(interest) + (deletePending ? ", deletePending" : "") + ')';
        }
    }

    private final AfdDriver driver;
    private final PollClaims claims;
    private final Runnable wakeOnRelease;
    private final int groupSize;
    private final int recordsPerChunk;
    private final int maxArmAttempts;

    private Slot[] slots = new Slot[0];
    private long[] chunks = new long[0];
    /** Chunk bases in address order, for {@link #slotOf}. */
    private long[] sortedBases = new long[0];
    private int[] sortedChunkIndex = new int[0];
    private int chunkCount;
    private long[] devices = new long[0];
    private final BitSet used = new BitSet();
    private final ArrayDeque<Slot> queue = new ArrayDeque<>();
    private final List<Slot> deferred = new ArrayList<>();
    private int inFlight;
    private int pendingRetries;
    private boolean released;

    private long arms;
    private long cancels;
    private long strayPackets;

    /**
     * @param wakeOnRelease wakes this poller's loop when a base socket it waits for is released by another loop
     */
    public AfdPoller(AfdDriver driver, PollClaims claims, Runnable wakeOnRelease, int groupSize,
                     int recordsPerChunk, int maxArmAttempts) {
        if (groupSize < 1 || recordsPerChunk < 1 || maxArmAttempts < 1) {
            throw new IllegalArgumentException("groupSize, recordsPerChunk and maxArmAttempts must be >= 1");
        }
        this.driver = driver;
        this.claims = claims;
        this.wakeOnRelease = wakeOnRelease;
        this.groupSize = groupSize;
        this.recordsPerChunk = recordsPerChunk;
        this.maxArmAttempts = maxArmAttempts;
    }

    // ------------------------------------------------------------------ registration

    /** Allocates a slot (lowest free id) for {@code owner}; interest starts empty, so nothing is armed yet. */
    public Slot open(long socket, long baseSocket, Object owner) throws IOException {
        if (released) {
            throw new IllegalStateException("poller released");
        }
        int id = used.nextClearBit(0);
        int chunk = id / recordsPerChunk;
        if (chunk >= chunks.length) {
            chunks = Arrays.copyOf(chunks, chunk + 1);
        }
        if (chunks[chunk] == 0) {
            addChunk(chunk, driver.allocate((long) recordsPerChunk * RECORD_SIZE));
        }
        int group = id / groupSize;
        if (group >= devices.length) {
            devices = Arrays.copyOf(devices, group + 1);
        }
        if (devices[group] == 0) {
            devices[group] = driver.openDevice(); // may throw: nothing changed yet
        }
        if (id >= slots.length) {
            slots = Arrays.copyOf(slots, Math.max(id + 1, slots.length * 2));
        }
        Slot s = slots[id];
        if (s == null) {
            s = slots[id] = new Slot(id, chunks[chunk] + (long) (id % recordsPerChunk) * RECORD_SIZE, group);
        }
        s.generation++;
        s.live = true;
        s.owner = owner;
        s.socket = socket;
        s.baseSocket = baseSocket;
        s.interest = 0;
        s.armedMask = 0;
        s.status = IDLE;
        s.deletePending = false;
        s.claimHeld = false;
        s.failed = false;
        s.failures = 0;
        // s.queued is left alone: a queue entry from the slot's previous life is simply processed for this one.
        used.set(id);
        AfdCounters.pollSlotTaken();
        return s;
    }

    /** Replaces the slot's interest (AFD bits, without LOCAL_CLOSE); takes effect at the next {@link #flush}. */
    public void setInterest(Slot s, int interest) {
        if (!s.live || s.deletePending) {
            return;
        }
        interest &= ~LOCAL_CLOSE;
        if (s.failed && interest != 0) {
            s.failed = false;
            s.failures = 0;
        }
        s.interest = interest;
        enqueue(s);
    }

    /**
     * Deregisters the slot: freed now if IDLE, else its poll is cancelled (when PENDING) and the slot is parked with
     * deletePending until the packet arrives. The owner gets no further callbacks.
     */
    public void close(Slot s) {
        if (!s.live || s.deletePending) {
            return;
        }
        s.owner = null;
        s.interest = 0;
        switch (s.status) {
            case IDLE:
                freeSlot(s);
                break;
            case PENDING:
                cancelPoll(s);
                s.deletePending = true;
                break;
            default: // CANCELLED: the packet is on its way
                s.deletePending = true;
                break;
        }
    }

    /** Deregisters every live slot (shutdown). */
    public void closeAll() {
        for (int id = used.nextSetBit(0); id >= 0; id = used.nextSetBit(id + 1)) {
            close(slots[id]);
        }
    }

    // ------------------------------------------------------------------ flush (just before each wait)

    /**
     * Applies the queued interest changes: arms IDLE slots, cancels PENDING ones whose interest grew or emptied.
     *
     * @return how many owner callbacks were made (arm failures); when > 0 the caller should not block
     */
    public int flush(Sink sink) {
        int dispatched = 0;
        pendingRetries = 0;
        for (int n = queue.size(); n > 0; n--) {
            Slot s = queue.pollFirst();
            s.queued = false;
            if (!s.live || s.deletePending) {
                continue;
            }
            if (s.status == PENDING) {
                if (s.interest == 0 || (s.interest & ~s.armedMask) != 0) {
                    cancelPoll(s);
                }
                continue;
            }
            if (s.status == CANCELLED) {
                continue; // never arm before the cancelled poll's packet
            }
            if (s.interest == 0 || s.failed) {
                releaseClaim(s);
                continue;
            }
            if (!s.claimHeld) {
                if (!claims.tryClaim(s.baseSocket, s, wakeOnRelease)) {
                    deferred.add(s); // another registration's poll on this socket is in flight
                    continue;
                }
                s.claimHeld = true;
            }
            int status = arm(s);
            if (status == NtStatus.PENDING || status == NtStatus.SUCCESS) {
                // SUCCESS means ready at arm, but the packet is queued anyway (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is
                // never set): the record stays the kernel's until it arrives. docs/afd-transport-internals.md.
                s.status = PENDING;
                inFlight++;
                AfdCounters.pollIssued();
            } else {
                dispatched += armFailed(s, status, sink);
            }
        }
        for (Slot s : deferred) {
            enqueue(s);
        }
        deferred.clear();
        return dispatched;
    }

    private int arm(Slot s) {
        long r = s.record;
        int mask = s.interest | LOCAL_CLOSE;
        Mem.putLong(r + OFF_IOSB_STATUS, NtStatus.PENDING & 0xFFFFFFFFL);
        Mem.putLong(r + OFF_IOSB_INFORMATION, 0);
        Mem.putLong(r + OFF_TIMEOUT, Long.MAX_VALUE);
        Mem.putInt(r + OFF_NUMBER_OF_HANDLES, 1);
        Mem.putInt(r + OFF_EXCLUSIVE, 0);
        Mem.putLong(r + OFF_HANDLE, s.baseSocket);
        Mem.putInt(r + OFF_EVENTS, mask);
        Mem.putInt(r + OFF_HANDLE_STATUS, 0);
        Mem.putInt(r + OFF_SLOT_ID, s.id);
        Mem.putInt(r + OFF_GENERATION, s.generation);
        Mem.putLong(r + OFF_RESERVED, 0);
        s.armedMask = mask;
        arms++;
        return driver.arm(devices[s.group], r);
    }

    private int armFailed(Slot s, int status, Sink sink) {
        int error = driver.toWin32Error(status);
        Object owner = s.owner;
        if (error == Win32Errors.ERROR_INVALID_HANDLE) {
            freeSlot(s); // the socket is gone: nothing to poll, the registration drops
            sink.closed(owner, LOCAL_CLOSE, status);
            return 1;
        }
        s.failures++;
        if (s.failures < maxArmAttempts) {
            deferred.add(s); // stays dirty; retried at the next flush
            pendingRetries++;
            return 0;
        }
        s.failed = true;
        releaseClaim(s);
        sink.failed(owner, status, error);
        return 1;
    }

    private void cancelPoll(Slot s) {
        s.status = CANCELLED;
        // The kernel writes the IOSB status before queuing the packet: if it is no longer PENDING, the packet is
        // already on its way and a cancel would only find nothing.
        if (Mem.getInt(s.record + OFF_IOSB_STATUS) != NtStatus.PENDING) {
            return;
        }
        cancels++;
        int st = driver.cancel(devices[s.group], s.record);
        if (st != NtStatus.SUCCESS && st != NtStatus.NOT_FOUND) {
            logger.warn("NtCancelIoFileEx on slot {} returned {}; waiting for its packet anyway", s.id,
                    NtStatus.describe(st));
        }
    }

    // ------------------------------------------------------------------ packets

    /**
     * Handles one completion packet of an AFD device handle. The poll's status is read from the record's own
     * IO_STATUS_BLOCK, which the kernel wrote before queuing the packet; the OVERLAPPED_ENTRY's Internal field is
     * documented as reserved and is not consulted.
     *
     * @param overlapped the entry's lpOverlapped (the record address)
     * @return 1 when an owner callback was made, else 0
     */
    public int complete(long overlapped, Sink sink) {
        Slot s = slotOf(overlapped);
        if (s == null || s.status == IDLE) {
            strayPackets++;
            logger.warn("completion packet for no poll in flight (lpOverlapped 0x{}); ignored",
                    Long.toHexString(overlapped));
            return 0;
        }
        int packetStatus = Mem.getInt(s.record + OFF_IOSB_STATUS);
        s.status = IDLE;
        inFlight--;
        AfdCounters.pollCompleted();
        if (s.deletePending) {
            freeSlot(s);
            return 0;
        }
        int generation = s.generation;
        Object owner = s.owner;
        int dispatched = 0;
        long r = s.record;
        if (packetStatus == NtStatus.CANCELLED) {
            // no events: re-armed below with the current interest
        } else if (!NtStatus.isSuccess(packetStatus)) {
            s.failures++;
            if (s.failures >= maxArmAttempts) {
                s.failed = true;
            }
            sink.failed(owner, packetStatus, driver.toWin32Error(packetStatus));
            dispatched = 1;
        } else if (Mem.getInt(r + OFF_NUMBER_OF_HANDLES) != 0) {
            s.failures = 0;
            int events = Mem.getInt(r + OFF_EVENTS);
            if ((events & LOCAL_CLOSE) != 0) {
                int reported = events & (s.interest | LOCAL_CLOSE);
                freeSlot(s);
                sink.closed(owner, reported, packetStatus);
                return 1;
            }
            int ready = events & s.interest;
            if (ready != 0) {
                int status = (ready & CONNECT_FAIL) != 0 ? Mem.getInt(r + OFF_HANDLE_STATUS) : packetStatus;
                sink.ready(owner, ready, status);
                dispatched = 1;
            }
        }
        if (s.live && s.generation == generation && !s.deletePending) {
            if (s.interest != 0 && !s.failed) {
                enqueue(s); // level-triggered: re-armed at the next flush if still interested
            } else {
                releaseClaim(s);
            }
        }
        return dispatched;
    }

    /** Finds the slot of a record address by binary search over the chunk bases (no memory read). */
    private Slot slotOf(long record) {
        int lo = 0;
        int hi = chunkCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long base = sortedBases[mid];
            if (record < base) {
                hi = mid - 1;
            } else if (record >= base + (long) recordsPerChunk * RECORD_SIZE) {
                lo = mid + 1;
            } else {
                long offset = record - base;
                if (offset % RECORD_SIZE != 0) {
                    return null;
                }
                int id = sortedChunkIndex[mid] * recordsPerChunk + (int) (offset / RECORD_SIZE);
                return id < slots.length ? slots[id] : null;
            }
        }
        return null;
    }

    private void addChunk(int chunk, long base) {
        chunks[chunk] = base;
        if (chunkCount == sortedBases.length) {
            sortedBases = Arrays.copyOf(sortedBases, Math.max(4, chunkCount * 2));
            sortedChunkIndex = Arrays.copyOf(sortedChunkIndex, sortedBases.length);
        }
        int at = chunkCount;
        while (at > 0 && sortedBases[at - 1] > base) {
            sortedBases[at] = sortedBases[at - 1];
            sortedChunkIndex[at] = sortedChunkIndex[at - 1];
            at--;
        }
        sortedBases[at] = base;
        sortedChunkIndex[at] = chunk;
        chunkCount++;
    }

    // ------------------------------------------------------------------ helpers

    private void enqueue(Slot s) {
        if (!s.queued) {
            s.queued = true;
            queue.addLast(s);
        }
    }

    private void releaseClaim(Slot s) {
        if (s.claimHeld) {
            s.claimHeld = false;
            claims.release(s.baseSocket, s);
        }
    }

    private void freeSlot(Slot s) {
        releaseClaim(s);
        s.live = false;
        s.owner = null;
        s.deletePending = false;
        s.interest = 0;
        used.clear(s.id);
        AfdCounters.pollSlotFreed();
    }

    // ------------------------------------------------------------------ shutdown and introspection

    /** Polls whose packet has not arrived yet (PENDING or CANCELLED slots). */
    public int inFlight() {
        return inFlight;
    }

    /** Slots in use, including parked deletePending ones. */
    public int slotsInUse() {
        return used.cardinality();
    }

    /** Whether arms failed at the last flush and will be retried (the caller should not block for long). */
    public boolean hasPendingRetries() {
        return pendingRetries > 0;
    }

    /** Slots waiting in the update queue. */
    public int queued() {
        return queue.size();
    }

    public long arms() {
        return arms;
    }

    public long cancels() {
        return cancels;
    }

    public long strayPackets() {
        return strayPackets;
    }

    /** How many AFD device handles are open. */
    public int deviceCount() {
        int n = 0;
        for (long d : devices) {
            if (d != 0) {
                n++;
            }
        }
        return n;
    }

    /** The slot with this id (tests). */
    public Slot slot(int id) {
        return id < slots.length ? slots[id] : null;
    }

    /**
     * Closes the device handles and frees the record chunks, or leaks the chunks when polls are still in flight
     * (the kernel may still write them). Returns whether everything was freed.
     */
    public boolean release() {
        if (released) {
            return true;
        }
        released = true;
        boolean free = inFlight == 0;
        for (int i = 0; i < devices.length; i++) {
            if (devices[i] != 0) {
                driver.closeDevice(devices[i]);
                devices[i] = 0;
            }
        }
        // Closing a device handle ends its polls in the kernel (their packets, if any, go to a port about to close),
        // so the claims of slots whose packet never arrived are released now: otherwise a later socket that reuses
        // one of these handle values could never arm in any loop of the process.
        for (Slot s : slots) {
            if (s != null) {
                releaseClaim(s);
            }
        }
        if (free) {
            for (int i = 0; i < chunks.length; i++) {
                if (chunks[i] != 0) {
                    driver.free(chunks[i], (long) recordsPerChunk * RECORD_SIZE);
                    chunks[i] = 0;
                }
            }
        } else {
            logger.warn("{} AFD poll(s) still in flight at shutdown: leaking {} record chunk(s) of {} bytes rather "
                    + "than freeing memory the kernel may still write", inFlight, chunks.length,
                    (long) recordsPerChunk * RECORD_SIZE);
        }
        return free;
    }
}
