"""The corpus generator (`kg.generate`): deterministic plans whose gold says what their text states.

1. The same (docs, seed) writes byte-identical files; another seed writes other files.
2. Every gold file carries the fields of the gold schema (../shared/gold/SCHEMA.md).
3. Generated plans cite each other in chains: lineage depth >= 5 in a 300-document corpus, computed
   from the gold alone (implements / based_on edges between generated documents).
4. Extraction scores on a 200-document generated corpus as on the seeds (extract.scoring.score_corpus
   on extract.document.extract_file records), one test per category.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from extract.document import extract_file
from extract.scoring import score_corpus
from kg.generate import generate, lineage_depth
from extract import scoring

TARGETS = scoring.TARGETS
RELATIONS = {"based_on", "implements", "amends", "replaces", "repeals", "cites", "footnote"}
IMPLIED = {"implements", "amends", "replaces", "guides"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _files(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def _golds(d: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((d / "gold").glob("*.json"))]


@pytest.fixture(scope="module")
def corpus300(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("gen300")
    generate(out, 300, seed=11)
    return out


# --- 1. determinism ------------------------------------------------------------------------------

def test_same_docs_and_seed_write_byte_identical_files(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    sa, sb = generate(a, 40, seed=5), generate(b, 40, seed=5)
    fa, fb = _files(a), _files(b)
    assert len(fa) == 80
    assert fa == fb
    assert {k: v for k, v in sa.items() if k != "seconds"} == {k: v for k, v in sb.items() if k != "seconds"}


def test_another_seed_writes_other_documents(tmp_path):
    generate(tmp_path / "a", 10, seed=5)
    generate(tmp_path / "b", 10, seed=6)
    ta = [v for k, v in _files(tmp_path / "a").items() if k.endswith(".txt")]
    tb = [v for k, v in _files(tmp_path / "b").items() if k.endswith(".txt")]
    assert not set(ta) & set(tb)


def test_summary_counts_files_bytes_and_depth(tmp_path):
    s = generate(tmp_path, 12, seed=1)
    texts = list(tmp_path.glob("*.txt"))
    assert s["files"] == 12 == len(texts) == len(list((tmp_path / "gold").glob("*.json")))
    assert s["bytes"] == sum(p.stat().st_size for p in texts)
    assert s["max_depth"] >= 5  # the first seven documents always form one chain
    assert 5_000 <= s["bytes"] / s["files"] <= 20_000


# --- 2. the gold schema ---------------------------------------------------------------------------

def test_gold_files_carry_the_schema_fields(corpus300):
    for g in _golds(corpus300):
        assert (corpus300 / g["file"]).exists()
        for k in ("document", "references", "implied_relations", "footnotes", "tasks", "responsibilities", "units"):
            assert k in g, (g["file"], k)
        d = g["document"]
        for k in ("doc_type", "number", "issued_date", "issuer", "signer", "signer_title", "title", "same_as"):
            assert k in d, (g["file"], k)
        assert d["doc_type"] == "Kế hoạch" and ISO.match(d["issued_date"]) and d["title"]
        keys = set()
        for r in g["references"]:
            assert set(r) >= {"key", "doc_type", "date", "issuer", "relations", "mentions"}, r
            assert r["key"] and r["key"] not in keys and r["key"] != d["number"]
            keys.add(r["key"])
            assert r["date"] is None or ISO.match(r["date"])
            assert set(r["relations"]) <= RELATIONS and isinstance(r["mentions"], int) and r["mentions"] >= 1
        for x in g["implied_relations"]:
            assert x["from"] in keys and x["to"] in keys and x["relation"] in IMPLIED
        for i, fn in enumerate(g["footnotes"]):
            assert fn["n"] == i + 1 and fn["anchor"] and set(fn["refs"]) <= keys
            assert "footnote" in next(r for r in g["references"] if r["key"] == fn["refs"][0])["relations"]
        for t in g["tasks"]:
            assert set(t) >= {"label", "title", "lead", "support", "deadline", "deadline_start", "deadline_end"}
            assert len(t["title"]) <= 120
            for k in ("deadline_start", "deadline_end"):
                assert t[k] is None or ISO.match(t[k])
        for r in g["responsibilities"]:
            assert set(r) >= {"unit", "label"} and r["unit"] in g["units"]
        assert all(isinstance(v, list) and v for v in g["units"].values())


def test_every_mention_count_matches_the_text(corpus300):
    """A reference's mentions count its full number in the text (any spelling of the key)."""
    for g in _golds(corpus300)[:60]:
        text = re.sub(r"\s+", "", (corpus300 / g["file"]).read_text(encoding="utf-8")).replace("_", "/")
        for r in g["references"]:
            k = re.escape(r["key"].replace(" ", ""))
            n = len(re.findall(rf"(?<![\d./\-])(?i:{k})(?!\d*/)", text))
            assert n >= r["mentions"], (g["file"], r["key"], n, r["mentions"])


