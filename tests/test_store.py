"""Rules of identity and of the store: one node per document, aliases everywhere, numbers of two
bodies never merged, ingest atomic and idempotent."""
from __future__ import annotations

import hashlib
import shutil
import sqlite3

import pytest

import queries as Q
from kg.cli_extract import extract_many
from kg.graph import to_networkx
from kg.identity import ffold, issuer_matters, lookup_norm, parse_task_id, resolve_references, TaskIdError
from kg.identity import group_sources
from kg.store import SCHEMA_VERSION, SqliteBackend, Store, StoreError
from queries.backend import Ambiguous, NotFound
from tests.test_graph_fixtures import (CORPUS, backend, corpus_copy, pair_backend, pair_db, seed_db,  # noqa: F401
                                       write_pair)

PLAN_6526 = "6526/KH-SGDĐT"


def _file_hash(p) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# --- identity ---------------------------------------------------------------------------------------

def test_same_plan_from_two_sources_is_one_node(backend):
    d = Q.resolve_document(backend, PLAN_6526)
    assert [s["file"] for s in backend.sources(d["id"])] == ["000_120ec0c87304a959.txt", "001_2e8f673e01760864.txt"]
    assert Q.resolve_document(backend, "000_120ec0c87304a959.txt")["id"] == d["id"]
    assert Q.resolve_document(backend, "001_2e8f673e01760864.txt")["id"] == d["id"]
    assert backend.counts()["documents_in_corpus"] == 4


def test_tasks_of_a_plan_from_two_sources_are_not_doubled(backend):
    d = Q.resolve_document(backend, PLAN_6526)
    labels = [t["label"] for t in backend.tasks(d["id"])]
    assert labels == ["1", "2", "3", "4", "5", "6"]
    assert backend.counts()["tasks"] == 6 + 12 + 8 + 20


def test_every_alias_of_a_task_id_names_the_same_task(backend):
    ids = {Q.resolve(backend, x)["id"] for x in
           ["6526/KH-SGDĐT#1", "000_120ec0c87304a959.txt#1", "001_2e8f673e01760864.txt#1", "6526 kh sgddt#1",
            "000_120ec0c87304a959#1"]}
    assert len(ids) == 1
    t = Q.resolve(backend, "002_310ceac0ace34724.txt#2.2")
    assert t["kind"] == "Task" and t["label"] == "2.2" and t["title"].startswith("Ban hành Quyết định thành lập")


def test_responsibilities_have_ids_of_their_own(backend):
    r = Q.resolve(backend, "6526/KH-SGDĐT#R1")
    assert r["kind"] == "Responsibility"
    assert r["key"] == "6526/KH-SGDĐT#R1"
    with pytest.raises(NotFound):
        Q.resolve(backend, "6526/KH-SGDĐT#R99")


@pytest.mark.parametrize("spelling", ["2531/QĐ-UBND", "2531/QD-UBND", "2531 qđ ubnd", "2531_QĐ-UBND",
                                      "Quyết định 2531/QĐ-UBND", "2531"])
def test_a_number_is_found_in_any_spelling(backend, spelling):
    assert Q.resolve_document(backend, spelling)["key"] == "2531/QĐ-UBND"


def test_party_symbol_in_state_form_is_the_same_document(backend):
    a = Q.resolve_document(backend, "04/CT-TW")
    assert Q.resolve_document(backend, "04-CT/TW")["id"] == a["id"]


def test_cited_only_documents_are_flagged(backend):
    d = Q.resolve_document(backend, "57-NQ/TW")
    assert d["in_corpus"] == 0 and d["issuer"] == "Bộ Chính trị"
    assert Q.resolve_document(backend, PLAN_6526)["in_corpus"] == 1


def test_unnumbered_document_has_a_stable_id_from_type_issuer_and_title(backend):
    d = Q.resolve_document(backend, "004_866d70e48e852e47.txt")
    assert d["id"].startswith("doc:~KH-")
    recs, _ = extract_many([CORPUS / "004_866d70e48e852e47.txt"])
    again = group_sources(recs)[0]
    assert "doc:" + again.id == d["id"]  # the same text always gets the same id
    assert Q.resolve_document(backend, d["id"][4:])["id"] == d["id"]


