package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.socket.SocketHandles;
import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Ntdll;
import io.tofunetty.afd.internal.win32.Winsock;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The baseline on the same minimal loop: readiness by IOCTL_AFD_POLL (what the transport and the JDK's wepoll do),
 * then recv() into the loop's shared buffer, then the poll re-armed at once. Comparing it with the other prototypes
 * isolates the receive design from Netty's own per-message work, which the Netty-based {@code afd} transport adds.
 *
 * <p>One AFD device handle for the whole loop (group size unlimited: Wine keeps its pending polls in one list per
 * process anyway). Per socket a 56-byte poll record: IO_STATUS_BLOCK 0:16, AFD_POLL_INFO 16:32, the connection's
 * key at 48 (the kernel never writes there). The device's packets carry {@link #AFD_KEY}; the record address
 * (apcContext, returned as lpOverlapped) leads to the connection.
 */
final class AfdPollLoop extends AltLoop {
    static final long AFD_KEY = Long.MAX_VALUE;
    private static final int RECORD_SIZE = 56;
    private static final int POLL_INFO = 16;
    private static final int POLL_INFO_SIZE = 32;
    private static final int RECEIVE = 0x01;
    private static final int DISCONNECT = 0x08;
    private static final int ABORT = 0x10;
    private static final int LOCAL_CLOSE = 0x20;
    private static final int STATUS_PENDING = 0x103;

    private final long device;

    AfdPollLoop(String name, int readBufferSize, Consumer<String> errors) {
        super(name, false, readBufferSize, errors);
        device = openDevice();
    }

    /** NtCreateFile(\Device\Afd\TofuBench), associated with the port under {@link #AFD_KEY}. */
    private long openDevice() {
        byte[] name = "\\Device\\Afd\\TofuBench".getBytes(StandardCharsets.UTF_16LE);
        // handle out 0:8, IOSB 8:16, UNICODE_STRING 24:16, OBJECT_ATTRIBUTES 40:48, the name at 88
        long m = Mem.allocate(88 + name.length + 2);
        try {
            Mem.copy(name, 0, m + 88, name.length);
            Mem.putShort(m + 24, (short) name.length);
            Mem.putShort(m + 26, (short) (name.length + 2));
            Mem.putLong(m + 32, m + 88);
            Mem.putInt(m + 40, 48);
            Mem.putLong(m + 56, m + 24);
            int st = Ntdll.NtCreateFile(m, Ntdll.SYNCHRONIZE, m + 40, m + 8, 0, 0,
                    Ntdll.FILE_SHARE_READ | Ntdll.FILE_SHARE_WRITE, Ntdll.FILE_OPEN, 0, 0, 0);
            if (st != 0) {
                throw new IllegalStateException("NtCreateFile(\\Device\\Afd) failed: 0x" + Integer.toHexString(st));
            }
            long h = Mem.getLong(m);
            if (Kernel32.CreateIoCompletionPort(h, port, AFD_KEY, 0) != port
                    || Kernel32.SetFileCompletionNotificationModes(h, Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE) == 0) {
                int err = Kernel32.lastError();
                Kernel32.CloseHandle(h);
                throw new IllegalStateException("associating the AFD device failed: " + err);
            }
            return h;
        } finally {
            Mem.free(m);
        }
    }

    @Override
    long connectionKey(long key, long overlapped) {
        return key == AFD_KEY ? Mem.getLong(overlapped + 48) : key;
    }

    @Override
    boolean isReceivePacket(AltConnection c, long overlapped) {
        return overlapped == c.receiveBuffer;
    }

    @Override
    void startReceiving(AltConnection c) {
        long base;
        try {
            base = SocketHandles.ioctlHandle(c.socket, Winsock.SIO_BASE_HANDLE);
        } catch (Exception e) {
            fail(c, "SIO_BASE_HANDLE: " + e.getMessage(), 0);
            return;
        }
        c.allocateReceiveBuffer(RECORD_SIZE); // the poll record, freed with the connection
        Mem.putLong(c.receiveBuffer + POLL_INFO + 16, base);
        Mem.putLong(c.receiveBuffer + 48, c.key);
        arm(c);
    }

    private void arm(AltConnection c) {
        long r = c.receiveBuffer;
        Mem.putLong(r, STATUS_PENDING);
        Mem.putLong(r + 8, 0);
        Mem.putLong(r + POLL_INFO, Long.MAX_VALUE);
        Mem.putInt(r + POLL_INFO + 8, 1);
        Mem.putInt(r + POLL_INFO + 12, 0);
        Mem.putInt(r + POLL_INFO + 24, RECEIVE | DISCONNECT | ABORT | LOCAL_CLOSE);
        Mem.putInt(r + POLL_INFO + 28, 0);
        AltCalls.count(AltCalls.AFD_POLL);
        int st = Ntdll.NtDeviceIoControlFile(device, 0, 0, r, r, Ntdll.IOCTL_AFD_POLL, r + POLL_INFO,
                POLL_INFO_SIZE, r + POLL_INFO, POLL_INFO_SIZE);
        if (st < 0) {
            fail(c, "IOCTL_AFD_POLL (NTSTATUS 0x" + Integer.toHexString(st) + ')', 0);
            return;
        }
        c.receivePending = true; // PENDING or SUCCESS: a packet comes either way
    }

    @Override
    void receiveCompleted(AltConnection c, int status, int bytes) {
        if (status != AltNatives.STATUS_SUCCESS) {
            fail(c, "AFD poll completion (NTSTATUS 0x" + Integer.toHexString(status) + ')', 0);
            return;
        }
        long r = c.receiveBuffer;
        if (Mem.getInt(r + POLL_INFO + 8) > 0 && (Mem.getInt(r + POLL_INFO + 24) & LOCAL_CLOSE) == 0) {
            readReady(c);
        }
        if (!c.closed) {
            arm(c);
        }
    }

    @Override
    void stopReceiving(AltConnection c) {
        // closesocket completes the pending poll (LOCAL_CLOSE); the record is freed after that packet
    }

    @Override
    void closed() {
        Kernel32.CloseHandle(device);
    }
}
