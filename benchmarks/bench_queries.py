"""Query latency, cold start and query-process memory on a store that is already built.

The query part of `kg bench run` (kg/bench.py `measure`: the same five question kinds, the same
arguments drawn with the same seed, the same word list), without extracting and building again, so
a change on the query side can be measured in seconds. Peak RSS of the query process is read by a
small launcher process: a child's ru_maxrss as seen by a large parent includes the parent's own
resident memory at fork time (Linux copies the high-water mark across fork/exec), which is why
`kg bench run` reported 0.7 GB for `kg trace` at 10k documents.
Run: python benchmarks/bench_queries.py STORE.sqlite [--queries 200] [--seed 1] [--repeat 1] [--cpu] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.bench import _pct  # noqa: E402
from kg.store import SqliteBackend  # noqa: E402
from queries.backend import QueryError  # noqa: E402
from queries.cites import cites as q_cites  # noqa: E402
from queries.lineage import impact as q_impact, trace as q_trace  # noqa: E402
from queries.registry import unit_tasks as q_tasks  # noqa: E402
from queries.search import search as q_search  # noqa: E402

# kg/bench.py's list, unchanged: the benchmark must not pick easier words
WORDS = ["kế hoạch", "chuyển đổi số", "giao duc", "quyet dinh", "nghị quyết", "đào tạo", "phòng", "thực hiện",
         "ngân sách", "tuyên truyền", "hội nhập", "dữ liệu", "an toàn", "y te", "khoa hoc"]

# Runs one command and prints its wall time and peak RSS (KiB); small itself, so the RSS is the child's.
LAUNCHER = r"""
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
"""


def latencies(db: Path, queries: int, seed: int, clock=time.perf_counter) -> tuple[dict, str]:
    """kg/bench.py's loop: per kind, `queries` questions timed one by one (wall clock, or CPU time
    of this process with `clock=time.process_time`, steadier on a shared machine); returns the
    cold-start key too."""
    rnd = random.Random(seed)
    b = SqliteBackend(db)
    docs = [r["key"] for r in b._all("SELECT key FROM documents WHERE in_corpus = 1")]
    cited = [r["key"] for r in b._all("SELECT key FROM documents WHERE in_corpus = 0")]
    tasks = [r["key"] for r in b._all("SELECT key FROM tasks")]
    unit_names = [r["name"] for r in b._all("SELECT name FROM units")]
    plan = {
        "trace": lambda: q_trace(b, rnd.choice(tasks + docs)),
        "impact": lambda: q_impact(b, rnd.choice(cited or docs)),
        "tasks": lambda: q_tasks(b, rnd.choice(unit_names)),
        "cites": lambda: q_cites(b, rnd.choice(cited or docs)),
        "search": lambda: q_search(b, rnd.choice(WORDS)),
    }
    lat = {}
    for name, fn in plan.items():
        xs = []
        for _ in range(queries):
            t0 = clock()
            try:
                fn()
            except QueryError:
                pass
            xs.append((clock() - t0) * 1000)
        lat[name] = {"p50": _pct(xs, 50), "p95": _pct(xs, 95), "p99": _pct(xs, 99), "max": max(xs)}
    b.close()
    return lat, rnd.choice(tasks or docs)


def cold(db: Path, key: str, runs: int = 3) -> dict:
    """`kg trace KEY --db DB --json` as a whole process: best wall time, peak RSS of the query process."""
    times, rss = [], 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, "-m", "kg", "trace", key,
                              "--db", str(db), "--json"], capture_output=True, text=True, check=True,
                             cwd=Path(__file__).resolve().parent.parent).stdout.split()
        times.append(float(out[0]))
        rss = max(rss, int(out[1]))
        if out[2] not in ("0", "3"):
            raise RuntimeError(f"kg trace {key} exited {out[2]}")
    return {"cold_start_s": min(times), "cold_start_median_s": statistics.median(times), "query_peak_rss_mb": rss / 1024}


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
           **cold(a.db, runs[0][1])}
    if a.json:
        print(json.dumps(res, indent=1))
        return
    for name, v in lat.items():
        print(f"{name:<8} p50 {v['p50']:7.2f} ms  p95 {v['p95']:7.2f} ms  p99 {v['p99']:7.2f} ms  max {v['max']:7.2f} ms")
    print(f"cold start {res['cold_start_s']:.2f} s (median {res['cold_start_median_s']:.2f} s)  "
          f"query peak RSS {res['query_peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
