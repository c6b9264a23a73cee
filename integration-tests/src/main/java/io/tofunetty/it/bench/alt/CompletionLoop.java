package io.tofunetty.it.bench.alt;

import io.tofunetty.afd.internal.Mem;
import io.tofunetty.afd.internal.Winsock;
import io.tofunetty.afd.internal.WinsockErrors;

import java.util.function.Consumer;

/**
 * Design (a), completion reads: every socket always has one overlapped WSARecv posted into its own buffer, which stays
 * pinned until the receive's packet arrives; the packet carries the data, so a received message costs the wait that
 * returned it and the re-post, and the echo's send. With FILE_SKIP_COMPLETION_PORT_ON_SUCCESS a receive that finds
 * data already queued completes inside WSARecv and queues no packet: the data is handled at once and the next
 * receive posted (pipelined traffic then needs no wait at all).
 *
 * <p>Cost: {@code bufferSize} bytes of native memory per connection, idle or not, for as long as the receive is
 * pending; and a socket associated with this port stays bound to it for life.
 */
final class CompletionLoop extends AltLoop {
    private final int bufferSize;

    CompletionLoop(String name, boolean skipOnSuccess, int bufferSize, Consumer<String> errors) {
        super(name, skipOnSuccess, errors);
        this.bufferSize = bufferSize;
    }

    @Override
    void startReceiving(AltConnection c) {
        c.receiveBuffer = Mem.allocate(bufferSize);
        c.receiveBufferSize = bufferSize;
        c.cork();
        post(c);
        c.uncork();
    }

    private void post(AltConnection c) {
        while (!c.closed) {
            Winsock.putWsaBuf(c.block + AltConnection.RECV_WSABUF, c.receiveBuffer, c.receiveBufferSize);
            Mem.putInt(c.block + AltConnection.RECV_FLAGS, 0);
            Mem.zero(c.receiveOverlapped(), 32);
            AltCalls.count(AltCalls.WSARECV);
            int rc = Winsock.WSARecv(c.socket, c.block + AltConnection.RECV_WSABUF, 1,
                    c.block + AltConnection.RECV_BYTES, c.block + AltConnection.RECV_FLAGS, c.receiveOverlapped(), 0);
            if (rc == 0 && skipsCompletionOnSuccess()) {
                int n = Mem.getInt(c.block + AltConnection.RECV_BYTES);
                if (n == 0) {
                    endOfStream(c);
                    return;
                }
                deliver(c, c.receiveBuffer, n);
                continue; // no packet comes for this one: post the next receive now
            }
            if (rc == 0 || Winsock.lastError() == WinsockErrors.ERROR_IO_PENDING) {
                c.receivePending = true;
                return;
            }
            fail(c, "WSARecv", Winsock.lastError());
            return;
        }
    }

    @Override
    void receiveCompleted(AltConnection c, int status, int bytes) {
        if (status != AltNatives.STATUS_SUCCESS) {
            fail(c, "WSARecv completion (NTSTATUS 0x" + Integer.toHexString(status) + ')', 0);
            return;
        }
        if (bytes == 0) {
            endOfStream(c);
            return;
        }
        c.cork();
        deliver(c, c.receiveBuffer, bytes);
        post(c); // with skip-on-success, data already queued is received (and delivered) inline
        c.uncork();
    }

    @Override
    void stopReceiving(AltConnection c) {
        // closesocket cancels the pending receive; the buffer is freed only after its packet (AltLoop.maybeFree)
    }
}
