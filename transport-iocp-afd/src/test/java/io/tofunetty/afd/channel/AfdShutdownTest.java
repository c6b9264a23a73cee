package io.tofunetty.afd.channel;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.AttributeKey;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.AfdServerSocketChannel;
import io.tofunetty.afd.AfdSocketChannel;
import io.tofunetty.testkit.WindowsTier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shutting an event loop group down while it still serves connections, compared with NIO on the same JRE: the
 * channels close, everything is given back, and nothing is logged (Netty logs through java.util.logging here).
 */
@WindowsTier
class AfdShutdownTest {
    private static final int SHUTDOWNS = 20;
    private static final int CONNECTIONS = 4;

    private final Logger root = Logger.getLogger("");
    private final WarningRecorder warnings = new WarningRecorder();

    @BeforeEach
    void recordWarnings() {
        root.addHandler(warnings);
    }

    @AfterEach
    void stopRecording() {
        root.removeHandler(warnings);
    }

    @Test
    void twentyGroupShutdownsWithOpenConnectionsLogNothingAsWithNio() throws Exception {
        List<String> nio = shutdownsWithOpenConnections(() -> NioIoHandler.newFactory(),
                NioServerSocketChannel.class, NioSocketChannel.class);
        TransportResources before = TransportResources.now();
        List<String> afd = shutdownsWithOpenConnections(AfdIoHandler::newFactory,
                AfdServerSocketChannel.class, AfdSocketChannel.class);
        TransportResources.assertReturnedTo(before);
        assertThat(nio).as("warnings logged by NIO's shutdowns").isEmpty();
        assertThat(afd).as("warnings logged by AFD's shutdowns").isEqualTo(nio);
    }

    private List<String> shutdownsWithOpenConnections(Supplier<IoHandlerFactory> factory,
                                                       Class<? extends ServerChannel> serverType,
                                                       Class<? extends Channel> clientType) throws Exception {
        warnings.clear();
        for (int round = 0; round < SHUTDOWNS; round++) {
            EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, factory.get());
            try {
                CountDownLatch exchanging = new CountDownLatch(CONNECTIONS);
                Channel listener = new ServerBootstrap().group(group).channel(serverType)
                        .childHandler(new PingPong(exchanging, false))
                        .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
                Bootstrap cb = new Bootstrap().group(group).channel(clientType)
                        .handler(new PingPong(null, true));
                List<ChannelFuture> connects = new ArrayList<>();
                for (int i = 0; i < CONNECTIONS; i++) {
                    connects.add(cb.connect(listener.localAddress()));
                }
                for (ChannelFuture f : connects) {
                    f.sync();
                }
                assertThat(exchanging.await(30, TimeUnit.SECONDS)).as("exchanging data within 30 s").isTrue();
            } finally {
                if (round % 2 == 0) {
                    group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
                } else {
                    // from one of its own loops, as a handler that ends the program does
                    group.next().execute(() -> group.shutdownGracefully(0, 5, TimeUnit.SECONDS));
                }
                assertThat(group.awaitTermination(60, TimeUnit.SECONDS)).as("group terminated").isTrue();
            }
        }
        return warnings.snapshot();
    }

    /** Keeps its connection busy: every message read is written back, so the loops are awake when shut down. */
    @ChannelHandler.Sharable
    private static final class PingPong extends ChannelInboundHandlerAdapter {
        private final CountDownLatch firstRead;
        private final boolean starts;

        PingPong(CountDownLatch firstRead, boolean starts) {
            this.firstRead = firstRead;
            this.starts = starts;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (starts) {
                ctx.writeAndFlush(ctx.alloc().buffer().writeLong(0));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (firstRead != null && ctx.channel().attr(SEEN).setIfAbsent(Boolean.TRUE) == null) {
                firstRead.countDown();
            }
            ctx.writeAndFlush(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // resets are expected when the other side's loop closes first
        }
    }

    private static final AttributeKey<Boolean> SEEN = AttributeKey.valueOf("AfdShutdownTest.seen");

    /** Every record at WARNING or above, as "logger: message". */
    private static final class WarningRecorder extends Handler {
        private final ConcurrentLinkedQueue<String> records = new ConcurrentLinkedQueue<>();

        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record.getLoggerName() + ": " + record.getMessage()
                        + (record.getThrown() != null ? " (" + record.getThrown() + ')' : ""));
            }
        }

        void clear() {
            records.clear();
        }

        List<String> snapshot() {
            return new ArrayList<>(records);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