def test_two_provinces_citing_the_same_number_do_not_merge(pair_backend):
    docs = pair_backend._all("SELECT key, issuer, in_corpus FROM documents WHERE number = '01/2024/QĐ-UBND' ORDER BY key")
    assert [d["issuer"] for d in docs] == ["Ủy ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Nam Định"]
    assert len({d["key"] for d in docs}) == 2
    # the two plans are two documents too, although their texts are near copies
    assert pair_backend.counts()["documents_in_corpus"] == 2
    a = Q.trace(pair_backend, "100/KH-SGDĐT")
    b = Q.trace(pair_backend, "200/KH-SGDĐT")
    assert a["roots"] == ["01/2024/QĐ-UBND [Ủy ban nhân dân tỉnh Bắc Ninh]"]
    assert b["roots"] == ["01/2024/QĐ-UBND [Ủy ban nhân dân tỉnh Nam Định]"]


def test_a_bare_number_of_two_bodies_is_reported_ambiguous(pair_backend):
    with pytest.raises(Ambiguous) as e:
        Q.resolve_document(pair_backend, "01/2024/QĐ-UBND")
    assert len(e.value.candidates) == 2
    one = Q.resolve_document(pair_backend, "01/2024/QĐ-UBND [Bắc Ninh]")
    assert one["issuer"] == "Ủy ban nhân dân tỉnh Bắc Ninh"
    full = Q.resolve_document(pair_backend, one["key"])
    assert full["id"] == one["id"]


def _rec(file, number, issuer, refs):
    return {"file": file, "document": {"doc_type": "Kế hoạch", "number": number, "issuer": issuer,
                                       "issued_date": "2024-03-01", "title": f"Kế hoạch {file}"},
            "references": refs, "tasks": [], "implied_relations": []}


def test_a_reference_that_fits_two_documents_stays_ambiguous():
    """Two bodies' 01/2024/QĐ-UBND are known; a third text cites the number without issuer."""
    ref = lambda iss: {"key": "01/2024/QĐ-UBND", "issuer": iss, "date": None}  # noqa: E731
    recs = [_rec("a.txt", "1/KH-SGDĐT", "Sở A", [ref("Ủy ban nhân dân tỉnh Bắc Ninh")]),
            _rec("b.txt", "2/KH-SGDĐT", "Sở B", [ref("Ủy ban nhân dân tỉnh Nam Định")]),
            _rec("c.txt", "3/KH-SGDĐT", "Sở C", [ref(None)])]
    groups = group_sources(recs)
    refs = [(g.id, r) for g in groups for rec in g.records for r in rec["references"]]
    targets, extra = resolve_references(groups, refs)
    status = sorted((gid.split("|")[0], t.status) for (gid, _), t in targets.items())
    assert status == [("1/KH-SGDĐT", "unresolved"), ("2/KH-SGDĐT", "unresolved"), ("3/KH-SGDĐT", "ambiguous")]
    amb = next(t for t in targets.values() if t.status == "ambiguous")
    assert len(amb.candidates) == 2
    assert sum(1 for f in extra.values() if not f["ambiguous"]) == 2  # never merged into one


def test_a_reference_resolves_to_the_document_in_the_corpus():
    recs = [_rec("plan.txt", "5/KH-SGDĐT", "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh",
                 [{"key": "2531/QD-UBND", "issuer": "Ủy ban nhân dân Thành phố", "date": "2023-06-20"}]),
            _rec("qd.txt", "2531/QĐ-UBND", "Ủy ban nhân dân Thành phố Hồ Chí Minh", [])]
    recs[1]["document"]["issued_date"] = "2023-06-20"
    groups = group_sources(recs)
    refs = [(g.id, r) for g in groups for rec in g.records for r in rec["references"]]
    targets, _ = resolve_references(groups, refs)
    (t,) = targets.values()
    assert t.status == "resolved" and t.id.startswith("2531/QĐ-UBND|")


def test_issuer_only_tells_apart_local_numbers():
    assert issuer_matters("01/2024/QĐ-UBND") and issuer_matters("63-CTrHĐ/TU")
    assert not issuer_matters("57-NQ/TW") and not issuer_matters("87/NQ-CP")


