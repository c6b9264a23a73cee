package io.tofunetty.afd;

import io.netty.buffer.ByteBuf;

import java.io.IOException;

/**
 * What a receive got that the pipeline has not seen yet (completion reads): a receive that completed after autoRead
 * was turned off, one that completed inside WSARecv outside a read batch, or the receive of the loop a channel left,
 * which reports there after the deregistration. At most one at a time; while one is expected or held, the channel
 * reads nothing else, so that data keeps its order. Thread-safe: the old loop hands over while the channel may already
 * be on a new one.
 */
final class CarriedReceive {
    /** What was taken: a buffer with bytes (0: the end of stream), a failure, "readable", or nothing at all. */
    record Taken(ByteBuf buffer, int bytes, IOException failure, boolean readable) {
    }

    private ByteBuf buffer;
    private int bytes;
    private IOException failure;
    private boolean readable;
    private boolean held;
    /** A receive of the previous loop has not reported yet. */
    private boolean expected;

    /** Whether something is held or expected: the channel must not read until it has been delivered. */
    synchronized boolean blocksReading() {
        return held || expected;
    }

    synchronized boolean isExpected() {
        return expected;
    }

    synchronized boolean isHeld() {
        return held;
    }

    /** A receive was left in flight on the previous loop: it will {@link #hold} what it got. */
    synchronized void expect() {
        expected = true;
    }

    /** Holds a receive's result ({@code buffer} is owned from now on). */
    synchronized void hold(ByteBuf buffer, int bytes, IOException failure, boolean readable) {
        assert !held : "one receive is carried at a time";
        this.buffer = buffer;
        this.bytes = bytes;
        this.failure = failure;
        this.readable = readable;
        held = true;
        expected = false;
    }

    /** Takes what is held (the caller owns the buffer), or null. */
    synchronized Taken take() {
        if (!held) {
            return null;
        }
        Taken taken = new Taken(buffer, bytes, failure, readable);
        buffer = null;
        failure = null;
        held = false;
        return taken;
    }

    /** The channel closed: releases what is held, and expects nothing more. */
    synchronized void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        failure = null;
        held = false;
        expected = false;
    }
}
