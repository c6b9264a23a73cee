package io.tofunetty.examples.echo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.tofunetty.codec.TofuMessage;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of one echo connection: sends the {@link EchoScript} pipelined, with at most {@code window}
 * messages awaiting their echo, verifies every echo in order (a tofu peer answers one connection in order) and
 * measures each Request's round trip. After the ByeResponse it closes, as the ByeRequest sender does in tofu.
 *
 * <p>Writes are flushed once per read batch, so a window's worth of messages goes out in few system calls.
 * Runs on its channel's event loop only.
 */
final class EchoClientHandler extends ChannelInboundHandlerAdapter {
    /** Where a connection reports; called on the connection's event loop. */
    interface Listener {
        /** {@code n} more echoes were verified. */
        void verified(int n);

        /** Every echo arrived and matched; {@code latenciesNanos} holds one round trip per Request. */
        void done(int connection, long[] latenciesNanos);

        /** The connection failed; {@code message} says why. */
        void failed(int connection, String message);
    }

    private final int connection;
    private final EchoScript script;
    private final int window;
    private final Listener listener;
    /** The client's channel number; tofu picks it at random (spec §6). */
    private final int channelNumber = 1 + ThreadLocalRandom.current().nextInt(0xFFFE);
    private final long[] sentAt;
    private final long[] latencies;

    private int nextToSend;
    private int nextExpected;
    private int unreported;
    private boolean finished;

    EchoClientHandler(int connection, EchoScript script, int window, Listener listener) {
        this.connection = connection;
        this.script = script;
        this.window = window;
        this.listener = listener;
        this.sentAt = new long[script.length()];
        this.latencies = new long[script.requests()];
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        sendWhileWindowAllows(ctx);
        ctx.flush();
        ctx.fireChannelActive();
    }

    private void sendWhileWindowAllows(ChannelHandlerContext ctx) {
        while (nextToSend < script.length() && nextToSend - nextExpected < window) {
            int position = nextToSend++;
            sentAt[position] = System.nanoTime();
            ctx.write(script.message(position, channelNumber, ctx.alloc()), ctx.voidPromise());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof TofuMessage echo)) {
            ReferenceCountUtil.release(msg);
            fail(ctx, "expected a tofu message, got " + msg.getClass().getName());
            return;
        }
        long now = System.nanoTime();
        String problem;
        try {
            problem = nextExpected < nextToSend ? script.verify(nextExpected, echo)
                    : "unexpected " + echo + ": nothing is awaiting an echo";
        } finally {
            echo.release();
        }
        if (problem != null) {
            fail(ctx, "echo mismatch: " + problem);
            return;
        }
        if (script.isRequest(nextExpected)) {
            latencies[nextExpected - 1] = now - sentAt[nextExpected];
        }
        nextExpected++;
        unreported++;
        if (nextExpected == script.length()) {
            finished = true;
            report();
            listener.done(connection, latencies);
            ctx.close(); // the ByeRequest sender closes (spec §9.5)
            return;
        }
        sendWhileWindowAllows(ctx);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        report();
        ctx.fireChannelReadComplete();
    }

    private void report() {
        if (unreported > 0) {
            listener.verified(unreported);
            unreported = 0;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            fail(ctx, "the server closed the connection after " + nextExpected + " of " + script.length()
                    + " echoes");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!finished) {
            fail(ctx, "after " + nextExpected + " of " + script.length() + " echoes: " + cause);
        }
        ctx.close();
    }

    private void fail(ChannelHandlerContext ctx, String message) {
        finished = true;
        report();
        listener.failed(connection, message);
        ctx.close();
    }
}
