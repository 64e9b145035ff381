"""Where a build's time goes: `kg build` (2 processes by default) with timers around the store's steps.

Run: python benchmarks/bench_build_phases.py DIR STORE.sqlite [--workers N]
Prints seconds for same-document linking, writing rows and the search index, the whole rebuild
(rows plus derived indexes), the whole write (rebuild plus commit) and extraction (total minus write).
"""
from __future__ import annotations

import argparse
import functools
import time

import kg.search_index as search_index
import kg.store as store
from kg.cli_extract import DigestStream


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("db")
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    spent: dict[str, float] = {}

    def timed(owner, name: str, label: str) -> None:
        f = getattr(owner, name)

        @functools.wraps(f)
        def wrapper(*args, **kw):
            t = time.perf_counter()
            try:
                return f(*args, **kw)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - t
        setattr(owner, name, wrapper)

    timed(store.Store, "_write", "write (all)")
    timed(store.Store, "_rebuild", "rebuild")
    timed(store, "_link", "same-document links")
    timed(search_index, "write", "rows + search index")
    t0 = time.perf_counter()
    with store.Store(a.db) as st:
        st.ingest_digests(DigestStream([a.dir], workers=a.workers), link=True)
    spent["total"] = time.perf_counter() - t0
    spent["extraction (total - write)"] = spent["total"] - spent.get("write (all)", 0.0)
    for k, v in spent.items():
        print(f"{k:28s} {v:8.1f} s")


if __name__ == "__main__":
    main()
