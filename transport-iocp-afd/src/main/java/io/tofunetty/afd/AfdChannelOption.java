package io.tofunetty.afd;

import io.netty.channel.ChannelOption;

/**
 * Windows-specific socket options of the AFD transport, next to Netty's standard {@link ChannelOption}s.
 *
 * <p>The keep-alive timings need Windows 10 1709 or later (TCP_KEEPIDLE/TCP_KEEPINTVL) and 1703 or later
 * (TCP_KEEPCNT); on older systems setting them fails with a ChannelException naming the WSA error. They only matter
 * with {@link ChannelOption#SO_KEEPALIVE} on.
 */
public final class AfdChannelOption<T> extends ChannelOption<T> {

    /** Seconds a connection stays idle before the first keep-alive probe (Windows default: 2 hours). */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = valueOf(AfdChannelOption.class, "TCP_KEEPIDLE");
    /** Seconds between keep-alive probes (Windows default: 1 s). */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = valueOf(AfdChannelOption.class, "TCP_KEEPINTVL");
    /** Unanswered keep-alive probes before the connection is dropped (Windows default: 10). */
    public static final ChannelOption<Integer> TCP_KEEPCNT = valueOf(AfdChannelOption.class, "TCP_KEEPCNT");
    /**
     * Exclusive bind of an {@link AfdServerSocketChannel} (Winsock's SO_EXCLUSIVEADDRUSE): no other socket may bind
     * the same address and port while it is bound, not even with SO_REUSEADDR. <b>On by default</b>, as the JDK's
     * NIO binds on Windows ({@code sun.net.useExclusiveBind}, whose {@code false} also turns this default off).
     *
     * <p>Why: on Windows, SO_REUSEADDR does not mean what it means on Linux. It lets a second socket, of any process,
     * bind an address and port that is already in use, listener included, and the two then share its incoming
     * connections. With exclusive bind on, {@link ChannelOption#SO_REUSEADDR} is only stored and read back (the JDK
     * emulates it the same way), so portable code that sets it stays harmless. Set this option to {@code false}
     * before binding only to share a port deliberately: {@code SO_REUSEADDR} then reaches the kernel with Windows'
     * meaning. Changing it on a bound channel fails with {@link IllegalStateException}.
     */
    public static final ChannelOption<Boolean> SO_EXCLUSIVEADDRUSE =
            valueOf(AfdChannelOption.class, "SO_EXCLUSIVEADDRUSE");

    @SuppressWarnings("unused")
    private AfdChannelOption() {
        super(null);
    }
}
