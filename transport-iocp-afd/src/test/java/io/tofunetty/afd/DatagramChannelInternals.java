package io.tofunetty.afd;

/** Read-only access to what {@link AfdDatagramChannel} asked of Winsock, for tests in other packages. */
public final class DatagramChannelInternals {
    private DatagramChannelInternals() {
    }

    /** What SIO_UDP_CONNRESET was last set to on the channel's socket (Winsock has no way to read it back). */
    public static boolean isPortUnreachableReported(AfdDatagramChannel channel) {
        return channel.isPortUnreachableReported();
    }
}
