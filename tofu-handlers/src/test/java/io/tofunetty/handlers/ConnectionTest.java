package io.tofunetty.handlers;

import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.tofunetty.handlers.TestSupport.assertClosedSignal;
import static io.tofunetty.handlers.TestSupport.assertQuiet;
import static io.tofunetty.handlers.TestSupport.body;
import static io.tofunetty.handlers.TestSupport.frame;
import static io.tofunetty.handlers.TestSupport.hello;
import static io.tofunetty.handlers.TestSupport.receive;
import static io.tofunetty.handlers.TestSupport.receiveSkippingPoolEmpty;
import static io.tofunetty.handlers.TestSupport.request;
import static io.tofunetty.handlers.TestSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connection life cycle (spec §9): connect failures, reconnects, aborts, destroy, and peers that vanish. */
class ConnectionTest {

    /** A client whose server is not there: the notifications tofu gives (spec §9.2), in order. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void connectFailureNotifications(TestSupport.Case c) throws Exception {
        try (TofuEngine engine = TestSupport.engine(c.transport())) {
            ChannelGroup g = engine.create();
            TofuAddress nobody = TestSupport.unusedAddress(c.kind());
            TofuMessage header = g.post(hello(engine, nobody));
            TofuMessage back = receive(g);
            try {
                assertThat(back.origin()).as(back.toString()).isEqualTo(Origin.ENGINE);
                assertThat(back.channelNumber()).isEqualTo(header.channelNumber());
                assertThat(back.messageId()).isEqualTo(header.messageId());
                if (c.kind() == TofuAddress.Kind.TCP) {
                    // Connection refused later: the HelloRequest itself comes back with connect_failed.
                    assertThat(back.opCode()).isEqualTo(OpCode.HELLO_REQUEST);
                    assertThat(back.status()).isEqualTo(Status.CONNECT_FAILED);
                    assertThat(back.headers().get(TofuAddress.CONNECT_TO)).isEqualTo(nobody.format());
                } else {
                    // No such path, found at post time: a HelloResponse with uds_path_not_found, as in tofu.
                    assertThat(back.opCode()).isEqualTo(OpCode.HELLO_RESPONSE);
                    assertThat(back.status()).isEqualTo(Status.UDS_PATH_NOT_FOUND);
                }
            } finally {
                engine.put(back);
            }
            assertClosedSignal(receive(g), header.channelNumber(), header.messageId());
            assertQuiet(g);
            // The channel is gone: posting to it fails at once.
            TofuMessage late = request(engine, header.channelNumber(), "late");
            assertThatThrownBy(() -> g.post(late)).isInstanceOfSatisfying(TofuException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.INVALID_CHANNEL_NUMBER));
            late.release();
        }
    }

    /** A UDS path that exists but has no listener (a stale socket file) fails like a refused TCP connect. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#transports")
    void staleUdsPathGivesConnectFailed(TofuTransport transport) throws Exception {
        if (!transport.supports(TofuAddress.Kind.UDS)) {
            assertUdsRefusedAtPost(transport, OpCode.HELLO_REQUEST);
            return;
        }
        TofuAddress stale = TestSupport.freshUdsPath();
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(stale.path()));
        }
        assertThat(Files.exists(Path.of(stale.path()))).isTrue();
        try (TofuEngine engine = TestSupport.engine(transport)) {
            ChannelGroup g = engine.create();
            TofuMessage header = g.post(hello(engine, stale));
            TofuMessage back = receive(g);
            assertThat(back.opCode()).as(back.toString()).isEqualTo(OpCode.HELLO_REQUEST);
            assertThat(back.status()).isEqualTo(Status.CONNECT_FAILED);
            engine.put(back);
            assertClosedSignal(receive(g), header.channelNumber(), header.messageId());
        } finally {
            Files.deleteIfExists(Path.of(stale.path()));
        }
    }

    /** Unresolvable host: HelloResponse with invalid_address, then channel_closed (tofu's immediate failure). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#transports")
    void unresolvableHostGivesInvalidAddress(TofuTransport transport) throws Exception {
        try (TofuEngine engine = TestSupport.engine(transport)) {
            ChannelGroup g = engine.create();
            TofuMessage header = g.post(hello(engine, TofuAddress.tcp("tofu.server.invalid", 3298)));
            TofuMessage back = receive(g);
            assertThat(back.opCode()).as(back.toString()).isEqualTo(OpCode.HELLO_RESPONSE);
            assertThat(back.origin()).isEqualTo(Origin.ENGINE);
            assertThat(back.status()).isEqualTo(Status.INVALID_ADDRESS);
            engine.put(back);
            assertClosedSignal(receive(g), header.channelNumber(), header.messageId());
        }
    }

    /** Listener failures: WelcomeResponse with origin engine and listen_failed, then channel_closed (spec §9.1). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#transports")
    void listenerFailures(TofuTransport transport) throws Exception {
        try (TofuEngine engine = TestSupport.engine(transport);
             ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 0));
            ChannelGroup g = engine.create();
            // A port in use, and an address that is not this machine's (TEST-NET-1; only a bind, no traffic).
            List<TofuAddress> bads = new ArrayList<>(List.of(TofuAddress.tcp("127.0.0.1", busy.getLocalPort()),
                    TofuAddress.tcp("192.0.2.1", 7099)));
            if (transport.supports(TofuAddress.Kind.UDS)) {
                bads.add(TofuAddress.uds("/nonexistent-dir/tofu.sock"));
            } else {
                assertUdsRefusedAtPost(transport, OpCode.WELCOME_REQUEST);
            }
            for (TofuAddress bad : bads) {
                TofuMessage header = g.post(TestSupport.welcome(engine, bad));
                TofuMessage back = receive(g);
                assertThat(back.opCode()).as(bad + ": " + back).isEqualTo(OpCode.WELCOME_RESPONSE);
                assertThat(back.origin()).isEqualTo(Origin.ENGINE);
                assertThat(back.status()).isEqualTo(Status.LISTEN_FAILED);
                assertThat(back.channelNumber()).isEqualTo(header.channelNumber());
                engine.put(back);
                assertClosedSignal(receive(g), header.channelNumber(), header.messageId());
            }
            assertQuiet(g);
        }
    }

    /**
     * tofu's "handle reconnect single threaded": the client tries before the server listens, gets the failure
     * notifications, and connects once the server is up; then a Bye exchange, three times.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void reconnectSingleThreaded(TestSupport.Case c) throws Exception {
        TofuAddress address = TestSupport.unusedAddress(c.kind());
        try (TofuEngine clientEngine = TestSupport.engine(c.transport(), b -> b.pool(16, 32));
             TofuEngine serverEngine = TestSupport.engine(c.transport(), b -> b.pool(16, 32))) {
            ChannelGroup client = clientEngine.create();
            for (int attempt = 0; attempt < 5; attempt++) {
                TofuMessage header = client.post(hello(clientEngine, address));
                TofuMessage back = receive(client);
                assertThat(back.status()).as(back.toString())
                        .isIn(Status.CONNECT_FAILED, Status.UDS_PATH_NOT_FOUND);
                clientEngine.put(back);
                assertClosedSignal(receive(client), header.channelNumber(), header.messageId());
            }
            ChannelGroup server = serverEngine.create();
            TestSupport.startListener(server, address);
            for (int round = 0; round < 3; round++) {
                TofuMessage helloHeader = client.post(hello(clientEngine, address));
                int ch = helloHeader.channelNumber();
                // Server: the HelloRequest arrives like any frame; the application answers it (spec §9.3).
                TofuMessage hello = receive(server);
                assertThat(hello.opCode()).as(hello.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                assertThat(hello.headers().get("x-peer")).isEqualTo("java");
                int serverCh = hello.channelNumber();
                server.post(hello.opCode(OpCode.HELLO_RESPONSE));
                TofuMessage helloResponse = receive(client);
                assertThat(helloResponse.opCode()).as(helloResponse.toString()).isEqualTo(OpCode.HELLO_RESPONSE);
                assertThat(helloResponse.status()).isEqualTo(Status.SUCCESS);
                assertThat(helloResponse.channelNumber()).isEqualTo(ch);
                clientEngine.put(helloResponse);

                client.post(signal(clientEngine, OpCode.BYE_REQUEST, ch));
                TofuMessage bye = receive(server);
                assertThat(bye.opCode()).as(bye.toString()).isEqualTo(OpCode.BYE_REQUEST);
                assertThat(bye.channelNumber()).isEqualTo(serverCh);
                server.post(bye.opCode(OpCode.BYE_RESPONSE));
                TofuMessage byeResponse = receive(client);
                assertThat(byeResponse.opCode()).as(byeResponse.toString()).isEqualTo(OpCode.BYE_RESPONSE);
                clientEngine.put(byeResponse);
                assertClosedSignal(receive(client), ch, helloHeader.messageId());
                // The ByeResponse sender's channel ends when the client closes it.
                assertClosedSignal(receive(server), serverCh, helloHeader.messageId());
            }
            assertQuiet(client);
            assertQuiet(server);
        }
    }

    /**
     * tofu's "handle reconnect multithreaded": a client thread retries until the server thread listens, then aborts
     * with a ByeSignal; three rounds.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void reconnectMultiThreaded(TestSupport.Case c) throws Exception {
        TofuAddress address = TestSupport.unusedAddress(c.kind());
        try (TofuEngine engine = TestSupport.engine(c.transport(), b -> b.pool(1024, 1024).ioThreads(2))) {
            CountDownLatch failedTwice = new CountDownLatch(2);
            AtomicInteger connects = new AtomicInteger();
            AtomicReference<Throwable> clientFailure = new AtomicReference<>();
            ChannelGroup client = engine.create();
            Thread clientThread = new Thread(() -> {
                try {
                    for (int round = 0; round < 3; round++) {
                        int ch = connect(engine, client, address, failedTwice);
                        connects.incrementAndGet();
                        // Abort: the ByeSignal comes back with channel_closed, then the channel's channel_closed.
                        TofuMessage header = client.post(signal(engine, OpCode.BYE_SIGNAL, ch));
                        TofuMessage back = receiveSkippingPoolEmpty(client);
                        assertThat(back.opCode()).as(back.toString()).isEqualTo(OpCode.BYE_SIGNAL);
                        assertThat(back.origin()).isEqualTo(Origin.ENGINE);
                        assertThat(back.status()).isEqualTo(Status.CHANNEL_CLOSED);
                        assertThat(back.messageId()).isEqualTo(header.messageId());
                        engine.put(back);
                        TofuMessage closed = receiveSkippingPoolEmpty(client);
                        assertThat(closed.channelNumber()).isEqualTo(ch);
                        assertThat(closed.status()).isEqualTo(Status.CHANNEL_CLOSED);
                        engine.put(closed);
                    }
                } catch (Throwable t) {
                    clientFailure.set(t);
                }
            }, "tofu-client");
            clientThread.start();
            assertThat(failedTwice.await(10, TimeUnit.SECONDS)).isTrue();
            try (EchoServer server = new EchoServer(engine, address)) {
                clientThread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(clientThread.isAlive()).isFalse();
                if (clientFailure.get() != null) {
                    throw new AssertionError("client thread failed", clientFailure.get());
                }
                assertThat(connects.get()).isEqualTo(3);
                server.awaitClosed(3);
                assertThat(server.hellos.get()).isEqualTo(3);
                // Aborted channels close with RST/EOF on the server: channel_closed for each.
                assertThat(server.closed.get()).isEqualTo(3);
            }
        }
    }

    /** Posts HelloRequests until one is answered; returns the channel number. */
    private static int connect(TofuEngine engine, ChannelGroup g, TofuAddress address, CountDownLatch failures)
            throws InterruptedException {
        while (true) {
            TofuMessage header = g.post(hello(engine, address));
            while (true) {
                TofuMessage m = receiveSkippingPoolEmpty(g);
                Status st = m.status();
                OpCode op = m.opCode();
                int ch = m.channelNumber();
                engine.put(m);
                if (op == OpCode.HELLO_RESPONSE && st == Status.SUCCESS) {
                    assertThat(ch).isEqualTo(header.channelNumber());
                    return ch;
                }
                if (st == Status.CHANNEL_CLOSED && ch == header.channelNumber()) {
                    failures.countDown();
                    Thread.sleep(5);
                    break; // that attempt is over; try again
                }
                assertThat(st).as(op + " " + st).isIn(Status.CONNECT_FAILED, Status.UDS_PATH_NOT_FOUND,
                        Status.CHANNEL_CLOSED);
            }
        }
    }

