package io.tofunetty.afd.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.internal.socket.SocketHandles;
import io.tofunetty.afd.AfdDatagramChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.afd.internal.poll.AfdCounters;
import io.tofunetty.afd.internal.win32.Winsock;
import io.tofunetty.afd.internal.socket.WinsockSocket;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How sockets end, against the real Winsock stack and compared with NIO on the same JRE: a reset peer with
 * half-closure allowed, a close with SO_LINGER, shutdown and option calls around a close, and reading every option.
 */
@WindowsTier
class AfdSocketCloseTest {

    // ------------------------------------------------------------------------------------------ reset + half-closure

    /** What the accepted side of a connection the peer reset saw, with ALLOW_HALF_CLOSURE on. */
    private record ResetSeen(int exceptions, int inputShutdownEvents) {
    }

    @Test
    void aResetPeerWithHalfClosureAllowedGivesOneInputShutdownEventNotAStormAsWithNio() throws Exception {
        ResetSeen nio = resetWithHalfClosure(NioIoHandler::newFactory, NioServerSocketChannel.class,
                NioSocketChannel.class);
        ResetSeen afd = resetWithHalfClosure(AfdIoHandler::newFactory, AfdServerSocketChannel.class,
                AfdSocketChannel.class);
        assertThat(nio.inputShutdownEvents()).as("NIO's input-shutdown events").isEqualTo(1);
        assertThat(afd.inputShutdownEvents()).as("AFD's input-shutdown events").isEqualTo(1);
        assertThat(afd.exceptions()).as("AFD's exceptionCaught calls").isLessThanOrEqualTo(1);
    }

