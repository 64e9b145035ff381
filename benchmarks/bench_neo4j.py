"""Load rate on a Bolt server: UNWIND batches against one statement per row, in the same run.

Generates a synthetic graph in the loader's own row shape (no text extraction): --docs Document
nodes (default 100 000) with realistic small properties, 500 Unit nodes, and about 2.5
relationships per document (BASED_ON and IMPLEMENTS to earlier documents, ISSUED_BY to a unit).
The whole graph is loaded the way `kg push` loads (indexes first, MERGE by stable key, UNWIND
batches, one transaction per batch); then a sample of new rows (--single-rows nodes plus their
relationships) is loaded one statement and one transaction per row into the same, already full
graph, and its rate is what one-per-row would sustain. Rates are nodes + relationships per second.

Without --uri a FalkorDB server is started on free loopback ports (as in the tests) and stopped.
Run: python benchmarks/bench_neo4j.py [--docs 100000] [--batch-size 10000] [--single-rows 2000] [--json]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.neo4j_backend import close_all, connect  # noqa: E402
from kg.neo4j_load import Loader  # noqa: E402

DOC_TYPES = ["Kế hoạch", "Quyết định", "Nghị quyết", "Công văn", "Chỉ thị", "Thông tư"]
CODES = ["KH-UBND", "QĐ-UBND", "NQ-CP", "CV-SGDĐT", "CT-TTg", "TT-BGDĐT"]


def generate(n_docs: int, seed: int = 7, prefix: str = "doc:", n_units: int = 500, unit_nodes: bool = True):
    """(nodes, relationships) as loader rows."""
    rnd = random.Random(seed)
    nodes, rels = [], []
    if unit_nodes:
        for u in range(n_units):
            name = f"Phòng nghiệp vụ số {u}"
            nodes.append({"label": "Unit", "id": f"unit:{u}", "props": {"name": name, "parent_id": None,
                                                                        "aliases": [name], "folded": [name.lower()]}})
    for i in range(n_docs):
        t = rnd.randrange(len(DOC_TYPES))
        year = 2015 + rnd.randrange(11)
        key = f"{i}/{CODES[t]}"
        nodes.append({"label": "Document", "id": f"{prefix}{i}", "props": {
            "key": key, "number": key, "ident": key, "doc_type": DOC_TYPES[t],
            "title": f"{DOC_TYPES[t]} triển khai nhiệm vụ chuyển đổi số năm {year} số {i}", "issuer": f"Ủy ban {i % 63}",
            "issued_date": f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", "year": str(year), "in_corpus": int(i % 3 == 0),
            "ambiguous": 0}})
        evidence = {"implied": 0, "via": None, "file": f"{i:06d}.txt", "start": 100 + i % 500, "end": 160 + i % 500,
                    "sentence": f"Căn cứ văn bản số {key} năm {year};"}
        if i:
            for rel, j in (("BASED_ON", rnd.randrange(i)), ("IMPLEMENTS", rnd.randrange(i) if i % 2 else None)):
                if j is None:
                    continue
                src, dst = f"{prefix}{i}", f"{prefix}{j}"
                rels.append({"type": rel, "src": src, "dst": dst,
                             "key": hashlib.sha1(f"{src}>{dst}>{rel}".encode()).hexdigest(),
                             "props": {"eid": len(rels) + 1, **evidence}})
        src, dst = f"{prefix}{i}", f"unit:{i % n_units}"
        rels.append({"type": "ISSUED_BY", "src": src, "dst": dst,
                     "key": hashlib.sha1(f"{src}>{dst}>ISSUED_BY".encode()).hexdigest(),
                     "props": {"eid": len(rels) + 1, **evidence}})
    return nodes, rels


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=10_000)
    ap.add_argument("--single-rows", type=int, default=2_000, help="documents loaded one statement per row")
    ap.add_argument("--uri")
    ap.add_argument("--user", default="neo4j")
    ap.add_argument("--password-env")
    ap.add_argument("--database")
    ap.add_argument("--min-ratio", type=float, default=10.0, help="exit 1 when batched/per-row is below this")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)

    server = None
    if a.uri:
        uri, user, password = a.uri, a.user, os.environ.get(a.password_env, "") if a.password_env else ""
    else:
        from kg.neo4j_testserver import FalkorServer
        server = FalkorServer().start()
        uri, user, password = server.uri, server.user, ""
    try:
        driver = connect(uri, user, password)
        t0 = time.perf_counter()
        nodes, rels = generate(a.docs)
        gen_s = time.perf_counter() - t0

        batched = Loader(driver, a.database, a.batch_size)
        batched.create_schema()
        t0 = time.perf_counter()
        batched.write_nodes(nodes)
        t_nodes = time.perf_counter() - t0
        batched.write_rels(rels)
        b_s = time.perf_counter() - t0
        b_rows = len(nodes) + len(rels)

        s_nodes, s_rels = generate(a.single_rows, seed=11, prefix="doc:single-", unit_nodes=False)
        single = Loader(driver, a.database, 1)
        t0 = time.perf_counter()
        single.write_nodes_single(s_nodes)
        single.write_rels_single(s_rels)
        s_s = time.perf_counter() - t0
        s_rows = len(s_nodes) + len(s_rels)

        b_rate, s_rate = b_rows / b_s, s_rows / s_s
        out = {
            "server": batched.flavor, "uri": uri, "docs": a.docs, "generate_seconds": round(gen_s, 2),
            "batched": {"nodes": len(nodes), "relationships": len(rels), "rows": b_rows, "batch_size": a.batch_size,
                        "batches": batched.summary.batches, "node_seconds": round(t_nodes, 2),
                        "seconds": round(b_s, 2), "rate": round(b_rate, 1),
                        "skipped_relationships": batched.summary.skipped_relationships},
            "one_per_row": {"nodes": len(s_nodes), "relationships": len(s_rels), "rows": s_rows,
                            "seconds": round(s_s, 2), "rate": round(s_rate, 1)},
            "ratio": round(b_rate / s_rate, 1),
            "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
        }
    finally:
        close_all()
        if server:
            server.stop()
    if a.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        b, s = out["batched"], out["one_per_row"]
        print(f"server: {out['server']} ({uri}); generated {a.docs:,} documents in {out['generate_seconds']} s")
        print(f"batched (UNWIND {a.batch_size:,}/batch): {b['nodes']:,} nodes + {b['relationships']:,} rels "
              f"= {b['rows']:,} in {b['seconds']} s -> {b['rate']:,.0f} nodes+rels/s")
        print(f"one statement per row: {s['nodes']:,} nodes + {s['relationships']:,} rels = {s['rows']:,} "
              f"in {s['seconds']} s -> {s['rate']:,.0f} nodes+rels/s")
        print(f"batched / per-row: {out['ratio']}x")
    return 0 if out["ratio"] >= a.min_ratio and out["batched"]["skipped_relationships"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
