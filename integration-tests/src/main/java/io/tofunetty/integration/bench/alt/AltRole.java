package io.tofunetty.integration.bench.alt;

/** What a connection does with what it receives (loop thread). */
interface AltRole {
    /** The connection is registered and receiving. */
    void active(AltConnection c);

    /** {@code length} bytes arrived at {@code address}; valid only during the call. */
    void received(AltConnection c, long address, int length);
}
