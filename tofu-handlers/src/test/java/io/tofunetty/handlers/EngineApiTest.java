package io.tofunetty.handlers;

import io.netty.buffer.Unpooled;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static io.tofunetty.handlers.TestSupport.assertQuiet;
import static io.tofunetty.handlers.TestSupport.body;
import static io.tofunetty.handlers.TestSupport.hello;
import static io.tofunetty.handlers.TestSupport.receive;
import static io.tofunetty.handlers.TestSupport.request;
import static io.tofunetty.handlers.TestSupport.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine and group API (spec §10): post validation, updateReceiver, the pool, flow control, close. */
class EngineApiTest {

    private static void assertPostFails(ChannelGroup g, TofuMessage m, Status expected) {
        try {
            assertThatThrownBy(() -> g.post(m)).isInstanceOfSatisfying(TofuException.class,
                    e -> assertThat(e.status()).as(e.getMessage()).isEqualTo(expected));
        } finally {
            // A failed post leaves the message with the caller.
            if (m != null) {
                assertThat(m.refCnt()).isEqualTo(1);
                m.release();
            }
        }
    }

    /** tofu's "send illegal messages" and the rest of check_and_prepare's statuses, each synchronously. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#transports")
    void illegalMessages(TofuTransport transport) throws Exception {
        try (TofuEngine engine = TestSupport.engine(transport); TofuEngine other = TestSupport.engine(transport)) {
            ChannelGroup g = engine.create();
            assertPostFails(g, null, Status.NULL_MESSAGE);
            // Only HelloRequest and WelcomeRequest may use channel 0 (tofu: a ByeRequest from the pool).
            assertPostFails(g, signal(engine, OpCode.BYE_REQUEST, 0), Status.INVALID_CHANNEL_NUMBER);
            assertPostFails(g, request(engine, 0, "x"), Status.INVALID_CHANNEL_NUMBER);
            assertPostFails(g, request(engine, 65535, "x"), Status.INVALID_CHANNEL_NUMBER);
            assertPostFails(g, request(engine, 4242, "no such channel"), Status.INVALID_CHANNEL_NUMBER);
            TofuMessage helloOnChannel = hello(engine, TofuAddress.tcp("127.0.0.1", 7099)).channelNumber(17);
            assertPostFails(g, helloOnChannel, Status.INVALID_CHANNEL_NUMBER);
            // A HelloRequest or WelcomeRequest without an address.
            assertPostFails(g, engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.HELLO_REQUEST),
                    Status.WRONG_ADDRESS);
            TofuMessage helloOtherHeader = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.HELLO_REQUEST);
            helloOtherHeader.headers().add("x-peer", "java");
            assertPostFails(g, helloOtherHeader, Status.WRONG_ADDRESS);
            assertPostFails(g, engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.WELCOME_REQUEST),
                    Status.WRONG_ADDRESS);
            for (String bad : new String[] {"tcp|127.0.0.1", "tcp|127.0.0.1|70000", "tcp|h|p", "udp|/tmp/x",
                    "uds|", "tcp|a|1|2"}) {
                TofuMessage m = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.HELLO_REQUEST);
                m.headers().add(TofuAddress.CONNECT_TO, bad);
                assertPostFails(g, m, Status.INVALID_ADDRESS);
            }
            // Responses need the request's id.
            for (OpCode op : new OpCode[] {OpCode.RESPONSE, OpCode.HELLO_RESPONSE, OpCode.BYE_RESPONSE}) {
                assertPostFails(g, signal(engine, op, 4242), Status.INVALID_MESSAGE_ID);
            }
            // more=1 only on Request, Response, Signal.
            TofuMessage moreHello = hello(engine, TofuAddress.tcp("127.0.0.1", 7099)).more(true);
            assertPostFails(g, moreHello, Status.INVALID_MORE_USAGE);
            assertPostFails(g, signal(engine, OpCode.BYE_REQUEST, 4242).more(true), Status.INVALID_MORE_USAGE);
            // WelcomeResponse is the engine's.
            assertPostFails(g, signal(engine, OpCode.WELCOME_RESPONSE, 4242).messageId(1), Status.INVALID_OP_CODE);
            // Lengths above u16.
            TofuMessage bigHeaders = request(engine, 4242, "x");
            bigHeaders.headers().add("big", "v".repeat(70_000));
            assertPostFails(g, bigHeaders, Status.INVALID_HEADERS_LEN);
            TofuMessage bigBody = TofuMessage.create(OpCode.REQUEST, new TextHeaders(),
                    Unpooled.buffer(70_000).writeZero(70_000)).channelNumber(4242);
            assertPostFails(g, bigBody, Status.INVALID_BODY_LEN);

            // A channel of another group, and a listener that only takes a ByeSignal.
            ChannelGroup g2 = engine.create();
            TofuAddress listening = TestSupport.startListener(g2, TofuAddress.tcp("127.0.0.1", 0));
            assertThat(listening.port()).isPositive();
            int listener = findListenerChannel(engine, g2);
            assertPostFails(g, request(engine, listener, "x"), Status.INVALID_MCHN_GROUP);
            assertPostFails(g2, request(engine, listener, "x"), Status.NOT_ALLOWED);
            TofuMessage stop = g2.post(signal(engine, OpCode.BYE_SIGNAL, listener));
            TofuMessage stopped = receive(g2);
            assertThat(stopped.opCode()).isEqualTo(OpCode.BYE_SIGNAL);
            assertThat(stopped.status()).isEqualTo(Status.CHANNEL_CLOSED);
            assertThat(stopped.messageId()).isEqualTo(stop.messageId());
            engine.put(stopped);
            TestSupport.assertClosedSignal(receive(g2), listener, welcomeId);

            // A destroyed group, then a closed engine.
            engine.destroy(g2);
            assertPostFails(g2, request(engine, 4242, "x"), Status.INVALID_MCHN_GROUP);
            assertThatThrownBy(() -> g2.updateReceiver(null)).isInstanceOfSatisfying(TofuException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.SHUTDOWN_STARTED));
            assertThatThrownBy(() -> other.destroy(g)).isInstanceOf(IllegalArgumentException.class);
            engine.close();
            assertPostFails(g, request(engine, 4242, "x"), Status.NOTIFICATION_DISABLED);
            assertThatThrownBy(engine::create).isInstanceOfSatisfying(TofuException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.SHUTDOWN_STARTED));
        }
    }

    private static long welcomeId;

    /** Posts a WelcomeRequest again to learn a listener's number (startListener reads the address only). */
    private static int findListenerChannel(TofuEngine engine, ChannelGroup g) throws InterruptedException {
        TofuMessage header = g.post(TestSupport.welcome(engine, TofuAddress.tcp("127.0.0.1", 0)));
        TofuMessage r = receive(g);
        assertThat(r.status()).isEqualTo(Status.SUCCESS);
        engine.put(r);
        welcomeId = header.messageId();
        return header.channelNumber();
    }

