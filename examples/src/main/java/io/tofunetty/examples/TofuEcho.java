package io.tofunetty.examples;

import io.tofunetty.examples.echo.CommandLine;
import io.tofunetty.examples.echo.EchoAddress;
import io.tofunetty.examples.echo.EchoClient;
import io.tofunetty.examples.echo.EchoResult;
import io.tofunetty.examples.echo.EchoServer;
import io.tofunetty.examples.echo.EchoTransport;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The tofu echo demo: a server and a client speaking tofu's wire protocol over any transport.
 *
 * <pre>
 * TofuEcho server &lt;address&gt; [--transport auto|afd|nio|epoll] [--seconds N] [--threads N]
 * TofuEcho client &lt;address&gt; [--count N] [--connections C] [--window W] [--transport ...] [--timeout S]
 * TofuEcho demo [--address A] [--count N] [--connections C] [--window W] [--transport ...] [--timeout S]
 * </pre>
 * Addresses are tofu's: {@code tcp|host|port} or {@code uds|path}. The server prints {@code READY <address>} once
 * it listens (with the real port when given port 0). The client prints a {@code SUMMARY} line and exits 0 only if
 * every echo was verified. {@code demo} runs both in this JVM on an ephemeral port and exits with the client's
 * status. Exit status: 0 success, 1 failure, 2 bad command line.
 */
public final class TofuEcho {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
            "usage: TofuEcho server <address> [--transport auto|afd|nio|epoll] [--seconds N] [--threads N]",
            "       TofuEcho client <address> [--count N] [--connections C] [--window W] [--transport T] [--timeout S]",
            "       TofuEcho demo [--address A] [--count N] [--connections C] [--window W] [--transport T] [--timeout S]",
            "  address: tcp|<host>|<port> (port 0: any free port, server only) or uds|<path>",
            "  server:  answers HelloRequest, Request, Signal and ByeRequest with their echo; prints READY <address>;",
            "           --seconds N stops after N seconds (0: run until killed)",
            "  client:  per connection a HelloRequest, N Requests (at most W awaiting an echo), a Signal and a",
            "           ByeRequest; verifies every echo; prints a SUMMARY line (messages/s, p50/p99 latency);",
            "           defaults: --count 10000 --connections 1 --window 32 --timeout 120",
            "  demo:    server and client in one JVM (default address tcp|127.0.0.1|0), client defaults as above",
            "  exit status: 0 everything verified, 1 failure, 2 bad command line");

    private static final Set<String> SERVER_OPTIONS = Set.of("transport", "seconds", "threads");
    private static final Set<String> CLIENT_OPTIONS = Set.of("transport", "count", "connections", "window", "timeout");
    private static final Set<String> DEMO_OPTIONS = Set.of("transport", "count", "connections", "window", "timeout",
            "address", "threads");

    private TofuEcho() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a subcommand and returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE_TEXT);
            return args.length == 0 ? USAGE : OK;
        }
        try {
            switch (args[0]) {
                case "server":
                    return server(new CommandLine(args, 1, SERVER_OPTIONS), out, err);
                case "client":
                    return client(new CommandLine(args, 1, CLIENT_OPTIONS), out, err);
                case "demo":
                    return demo(new CommandLine(args, 1, DEMO_OPTIONS), out, err);
                default:
                    throw new IllegalArgumentException("unknown command \"" + args[0] + "\"; use server, client or demo");
            }
        } catch (IllegalArgumentException e) {
            err.println("tofu echo: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        } catch (IllegalStateException e) {
            err.println("tofu echo: FAILED: " + e.getMessage());
            return FAILED;
        }
    }

    private static int server(CommandLine cl, PrintStream out, PrintStream err) throws InterruptedException {
        EchoAddress address = EchoAddress.parse(cl.single("address"));
        EchoTransport transport = EchoTransport.parse(cl.string("transport", "auto"));
        int seconds = cl.integer("seconds", 0, 0, Integer.MAX_VALUE);
        int threads = cl.integer("threads", 0, 0, 1024);
        EchoServer server = startServer(address, transport, threads, err);
        if (server == null) {
            return FAILED;
        }
        Thread stopOnSignal = new Thread(server::close, "tofu-echo-server-stop");
        Runtime.getRuntime().addShutdownHook(stopOnSignal);
        try {
            out.println("READY " + server.address());
            out.println("tofu echo server on " + server.address() + ", transport " + server.transport().displayName()
                    + (seconds > 0 ? ", stopping after " + seconds + " s" : ", until killed"));
            out.flush();
            if (seconds > 0) {
                server.closeFuture().await(seconds, TimeUnit.SECONDS);
            } else {
                server.closeFuture().await();
            }
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnSignal);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        out.println("tofu echo server stopped");
        return OK;
    }

    private static EchoServer startServer(EchoAddress address, EchoTransport transport, int threads,
                                          PrintStream err) {
        try {
            return EchoServer.start(address, transport, threads);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            err.println("tofu echo: FAILED: " + e.getMessage());
            return null;
        }
    }

    private static int client(CommandLine cl, PrintStream out, PrintStream err) throws InterruptedException {
        EchoAddress address = EchoAddress.parse(cl.single("address"));
        if (!address.isUds() && address.port() == 0) {
            throw new IllegalArgumentException("the client needs a real port, not 0, in " + address);
        }
        return runClient(clientOptions(cl, address, out), out, err);
    }

    private static int demo(CommandLine cl, PrintStream out, PrintStream err) throws InterruptedException {
        cl.noPositional();
        EchoAddress address = EchoAddress.parse(cl.string("address", "tcp|127.0.0.1|0"));
        EchoClient.Options options = clientOptions(cl, address, out);
        EchoServer server = startServer(address, options.transport(), cl.integer("threads", 0, 0, 1024), err);
        if (server == null) {
            return FAILED;
        }
        try {
            out.println("READY " + server.address());
            out.println("tofu echo demo: server and client in one JVM, transport " + server.transport().displayName()
                    + ", " + options.connections() + " connection(s) x " + options.count() + " requests");
            out.flush();
            return runClient(new EchoClient.Options(server.address(), options.transport(), options.count(),
                    options.connections(), options.window(), options.timeoutSeconds(), out,
                    options.progressMillis()), out, err);
        } finally {
            server.close();
        }
    }

    private static EchoClient.Options clientOptions(CommandLine cl, EchoAddress address, PrintStream out) {
        return new EchoClient.Options(address, EchoTransport.parse(cl.string("transport", "auto")),
                cl.integer("count", 10_000, 0, Integer.MAX_VALUE),
                cl.integer("connections", 1, 1, 10_000),
                cl.integer("window", 32, 1, 1_000_000),
                cl.integer("timeout", 120, 1, Integer.MAX_VALUE),
                out, 2000);
    }

    private static int runClient(EchoClient.Options options, PrintStream out, PrintStream err)
            throws InterruptedException {
        EchoResult result = EchoClient.run(options);
        if (!result.success()) {
            err.println("tofu echo client: FAILED: " + result.failure());
            err.flush();
        }
        out.println(result.summary());
        out.flush();
        return result.success() ? OK : FAILED;
    }
}
