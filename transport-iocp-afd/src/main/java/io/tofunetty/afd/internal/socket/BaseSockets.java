package io.tofunetty.afd.internal.socket;

import io.tofunetty.afd.internal.win32.Win32Errors;

import io.tofunetty.afd.internal.poll.AfdDriver;
import io.tofunetty.afd.internal.win32.Winsock;


import java.io.IOException;

/**
 * Finds the base provider socket that AFD must poll (wepoll's sock__get_base_socket).
 *
 * <p>SIO_BASE_HANDLE is tried first. Some layered service providers (Komodia-based products) deliberately fail it;
 * then SIO_BSP_HANDLE_POLL gives the socket of the next protocol-chain entry, and SIO_BASE_HANDLE is tried again on
 * that one, until it succeeds. Never falls back silently to the wrapped socket: polling it can miss events.
 */
public final class BaseSockets {
    private static final int MAX_LAYERS = 16;

    private BaseSockets() {
    }

    public static long resolve(AfdDriver driver, long socket) throws IOException {
        long current = socket;
        IOException baseFailure = null;
        for (int layer = 0; layer < MAX_LAYERS; layer++) {
            try {
                return driver.queryHandle(current, Winsock.SIO_BASE_HANDLE);
            } catch (IOException e) {
                if (WinsockExceptions.errorCode(e) == Win32Errors.WSAENOTSOCK) {
                    throw new IOException("cannot poll handle 0x" + Long.toHexString(socket)
                            + ": not a socket (SIO_BASE_HANDLE failed with " + Win32Errors.describe(WinsockExceptions.errorCode(e))
                            + "); the AFD transport polls Winsock (MSAFD) sockets only", e);
                }
                if (baseFailure == null) {
                    baseFailure = e;
                }
            }
            long next;
            try {
                next = driver.queryHandle(current, Winsock.SIO_BSP_HANDLE_POLL);
            } catch (IOException e) {
                throw lspFailure(socket, baseFailure, "SIO_BSP_HANDLE_POLL failed with "
                        + Win32Errors.describe(WinsockExceptions.errorCode(e)), e);
            }
            if (next == current || next == Winsock.INVALID_SOCKET || next == 0) {
                throw lspFailure(socket, baseFailure, "SIO_BSP_HANDLE_POLL returned 0x" + Long.toHexString(next)
                        + " (no further layer)", null);
            }
            current = next;
        }
        throw lspFailure(socket, baseFailure, "more than " + MAX_LAYERS + " provider layers", null);
    }

    private static IOException lspFailure(long socket, IOException baseFailure, String fallback,
                                          Throwable cause) {
        IOException e = new IOException("cannot find the base handle of socket 0x" + Long.toHexString(socket)
                + ": SIO_BASE_HANDLE failed with " + Win32Errors.describe(WinsockExceptions.errorCode(baseFailure)) + " and "
                + fallback + ". A layered service provider (LSP, installed by some antivirus, VPN or traffic-"
                + "inspection software) wraps this socket and hides the handle AFD polls must use. "
                + "List providers with `netsh winsock show catalog`; remove or update the LSP (or run "
                + "`netsh winsock reset`), or use Netty's NIO transport on this machine.", cause);
        e.addSuppressed(baseFailure);
        return e;
    }
}
