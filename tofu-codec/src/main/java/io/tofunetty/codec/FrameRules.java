package io.tofunetty.codec;

/**
 * tofu's rules for the fields of one frame, written once for the three places that check them: the decoder (a
 * received frame: a {@link TofuProtocolException}), the encoder (a frame to send: its write fails) and the engine's
 * post in tofu-handlers (a message posted: a {@link Status}).
 *
 * <p>Each check returns the {@link Rule} the field breaks, or null. Each place maps the rule to its own error and
 * message; each checks the rules in its own order (which decides the error of a frame that breaks several).
 * Rule ids in brackets are those of the codec's documentation: D for decoding, E for encoding.
 */
public final class FrameRules {
    /** A rule a frame can break, with the header field it concerns and the status tofu's post reports for it. */
    public enum Rule {
        /** Opcode bits 10-15: tofu defines 0-9 (D2, E1). */
        UNDEFINED_OPCODE("opcode", Status.INVALID_OP_CODE),
        /** Opcodes 8 and 9 (WelcomeRequest, WelcomeResponse) are local commands and never travel (D3, E1). */
        LOCAL_OPCODE("opcode", Status.INVALID_OP_CODE),
        /** {@code more=1} only on Request, Response and Signal (D7, E6). */
        MORE_NOT_ALLOWED("more", Status.INVALID_MORE_USAGE),
        /** A response carries its request's message id, never 0 (D7, E5). */
        RESPONSE_WITHOUT_ID("messageId", Status.INVALID_MESSAGE_ID),
        /** A frame carries the local channel number, never 0 or 65535 (E4). */
        RESERVED_CHANNEL_NUMBER("channelNumber", Status.INVALID_CHANNEL_NUMBER),
        /** Text headers longer than the limit: 65535 (thl is a u16) or a configured lower one (E3). */
        HEADERS_TOO_LONG("thl", Status.INVALID_HEADERS_LEN),
        /** A body longer than the limit: 65535 (bl is a u16) or a configured lower one (E3). */
        BODY_TOO_LONG("bl", Status.INVALID_BODY_LEN);

        private final String field;
        private final Status status;

        Rule(String field, Status status) {
            this.field = field;
            this.status = status;
        }

        /** The header field the rule is about, as {@link TofuProtocolException#field()} names it. */
        public String field() {
            return field;
        }

        /** The status the engine's post reports for a message breaking the rule. */
        public Status status() {
            return status;
        }
    }

    private static final int WIRE_OPCODES = OpCode.values().length;

    private FrameRules() {
    }

    /** The opcode bits of a proto byte (0-15): {@link Rule#UNDEFINED_OPCODE}, {@link Rule#LOCAL_OPCODE} or null. */
    public static Rule opCode(int opCodeBits) {
        if (opCodeBits < 0 || opCodeBits >= WIRE_OPCODES) {
            return Rule.UNDEFINED_OPCODE;
        }
        return opCode(OpCode.fromWireValue(opCodeBits));
    }

    /** {@link Rule#LOCAL_OPCODE} for WelcomeRequest and WelcomeResponse, else null. */
    public static Rule opCode(OpCode op) {
        return op.isWireOpCode() ? null : Rule.LOCAL_OPCODE;
    }

    /** {@link Rule#MORE_NOT_ALLOWED} when {@code more} is set on an opcode other than 0-2, else null. */
    public static Rule more(OpCode op, boolean more) {
        return more && !op.mayHaveMore() ? Rule.MORE_NOT_ALLOWED : null;
    }

    /** {@link Rule#RESPONSE_WITHOUT_ID} for message id 0 on a response, else null. */
    public static Rule messageId(OpCode op, long messageId) {
        return messageId == 0 && op.isResponse() ? Rule.RESPONSE_WITHOUT_ID : null;
    }

    /** {@link Rule#RESERVED_CHANNEL_NUMBER} for channel number 0 or 65535, else null. */
    public static Rule channelNumber(int channelNumber) {
        return channelNumber == 0 || channelNumber == 0xFFFF ? Rule.RESERVED_CHANNEL_NUMBER : null;
    }

    /** {@link Rule#HEADERS_TOO_LONG} when {@code thl} exceeds {@code limit}, else null. */
    public static Rule headersLength(int thl, int limit) {
        return thl > limit ? Rule.HEADERS_TOO_LONG : null;
    }

    /** {@link Rule#BODY_TOO_LONG} when {@code bl} exceeds {@code limit}, else null. */
    public static Rule bodyLength(int bl, int limit) {
        return bl > limit ? Rule.BODY_TOO_LONG : null;
    }
}
