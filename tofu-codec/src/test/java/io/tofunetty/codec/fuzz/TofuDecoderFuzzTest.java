package io.tofunetty.codec.fuzz;

import io.netty.buffer.ByteBuf;
import io.tofunetty.codec.TextHeaders;
import io.tofunetty.codec.TofuHeaderCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A seeded, structure-aware fuzzer for {@code TofuFrameDecoder} and the {@code TextHeaders} parser (issue 10).
 *
 * <p>Each input is a stream of valid frames, usually mutated (bit flips, truncation, lying length fields, proto and
 * status garbage, id 0, inserted/deleted/duplicated bytes, random bytes), fed twice in different random chunkings,
 * buffer kinds and cumulators, sometimes under lower limits. Both runs must match {@link WireModel}: the same
 * frames, then the expected ending (clean, a {@code TofuProtocolException} naming the field, or "frame" at end of
 * input), no other exception type, and no leak (the testkit's leak check runs after each test at PARANOID).
 *
 * <p>Budget and replay (system properties, also from the Maven command line):
 * <ul>
 *   <li>{@code fuzz.seconds} (default 20): wall time for the whole class, 70 % decoder, 30 % headers;</li>
 *   <li>{@code fuzz.seed} (default fixed): input {@code i} uses seed {@code fuzz.seed + i};</li>
 *   <li>{@code fuzz.iterations}: stop after this many inputs (with {@code fuzz.seed}, replays one failure).</li>
 * </ul>
 * Long run: {@code mvn -B -pl tofu-codec test -Dtest=TofuDecoderFuzzTest -Dfuzz.seconds=600}.
 */
// The test bounds itself (its budget, and a preemptive limit for hangs); the suite's 5-minute default would cut a
// long run short.
@Timeout(value = 24, unit = TimeUnit.HOURS)
class TofuDecoderFuzzTest {
    private static final long DEFAULT_SEED = 0x7F0F_0A5E_2026_1124L;
    private static final double SECONDS = Double.parseDouble(System.getProperty("fuzz.seconds", "20"));
    private static final long SEED = Long.decode(System.getProperty("fuzz.seed", Long.toString(DEFAULT_SEED)));
    private static final long ITERATIONS = Long.parseLong(System.getProperty("fuzz.iterations",
            Long.toString(Long.MAX_VALUE)));

    @Test
    void decoderYieldsFramesOrItsProtocolErrorWhateverTheChunking() {
        Stats stats = new Stats("decoder");
        runFor(0.7, stats, seed -> {
            FrameGenerator gen = new FrameGenerator(seed);
            SplittableRandom rnd = gen.random();
            List<int[]> frames = new ArrayList<>();
            byte[] valid = gen.validStream(frames);
            List<FrameGenerator.Mutation> applied = new ArrayList<>();
            byte[] input = gen.mutate(valid, frames, applied);
            int maxHeaders = TofuHeaderCodec.MAX_LENGTH;
            int maxBody = TofuHeaderCodec.MAX_LENGTH;
            if (rnd.nextInt(6) == 0) {
                maxHeaders = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(600);
                maxBody = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(800);
            }
            WireModel.Outcome expected = WireModel.decode(input, maxHeaders, maxBody);
            // A valid prefix decodes identically whatever the chunking: two feeds, both against the model.
            for (int run = 0; run < 2; run++) {
                DecoderHarness.Feed feed = DecoderHarness.Feed.random(gen.chunking(input.length, frames),
                        maxHeaders, maxBody, rnd);
                List<String> problems = DecoderHarness.run(input, feed, expected, gen);
                if (!problems.isEmpty()) {
                    throw new AssertionError("input seed " + seed + " (" + input.length + " bytes, mutations "
                            + applied + ", " + feed + "):\n  " + String.join("\n  ", problems)
                            + "\n  input: " + HeaderChecks.show(input)
                            + "\n  replay: -Dfuzz.seed=" + seed + " -Dfuzz.iterations=1");
                }
                stats.runs++;
            }
            stats.bytes += input.length;
            stats.frames += expected.frames().size();
            stats.endings.merge(expected.ending().isClean() ? "clean" : expected.ending().field(), 1, Integer::sum);
            for (FrameGenerator.Mutation m : applied) {
                stats.mutations.merge(m, 1, Integer::sum);
            }
        });
        assertThat(stats.inputs).as("inputs fuzzed").isGreaterThan(0);
        if (stats.inputs >= 500) {
            // Inputs come from fixed seeds, so the first 500 always reach every kind of ending; a replay of a few
            // inputs (or a machine so loaded that fewer ran) need not.
            assertThat(stats.endings).as("endings reached")
                    .containsKeys("clean", "frame", "opcode", "more", "messageId", "thl", "bl");
        }
    }

    @Test
    void textHeaderParserMatchesTofusIterator() {
        Stats stats = new Stats("text headers");
        runFor(0.3, stats, seed -> {
            FrameGenerator gen = new FrameGenerator(seed);
            SplittableRandom rnd = gen.random();
            byte[] wire = switch (rnd.nextInt(4)) {
                case 0 -> gen.randomBytes(rnd.nextInt(64));
                case 1 -> {
                    byte[] b = gen.headerBytes();
                    for (int k = rnd.nextInt(4); k > 0 && b.length > 0; k--) {
                        b[rnd.nextInt(b.length)] = (byte) "\r\n: \t\u0000x".charAt(rnd.nextInt(7));
                    }
                    yield b;
                }
                default -> gen.headerBytes();
            };
            List<String> problems = new ArrayList<>();
            // Parsed from a copy, and as a view over buffers of every kind at an offset: same entries, indexes kept.
            HeaderChecks.check(TextHeaders.parse(wire), wire, gen, problems);
            ByteBuf buf = HeaderChecks.wrapRandomly(wire, rnd);
            try {
                int r = buf.readerIndex();
                int w = buf.writerIndex();
                HeaderChecks.check(TextHeaders.wrap(buf), wire, gen, problems);
                if (buf.readerIndex() != r || buf.writerIndex() != w) {
                    problems.add("wrap moved the buffer's indexes");
                }
            } finally {
                buf.release();
            }
            // Local headers built entry by entry stay consistent with their wire form.
            TextHeaders local = new TextHeaders();
            List<String[]> entries = new ArrayList<>();
            for (int k = rnd.nextInt(6); k > 0; k--) {
                String name = gen.headerString();
                String value = gen.headerString();
                HeaderChecks.checkAdd(local, entries, name, value, problems);
                String[] added = WireModel.expectedAdd(name, value);
                if (added != null) {
                    entries.add(added);
                }
            }
            if (!problems.isEmpty()) {
                throw new AssertionError("input seed " + seed + ":\n  " + String.join("\n  ", problems)
                        + "\n  header bytes: " + HeaderChecks.show(wire)
                        + "\n  replay: -Dfuzz.seed=" + seed + " -Dfuzz.iterations=1");
            }
            stats.runs += 3;
            stats.bytes += wire.length;
        });
        assertThat(stats.inputs).as("inputs fuzzed").isGreaterThan(0);
    }

    /** Calls {@code body} with seeds SEED, SEED+1, ... until this test's share of the budget is spent. */
    private static void runFor(double share, Stats stats, SeededBody body) {
        long budgetNanos = (long) (SECONDS * share * 1e9);
        long start = System.nanoTime();
        Executable loop = () -> {
            for (long i = 0; i < ITERATIONS; i++) {
                if (i > 0 && System.nanoTime() - start >= budgetNanos) {
                    break;
                }
                stats.current = SEED + i;
                body.run(SEED + i);
                stats.inputs++;
            }
        };
        // A decoder that loops forever is a finding too: fail with the seed that hung.
        Duration limit = Duration.ofNanos(budgetNanos).plusSeconds(120);
        try {
            assertTimeoutPreemptively(limit, loop, () -> "input seed " + stats.current + " did not finish within "
                    + limit + " (a hang); replay: -Dfuzz.seed=" + stats.current + " -Dfuzz.iterations=1");
        } finally {
            System.out.println(stats.report(System.nanoTime() - start));
        }
    }

    private interface SeededBody {
        void run(long seed);
    }

    private static final class Stats {
        final String name;
        volatile long current;
        long inputs;
        long runs;
        long bytes;
        long frames;
        final Map<String, Integer> endings = new TreeMap<>();
        final Map<FrameGenerator.Mutation, Integer> mutations = new EnumMap<>(FrameGenerator.Mutation.class);

        Stats(String name) {
            this.name = name;
        }

        String report(long nanos) {
            return String.format("fuzz %s: %d inputs, %d decoder/parser runs, %d bytes, %d frames, %.1f s, "
                    + "seeds %d..%d, endings %s, mutations %s", name, inputs, runs, bytes, frames, nanos / 1e9,
                    SEED, SEED + Math.max(0, inputs - 1), endings, mutations);
        }
    }
}
