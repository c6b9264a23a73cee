package io.tofunetty.codec;

/**
 * Bit 4 of tofu's proto byte: who produced a message. {@link #ENGINE} marks local engine notifications; it is a
 * local marker that the codec never puts on the wire and ignores on receipt (spec D5, E1).
 */
public enum Origin {
    APPLICATION,
    ENGINE
}
