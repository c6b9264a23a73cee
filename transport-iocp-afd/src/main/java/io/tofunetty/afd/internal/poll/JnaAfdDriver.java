package io.tofunetty.afd.internal.poll;

import io.tofunetty.afd.internal.socket.SocketHandles;
import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.receive.ReceiveRecord;
import io.tofunetty.afd.internal.win32.NativeCallCounter;
import io.tofunetty.afd.internal.win32.NtStatus;
import io.tofunetty.afd.internal.win32.Ntdll;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;


import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The Windows implementation of {@link AfdDriver}: one I/O completion port and AFD device handles opened with
 * NtCreateFile(\Device\Afd\&lt;name&gt;). Hot calls (arm, cancel, dequeue, wake) are JNA direct-mapped with long
 * arguments and allocate nothing.
 */
public final class JnaAfdDriver implements AfdDriver {
    /*
     * NtCreateFile's arguments live in one native block (x64 layouts, as in winternl.h / wdm.h):
     *   0  handle out (8)   8 IO_STATUS_BLOCK (16)   24 UNICODE_STRING (16)   40 OBJECT_ATTRIBUTES (48)   88 name (UTF-16)
     */
    private static final int OPEN_BLOCK_HANDLE = 0;
    private static final int OPEN_BLOCK_IOSB = 8;
    private static final int OPEN_BLOCK_UNICODE_STRING = 24;
    private static final int OPEN_BLOCK_OBJECT_ATTRIBUTES = 40;
    private static final int OPEN_BLOCK_NAME = 88;
    /** UNICODE_STRING: USHORT Length (bytes, no terminator), USHORT MaximumLength, PWSTR Buffer. */
    private static final int US_LENGTH = 0;
    private static final int US_MAXIMUM_LENGTH = 2;
    private static final int US_BUFFER = 8;
    /** OBJECT_ATTRIBUTES: ULONG Length, HANDLE RootDirectory, PUNICODE_STRING ObjectName, ULONG Attributes, two PVOIDs. */
    private static final int OA_SIZE = 48;
    private static final int OA_LENGTH = 0;
    private static final int OA_ROOT_DIRECTORY = 8;
    private static final int OA_OBJECT_NAME = 16;
    private static final int OA_ATTRIBUTES = 24;
    private static final int OA_SECURITY_DESCRIPTOR = 32;
    private static final int OA_SECURITY_QUALITY_OF_SERVICE = 40;
    /** Scratch layout: GQCSEx's "entries removed" out-cell at 0 (8 bytes), the cancel's IO_STATUS_BLOCK at 16. */
    private static final int SCRATCH_REMOVED = 0;
    private static final int SCRATCH_CANCEL_IOSB = 16;
    private static final int SCRATCH_SIZE = 32;

    private final long port;
    private final String deviceName;
    /** Scratch: out-cell for GQCSEx's "removed" count (8 bytes) and the cancel IO_STATUS_BLOCK (16 bytes). */
    private final long scratch;
    private volatile boolean closed;

    /**
     * Creates the completion port.
     *
     * @param deviceSuffix the free-text suffix of \Device\Afd\&lt;suffix&gt; (cannot be empty)
     */
    public JnaAfdDriver(String deviceSuffix) throws IOException {
        if (deviceSuffix == null || deviceSuffix.isEmpty() || deviceSuffix.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("AFD device suffix must be non-empty and contain no backslash: "
                    + deviceSuffix);
        }
        Winsock.startup();
        this.deviceName = "\\Device\\Afd\\" + deviceSuffix;
        long p = Kernel32.CreateIoCompletionPort(Kernel32.INVALID_HANDLE_VALUE, 0, 0, 0);
        if (p == 0) {
            throw win32("CreateIoCompletionPort", Kernel32.lastError());
        }
        this.port = p;
        AfdCounters.nativeHandleOpened();
        this.scratch = Mem.allocate(SCRATCH_SIZE);
    }

    @Override
    public long openDevice() throws IOException {
        byte[] name = deviceName.getBytes(StandardCharsets.UTF_16LE);
        long m = Mem.allocate(OPEN_BLOCK_NAME + name.length + 2);
        try {
            long handleOut = m + OPEN_BLOCK_HANDLE;
            long iosb = m + OPEN_BLOCK_IOSB;
            long us = m + OPEN_BLOCK_UNICODE_STRING;
            long oa = m + OPEN_BLOCK_OBJECT_ATTRIBUTES;
            long buffer = m + OPEN_BLOCK_NAME;
            Mem.copy(name, 0, buffer, name.length);
            Mem.putShort(us + US_LENGTH, (short) name.length);
            Mem.putShort(us + US_MAXIMUM_LENGTH, (short) (name.length + 2));
            Mem.putLong(us + US_BUFFER, buffer);
            Mem.putInt(oa + OA_LENGTH, OA_SIZE);
            Mem.putLong(oa + OA_ROOT_DIRECTORY, 0);
            Mem.putLong(oa + OA_OBJECT_NAME, us);
            Mem.putInt(oa + OA_ATTRIBUTES, 0);
            Mem.putLong(oa + OA_SECURITY_DESCRIPTOR, 0);
            Mem.putLong(oa + OA_SECURITY_QUALITY_OF_SERVICE, 0);
            int st = Ntdll.NtCreateFile(handleOut, Ntdll.SYNCHRONIZE, oa, iosb, 0, 0,
                    Ntdll.FILE_SHARE_READ | Ntdll.FILE_SHARE_WRITE, Ntdll.FILE_OPEN, 0, 0, 0);
            if (st != NtStatus.SUCCESS) {
                throw new IOException("NtCreateFile(" + deviceName + ") failed: " + NtStatus.describe(st)
                        + ", Win32 error " + Win32Errors.describe(Ntdll.RtlNtStatusToDosError(st))
                        + " (Wine before 7.13 cannot open the AFD device)");
            }
            long device = Mem.getLong(handleOut);
            if (Kernel32.CreateIoCompletionPort(device, port, KEY_AFD, 0) != port) {
                int err = Kernel32.lastError();
                Kernel32.CloseHandle(device);
                throw win32("CreateIoCompletionPort(AFD device)", err);
            }
            // Skip only the event signal. FILE_SKIP_COMPLETION_PORT_ON_SUCCESS is never set: a poll that succeeds at
            // once must still queue its packet, which AfdPoller waits for (docs/afd-transport-internals.md).
            if (Kernel32.SetFileCompletionNotificationModes(device, Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE) == 0) {
                int err = Kernel32.lastError();
                Kernel32.CloseHandle(device);
                throw win32("SetFileCompletionNotificationModes", err);
            }
            AfdCounters.nativeHandleOpened();
            return device;
        } finally {
            Mem.free(m);
        }
    }

