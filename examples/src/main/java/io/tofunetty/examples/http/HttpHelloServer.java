package io.tofunetty.examples.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.tofunetty.examples.echo.CommandLine;
import io.tofunetty.examples.echo.EchoAddress;
import io.tofunetty.examples.echo.EchoTransport;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP "hello" server on netty-codec-http: an ordinary Netty pipeline that knows nothing of the transport
 * under it, which answers {@code Hello from <transport>}. It shows that swapping the event loop group and the
 * channel class is all a bootstrap needs to run on another transport (AFD on Windows).
 *
 * <pre>HttpHelloServer [tcp|host|port] [--transport auto|afd|nio|epoll] [--seconds N]</pre>
 * The default address is {@code tcp|127.0.0.1|8080}; port 0 picks a free port. Prints {@code READY <address>}.
 */
public final class HttpHelloServer implements AutoCloseable {
    private static final Set<String> OPTIONS = Set.of("transport", "seconds", "threads");

    private final EchoTransport transport;
    private final EventLoopGroup group;
    private final Channel listener;

    private HttpHelloServer(EchoTransport transport, EventLoopGroup group, Channel listener) {
        this.transport = transport;
        this.group = group;
        this.listener = listener;
    }

    /**
     * Starts listening on a TCP address (port 0: any free port).
     *
     * @throws IllegalStateException if the transport cannot run here
     * @throws IOException           if the bind fails
     */
    public static HttpHelloServer start(EchoAddress address, EchoTransport transport, int threads)
            throws IOException, InterruptedException {
        if (address.isUds()) {
            throw new IllegalArgumentException("the HTTP hello server listens on TCP; got " + address);
        }
        transport.checkUsable(address);
        EchoTransport resolved = transport.resolve();
        String name = resolved.displayName();
        EventLoopGroup group = resolved.newEventLoopGroup(threads);
        ChannelFuture bind = new ServerBootstrap()
                .group(group)
                .channelFactory(resolved.serverChannelFactory(false))
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(),
                                new HttpHelloHandler(name));
                    }
                })
                .bind(resolved.socketAddress(address, true))
                .await();
        if (!bind.isSuccess()) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + address + ": " + bind.cause(), bind.cause());
        }
        return new HttpHelloServer(resolved, group, bind.channel());
    }

    /** The port listened on. */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    public EchoTransport transport() {
        return transport;
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the server until killed or {@code --seconds} pass; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        HttpHelloServer server;
        int seconds;
        EchoAddress address;
        try {
            CommandLine cl = new CommandLine(args, 0, OPTIONS);
            address = EchoAddress.parse(args.length > 0 && !args[0].startsWith("--") ? cl.single("address")
                    : "tcp|127.0.0.1|8080");
            seconds = cl.integer("seconds", 0, 0, Integer.MAX_VALUE);
            server = start(address, EchoTransport.parse(cl.string("transport", "auto")),
                    cl.integer("threads", 0, 0, 1024));
        } catch (IllegalArgumentException e) {
            err.println("http hello: " + e.getMessage());
            err.println("usage: HttpHelloServer [tcp|<host>|<port>] [--transport auto|afd|nio|epoll] [--seconds N]");
            return 2;
        } catch (IllegalStateException | IOException e) {
            err.println("http hello: FAILED: " + e.getMessage());
            return 1;
        }
        Thread stopOnSignal = new Thread(server::close, "http-hello-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            String host = address.host().isEmpty() ? "" : ((InetSocketAddress) server.listener.localAddress())
                    .getAddress().getHostAddress();
            out.println("READY tcp|" + host + "|" + server.port());
            out.println("HTTP hello server on http://" + (host.isEmpty() ? "127.0.0.1" : host) + ":" + server.port()
                    + "/ (transport " + server.transport().displayName() + ")");
            out.flush();
            if (seconds > 0) {
                server.listener.closeFuture().await(seconds, TimeUnit.SECONDS);
            } else {
                server.listener.closeFuture().await();
            }
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return 0;
    }
}
