package io.tofunetty.afd.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.testkit.Await;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults in the event loop, through the channel API: channels closed while their AFD polls are pending, a channel
 * moved between loops ten thousand times, and a loop shut down under a thousand busy connections. Each must end in
 * bounded time with every socket, completion port, AFD device handle, poll slot, poll and buffer given back
 * ({@link TransportResources}, an unpooled allocator's live-memory metric, and the leak detector at PARANOID).
 * The bounds are generous: they catch hangs, not slowness (Wine is slow).
 */
@WindowsTier
class AfdLoopFaultsTest {
    private static final int CLOSE_ROUND_CONNECTIONS = 200;
    private static final int MOVES = 10_000;
    private static final int ACTIVE_CONNECTIONS = 1000;

    /** Counts its live memory exactly (a pooled allocator keeps caches). */
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<EventLoopGroup> groups = new ArrayList<>();
    private TransportResources before;

    @BeforeEach
    void recordResources() {
        before = TransportResources.now();
    }

    @AfterEach
    void everythingIsGivenBack() throws Exception {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        }
        for (EventLoopGroup g : groups) {
            assertThat(g.awaitTermination(60, TimeUnit.SECONDS)).as("group terminated").isTrue();
        }
        TransportResources.assertReturnedTo(before);
        assertThat(alloc.metric().usedDirectMemory()).as("direct memory of live buffers").isZero();
        assertThat(alloc.metric().usedHeapMemory()).as("heap memory of live buffers").isZero();
        assertThat(failure.get()).as("unexpected exception in a pipeline").isNull();
    }

    private EventLoopGroup afdGroup(int threads) {
        EventLoopGroup g = new MultiThreadIoEventLoopGroup(threads, AfdIoHandler.newFactory());
        groups.add(g);
        return g;
    }

    /**
     * Records exceptions other than I/O errors: resets and broken pipes are expected when one side closes with
     * data in flight, anything else is a bug.
     */
    @ChannelHandler.Sharable
    private final class RecordFailure extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof IOException)) {
                failure.compareAndSet(null, cause);
            }
            ctx.close();
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

    @ChannelHandler.Sharable
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    private ServerBootstrap server(EventLoopGroup group, Queue<Channel> children, ChannelHandler handler) {
        return new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.ALLOCATOR, alloc)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        children.add(ch);
                        ch.pipeline().addLast(handler, new RecordFailure());
                    }
                });
    }

    private Bootstrap client(EventLoopGroup group, ChannelHandler handler) {
        return new Bootstrap().group(group).channel(AfdSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(handler, new RecordFailure());
                    }
                });
    }

    /** Connects {@code n} clients, at most 100 connects at a time (the listener's backlog is finite). */
    private static List<Channel> connect(Bootstrap cb, InetSocketAddress address, int n) throws Exception {
        List<Channel> channels = new ArrayList<>();
        for (int start = 0; start < n; start += 100) {
            List<ChannelFuture> batch = new ArrayList<>();
            for (int i = start; i < Math.min(n, start + 100); i++) {
                batch.add(cb.connect(address));
            }
            for (ChannelFuture f : batch) {
                assertThat(f.await(30, TimeUnit.SECONDS)).as("connect within 30 s").isTrue();
                channels.add(f.sync().channel());
            }
        }
        return channels;
    }

    private void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(seconds), condition,
                () -> "transport now holds " + TransportResources.now() + ", at the test's start " + before);
    }

    private static void awaitClosed(String what, List<Channel> channels, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        for (Channel ch : channels) {
            long left = Math.max(0, deadline - System.nanoTime());
            assertThat(ch.closeFuture().await(left, TimeUnit.NANOSECONDS)).as(what + " closed within " + seconds
                    + " s: " + ch).isTrue();
        }
    }

    /** One bulk write: at PARANOID every buffer call records a stack trace, so a call per byte would be slow. */
    private static ByteBuf bytes(UnpooledByteBufAllocator alloc, int n) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, (byte) 'x');
        return alloc.directBuffer(n).writeBytes(bytes);
    }

    // ------------------------------------------------------------------------------------------ close while pending

    @Test
    void channelsClosedWhileTheirPollsArePendingCloseAtOnceAndGiveEverythingBack() throws Exception {
        EventLoopGroup serverGroup = afdGroup(1);
        EventLoopGroup clientGroup = afdGroup(2);
        Queue<Channel> children = new ConcurrentLinkedQueue<>();
        Channel listener = server(serverGroup, children, new Discard())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        Bootstrap cb = client(clientGroup, new Discard());

        // With no connection, the listener's ACCEPT poll is the only one: each round must come back to this.
        int idleSlots = before.pollSlots() + 1;
        long idlePolls = before.pollsInFlight() + 1;
        long receives0 = before.receivesInFlight();
        for (Round round : Round.values()) {
            children.clear();
            List<Channel> clients = connect(cb, address, CLOSE_ROUND_CONNECTIONS);
            await("server side of every " + round + " connection", 30,
                    () -> children.size() == CLOSE_ROUND_CONNECTIONS);
            List<Channel> accepted = new ArrayList<>(children);
            // Idle connections on both ends: each has a RECEIVE poll in the kernel once its loop has flushed, or an
            // overlapped receive when the loops read by completion (AfdReadMode.COMPLETION).
            await(round + ": a pending poll or receive on both ends of every connection", 30,
                    () -> AfdCounters.pollsInFlight() + AfdCounters.receivesInFlight() - receives0
                            == idlePolls + 2L * CLOSE_ROUND_CONNECTIONS);

            long start = System.nanoTime();
            round.close(clients, accepted, alloc);

            awaitClosed(round + ": clients", clients, 30);
            awaitClosed(round + ": accepted channels", accepted, 30);
            long closed = System.nanoTime();
            // A closed channel's slot is kept until its cancelled poll's packet arrives, then freed.
            await(round + ": slots and polls back to the listener's alone", 30,
                    () -> AfdCounters.pollSlotsInUse() == idleSlots && AfdCounters.pollsInFlight() == idlePolls
                            && AfdCounters.receivesInFlight() == receives0);
            System.out.printf("%s: %d connections closed on both ends in %d ms, slots and polls freed %d ms later%n",
                    round, CLOSE_ROUND_CONNECTIONS, (closed - start) / 1_000_000,
                    (System.nanoTime() - closed) / 1_000_000);
        }
        listener.close().sync();
    }

    private enum Round {
        /** Closed from the test thread, all at once, with nothing in flight. */
        CLOSE_IDLE {
            @Override
            void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc) {
                clients.forEach(Channel::close);
            }
        },
        /** The peer's data arrives as the channel closes: the poll may complete with RECEIVE just as it is cancelled. */
        CLOSE_AS_DATA_ARRIVES {
            @Override
            void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc) {
                for (int i = 0; i < clients.size(); i++) {
                    accepted.get(i).writeAndFlush(bytes(alloc, 4096));
                    clients.get(i).close();
                }
            }
        },
        /** The accepting side closes while the client is sending to it. */
        CLOSE_WHILE_THE_PEER_SENDS {
            @Override
            void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc) {
                for (Channel c : clients) {
                    c.writeAndFlush(bytes(alloc, 4096));
                }
                accepted.forEach(Channel::close);
            }
        },
        /** Closed from a task on its own event loop. */
        CLOSE_ON_THE_LOOP {
            @Override
            void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc) {
                for (Channel c : clients) {
                    c.eventLoop().execute(c::close);
                }
            }
        },
        /** Deregistered while the poll is pending (the poll is cancelled), then closed unregistered. */
        DEREGISTER_THEN_CLOSE {
            @Override
            void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc)
                    throws InterruptedException {
                List<ChannelFuture> deregistered = new ArrayList<>();
                for (Channel c : clients) {
                    deregistered.add(c.deregister());
                }
                for (ChannelFuture f : deregistered) {
                    assertThat(f.await(30, TimeUnit.SECONDS)).as("deregistered within 30 s").isTrue();
                    assertThat(f.isSuccess()).as("deregistered: " + f.cause()).isTrue();
                    assertThat(f.channel().isRegistered()).isFalse();
                }
                clients.forEach(Channel::close);
            }
        };

        abstract void close(List<Channel> clients, List<Channel> accepted, UnpooledByteBufAllocator alloc)
                throws InterruptedException;
    }

    // ------------------------------------------------------------------------------------------ moves between loops

    @Test
    void aChannelMovedBetweenTwoLoopsTenThousandTimesLosesNothingAndGivesEverythingBack() throws Exception {
        EventLoopGroup serverGroup = afdGroup(1);
        EventLoopGroup clientGroup = afdGroup(2);
        List<EventLoop> loops = new ArrayList<>();
        clientGroup.forEach(e -> loops.add((EventLoop) e));
        Queue<Channel> children = new ConcurrentLinkedQueue<>();
        Channel listener = server(serverGroup, children, new Echo())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        SequenceChecker echoes = new SequenceChecker();
        Channel ch = connect(client(clientGroup, echoes), (InetSocketAddress) listener.localAddress(), 1).get(0);
        await("the server side of the connection", 30, () -> children.size() == 1);
        int slotsConnected = before.pollSlots() + 3; // listener, accepted channel, client

        long start = System.nanoTime();
        for (int i = 0; i < MOVES; i++) {
            EventLoop target = loops.get(loops.get(0) == ch.eventLoop() ? 1 : 0);
            ChannelFuture deregistered = ch.deregister();
            assertThat(deregistered.await(30, TimeUnit.SECONDS)).as("deregister " + i + " within 30 s").isTrue();
            assertThat(deregistered.isSuccess()).as("deregister " + i + ": " + deregistered.cause()).isTrue();
            ChannelFuture registered = target.register(ch);
            assertThat(registered.await(30, TimeUnit.SECONDS)).as("register " + i + " within 30 s").isTrue();
            assertThat(registered.isSuccess()).as("register " + i + ": " + registered.cause()).isTrue();
            assertThat(ch.eventLoop()).isSameAs(target);
            assertThat(ch.isActive()).as("active after move " + i).isTrue();
            // The echo of this number may arrive while the channel is between loops: it must wait in the socket.
            ch.writeAndFlush(alloc.directBuffer(4).writeInt(i));
        }

        await("all " + MOVES + " numbers echoed (got " + echoes.next + ")", 60, () -> echoes.next == MOVES);
        System.out.printf("%d moves between two loops, each followed by a write, all echoes in order: %d ms%n",
                MOVES, (System.nanoTime() - start) / 1_000_000);
        assertThat(echoes.problem.get()).as("echo order").isNull();
        // The cancelled polls of every move have come back: one slot per registered channel, as after connecting.
        await("poll slots back to one per channel", 10, () -> AfdCounters.pollSlotsInUse() == slotsConnected);
        ch.close().sync();
        listener.close().sync();
        assertThat(echoes.problem.get()).as("echo order").isNull();
    }

    /** Reads big-endian ints and checks they are 0, 1, 2, ... whatever TCP does to their boundaries. */
    private static final class SequenceChecker extends ChannelInboundHandlerAdapter {
        final AtomicReference<String> problem = new AtomicReference<>();
        volatile int next;
        private int partial;
        private int partialBytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable()) {
                    partial = partial << 8 | buf.readUnsignedByte();
                    if (++partialBytes == 4) {
                        if (partial != next) {
                            problem.compareAndSet(null, "expected " + next + ", got " + partial);
                        }
                        next = next + 1;
                        partial = 0;
                        partialBytes = 0;
                    }
                }
            } finally {
                buf.release();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ shutdown under load

    @Test
    void aLoopShutDownUnderAThousandBusyConnectionsClosesThemAllAndGivesEverythingBack() throws Exception {
        EventLoopGroup serverGroup = afdGroup(2);
        EventLoopGroup doomed = afdGroup(1);
        Queue<Channel> children = new ConcurrentLinkedQueue<>();
        Channel listener = server(serverGroup, children, new Echo())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        AtomicLong roundTrips = new AtomicLong();
        AtomicInteger busy = new AtomicInteger();
        List<Channel> clients = connect(client(doomed, new PingPong(alloc, roundTrips, busy)),
                (InetSocketAddress) listener.localAddress(), ACTIVE_CONNECTIONS);
        await("server side of every connection", 30, () -> children.size() == ACTIVE_CONNECTIONS);
        await("a round trip on every connection (" + busy.get() + ")", 60, () -> busy.get() == ACTIVE_CONNECTIONS);
        long roundTripsBeforeShutdown = roundTrips.get();
        await("traffic going on", 30, () -> roundTrips.get() > roundTripsBeforeShutdown + ACTIVE_CONNECTIONS);

        long start = System.nanoTime();
        doomed.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        assertThat(doomed.awaitTermination(60, TimeUnit.SECONDS)).as("the loop terminated within 60 s").isTrue();
        System.out.printf("a loop with %d busy connections (%d round trips so far) terminated in %d ms%n",
                ACTIVE_CONNECTIONS, roundTrips.get(), (System.nanoTime() - start) / 1_000_000);

        assertThat(clients).allSatisfy(c -> assertThat(c.isOpen()).as("client open after shutdown").isFalse());
        awaitClosed("accepted channels, by their peers' close", new ArrayList<>(children), 60);
        listener.close().sync();
    }

    /** Sends 64 bytes at activation and sends back whatever comes, so every connection stays busy. */
    @ChannelHandler.Sharable
    private static final class PingPong extends ChannelInboundHandlerAdapter {
        private static final AttributeKey<Boolean> SEEN = AttributeKey.valueOf(PingPong.class, "seen");

        private final UnpooledByteBufAllocator alloc;
        private final AtomicLong roundTrips;
        private final AtomicInteger busy;

        PingPong(UnpooledByteBufAllocator alloc, AtomicLong roundTrips, AtomicInteger busy) {
            this.alloc = alloc;
            this.roundTrips = roundTrips;
            this.busy = busy;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(bytes(alloc, 64));
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            roundTrips.incrementAndGet();
            if (ctx.channel().attr(SEEN).setIfAbsent(Boolean.TRUE) == null) {
                busy.incrementAndGet();
            }
            ctx.writeAndFlush(msg);
        }

    }
}
