package io.tofunetty.integration.bench.alt;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * The few Windows calls the prototypes need beyond the transport's bindings ({@code Winsock}, {@code Kernel32}), by
 * JNA direct mapping (handles and pointers as {@code long}).
 */
final class AltNatives {
    static final int FD_READ = 0x01;
    static final int FD_CLOSE = 0x20;
    static final int STATUS_SUCCESS = 0;
    static final int STATUS_CANCELLED = 0xC0000120;
    /** GENERIC_READ | GENERIC_WRITE: the access the polling crate asks for its wait completion packets. */
    static final int WAIT_PACKET_ACCESS = 0x80000000 | 0x40000000;

    private AltNatives() {
    }

    /** ws2_32: event-select. */
    static final class Ws2 {
        static {
            Native.register(Ws2.class, NativeLibrary.getInstance("ws2_32"));
        }

        private Ws2() {
        }

        /** WSAEventSelect(s, event, networkEvents): 0 or SOCKET_ERROR. 0/0 cancels the association. */
        static native int WSAEventSelect(long s, long event, int networkEvents);
    }

    /** kernel32: events. */
    static final class Events {
        static {
            Native.register(Events.class, NativeLibrary.getInstance("kernel32"));
        }

        private Events() {
        }

        /** CreateEventW(NULL, manualReset, initialState, NULL); 0 on failure. */
        static native long CreateEventW(long attributes, int manualReset, int initialState, long name);
    }

    /**
     * ntdll's wait completion packets (Windows 8 and later; undocumented but stable, used by the Windows thread pool
     * and by the Rust polling crate): a packet that the kernel queues to a completion port when an object is
     * signalled. Bound lazily and separately: a direct mapping fails for the whole class when one export is missing,
     * and {@link #unavailableReason()} must be able to name the missing export first.
     */
    static final class WaitPackets {
        static {
            Native.register(WaitPackets.class, NativeLibrary.getInstance("ntdll"));
        }

        private WaitPackets() {
        }

        /** NtCreateWaitCompletionPacket(&handle, access, objectAttributes): NTSTATUS. */
        static native int NtCreateWaitCompletionPacket(long handleOut, int desiredAccess, long objectAttributes);

        /**
         * NtAssociateWaitCompletionPacket(packet, port, target, keyContext, apcContext, ioStatus, ioStatusInformation,
         * &alreadySignaled): arms the packet once; when {@code target} is signalled (and the wait satisfied, which
         * resets an auto-reset event) the packet is queued to {@code port} with the given key and apcContext.
         */
        static native int NtAssociateWaitCompletionPacket(long packet, long port, long target, long keyContext,
                                                          long apcContext, int ioStatus, long ioStatusInformation,
                                                          long alreadySignaledOut);

        /** NtCancelWaitCompletionPacket(packet, removeSignaledPacket): NTSTATUS. */
        static native int NtCancelWaitCompletionPacket(long packet, int removeSignaledPacket);
    }

    /**
     * Null when ntdll exports the three wait-packet functions, else which one is missing (looked up by name, as the
     * loader would).
     */
    static String waitPacketsUnavailableReason() {
        NativeLibrary ntdll;
        try {
            ntdll = NativeLibrary.getInstance("ntdll");
        } catch (UnsatisfiedLinkError e) {
            return "no ntdll: " + e.getMessage();
        }
        StringBuilder missing = new StringBuilder();
        for (String f : new String[] {"NtCreateWaitCompletionPacket", "NtAssociateWaitCompletionPacket",
                "NtCancelWaitCompletionPacket"}) {
            try {
                ntdll.getFunction(f);
            } catch (UnsatisfiedLinkError e) {
                missing.append(missing.length() == 0 ? "" : ", ").append(f);
            }
        }
        if (missing.length() == 0) {
            return null;
        }
        return "ntdll.dll does not export " + missing + " (GetProcAddress fails)";
    }
}
