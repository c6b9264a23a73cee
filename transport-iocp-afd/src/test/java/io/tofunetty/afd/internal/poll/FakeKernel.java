package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockExceptions;


import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A deterministic, scripted stand-in for the Windows kernel side of AFD polls: sockets with level readiness,
 * completion ports ({@link Port}, each an {@link AfdDriver}), and the checks a real kernel would not make for us:
 * <ul>
 *   <li>at most one poll in flight per record and per base socket (process-wide, across ports);</li>
 *   <li>every armed record is well formed: Exclusive 0, NumberOfHandles 1, Timeout INT64_MAX, IOSB PENDING,
 *       LOCAL_CLOSE requested, never RECEIVE_EXPEDITED or CONNECT, never LOCAL_CLOSE alone;</li>
 *   <li>record memory is never freed while a poll on it is in flight; freed memory is poisoned (0xDD) and
 *       quarantined until {@link #close()}, so a read of a freed record shows garbage;</li>
 *   <li>which threads made kernel calls.</li>
 * </ul>
 * Violations are collected in {@link #violations()} and also thrown as AssertionError at the faulty call.
 */
public final class FakeKernel implements AutoCloseable {
    public static final int RECEIVE = 0x1;
    public static final int RECEIVE_EXPEDITED = 0x2;
    public static final int SEND = 0x4;
    public static final int DISCONNECT = 0x8;
    public static final int ABORT = 0x10;
    public static final int LOCAL_CLOSE = 0x20;
    public static final int CONNECT = 0x40;
    public static final int ACCEPT = 0x80;
    public static final int CONNECT_FAIL = 0x100;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, FakeSocket> sockets = new HashMap<>();
    private final Map<Long, Poll> inFlight = new LinkedHashMap<>();
    private final java.util.TreeMap<Long, Long> liveChunks = new java.util.TreeMap<>();
    private final Map<Long, List<Poll>> bySocket = new HashMap<>();
    private final Map<Long, Long> quarantined = new HashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<ArmRecord> armLog = Collections.synchronizedList(new ArrayList<>());
    private final Set<Thread> callerThreads = Collections.newSetFromMap(new IdentityHashMap<>());
    private long nextHandle = 0x1000;
    private int cancelCalls;
    private boolean swallowCancels;

    /** A socket as the fake kernel sees it. */
    public static final class FakeSocket {
        final long handle;
        int ready;
        boolean closed;
        int handleStatus;
        final ArrayDeque<Integer> armFailures = new ArrayDeque<>();
        Integer raceCancelEvents;
        long bspHandle;
        int baseHandleFailures;
        int baseHandleError = Win32Errors.WSAEFAULT;
        int bspError;
        boolean notASocket;

        FakeSocket(long handle) {
            this.handle = handle;
        }
    }

    private static final class Poll {
        final Port port;
        final long record;
        final long socket;
        final int mask;

        Poll(Port port, long record, long socket, int mask) {
            this.port = port;
            this.record = record;
            this.socket = socket;
            this.mask = mask;
        }
    }

    /** What one arm saw in the record. */
    public static final class ArmRecord {
        public final long socket;
        public final int mask;
        public final int exclusive;
        public final int numberOfHandles;
        public final long timeout;
        public final int iosbStatus;
        public final long record;

        ArmRecord(long record, long socket, int mask, int exclusive, int numberOfHandles, long timeout,
                  int iosbStatus) {
            this.record = record;
            this.socket = socket;
            this.mask = mask;
            this.exclusive = exclusive;
            this.numberOfHandles = numberOfHandles;
            this.timeout = timeout;
            this.iosbStatus = iosbStatus;
        }

        @Override
        public String toString() {
            return "arm(socket=0x" + Long.toHexString(socket) + ", mask=0x" + Integer.toHexString(mask) + ')';
        }
    }

    // ------------------------------------------------------------------ scripting

    /** A new socket with a fresh handle value. */
    public long newSocket() {
        lock.lock();
        try {
            long h = nextHandle;
            nextHandle += 4;
            sockets.put(h, new FakeSocket(h));
            return h;
        } finally {
            lock.unlock();
        }
    }

    /** A new socket reusing {@code value} (the previous socket with that value must be closed). */
    public long newSocket(long value) {
        lock.lock();
        try {
            FakeSocket old = sockets.get(value);
            if (old != null && !old.closed) {
                throw new IllegalStateException("socket 0x" + Long.toHexString(value) + " is still open");
            }
            sockets.put(value, new FakeSocket(value));
            return value;
        } finally {
            lock.unlock();
        }
    }

    public FakeSocket socket(long s) {
        lock.lock();
        try {
            return sockets.get(s);
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code bits} ready (level) and completes a pending poll that asked for any of them. */
    public void signal(long s, int bits) {
        lock.lock();
        try {
            FakeSocket fs = sockets.get(s);
            fs.ready |= bits;
            for (Poll p : pollsOf(s)) {
                if ((p.mask & fs.ready) != 0) {
                    completeLocked(p, NtStatus.SUCCESS, p.mask & fs.ready, fs.handleStatus);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Makes {@code bits} no longer ready (data read, buffer drained). */
    public void clear(long s, int bits) {
        lock.lock();
        try {
            sockets.get(s).ready &= ~bits;
        } finally {
            lock.unlock();
        }
    }

    /** closesocket: a pending poll completes with LOCAL_CLOSE only (whatever it asked for); later arms fail. */
    public void closeSocket(long s) {
        lock.lock();
        try {
            FakeSocket fs = sockets.get(s);
            fs.closed = true;
            for (Poll p : pollsOf(s)) {
                {
                    completeLocked(p, NtStatus.SUCCESS, LOCAL_CLOSE, 0);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next {@code count} arms on {@code s} fail with {@code status} (no packet). */
    public void failArms(long s, int status, int count) {
        lock.lock();
        try {
            for (int i = 0; i < count; i++) {
                sockets.get(s).armFailures.add(status);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next cancel on {@code s} loses the race: the poll completes with {@code events}, cancel says NOT_FOUND. */
    public void raceNextCancel(long s, int events) {
        lock.lock();
        try {
            sockets.get(s).raceCancelEvents = events;
        } finally {
            lock.unlock();
        }
    }

    /** Completes the pending poll on {@code s} with exactly {@code events}, whatever it asked for. */
    public void completeWith(long s, int events) {
        lock.lock();
        try {
            for (Poll p : new ArrayList<>(inFlight.values())) {
                if (p.socket == s) {
                    completeLocked(p, NtStatus.SUCCESS, events, sockets.get(s).handleStatus);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Completes the pending poll on {@code s} with a failure status (e.g. HANDLES_CLOSED). */
    public void failPending(long s, int status) {
        lock.lock();
        try {
            for (Poll p : new ArrayList<>(inFlight.values())) {
                if (p.socket == s) {
                    completeLocked(p, status, 0, 0);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Cancels succeed but their packets never arrive (until the device handle is closed). */
    public void swallowCancels(boolean swallow) {
        lock.lock();
        try {
            swallowCancels = swallow;
        } finally {
            lock.unlock();
        }
    }

    /** Per-handle status reported with events (e.g. CONNECTION_REFUSED with CONNECT_FAIL). */
    public void setHandleStatus(long s, int status) {
        lock.lock();
        try {
            sockets.get(s).handleStatus = status;
        } finally {
            lock.unlock();
        }
    }

    /** Makes SIO_BASE_HANDLE fail {@code times} times on {@code s}, with SIO_BSP_HANDLE_POLL returning {@code bsp}. */
    public void layeredProvider(long s, int times, long bsp) {
        lock.lock();
        try {
            FakeSocket fs = sockets.get(s);
            fs.baseHandleFailures = times;
            fs.bspHandle = bsp;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ inspection

    public List<String> violations() {
        return new ArrayList<>(violations);
    }

    public List<ArmRecord> arms() {
        synchronized (armLog) {
            return new ArrayList<>(armLog);
        }
    }

    public List<ArmRecord> armsOf(long s) {
        List<ArmRecord> out = new ArrayList<>();
        for (ArmRecord a : arms()) {
            if (a.socket == s) {
                out.add(a);
            }
        }
        return out;
    }

    public int pollsInFlight() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    public int pollsInFlight(long s) {
        lock.lock();
        try {
            return pollsOf(s).size();
        } finally {
            lock.unlock();
        }
    }

    public int cancelCalls() {
        lock.lock();
        try {
            return cancelCalls;
        } finally {
            lock.unlock();
        }
    }

    public Set<Thread> callerThreads() {
        lock.lock();
        try {
            return Collections.unmodifiableSet(new java.util.HashSet<>(callerThreads));
        } finally {
            lock.unlock();
        }
    }

    public int liveChunks() {
        lock.lock();
        try {
            return liveChunks.size();
        } finally {
            lock.unlock();
        }
    }

    public Port newPort() {
        return new Port();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            for (long chunk : quarantined.keySet()) {
                Mem.free(chunk);
            }
            quarantined.clear();
            // chunks a poller leaked on purpose (polls still in flight) are freed here, after the test
            for (long chunk : liveChunks.keySet()) {
                Mem.free(chunk);
            }
            liveChunks.clear();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ internals

    private List<Poll> pollsOf(long s) {
        List<Poll> l = bySocket.get(s);
        return l == null ? new ArrayList<>() : new ArrayList<>(l);
    }

    private void track(Poll p) {
        inFlight.put(p.record, p);
        bySocket.computeIfAbsent(p.socket, x -> new ArrayList<>(1)).add(p);
    }

    private void untrack(Poll p) {
        inFlight.remove(p.record);
        List<Poll> l = bySocket.get(p.socket);
        if (l != null) {
            l.remove(p);
            if (l.isEmpty()) {
                bySocket.remove(p.socket);
            }
        }
    }

    private void violation(String what) {
        violations.add(what);
        throw new AssertionError("fake kernel: " + what);
    }

    private boolean inLiveChunk(long record) {
        Map.Entry<Long, Long> c = liveChunks.floorEntry(record);
        return c != null && record + AfdPoller.RECORD_SIZE <= c.getKey() + c.getValue();
    }

    private void completeLocked(Poll p, int status, int events, int handleStatus) {
        if (!inLiveChunk(p.record)) {
            violations.add("kernel would write freed record 0x" + Long.toHexString(p.record));
        }
        untrack(p);
        long r = p.record;
        Mem.putInt(r + AfdPoller.OFF_IOSB_STATUS, status);
        boolean cancelled = status == NtStatus.CANCELLED;
        boolean ok = NtStatus.isSuccess(status);
        Mem.putLong(r + AfdPoller.OFF_IOSB_INFORMATION, ok && !cancelled ? 32 : 0);
        if (ok) {
            Mem.putInt(r + AfdPoller.OFF_NUMBER_OF_HANDLES, 1);
            Mem.putInt(r + AfdPoller.OFF_EVENTS, events);
            Mem.putInt(r + AfdPoller.OFF_HANDLE_STATUS, handleStatus);
        }
        p.port.enqueue(AfdDriver.KEY_AFD, r, status, ok && !cancelled ? 32 : 0);
    }

    /** One completion port: the {@link AfdDriver} the poller under test talks to. */
    public final class Port implements AfdDriver {
        private final ArrayDeque<long[]> packets = new ArrayDeque<>();
        private final Condition nonEmpty = lock.newCondition();
        private final List<Integer> timeouts = Collections.synchronizedList(new ArrayList<>());
        private int devices;
        private int wakes;
        private int openFailures;
        private int wakeFailures;
        private boolean dequeueFails;
        private Integer entryInternal;
        private boolean closed;

        void enqueue(long key, long overlapped, int status, int bytes) {
            packets.addLast(new long[] {key, overlapped, status, bytes});
            nonEmpty.signalAll();
        }

        public void failNextDeviceOpens(int n) {
            lock.lock();
            try {
                openFailures = n;
            } finally {
                lock.unlock();
            }
        }

        /** The next {@code n} wake() calls fail as a failed PostQueuedCompletionStatus does (nothing is posted). */
        public void failNextWakes(int n) {
            lock.lock();
            try {
                wakeFailures = n;
            } finally {
                lock.unlock();
            }
        }

        /** Every dequeue from now on fails, as GetQueuedCompletionStatusEx on a broken port does. */
        public void failDequeues() {
            lock.lock();
            try {
                dequeueFails = true;
            } finally {
                lock.unlock();
            }
        }

        /**
         * Writes {@code status} into every dequeued entry's Internal field instead of the poll's status: that field is
         * reserved, and only the record's IO_STATUS_BLOCK holds the poll's status.
         */
        public void scribbleOnEntryInternal(int status) {
            lock.lock();
            try {
                entryInternal = status;
            } finally {
                lock.unlock();
            }
        }

        public List<Integer> timeouts() {
            synchronized (timeouts) {
                return new ArrayList<>(timeouts);
            }
        }

        public int wakes() {
            lock.lock();
            try {
                return wakes;
            } finally {
                lock.unlock();
            }
        }

        public int queuedPackets() {
            lock.lock();
            try {
                return packets.size();
            } finally {
                lock.unlock();
            }
        }

        public int openDevices() {
            lock.lock();
            try {
                return devices;
            } finally {
                lock.unlock();
            }
        }

        public boolean isClosed() {
            lock.lock();
            try {
                return closed;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long openDevice() throws IOException {
            lock.lock();
            try {
                callerThreads.add(Thread.currentThread());
                if (openFailures > 0) {
                    openFailures--;
                    throw new IOException("NtCreateFile(\\Device\\Afd\\Fake) failed: "
                            + NtStatus.describe(NtStatus.BAD_DEVICE_TYPE));
                }
                devices++;
                long h = nextHandle;
                nextHandle += 4;
                return h;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int arm(long device, long record) {
            lock.lock();
            try {
                callerThreads.add(Thread.currentThread());
                long socket = Mem.getLong(record + AfdPoller.OFF_HANDLE);
                int mask = Mem.getInt(record + AfdPoller.OFF_EVENTS);
                ArmRecord a = new ArmRecord(record, socket, mask, Mem.getInt(record + AfdPoller.OFF_EXCLUSIVE),
                        Mem.getInt(record + AfdPoller.OFF_NUMBER_OF_HANDLES),
                        Mem.getLong(record + AfdPoller.OFF_TIMEOUT), Mem.getInt(record + AfdPoller.OFF_IOSB_STATUS));
                armLog.add(a);
                if (!inLiveChunk(record)) {
                    violation("arm on freed record 0x" + Long.toHexString(record));
                }
                if (inFlight.containsKey(record)) {
                    violation("second poll on record 0x" + Long.toHexString(record) + " while one is in flight");
                }
                if (bySocket.containsKey(socket)) {
                    violation("second poll on socket 0x" + Long.toHexString(socket) + " while one is in flight");
                }
                if (a.exclusive != 0 || a.numberOfHandles != 1 || a.timeout != Long.MAX_VALUE
                        || a.iosbStatus != NtStatus.PENDING) {
                    violation("malformed record: exclusive=" + a.exclusive + " handles=" + a.numberOfHandles
                            + " timeout=" + a.timeout + " iosb=0x" + Integer.toHexString(a.iosbStatus));
                }
                if ((mask & LOCAL_CLOSE) == 0 || (mask & (RECEIVE_EXPEDITED | CONNECT)) != 0 || mask == LOCAL_CLOSE) {
                    violation("bad mask 0x" + Integer.toHexString(mask));
                }
                FakeSocket fs = sockets.get(socket);
                if (fs == null) {
                    return NtStatus.INVALID_HANDLE;
                }
                if (fs.closed) {
                    return NtStatus.OBJECT_TYPE_MISMATCH;
                }
                Integer failure = fs.armFailures.poll();
                if (failure != null) {
                    return failure;
                }
                Poll p = new Poll(this, record, socket, mask);
                track(p);
                int hit = fs.ready & mask;
                if (hit != 0) {
                    completeLocked(p, NtStatus.SUCCESS, hit, fs.handleStatus);
                    return NtStatus.SUCCESS;
                }
                return NtStatus.PENDING;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int cancel(long device, long record) {
            lock.lock();
            try {
                callerThreads.add(Thread.currentThread());
                cancelCalls++;
                Poll p = inFlight.get(record);
                if (p == null) {
                    return NtStatus.NOT_FOUND;
                }
                FakeSocket fs = sockets.get(p.socket);
                if (fs != null && fs.raceCancelEvents != null) {
                    int events = fs.raceCancelEvents;
                    fs.raceCancelEvents = null;
                    completeLocked(p, NtStatus.SUCCESS, events, fs.handleStatus);
                    return NtStatus.NOT_FOUND;
                }
                if (!swallowCancels) {
                    completeLocked(p, NtStatus.CANCELLED, 0, 0);
                }
                return NtStatus.SUCCESS;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int dequeue(long entries, int max, int timeoutMillis) throws IOException {
            lock.lock();
            try {
                callerThreads.add(Thread.currentThread());
                timeouts.add(timeoutMillis);
                if (closed || dequeueFails) {
                    throw new IOException("GetQueuedCompletionStatusEx failed: ERROR_INVALID_HANDLE (6)");
                }
                if (packets.isEmpty() && timeoutMillis != 0) {
                    // INFINITE is capped so that a broken test fails instead of hanging
                    long ms = timeoutMillis == -1 ? 30_000 : Integer.toUnsignedLong(timeoutMillis);
                    long nanos = TimeUnit.MILLISECONDS.toNanos(ms);
                    while (packets.isEmpty() && nanos > 0) {
                        try {
                            nanos = nonEmpty.awaitNanos(nanos);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                int n = 0;
                while (n < max && !packets.isEmpty()) {
                    long[] p = packets.pollFirst();
                    long e = entries + (long) n * 32;
                    Mem.putLong(e, p[0]);
                    Mem.putLong(e + 8, p[1]);
                    Mem.putLong(e + 16, (entryInternal != null ? entryInternal : p[2]) & 0xFFFFFFFFL);
                    Mem.putInt(e + 24, (int) p[3]);
                    n++;
                }
                return n;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void wake() {
            lock.lock();
            try {
                if (!closed) {
                    if (wakeFailures > 0) {
                        wakeFailures--;
                        throw new IllegalStateException("PostQueuedCompletionStatus failed: Win32 error "
                                + "ERROR_NO_SYSTEM_RESOURCES (1450)");
                    }
                    wakes++;
                    enqueue(KEY_WAKE, 0, 0, 0);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public int toWin32Error(int ntStatus) {
            switch (ntStatus) {
                case NtStatus.SUCCESS: return 0;
                case NtStatus.INVALID_HANDLE:
                case NtStatus.OBJECT_TYPE_MISMATCH: return Win32Errors.ERROR_INVALID_HANDLE;
                case NtStatus.INSUFFICIENT_RESOURCES: return Win32Errors.ERROR_NO_SYSTEM_RESOURCES;
                case NtStatus.CANCELLED: return Win32Errors.ERROR_OPERATION_ABORTED;
                case NtStatus.CONNECTION_REFUSED: return Win32Errors.ERROR_CONNECTION_REFUSED;
                case NtStatus.HANDLES_CLOSED: return 676; // ERROR_HANDLES_CLOSED
                default: return 317; // ERROR_MR_MID_NOT_FOUND: what RtlNtStatusToDosError gives for unknown codes
            }
        }

        @Override
        public long queryHandle(long socket, int ioctl) throws IOException {
            lock.lock();
            try {
                callerThreads.add(Thread.currentThread());
                FakeSocket fs = sockets.get(socket);
                if (fs == null || fs.closed || fs.notASocket) {
                    throw WinsockExceptions.newException("WSAIoctl", Win32Errors.WSAENOTSOCK);
                }
                if (ioctl == Winsock.SIO_BASE_HANDLE) {
                    if (fs.baseHandleFailures > 0) {
                        fs.baseHandleFailures--;
                        throw WinsockExceptions.newException("WSAIoctl(SIO_BASE_HANDLE)", fs.baseHandleError);
                    }
                    return socket;
                }
                if (ioctl == Winsock.SIO_BSP_HANDLE_POLL) {
                    if (fs.bspError != 0) {
                        throw WinsockExceptions.newException("WSAIoctl(SIO_BSP_HANDLE_POLL)", fs.bspError);
                    }
                    return fs.bspHandle != 0 ? fs.bspHandle : socket;
                }
                throw WinsockExceptions.newException("WSAIoctl", Win32Errors.WSAEOPNOTSUPP);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void closeDevice(long device) {
            lock.lock();
            try {
                devices--;
                // like Wine: pending polls of this port complete with STATUS_HANDLES_CLOSED
                for (Poll p : new ArrayList<>(inFlight.values())) {
                    if (p.port == this) {
                        completeLocked(p, NtStatus.HANDLES_CLOSED, 0, 0);
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                closed = true;
                packets.clear();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long allocate(long bytes) {
            long a = Mem.allocate(bytes);
            lock.lock();
            try {
                liveChunks.put(a, bytes);
            } finally {
                lock.unlock();
            }
            return a;
        }

        @Override
        public void free(long address, long bytes) {
            lock.lock();
            try {
                for (Poll p : inFlight.values()) {
                    if (p.record >= address && p.record < address + bytes) {
                        violation("free of a chunk with a poll in flight (record 0x" + Long.toHexString(p.record)
                                + ')');
                    }
                }
                if (liveChunks.remove(address) == null) {
                    violation("free of unknown chunk 0x" + Long.toHexString(address));
                }
                Mem.fill(address, bytes, (byte) 0xDD);
                quarantined.put(address, bytes);
            } finally {
                lock.unlock();
            }
        }
    }
}
