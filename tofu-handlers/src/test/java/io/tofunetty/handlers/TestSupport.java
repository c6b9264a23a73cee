package io.tofunetty.handlers;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TofuHeaderCodec;
import io.tofunetty.codec.TofuMessage;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Shared pieces of the engine tests: the transports to run on, addresses, and message helpers. */
final class TestSupport {
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration QUIET = Duration.ofMillis(100);
    private static final AtomicInteger UDS_PATHS = new AtomicInteger();

    private TestSupport() {
    }

    /** One transport and one address family. */
    record Case(TofuTransport transport, TofuAddress.Kind kind) {
        @Override
        public String toString() {
            return transport + "/" + kind;
        }
    }

    /**
     * The transports under test in this JVM: NIO and epoll on Linux; on a Windows JVM (the Windows tier, under Wine
     * on Linux) the AFD transport only, since NIO is covered on Linux and every Windows-tier minute counts.
     */
    static List<TofuTransport> transports() {
        List<TofuTransport> list = new ArrayList<>();
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            list.add(TofuTransport.AFD);
            return list;
        }
        list.add(TofuTransport.NIO);
        if (os.contains("linux")) {
            list.add(TofuTransport.EPOLL);
        }
        return list;
    }

    /** Each transport over TCP and Unix domain sockets (AFD: TCP only, it has no AF_UNIX channel yet). */
    static Stream<Case> cases() {
        return transports().stream().flatMap(t -> t == TofuTransport.AFD
                ? Stream.of(new Case(t, TofuAddress.Kind.TCP))
                : Stream.of(new Case(t, TofuAddress.Kind.TCP), new Case(t, TofuAddress.Kind.UDS)));
    }

    static TofuEngine engine(TofuTransport transport) {
        return engine(transport, UnaryOperator.identity());
    }

    static TofuEngine engine(TofuTransport transport, UnaryOperator<TofuEngine.Builder> options) {
        TofuEngine e = options.apply(TofuEngine.builder().transport(transport)).build();
        assertThat(e.transport()).isEqualTo(transport);
        return e;
    }

    /** An address to listen on: an ephemeral TCP port, or a fresh UDS path. */
    static TofuAddress listenAddress(TofuAddress.Kind kind) {
        return kind == TofuAddress.Kind.TCP ? TofuAddress.tcp("127.0.0.1", 0) : freshUdsPath();
    }

    /** An address nobody listens on: a TCP port that was free a moment ago, or a UDS path that does not exist. */
    static TofuAddress unusedAddress(TofuAddress.Kind kind) throws IOException {
        if (kind == TofuAddress.Kind.UDS) {
            return freshUdsPath();
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return TofuAddress.tcp("127.0.0.1", s.getLocalPort());
        }
    }

    static TofuAddress freshUdsPath() {
        Path p = Path.of(System.getProperty("java.io.tmpdir"),
                "tofu_" + ProcessHandle.current().pid() + "_" + UDS_PATHS.incrementAndGet() + ".sock");
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return TofuAddress.uds(p.toString());
    }

    static TofuMessage hello(TofuEngine engine, TofuAddress to) {
        TofuMessage m = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.HELLO_REQUEST);
        m.headers().add(TofuAddress.CONNECT_TO, to.format()).add("x-peer", "java");
        return m;
    }

    static TofuMessage welcome(TofuEngine engine, TofuAddress on) {
        TofuMessage m = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.WELCOME_REQUEST);
        m.headers().add(TofuAddress.LISTEN_ON, on.format());
        return m;
    }

    static TofuMessage request(TofuEngine engine, int channel, String body) {
        TofuMessage m = engine.get(AllocationStrategy.ALWAYS).opCode(OpCode.REQUEST).channelNumber(channel);
        m.body().writeCharSequence(body, StandardCharsets.UTF_8);
        return m;
    }

    static TofuMessage signal(TofuEngine engine, OpCode op, int channel) {
        return engine.get(AllocationStrategy.ALWAYS).opCode(op).channelNumber(channel);
    }

    static String body(TofuMessage m) {
        return m.body().toString(StandardCharsets.UTF_8);
    }

    /** The next message; fails if none arrives within {@link #WAIT}. */
    static TofuMessage receive(ChannelGroup g) throws InterruptedException {
        TofuMessage m = g.waitReceive(WAIT);
        assertThat(m).as("a message within " + WAIT + " on " + g).isNotNull();
        return m;
    }

    /** The next message that is not a pool_empty Signal (those are returned to the pool). */
    static TofuMessage receiveSkippingPoolEmpty(ChannelGroup g) throws InterruptedException {
        while (true) {
            TofuMessage m = receive(g);
            if (m.origin() == Origin.ENGINE && m.status() == Status.POOL_EMPTY) {
                g.engine().put(m);
                continue;
            }
            return m;
        }
    }

    /** Waits until the engine has received {@code frames} frames from peers; fails with its counters otherwise. */
    static void awaitFramesReceived(TofuEngine engine, long frames) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (engine.statistics().framesReceived() < frames) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the engine never received " + frames + " frames within " + WAIT + ": "
                        + engine.statistics());
            }
            Thread.sleep(2);
        }
    }

    /** Asserts that nothing arrives for a short while. */
    static void assertQuiet(ChannelGroup g) throws InterruptedException {
        TofuMessage m = g.waitReceive(QUIET);
        if (m != null) {
            String s = m.toString();
            m.release();
            throw new AssertionError("expected no message, got " + s);
        }
    }

    /** Starts a listener and waits for its WelcomeResponse; returns the address actually bound. */
    static TofuAddress startListener(ChannelGroup g, TofuAddress on) throws InterruptedException {
        TofuMessage header = g.post(welcome(g.engine(), on));
        TofuMessage r = receive(g);
        try {
            assertThat(r.opCode()).as(r.toString()).isEqualTo(OpCode.WELCOME_RESPONSE);
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.SUCCESS);
            assertThat(r.origin()).isEqualTo(Origin.APPLICATION);
            assertThat(r.channelNumber()).isEqualTo(header.channelNumber());
            assertThat(r.messageId()).isEqualTo(header.messageId());
            return TofuAddress.parse(r.headers().get(TofuAddress.LISTEN_ON));
        } finally {
            g.engine().put(r);
        }
    }

    /** Asserts the message is channel_closed for {@code channel} with the remembered id, and puts it back. */
    static void assertClosedSignal(TofuMessage m, int channel, long messageId) {
        try {
            assertThat(m.opCode()).as(m.toString()).isEqualTo(OpCode.SIGNAL);
            assertThat(m.origin()).as(m.toString()).isEqualTo(Origin.ENGINE);
            assertThat(m.status()).as(m.toString()).isEqualTo(Status.CHANNEL_CLOSED);
            assertThat(m.channelNumber()).as(m.toString()).isEqualTo(channel);
            assertThat(m.messageId()).as(m.toString()).isEqualTo(messageId);
        } finally {
            m.release();
        }
    }

    /** A raw tofu frame as a tofu peer would write it. */
    static byte[] frame(OpCode op, long messageId, String headers, String body) {
        byte[] h = headers.getBytes(StandardCharsets.UTF_8);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ByteBuf buf = Unpooled.buffer(16 + h.length + b.length);
        TofuHeaderCodec.writeHeader(buf, 0x777e, op.wireValue(), 0, messageId, h.length, b.length);
        buf.writeBytes(h).writeBytes(b);
        byte[] out = new byte[buf.readableBytes()];
        buf.readBytes(out);
        buf.release();
        return out;
    }
}
