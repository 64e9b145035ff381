"""The benchmark harness behind `kg bench run`: one run, the same bytes, every figure of the targets.

Extraction throughput next to one compiled regex scanning the same text, ingest rate with one and
with all processes, query latency percentiles over a few hundred varied questions, cold start of a
query command, and peak memory (RSS) of a build and of a query process. Figures are measured, never
asserted: targets live in the closing notes, not in timed tests."""
from __future__ import annotations

import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCAN = re.compile(r"\d{1,5}(?:/\d{4})?[/_-][A-ZĐ][A-Za-zĐđ]*(?:[-/][A-ZĐ][A-Za-zĐđ]*)*")


def _pct(xs: list[float], p: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    k = min(len(xs) - 1, max(0, round(p / 100 * (len(xs) - 1))))
    return xs[k]


def _kg() -> list[str]:
    return [sys.executable, "-m", "kg"]


# Runs one command and prints its wall time, peak RSS (KiB) and exit code. A child's ru_maxrss seen
# from a large parent includes the parent's resident memory at fork time (Linux carries the high-water
# mark across fork and exec), so commands are started from this small process instead.
LAUNCHER = r"""
import os, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
err = p.stderr.read()
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - t0, usage.ru_maxrss, os.waitstatus_to_exitcode(status))
sys.stderr.write(err.decode(errors="replace")[-500:])
"""


def _child_run(args: list[str], env=None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of a command run as a child of the launcher."""
    p = subprocess.run([sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, env=env)
    try:
        dt, rss, code = p.stdout.split()
    except ValueError:
        raise RuntimeError(f"{' '.join(args)} failed: {p.stderr[-500:]}") from None
    if int(code) not in (0, 1, 3):
        raise RuntimeError(f"{' '.join(args)} failed (exit {code}): {p.stderr[-500:]}")
    return float(dt), int(rss)


def corpus_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.txt"))


def regex_scan(files: list[Path]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = 0
    for p in files:
        n += len(SCAN.findall(p.read_text(encoding="utf-8")))
    return time.perf_counter() - t0, n


def measure(folder: Path, workers: int, queries: int = 300, seed: int = 1) -> dict:
    """All figures for one generated corpus folder."""
    from .cli_extract import _extract_one, iter_results

    files = corpus_files(folder)
    size = sum(p.stat().st_size for p in files)
    out: dict = {"documents": len(files), "bytes": size}

    regex_scan(files)  # once to read the files into the page cache: both sides then read warm bytes
    t_regex, _ = regex_scan(files)
    out["regex_mb_s"] = size / 1e6 / t_regex

    t0 = time.perf_counter()
    for _item in iter_results(files, _extract_one, 1):
        pass  # each record is dropped at once: 100,000 records held together would measure the memory
    t_extract = time.perf_counter() - t0
    out["extract_mb_s"] = size / 1e6 / t_extract
    out["extract_docs_s"] = len(files) / t_extract
    out["extract_vs_regex"] = t_regex / t_extract

    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-db-"))
    try:  # the stores of a 100,000-document run take ~16 GB: never left behind
        _ingest_and_query(folder, files, out, t_extract, workers, queries, seed, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _ingest_and_query(folder: Path, files: list[Path], out: dict, t_extract: float, workers: int, queries: int,
                      seed: int, tmp: Path) -> None:
    """Ingest with one and with all processes into stores under `tmp`, then query latency and cold start."""
    env = dict(os.environ)
    builds = {}
    for n in sorted({1, workers}):
        db = tmp / f"w{n}.sqlite"
        env["KG_WORKERS"] = str(n)
        dt, rss = _child_run(_kg() + ["build", str(folder), "--db", str(db)], env=env)
        builds[n] = (dt, rss)
    out["ingest_docs_s_1"] = len(files) / builds[1][0]
    # the store's share of a one-process build: everything `kg build` does besides extraction
    out["store_ms_per_doc"] = (builds[1][0] - t_extract) / len(files) * 1000
    out["ingest_docs_s_all"] = len(files) / builds[workers][0]
    out["ingest_workers"] = workers
    out["ingest_speedup"] = builds[1][0] / builds[workers][0]
    out["build_peak_rss_mb"] = max(r for _, r in builds.values()) / 1024
    db = tmp / f"w{workers}.sqlite"
    out["latency_ms"], key = latencies(db, queries, seed)
    out.update(cold_start(db, key))


# the search words of the latency loop: common and rare, with and without diacritics
WORDS = ["kế hoạch", "chuyển đổi số", "giao duc", "quyet dinh", "nghị quyết", "đào tạo", "phòng", "thực hiện",
         "ngân sách", "tuyên truyền", "hội nhập", "dữ liệu", "an toàn", "y te", "khoa hoc"]


def latencies(db: Path, queries: int, seed: int, clock=time.perf_counter) -> tuple[dict, str]:
    """Per question kind, `queries` questions over arguments drawn from the store itself, timed one
    by one in this process (wall clock, or `time.process_time`, steadier on a shared machine);
    returns the percentiles and a key for the cold start."""
    from kg.store import SqliteBackend
    from queries.backend import QueryError
    from queries.cites import cites as q_cites
    from queries.lineage import impact as q_impact, trace as q_trace
    from queries.registry import unit_tasks as q_tasks
    from queries.search import search as q_search

    rnd = random.Random(seed)
    b = SqliteBackend(db)
    docs = [r["key"] for r in b._all("SELECT key FROM documents WHERE in_corpus = 1")]
    cited = [r["key"] for r in b._all("SELECT key FROM documents WHERE in_corpus = 0")]
    tasks = [r["key"] for r in b._all("SELECT key FROM tasks")]
    unit_names = [r["name"] for r in b._all("SELECT name FROM units")]
    traced = tasks + docs  # built once: a copy of 750,000 keys per question would be timed with it
    plan = {
        "trace": lambda: q_trace(b, rnd.choice(traced)),
        "impact": lambda: q_impact(b, rnd.choice(cited or docs)),
        "tasks": lambda: q_tasks(b, rnd.choice(unit_names)),
        "cites": lambda: q_cites(b, rnd.choice(cited or docs)),
        "search": lambda: q_search(b, rnd.choice(WORDS)),
    }
    lat = {}
    try:
        for name, fn in plan.items():
            xs = []
            for _ in range(queries):
                t0 = clock()
                try:
                    fn()
                except QueryError:  # a not-found key still costs a lookup: time it all the same
                    pass
                xs.append((clock() - t0) * 1000)
            lat[name] = {"p50": _pct(xs, 50), "p95": _pct(xs, 95), "p99": _pct(xs, 99), "max": max(xs)}
    finally:
        b.close()
    return lat, rnd.choice(tasks or docs)


def cold_start(db: Path, key: str, runs: int = 3) -> dict:
    """`kg trace KEY --db DB --json` as a whole process: best and median wall time, peak RSS."""
    times, rss = [], 0
    for _ in range(runs):
        dt, r = _child_run(_kg() + ["trace", key, "--db", str(db), "--json"])
        times.append(dt)
        rss = max(rss, r)
    return {"cold_start_s": min(times), "cold_start_median_s": statistics.median(times), "query_peak_rss_mb": rss / 1024}


def run(sizes: list[int], seed: int, workers: int, queries: int, keep: Path | None = None, progress=print) -> dict:
    from .generate import generate

    base = keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    res = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
           "seed": seed, "runs": []}
    for n in sizes:
        folder = base / f"docs-{n}"
        if not folder.exists() or len(corpus_files(folder)) != n:
            progress(f"generating {n} documents in {folder} ...")
            generate(folder, n, seed)
        progress(f"measuring {n} documents ...")
        t0 = time.perf_counter()
        r = measure(folder, workers, queries, seed)
        r["seconds"] = time.perf_counter() - t0
        res["runs"].append(r)
    if len(res["runs"]) >= 2:
        a, z = res["runs"][0], res["runs"][-1]
        res["growth"] = {
            "documents": z["documents"] / a["documents"],
            "time": (z["documents"] / z["ingest_docs_s_1"]) / (a["documents"] / a["ingest_docs_s_1"]),
            "memory": z["build_peak_rss_mb"] / a["build_peak_rss_mb"],
        }
    return res


def table(res: dict) -> str:
    lines = [f"machine: {res['machine']}"]
    for r in res["runs"]:
        lines.append(f"\n{r['documents']} documents, {r['bytes'] / 1e6:.1f} MB")
        lines.append(f"  extraction   {r['extract_mb_s']:8.2f} MB/s  {r['extract_docs_s']:8.1f} docs/s  "
                     f"(regex scan {r['regex_mb_s']:.1f} MB/s; ratio {r['extract_vs_regex']:.3f}, target >= 0.3)")
        lines.append(f"  ingest       {r['ingest_docs_s_1']:8.1f} docs/s with 1 process, {r['ingest_docs_s_all']:.1f} with "
                     f"{r['ingest_workers']} (x{r['ingest_speedup']:.2f}; targets >= 200 docs/s, x1.7); "
                     f"store side {r['store_ms_per_doc']:.2f} ms/doc")
        for name, v in r["latency_ms"].items():
            lines.append(f"  {name:<12} p50 {v['p50']:7.2f} ms  p95 {v['p95']:7.2f} ms  p99 {v['p99']:7.2f} ms")
        lines.append(f"  cold start   {r['cold_start_s']:.2f} s (target <= 1 s)   peak RSS: build {r['build_peak_rss_mb']:.0f} MB, "
                     f"query {r['query_peak_rss_mb']:.0f} MB")
    if "growth" in res:
        g = res["growth"]
        lines.append(f"\ngrowth x{g['documents']:.0f} documents: time x{g['time']:.1f}, memory x{g['memory']:.1f} (target <= 11)")
    return "\n".join(lines)


def to_json(res: dict) -> str:
    return json.dumps(res, ensure_ascii=False, indent=1, sort_keys=True)
