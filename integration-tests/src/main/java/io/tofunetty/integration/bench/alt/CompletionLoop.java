package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;

import java.util.function.Consumer;

/**
 * Design (a), completion reads: every socket always has one overlapped WSARecv posted into its own buffer, which stays
 * pinned until the receive's packet arrives; the packet carries the data, so a received message costs the wait that
 * returned it and the re-post, and the echo's send. With FILE_SKIP_COMPLETION_PORT_ON_SUCCESS a receive that finds
 * data already queued completes inside WSARecv and queues no packet: the data is handled at once and the next
 * receive posted (pipelined traffic then needs no wait at all).
 *
 * <p>Cost: {@code bufferSize} bytes of native memory per connection for as long as the receive is pending, and a
 * socket associated with this port stays bound to it for life.
 *
 * <p>The hybrid variant ({@code idleSweepMillis > 0}) pins nothing for idle connections: every sweep period, a
 * connection whose data receive has not completed since the last sweep has it cancelled (CancelIoEx); when the
 * cancelled receive's packet arrives its buffer is freed and a zero-byte receive posted instead. When that one fires,
 * recv() reads what arrived into the loop's buffer and the connection goes back to data receives. Busy connections
 * (ping-pong included) never notice; an idle period costs one cancel, one packet and one zero-byte receive.
 */
final class CompletionLoop extends AltLoop {
    private final int bufferSize;
    private final long idleSweepNanos;
    private long nextSweep;

    CompletionLoop(String name, boolean skipOnSuccess, int bufferSize, long idleSweepMillis, Consumer<String> errors) {
        // the hybrid reads what woke an idle connection into the loop's buffer
        super(name, skipOnSuccess, idleSweepMillis > 0 ? bufferSize : 0, errors);
        this.bufferSize = bufferSize;
        idleSweepNanos = idleSweepMillis * 1_000_000L;
        nextSweep = System.nanoTime() + idleSweepNanos;
    }

    @Override
    void startReceiving(AltConnection c) {
        post(c);
    }

    private void post(AltConnection c) {
        while (!c.closed) {
            int rc;
            if (c.zeroByteReceive) {
                // any valid address will do for a zero-length buffer: the connection's own block
                rc = postReceive(c, c.block, 0);
            } else {
                if (c.receiveBuffer == 0) {
                    c.allocateReceiveBuffer(bufferSize);
                }
                rc = postReceive(c, c.receiveBuffer, c.receiveBufferSize);
            }
            if (rc == 0 && skipsCompletionOnSuccess()) {
                // done at once and no packet comes for it: handle it now, then post the next receive
                if (c.zeroByteReceive) {
                    wokeFromIdle(c);
                    continue;
                }
                int n = Mem.getInt(c.block + AltConnection.RECV_BYTES);
                if (n == 0) {
                    endOfStream(c);
                    return;
                }
                c.receivedSinceSweep = true;
                deliver(c, c.receiveBuffer, n);
                continue;
            }
            if (rc == 0 || Winsock.lastError() == Win32Errors.ERROR_IO_PENDING) {
                c.receivePending = true;
                return;
            }
            fail(c, "WSARecv", Winsock.lastError());
            return;
        }
    }

    /** Hybrid: the zero-byte receive says data is there; read it and go back to data receives. */
    private void wokeFromIdle(AltConnection c) {
        c.zeroByteReceive = false;
        c.receivedSinceSweep = true;
        readReady(c);
    }

    @Override
    void receiveCompleted(AltConnection c, int status, int bytes) {
        if (c.receiveCancelling) {
            c.receiveCancelling = false;
            if (status == AltNatives.STATUS_CANCELLED) {
                // the kernel is done with the buffer only now: free it, and wait for data without one
                c.freeReceiveBuffer();
                c.zeroByteReceive = true;
                post(c);
                return;
            }
            // the receive completed before the cancel reached it: an ordinary completion
        }
        if (status != AltNatives.STATUS_SUCCESS) {
            fail(c, "WSARecv completion (NTSTATUS 0x" + Integer.toHexString(status) + ')', 0);
            return;
        }
        if (c.zeroByteReceive) {
            wokeFromIdle(c);
            post(c);
            return;
        }
        if (bytes == 0) {
            endOfStream(c);
            return;
        }
        c.receivedSinceSweep = true;
        deliver(c, c.receiveBuffer, bytes);
        post(c); // with skip-on-success, data already queued is received (and delivered) inline
    }

    @Override
    int timerMillis() {
        if (idleSweepNanos == 0) {
            return Kernel32.INFINITE;
        }
        return (int) Math.max(0, (nextSweep - System.nanoTime() + 999_999) / 1_000_000);
    }

    @Override
    void timer() {
        if (idleSweepNanos == 0 || System.nanoTime() < nextSweep) {
            return;
        }
        nextSweep = System.nanoTime() + idleSweepNanos;
        for (AltConnection c : connections()) {
            if (c.receivePending && !c.zeroByteReceive && !c.receiveCancelling && !c.receivedSinceSweep) {
                AltCalls.count(AltCalls.CANCEL);
                if (Kernel32.CancelIoEx(c.socket, c.receiveOverlapped()) != 0) {
                    c.receiveCancelling = true;
                } // else ERROR_NOT_FOUND: it has just completed; its packet is on its way
            }
            c.receivedSinceSweep = false;
        }
    }

    @Override
    void stopReceiving(AltConnection c) {
        // closesocket cancels the pending receive; the buffer is freed only after its packet (AltLoop.maybeFree)
    }
}
