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
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many connections on the AFD channels: a busy echo server with heartbeats written from a foreign thread and a
 * shutdown that must close everything, and connection churn that must leave no socket, poll slot, handle or buffer
 * behind.
 */
@WindowsTier
class AfdChannelLoadTest {
    private static final int CONNECTIONS = 120;
    private static final int MESSAGES_PER_CONNECTION = 10;
    private static final int HEARTBEAT_ROUNDS = 5;
    private static final int CHURN = 1000;

    private static final byte DATA = 'D';
    private static final byte HEARTBEAT = 'H';
    private static final int HEARTBEAT_SIZE = 8;

    /** {@code size} bytes of {@code kind}: the receivers count bytes by kind, whatever TCP coalesces. */
    private static ByteBuf bytes(Channel ch, byte kind, int size) {
        ByteBuf buf = ch.alloc().buffer(size);
        for (int i = 0; i < size; i++) {
            buf.writeByte(kind);
        }
        return buf;
    }

    private static void count(ByteBuf buf, AtomicLong data, AtomicLong heartbeats) {
        for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
            (buf.getByte(i) == HEARTBEAT ? heartbeats : data).incrementAndGet();
        }
    }

    @ChannelHandler.Sharable
    private static final class RecordFailure extends ChannelInboundHandlerAdapter {
        private final AtomicReference<Throwable> failure;

        RecordFailure(AtomicReference<Throwable> failure) {
            this.failure = failure;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure.compareAndSet(null, cause);
            ctx.close();
        }
    }

    /** Echoes what it reads, then closes. */
    @ChannelHandler.Sharable
    private static final class EchoAndClose extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg).addListener(f -> ctx.close());
        }
    }

    @Test
    void echoServerWithManyConnectionsHeartbeatsFromAnotherThreadAndATimedShutdown() throws Exception {
        int socketsBefore = AfdCounters.openSockets();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, AfdIoHandler.newFactory());
        Queue<Channel> allChannels = new ConcurrentLinkedQueue<>();
        AtomicLong serverData = new AtomicLong();
        AtomicLong serverHeartbeats = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ChannelHandler failures = new RecordFailure(failure);
        Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, CONNECTIONS * 2)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        allChannels.add(ch);
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                count((ByteBuf) msg, serverData, serverHeartbeats);
                                ctx.writeAndFlush(msg); // echo everything, heartbeats included
                            }
                        }, failures);
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

        long dataPerConnection = 0;
        for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
            dataPerConnection += 100 + m * 50;
        }
        long dataExpected = CONNECTIONS * dataPerConnection;
        long heartbeatsExpected = (long) CONNECTIONS * HEARTBEAT_ROUNDS * HEARTBEAT_SIZE;
        AtomicLong dataEchoed = new AtomicLong();
        AtomicLong heartbeatsEchoed = new AtomicLong();
        CountDownLatch allEchoed = new CountDownLatch(1);
        CountDownLatch clientsClosed = new CountDownLatch(CONNECTIONS);
        Bootstrap cb = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.closeFuture().addListener(f -> clientsClosed.countDown());
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                count((ByteBuf) msg, dataEchoed, heartbeatsEchoed);
                                ((ByteBuf) msg).release();
                                if (dataEchoed.get() == dataExpected && heartbeatsEchoed.get() == heartbeatsExpected) {
                                    allEchoed.countDown();
                                }
                            }
                        }, failures);
                    }
                });
        List<ChannelFuture> connects = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            connects.add(cb.connect(server.localAddress()));
        }
        List<Channel> clients = new ArrayList<>();
        for (ChannelFuture f : connects) {
            clients.add(f.sync().channel());
        }
        allChannels.addAll(clients);

        // Heartbeats come from a plain thread that is no event loop: writes are handed to each channel's loop.
        Thread heartbeat = new Thread(() -> {
            for (int round = 0; round < HEARTBEAT_ROUNDS; round++) {
                for (Channel ch : clients) {
                    ch.writeAndFlush(bytes(ch, HEARTBEAT, HEARTBEAT_SIZE));
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heartbeat");
        heartbeat.start();
        for (int m = 0; m < MESSAGES_PER_CONNECTION; m++) {
            for (Channel ch : clients) {
                ch.writeAndFlush(bytes(ch, DATA, 100 + m * 50));
            }
        }
        heartbeat.join();
        assertThat(allEchoed.await(60, TimeUnit.SECONDS)).as("echoed: data " + dataEchoed + " of " + dataExpected
                + ", heartbeat bytes " + heartbeatsEchoed + " of " + heartbeatsExpected).isTrue();
        assertThat(serverData.get()).isEqualTo(dataExpected);
        assertThat(serverHeartbeats.get()).isEqualTo(heartbeatsExpected);
        assertThat(failure.get()).isNull();
        assertThat(AfdCounters.openSockets() - socketsBefore).isEqualTo(2 * CONNECTIONS + 1);

        // Timed shutdown, with every connection still open: the loops close every channel they own.
        group.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
        assertThat(group.awaitTermination(30, TimeUnit.SECONDS)).as("group terminated").isTrue();
        assertThat(clientsClosed.await(1, TimeUnit.SECONDS)).isTrue();
        assertThat(server.isOpen()).isFalse();
        assertThat(allChannels).hasSize(2 * CONNECTIONS).allSatisfy(ch -> assertThat(ch.isOpen()).isFalse());
        assertThat(AfdCounters.openSockets()).isEqualTo(socketsBefore);
    }

    @Test
    void thousandConnectionsOpenedAndClosedLeaveNoSocketSlotHandleOrBufferBehind() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, AfdIoHandler.newFactory());
        // An unpooled allocator counts its live direct memory exactly (a pooled one keeps caches).
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
        try {
            Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                    .childOption(ChannelOption.ALLOCATOR, alloc)
                    .childHandler(new EchoAndClose()).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            // Warm up (thread-locals, lazily opened AFD device handles), then measure.
            churn(group, server, alloc, 50);
            TransportResources before = TransportResources.now();

            churn(group, server, alloc, CHURN);

            TransportResources.assertReturnedTo(before);
            assertThat(alloc.metric().usedDirectMemory()).as("direct memory of live buffers").isZero();
            assertThat(alloc.metric().usedHeapMemory()).as("heap memory of live buffers").isZero();
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    /** Opens {@code n} connections one after the other: each sends a byte, gets it back, and both ends close. */
    private static void churn(EventLoopGroup group, Channel server, UnpooledByteBufAllocator alloc, int n)
            throws Exception {
        Bootstrap cb = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                .option(ChannelOption.ALLOCATOR, alloc);
        for (int i = 0; i < n; i++) {
            CountDownLatch echoed = new CountDownLatch(1);
            Channel ch = cb.handler(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                    echoed.countDown();
                }
            }).connect(server.localAddress()).sync().channel();
            ch.writeAndFlush(alloc.directBuffer(1).writeByte(i)).sync();
            assertThat(echoed.await(10, TimeUnit.SECONDS)).as("echo on connection " + i).isTrue();
            assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS)).as("closed by the server: " + i).isTrue();
        }
    }
}
