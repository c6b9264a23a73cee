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

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A listener started by a WelcomeRequest (spec §9.1). Accepted connections join the listener's group with
 * numbers of their own; the application hears nothing at accept time, only their frames (spec §9.3).
 */
final class ListenerChannel extends Endpoint {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(ListenerChannel.class);

    private final TofuAddress address;
    private final long welcomeId;
    private final Object lock = new Object();

    // Guarded by lock.
    private Channel channel;
    private boolean closing;
    private boolean bindReported;
    private boolean bound;
    private boolean channelClosed;
    private boolean finished;

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
        boolean close;
        synchronized (lock) {
            channel = ch;
            close = closing;
        }
        if (close) {
            ch.close();
        }
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
        engine.forget(this);
        if (deleteFile && address.kind() == TofuAddress.Kind.UDS) {
            deleteSocketFile(); // tofu removes its UDS path on close
        }
        group.deliverNotification(closedSignal(welcomeId));
        group.endpointDone(this);
    }

    /** Failures found while posting (unresolvable host): WelcomeResponse with the status, then channel_closed. */
    void failAtOnce(TofuMessage welcome, Status status) {
        synchronized (lock) {
            finished = true;
        }
        engine.forget(this);
        group.deliverReturned(welcome.opCode(OpCode.WELCOME_RESPONSE).origin(Origin.ENGINE).status(status));
        group.deliverNotification(closedSignal(welcomeId));
        group.endpointDone(this);
    }

    private void accepted(Channel ch) {
        boolean refuse;
        synchronized (lock) {
            refuse = finished || closing;
        }
        int n = refuse || group.isDestroyed() ? -1 : engine.allocateForAccept();
        if (n < 0) {
            ch.close();
            return;
        }
        DataChannel dc = DataChannel.accepted(engine, group, n, address.kind());
        if (!engine.register(dc)) {
            ch.close();
            return;
        }
        DataChannel.configure(ch, address.kind(), engine);
        dc.initPipeline(ch);
        dc.attach(ch);
    }

    @Override
    TofuMessage post(TofuMessage m) {
        if (m.opCode() != OpCode.BYE_SIGNAL) {
            throw new TofuException(Status.NOT_ALLOWED, "channel " + number + " is a listener; only a ByeSignal "
                    + "(to stop it) may be posted to it, not a " + m.opCode().tofuName());
        }
        Channel ch;
        TofuMessage header;
        synchronized (lock) {
            if (finished || closing) {
                throw closed(number);
            }
            closing = true;
            ch = channel;
            header = m.copyHeader();
        }
        group.deliverReturned(m.origin(Origin.ENGINE).status(Status.CHANNEL_CLOSED));
        if (ch != null) {
            ch.close();
        }
        return header;
    }

    @Override
    void destroy() {
        Channel ch;
        synchronized (lock) {
            closing = true;
            ch = channel;
        }
        if (ch != null) {
            ch.close();
        }
    }

    private void deleteSocketFile() {
        try {
            Path p = Path.of(address.path());
            if (!Files.isDirectory(p)) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            logger.debug("could not delete Unix domain socket path {}", address.path(), e);
        }
    }
}
