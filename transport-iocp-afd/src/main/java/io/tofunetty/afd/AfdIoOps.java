package io.tofunetty.afd;

import io.netty.channel.IoOps;

/**
 * The AFD_POLL event mask a registration wants. {@link io.netty.channel.IoRegistration#submit(IoOps)} with an
 * {@code AfdIoOps} <em>replaces</em> the registration's interest; an empty mask means "no poll in flight".
 *
 * <p>AFD_POLL_LOCAL_CLOSE is added to every armed poll whether or not it is requested here.
 * AFD_POLL_RECEIVE_EXPEDITED (0x2) and AFD_POLL_CONNECT (0x40) are refused: the first makes a level-triggered loop
 * spin on unconsumed urgent data, the second stays set for the whole life of a connected socket.
 *
 * <p>Instances are cached and immutable.
 */
public final class AfdIoOps implements IoOps {

    /** Data (or a pending datagram) can be read. */
    public static final int RECEIVE = 0x1;
    /** The socket can send; on a connecting socket, the connect succeeded. */
    public static final int SEND = 0x4;
    /** The peer shut its sending side down (FIN). Sticky: reported by every later poll that asks for it. */
    public static final int DISCONNECT = 0x8;
    /** The connection was reset or aborted. Sticky like {@link #DISCONNECT}. */
    public static final int ABORT = 0x10;
    /** The socket handle was closed locally. Always armed and always reported; the registration is dropped. */
    public static final int LOCAL_CLOSE = 0x20;
    /** A listener has a connection to accept. */
    public static final int ACCEPT = 0x80;
    /** A non-blocking connect failed; {@link AfdIoEvent#ntStatus()} carries the reason as a hint (read SO_ERROR). */
    public static final int CONNECT_FAIL = 0x100;

    /*
     * The composites below are the only place the channels' interest is spelled out. ABORT (a reset) reaches a
     * channel in one of three ways, decided by what it has armed when the reset happens:
     *
     *   armed when ABORT fires        handled by                        then
     *   CONNECT (connecting)          finishConnect: the connect fails   connect bits cleared, channel closed
     *     or SEND (writing)             or the flush fails on send()     (WSAECONNRESET)
     *   STICKY (active stream)        the read: recv() reports the       ABORT cleared once the input is shut
     *                                   reset (or Wine's EOF, turned       down; kept while data sent before the
     *                                   into WSAECONNRESET)                RST is still unread (it is sticky)
     *   neither (listener, datagram)  never armed, never reported        -
     *
     * AbstractAfdChannel.AbstractAfdUnsafe#handle applies this table; docs/afd-transport-internals.md explains it.
     */
    /** Sticky end-of-connection bits an active stream channel keeps armed until it has handled them. */
    public static final int STICKY = DISCONNECT | ABORT;
    /** What an active stream channel arms while it reads: data, end of stream, or a reset that the read surfaces. */
    public static final int READ = RECEIVE | STICKY;
    /**
     * What a connecting channel arms, and nothing else until it is active: success is SEND, failure CONNECT_FAIL,
     * and ABORT a reset before the connect could be reported.
     */
    public static final int CONNECT = SEND | CONNECT_FAIL | ABORT;

    /** Every bit a registration may request. */
    public static final int VALID_BITS = RECEIVE | SEND | DISCONNECT | ABORT | LOCAL_CLOSE | ACCEPT | CONNECT_FAIL;

    private static final int RECEIVE_EXPEDITED = 0x2;
    private static final int AFD_CONNECT = 0x40;

    private static final AfdIoOps[] CACHE = new AfdIoOps[VALID_BITS + 1];

    static {
        for (int mask = 0; mask <= VALID_BITS; mask++) {
            if ((mask & ~VALID_BITS) == 0) {
                CACHE[mask] = new AfdIoOps(mask);
            }
        }
    }

    /** The empty interest: no poll is kept in flight. */
    public static final AfdIoOps NONE = CACHE[0];

    private final int mask;

    private AfdIoOps(int mask) {
        this.mask = mask;
    }

    /**
     * Returns the cached instance for {@code mask}.
     *
     * @throws IllegalArgumentException when {@code mask} has a bit outside {@link #VALID_BITS}, including
     *                                  RECEIVE_EXPEDITED (0x2) and CONNECT (0x40)
     */
    public static AfdIoOps valueOf(int mask) {
        if ((mask & ~VALID_BITS) != 0) {
            throw new IllegalArgumentException(describeInvalid(mask));
        }
        return CACHE[mask];
    }

    private static String describeInvalid(int mask) {
        StringBuilder why = new StringBuilder("invalid AFD_POLL interest mask 0x")
                .append(Integer.toHexString(mask)).append(':');
        if ((mask & RECEIVE_EXPEDITED) != 0) {
            why.append(" RECEIVE_EXPEDITED (0x2) is never requested (unconsumed OOB data would spin the loop);");
        }
        if ((mask & AFD_CONNECT) != 0) {
            why.append(" CONNECT (0x40) is never requested (it stays set on a connected socket; use SEND|CONNECT_FAIL);");
        }
        int unknown = mask & ~VALID_BITS & ~RECEIVE_EXPEDITED & ~AFD_CONNECT;
        if (unknown != 0) {
            why.append(" unknown bits 0x").append(Integer.toHexString(unknown)).append(';');
        }
        why.append(" valid bits are 0x").append(Integer.toHexString(VALID_BITS));
        return why.toString();
    }

    /** The AFD_POLL bits. */
    public int mask() {
        return mask;
    }

    /** This interest plus {@code bits}. */
    public AfdIoOps with(int bits) {
        return valueOf(mask | bits);
    }

    /** This interest minus {@code bits}. */
    public AfdIoOps without(int bits) {
        return valueOf(mask & ~bits);
    }

    /** Whether every bit of {@code bits} is in this interest. */
    public boolean contains(int bits) {
        return (mask & bits) == bits;
    }

    /** Whether no bit is requested. */
    public boolean isEmpty() {
        return mask == 0;
    }

    @Override
    public String toString() {
        return "AfdIoOps(" + AfdIoEvent.describe(mask) + ')';
    }
}
