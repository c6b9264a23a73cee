package io.tofunetty.afd.domain;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdDomainSocketChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerDomainSocketChannel;
import io.tofunetty.afd.internal.socket.DomainSockets;
import io.tofunetty.afd.internal.socket.SocketFiles;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.win32.Win32Errors;
import io.tofunetty.afd.internal.socket.WinsockExceptions;
import io.tofunetty.testkit.Await;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The AF_UNIX channels against the real Winsock stack: echo (the TCP echo tests' shapes, including half-closure and
 * a 1 MiB echo with backpressure), the socket file's life and the errors.
 *
 * <p>Wine 8.0 has no AF_UNIX sockets (WSASocketW fails with WSAEAFNOSUPPORT; see docs/testing.md). So under Wine
 * every test here asserts that exact "no AF_UNIX" behaviour instead (the channel constructors throw a
 * ChannelException naming WSAEAFNOSUPPORT and Wine), and the real echo runs on Windows. A Wine that gains AF_UNIX
 * makes these tests fail, so they get switched to the real runs rather than passing unnoticed.
 */
@WindowsTier
class AfdDomainSocketChannelTest {
    private static final int MIB = 1024 * 1024;
    private static final String WINE = DomainSockets.wineVersion();
    private static final AtomicInteger PATHS = new AtomicInteger();
    private static EventLoopGroup group;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(2, AfdIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
    }

    /** Under Wine: the channel constructors fail with the clear "no AF_UNIX" error. */
    private static void assertNoAfUnixUnderWine() {
        assertThat(WINE).isNotNull();
        for (Runnable make : new Runnable[] {AfdServerDomainSocketChannel::new, AfdDomainSocketChannel::new}) {
            Throwable t = catchThrowable(make::run);
            assertThat(t).isInstanceOf(ChannelException.class)
                    .hasMessageContaining("AF_UNIX").hasMessageContaining("WSAEAFNOSUPPORT")
                    .hasMessageContaining("Wine " + WINE);
            assertThat(WinsockExceptions.errorCode(t)).isEqualTo(Win32Errors.WSAEAFNOSUPPORT);
        }
    }

    private static Path newPath() {
        return Path.of(System.getProperty("java.io.tmpdir"),
                "afd-uds-" + ProcessHandle.current().pid() + '-' + PATHS.incrementAndGet() + ".sock");
    }

