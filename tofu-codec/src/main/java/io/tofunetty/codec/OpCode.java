package io.tofunetty.codec;

/**
 * The opcode in bits 0-3 of tofu's proto byte (tofu src/message.zig, spec §4).
 *
 * <p>Opcodes 0-7 travel on the wire. {@link #WELCOME_REQUEST} and {@link #WELCOME_RESPONSE} are local commands in
 * tofu (start a listener / its reply); the codec refuses them in both directions.
 */
public enum OpCode {
    REQUEST("Request"),
    RESPONSE("Response"),
    SIGNAL("Signal"),
    HELLO_REQUEST("HelloRequest"),
    HELLO_RESPONSE("HelloResponse"),
    BYE_REQUEST("ByeRequest"),
    BYE_RESPONSE("ByeResponse"),
    BYE_SIGNAL("ByeSignal"),
    WELCOME_REQUEST("WelcomeRequest"),
    WELCOME_RESPONSE("WelcomeResponse");

    private static final OpCode[] BY_WIRE_VALUE = values();

    private final String tofuName;

    OpCode(String tofuName) {
        this.tofuName = tofuName;
    }

    /** The value in bits 0-3 of the proto byte (0-9). */
    public int wireValue() {
        return ordinal();
    }

    /**
     * The opcode with the given wire value.
     *
     * @throws IllegalArgumentException if {@code v} is not 0-9 (10-15 fit in the 4 bits but are invalid in tofu)
     */
    public static OpCode fromWireValue(int v) {
        if (v < 0 || v >= BY_WIRE_VALUE.length) {
            throw new IllegalArgumentException("invalid tofu opcode " + v + " (valid: 0-9)");
        }
        return BY_WIRE_VALUE[v];
    }

    /** Request role: Request, HelloRequest, ByeRequest, WelcomeRequest. */
    public boolean isRequest() {
        return this == REQUEST || this == HELLO_REQUEST || this == BYE_REQUEST || this == WELCOME_REQUEST;
    }

    /** Response role: Response, HelloResponse, ByeResponse, WelcomeResponse. These need a nonzero message id. */
    public boolean isResponse() {
        return this == RESPONSE || this == HELLO_RESPONSE || this == BYE_RESPONSE || this == WELCOME_RESPONSE;
    }

    /** Signal role: Signal, ByeSignal. */
    public boolean isSignal() {
        return this == SIGNAL || this == BYE_SIGNAL;
    }

    /** Bye type (5, 6, 7): after writing one, a tofu peer sends nothing more. */
    public boolean isBye() {
        return this == BYE_REQUEST || this == BYE_RESPONSE || this == BYE_SIGNAL;
    }

    /** Whether the {@code more} flag may be set: only the regular types 0-2. */
    public boolean mayHaveMore() {
        return ordinal() <= SIGNAL.ordinal();
    }

    /** Whether this opcode may appear on the wire (0-7). */
    public boolean isWireOpCode() {
        return ordinal() <= BYE_SIGNAL.ordinal();
    }

    /**
     * tofu's {@code OpCode.echo}: a request maps to its response, a signal to itself.
     * A response maps to itself.
     */
    public OpCode echo() {
        switch (this) {
            case REQUEST: return RESPONSE;
            case HELLO_REQUEST: return HELLO_RESPONSE;
            case BYE_REQUEST: return BYE_RESPONSE;
            case WELCOME_REQUEST: return WELCOME_RESPONSE;
            default: return this;
        }
    }

    /** tofu's name for the opcode, e.g. {@code "HelloRequest"}. */
    public String tofuName() {
        return tofuName;
    }
}
