package io.tofunetty.afd.internal.win32;

/** NTSTATUS values the transport meets, and their names. NT_SUCCESS(s) is {@code s >= 0}. */
public final class NtStatus {
    public static final int SUCCESS = 0x0;
    public static final int TIMEOUT = 0x102;
    public static final int PENDING = 0x103;
    public static final int HANDLES_CLOSED = 0x8000000A;
    public static final int INVALID_HANDLE = 0xC0000008;
    public static final int INVALID_PARAMETER = 0xC000000D;
    public static final int ACCESS_DENIED = 0xC0000022;
    public static final int OBJECT_TYPE_MISMATCH = 0xC0000024;
    public static final int OBJECT_NAME_NOT_FOUND = 0xC0000034;
    public static final int INSUFFICIENT_RESOURCES = 0xC000009A;
    public static final int NOT_SUPPORTED = 0xC00000BB;
    public static final int BAD_DEVICE_TYPE = 0xC00000CB;
    public static final int CANCELLED = 0xC0000120;
    public static final int NOT_FOUND = 0xC0000225;
    public static final int CONNECTION_REFUSED = 0xC0000236;
    public static final int CONNECTION_RESET = 0xC000020D;
    public static final int CONNECTION_ABORTED = 0xC0000241;
    public static final int NETWORK_UNREACHABLE = 0xC000023C;
    public static final int HOST_UNREACHABLE = 0xC000023D;
    public static final int IO_TIMEOUT = 0xC00000B5;

    private NtStatus() {
    }

    public static boolean isSuccess(int status) {
        return status >= 0;
    }

    /** The symbolic name, or "unknown NTSTATUS". */
    public static String name(int status) {
        switch (status) {
            case SUCCESS: return "STATUS_SUCCESS";
            case TIMEOUT: return "STATUS_TIMEOUT";
            case PENDING: return "STATUS_PENDING";
            case HANDLES_CLOSED: return "STATUS_HANDLES_CLOSED";
            case INVALID_HANDLE: return "STATUS_INVALID_HANDLE";
            case INVALID_PARAMETER: return "STATUS_INVALID_PARAMETER";
            case ACCESS_DENIED: return "STATUS_ACCESS_DENIED";
            case OBJECT_TYPE_MISMATCH: return "STATUS_OBJECT_TYPE_MISMATCH";
            case OBJECT_NAME_NOT_FOUND: return "STATUS_OBJECT_NAME_NOT_FOUND";
            case INSUFFICIENT_RESOURCES: return "STATUS_INSUFFICIENT_RESOURCES";
            case NOT_SUPPORTED: return "STATUS_NOT_SUPPORTED";
            case BAD_DEVICE_TYPE: return "STATUS_BAD_DEVICE_TYPE";
            case CANCELLED: return "STATUS_CANCELLED";
            case NOT_FOUND: return "STATUS_NOT_FOUND";
            case CONNECTION_REFUSED: return "STATUS_CONNECTION_REFUSED";
            case CONNECTION_RESET: return "STATUS_CONNECTION_RESET";
            case CONNECTION_ABORTED: return "STATUS_CONNECTION_ABORTED";
            case NETWORK_UNREACHABLE: return "STATUS_NETWORK_UNREACHABLE";
            case HOST_UNREACHABLE: return "STATUS_HOST_UNREACHABLE";
            case IO_TIMEOUT: return "STATUS_IO_TIMEOUT";
            default: return "unknown NTSTATUS";
        }
    }

    /** "0xC0000120 (STATUS_CANCELLED)". */
    public static String describe(int status) {
        return String.format("0x%08X (%s)", status, name(status));
    }
}