    private ResetSeen resetWithHalfClosure(Supplier<IoHandlerFactory> factory,
                                           Class<? extends ServerChannel> serverType,
                                           Class<? extends Channel> clientType) throws Exception {
        // One server loop: the echo connection's round trips below are iterations of the loop that would storm.
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, factory.get());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, factory.get());
        AtomicInteger exceptions = new AtomicInteger();
        AtomicInteger inputShutdowns = new AtomicInteger();
        CountDownLatch inputShut = new CountDownLatch(1);
        CountDownLatch firstChildActive = new CountDownLatch(1);
        AtomicInteger children = new AtomicInteger();
        try {
            Channel server = new ServerBootstrap().group(serverGroup).channel(serverType)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public boolean isSharable() {
                            return true;
                        }

                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.channel().attr(RESET_CHILD).set(children.getAndIncrement() == 0);
                            firstChildActive.countDown();
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ctx.writeAndFlush(msg); // the second connection echoes
                        }

                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt == ChannelInputShutdownEvent.INSTANCE && ctx.channel().attr(RESET_CHILD).get()) {
                                inputShutdowns.incrementAndGet();
                                inputShut.countDown();
                            }
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            if (ctx.channel().attr(RESET_CHILD).get()) {
                                exceptions.incrementAndGet(); // the reset; the channel stays half-open
                            }
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            Channel reset = new Bootstrap().group(clientGroup).channel(clientType)
                    .option(ChannelOption.SO_LINGER, 0).handler(new ChannelInboundHandlerAdapter())
                    .connect(server.localAddress()).sync().channel();
            assertThat(firstChildActive.await(10, TimeUnit.SECONDS)).isTrue();
            reset.close().sync(); // SO_LINGER 0: an abortive close, the peer sees RST
            assertThat(inputShut.await(10, TimeUnit.SECONDS)).as("input shut down after the reset").isTrue();

            // Twenty round trips through the same server loop: a storm would fire at every iteration.
            AtomicInteger echoed = new AtomicInteger();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Channel echo = new Bootstrap().group(clientGroup).channel(clientType)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ((ByteBuf) msg).release();
                            if (echoed.incrementAndGet() == 20) {
                                done.complete(null);
                            } else {
                                ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
                            }
                        }
                    }).connect(server.localAddress()).sync().channel();
            echo.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
            done.get(30, TimeUnit.SECONDS);
            echo.close().sync();
            server.close().sync();
            return new ResetSeen(exceptions.get(), inputShutdowns.get());
        } finally {
            serverGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            clientGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> RESET_CHILD =
            io.netty.util.AttributeKey.valueOf("AfdSocketCloseTest.resetChild");

    @Test
    void inputCountsAsShutEvenWhenWinsockRefusesTheShutdown() throws Exception {
        WinsockSocket socket = WinsockSocket.newStreamSocket(false); // never connected: Winsock says WSAENOTCONN
        try {
            try {
                socket.shutdown(true, false);
            } catch (NotYetConnectedException expected) {
                // what Windows (and Wine) answer; the state must not depend on it
            }
            assertThat(socket.isInputShutdown()).isTrue();
            assertThat(socket.isOutputShutdown()).isFalse();
        } finally {
            socket.close();
        }
    }

    // ------------------------------------------------------------------------------------------ lingering close

    @Test
    void aLingeringSocketIsReallyClosedAndCountedClosedOnlyThen() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            WinsockSocket socket = WinsockSocket.newStreamSocket(false);
            socket.connect(listener.getLocalSocketAddress());
            try (Socket peer = listener.accept()) {
                socket.setSoLinger(5);
                long handle = socket.handle();
                int openBefore = AfdCounters.openSockets();
                socket.close(); // non-blocking with SO_LINGER > 0: Windows would answer WSAEWOULDBLOCK and keep it
                assertThat(AfdCounters.openSockets()).isEqualTo(openBefore - 1);
                assertThatThrownBy(() -> SocketHandles.getIntOption(handle, Winsock.SOL_SOCKET, Winsock.SO_TYPE))
                        .as("the handle value after the close")
                        .isInstanceOf(IOException.class).hasMessageContaining("WSAENOTSOCK");
                assertThat(peer.getInputStream().read()).as("the peer sees a graceful end of stream").isEqualTo(-1);
            }
        }
    }

    @Test
    void aChannelWithSoLingerDeliversEverythingAndClosesAsWithNio() throws Exception {
        assertThat(lingeringClientSends(NioIoHandler::newFactory, NioSocketChannel.class)).isEqualTo("all of it");
        int open = AfdCounters.openSockets();
        assertThat(lingeringClientSends(AfdIoHandler::newFactory, AfdSocketChannel.class)).isEqualTo("all of it");
        assertThat(AfdCounters.openSockets()).as("open sockets after the lingering close").isEqualTo(open);
    }

    private static String lingeringClientSends(Supplier<IoHandlerFactory> factory,
                                               Class<? extends Channel> clientType) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory.get());
        try (ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Channel ch = new Bootstrap().group(group).channel(clientType)
                    .option(ChannelOption.SO_LINGER, 2).handler(new ChannelInboundHandlerAdapter())
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            try (Socket peer = listener.accept()) {
                ch.writeAndFlush(Unpooled.copiedBuffer("all of it", StandardCharsets.US_ASCII)).sync();
                assertThat(ch.close().await(30, TimeUnit.SECONDS)).as("closed within 30 s").isTrue();
                assertThat(ch.closeFuture().isSuccess()).as("close succeeded: " + ch.closeFuture().cause()).isTrue();
                assertThat(ch.isOpen()).isFalse();
                InputStream in = peer.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                for (int b; (b = in.read()) != -1; ) {
                    got.write(b);
                }
                return got.toString(StandardCharsets.US_ASCII);
            }
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void optionCallsAfterTheCloseFailAsClosedInsteadOfReachingTheHandleValue() throws Exception {
        WinsockSocket socket = WinsockSocket.newStreamSocket(false);
        socket.close();
        assertThatThrownBy(() -> socket.getIntOption(Winsock.SOL_SOCKET, Winsock.SO_RCVBUF))
                .isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> socket.setSoLinger(1)).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(socket::acquire).isInstanceOf(ClosedChannelException.class);
        assertThat(socket.localAddress()).isNull();
        socket.close(); // once only
    }

    // ------------------------------------------------------------------------------------------ options

    @Test
    void everyOptionOfEveryChannelCanBeReadAsWithNio() throws Exception {
        EventLoopGroup nioGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup afdGroup = new MultiThreadIoEventLoopGroup(1, AfdIoHandler.newFactory());
        try {
            Channel nioTcp = new NioSocketChannel();
            Channel nioUdp = new NioDatagramChannel();
            nioGroup.register(nioTcp).sync();
            nioGroup.register(nioUdp).sync();
            Channel tcp = new AfdSocketChannel();
            Channel udp = new AfdDatagramChannel();
            afdGroup.register(tcp).sync();
            afdGroup.register(udp).sync();
            try {
                for (Channel ch : new Channel[] {nioTcp, nioUdp, tcp, udp}) {
                    Map<ChannelOption<?>, Object> options = ch.config().getOptions();
                    assertThat(options).as(ch.getClass().getSimpleName()).containsKey(ChannelOption.IP_TOS);
                    assertThat(ch.config().setOption(ChannelOption.IP_TOS, 0x10)).isTrue();
                    assertThat(ch.config().getOptions()).containsKey(ChannelOption.IP_TOS);
                }
                assertThatThrownBy(() -> tcp.config().setOption(ChannelOption.IP_TOS, 256))
                        .isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> nioTcp.config().setOption(ChannelOption.IP_TOS, 256))
                        .isInstanceOf(IllegalArgumentException.class);
            } finally {
                for (Channel ch : new Channel[] {nioTcp, nioUdp, tcp, udp}) {
                    ch.close().sync();
                }
            }
        } finally {
            nioGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
            afdGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
    }
}
