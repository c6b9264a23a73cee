package io.tofunetty.handlers;

import io.tofunetty.codec.FrameRules;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuHeaderCodec;
import io.tofunetty.codec.TofuMessage;

/**
 * What {@code post} checks of a message before it looks at channels: the frame rules ({@link FrameRules}, each
 * broken rule reported with its status), the channel number a command needs, and the address of a HelloRequest or
 * WelcomeRequest. The order of the checks decides the status of a message that breaks several; it is tofu's.
 */
final class PostChecks {
    private PostChecks() {
    }

    /**
     * Checks {@code m} and marks it as the application's (origin application, status success).
     *
     * @return the address of a HelloRequest or WelcomeRequest, null for any other message
     * @throws TofuException with the status of the first rule {@code m} breaks
     */
    static TofuAddress check(TofuMessage m, TofuTransport transport) {
        OpCode op = m.opCode();
        if (op == OpCode.WELCOME_RESPONSE) {
            throw new TofuException(Status.INVALID_OP_CODE, "WelcomeResponse is sent by the engine, not posted");
        }
        m.origin(Origin.APPLICATION).status(Status.SUCCESS);
        FrameRules.Rule broken = FrameRules.messageId(op, m.messageId());
        if (broken != null) {
            throw new TofuException(broken.status(),
                    op.tofuName() + " with message id 0; a response carries its request's id");
        }
        broken = FrameRules.more(op, m.more());
        if (broken != null) {
            throw new TofuException(broken.status(),
                    "more=1 on " + op.tofuName() + "; only Request, Response and Signal may have more frames");
        }
        boolean opens = opensChannel(op);
        int channel = m.channelNumber();
        if (opens && channel != 0) {
            throw new TofuException(Status.INVALID_CHANNEL_NUMBER,
                    op.tofuName() + " opens a new channel and must be posted with channel number 0, not " + channel);
        }
        broken = opens ? null : FrameRules.channelNumber(channel);
        if (broken != null) {
            throw new TofuException(broken.status(), op.tofuName() + " with channel number " + channel
                    + "; only HelloRequest and WelcomeRequest may use 0, and 65535 is reserved");
        }
        int thl = m.headers().encodedLength();
        broken = FrameRules.headersLength(thl, TofuHeaderCodec.MAX_LENGTH);
        if (broken != null) {
            throw new TofuException(broken.status(), "text headers of " + thl + " bytes exceed 65535");
        }
        TofuAddress address = opens ? address(m, transport) : null;
        int bl = m.body().readableBytes();
        broken = FrameRules.bodyLength(bl, TofuHeaderCodec.MAX_LENGTH);
        if (broken != null) {
            throw new TofuException(broken.status(), "a body of " + bl + " bytes exceeds 65535");
        }
        return address;
    }

    /** HelloRequest and WelcomeRequest are commands: they open a channel, and get its number. */
    static boolean opensChannel(OpCode op) {
        return op == OpCode.HELLO_REQUEST || op == OpCode.WELCOME_REQUEST;
    }

    /** The address a HelloRequest or WelcomeRequest names, if {@code transport} can open it. */
    private static TofuAddress address(TofuMessage m, TofuTransport transport) {
        OpCode op = m.opCode();
        String header = op == OpCode.HELLO_REQUEST ? TofuAddress.CONNECT_TO : TofuAddress.LISTEN_ON;
        String value = m.headers().get(header);
        if (value == null) {
            throw new TofuException(Status.WRONG_ADDRESS, op.tofuName() + " without a " + header + " header");
        }
        TofuAddress address;
        try {
            address = TofuAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TofuException(Status.INVALID_ADDRESS, header + ": " + e.getMessage());
        }
        if (!transport.supports(address.kind())) {
            throw new TofuException(Status.NOT_IMPLEMENTED_YET, "the " + transport.resolve()
                    + " transport has no channels for " + value + " (Unix domain sockets)");
        }
        return address;
    }
}
