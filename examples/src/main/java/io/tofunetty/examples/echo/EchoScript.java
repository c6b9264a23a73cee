package io.tofunetty.examples.echo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuMessage;

import java.util.Arrays;

/**
 * What the client of connection {@code connection} sends, in order, and so what it expects back: a HelloRequest
 * with {@code ~connect_to}, {@code count} Requests, one Signal and a ByeRequest (positions 0 to count + 2).
 *
 * <p>Every message is a pure function of (connection, position), so an echo is verified by rebuilding what was
 * sent instead of keeping it. Message ids have the top bits set (u64 values beyond a Java long's positive range)
 * so that a peer that treats ids as signed numbers is caught. Bodies run from 0 to 300 bytes, so both encoder
 * paths (a small body copied next to the header, a larger one written as its own buffer) are exercised.
 */
final class EchoScript {
    static final String CONNECT_TO = "~connect_to";
    private static final int MAX_BODY = 300;

    private final int connection;
    private final int count;
    private final String serverAddress;
    private final long idBase;

    EchoScript(int connection, int count, String serverAddress) {
        this.connection = connection;
        this.count = count;
        this.serverAddress = serverAddress;
        this.idBase = 0xC000_0000_0000_0000L | ((long) (connection + 1) << 32);
    }

    /** Messages per connection: Hello, the Requests, the Signal and the Bye. */
    int length() {
        return count + 3;
    }

    int requests() {
        return count;
    }

    boolean isRequest(int position) {
        return position >= 1 && position <= count;
    }

    OpCode opCode(int position) {
        if (position == 0) {
            return OpCode.HELLO_REQUEST;
        }
        if (position <= count) {
            return OpCode.REQUEST;
        }
        return position == count + 1 ? OpCode.SIGNAL : OpCode.BYE_REQUEST;
    }

    long messageId(int position) {
        return idBase + position;
    }

    TextHeaders headers(int position) {
        TextHeaders h = new TextHeaders();
        if (position == 0) {
            return h.add(CONNECT_TO, serverAddress).add("x-peer", "tofu-netty-echo");
        }
        if (position <= count) {
            return h.add("seq", Integer.toString(position)).add("x-conn", Integer.toString(connection));
        }
        return position == count + 1 ? h.add("x-signal", "last") : h;
    }

    int bodyLength(int position) {
        return isRequest(position) ? (position * 61) % (MAX_BODY + 1) : 0;
    }

    byte bodyByte(int position, int index) {
        return (byte) (position * 31 + index * 7 + connection);
    }

    private byte[] body(int position) {
        byte[] body = new byte[bodyLength(position)];
        for (int i = 0; i < body.length; i++) {
            body[i] = bodyByte(position, i);
        }
        return body;
    }

    /** The message at {@code position}, stamped with the client's channel number. */
    TofuMessage message(int position, int channelNumber, ByteBufAllocator alloc) {
        byte[] bytes = body(position);
        // One bulk write rather than a call per byte: a buffer method call is what a leak detector at PARANOID
        // records (with a stack trace), and what costs most in a plain JVM too.
        ByteBuf body = alloc.buffer(bytes.length).writeBytes(bytes);
        return TofuMessage.create(opCode(position), headers(position), body)
                .messageId(messageId(position))
                .channelNumber(channelNumber);
    }

    /**
     * Checks that {@code echo} is the echo of the message at {@code position}.
     *
     * @return null when it is, else what differs
     */
    String verify(int position, TofuMessage echo) {
        OpCode expectedOp = opCode(position).echo();
        String what = expectedOp.tofuName() + " #" + position + " (id " + Long.toUnsignedString(messageId(position))
                + ")";
        if (echo.opCode() != expectedOp) {
            return "expected " + what + ", got " + echo.opCode().tofuName() + " with id "
                    + Long.toUnsignedString(echo.messageId());
        }
        if (echo.messageId() != messageId(position)) {
            return "expected " + what + ", got id " + Long.toUnsignedString(echo.messageId());
        }
        if (echo.more()) {
            return what + " has the 'more' flag set";
        }
        TextHeaders expectedHeaders = headers(position);
        if (echo.headers().encodedLength() != expectedHeaders.encodedLength()
                || !echo.headers().equals(expectedHeaders)) {
            return what + ": text headers " + echo.headers() + " (" + echo.headers().encodedLength()
                    + " bytes), expected " + expectedHeaders + " (" + expectedHeaders.encodedLength() + " bytes)";
        }
        ByteBuf body = echo.body();
        byte[] expected = body(position);
        if (body.readableBytes() != expected.length) {
            return what + ": body of " + body.readableBytes() + " bytes, expected " + expected.length;
        }
        byte[] actual = new byte[expected.length];
        body.getBytes(body.readerIndex(), actual);
        int i = Arrays.mismatch(actual, expected);
        if (i >= 0) {
            return what + ": body byte " + i + " is 0x" + Integer.toHexString(actual[i] & 0xFF) + ", expected 0x"
                    + Integer.toHexString(expected[i] & 0xFF);
        }
        return null;
    }
}
