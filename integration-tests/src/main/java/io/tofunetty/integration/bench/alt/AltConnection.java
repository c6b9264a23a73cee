package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;

/**
 * One connected socket on a prototype loop: its native block (two OVERLAPPEDs, two WSABUFs, out-cells), what the
 * receive design keeps per socket, and the write path every design shares.
 *
 * <p>Writes are a non-blocking {@code send()}, one per batch of receives ({@link #cork()}); only when the socket's
 * send buffer cannot take everything is the rest copied and sent with an overlapped {@code WSASend}, whose completion
 * arrives on the loop's port (further writes queue behind it). Echo traffic on loopback rarely gets there, so a batch
 * normally costs exactly one send call.
 */
final class AltConnection {
    // the native block
    static final int RECV_OV = 0;
    static final int SEND_OV = 32;
    static final int RECV_WSABUF = 64;
    static final int SEND_WSABUF = 80;
    static final int RECV_FLAGS = 96;
    static final int RECV_BYTES = 100;
    static final int SEND_BYTES = 104;
    static final int ALREADY_SIGNALED = 108;
    static final int HANDLE_OUT = 112;
    static final int BLOCK_SIZE = 128;

    final AltLoop loop;
    final long socket;
    final long key;
    final long block;
    final AltRole role;
    /** Role state (the load client's position in its message). */
    long rolePosition;

    // receive side, owned by the design
    boolean receivePending;
    /** Hybrid completion design: the pending receive is a zero-byte one / is being cancelled / completed lately. */
    boolean zeroByteReceive;
    boolean receiveCancelling;
    boolean receivedSinceSweep;
    long receiveBuffer;
    int receiveBufferSize;
    long event;
    long waitPacket;

    // write side
    private long out;
    private int outCapacity;
    private int outLength;
    private long flight;
    private int flightCapacity;
    private int flightOffset;
    private int flightLength;
    boolean sendPending;
    private boolean corked;

    boolean closed;
    boolean freed;

    /** Native memory held per socket on the receive side (the block and receive buffers), all connections. */
    static final java.util.concurrent.atomic.AtomicLong NATIVE_BYTES = new java.util.concurrent.atomic.AtomicLong();

    AltConnection(AltLoop loop, long socket, long key, AltRole role) {
        this.loop = loop;
        this.socket = socket;
        this.key = key;
        this.role = role;
        block = Mem.allocate(BLOCK_SIZE);
        NATIVE_BYTES.addAndGet(BLOCK_SIZE);
    }

    /** Allocates the receive buffer (or poll record) of {@code size} bytes, counted in {@link #NATIVE_BYTES}. */
    void allocateReceiveBuffer(int size) {
        receiveBuffer = Mem.allocate(size);
        receiveBufferSize = size;
        NATIVE_BYTES.addAndGet(size);
    }

    /** Frees the receive buffer; only once the kernel can no longer write to it. */
    void freeReceiveBuffer() {
        if (receiveBuffer != 0) {
            Mem.free(receiveBuffer);
            NATIVE_BYTES.addAndGet(-receiveBufferSize);
            receiveBuffer = 0;
            receiveBufferSize = 0;
        }
    }

    long receiveOverlapped() {
        return block + RECV_OV;
    }

    long sendOverlapped() {
        return block + SEND_OV;
    }

    /**
     * Loop thread: from now until {@link #uncork()} writes are only queued, so that what one batch of receives
     * produced leaves in one send (as Netty flushes once per read batch, in channelReadComplete).
     */
    void cork() {
        corked = true;
    }

    /** Loop thread: sends what was queued since {@link #cork()}. */
    void uncork() {
        corked = false;
        if (closed || sendPending || outLength == 0) {
            return;
        }
        int n = sendNow(out, outLength);
        if (n < 0) {
            return;
        }
        outLength -= n;
        if (outLength > 0) {
            copy(out + n, out, outLength); // Unsafe.copyMemory allows overlapping ranges
            postSend();
        }
    }

