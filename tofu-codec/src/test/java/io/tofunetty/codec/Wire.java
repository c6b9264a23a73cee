package io.tofunetty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Test helpers that build and read wire bytes independently of the codec. */
final class Wire {
    private Wire() {
    }

    /** Bytes from hex text; spaces and newlines are ignored. */
    static byte[] hex(String text) {
        String s = text.replaceAll("\\s+", "");
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A frame written field by field with java.nio, not with the codec. */
    static byte[] frame(int channel, int proto, int status, long id, byte[] headers, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(16 + headers.length + body.length);
        b.putShort((short) channel).put((byte) proto).put((byte) status).putLong(id)
                .putShort((short) headers.length).putShort((short) body.length).put(headers).put(body);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The readable bytes of {@code buf}, without changing it. */
    static byte[] bytes(ByteBuf buf) {
        byte[] out = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), out);
        return out;
    }

    static byte[] bytes(TextHeaders headers) {
        ByteBuf buf = Unpooled.buffer(headers.encodedLength());
        headers.encode(buf);
        return bytes(buf);
    }

    /** Everything written to {@code channel}'s outbound side so far, concatenated; releases the buffers. */
    static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            try {
                out.writeBytes(bytes(b));
            } finally {
                b.release();
            }
        }
        return out.toByteArray();
    }

    /** Encodes {@code msg} with a fresh encoder and returns the bytes written. */
    static byte[] encode(TofuMessage msg) {
        EmbeddedChannel channel = new EmbeddedChannel(new TofuFrameEncoder());
        try {
            channel.writeOutbound(msg);
            return drainOutbound(channel);
        } finally {
            channel.finishAndReleaseAll();
        }
    }
}
