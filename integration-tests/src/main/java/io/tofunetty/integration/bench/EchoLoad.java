package io.tofunetty.integration.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Pipelined echo load: each connection keeps {@code window} messages of {@code size} bytes in flight. The echo server
 * does not frame, so the client counts bytes: every {@code size} bytes that come back complete one message and send
 * the next. A window of 1 with 1-byte messages is the ping-pong round trip.
 *
 * <p>{@link #switchTo} changes the message size and window on the same connections (after draining what is in
 * flight), so that one set of connections serves several shapes: opening 100 connections costs seconds under Wine.
 */
final class EchoLoad implements AutoCloseable {
    private static final long DRAIN_TIMEOUT_MS = 60_000;

    /** One shape: its payload, and whether new messages are still sent. */
    private static final class Phase {
        final int size;
        final int window;
        final ByteBuf payload;
        volatile boolean running = true;

        Phase(int size, int window) {
            if (size < 1 || window < 1) {
                throw new IllegalArgumentException("size and window must be >= 1: " + size + ", " + window);
            }
            this.size = size;
            this.window = window;
            payload = ByteBufAllocator.DEFAULT.directBuffer(size, size);
            for (int i = 0; i < size; i++) {
                payload.writeByte('a' + i % 26);
            }
        }
    }

    private volatile Phase phase;
    private final LongAdder messages = new LongAdder();
    /** Bytes written and not yet echoed back, over all connections. */
    private final AtomicLong inFlightBytes = new AtomicLong();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> error = new AtomicReference<>();

    EchoLoad(int size, int window) {
        phase = new Phase(size, window);
    }

    /** A handler for one connection: starts the window when the connection becomes active. */
    ChannelHandler newHandler() {
        return new Client();
    }

    /** Messages echoed so far (all connections, all shapes). */
    long messages() {
        return messages.sum();
    }

    Throwable error() {
        return error.get();
    }

    /** Stops sending new messages (those in flight still come back). */
    void stop() {
        phase.running = false;
    }

    /** Stops, waits until everything in flight has come back, then runs the new shape on the same connections. */
    void switchTo(int size, int window) throws IOException, InterruptedException {
        Phase old = phase;
        old.running = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        while (inFlightBytes.get() != 0) {
            if (error.get() != null) {
                throw new IOException("the echo load failed: " + error.get(), error.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(inFlightBytes.get() + " bytes still in flight after " + DRAIN_TIMEOUT_MS
                        + " ms");
            }
            Thread.sleep(1);
        }
        phase = new Phase(size, window);
        old.payload.release();
        for (Client c : clients) {
            c.ctx.executor().execute(c::startWindow);
        }
    }

    @Override
    public void close() {
        stop();
        phase.payload.release();
    }

    private final class Client extends ChannelInboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private long pendingBytes;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.ctx = ctx;
            clients.add(this);
            startWindow();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            clients.remove(this);
        }

        /** Loop thread: puts a full window of the current shape in flight. */
        void startWindow() {
            Phase p = phase;
            if (!p.running || !ctx.channel().isActive()) {
                return;
            }
            pendingBytes = 0;
            inFlightBytes.addAndGet((long) p.window * p.size);
            for (int i = 0; i < p.window; i++) {
                ctx.write(p.payload.retainedDuplicate(), ctx.voidPromise());
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            int n = buf.readableBytes();
            buf.release();
            inFlightBytes.addAndGet(-n);
            Phase p = phase;
            pendingBytes += n;
            if (pendingBytes < p.size) {
                return;
            }
            long done = pendingBytes / p.size;
            pendingBytes -= done * p.size;
            messages.add(done);
            if (p.running) {
                inFlightBytes.addAndGet(done * p.size);
                for (long i = 0; i < done; i++) {
                    ctx.write(p.payload.retainedDuplicate(), ctx.voidPromise());
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (phase.running) {
                error.compareAndSet(null, cause);
            }
            ctx.close();
        }
    }
}
