package io.tofunetty.examples.echo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server's answers to hand-written tofu frames, byte for byte: the HelloRequest and Request of the spec's
 * worked examples (§8), a Signal, and a ByeRequest, as a tofu client sends them. The only bytes not fixed in
 * advance are the first two of each answer, the server's own channel number, which tofu picks at random (§6):
 * they must be the same nonzero, non-65535 value in every answer on the connection.
 */
class EchoServerBytesTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");
    private static final String HELLO_HEADERS = "~connect_to:tcp|127.0.0.1|17101\r\nx-peer:tofu\r\n";

    private EchoServer server;
    private Socket socket;
    private DataInputStream in;
    private OutputStream out;
    private int serverChannel = -1;

    static List<EchoTransport> transports() {
        return Transports.available();
    }

    void connect(EchoTransport transport) throws Exception {
        server = EchoServer.start(EchoAddress.parse("tcp|127.0.0.1|0"), transport, 1);
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.address().port()), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    @AfterEach
    void close() throws IOException {
        if (socket != null) {
            socket.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void answersTheSpecFramesByteForByte(EchoTransport transport) throws Exception {
        connect(transport);
        // §8: the HelloRequest (channel 0x777e, id 1, thl 46) and the 29-byte Request (id 1001) of a tofu client.
        byte[] hello = concat(hex("77 7e 03 00 00 00 00 00 00 00 00 01 00 2e 00 00"), ascii(HELLO_HEADERS));
        byte[] request = hex("77 7e 00 00 00 00 00 00 00 00 03 e9 00 07 00 06"
                + " 73 65 71 3a 31 0d 0a 70 69 6e 67 2d 31");
        assertThat(hello).hasSize(16 + 46);
        assertThat(request).hasSize(29);
        out.write(concat(hello, request));
        out.flush();

        expectAnswer("04 00 00 00 00 00 00 00 00 01 00 2e 00 00", ascii(HELLO_HEADERS));
        expectAnswer("01 00 00 00 00 00 00 00 03 e9 00 07 00 06", ascii("seq:1\r\nping-1"));
    }

    @ParameterizedTest
    @MethodSource("transports")
    void normalisesTheProtoAndStatusBytesAndKeepsMore(EchoTransport transport) throws Exception {
        connect(transport);
        // A Request with bits 6-7 set and status 7 (a tofu echo can carry them, spec §11.8): answered with
        // proto 0x01 and status 0 (E1, E2). A Signal with more=1 (0x22) comes back as 0x22.
        out.write(hex("12 34 c0 07 00 00 00 00 00 00 00 05 00 00 00 02 68 69"));
        out.write(hex("12 34 22 00 00 00 00 00 00 00 00 06 00 00 00 00"));
        out.flush();
        expectAnswer("01 00 00 00 00 00 00 00 00 05 00 00 00 02", ascii("hi"));
        expectAnswer("22 00 00 00 00 00 00 00 00 06 00 00 00 00", new byte[0]);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void answersByeAndLeavesTheCloseToTheClient(EchoTransport transport) throws Exception {
        connect(transport);
        // Signal "x-signal:last", then ByeRequest: Signal back, then ByeResponse (op 6) with the same id.
        out.write(concat(hex("00 2a 02 00 00 00 00 00 00 00 00 07 00 0f 00 00"), ascii("x-signal:last\r\n")));
        out.write(hex("00 2a 05 00 ff ff ff ff ff ff ff fe 00 00 00 00"));
        out.flush();
        expectAnswer("02 00 00 00 00 00 00 00 00 07 00 0f 00 00", ascii("x-signal:last\r\n"));
        expectAnswer("06 00 ff ff ff ff ff ff ff fe 00 00 00 00", new byte[0]);

        // The ByeResponse sender waits for the peer to close (spec §9.5, E10): nothing more arrives, no EOF.
        socket.setSoTimeout(300);
        assertThatThrownBy(() -> in.read()).isInstanceOf(SocketTimeoutException.class);
    }

    @ParameterizedTest
    @MethodSource("transports")
    void closesTheConnectionOnAnInvalidOpcode(EchoTransport transport) throws Exception {
        connect(transport);
        out.write(hex("00 01 0c 00 00 00 00 00 00 00 00 01 00 00 00 00")); // opcode 12 (D2)
        out.flush();
        assertThatThrownBy(() -> in.readFully(new byte[16]))
                .isInstanceOfAny(EOFException.class, java.net.SocketException.class);
    }

    /** Reads one answer: 2 bytes of channel number, then {@code headerRest} and {@code payload} exactly. */
    private void expectAnswer(String headerRest, byte[] payload) throws IOException {
        byte[] expectedRest = concat(hex(headerRest), payload);
        byte[] answer = new byte[2 + expectedRest.length];
        in.readFully(answer);
        int channel = ((answer[0] & 0xFF) << 8) | (answer[1] & 0xFF);
        assertThat(channel).as("the server's channel number").isBetween(1, 0xFFFE);
        if (serverChannel < 0) {
            serverChannel = channel;
        }
        assertThat(channel).as("one channel number per connection").isEqualTo(serverChannel);
        assertThat(HEX.formatHex(Arrays.copyOfRange(answer, 2, answer.length)))
                .isEqualTo(HEX.formatHex(expectedRest));
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
