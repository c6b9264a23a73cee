package io.tofunetty.afd.internal.receive;

import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.win32.Winsock;

/**
 * Whether FILE_SKIP_COMPLETION_PORT_ON_SUCCESS may be set on TCP sockets.
 *
 * <p>With the flag, a WSARecv that finds data already queued completes inside the call and queues no packet; the
 * caller handles it at once. A layered service provider that does not hand out real file handles (a non-IFS LSP:
 * no XP1_IFS_HANDLES in its catalog entry) may still queue a packet for such a receive, which would then be
 * handled twice. libuv (src/win/winsock.c, uv__tcp_non_ifs_lsp_ipv4/ipv6) and Go (internal/poll/fd_windows.go,
 * checkSetFileCompletionNotificationModes) check the catalog the same way and leave the flag off when any TCP
 * provider lacks XP1_IFS_HANDLES. Without the flag every receive completes through the port: correct, one packet
 * more per receive that found data waiting.
 */
public final class SkipOnSuccess {
    /** XP1_IFS_HANDLES: the provider's sockets are installable-file-system handles. */
    static final int XP1_IFS_HANDLES = 0x00020000;
    private static final int PROTOCOL_INFO_SIZE = 628;
    private static final int OFF_SERVICE_FLAGS1 = 0;
    private static final int OFF_ADDRESS_FAMILY = 76;
    private static final int OFF_PROTOCOL = 92;
    private static final int IPPROTO_TCP = 6;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 23;

    private static volatile Boolean safe;

    private SkipOnSuccess() {
    }

    /** Whether every TCP provider in the Winsock catalog has XP1_IFS_HANDLES (read once, then cached). */
    public static boolean isSafeForTcp() {
        Boolean s = safe;
        if (s == null) {
            s = readCatalog();
            safe = s;
        }
        return s;
    }

    private static boolean readCatalog() {
        try {
            Winsock.startup();
        } catch (java.io.IOException e) {
            return false;
        }
        long lengthCell = Mem.allocate(8 + 8);
        long protocols = lengthCell + 8; // { IPPROTO_TCP, 0 }
        long buffer = 0;
        try {
            Mem.putInt(protocols, IPPROTO_TCP);
            Mem.putInt(protocols + 4, 0);
            int length = 16 * PROTOCOL_INFO_SIZE;
            for (int attempt = 0; attempt < 3; attempt++) {
                buffer = Mem.allocate(length);
                Mem.putInt(lengthCell, length);
                int count = Winsock.WSAEnumProtocolsW(protocols, buffer, lengthCell);
                if (count >= 0) {
                    return allIfs(buffer, count);
                }
                int err = Winsock.lastError();
                Mem.free(buffer);
                buffer = 0;
                if (err != Win32Errors.WSAENOBUFS) {
                    return false; // the catalog cannot be read: do not assume
                }
                length = Math.max(Mem.getInt(lengthCell), length * 2);
            }
            return false;
        } finally {
            if (buffer != 0) {
                Mem.free(buffer);
            }
            Mem.free(lengthCell);
        }
    }

    private static boolean allIfs(long buffer, int count) {
        boolean sawTcp = false;
        for (int i = 0; i < count; i++) {
            long entry = buffer + (long) i * PROTOCOL_INFO_SIZE;
            int family = Mem.getInt(entry + OFF_ADDRESS_FAMILY);
            if (Mem.getInt(entry + OFF_PROTOCOL) != IPPROTO_TCP || family != AF_INET && family != AF_INET6) {
                continue;
            }
            sawTcp = true;
            if ((Mem.getInt(entry + OFF_SERVICE_FLAGS1) & XP1_IFS_HANDLES) == 0) {
                return false;
            }
        }
        return sawTcp;
    }
}
