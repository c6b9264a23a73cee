package io.tofunetty.afd.internal.win32;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * kernel32, by JNA direct mapping: handles and pointers are {@code long}, BOOL is {@code int} (non-zero = TRUE).
 * After a call that reports failure, read the error with {@link #lastError()} (JNA saves it after each call); after a
 * successful call the value is stale and meaningless.
 */
public final class Kernel32 {
    public static final long INVALID_HANDLE_VALUE = -1L;
    public static final int INFINITE = 0xFFFFFFFF;
    /** The largest finite GetQueuedCompletionStatusEx timeout. */
    public static final int MAX_FINITE_TIMEOUT = 0xFFFFFFFE;
    public static final byte FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 1;
    public static final byte FILE_SKIP_SET_EVENT_ON_HANDLE = 2;
    /** sizeof(OVERLAPPED_ENTRY) on x64: lpCompletionKey 0:8, lpOverlapped 8:8, Internal 16:8, bytes 24:4, pad. */
    public static final int OVERLAPPED_ENTRY_SIZE = 32;
    public static final int OVERLAPPED_ENTRY_COMPLETION_KEY = 0;
    public static final int OVERLAPPED_ENTRY_OVERLAPPED = 8;
    public static final int OVERLAPPED_ENTRY_BYTES = 24;

    static {
        Native.register(Kernel32.class, NativeLibrary.getInstance("kernel32"));
    }

    private Kernel32() {
    }

    /** The Win32 error saved by JNA right after the last native call on this thread. */
    public static int lastError() {
        return Native.getLastError();
    }

    /** CreateIoCompletionPort(fileHandle, existingPort, completionKey, concurrentThreads); 0 on failure. */
    public static native long CreateIoCompletionPort(long fileHandle, long existingCompletionPort,
                                                     long completionKey, int numberOfConcurrentThreads);

    /**
     * GetQueuedCompletionStatusEx(port, entries, count, &removed, milliseconds, alertable). FALSE with WAIT_TIMEOUT
     * (258) on timeout.
     */
    public static native int GetQueuedCompletionStatusEx(long completionPort, long entries, int count,
                                                         long numEntriesRemovedOut, int milliseconds,
                                                         int alertable);

    /** PostQueuedCompletionStatus(port, bytes, key, overlapped). */
    public static native int PostQueuedCompletionStatus(long completionPort, int numberOfBytesTransferred,
                                                        long completionKey, long overlapped);

    public static native int SetFileCompletionNotificationModes(long fileHandle, byte flags);

    public static native int CloseHandle(long handle);

    /** CancelIoEx(handle, overlapped): the kernel32 form of NtCancelIoFileEx. */
    public static native int CancelIoEx(long fileHandle, long overlapped);

    public static native int GetCurrentProcessId();

    // ------------------------------------------------------------------------------------------ files

    public static final int FILE_READ_ATTRIBUTES = 0x80;
    public static final int DELETE = 0x00010000;
    public static final int FILE_SHARE_READ_WRITE_DELETE = 7;
    public static final int OPEN_EXISTING = 3;
    /** Open the reparse point itself, never what it points to. */
    public static final int FILE_FLAG_OPEN_REPARSE_POINT = 0x00200000;
    /** Needed to open a directory. */
    public static final int FILE_FLAG_BACKUP_SEMANTICS = 0x02000000;
    /** FILE_INFO_BY_HANDLE_CLASS FileAttributeTagInfo: FILE_ATTRIBUTE_TAG_INFO {FileAttributes 0:4, ReparseTag 4:4}. */
    public static final int FILE_ATTRIBUTE_TAG_INFO_CLASS = 9;
    /** FILE_INFO_BY_HANDLE_CLASS FileDispositionInfo: FILE_DISPOSITION_INFO {DeleteFile (BOOLEAN) 0:1}. */
    public static final int FILE_DISPOSITION_INFO_CLASS = 4;
    public static final int FILE_ATTRIBUTE_DIRECTORY = 0x10;
    public static final int FILE_ATTRIBUTE_REPARSE_POINT = 0x400;
    public static final int ERROR_FILE_NOT_FOUND = 2;
    public static final int ERROR_PATH_NOT_FOUND = 3;

    /** CreateFileW with a NUL-terminated UTF-16 name; {@link #INVALID_HANDLE_VALUE} on failure. */
    public static native long CreateFileW(char[] fileName, int desiredAccess, int shareMode, long securityAttributes,
                                          int creationDisposition, int flagsAndAttributes, long templateFile);

    public static native int GetFileInformationByHandleEx(long file, int infoClass, long info, int size);

    public static native int SetFileInformationByHandle(long file, int infoClass, long info, int size);
}
