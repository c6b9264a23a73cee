package io.tofunetty.integration.frameworks;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.tofunetty.afd.AfdChannels;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * gRPC-java (grpc-netty) with the recipe of docs/usage.md ({@link FrameworkSnippets#grpc}): 1,000 unary calls and a
 * server stream of 10,000 messages, every payload checked. Subclasses say where they run.
 */
abstract class GrpcScenarios extends FrameworkScenarios {
    static final int CALLS = 1_000;
    static final int LANES = 8;
    static final int STREAMED = 10_000;
    static final int UNARY_LENGTH = 16 * 1024;
    static final int STREAM_MESSAGE_LENGTH = 256;

    static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<byte[], byte[]> UNARY = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("tofu.Exchange/Unary")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
    static final MethodDescriptor<byte[], byte[]> STREAM = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING).setFullMethodName("tofu.Exchange/Stream")
            .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();

    GrpcScenarios(AdapterRuns runs) {
        super(runs);
    }

    EventLoopGroup group(Stack stack) {
        return stack == Stack.ADAPTER
                ? FrameworkSnippets.grpcGroup()
                : new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    }

    /** A unary request: 4 bytes of seed, then the seed's payload; the answer is the seed's response payload. */
    static ServerServiceDefinition service() {
        return ServerServiceDefinition.builder("tofu.Exchange")
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    int seed = ByteBuffer.wrap(request).getInt();
                    byte[] body = Arrays.copyOfRange(request, 4, request.length);
                    if (Payloads.matches(body, Payloads.REQUEST, seed, UNARY_LENGTH)) {
                        response.onNext(Payloads.bytes(Payloads.RESPONSE, seed, UNARY_LENGTH));
                        response.onCompleted();
                    } else {
                        response.onError(Status.INVALID_ARGUMENT
                                .withDescription("request " + seed + " corrupted").asRuntimeException());
                    }
                }))
                .addMethod(STREAM, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    int count = ByteBuffer.wrap(request).getInt();
                    for (int i = 0; i < count; i++) {
                        response.onNext(streamed(i));
                    }
                    response.onCompleted();
                }))
                .build();
    }

    static byte[] streamed(int index) {
        return ByteBuffer.allocate(4 + STREAM_MESSAGE_LENGTH).putInt(index)
                .put(Payloads.bytes(Payloads.RESPONSE, index, STREAM_MESSAGE_LENGTH)).array();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void aThousandUnaryCallsAndAStreamOfTenThousandMessagesArriveIntact(Stack stack) throws Exception {
        int mark = Logs.mark();
        long start = System.nanoTime();
        EventLoopGroup group = group(stack);
        FrameworkSnippets.Grpc grpc = null;
        Lanes.Result unary;
        int streamed = 0;
        try {
            grpc = FrameworkSnippets.grpc(group, service(), 0);
            assertThat(AfdChannels.serverSocketChannelClass(group).getPackageName())
                    .isEqualTo(runs.channelPackage(stack));
            io.grpc.ManagedChannel channel = grpc.channel();
            unary = Lanes.run(CALLS, LANES, seed -> {
                byte[] request = ByteBuffer.allocate(4 + UNARY_LENGTH).putInt(seed)
                        .put(Payloads.bytes(Payloads.REQUEST, seed, UNARY_LENGTH)).array();
                CompletableFuture<String> answer = new CompletableFuture<>();
                com.google.common.util.concurrent.ListenableFuture<byte[]> call =
                        ClientCalls.futureUnaryCall(channel.newCall(UNARY, CallOptions.DEFAULT), request);
                call.addListener(() -> {
                    try {
                        byte[] response = call.get();
                        answer.complete(Payloads.matches(response, Payloads.RESPONSE, seed, UNARY_LENGTH)
                                ? null : "response " + seed + " corrupted (" + response.length + " bytes)");
                    } catch (Exception e) {
                        answer.complete("call " + seed + " failed: " + e);
                    }
                }, Runnable::run);
                return answer;
            });
            long unaryMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Iterator<byte[]> stream = ClientCalls.blockingServerStreamingCall(channel, STREAM,
                    CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.MINUTES),
                    ByteBuffer.allocate(4).putInt(STREAMED).array());
            while (stream.hasNext()) {
                byte[] message = stream.next();
                assertThat(message).as("streamed message %d", streamed).isEqualTo(streamed(streamed));
                streamed++;
            }
            System.out.printf("grpc %s: %d unary calls in %d ms, %d streamed messages in %d ms%n", stack,
                    unary.completed, unaryMs, streamed,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) - unaryMs);
        } finally {
            if (grpc != null) {
                grpc.channel().shutdown();
                grpc.server().shutdown();
                assertThat(grpc.channel().awaitTermination(1, TimeUnit.MINUTES)).isTrue();
                assertThat(grpc.server().awaitTermination(1, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(group.shutdownGracefully().await(60, TimeUnit.SECONDS)).isTrue();   // 2 s quiet, 15 s at most
        }
        assertThat(unary.failures).isEmpty();
        assertThat(unary.completed).isEqualTo(CALLS);
        assertThat(streamed).isEqualTo(STREAMED);
        assertThat(Logs.warningsSince(mark)).as("warnings logged during the run and the disposal").isEmpty();
    }
}
