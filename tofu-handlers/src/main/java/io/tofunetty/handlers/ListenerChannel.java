package io.tofunetty.handlers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.Origin;
import io.tofunetty.codec.Status;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuMessage;
import io.tofunetty.handlers.internal.SocketFileCleanup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener started by a WelcomeRequest (spec §9.1). Accepted connections join the listener's group with
 * numbers of their own; the application hears nothing at accept time, only their frames (spec §9.3).
 *
 * <p>With {@code maxConnectionsPerListener} set, a connection beyond that many open ones is closed at once (an RST
 * on TCP) and counted; the listener keeps serving. The group gets one {@code accept_failed} Signal when refusing
 * starts, and another only after the listener has dropped below its limit again, so a connection storm cannot fill
 * the mailbox.
 */
final class ListenerChannel extends Endpoint {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ListenerChannel.class);

    private final TofuAddress address;
    private final long welcomeId;
    /** Accepted channels not finished yet (any I/O thread). */
    private final AtomicInteger open = new AtomicInteger();

    // Guarded by lock (and channel, closing, finished: Endpoint's).
    private boolean bindReported;
    private boolean bound;
    private boolean channelClosed;
    /** Refusing connections since the last accept_failed Signal; cleared when the count drops below the limit. */
    private boolean refusing;

    ListenerChannel(TofuEngine engine, ChannelGroup group, int number, TofuAddress address, long welcomeId) {
        super(engine, group, number);
        this.address = address;
        this.welcomeId = welcomeId;
    }

    void listen(TofuMessage welcome, SocketAddress local) {
        TofuAddress.Kind kind = address.kind();
        if (kind == TofuAddress.Kind.UDS) {
            deleteSocketFile(); // a stale path from an earlier listener would fail the bind, as in tofu
        }
        ServerBootstrap b = new ServerBootstrap().group(engine.ioGroup())
                .channelFactory(engine.transport().serverChannelFactory(kind))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        accepted(ch);
                    }
                });
        if (kind == TofuAddress.Kind.TCP) {
            // For restarts over TIME_WAIT on Unix. On Windows, where SO_REUSEADDR would let others share the port,
            // NIO and the AFD transport bind exclusively and only store it (docs/windows-semantics.md).
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        ChannelFuture f;
        try {
            f = b.bind(local);
        } catch (RuntimeException e) {
            failAtOnce(welcome, Status.LISTEN_FAILED);
            return;
        }
        Channel ch = f.channel();
        attach(ch);
        ch.closeFuture().addListener(cf -> channelClosed());
        f.addListener(bf -> bindDone(f, welcome));
    }

    private void bindDone(ChannelFuture f, TofuMessage welcome) {
        if (f.isSuccess()) {
            synchronized (lock) {
                bound = true;
            }
            SocketAddress actual = f.channel().localAddress();
            if (address.kind() == TofuAddress.Kind.TCP && address.port() == 0
                    && actual instanceof InetSocketAddress) {
                welcome = withListenOn(welcome, address.withPort(((InetSocketAddress) actual).getPort()));
            }
            // Success: a WelcomeResponse with origin application and status 0 (spec §9.1).
            group.deliverReturned(welcome.opCode(OpCode.WELCOME_RESPONSE).origin(Origin.APPLICATION)
                    .status(Status.SUCCESS));
        } else {
            logger.debug("listener {} on {} failed", number, address, f.cause());
            group.deliverReturned(welcome.opCode(OpCode.WELCOME_RESPONSE).origin(Origin.ENGINE)
                    .status(Status.LISTEN_FAILED));
            if (!f.channel().isRegistered()) {
                synchronized (lock) {
                    channelClosed = true; // never registered: its close future never completes
                }
            }
        }
        boolean finish;
        synchronized (lock) {
            bindReported = true;
            finish = channelClosed;
        }
        if (finish) {
            finish();
        }
    }

    /** The WelcomeResponse names the port actually bound when port 0 was asked for. */
    private static TofuMessage withListenOn(TofuMessage welcome, TofuAddress actual) {
        TextHeaders headers = new TextHeaders();
        for (Map.Entry<String, String> e : welcome.headers()) {
            headers.add(e.getKey(), e.getKey().equals(TofuAddress.LISTEN_ON) ? actual.format() : e.getValue());
        }
        TofuMessage copy = TofuMessage.create(welcome.opCode(), headers, welcome.body().retain())
                .channelNumber(welcome.channelNumber()).messageId(welcome.messageId());
        welcome.release();
        return copy;
    }

    private void channelClosed() {
        boolean finish;
        synchronized (lock) {
            channelClosed = true;
            finish = bindReported;
        }
        if (finish) {
            finish();
        }
    }

    private void finish() {
        boolean deleteFile;
        synchronized (lock) {
            if (finished) {
                return;
            }
            finished = true;
            deleteFile = bound;
        }
        engine.channels().forget(this);
        if (deleteFile && address.kind() == TofuAddress.Kind.UDS) {
            deleteSocketFile(); // tofu removes its UDS path on close
        }
        group.deliverNotification(closedSignal(welcomeId));
        group.endpointDone(this);
    }

    private void accepted(Channel ch) {
        boolean refuse;
        synchronized (lock) {
            refuse = finished || closing;
        }
        if (refuse || group.isDestroyed()) {
            ch.close();
            return;
        }
        int max = engine.maxConnectionsPerListener();
        if (open.incrementAndGet() > max && max > 0) {
            open.decrementAndGet();
            refuseOverLimit(ch, max);
            return;
        }
        int n = engine.channels().allocateForAccept();
        if (n < 0) {
            open.decrementAndGet();
            ch.close();
            return;
        }
        DataChannel dc = DataChannel.accepted(engine, group, n, address.kind(), this::acceptedFinished);
        if (!engine.channels().register(dc)) {
            open.decrementAndGet();
            ch.close();
            return;
        }
        engine.counters().accepted();
        DataChannel.configure(ch, address.kind(), engine);
        dc.initPipeline(ch);
        dc.attach(ch);
    }

    /** Closes a connection over the limit at once; the group hears it once per refusing episode. */
    private void refuseOverLimit(Channel ch, int max) {
        engine.counters().refused();
        if (address.kind() == TofuAddress.Kind.TCP) {
            ch.config().setOption(ChannelOption.SO_LINGER, 0); // RST: the peer learns at once, no TIME_WAIT here
        }
        ch.close();
        boolean notify;
        synchronized (lock) {
            notify = !refusing && !finished && !closing;
            refusing = true;
        }
        if (notify) {
            logger.debug("listener {} on {}: {} connections open, refusing more", number, address, max);
            TofuMessage signal = TofuMessage.create(OpCode.SIGNAL).origin(Origin.ENGINE).status(Status.ACCEPT_FAILED)
                    .channelNumber(number).messageId(welcomeId);
            signal.headers().add("reason", "maxConnectionsPerListener " + max + " reached");
            group.deliverNotification(signal);
        }
    }

    /** An accepted channel finished: its slot is free again, and a new refusal will be reported. */
    private void acceptedFinished() {
        int now = open.decrementAndGet();
        int max = engine.maxConnectionsPerListener();
        if (max > 0 && now < max) {
            synchronized (lock) {
                refusing = false;
            }
        }
    }

    /** Accepted channels of this listener that are open now. */
    int openConnections() {
        return open.get();
    }

    @Override
    TofuMessage post(TofuMessage m) {
        if (m.opCode() != OpCode.BYE_SIGNAL) {
            throw new TofuException(Status.NOT_ALLOWED, "channel " + number + " is a listener; only a ByeSignal "
                    + "(to stop it) may be posted to it, not a " + m.opCode().tofuName());
        }
        return stop(m);
    }

    private void deleteSocketFile() {
        try {
            SocketFileCleanup.deleteIfSocket(Path.of(address.path()));
        } catch (IOException | RuntimeException e) {
            logger.debug("could not delete Unix domain socket path {}", address.path(), e);
        }
    }
}
