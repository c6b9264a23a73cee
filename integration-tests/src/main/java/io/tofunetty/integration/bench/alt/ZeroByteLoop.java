package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.util.function.Consumer;

/**
 * Design (b), zero-byte receives: every socket has one overlapped WSARecv of zero bytes posted. It pins no buffer and
 * completes when data (or the end of the stream) is there, without consuming it; then non-blocking recv() into the
 * loop's one shared buffer reads what is there, and the zero-byte receive is posted again. A received message costs
 * the wait, the recv and the re-post (as an AFD poll does), and the echo's send.
 */
final class ZeroByteLoop extends AltLoop {
    ZeroByteLoop(String name, boolean skipOnSuccess, int readBufferSize, Consumer<String> errors) {
        super(name, skipOnSuccess, readBufferSize, errors);
    }

    @Override
    void startReceiving(AltConnection c) {
        post(c);
    }

    private void post(AltConnection c) {
        int empty = 0;
        while (!c.closed) {
            // A zero-length WSABUF still needs a valid address on some providers: point it at the shared buffer.
            int rc = postReceive(c, readBuffer, 0);
            if (rc == 0 && skipsCompletionOnSuccess()) {
                // readable now, and no packet will come; a receive that keeps completing on an empty socket would spin
                if (!readReady(c) && ++empty > 1000) {
                    fail(c, "zero-byte WSARecv keeps completing at once on an empty socket", 0);
                    return;
                }
                continue;
            }
            if (rc == 0 || Winsock.lastError() == Win32Errors.ERROR_IO_PENDING) {
                c.receivePending = true;
                return;
            }
            fail(c, "WSARecv(0 bytes)", Winsock.lastError());
            return;
        }
    }

    @Override
    void receiveCompleted(AltConnection c, int status, int bytes) {
        if (status != AltNatives.STATUS_SUCCESS) {
            fail(c, "zero-byte WSARecv completion (NTSTATUS 0x" + Integer.toHexString(status) + ')', 0);
            return;
        }
        readReady(c);
        post(c);
    }

    @Override
    void stopReceiving(AltConnection c) {
        // nothing pinned: the cancelled zero-byte receive's packet only clears receivePending
    }
}
