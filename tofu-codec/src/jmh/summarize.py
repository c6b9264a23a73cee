#!/usr/bin/env python3
"""Summarizes tofu-codec's JMH JSON (default: tofu-codec/target/jmh-result.json) as a Markdown table.

For each benchmark and body size: the wall-clock score, the one-core rate (ops / CPU-seconds of the benchmark
thread, from the cpuNanos and ops counters; the median over the measured iterations, because on a shared machine
an iteration can still run before the JIT has finished), the bandwidth that rate means for a frame of
23 + bodySize bytes, and that bandwidth as a share of the plain copy of the same bytes.
"""
import json
import statistics
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "tofu-codec/target/jmh-result.json"
rows = {}
for b in json.load(open(path)):
    name = b["benchmark"].rsplit(".", 1)[1]
    size = int(b["params"]["bodySize"])
    sec = b["secondaryMetrics"]
    ops = [v for fork in sec["ops"]["rawData"] for v in fork]
    cpu = [v for fork in sec["cpuNanos"]["rawData"] for v in fork]
    rates = [o / c * 1e9 for o, c in zip(ops, cpu) if c > 0]
    rows[(name, size)] = (b["primaryMetric"]["score"], statistics.median(rates), min(rates), max(rates))

print("| benchmark | body | frame bytes | wall ops/s | ops per CPU-s (one core, median) | min-max over iterations "
      "| MB/s at the median | vs copy |")
print("|---|---|---|---|---|---|---|---|")
for size in sorted({s for (_, s) in rows}):
    frame = 23 + size
    copy_rate = rows.get(("copy", size), (0, 0, 0, 0))[1]
    for name in ("copy", "encode", "decode", "encodeDecode"):
        if (name, size) not in rows:
            continue
        wall, rate, low, high = rows[(name, size)]
        share = f"{100 * rate / copy_rate:.0f}%" if copy_rate else "-"
        print(f"| {name} | {size} | {frame} | {wall:,.0f} | {rate:,.0f} | {low / 1e6:.1f}M-{high / 1e6:.1f}M "
              f"| {rate * frame / 1e6:,.0f} | {share} |")
