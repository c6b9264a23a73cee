package io.tofunetty.handlers.hostile;

import io.tofunetty.codec.OpCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Raw tofu frames as a peer writes them, built field by field (spec §3). */
final class Frames {
    static final int HEADER = 16;

    private Frames() {
    }

    static byte[] frame(OpCode op, long id, String headers, byte[] body) {
        byte[] h = headers.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HEADER + h.length + body.length);
        b.putShort((short) 0x777e).put((byte) op.wireValue()).put((byte) 0).putLong(id)
                .putShort((short) h.length).putShort((short) body.length).put(h).put(body);
        return b.array();
    }

    static byte[] frame(OpCode op, long id, String headers, String body) {
        return frame(op, id, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] hello(long id, String connectTo) {
        return frame(OpCode.HELLO_REQUEST, id, "~connect_to:" + connectTo + "\r\n", "");
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