    /** Loop thread: sends {@code length} bytes at {@code address} (copied if they cannot all go now). */
    void write(long address, int length) {
        if (closed) {
            return;
        }
        if (corked || sendPending || outLength > 0) {
            append(address, length);
            return;
        }
        int n = sendNow(address, length);
        if (n < 0) {
            return;
        }
        if (n < length) {
            append(address + n, length - n);
            postSend();
        }
    }

    /** One non-blocking send(): the bytes it took (0 when the buffer is full), or -1 when it failed the connection. */
    private int sendNow(long address, int length) {
        AltCalls.count(AltCalls.SEND);
        int n = Winsock.send(socket, address, length, 0);
        if (n != Winsock.SOCKET_ERROR) {
            return n;
        }
        int err = Winsock.lastError();
        if (err != Win32Errors.WSAEWOULDBLOCK) {
            loop.fail(this, "send", err);
            return -1;
        }
        return 0;
    }

    private void append(long address, int length) {
        if (outLength + length > outCapacity) {
            int capacity = Math.max(64 * 1024, Integer.highestOneBit(outLength + length) << 1);
            long bigger = Mem.allocate(capacity);
            copy(out, bigger, outLength);
            Mem.free(out);
            out = bigger;
            outCapacity = capacity;
        }
        copy(address, out + outLength, length);
        outLength += length;
    }

    private static void copy(long from, long to, int length) {
        if (length > 0) {
            io.netty.util.internal.PlatformDependent.copyMemory(from, to, length);
        }
    }

    /** Posts the queued bytes as one overlapped WSASend (the queue and the in-flight buffer swap). */
    private void postSend() {
        long b = flight;
        int c = flightCapacity;
        flight = out;
        flightCapacity = outCapacity;
        flightOffset = 0;
        flightLength = outLength;
        out = b;
        outCapacity = c;
        outLength = 0;
        postFlight();
    }

    private void postFlight() {
        while (true) {
            AltSockets.putWsaBuf(block + SEND_WSABUF, flight + flightOffset, flightLength - flightOffset);
            Mem.zero(block + SEND_OV, 32);
            AltCalls.count(AltCalls.WSASEND);
            int rc = Winsock.WSASend(socket, block + SEND_WSABUF, 1, block + SEND_BYTES, 0, block + SEND_OV, 0);
            if (rc == 0 && loop.skipsCompletionOnSuccess()) {
                // done at once, and the port gets no packet (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS)
                if (advanceFlight(Mem.getInt(block + SEND_BYTES))) {
                    continue;
                }
                return;
            }
            if (rc == 0 || Winsock.lastError() == Win32Errors.ERROR_IO_PENDING) {
                sendPending = true;
                return;
            }
            loop.fail(this, "WSASend", Winsock.lastError());
            return;
        }
    }

    /** The in-flight send moved {@code bytes}; true when something is left to post at once. */
    private boolean advanceFlight(int bytes) {
        flightOffset += bytes;
        if (flightOffset < flightLength) {
            return true;
        }
        flightLength = 0;
        flightOffset = 0;
        if (outLength > 0) {
            long b = flight;
            int c = flightCapacity;
            flight = out;
            flightCapacity = outCapacity;
            flightLength = outLength;
            out = b;
            outCapacity = c;
            outLength = 0;
            return true;
        }
        return false;
    }

    /** The overlapped send's packet. */
    void sendCompleted(int status, int bytes) {
        sendPending = false;
        if (closed) {
            return;
        }
        if (status != AltNatives.STATUS_SUCCESS) {
            loop.fail(this, "WSASend completion (NTSTATUS 0x" + Integer.toHexString(status) + ')', 0);
            return;
        }
        if (advanceFlight(bytes)) {
            postFlight();
        }
    }

    /** Frees the native memory; only once no operation of the kernel's can still write to it. */
    void free() {
        if (freed) {
            return;
        }
        freed = true;
        Mem.free(block);
        NATIVE_BYTES.addAndGet(-BLOCK_SIZE);
        Mem.free(out);
        Mem.free(flight);
        freeReceiveBuffer();
    }
}
