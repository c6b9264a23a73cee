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
     * SO_EXCLUSIVEADDRUSE on a listener: no other socket may bind the same address and port, even with
     * SO_REUSEADDR (Windows' SO_REUSEADDR lets another socket take over a bound port; this prevents it).
     * Set it before binding. Mutually exclusive with {@link ChannelOption#SO_REUSEADDR}.
     */
    public static final ChannelOption<Boolean> SO_EXCLUSIVEADDRUSE =
            valueOf(AfdChannelOption.class, "SO_EXCLUSIVEADDRUSE");

    @SuppressWarnings("unused")
    private AfdChannelOption() {
        super(null);
    }
}