    /** Posting assigns ids from one process-wide counter and keeps explicit ones. */
    @Test
    void messageIdsAndHeaderCopy() throws Exception {
        try (TofuEngine engine = TestSupport.engine(TofuTransport.NIO)) {
            ChannelGroup g = engine.create();
            TofuMessage h1 = g.post(hello(engine, TofuAddress.tcp("tofu.server.invalid", 1)));
            TofuMessage h2 = g.post(hello(engine, TofuAddress.tcp("tofu.server.invalid", 1)));
            assertThat(Long.compareUnsigned(h2.messageId(), h1.messageId())).isPositive();
            assertThat(h1.channelNumber()).isNotEqualTo(h2.channelNumber());
            assertThat(h1.opCode()).isEqualTo(OpCode.HELLO_REQUEST);
            TofuMessage explicit = hello(engine, TofuAddress.tcp("tofu.server.invalid", 1)).messageId(-2L);
            assertThat(g.post(explicit).messageId()).isEqualTo(-2L); // u64 0xFFFF_FFFF_FFFF_FFFE
            for (int i = 0; i < 6; i++) {
                engine.put(receive(g));
            }
            assertQuiet(g);
        }
    }

    /** tofu's "update receiver", plus a wake-up from another thread and FIFO order with received messages. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#transports")
    void updateReceiver(TofuTransport transport) throws Exception {
        try (TofuEngine engine = TestSupport.engine(transport)) {
            ChannelGroup g = engine.create();
            assertThat(g.waitReceive(Duration.ofMillis(20))).isNull();
            assertThat(g.waitReceive(Duration.ZERO)).isNull();

            g.updateReceiver(null);
            TofuMessage attention = receive(g);
            assertThat(attention.messageId()).isZero();
            assertThat(attention.channelNumber()).isZero();
            assertThat(attention.origin()).isEqualTo(Origin.ENGINE);
            assertThat(attention.opCode()).isEqualTo(OpCode.SIGNAL);
            assertThat(attention.status()).isEqualTo(Status.RECEIVER_UPDATE);

            attention.opCode(OpCode.REQUEST).status(Status.SUCCESS).messageId(1);
            g.updateReceiver(attention);
            attention = receive(g);
            assertThat(attention.messageId()).isEqualTo(1);
            assertThat(attention.origin()).isEqualTo(Origin.APPLICATION);
            assertThat(attention.opCode()).isEqualTo(OpCode.REQUEST);
            assertThat(attention.status()).isEqualTo(Status.RECEIVER_UPDATE);
            engine.put(attention);

            // From another thread, to a receiver blocked without timeout.
            AtomicReference<TofuMessage> got = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread receiver = new Thread(() -> {
                try {
                    got.set(g.waitReceive(ChannelGroup.INFINITE_TIMEOUT));
                } catch (Exception e) {
                    // got stays null
                } finally {
                    done.countDown();
                }
            });
            receiver.start();
            Thread.sleep(50);
            assertThat(done.getCount()).isEqualTo(1);
            Thread waker = new Thread(() -> g.updateReceiver(request(engine, 0, "wake up")));
            waker.start();
            waker.join();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(body(got.get())).isEqualTo("wake up");
            assertThat(got.get().status()).isEqualTo(Status.RECEIVER_UPDATE);
            engine.put(got.get());

            // FIFO with received messages: what has arrived comes first.
            try (EchoServer server = new EchoServer(TestSupport.engine(transport), TofuAddress.tcp("127.0.0.1", 0))) {
                try {
                    g.post(hello(engine, server.address));
                    long deadline = System.nanoTime() + TestSupport.WAIT.toNanos();
                    while (g.queued() == 0 && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                    g.updateReceiver(null);
                    TofuMessage first = receive(g);
                    assertThat(first.opCode()).isEqualTo(OpCode.HELLO_RESPONSE);
                    engine.put(first);
                    TofuMessage second = receive(g);
                    assertThat(second.status()).isEqualTo(Status.RECEIVER_UPDATE);
                    engine.put(second);
                } finally {
                    server.engine.close();
                }
            }
        }
    }

    /** tofu's pool: POOL_ONLY returns null when empty, ALWAYS allocates, put grows the pool up to max. */
    @Test
    void poolSemantics() {
        try (TofuEngine engine = TestSupport.engine(TofuTransport.NIO, b -> b.pool(2, 3))) {
            assertThat(engine.poolAvailable()).isEqualTo(2);
            TofuMessage a = engine.get(AllocationStrategy.POOL_ONLY);
            TofuMessage b = engine.get(AllocationStrategy.POOL_ONLY);
            assertThat(a).isNotNull();
            assertThat(b).isNotNull();
            assertThat(engine.get(AllocationStrategy.POOL_ONLY)).isNull();
            TofuMessage c = engine.get(AllocationStrategy.ALWAYS);
            assertThat(c).isNotNull();
            assertThat(c.opCode()).isEqualTo(OpCode.REQUEST);
            assertThat(c.body().maxCapacity()).isEqualTo(65535);
            TofuMessage d = engine.get(AllocationStrategy.ALWAYS);
            engine.put(a);
            engine.put(b);
            engine.put(c);
            engine.put(d); // the pool is full at 3: this one is just freed
            engine.put(null);
            assertThat(engine.poolAvailable()).isEqualTo(3);
            assertThat(a.refCnt()).isZero();
        }
        // 0 means tofu's defaults; max below initial is raised to initial.
        try (TofuEngine engine = TestSupport.engine(TofuTransport.NIO, b -> b.pool(0, 0))) {
            assertThat(engine.poolAvailable()).isEqualTo(16);
        }
        try (TofuEngine engine = TestSupport.engine(TofuTransport.NIO, b -> b.pool(5, 1))) {
            List<TofuMessage> taken = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                taken.add(engine.get(AllocationStrategy.POOL_ONLY));
            }
            assertThat(taken).doesNotContainNull();
            taken.forEach(engine::put);
            assertThat(engine.poolAvailable()).isEqualTo(5);
        }
    }

    /**
     * Receive flow control: with the pool empty, reading stops and a pool_empty Signal says so; giving messages back
     * resumes reading; nothing is lost or reordered.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void emptyPoolStopsReadingWithoutLoss(TestSupport.Case c) throws Exception {
        try (TofuEngine serverEngine = TestSupport.engine(c.transport(), b -> b.pool(3, 3));
             TofuEngine clientEngine = TestSupport.engine(c.transport())) {
            ChannelGroup server = serverEngine.create();
            TofuAddress address = TestSupport.startListener(server, TestSupport.listenAddress(c.kind()));
            assertThat(serverEngine.poolAvailable()).isEqualTo(3);
            ChannelGroup client = clientEngine.create();
            int ch = client.post(hello(clientEngine, address)).channelNumber();
            int n = 20;
            for (int i = 0; i < n; i++) {
                client.post(request(clientEngine, ch, "r" + i));
            }
            // Keep everything received: the pool runs dry after three messages.
            List<TofuMessage> kept = new ArrayList<>();
            TofuMessage m;
            while (true) {
                m = receive(server);
                if (m.status() == Status.POOL_EMPTY) {
                    break;
                }
                kept.add(m);
            }
            assertThat(m.origin()).isEqualTo(Origin.ENGINE);
            assertThat(m.opCode()).isEqualTo(OpCode.SIGNAL);
            assertThat(kept).hasSizeLessThanOrEqualTo(3);
            int serverCh = kept.isEmpty() ? m.channelNumber() : kept.get(0).channelNumber();
            assertThat(m.channelNumber()).isEqualTo(serverCh);
            serverEngine.put(m);
            // Giving messages back lets the rest through, in order.
            List<String> bodies = new ArrayList<>();
            for (TofuMessage k : kept) {
                bodies.add(k.opCode() == OpCode.HELLO_REQUEST ? "hello" : body(k));
                serverEngine.put(k);
            }
            while (bodies.size() < n + 1) {
                TofuMessage next = receive(server);
                if (next.status() == Status.POOL_EMPTY) {
                    serverEngine.put(next);
                    continue;
                }
                bodies.add(next.opCode() == OpCode.HELLO_REQUEST ? "hello" : body(next));
                serverEngine.put(next);
            }
            List<String> expected = new ArrayList<>();
            expected.add("hello");
            for (int i = 0; i < n; i++) {
                expected.add("r" + i);
            }
            assertThat(bodies).isEqualTo(expected);
            assertQuiet(server);
        }
    }

    /** A peer that never reads: post waits up to the unwritable limit, then fails with send_failed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void unwritableChannelFailsPostAfterLimit(TestSupport.Case c) throws Exception {
        TofuAddress address;
        AutoCloseable listener;
        List<AutoCloseable> accepted = new ArrayList<>();
        if (c.kind() == TofuAddress.Kind.TCP) {
            ServerSocket ss = new ServerSocket();
            ss.bind(new InetSocketAddress("127.0.0.1", 0));
            address = TofuAddress.tcp("127.0.0.1", ss.getLocalPort());
            listener = ss;
            new Thread(() -> {
                try {
                    Socket s = ss.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                } catch (Exception e) {
                    // closed
                }
            }).start();
        } else {
            address = TestSupport.freshUdsPath();
            ServerSocketChannel ss = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ss.bind(UnixDomainSocketAddress.of(address.path()));
            listener = ss;
            new Thread(() -> {
                try {
                    SocketChannel s = ss.accept();
                    synchronized (accepted) {
                        accepted.add(s);
                    }
                } catch (Exception e) {
                    // closed
                }
            }).start();
        }
        try (TofuEngine engine = TestSupport.engine(c.transport(),
                b -> b.writeBufferWaterMark(16 * 1024, 32 * 1024).unwritableLimit(Duration.ofMillis(200)))) {
            ChannelGroup g = engine.create();
            int ch = g.post(hello(engine, address)).channelNumber();
            TofuException failure = null;
            int posted = 0;
            for (; posted < 20_000 && failure == null; posted++) {
                TofuMessage m = request(engine, ch, "");
                m.body().writeZero(60_000);
                try {
                    g.post(m);
                } catch (TofuException e) {
                    m.release();
                    failure = e;
                }
            }
            assertThat(failure).as("post fails once the peer stops reading (" + posted + " posts)").isNotNull();
            assertThat(failure.status()).isEqualTo(Status.SEND_FAILED);
            assertThat(failure.getMessage()).contains("unwritable");
        } finally {
            listener.close();
            synchronized (accepted) {
                for (AutoCloseable s : accepted) {
                    s.close();
                }
            }
            if (c.kind() == TofuAddress.Kind.UDS) {
                Files.deleteIfExists(Path.of(address.path()));
            }
        }
    }

    /** close(): receivers get shutdown_started, and no thread of the engine is left (checked by name). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.tofunetty.handlers.TestSupport#cases")
    void closeLeavesNoEngineThread(TestSupport.Case c) throws Exception {
        TofuEngine engine = TestSupport.engine(c.transport(), b -> b.ioThreads(2));
        String prefix = engine.name() + "-";
        TofuEngine peer = TestSupport.engine(c.transport());
        try (EchoServer server = new EchoServer(peer, TestSupport.listenAddress(c.kind()))) {
            ChannelGroup g = engine.create();
            ChannelGroup listeners = engine.create();
            TestSupport.startListener(listeners, TestSupport.listenAddress(c.kind()));
            g.post(hello(engine, server.address));
            engine.put(TestSupport.receiveSkippingPoolEmpty(g));
            assertThat(engineThreads(prefix)).isNotEmpty();

            AtomicReference<Throwable> thrown = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread receiver = new Thread(() -> {
                try {
                    TofuMessage m = g.waitReceive(ChannelGroup.INFINITE_TIMEOUT);
                    if (m != null) {
                        m.release();
                    }
                } catch (Throwable t) {
                    thrown.set(t);
                } finally {
                    done.countDown();
                }
            });
            receiver.start();
            engine.close();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(thrown.get()).isInstanceOfSatisfying(TofuException.class,
                    e -> assertThat(e.status()).isEqualTo(Status.SHUTDOWN_STARTED));
            assertThat(engineThreads(prefix)).isEmpty();
            engine.close(); // idempotent
            server.awaitClosed(1);
            assertThat(server.closed.get()).isEqualTo(1);
        } finally {
            peer.close();
        }
        assertThat(engineThreads(peer.name() + "-")).isEmpty();
    }

    private static List<String> engineThreads(String prefix) {
        List<String> names = new ArrayList<>();
        Thread.getAllStackTraces().keySet().forEach(t -> {
            if (t.getName().startsWith(prefix) && t.isAlive()) {
                names.add(t.getName());
            }
        });
        return names;
    }

    @SuppressWarnings("unused")
    private static void unused(Consumer<InputStream> c) {
    }
}
