package io.tofunetty.handlers;

import java.util.List;
import java.util.stream.Stream;

/**
 * {@link TestSupport}'s transports and address kinds, for test packages outside {@code io.tofunetty.handlers}
 * (the hostile-peer tests), so that the transport list stays in one place.
 */
public final class TransportsUnderTest {
    private TransportsUnderTest() {
    }

    /** One transport and one address family. */
    public record Case(TofuTransport transport, TofuAddress.Kind kind) {
        @Override
        public String toString() {
            return transport + "/" + kind;
        }
    }

    public static List<TofuTransport> transports() {
        return TestSupport.transports();
    }

    public static Stream<Case> cases() {
        return TestSupport.cases().map(c -> new Case(c.transport(), c.kind()));
    }

    /** An address to listen on: an ephemeral TCP port, or a fresh UDS path. */
    public static TofuAddress listenAddress(TofuAddress.Kind kind) {
        return TestSupport.listenAddress(kind);
    }
}
