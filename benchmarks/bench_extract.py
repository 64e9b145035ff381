"""Extraction throughput against one compiled regex scanning the same bytes, both as whole processes.

Builds a corpus of at least --mb megabytes by repeating the seeds and the real development documents
(each copy under its own name), then times `kg extract DIR --json > /dev/null` and `python3` running one
`re.findall` of a citation-like pattern over the same files, start-up included.
Run: python benchmarks/bench_extract.py [--mb 20] [--workers N]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "corpus", ROOT.parent / "shared" / "corpus-dev"]
SCAN = r"""
import re, sys, pathlib
pat = re.compile(r"\d{1,5}(?:/\d{4})?[/_-][A-ZĐ][A-Za-zĐđ]*(?:[-/][A-ZĐ][A-Za-zĐđ]*)*")
n = 0
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")):
    n += len(pat.findall(p.read_text(encoding="utf-8")))
print(n)
"""


def build_corpus(dest: Path, mb: float) -> tuple[int, int]:
    files = [p for src in SOURCES if src.exists() for p in sorted(src.glob("*.txt"))]
    total, count, i = 0, 0, 0
    while total < mb * 1_000_000:
        for p in files:
            data = p.read_bytes()
            (dest / f"{i:04d}_{p.name}").write_bytes(data)
            total += len(data)
            count += 1
        i += 1
    return total, count


def timed(cmd: list[str], env=None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=0, help="kg extract --workers (0: its default)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    try:
        size, count = build_corpus(tmp, args.mb)
        kg = shutil.which("kg") or str(Path(sys.executable).with_name("kg"))
        cmd = [kg, "extract", str(tmp), "--json"] + (["--workers", str(args.workers)] if args.workers else [])
        t_regex = min(timed([sys.executable, "-c", SCAN, str(tmp)]) for _ in range(2))
        t_kg = timed(cmd)
        res = {
            "corpus_bytes": size, "documents": count,
            "regex_seconds": round(t_regex, 3), "regex_mb_s": round(size / 1e6 / t_regex, 2),
            "extract_seconds": round(t_kg, 3), "extract_mb_s": round(size / 1e6 / t_kg, 2),
            "extract_docs_s": round(count / t_kg, 1), "ratio": round(t_regex / t_kg, 3),
            "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        }
        if args.json:
            print(json.dumps(res, indent=1))
        else:
            print(f"corpus: {size / 1e6:.1f} MB, {count} documents ({res['machine']})")
            print(f"regex scan:  {res['regex_seconds']:7.2f} s  {res['regex_mb_s']:7.2f} MB/s")
            print(f"kg extract:  {res['extract_seconds']:7.2f} s  {res['extract_mb_s']:7.2f} MB/s  {res['extract_docs_s']} docs/s")
            print(f"ratio extract/regex: {res['ratio']:.3f} (target >= 0.3)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
