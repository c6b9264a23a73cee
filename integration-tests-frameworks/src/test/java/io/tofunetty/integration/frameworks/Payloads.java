package io.tofunetty.integration.frameworks;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.Arrays;
import java.util.Random;

/**
 * Request and response bodies that differ per request: {@code LENGTH} bytes of a fixed random array, starting at an
 * offset chosen by the request's seed. Each side checks what it received against the expected bytes in bulk.
 */
final class Payloads {
    static final int MIB = 1024 * 1024;
    private static final int OFFSETS = 4096;
    static final byte[] REQUEST = random(1, MIB + OFFSETS);
    static final byte[] RESPONSE = random(2, MIB + OFFSETS);

    private Payloads() {
    }

    private static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static int offset(int seed) {
        return Math.floorMod(seed * 31, OFFSETS);
    }

    /** The body for {@code seed}: a read-only view, no copy. */
    static ByteBuf buf(byte[] base, int seed, int length) {
        return Unpooled.wrappedBuffer(base, offset(seed), length).asReadOnly();
    }

    static byte[] bytes(byte[] base, int seed, int length) {
        int off = offset(seed);
        return Arrays.copyOfRange(base, off, off + length);
    }

    /**
     * One bulk copy, then an array comparison: under the PARANOID leak detector every single-value access of a buffer
     * (what {@code ByteBufUtil.equals} does, 8 bytes at a time) records a stack trace, seconds per MiB.
     */
    static boolean matches(ByteBuf body, byte[] base, int seed, int length) {
        if (body.readableBytes() != length) {
            return false;
        }
        byte[] copy = new byte[length];
        body.getBytes(body.readerIndex(), copy);
        return matches(copy, base, seed, length);
    }

    static boolean matches(byte[] body, byte[] base, int seed, int length) {
        int off = offset(seed);
        return body.length == length && Arrays.equals(body, 0, length, base, off, off + length);
    }
}
