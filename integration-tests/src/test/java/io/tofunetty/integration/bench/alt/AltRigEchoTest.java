package io.tofunetty.integration.bench.alt;

import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each prototype event loop of the benchmark (docs/alternatives.md) echoes what it is sent, byte for byte, over
 * several connections, for small pipelined messages and for messages larger than a socket buffer, beside idle
 * connections, and (hybrid design) after every socket went idle and traded its buffer for a zero-byte receive. The rig
 * checks every echoed byte; the loops report any failed call.
 */
@WindowsTier
class AltRigEchoTest {
    private static final long MESSAGES = 2_000;

    @ParameterizedTest
    @EnumSource(AltDesign.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void echoesEveryByteOfSmallAndLargeMessages(AltDesign design) throws Exception {
        String unavailable = design.unavailableReason();
        if (unavailable != null) {
            // Only the event-select design needs more than Windows x64 gives every other test here: ntdll's wait
            // completion packets, which Wine 8.0 does not export (docs/alternatives.md, docs/testing.md).
            assertThat(design).isEqualTo(AltDesign.EVENT_SELECT);
            assertThat(unavailable).contains("NtCreateWaitCompletionPacket");
            return;
        }
        try (AltRig rig = new AltRig(design, 100, 8, true)) {
            rig.connectIdle(20);
            rig.connectActive(4);
            awaitMessages(rig, MESSAGES);
            if (design == AltDesign.HYBRID) {
                // Every connection idle: the sweep trades each socket's data receive for a zero-byte one (its
                // buffer freed after the cancelled receive's packet); the traffic below then starts on zero-byte
                // wake-ups.
                rig.drain();
                while (rig.zeroByteReceivers() < 2 * 24 && rig.error() == null) {
                    Thread.sleep(10);
                }
            }
            rig.switchTo(200_000, 2); // larger than the socket buffers: partial sends and the overlapped fallback
            long before = rig.messages();
            awaitMessages(rig, before + 40);
            rig.switchTo(1, 1);
            before = rig.messages();
            awaitMessages(rig, before + 200);
            assertThat(rig.error()).isNull();
        }
    }

    private static void awaitMessages(AltRig rig, long n) throws InterruptedException {
        while (rig.messages() < n && rig.error() == null) {
            Thread.sleep(5);
        }
        assertThat(rig.error()).isNull();
        assertThat(rig.messages()).isGreaterThanOrEqualTo(n);
    }
}