# --- 3. lineage -------------------------------------------------------------------------------------

def test_generated_plans_form_lineage_chains_of_depth_five(corpus300):
    golds = _golds(corpus300)
    by_number = {g["document"]["number"].casefold(): g["file"] for g in golds}
    edges: dict[str, set[str]] = {}
    for g in golds:
        for r in g["references"]:
            target = by_number.get(r["key"].casefold())
            if target and {"implements", "based_on"} & set(r["relations"]):
                edges.setdefault(g["file"], set()).add(target)

    @functools.cache
    def depth(f: str) -> int:
        return max((1 + depth(t) for t in edges.get(f, ())), default=0)

    deepest = max(depth(g["file"]) for g in golds)
    assert deepest >= 5
    assert lineage_depth(golds) == deepest


# --- 4. extraction scores as on the seeds ---------------------------------------------------------

@functools.cache
def _report(out: str):
    d = Path(out)
    generate(d, 200, seed=2025)
    pairs = [(g, extract_file(d / g["file"])) for g in _golds(d)]
    return score_corpus(pairs)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return _report(str(tmp_path_factory.mktemp("gen200")))


@pytest.mark.parametrize("category", sorted(TARGETS))
def test_extraction_scores_on_generated_plans_as_on_the_seeds(report, category):
    f1 = report.overall[category].f1
    assert f1 >= TARGETS[category], f"{category}: F1 {f1:.3f} < {TARGETS[category]}\n{report.table()}"


def test_bench_run_reports_every_figure_and_leaves_no_store_behind(tmp_path):
    """`kg bench run` on a small generated corpus: every figure of the targets is measured (positive
    and finite), and the stores it builds (~16 GB at 100,000 documents) are removed afterwards."""
    import math
    import os
    import subprocess
    import sys

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    p = subprocess.run([sys.executable, "-m", "kg", "bench", "run", "--docs", "40", "--queries", "10", "--workers", "2",
                        "--dir", str(tmp_path / "corpora"), "--json"], capture_output=True, text=True, env=env,
                       timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 0, p.stderr
    res = json.loads(p.stdout)
    (run,) = res["runs"]
    assert run["documents"] == 40 and run["bytes"] > 100_000
    figures = [run[k] for k in ("regex_mb_s", "extract_mb_s", "extract_docs_s", "extract_vs_regex", "ingest_docs_s_1",
                                "ingest_docs_s_all", "ingest_speedup", "build_peak_rss_mb", "cold_start_s",
                                "query_peak_rss_mb")]
    figures += [v for lat in run["latency_ms"].values() for v in lat.values()]
    assert all(math.isfinite(x) and x > 0 for x in figures), run
    assert set(run["latency_ms"]) == {"trace", "impact", "tasks", "cites", "search"}
    assert not list(scratch.glob("kg-bench-db-*"))  # the benchmark's stores are gone