def test_lookup_and_search_folding_treat_d_with_stroke_as_d():
    assert lookup_norm("2531 qđ ubnd") == lookup_norm("2531/QD-UBND") == lookup_norm("2531/QĐ-UBND")
    assert ffold("Đối ngoại đường") == "doi ngoai duong"
    s = "Phòng Kế hoạch - Tài chính"
    assert len(ffold(s)) == len(s)


@pytest.mark.parametrize("bad", ["#1", "6526/KH-SGDĐT#", "6526/KH-SGDĐT#abc", "a#b#c", "6526/KH-SGDĐT#1 2"])
def test_malformed_task_ids_are_rejected(bad):
    with pytest.raises(TaskIdError):
        parse_task_id(bad)


# --- the store ----------------------------------------------------------------------------------------

def test_reingesting_unchanged_files_is_a_noop(corpus_copy, tmp_path):
    db = tmp_path / "kg.sqlite"
    recs, _ = extract_many([corpus_copy])
    with Store(db) as s:
        first = s.ingest(recs)
    before = _file_hash(db)
    with Store(db) as s:
        again = s.ingest(recs)
        assert s.conn.total_changes == 0
    assert len(first.added) == 5 and not again.wrote and len(again.unchanged) == 5
    assert _file_hash(db) == before


def test_a_changed_file_replaces_its_own_records(corpus_copy, tmp_path):
    db = tmp_path / "kg.sqlite"
    with Store(db) as s:
        s.ingest(extract_many([corpus_copy])[0])
    f = corpus_copy / "002_310ceac0ace34724.txt"
    text = f.read_text(encoding="utf-8")
    assert "Biểu dương, tôn vinh" in text
    f.write_text(text.replace("Biểu dương, tôn vinh", "Tuyên dương, vinh danh"), encoding="utf-8")
    with Store(db) as s:
        res = s.ingest(extract_many([corpus_copy])[0])
    assert res.changed == ["002_310ceac0ace34724.txt"] and len(res.unchanged) == 4
    b = SqliteBackend(db)
    try:
        t = Q.resolve(b, "002_310ceac0ace34724.txt#1.2")
        assert t["title"].startswith("Tuyên dương, vinh danh")
        assert b.counts()["tasks"] == 46  # replaced, not added
        hits = {h["key"] for h in Q.search(b, "Biểu dương tôn vinh", kinds=["task"])}
        assert "002_310ceac0ace34724.txt#1.2" not in hits
        assert "002_310ceac0ace34724.txt#1.2" in {h["key"] for h in Q.search(b, "vinh danh", kinds=["task"])}
    finally:
        b.close()


def test_an_interrupted_build_leaves_the_previous_state(corpus_copy, tmp_path, monkeypatch):
    db = tmp_path / "kg.sqlite"
    files = sorted(corpus_copy.glob("*.txt"))
    with Store(db) as s:
        s.ingest(extract_many(files[:3])[0])
    before = _file_hash(db)
    calls = {"n": 0}
    real = Store._insert

    def failing(self, table, rows):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt("simulated interruption")
        return real(self, table, rows)

    monkeypatch.setattr(Store, "_insert", failing)
    with Store(db) as s, pytest.raises(KeyboardInterrupt):
        s.ingest(extract_many(files)[0])
    assert calls["n"] == 4
    monkeypatch.setattr(Store, "_insert", real)
    assert _file_hash(db) == before
    b = SqliteBackend(db)
    try:
        assert b.counts()["sources"] == 3
        assert b.counts()["tasks"] == 6 + 12
    finally:
        b.close()


def test_a_store_written_by_a_newer_version_is_refused(seed_db, tmp_path):
    db = tmp_path / "newer.sqlite"
    shutil.copy(seed_db, db)
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="mới hơn"):
        SqliteBackend(db)
    with pytest.raises(StoreError, match="mới hơn"):
        Store(db)


