package io.tofunetty.afd.internal.win32;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * ntdll, by JNA direct mapping: handles and pointers are {@code long} addresses, NTSTATUS is {@code int}.
 * Loading this class on a non-Windows system throws {@link UnsatisfiedLinkError}; check {@link io.tofunetty.afd.Afd}
 * first. Nt* calls return their status, so callers never need GetLastError.
 */
public final class Ntdll {
    /** IOCTL_AFD_POLL = (FILE_DEVICE_NETWORK 0x12 << 12) | (9 << 2) | METHOD_BUFFERED. */
    public static final int IOCTL_AFD_POLL = 0x00012024;
    public static final int SYNCHRONIZE = 0x00100000;
    public static final int FILE_SHARE_READ = 1;
    public static final int FILE_SHARE_WRITE = 2;
    public static final int FILE_OPEN = 1;
    public static final int OBJ_CASE_INSENSITIVE = 0x40;

    static {
        Native.register(Ntdll.class, NativeLibrary.getInstance("ntdll"));
    }

    private Ntdll() {
    }

    /**
     * NtCreateFile(&handle, access, &objectAttributes, &ioStatusBlock, allocationSize, fileAttributes, shareAccess,
     * createDisposition, createOptions, eaBuffer, eaLength). CreateOptions 0 opens an asynchronous handle.
     */
    public static native int NtCreateFile(long fileHandleOut, int desiredAccess, long objectAttributes,
                                          long ioStatusBlock, long allocationSize, int fileAttributes,
                                          int shareAccess, int createDisposition, int createOptions,
                                          long eaBuffer, int eaLength);

    /**
     * NtDeviceIoControlFile. For AFD polls: event 0, apcRoutine 0, apcContext = the record address (comes back as
     * lpOverlapped, must be non-zero), ioStatusBlock = record + 0, input = output = record + 16, 32 bytes.
     * Returns STATUS_PENDING or STATUS_SUCCESS (a packet is queued in both cases) or a failure (no packet).
     */
    public static native int NtDeviceIoControlFile(long fileHandle, long event, long apcRoutine, long apcContext,
                                                   long ioStatusBlock, int ioControlCode, long inputBuffer,
                                                   int inputBufferLength, long outputBuffer,
                                                   int outputBufferLength);

    /** Cancels the request whose IO_STATUS_BLOCK is {@code ioRequestToCancel}. SUCCESS or NOT_FOUND are both fine. */
    public static native int NtCancelIoFileEx(long fileHandle, long ioRequestToCancel, long ioStatusBlock);

    /** Maps an NTSTATUS to a Win32 error code (STATUS_INVALID_HANDLE and OBJECT_TYPE_MISMATCH both give 6). */
    public static native int RtlNtStatusToDosError(int status);
}