    private static Channel echoServer(Path path) throws InterruptedException {
        return new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ctx.writeAndFlush(msg);
                    }
                }).bind(new DomainSocketAddress(path.toString())).sync().channel();
    }

    /**
     * The minimal reproduction of the Wine finding, and its Windows counterpart: a raw WSASocketW(AF_UNIX,
     * SOCK_STREAM) and the JDK's own AF_UNIX ServerSocketChannel.
     */
    @Test
    void afUnixSocketsExistOnWindowsAndNotUnderWine() throws Exception {
        Winsock.startup();
        long s = Winsock.WSASocketW(Winsock.AF_UNIX, Winsock.SOCK_STREAM, 0, 0, 0,
                Winsock.WSA_FLAG_OVERLAPPED | Winsock.WSA_FLAG_NO_HANDLE_INHERIT);
        int err = Winsock.lastError();
        Throwable jdk = catchThrowable(() -> ServerSocketChannel.open(StandardProtocolFamily.UNIX).close());
        if (WINE != null) {
            assertThat(s).isEqualTo(Winsock.INVALID_SOCKET);
            assertThat(err).as(Win32Errors.describe(err)).isEqualTo(Win32Errors.WSAEAFNOSUPPORT);
            assertThat(jdk).isInstanceOf(UnsupportedOperationException.class);
        } else {
            assertThat(s).as("WSASocketW(AF_UNIX): " + Win32Errors.describe(err)).isNotEqualTo(Winsock.INVALID_SOCKET);
            Winsock.closesocket(s);
            assertThat(jdk).isNull();
        }
    }

    @Test
    void echoesWithNettysAndTheJdksAddressTypes() throws Exception {
        if (WINE != null) {
            assertNoAfUnixUnderWine();
            return;
        }
        Path path = newPath();
        Channel server = echoServer(path);
        try {
            assertThat(server.localAddress()).isEqualTo(new DomainSocketAddress(path.toString()));
            assertThat(Files.exists(path)).as("socket file").isTrue();
            for (Object address : new Object[] {new DomainSocketAddress(path.toString()),
                    UnixDomainSocketAddress.of(path)}) {
                CompletableFuture<String> got = new CompletableFuture<>();
                Channel ch = new Bootstrap().group(group).channel(AfdDomainSocketChannel.class)
                        .handler(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                got.complete(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                                ((ByteBuf) msg).release();
                            }
                        }).connect((java.net.SocketAddress) address).sync().channel();
                try {
                    assertThat(ch.remoteAddress()).isEqualTo(new DomainSocketAddress(path.toString()));
                    ch.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII)).sync();
                    assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("ping");
                } finally {
                    ch.close().sync();
                }
            }
        } finally {
            server.close().sync();
        }
        assertThat(Files.exists(path)).as("socket file deleted on close").isFalse();
    }

    /** 1 MiB echoed while the client does not read at first: partial sends, unwritability, then everything. */
    @Test
    void echoesOneMebibyteWithBackpressure() throws Exception {
        if (WINE != null) {
            assertNoAfUnixUnderWine();
            return;
        }
        Path path = newPath();
        WriteBufferWaterMark marks = new WriteBufferWaterMark(16 * 1024, 64 * 1024);
        List<Boolean> serverWritability = new CopyOnWriteArrayList<>();
        CountDownLatch serverBlocked = new CountDownLatch(1);
        Channel server = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
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
                            ctx.channel().config().setAutoRead(false);
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
                }).bind(new DomainSocketAddress(path.toString())).sync().channel();
        byte[] data = new byte[MIB];
        new Random(42).nextBytes(data);
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        CountDownLatch allReceived = new CountDownLatch(1);
        long[] count = new long[1];
        Channel client = new Bootstrap().group(group).channel(AfdDomainSocketChannel.class)
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
                }).connect(new DomainSocketAddress(path.toString())).sync().channel();
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
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void halfClosureKeepsTheOtherDirectionOpen() throws Exception {
        if (WINE != null) {
            assertNoAfUnixUnderWine();
            return;
        }
        Path path = newPath();
        BlockingQueue<Object> serverEvents = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
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
                            ctx.writeAndFlush(Unpooled.copiedBuffer("bye", StandardCharsets.US_ASCII))
                                    .addListener(f -> ctx.close());
                        }
                    }
                }).bind(new DomainSocketAddress(path.toString())).sync().channel();
        BlockingQueue<String> clientGot = new LinkedBlockingQueue<>();
        try {
            DuplexChannel ch = (DuplexChannel) new Bootstrap().group(group).channel(AfdDomainSocketChannel.class)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            clientGot.add(((ByteBuf) msg).toString(StandardCharsets.US_ASCII));
                            ((ByteBuf) msg).release();
                        }
                    }).connect(new DomainSocketAddress(path.toString())).sync().channel();
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
    void socketFileLifeAndErrors() throws Exception {
        if (WINE != null) {
            assertNoAfUnixUnderWine();
            // ... and a bootstrap reports it through its future, not by throwing
            ChannelFuture bind = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new DomainSocketAddress(newPath().toString())).await();
            assertThat(WinsockExceptions.errorCode(bind.cause())).isEqualTo(Win32Errors.WSAEAFNOSUPPORT);
            return;
        }
        // A socket file left behind (the JDK's listener does not delete its file on close): refused as NIO refuses
        // it, and kept. Telling a stale file from a live listener's would take a connect; neither transport tries.
        Path stale = newPath();
        try (ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            jdk.bind(UnixDomainSocketAddress.of(stale));
        }
        assertThat(SocketFiles.inspect(stale.toString()).isAfUnixSocket()).as("the JDK leaves its socket file")
                .isTrue();
        Throwable nio = catchThrowable(() -> {
            try (ServerSocketChannel again = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                again.bind(UnixDomainSocketAddress.of(stale));
            }
        });
        assertThat(nio).as("NIO").isInstanceOf(BindException.class).hasMessageContaining("already in use");
        ChannelFuture overStale = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter())
                .bind(new DomainSocketAddress(stale.toString())).await();
        assertThat(overStale.cause()).isInstanceOf(BindException.class).hasMessageContaining("already in use")
                .hasMessageContaining("an AF_UNIX socket file").hasMessageContaining(stale.toString());
        assertThat(SocketFiles.inspect(stale.toString())).as("kept").isNotNull();
        Files.delete(stale); // what a server that wants the path does, with NIO as with this transport
        Channel server = echoServer(stale);
        try {
            // a live listener's path is refused
            ChannelFuture second = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new DomainSocketAddress(stale.toString())).await();
            assertThat(second.cause()).isInstanceOf(BindException.class).hasMessageContaining("already in use");
        } finally {
            server.close().sync();
        }
        assertThat(Files.exists(stale, LinkOption.NOFOLLOW_LINKS)).as("its own socket file deleted on close").isFalse();
        // a regular file is refused and never deleted
        Path regular = newPath();
        Files.write(regular, new byte[] {1});
        try {
            ChannelFuture bind = new ServerBootstrap().group(group).channel(AfdServerDomainSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new DomainSocketAddress(regular.toString())).await();
            assertThat(bind.cause()).isInstanceOf(BindException.class).hasMessageContaining("a regular file");
            assertThat(Files.readAllBytes(regular)).containsExactly(1);
        } finally {
            Files.deleteIfExists(regular);
        }
        // nobody at the path: a ConnectException naming it
        Path nobody = newPath();
        ChannelFuture f = new Bootstrap().group(group).channel(AfdDomainSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new DomainSocketAddress(nobody.toString())).await();
        assertThat(f.cause()).isInstanceOf(ConnectException.class).hasMessageContaining(nobody.toString());
        // an IP address is refused with a clear error
        assertThatThrownBy(() -> new Bootstrap().group(group).channel(AfdDomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(new java.net.InetSocketAddress("127.0.0.1", 1)).sync())
                .hasMessageContaining("unsupported address type");
    }

    /**
     * What may be deleted at an AF_UNIX path is decided by the file's reparse tag, read through the Windows file API
     * without following links and without connecting: only IO_REPARSE_TAG_AF_UNIX is a socket file. Regular files and
     * directories (under Wine and on Windows), junctions and symbolic links (Windows only: Wine 8.0 has no reparse
     * points) are "not a socket, do not delete", and the delete refuses them through the same handle it checks.
     */
    @Test
    void onlyAnAfUnixSocketFileIsTakenForASocketOrEverDeleted() throws Exception {
        Path dir = Files.createTempDirectory("afd-uds-kinds");
        Path file = Files.write(dir.resolve("file"), new byte[] {7});
        Path folder = Files.createDirectory(dir.resolve("folder"));
        Files.write(folder.resolve("inside"), new byte[] {8});
        try {
            Path absent = dir.resolve("absent");
            assertThat(SocketFiles.inspect(absent.toString())).isNull();
            assertThat(SocketFiles.inspect(dir.resolve("no").resolve("such").toString())).isNull();
            assertThat(SocketFiles.deleteIfSocket(absent.toString())).isFalse();
            assertNotASocketAndKept(file, "a regular file", 0);
            assertNotASocketAndKept(folder, "a directory", 0);
            assertThat(Files.readAllBytes(file)).containsExactly(7);

            Path junction = dir.resolve("junction");
            Process mklink = new ProcessBuilder("cmd", "/c", "mklink", "/J", junction.toString(), folder.toString())
                    .redirectErrorStream(true).start();
            String said = new String(mklink.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            boolean made = mklink.waitFor() == 0 && Files.exists(junction, LinkOption.NOFOLLOW_LINKS);
            if (WINE != null) {
                // Wine 8.0's cmd cannot make a junction ("Failed to open ..."): a Wine that can fails here, so the
                // junction case gets switched on rather than staying Windows-only unnoticed.
                assertThat(made).as("mklink /J under Wine: " + said).isFalse();
                return;
            }
            assertThat(made).as("mklink /J: " + said).isTrue();
            assertNotASocketAndKept(junction, "a junction (mount point)", SocketFiles.IO_REPARSE_TAG_MOUNT_POINT);
            assertThat(Files.readAllBytes(folder.resolve("inside"))).containsExactly(8);

            Path link = dir.resolve("link");
            Throwable noLink = catchThrowable(() -> Files.createSymbolicLink(link, file));
            if (noLink == null) {
                assertNotASocketAndKept(link, "a symbolic link", SocketFiles.IO_REPARSE_TAG_SYMLINK);
            } else {
                // creating symbolic links takes a privilege (or Developer Mode) on Windows
                assertThat(noLink).hasMessageContaining("privilege");
            }

            Path socketFile = dir.resolve("s.sock");
            try (ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                jdk.bind(UnixDomainSocketAddress.of(socketFile));
            }
            SocketFiles.Entry entry = SocketFiles.inspect(socketFile.toString());
            assertThat(entry.isAfUnixSocket()).as(entry.toString()).isTrue();
            assertThat(entry.reparseTag()).isEqualTo(SocketFiles.IO_REPARSE_TAG_AF_UNIX);
            assertThat(SocketFiles.deleteIfSocket(socketFile.toString())).isTrue();
            assertThat(Files.exists(socketFile, LinkOption.NOFOLLOW_LINKS)).isFalse();
        } finally {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void assertNotASocketAndKept(Path path, String kind, int reparseTag) throws Exception {
        SocketFiles.Entry entry = SocketFiles.inspect(path.toString());
        assertThat(entry).as(path.toString()).isNotNull();
        assertThat(entry.describe()).as(entry.toString()).isEqualTo(kind);
        assertThat(entry.reparseTag()).as(entry.toString()).isEqualTo(reparseTag);
        assertThat(entry.isAfUnixSocket()).as(entry.toString()).isFalse();
        assertThat(SocketFiles.deleteIfSocket(path.toString())).as(path.toString()).isFalse();
        assertThat(Files.exists(path, LinkOption.NOFOLLOW_LINKS)).as(path + " kept").isTrue();
    }

    @Test
    void channelClassesAreFoundForAfdAndNioGroups() throws Exception {
        assertThat(AfdChannels.domainSocketChannelClass(group)).isEqualTo(AfdDomainSocketChannel.class);
        assertThat(AfdChannels.serverDomainSocketChannelClass(group)).isEqualTo(AfdServerDomainSocketChannel.class);
        EventLoopGroup nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            assertThat(AfdChannels.domainSocketChannelClass(nio)).isEqualTo(NioDomainSocketChannel.class);
            assertThat(AfdChannels.serverDomainSocketChannelClass(nio)).isEqualTo(NioServerDomainSocketChannel.class);
        } finally {
            nio.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void badAddressesAreRefusedWithoutTouchingASocket() {
        assertThatThrownBy(() -> DomainSockets.path(new java.net.InetSocketAddress(1)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("DomainSocketAddress");
        assertThatThrownBy(() -> DomainSockets.path(new DomainSocketAddress("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThat(DomainSockets.path(UnixDomainSocketAddress.of("C:\\x\\y.sock"))).isEqualTo("C:\\x\\y.sock");
        assertThatThrownBy(() -> io.tofunetty.afd.internal.socket.SockAddrs.writeUn("x".repeat(108), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 107");
    }
}
