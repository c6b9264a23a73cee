package io.tofunetty.integration.bench.alt;

import io.tofunetty.afd.internal.win32.Kernel32;
import io.tofunetty.afd.internal.win32.Mem;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.integration.bench.alt.AltNatives.WaitPackets;

import java.util.function.Consumer;

/**
 * Design (c), WSAEventSelect + wait completion packets: every socket gets an auto-reset event that Winsock signals on
 * FD_READ / FD_CLOSE (WSAEventSelect, once), and a wait completion packet (NtCreateWaitCompletionPacket, once) that
 * NtAssociateWaitCompletionPacket arms: when the event is signalled the kernel satisfies the wait (which resets the
 * auto-reset event, so no WSAEnumNetworkEvents or ResetEvent call is needed) and queues the packet to the port. Then
 * non-blocking recv() into the loop's shared buffer, and the packet is associated again. A received message costs the
 * wait, the recv and the re-association, and the echo's send.
 *
 * <p>Winsock re-enables FD_READ on every recv: if data is still queued after the recv, the event is signalled again
 * and the re-associated packet completes at once (level-triggered behaviour, as the docs of WSAEventSelect describe).
 *
 * <p>Needs ntdll's wait-packet functions (Windows 8 / Server 2012 and later):
 * {@link AltNatives#waitPacketsUnavailableReason}.
 */
final class EventSelectLoop extends AltLoop {
    EventSelectLoop(String name, int readBufferSize, Consumer<String> errors) {
        super(name, false, readBufferSize, errors);
    }

    @Override
    void startReceiving(AltConnection c) {
        c.event = AltNatives.Events.CreateEventW(0, 0, 0, 0); // auto-reset, not signalled
        if (c.event == 0) {
            fail(c, "CreateEventW", Kernel32.lastError());
            return;
        }
        if (AltNatives.Ws2.WSAEventSelect(c.socket, c.event, AltNatives.FD_READ | AltNatives.FD_CLOSE) != 0) {
            fail(c, "WSAEventSelect", Winsock.lastError());
            return;
        }
        int st = WaitPackets.NtCreateWaitCompletionPacket(c.block + AltConnection.HANDLE_OUT,
                AltNatives.WAIT_PACKET_ACCESS, 0);
        if (st != AltNatives.STATUS_SUCCESS) {
            fail(c, "NtCreateWaitCompletionPacket (NTSTATUS 0x" + Integer.toHexString(st) + ')', 0);
            return;
        }
        c.waitPacket = Mem.getLong(c.block + AltConnection.HANDLE_OUT);
        arm(c);
    }

    private void arm(AltConnection c) {
        AltCalls.count(AltCalls.ASSOCIATE_WAIT);
        // apcContext = the receive OVERLAPPED's address: it comes back as lpOverlapped, which tells it from a send.
        int st = WaitPackets.NtAssociateWaitCompletionPacket(c.waitPacket, port, c.event, c.key, c.receiveOverlapped(),
                AltNatives.STATUS_SUCCESS, 0, c.block + AltConnection.ALREADY_SIGNALED);
        if (st != AltNatives.STATUS_SUCCESS) {
            fail(c, "NtAssociateWaitCompletionPacket (NTSTATUS 0x" + Integer.toHexString(st) + ')', 0);
            return;
        }
        // Already signalled or not, the packet is queued to the port (at once, or when the event is set).
        c.receivePending = true;
    }

    @Override
    void receiveCompleted(AltConnection c, int status, int bytes) {
        readReady(c);
        if (!c.closed) {
            arm(c);
        }
    }

    @Override
    void stopReceiving(AltConnection c) {
        if (c.waitPacket != 0) {
            // TRUE: also remove the packet if it is already queued. The kernel never writes to our block for a wait
            // packet (apcContext is only a value), so nothing has to stay pinned for it.
            WaitPackets.NtCancelWaitCompletionPacket(c.waitPacket, 1);
            Kernel32.CloseHandle(c.waitPacket);
            c.waitPacket = 0;
            c.receivePending = false;
        }
        if (c.event != 0) {
            AltNatives.Ws2.WSAEventSelect(c.socket, 0, 0);
            Kernel32.CloseHandle(c.event);
            c.event = 0;
        }
    }
}
