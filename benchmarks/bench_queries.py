"""Query latency, cold start and query-process memory on a store that is already built.

The query part of `kg bench run` (kg/bench.py `measure`: the same five question kinds, the same
arguments drawn with the same seed, the same word list), without extracting and building again, so
a change on the query side can be measured in seconds. Peak RSS of the query process is read by a
small launcher process (kg/bench.py `LAUNCHER`): a child's ru_maxrss as seen by a large parent
includes the parent's own resident memory at fork time.
Run: python benchmarks/bench_queries.py STORE.sqlite [--queries 200] [--seed 1] [--repeat 1] [--cpu] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.bench import cold_start, latencies  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs of the whole loop; the median of each figure is shown")
    ap.add_argument("--cpu", action="store_true", help="time each question in CPU seconds of this process")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    clock = time.process_time if a.cpu else time.perf_counter
    runs = [latencies(a.db, a.queries, a.seed, clock) for _ in range(a.repeat)]
    lat = {k: {p: statistics.median(r[0][k][p] for r in runs) for p in runs[0][0][k]} for k in runs[0][0]}
    res = {"store": str(a.db), "queries": a.queries, "seed": a.seed, "repeat": a.repeat, "cpu": a.cpu, "latency_ms": lat,
           **cold_start(a.db, runs[0][1])}
    if a.json:
        print(json.dumps(res, indent=1))
        return
    for name, v in lat.items():
        print(f"{name:<8} p50 {v['p50']:7.2f} ms  p95 {v['p95']:7.2f} ms  p99 {v['p99']:7.2f} ms  max {v['max']:7.2f} ms")
    print(f"cold start {res['cold_start_s']:.2f} s (median {res['cold_start_median_s']:.2f} s)  "
          f"query peak RSS {res['query_peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
