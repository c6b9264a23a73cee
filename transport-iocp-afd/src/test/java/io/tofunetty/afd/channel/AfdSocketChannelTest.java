package io.tofunetty.afd.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.AfdChannelOption;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.afd.AfdSocketChannelConfig;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.testkit.Await;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The AFD TCP channels against the real Winsock/AFD stack (under Wine on Linux): data path, backpressure, errors,
 * options, address families, half-closure, file regions.
 */
@WindowsTier
class AfdSocketChannelTest {
    private static final int MIB = 1024 * 1024;
    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, AfdIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    @ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    @ChannelHandler.Sharable
    private static final class CloseOnException extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static Channel echoServer(InetSocketAddress address) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .childHandler(new Echo()).bind(address).sync().channel();
    }

    private static String echoOnce(Channel server, Bootstrap client) throws Exception {
        CompletableFuture<String> got = new CompletableFuture<>();
        Channel ch = client.handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf buf = (ByteBuf) msg;
                got.complete(buf.toString(StandardCharsets.US_ASCII));
                buf.release();
            }
        }).connect(server.localAddress()).sync().channel();
        try {
            ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();
            return got.get(10, TimeUnit.SECONDS);
        } finally {
            ch.close().sync();
        }
    }

    @Test
    void echoesOverIpv4AndIpv6WithEveryFamilyOfSocket() throws Exception {
        Channel v4 = echoServer(new InetSocketAddress("127.0.0.1", 0));
        Channel v6 = echoServer(new InetSocketAddress("::1", 0));
        try {
            // the default (dual-stack) channel reaches both; an INET channel reaches IPv4, an INET6 one IPv6
            assertThat(echoOnce(v4, new Bootstrap().group(group).channel(AfdSocketChannel.class))).isEqualTo("ping");
            assertThat(echoOnce(v6, new Bootstrap().group(group).channel(AfdSocketChannel.class))).isEqualTo("ping");
            assertThat(echoOnce(v4, new Bootstrap().group(group)
                    .channelFactory(() -> new AfdSocketChannel(SocketProtocolFamily.INET)))).isEqualTo("ping");
            assertThat(echoOnce(v6, new Bootstrap().group(group)
                    .channelFactory(() -> new AfdSocketChannel(SocketProtocolFamily.INET6)))).isEqualTo("ping");
            assertThat(((InetSocketAddress) v6.localAddress()).getAddress().getHostAddress()).contains(":");
        } finally {
            v4.close().sync();
            v6.close().sync();
        }
    }

    @Test
    void unsupportedFamilyIsRefusedWithAClearError() {
        assertThatThrownBy(() -> new AfdSocketChannel(SocketProtocolFamily.UNIX))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("UNIX");
    }

    /**
     * 1 MiB echoed while the client does not read at first: the server's sends hit the full socket buffer, its
     * channel turns unwritable and stops reading (backpressure), and everything arrives once the client reads.
     */
    @Test
    void echoesOneMebibyteWithPartialSendsAndBackpressure() throws Exception {
        WriteBufferWaterMark marks = new WriteBufferWaterMark(16 * 1024, 64 * 1024);
        List<Boolean> serverWritability = new CopyOnWriteArrayList<>();
        List<Boolean> clientWritability = new CopyOnWriteArrayList<>();
        CountDownLatch serverBlocked = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 8192)
                .childOption(ChannelOption.SO_RCVBUF, 8192)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.write(msg);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                        if (!ctx.channel().isWritable()) {
                            ctx.channel().config().setAutoRead(false); // backpressure: stop reading
                        }
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        boolean writable = ctx.channel().isWritable();
                        serverWritability.add(writable);
                        if (writable) {
                            ctx.channel().config().setAutoRead(true);
                        } else {
                            serverBlocked.countDown();
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        long fullBefore = AfdCounters.sendBufferFull() + AfdCounters.partialSends();
        byte[] data = new byte[MIB];
        new Random(42).nextBytes(data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        CountDownLatch allReceived = new CountDownLatch(1);
        long[] count = new long[1];
        Channel client = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                .option(ChannelOption.SO_RCVBUF, 8192)
                .option(ChannelOption.SO_SNDBUF, 8192)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, marks)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        buf.release();
                        received.update(bytes);
                        count[0] += bytes.length;
                        if (count[0] == MIB) {
                            allReceived.countDown();
                        }
                    }

                    @Override
                    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                        clientWritability.add(ctx.channel().isWritable());
                    }
                }).connect(server.localAddress()).sync().channel();
        try {
            for (int off = 0; off < MIB; off += 64 * 1024) {
                client.write(Unpooled.wrappedBuffer(data, off, 64 * 1024));
            }
            ChannelFuture allWritten = client.writeAndFlush(Unpooled.EMPTY_BUFFER);
            assertThat(serverBlocked.await(30, TimeUnit.SECONDS)).as("server channel became unwritable").isTrue();
            client.config().setAutoRead(true);
            client.read();
            assertThat(allReceived.await(60, TimeUnit.SECONDS)).as("1 MiB echoed, got " + count[0]).isTrue();
            assertThat(allWritten.sync().isSuccess()).isTrue();
            assertThat(received.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            // Netty reports the server writable again when its last echo leaves the outbound buffer, just after
            // send() returned: the client may already have read those bytes. Wait for the report, do not race it.
            Await.until("the server reported writable again", Duration.ofSeconds(30),
                    () -> serverWritability.get(serverWritability.size() - 1));
            assertThat(serverWritability).startsWith(false).endsWith(true);
            assertThat(clientWritability).startsWith(false).endsWith(true);
            assertThat(AfdCounters.sendBufferFull() + AfdCounters.partialSends())
                    .as("sends that found the socket buffer full or took only part").isGreaterThan(fullBefore);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void refusedConnectIsAConnectExceptionNamingTheAddressAndTheWsaError() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        ChannelFuture f = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new InetSocketAddress("127.0.0.1", port)).await();
        assertThat(f.cause()).isInstanceOf(ConnectException.class)
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("refused");
        assertThat(WinsockExceptions.errorCode(f.cause())).isIn(10061, 1225); // WSAECONNREFUSED, ERROR_CONNECTION_REFUSED
        assertThat(f.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    }

    /**
     * Without a Bootstrap (which closes a channel whose connect failed): the channel closes itself once its connect
     * fails, as NIO's does (the JDK's SocketChannelImpl.finishConnect closes the channel on failure). Compared with
     * NIO on the same JRE.
     */
    @Test
    void aChannelWhoseConnectFailsClosesItselfAsNiosDoes() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // closed again: nothing listens there
        }
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            for (Bootstrap b : new Bootstrap[] {new Bootstrap().group(group).channel(AfdSocketChannel.class),
                    new Bootstrap().group(nio).channel(NioSocketChannel.class)}) {
                Channel ch = b.handler(new ChannelInboundHandlerAdapter()).register().sync().channel();
                String transport = ch.getClass().getSimpleName();
                ChannelFuture f = ch.connect(new InetSocketAddress("127.0.0.1", port)).await();
                assertThat(f.cause()).as(transport).isInstanceOf(ConnectException.class);
                assertThat(ch.closeFuture().await(5, TimeUnit.SECONDS)).as(transport + " closed").isTrue();
            }
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A connect that never completes: the listener's backlog is full and nobody accepts, so the kernel drops the
     * SYNs. CONNECT_TIMEOUT_MILLIS fails it with a ConnectTimeoutException and the channel closes.
     */
    @Test
    void connectTimeoutMillisFailsAConnectThatNeverCompletes() throws Exception {
        List<Channel> queued = new ArrayList<>();
        try (ServerSocket full = new ServerSocket()) {
            full.bind(new InetSocketAddress("127.0.0.1", 0), 1);
            Bootstrap cb = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
                    .handler(new CloseOnException()); // the queued ones are reset when the listener closes
            ChannelFuture timedOut = null;
            for (int i = 0; i < 10 && timedOut == null; i++) {
                ChannelFuture f = cb.connect(full.getLocalSocketAddress()).await();
                if (f.isSuccess()) {
                    queued.add(f.channel()); // taken into the backlog
                } else {
                    timedOut = f;
                }
            }
            assertThat(timedOut).as("a connect beyond the backlog").isNotNull();
            assertThat(timedOut.cause()).isInstanceOf(ConnectTimeoutException.class)
                    .hasMessageContaining("500 ms").hasMessageContaining(String.valueOf(full.getLocalPort()));
            assertThat(timedOut.channel().closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            for (Channel ch : queued) {
                ch.close().sync();
            }
        }
    }

    @Test
    void connectAfterCloseAndWriteAfterCloseFailWithClosedChannelException() throws Exception {
        Channel server = echoServer(new InetSocketAddress("127.0.0.1", 0));
        try {
            Channel ch = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            ch.close().sync();
            assertThat(ch.writeAndFlush(Unpooled.copiedBuffer(new byte[1])).await().cause())
                    .isInstanceOf(ClosedChannelException.class);
            assertThat(ch.connect(server.localAddress()).await().cause()).isInstanceOf(ClosedChannelException.class);
            assertThat(((SocketChannel) ch).shutdownOutput().await().cause())
                    .isInstanceOf(ClosedChannelException.class);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void socketOptionsRoundTrip() throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 64)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_RCVBUF, 32 * 1024)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            assertThat(server.config().getOption(ChannelOption.SO_BACKLOG)).isEqualTo(64);
            assertThat(server.config().getOption(ChannelOption.SO_REUSEADDR)).isTrue();
            assertThat(server.config().getOption(ChannelOption.SO_RCVBUF)).isPositive();
            SocketChannel ch = (SocketChannel) new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, false)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.SO_SNDBUF, 64 * 1024)
                    .option(ChannelOption.SO_RCVBUF, 64 * 1024)
                    .option(ChannelOption.SO_LINGER, 3)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1000, 2000))
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            try {
                AfdSocketChannelConfig config = (AfdSocketChannelConfig) ch.config();
                assertThat(config.isTcpNoDelay()).isFalse();
                assertThat(config.setTcpNoDelay(true).isTcpNoDelay()).isTrue();
                assertThat(config.isKeepAlive()).isTrue();
                assertThat(config.getSendBufferSize()).isPositive();
                assertThat(config.getReceiveBufferSize()).isPositive();
                assertThat(config.getSoLinger()).isEqualTo(3);
                assertThat(config.setSoLinger(-1).getSoLinger()).isEqualTo(-1);
                assertThat(config.isAllowHalfClosure()).isTrue();
                assertThat(config.isAutoRead()).isFalse();
                assertThat(config.getWriteBufferWaterMark().high()).isEqualTo(2000);
                assertThat(config.getOptions()).containsKeys(ChannelOption.SO_RCVBUF, ChannelOption.TCP_NODELAY,
                        ChannelOption.IP_TOS, ChannelOption.SO_LINGER, ChannelOption.ALLOW_HALF_CLOSURE);
                // Keep-alive timings need Windows 10 1709+; where the stack lacks them the error names the WSA code.
                try {
                    ch.config().setOption(AfdChannelOption.TCP_KEEPIDLE, 30);
                    assertThat(ch.config().getOption(AfdChannelOption.TCP_KEEPIDLE)).isEqualTo(30);
                } catch (ChannelException e) {
                    assertThat(e.getCause()).hasMessageContaining("WSAE");
                }
                assertThatThrownBy(() -> ch.config().setOption(AfdChannelOption.TCP_KEEPCNT, 0))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TCP_KEEPCNT");
            } finally {
                ch.close().sync();
            }
            assertThatThrownBy(ch.config()::getSendBufferSize).isInstanceOf(ChannelException.class)
                    .hasCauseInstanceOf(ClosedChannelException.class);
        } finally {
            server.close().sync();
        }
    }

    @Test
    void halfClosureKeepsTheOtherDirectionOpen() throws Exception {
        BlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        serverEvents.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                        ((ByteBuf) msg).release();
                    }

                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt == ChannelInputShutdownEvent.INSTANCE) {
                            serverEvents.add(evt);
                            // the input is done; the output still works
                            ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                                    .addListener(f -> ctx.close());
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        BlockingQueue<String> clientGot = new LinkedBlockingQueue<>();
        try {
            SocketChannel ch = (SocketChannel) new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            clientGot.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                            ((ByteBuf) msg).release();
                        }
                    }).connect(server.localAddress()).sync().channel();
            ch.writeAndFlush(Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII)).sync();
            ch.shutdownOutput().sync();
            assertThat(ch.isOutputShutdown()).isTrue();
            assertThat(ch.isActive()).isTrue();
            assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");
            assertThat(serverEvents.poll(10, TimeUnit.SECONDS)).isSameAs(ChannelInputShutdownEvent.INSTANCE);
            assertThat(clientGot.poll(10, TimeUnit.SECONDS)).isEqualTo("bye");
            assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS)).as("closed at the server's FIN").isTrue();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void fileRegionsAreSentWhole() throws Exception {
        File file = File.createTempFile("afd-region", ".bin");
        file.deleteOnExit();
        byte[] data = new byte[300 * 1024];
        new Random(7).nextBytes(data);
        Files.write(file.toPath(), data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        CountDownLatch done = new CountDownLatch(1);
        long[] count = new long[1];
        Channel server = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        buf.release();
                        received.update(bytes);
                        count[0] += bytes.length;
                        if (count[0] == data.length) {
                            done.countDown();
                        }
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        try {
            Channel ch = new Bootstrap().group(group).channel(AfdSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(server.localAddress()).sync().channel();
            ch.writeAndFlush(new DefaultFileRegion(file, 0, data.length)).sync();
            assertThat(done.await(30, TimeUnit.SECONDS)).as("received " + count[0]).isTrue();
            assertThat(received.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
            ch.close().sync();
        } finally {
            server.close().sync();
        }
    }

    @Test
    void channelClassesAreFoundForAfdAndNioGroups() throws Exception {
        assertThat(AfdChannels.isAfd(group)).isTrue();
        assertThat(AfdChannels.socketChannelClass(group)).isEqualTo(AfdSocketChannel.class);
        assertThat(AfdChannels.serverSocketChannelClass(group)).isEqualTo(AfdServerSocketChannel.class);
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup local = new DefaultEventLoopGroup(1);
        try {
            assertThat(AfdChannels.isAfd(nio)).isFalse();
            assertThat(AfdChannels.socketChannelClass(nio)).isEqualTo(NioSocketChannel.class);
            Class<? extends ServerSocketChannel> nioServer = AfdChannels.serverSocketChannelClass(nio);
            assertThat(nioServer).isEqualTo(NioServerSocketChannel.class);
            assertThatThrownBy(() -> AfdChannels.socketChannelClass(local))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DefaultEventLoopGroup");
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            local.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void bindingAnAddressInUseIsABindExceptionWithTheWsaError() throws Exception {
        Channel first = echoServer(new InetSocketAddress("127.0.0.1", 0));
        try {
            ChannelFuture second = new ServerBootstrap().group(group).channel(AfdServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(first.localAddress()).await();
            assertThat(second.cause()).isInstanceOf(BindException.class).hasMessageContaining("WSAEADDRINUSE")
                    .hasMessageContaining(first.localAddress().toString());
            assertThat(WinsockExceptions.errorCode(second.cause())).isEqualTo(10048);
        } finally {
            first.close().sync();
        }
    }
}