def test_a_missing_store_is_not_created_by_a_query(tmp_path):
    with pytest.raises(StoreError, match="kg build"):
        SqliteBackend(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()


def test_the_store_keeps_each_source_record_for_the_html_view(backend):
    rec = backend.record("003_f5ffa53c17f34042.txt")
    assert rec["text"] and rec["references"][0]["spans"]
    assert rec["file"] == "003_f5ffa53c17f34042.txt"


def test_schema_version_is_recorded(seed_db):
    con = sqlite3.connect(seed_db)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        con.close()


def test_every_edge_keeps_its_evidence(backend):
    rows = backend._all("SELECT rel, file, start, sentence FROM edges WHERE rel IN "
                        "('BASED_ON','IMPLEMENTS','CITES','CITES_IN_FOOTNOTE','HAS_TASK','LEADS','SUPPORTS')")
    assert rows and all(r["file"] and r["start"] is not None and r["sentence"] for r in rows)


def test_edge_kinds_of_the_graph(backend):
    kinds = set(backend.counts()["edges"])
    assert {"BASED_ON", "IMPLEMENTS", "CITES", "CITES_IN_FOOTNOTE", "HAS_TASK", "LEADS", "SUPPORTS", "EXECUTES",
            "RESPONSIBLE_FOR", "ISSUED_BY", "SIGNED_BY", "HAS_FOOTNOTE", "SENT_TO"} <= kinds


def test_implied_relations_become_edges_of_their_own(backend):
    rows = backend._all("SELECT s.key AS a, d.key AS b, e.rel, v.key AS via FROM edges e JOIN documents s ON s.id = e.src "
                        "JOIN documents d ON d.id = e.dst JOIN documents v ON v.id = e.via WHERE e.implied = 1")
    got = {(r["a"], r["b"], r["rel"], r["via"]) for r in rows}
    assert ("1413/KH-UBND", "63-CTrHĐ/TU", "IMPLEMENTS", "004_866d70e48e852e47.txt") in got
    assert ("87/NQ-CP", "31-NQ/TW", "IMPLEMENTS", PLAN_6526) in got


def test_networkx_view_holds_the_whole_graph(backend):
    g = to_networkx(backend)
    c = backend.counts()
    assert g.number_of_edges() == sum(c["edges"].values())
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"doc", "task", "resp", "fn", "unit", "person"}


QD_2531 = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH

Số: 2531/QĐ-UBND

Thành phố Hồ Chí Minh, ngày 20 tháng 6 năm 2023

QUYẾT ĐỊNH
Về ban hành Kế hoạch triển khai Chương trình hành động của Chính phủ, Chương trình hành động của Thành ủy thực hiện Nghị quyết số 24-NQ/TW và Nghị quyết số 31-NQ/TW

CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH

Căn cứ Nghị quyết số 24-NQ/TW ngày 07 tháng 10 năm 2022 của Bộ Chính trị về phát triển kinh tế - xã hội và đảm bảo quốc phòng, an ninh vùng Đông Nam Bộ đến năm 2030, tầm nhìn đến năm 2045;

Căn cứ Nghị quyết số 31-NQ/TW ngày 30 tháng 12 năm 2022 của Bộ Chính trị về phương hướng, nhiệm vụ phát triển Thành phố Hồ Chí Minh đến năm 2030, tầm nhìn đến năm 2045;

QUYẾT ĐỊNH:

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch triển khai.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Thị Diệu Thúy
"""


def test_a_citation_resolves_to_the_cited_document_once_it_is_in_the_corpus(corpus_copy, tmp_path):
    (corpus_copy / "qd2531.txt").write_text(QD_2531, encoding="utf-8")
    db = tmp_path / "kg.sqlite"
    with Store(db) as s:
        s.ingest(extract_many([corpus_copy])[0])
    b = SqliteBackend(db)
    try:
        d = Q.resolve_document(b, "2531/QĐ-UBND")
        assert d["in_corpus"] == 1 and Q.resolve_document(b, "qd2531.txt")["id"] == d["id"]
        (ref,) = b.refs(target=d["id"])
        assert ref["citing_key"] == PLAN_6526 and ref["status"] == "resolved"
        assert "2531/QĐ-UBND" not in [m["key"] for m in Q.stats(b)["missing"]]
        e = {(x["from"], x["to"], x["relation"]): x for x in Q.trace(b, PLAN_6526)["edges"]}
        direct = e[("2531/QĐ-UBND", "24-NQ/TW", "BASED_ON")]
        assert direct["evidence"]["file"] == "qd2531.txt" and not direct["implied"]
    finally:
        b.close()


def test_pair_store_ingests_both_plans(pair_db):
    assert pair_db.exists()


def test_write_pair_helper_makes_two_files(tmp_path):
    assert sorted(p.name for p in write_pair(tmp_path / "x").iterdir()) == ["bac_ninh.txt", "nam_dinh.txt"]
