package io.tofunetty.codec.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.tofunetty.codec.OpCode;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuFrameDecoder;
import io.tofunetty.codec.TofuFrameEncoder;
import io.tofunetty.codec.TofuMessage;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Encode and decode of tofu frames through real Netty pipelines (one thread, no sockets), against a plain copy of
 * the same number of bytes. The benchmark thread is a Netty {@code FastThreadLocalThread}, as an event loop's is
 * ({@link EventLoopLikeExecutor}); buffers come from Netty's default allocator (adaptive in 4.2); leak detection
 * is off.
 *
 * <ul>
 *   <li>{@code copy}: allocate a pooled direct buffer of the frame's size and copy the frame into it (what a
 *       transport does once per received byte: the bandwidth limit).</li>
 *   <li>{@code encode}: build a message (body shared, not copied), write it through {@link TofuFrameEncoder}.</li>
 *   <li>{@code decode}: fire one read buffer holding one frame through {@link TofuFrameDecoder} to a handler that
 *       releases the message.</li>
 *   <li>{@code encodeDecode}: encode, gather the encoder's output into a fresh read buffer (the one copy a socket
 *       makes), decode. One op = one frame end to end.</li>
 * </ul>
 * Besides the usual wall-clock score, each benchmark reports {@code ops} and {@code cpuNanos}: operations done and
 * CPU time used by the benchmark thread; ops / cpuNanos is the "on one core" rate. On a shared, oversubscribed machine the wall-clock score
 * mostly measures how often the thread got a core; the CPU-time rate does not.
 *
 * <p>The frame has one text header ({@code seq:1}, 7 bytes) and a body of {@code bodySize} bytes, so it is
 * {@code 23 + bodySize} bytes long.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// For the shared, oversubscribed 2-core host: ParallelGC, because under G1 the benchmark thread burned ~1 us per
// allocation (10x run-to-run variance), and -Xbatch, because the starved JIT threads otherwise finished compiling
// the larger benchmarks only during measurement. With both, the numbers match a plain timing loop.
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "-Xbatch",
        "-Dio.netty.leakDetection.level=disabled",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=io.tofunetty.codec.jmh.EventLoopLikeExecutor"})
public class TofuCodecBenchmark {

    /** 65535 is the largest body tofu allows ("64 KiB"). */
    @Param({"64", "1024", "65535"})
    public int bodySize;

    private ByteBufAllocator alloc;
    private EmbeddedChannel encoderChannel;
    private EmbeddedChannel decoderChannel;
    private final List<ByteBuf> written = new ArrayList<>();
    private ByteBuf payload;
    private ByteBuf frame;
    private TextHeaders headers;
    private int frameLength;
    private long decoded;

    /** Takes what the encoder writes, as a transport's outbound buffer would. */
    private final class Capture extends ChannelOutboundHandlerAdapter {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written.add((ByteBuf) msg);
        }
    }

    /** The application: counts and releases each decoded message. */
    private final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            decoded += ((TofuMessage) msg).body().readableBytes() + 1;
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Operations and CPU time of the benchmark thread per measured iteration; ops / cpuNanos is the one-core rate.
     * (JMH reports both as events; their ratio is the same whether it sums or averages them.)
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuClock {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        public long ops;
        public long cpuNanos;
        private long cpuStart;

        @Setup(Level.Iteration)
        public void start() {
            ops = 0;
            cpuNanos = 0;
            cpuStart = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuStart;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        encoderChannel = new EmbeddedChannel(new Capture(), new TofuFrameEncoder());
        decoderChannel = new EmbeddedChannel(new TofuFrameDecoder(), new Sink());
        alloc = decoderChannel.alloc();
        payload = alloc.directBuffer(bodySize);
        for (int i = 0; i < bodySize; i++) {
            payload.writeByte(i * 31);
        }
        headers = new TextHeaders().add("seq", "1");
        encodeOne();
        frameLength = 0;
        for (ByteBuf b : written) {
            frameLength += b.readableBytes();
        }
        if (frameLength != 16 + 7 + bodySize) {
            throw new IllegalStateException("the encoder wrote " + frameLength + " bytes for a body of " + bodySize);
        }
        frame = alloc.directBuffer(frameLength);
        for (ByteBuf b : written) {
            frame.writeBytes(b);
            b.release();
        }
        written.clear();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        payload.release();
        frame.release();
        encoderChannel.finishAndReleaseAll();
        decoderChannel.finishAndReleaseAll();
    }

    private void encodeOne() {
        TofuMessage msg = TofuMessage.create(OpCode.REQUEST, headers, payload.retainedDuplicate())
                .channelNumber(30590).messageId(1001);
        encoderChannel.write(msg, encoderChannel.voidPromise());
    }

    @Benchmark
    public int copy(CpuClock clock) {
        clock.ops++;
        ByteBuf in = alloc.directBuffer(frameLength);
        in.writeBytes(frame, frame.readerIndex(), frameLength);
        int w = in.writerIndex();
        in.release();
        return w;
    }

    @Benchmark
    public int encode(CpuClock clock) {
        clock.ops++;
        encodeOne();
        int n = 0;
        for (int i = 0; i < written.size(); i++) {
            ByteBuf b = written.get(i);
            n += b.readableBytes();
            b.release();
        }
        written.clear();
        return n;
    }

    @Benchmark
    public long decode(CpuClock clock) {
        clock.ops++;
        decoderChannel.pipeline().fireChannelRead(frame.retainedDuplicate());
        return decoded;
    }

    @Benchmark
    public long encodeDecode(CpuClock clock) {
        clock.ops++;
        encodeOne();
        ByteBuf in = alloc.directBuffer(frameLength);
        for (int i = 0; i < written.size(); i++) {
            ByteBuf b = written.get(i);
            in.writeBytes(b);
            b.release();
        }
        written.clear();
        decoderChannel.pipeline().fireChannelRead(in);
        return decoded;
    }
}