    /** destroy() with a listener and open channels: silent for the destroyed group, channel_closed for the peer. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void destroyWithOpenChannels(TestSupport.Case c) throws Exception {
        try (TofuEngine serverEngine = TestSupport.engine(c.transport());
             TofuEngine clientEngine = TestSupport.engine(c.transport())) {
            ChannelGroup server = serverEngine.create();
            TofuAddress address = TestSupport.startListener(server, TestSupport.listenAddress(c.kind()));
            ChannelGroup client = clientEngine.create();
            int[] channels = new int[2];
            long[] ids = new long[2];
            for (int i = 0; i < 2; i++) {
                TofuMessage header = client.post(hello(clientEngine, address));
                channels[i] = header.channelNumber();
                ids[i] = header.messageId();
                TofuMessage hello = receive(server);
                server.post(hello.opCode(OpCode.HELLO_RESPONSE));
                clientEngine.put(receive(client));
            }
            // Unanswered traffic is in flight too.
            client.post(request(clientEngine, channels[0], "unanswered"));

            serverEngine.destroy(server);
            assertThatThrownBy(() -> server.waitReceive(TestSupport.QUIET))
                    .isInstanceOfSatisfying(TofuException.class,
                            e -> assertThat(e.status()).isEqualTo(Status.SHUTDOWN_STARTED));
            serverEngine.destroy(server); // twice is fine

            // The client sees both channels close (the server's sockets closed with RST or EOF).
            boolean[] seen = new boolean[2];
            for (int i = 0; i < 2; i++) {
                TofuMessage m = receiveSkippingPoolEmpty(client);
                if (m.opCode() == OpCode.REQUEST) {
                    // The request raced with the close and was not sent: it comes back first, with the reason.
                    assertThat(m.origin()).as(m.toString()).isEqualTo(Origin.ENGINE);
                    assertThat(m.status()).isEqualTo(Status.PEER_DISCONNECTED);
                    assertThat(m.channelNumber()).isEqualTo(channels[0]);
                    assertThat(seen[0]).isFalse();
                    clientEngine.put(m);
                    m = receiveSkippingPoolEmpty(client);
                }
                int k = m.channelNumber() == channels[0] ? 0 : 1;
                assertThat(seen[k]).isFalse();
                seen[k] = true;
                assertClosedSignal(m, channels[k], ids[k]);
            }
            assertQuiet(client);

            // The listener is gone too.
            TofuMessage header = client.post(hello(clientEngine, address));
            TofuMessage back = receive(client);
            assertThat(back.status()).as(back.toString()).isIn(Status.CONNECT_FAILED, Status.UDS_PATH_NOT_FOUND);
            clientEngine.put(back);
            assertClosedSignal(receive(client), header.channelNumber(), header.messageId());

            // Destroying a group with a channel still connecting or open is silent as well.
            clientEngine.destroy(client);
        }
    }

    /**
     * A peer that resets in the middle of a frame: every complete frame before it is delivered, then exactly one
     * channel_closed Signal; the partial frame is dropped (spec D8).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void peerResetMidFrame(TestSupport.Case c) throws Exception {
        try (TofuEngine engine = TestSupport.engine(c.transport())) {
            ChannelGroup server = engine.create();
            TofuAddress address = TestSupport.startListener(server, TestSupport.listenAddress(c.kind()));
            byte[] hello = frame(OpCode.HELLO_REQUEST, 41, "~connect_to:" + address.format() + "\r\n", "");
            byte[] r1 = frame(OpCode.REQUEST, 42, "seq:1\r\n", "ping-1");
            byte[] r2 = frame(OpCode.SIGNAL, 43, "", "ping-2");
            byte[] partial = Arrays.copyOf(frame(OpCode.REQUEST, 44, "seq:3\r\n", "ping-3-truncated"), 25);
            byte[] all = concat(hello, r1, r2, partial);
            if (c.kind() == TofuAddress.Kind.TCP) {
                try (Socket s = new Socket("127.0.0.1", address.port())) {
                    OutputStream out = s.getOutputStream();
                    out.write(all);
                    out.flush();
                    // Reset only once the engine has read the three complete frames: a reset discards what the
                    // receiving kernel still holds (Windows and Wine 10 fail the next recv with WSAECONNRESET;
                    // Wine 8 hands the data over, then EOF), which is TCP's doing, not the engine's.
                    TestSupport.awaitFramesReceived(engine, 3);
                    s.setSoLinger(true, 0); // close with RST, as tofu does
                }
            } else {
                try (SocketChannel s = SocketChannel.open(UnixDomainSocketAddress.of(address.path()))) {
                    ByteBuffer b = ByteBuffer.wrap(all);
                    while (b.hasRemaining()) {
                        s.write(b);
                    }
                }
            }
            TofuMessage m1 = receive(server);
            assertThat(m1.opCode()).as(m1.toString()).isEqualTo(OpCode.HELLO_REQUEST);
            assertThat(m1.messageId()).isEqualTo(41);
            int ch = m1.channelNumber();
            engine.put(m1);
            TofuMessage m2 = receive(server);
            assertThat(m2.opCode()).isEqualTo(OpCode.REQUEST);
            assertThat(m2.headers().get("seq")).isEqualTo("1");
            assertThat(body(m2)).isEqualTo("ping-1");
            assertThat(m2.channelNumber()).isEqualTo(ch);
            engine.put(m2);
            TofuMessage m3 = receive(server);
            assertThat(m3.opCode()).isEqualTo(OpCode.SIGNAL);
            assertThat(body(m3)).isEqualTo("ping-2");
            engine.put(m3);
            // The channel remembers the first received id (tofu's acn.mid).
            assertClosedSignal(receive(server), ch, 41);
            assertQuiet(server);
        }
    }

    /** Messages posted but not sent when a channel closes come back (origin engine, the reason) before channel_closed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void unsentMessagesComeBackBeforeChannelClosed(TestSupport.Case c) throws Exception {
        try (TofuEngine engine = TestSupport.engine(c.transport())) {
            ChannelGroup g = engine.create();
            TofuAddress nobody = TestSupport.unusedAddress(c.kind());
            if (c.kind() == TofuAddress.Kind.UDS) {
                // A stale socket file: the connect is attempted (and refused) instead of failing at post.
                try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    s.bind(UnixDomainSocketAddress.of(nobody.path()));
                }
            }
            try {
                // A ByeSignal right after the HelloRequest aborts before the connect completes: the ByeSignal
                // comes back, then the queued HelloRequest (channel_closed), then the channel's channel_closed.
                TofuMessage header = g.post(hello(engine, nobody));
                int ch = header.channelNumber();
                try {
                    g.post(signal(engine, OpCode.BYE_SIGNAL, ch));
                } catch (TofuException e) {
                    // The refused connect can win the race; then the channel is already gone.
                    assertThat(e.status()).isEqualTo(Status.INVALID_CHANNEL_NUMBER);
                }
                TofuMessage first = receive(g);
                if (first.opCode() == OpCode.BYE_SIGNAL) {
                    assertThat(first.status()).isEqualTo(Status.CHANNEL_CLOSED);
                    engine.put(first);
                    first = receive(g);
                }
                assertThat(first.opCode()).as(first.toString()).isEqualTo(OpCode.HELLO_REQUEST);
                assertThat(first.origin()).isEqualTo(Origin.ENGINE);
                assertThat(first.status()).isIn(Status.CHANNEL_CLOSED, Status.CONNECT_FAILED);
                engine.put(first);
                assertClosedSignal(receive(g), ch, header.messageId());
                assertQuiet(g);
            } finally {
                if (nobody.kind() == TofuAddress.Kind.UDS) {
                    Files.deleteIfExists(Path.of(nobody.path()));
                }
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    @SuppressWarnings("unused")
    private static void ignore(IOException e) {
    }

    /** A transport without Unix domain sockets refuses a uds address at post, with not_implemented_yet. */
    private static void assertUdsRefusedAtPost(TofuTransport transport, OpCode op) throws InterruptedException {
        try (TofuEngine engine = TestSupport.engine(transport)) {
            ChannelGroup g = engine.create();
            TofuMessage m = op == OpCode.HELLO_REQUEST
                    ? hello(engine, TofuAddress.uds("/tmp/tofu-none.sock"))
                    : TestSupport.welcome(engine, TofuAddress.uds("/tmp/tofu-none.sock"));
            try {
                assertThatThrownBy(() -> g.post(m)).isInstanceOfSatisfying(TofuException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.NOT_IMPLEMENTED_YET);
                    assertThat(e).hasMessageContaining("Unix domain sockets");
                });
            } finally {
                m.release();
            }
            assertQuiet(g);
        }
    }
}
