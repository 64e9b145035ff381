"""`kg build` streams (issue 5): records go from the extraction workers into the store one by one,
each digested once where it is extracted, and the store keeps only small summaries in memory.

What must not change with it: the store is the one `Store.ingest` writes from records held in
memory; worker processes or not, the same store; sources added in later runs resolve and merge as
if they had come in one run; an extraction that fails writes nothing."""
from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.cli_extract as cli_extract
from kg import digest as digest_mod
from kg.cli import cli
from kg.cli_extract import DigestStream, extract_many
from kg.generate import generate
from kg.identity import ffold
from extract.letters import fold_chars
from kg.store import SqliteBackend, Store, StoreError
from tests.test_crash_safety import logical_state
from tests.test_graph_fixtures import CORPUS, write_pair


def build(paths, db: Path, env=None):
    res = CliRunner(env=env).invoke(cli, ["build", *map(str, paths), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """Over PARALLEL_MIN_FILES files: generated plans citing one another, the seeds, copies of the
    seeds under other names (sources of one document), and the two provinces' plans."""
    d = tmp_path_factory.mktemp("mixed")
    generate(d / "gen", 60, seed=5)
    shutil.rmtree(d / "gen" / "gold")
    shutil.copytree(CORPUS, d / "seeds")
    (d / "copies").mkdir()
    for f in sorted(CORPUS.glob("*.txt"))[:3]:
        shutil.copy(f, d / "copies" / f"copy_{f.name}")
    write_pair(d / "pair")
    return d


def test_kg_build_writes_the_store_that_ingesting_the_records_writes(mixed, tmp_path):
    streamed = tmp_path / "streamed.sqlite"
    summary = build([mixed], streamed)
    assert len(summary["added"]) > cli_extract.PARALLEL_MIN_FILES
    held = tmp_path / "held.sqlite"
    records, bad = extract_many([mixed])
    assert not bad and any(r["document"]["same_as"] for r in records)
    with Store(held) as s:
        s.ingest(records)
    assert logical_state(streamed) == logical_state(held)


def test_worker_processes_write_the_store_of_one_process(mixed, tmp_path):
    one, two = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    build([mixed], one, env={"KG_WORKERS": "1"})
    build([mixed], two, env={"KG_WORKERS": "2"})
    assert logical_state(one) == logical_state(two)


def test_sources_added_in_later_runs_give_the_store_of_one_run(mixed, tmp_path):
    """Later plans resolve the references of earlier ones to themselves (identity is global)."""
    files = sorted((mixed / "gen").glob("*.txt"))
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    for i, f in enumerate(files):
        shutil.copy(f, (first if i % 3 == 0 else later) / f.name)
    steps, once = tmp_path / "steps.sqlite", tmp_path / "once.sqlite"
    build([first], steps)
    status = "SELECT citing, key, status FROM refs"
    with SqliteBackend(steps) as b:
        before = {(r["citing"], r["key"]): r["status"] for r in b._all(status)}
    summary = build([first, later], steps)
    assert len(summary["unchanged"]) == len(list(first.iterdir()))
    build([mixed / "gen"], once)
    assert logical_state(steps) == logical_state(once)
    with SqliteBackend(steps) as b:
        after = {(r["citing"], r["key"]): r["status"] for r in b._all(status)}
    assert any(before[k] == "unresolved" and after[k] == "resolved" for k in before)


def test_the_store_holds_summaries_not_texts_while_records_stream_in(tmp_path):
    """200 plans of ~140 KB of text each go through the store: once the last one is in, what the
    store holds for all of them is a small fraction of their texts (spilled to a scratch file and
    read back one document at a time)."""
    generate(tmp_path / "docs", 200, seed=9)
    pad = "\n".join(f"Nội dung bổ sung đoạn {i}: thực hiện nhiệm vụ theo kế hoạch đã ban hành." for i in range(1400))
    for f in (tmp_path / "docs").glob("*.txt"):
        f.write_text(f.read_text(encoding="utf-8") + "\n" + pad + "\n", encoding="utf-8")
    text_bytes = sum(len(f.read_bytes()) for f in (tmp_path / "docs").glob("*.txt"))
    assert text_bytes > 20_000_000
    list(DigestStream([next((tmp_path / "docs").glob("*.txt"))], workers=1))  # imports and caches warm
    held = []

    def stream():
        yield from DigestStream([tmp_path / "docs"], workers=1)
        held.append(tracemalloc.get_traced_memory()[0] - start)

    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        with Store(tmp_path / "kg.sqlite") as s:
            res = s.ingest_digests(stream(), link=True)
    finally:
        tracemalloc.stop()
    assert len(res.added) == 200
    # (what is held: the summaries, and extraction's bounded caches)
    assert held[0] < text_bytes / 5, (held, text_bytes)


def test_an_extraction_that_fails_writes_nothing(tmp_path, monkeypatch):
    db = tmp_path / "kg.sqlite"
    build([CORPUS], db)
    before = logical_state(db)
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    write_pair(docs / "pair")
    real = cli_extract.extract_file

    def broken(path):
        if path.name == "nam_dinh.txt":
            raise RuntimeError("lỗi giả lập")
        return real(path)
    monkeypatch.setattr(cli_extract, "extract_file", broken)
    res = CliRunner().invoke(cli, ["build", str(docs), "--db", str(db)])
    assert res.exit_code == 3
    assert res.stderr.strip() == "kg: trích xuất thất bại, kho giữ nguyên: RuntimeError: lỗi giả lập"
    assert logical_state(db) == before


def test_folding_long_texts_by_table_lookup_is_str_translate():
    rng = __import__("random").Random(4)
    pool = [chr(i) for i in range(0x3100)] + ["\ud800", "\udfff", "😀", "\U0010ffff", "Đ", "ệ", "\x00"]
    for n in (0, 255, 256, 257, 5000):
        s = "".join(rng.choice(pool) for _ in range(n))
        assert ffold(s) == fold_chars(s)


@pytest.mark.parametrize("s", ["", "  a \t b\n\n c ", "\x1c x \x1f", "a\u00a0b\u2028c\u3000d\x85e", "\u200b z \ufeff"])
def test_collapse_is_the_regex_it_replaces(s):
    import re

    assert digest_mod.collapse(s) == re.sub(r"\s+", " ", s).strip()


def test_inputs_the_store_holds_unchanged_are_not_extracted_again(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    db = tmp_path / "kg.sqlite"
    build([docs], db)
    write_pair(docs / "pair")
    (docs / "004_866d70e48e852e47.txt").write_text((CORPUS / "004_866d70e48e852e47.txt").read_text(encoding="utf-8")
                                                   + "\nPhụ lục bổ sung.\n", encoding="utf-8")
    read = []
    real = cli_extract.extract_file

    def counted(path):
        read.append(path.name)
        return real(path)
    monkeypatch.setattr(cli_extract, "extract_file", counted)
    summary = build([docs], db)
    assert sorted(read) == ["004_866d70e48e852e47.txt", "bac_ninh.txt", "nam_dinh.txt"]
    assert summary["changed"] == ["004_866d70e48e852e47.txt"] and len(summary["unchanged"]) == 4
    monkeypatch.setattr(cli_extract, "extract_file", real)
    once = tmp_path / "once.sqlite"
    build([docs], once)
    assert logical_state(db) == logical_state(once)


def test_an_input_replaced_in_the_store_meanwhile_stops_the_run_before_writing(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    db = tmp_path / "kg.sqlite"
    build([docs], db)
    with Store(db) as s:
        stream = DigestStream([docs], stored=s.stored_sources())
        items = list(stream)
    assert all(summary.get("stored") for summary, _f, _p in items)
    other = tmp_path / "other" / "002_310ceac0ace34724.txt"  # another build writes another 002 meanwhile
    other.parent.mkdir()
    other.write_text((CORPUS / "002_310ceac0ace34724.txt").read_text(encoding="utf-8") + "\nKhác.\n", encoding="utf-8")
    build([other.parent], db)
    before = logical_state(db)
    with Store(db) as s, pytest.raises(StoreError, match="chạy lại kg build"):
        s.ingest_digests(items, link=True)
    assert logical_state(db) == before