    @Override
    public int arm(long device, long record) {
        long info = record + AfdPoller.OFF_POLL_INFO;
        NativeCallCounter.count(NativeCallCounter.POLL);
        return Ntdll.NtDeviceIoControlFile(device, 0, 0, record, record + AfdPoller.OFF_IOSB_STATUS,
                Ntdll.IOCTL_AFD_POLL, info, AfdPoller.POLL_INFO_SIZE, info, AfdPoller.POLL_INFO_SIZE);
    }

    @Override
    public int cancel(long device, long record) {
        NativeCallCounter.count(NativeCallCounter.CANCEL);
        return Ntdll.NtCancelIoFileEx(device, record + AfdPoller.OFF_IOSB_STATUS, scratch + SCRATCH_CANCEL_IOSB);
    }

    @Override
    public int dequeue(long entries, int max, int timeoutMillis) throws IOException {
        NativeCallCounter.count(NativeCallCounter.GQCS_EX);
        if (Kernel32.GetQueuedCompletionStatusEx(port, entries, max, scratch + SCRATCH_REMOVED, timeoutMillis, 0) != 0) {
            return Mem.getInt(scratch + SCRATCH_REMOVED);
        }
        int err = Kernel32.lastError();
        if (err == Win32Errors.WAIT_TIMEOUT) {
            return 0;
        }
        throw win32("GetQueuedCompletionStatusEx", err);
    }

    @Override
    public void wake() {
        // Serialised with close(): posting to a closed port handle could reach an unrelated object that reused the
        // handle value. Wake-ups are coalesced by the handler, so this lock is rarely contended.
        synchronized (this) {
            NativeCallCounter.count(NativeCallCounter.PQCS);
            if (!closed && Kernel32.PostQueuedCompletionStatus(port, 0, KEY_WAKE, 0) == 0) {
                throw new IllegalStateException(win32("PostQueuedCompletionStatus", Kernel32.lastError())
                        .getMessage());
            }
        }
    }

    /** Posts an arbitrary packet (tests and diagnostics). */
    public synchronized boolean post(int bytes, long key, long overlapped) {
        return !closed && Kernel32.PostQueuedCompletionStatus(port, bytes, key, overlapped) != 0;
    }

    @Override
    public int toWin32Error(int ntStatus) {
        return Ntdll.RtlNtStatusToDosError(ntStatus);
    }

    @Override
    public boolean supportsReceives() {
        return true;
    }

    @Override
    public int associate(long socket) {
        return Kernel32.CreateIoCompletionPort(socket, port, KEY_RECEIVE, 0) != 0 ? 0 : Kernel32.lastError();
    }

    @Override
    public int skipCompletionPortOnSuccess(long socket) {
        byte modes = Kernel32.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | Kernel32.FILE_SKIP_SET_EVENT_ON_HANDLE;
        return Kernel32.SetFileCompletionNotificationModes(socket, modes) != 0 ? 0 : Kernel32.lastError();
    }

    @Override
    public int receive(long socket, long record, long buffer, int length) {
        ReceiveRecord.prepare(record, buffer, length);
        NativeCallCounter.count(NativeCallCounter.WSARECV);
        int rc = Winsock.WSARecv(socket, record + ReceiveRecord.OFF_WSABUF, 1, record + ReceiveRecord.OFF_BYTES,
                record + ReceiveRecord.OFF_FLAGS, record, 0);
        return rc == 0 ? 0 : Winsock.lastError(); // WSA_IO_PENDING is ERROR_IO_PENDING (997)
    }

    @Override
    public int cancelReceive(long socket, long record) {
        NativeCallCounter.count(NativeCallCounter.CANCEL_IO);
        return Kernel32.CancelIoEx(socket, record) != 0 ? 0 : Kernel32.lastError();
    }

    @Override
    public long queryHandle(long socket, int ioctl) throws IOException {
        return SocketHandles.ioctlHandle(socket, ioctl);
    }

    @Override
    public void closeDevice(long device) {
        Kernel32.CloseHandle(device);
        AfdCounters.nativeHandleClosed();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Kernel32.CloseHandle(port);
            AfdCounters.nativeHandleClosed();
            Mem.free(scratch);
        }
    }

    private static IOException win32(String call, int error) {
        return new IOException(call + " failed: Win32 error " + Win32Errors.describe(error));
    }
}
