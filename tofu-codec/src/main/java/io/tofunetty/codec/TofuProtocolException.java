package io.tofunetty.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A received byte sequence breaks tofu's wire format or a configured limit. {@link #field()} names the offending
 * header field (for example {@code "opcode"}, {@code "more"}, {@code "messageId"}, {@code "thl"}, {@code "bl"}, or
 * {@code "frame"} for a frame cut short by end of input) and {@link #value()} holds its value.
 */
public class TofuProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final long value;

    public TofuProtocolException(String field, long value, String message) {
        super(message);
        this.field = field;
        this.value = value;
    }

    /** The header field (or {@code "frame"}) that was invalid. */
    public String field() {
        return field;
    }

    /** The invalid value; for {@code "frame"} the number of bytes that were missing. */
    public long value() {
        return value;
    }
}
