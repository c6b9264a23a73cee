package io.tofunetty.integration.frameworks;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tofunetty.afd.Afd;
import io.tofunetty.afd.AfdChannels;
import io.tofunetty.afd.AfdIoHandler;
import io.tofunetty.afd.reactor.AfdLoopResources;
import io.tofunetty.afd.vertx.AfdTransport;
import io.vertx.core.Vertx;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The framework snippets of docs/usage.md and README.md, compiled (examples' {@code DocSnippetsTest} checks that every
 * ```java block of the docs stands in this file or in {@code UsageSnippets}). The gRPC recipe is also what
 * {@link GrpcScenarios} runs.
 */
@SuppressWarnings("unused")
final class FrameworkSnippets {
    private FrameworkSnippets() {
    }

    static DisposableServer reactorNetty() {
        // snippet: reactor-netty
        LoopResources loops = AfdLoopResources.create("http");    // AFD on Windows, NIO elsewhere
        DisposableServer server = HttpServer.create()
                .runOn(loops)                                      // the one line
                .port(8080)
                .handle((request, response) -> response.sendString(Mono.just("hello")))
                .bindNow();
        // end
        return server;
    }

    static Vertx vertx() {
        // snippet: vertx
        Vertx vertx = Vertx.builder().withTransport(AfdTransport.AFD).build();   // AFD on Windows, NIO elsewhere
        // end
        return vertx;
    }

    static EventLoopGroup grpcGroup() {
        // snippet: grpc-group
        EventLoopGroup group = Afd.isAvailable()
                ? new MultiThreadIoEventLoopGroup(AfdIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        // end
        return group;
    }

    record Grpc(Server server, ManagedChannel channel) {
    }

    static Grpc grpc(EventLoopGroup group, ServerServiceDefinition yourService, int port) throws IOException {
        // snippet: grpc
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .channelType(AfdChannels.serverSocketChannelClass(group))   // AfdServerSocketChannel, or NIO's
                .bossEventLoopGroup(group)
                .workerEventLoopGroup(group)
                .addService(yourService)
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .channelType(AfdChannels.socketChannelClass(group))         // AfdSocketChannel, or NIO's
                .eventLoopGroup(group)
                .usePlaintext()
                .build();
        // end
        return new Grpc(server, channel);
    }
}
