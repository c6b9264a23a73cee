package io.tofunetty.afd;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.receive.SkipOnSuccess;
import io.tofunetty.afd.internal.win32.NativeCallCounter;
import io.tofunetty.testkit.Await;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AfdReadMode#COMPLETION}: TCP channels read by overlapped WSARecv on the loop's completion port, against the
 * real Winsock stack (under Wine on Linux). The peers are plain JDK sockets, so that only the channel under test
 * reads by completion.
 */
@WindowsTier
class AfdCompletionReadsTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static EventLoopGroup group;
    /** The transport's process-wide counts with the group started and no channel open. */
    private static long sockets0;
    private static long records0;
    private static long inFlight0;
    /** Every channel the test's listeners accepted. */
    private static final List<Channel> acceptedByThisTest = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2,
                AfdIoHandler.newFactory(AfdIoHandlerOptions.defaults().withReadMode(AfdReadMode.COMPLETION)));
        sockets0 = AfdCounters.openSockets();
        records0 = AfdCounters.receiveRecords();
        inFlight0 = AfdCounters.receivesInFlight();
    }

    /**
     * The counters are process-wide and tests read them, so each test leaves none of its channels behind: an accepted
     * channel closes on its own when its peer goes, but a little after the test ends, and its record goes only when
     * the cancelled receive's packet arrives. Waiting here keeps one test's tail out of the next one's counts.
     */
    @AfterEach
    void closeWhatTheTestAcceptedAndWaitForTheCountersToSettle() throws InterruptedException {
        for (Channel ch : acceptedByThisTest) {
            ch.close().await(10, TimeUnit.SECONDS);
        }
        acceptedByThisTest.clear();
        await("every socket closed and every receive record freed", () -> AfdCounters.openSockets() == sockets0
                && AfdCounters.receiveRecords() == records0 && AfdCounters.receivesInFlight() == inFlight0);
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    /** Collects what its channels read, and their events. */
    @ChannelHandler.Sharable
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            synchronized (bytes) {
                byte[] b = new byte[buf.readableBytes()];
                buf.readBytes(b);
                bytes.write(b, 0, b.length);
            }
            buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            events.add(cause);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            events.add("inactive");
        }

        int size() {
            synchronized (bytes) {
                return bytes.size();
            }
        }

        byte[] taken() {
            synchronized (bytes) {
                return bytes.toByteArray();
            }
        }
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** An AFD listener whose accepted channels get {@code handler}; returns the listener. */
    private static Channel listen(ChannelHandler handler, boolean autoRead, boolean halfClosure)
            throws InterruptedException {
        return new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .childOption(ChannelOption.AUTO_READ, autoRead)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        acceptedByThisTest.add(ch);
                        ch.pipeline().addLast(handler);
                    }
                }).bind(LOOPBACK).sync().channel();
    }

    /** Accepts through {@code server} with a JDK socket and returns the accepted AFD channel. */
    private static AfdSocketChannel acceptedFrom(Channel server, Socket peer, BlockingQueue<Channel> accepted)
            throws Exception {
        peer.connect(server.localAddress(), 10_000);
        Channel ch = accepted.poll(10, TimeUnit.SECONDS);
        assertThat(ch).as("accepted channel").isNotNull();
        return (AfdSocketChannel) ch;
    }

    private static ChannelInboundHandlerAdapter capturing(BlockingQueue<Channel> accepted, ChannelHandler inner) {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public boolean isSharable() {
                return true;
            }

            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                ctx.pipeline().addLast(inner);
                accepted.add(ctx.channel());
            }
        };
    }

    private static boolean onLoop(Channel ch, java.util.concurrent.Callable<Boolean> question) throws Exception {
        return ch.eventLoop().submit(question).get(10, TimeUnit.SECONDS);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(20), condition);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void streamChannelsReadEveryByteByCompletionAndEchoIt() throws Exception {
        Channel server = listen(new Echo(), true, false);
        try {
            Recorder got = new Recorder();
            AfdSocketChannel client = (AfdSocketChannel) new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .handler(got).connect(server.localAddress()).sync().channel();
            assertThat(onLoop(client, client::readsByCompletion)).as("client reads by completion").isTrue();
            byte[] sent = random(3 * 1024 * 1024 + 17, 1);
            long receives0 = NativeCallCounter.snapshot()[NativeCallCounter.WSARECV];
            for (int off = 0; off < sent.length; ) {
                int n = (int) Math.min(sent.length - off, 1 + (off * 7919L) % 70_000);
                client.writeAndFlush(Unpooled.wrappedBuffer(sent, off, n));
                off += n;
            }
            await("all echoed", () -> got.size() == sent.length);
            assertThat(got.taken()).isEqualTo(sent);
            if (NativeCallCounter.ENABLED) {
                assertThat(NativeCallCounter.snapshot()[NativeCallCounter.WSARECV]).isGreaterThan(receives0);
            }
            client.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void socketsAskForSkipOnSuccessOnlyWhenEveryTcpProviderHasIfsHandles() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Channel server = listen(capturing(accepted, new Recorder()), true, false);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            assertThat(onLoop(ch, ch::readsByCompletion)).isTrue();
            // What was asked of the kernel: the flag exactly when the catalog allows it (Wine's providers do).
            assertThat(onLoop(ch, () -> ch.socket.skipsCompletionPortOnSuccess()))
                    .isEqualTo(SkipOnSuccess.isSafeForTcp());
            ch.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void idleConnectionsSwapTheirBufferForAZeroByteReceiveAndWakeUpWithData() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), true, false);
        List<Socket> peers = new ArrayList<>();
        try {
            int connections = 20;
            List<AfdSocketChannel> channels = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket peer = new Socket();
                peers.add(peer);
                channels.add(acceptedFrom(server, peer, accepted));
                peer.getOutputStream().write(1); // one data receive completes, the next one waits with a buffer
            }
            await("first bytes", () -> got.size() == connections);
            // Within a few sweep periods every waiting data receive is cancelled and its buffer released: what
            // stays per idle connection is the 64-byte receive record.
            await("idle connections pin no buffer",
                    () -> AfdCounters.receiveBytesPinned() <= (long) AfdCounters.receiveRecords() * 64);
            assertThat(AfdCounters.receiveBytesPinned()).isLessThanOrEqualTo(4096L * connections);
            assertThat(AfdCounters.receivesInFlight()).as("zero-byte receives posted").isGreaterThanOrEqualTo(
                    connections);
            byte[] more = random(100_000, 2);
            for (Socket peer : peers) {
                peer.getOutputStream().write(more);
            }
            await("woken by data", () -> got.size() == connections * (1 + more.length));
            for (AfdSocketChannel ch : channels) {
                assertThat(onLoop(ch, ch::readsByCompletion)).isTrue();
            }
        } finally {
            for (Socket peer : peers) {
                peer.close();
            }
            server.close().sync();
        }
    }

    @Test
    void closingWithAReceivePendingFreesItsBufferOnlyAfterTheCancelledReceiveCompletes() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Channel server = listen(capturing(accepted, new Recorder()), true, false);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            await("receive posted", () -> AfdCounters.receivesInFlight() > inFlight0);
            ch.close().sync();
            // The record (and the buffer, which PARANOID leak detection watches) go when the packet has come.
            await("records freed", () -> AfdCounters.receiveRecords() == records0
                    && AfdCounters.receivesInFlight() == inFlight0);
            assertThat(peer.getInputStream().read()).as("peer sees the close").isEqualTo(-1);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aResetWhileAReceiveIsPendingFailsTheReadAndClosesTheChannel() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), true, false);
        try {
            Socket peer = new Socket();
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            assertThat(onLoop(ch, ch::readsByCompletion)).isTrue();
            peer.setSoLinger(true, 0);
            peer.close(); // RST
            Object first = got.events.poll(10, TimeUnit.SECONDS);
            assertThat(first).as("the reset, reported as the read's failure").isInstanceOf(IOException.class);
            assertThat(((IOException) first).getMessage()).containsIgnoringCase("reset");
            assertThat(got.events.poll(10, TimeUnit.SECONDS)).isEqualTo("inactive");
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aPeerCloseWhileADataReceiveWaitsEndsTheInputAndClosesTheChannel() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), true, false);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            peer.getOutputStream().write(new byte[] {1, 2, 3});
            await("first bytes", () -> got.size() == 3);
            Thread.sleep(100); // the next data receive is posted and waits
            peer.close();
            assertThat(got.events.poll(10, TimeUnit.SECONDS)).isEqualTo("inactive");
            assertThat(ch.isOpen()).isFalse();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aPeerFinIsTheEndOfInputAndTheOutputStaysOpenWithHalfClosure() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), true, true);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            byte[] sent = random(50_000, 3);
            peer.getOutputStream().write(sent);
            peer.shutdownOutput();
            assertThat(got.events.poll(10, TimeUnit.SECONDS)).isSameAs(ChannelInputShutdownEvent.INSTANCE);
            assertThat(got.events.poll(10, TimeUnit.SECONDS)).isSameAs(ChannelInputShutdownReadComplete.INSTANCE);
            assertThat(got.taken()).isEqualTo(sent);
            assertThat(ch.isInputShutdown()).isTrue();
            ch.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {42})).sync();
            assertThat(peer.getInputStream().read()).isEqualTo(42);
            ch.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void withAutoReadOffNothingIsReadAheadOfARead() throws Exception {
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), false, false);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            OutputStream out = peer.getOutputStream();
            out.write(random(1000, 4));
            Thread.sleep(200); // nothing may arrive without a read(); this cannot pass by being slow
            assertThat(got.size()).isZero();
            assertThat(AfdCounters.receiveBytesPinned()).as("no data receive posted").isLessThanOrEqualTo(
                    (long) AfdCounters.receiveRecords() * 64);
            ch.read();
            await("one read's worth", () -> got.size() > 0);
            int afterOneRead = got.size();
            assertThat(afterOneRead).isLessThanOrEqualTo(1000);
            while (got.size() < 1000) {
                ch.read();
                Thread.sleep(20);
            }
            assertThat(got.size()).isEqualTo(1000);
            ch.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void aChannelMovedToAnotherLoopReadsByPollsThereAndLosesNothing() throws Exception {
        EventLoopGroup other = new MultiThreadIoEventLoopGroup(1,
                AfdIoHandler.newFactory(AfdIoHandlerOptions.defaults().withReadMode(AfdReadMode.COMPLETION)));
        BlockingQueue<Channel> accepted = new LinkedBlockingQueue<>();
        Recorder got = new Recorder();
        Channel server = listen(capturing(accepted, got), true, false);
        try (Socket peer = new Socket()) {
            AfdSocketChannel ch = acceptedFrom(server, peer, accepted);
            OutputStream out = peer.getOutputStream();
            byte[] first = random(10_000, 5);
            out.write(first);
            await("first part", () -> got.size() == first.length);
            assertThat(onLoop(ch, ch::readsByCompletion)).isTrue();
            EventLoop home = ch.eventLoop();

            ch.deregister().sync();
            byte[] second = random(20_000, 6);
            out.write(second); // arrives while the channel is on no loop
            other.next().register(ch).sync();
            // The socket stays associated with the first loop's completion port: it reads by polls here.
            assertThat(onLoop(ch, ch::readsByCompletion)).isFalse();
            byte[] third = random(30_000, 7);
            out.write(third);
            int total = first.length + second.length + third.length;
            await("everything, in order", () -> got.size() == total);

            ch.deregister().sync();
            home.register(ch).sync();
            assertThat(onLoop(ch, ch::readsByCompletion)).as("back on its port").isTrue();
            byte[] fourth = random(40_000, 8);
            out.write(fourth);
            await("after moving back", () -> got.size() == total + fourth.length);
            byte[] all = got.taken();
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            expected.write(first);
            expected.write(second);
            expected.write(third);
            expected.write(fourth);
            assertThat(all).isEqualTo(expected.toByteArray());
            ch.close().sync();
        } finally {
            server.close().sync();
            other.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aSocketCannotBeAssociatedWithASecondCompletionPort() throws Exception {
        // The kernel fact behind the move rule above, asked directly.
        io.tofunetty.afd.internal.poll.JnaAfdDriver first = new io.tofunetty.afd.internal.poll.JnaAfdDriver("a");
        io.tofunetty.afd.internal.poll.JnaAfdDriver second = new io.tofunetty.afd.internal.poll.JnaAfdDriver("b");
        io.tofunetty.afd.internal.socket.WinsockSocket socket =
                io.tofunetty.afd.internal.socket.WinsockSocket.newStreamSocket(false);
        try {
            assertThat(first.associate(socket.handle())).isZero();
            assertThat(second.associate(socket.handle())).as("ERROR_INVALID_PARAMETER").isEqualTo(87);
        } finally {
            socket.close();
            first.close();
            second.close();
        }
    }

}
