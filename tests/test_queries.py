"""The questions users come with, answered on the seed corpus: lineage, department tasks,
citations, search, cards and counts — each answer checked against the real texts."""
from __future__ import annotations

import pytest

import queries as Q
from queries.backend import Ambiguous, BadQuery, NotFound
from tests.test_graph_fixtures import backend, seed_db  # noqa: F401

F004 = "004_866d70e48e852e47.txt"
F002 = "002_310ceac0ace34724.txt"
F003 = "003_f5ffa53c17f34042.txt"
UNIT = "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"


def _edges(result) -> dict[tuple[str, str, str], dict]:
    return {(e["from"], e["to"], e["relation"]): e for e in result["edges"]}


# --- trace --------------------------------------------------------------------------------------------

def test_trace_from_004_reaches_57_directly(backend):
    t = Q.trace(backend, F004)
    e = _edges(t)
    assert t["start"] == F004
    based = e[(F004, "57-NQ/TW", "BASED_ON")]
    assert based["evidence"]["file"] == F004
    assert based["evidence"]["text"].startswith("Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024")
    assert t["roots"] == ["57-NQ/TW"]


def test_trace_from_004_reaches_57_through_1413_and_63(backend):
    e = _edges(Q.trace(backend, F004))
    assert "1413/KH-UBND" in e[(F004, "1413/KH-UBND", "BASED_ON")]["evidence"]["text"]
    step = e[("1413/KH-UBND", "63-CTrHĐ/TU", "IMPLEMENTS")]
    assert step["implied"] and step["stated_in"] == F004
    assert step["evidence"]["text"].startswith("Căn cứ Kế hoạch số 1413/KH-UBND ngày 04 tháng 3 năm 2025")
    assert "triển khai Chương trình hành động số 63-CTrHĐ/TU" in step["evidence"]["text"]
    last = e[("63-CTrHĐ/TU", "57-NQ/TW", "IMPLEMENTS")]
    assert last["evidence"]["text"].startswith("Căn cứ Chương trình hành động số 63-CTrHĐ/TU")
    assert "thực hiện Nghị quyết số 57-NQ/TW" in last["evidence"]["text"]


def test_trace_from_004_reaches_57_through_03_nq_cp(backend):
    e = _edges(Q.trace(backend, F004))
    assert (F004, "03/NQ-CP", "BASED_ON") in e
    step = e[("03/NQ-CP", "57-NQ/TW", "IMPLEMENTS")]
    assert "Chương trình hành động của Chính phủ thực hiện Nghị quyết số 57-NQ/TW" in step["evidence"]["text"]


def test_trace_of_plan_6526_reaches_24_and_31_through_2531(backend):
    t = Q.trace(backend, "6526/KH-SGDĐT")
    e = _edges(t)
    assert ("6526/KH-SGDĐT", "2531/QĐ-UBND", "BASED_ON") in e and ("6526/KH-SGDĐT", "2531/QĐ-UBND", "IMPLEMENTS") in e
    for party in ("24-NQ/TW", "31-NQ/TW"):
        step = e[("2531/QĐ-UBND", party, "IMPLEMENTS")]
        assert step["implied"] and step["stated_in"] == "6526/KH-SGDĐT"
        assert "2531/QĐ-UBND" in step["evidence"]["text"] and party in step["evidence"]["text"].replace("31- NQ", "31-NQ")
    assert set(t["roots"]) == {"24-NQ/TW", "31-NQ/TW"}


def test_trace_of_a_file_name_and_its_number_are_the_same(backend):
    a = Q.trace(backend, "000_120ec0c87304a959.txt")
    b = Q.trace(backend, "6526/KH-SGDĐT")
    assert a == b


def test_trace_of_unesco_task_2_2_reaches_1927(backend):
    t = Q.trace(backend, F002 + "#2.2")
    e = _edges(t)
    assert t["start"] == F002 + "#2.2"
    assert e[(F002 + "#2.2", F002, "TASK_OF")]["evidence"]["text"].startswith("Ban hành Quyết định thành lập")
    step = e[(F002, "1927/KH-UBND", "BASED_ON")]
    assert step["evidence"]["text"].startswith("Căn cứ Kế hoạch số 1927/KH-UBND ngày 11 tháng 4 năm 2024")
    assert t["roots"] == ["1927/KH-UBND"]


@pytest.mark.parametrize("x", [F004, "6526/KH-SGDĐT", F002 + "#2.2", F003])
def test_every_trace_edge_shows_its_evidence_sentence(backend, x):
    for all_relations in (False, True):
        t = Q.trace(backend, x, all_relations)
        assert t["edges"]
        for e in t["edges"]:
            assert e["evidence"]["text"] and e["evidence"]["file"], e
            assert isinstance(e["evidence"]["start"], int) and e["evidence"]["end"] >= e["evidence"]["start"]


def test_trace_json_shape(backend):
    t = Q.trace(backend, F004)
    assert set(t) >= {"start", "nodes", "edges"}
    assert all(set(n) >= {"key", "kind", "doc_type", "title"} for n in t["nodes"])
    assert all(set(e) >= {"from", "to", "relation", "evidence"} for e in t["edges"])
    assert all(set(e["evidence"]) == {"file", "start", "end", "text"} for e in t["edges"])
    keys = {n["key"] for n in t["nodes"]}
    assert all(e["from"] in keys and e["to"] in keys for e in t["edges"])
    n57 = next(n for n in t["nodes"] if n["key"] == "57-NQ/TW")
    assert n57["doc_type"] == "Nghị quyết" and n57["in_corpus"] is False


def test_trace_all_adds_plain_and_footnote_citations(backend):
    plain = Q.trace(backend, F003)
    full = Q.trace(backend, F003, all_relations=True)
    assert "2924/QĐ-SGDĐT" not in {n["key"] for n in plain["nodes"]}
    e = _edges(full)
    assert (F003 + "#fn9", "2924/QĐ-SGDĐT", "CITES_IN_FOOTNOTE") in e
    assert (F003, F003 + "#fn9", "HAS_FOOTNOTE") in e
    assert (F003, "1411/QĐ-UBND", "CITES") in e


def test_impact_of_57_reaches_004_and_its_tasks(backend):
    r = Q.impact(backend, "57-NQ/TW")
    keys = {n["key"]: n["kind"] for n in r["nodes"]}
    assert keys[F004] == "Document" and keys["63-CTrHĐ/TU"] == "Document" and keys["03/NQ-CP"] == "Document"
    assert sum(1 for k in keys.values() if k == "Task") == 20
    assert (F004, "57-NQ/TW", "BASED_ON") in _edges(r)


def test_impact_of_2531_lists_the_plan_tasks_and_their_units(backend):
    r = Q.impact(backend, "2531/QĐ-UBND")
    keys = {n["key"]: n["kind"] for n in r["nodes"]}
    assert keys["6526/KH-SGDĐT"] == "Document"
    assert [k for k, v in keys.items() if v == "Task"] == [f"6526/KH-SGDĐT#{i}" for i in range(1, 7)]
    assert keys[UNIT] == "Unit"
    assert (UNIT, "6526/KH-SGDĐT#1", "LEADS") in _edges(r)


# --- department task registry ---------------------------------------------------------------------------

def test_unit_leads_5_tasks_of_6526_and_12_of_the_unesco_plan(backend):
    r = Q.unit_tasks(backend, UNIT)
    assert r["unit"]["name"] == UNIT and r["unit"]["how"] == "exact"
    lead = [i for i in r["items"] if i["role"] == "lead"]
    by_plan = {}
    for i in lead:
        by_plan.setdefault(i["document"], []).append(i["label"])
    assert by_plan["6526/KH-SGDĐT"] == ["1", "2", "3", "5", "6"]
    assert by_plan[F002] == ["1.1", "1.2", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "4.2", "5.1", "5.2", "5.3"]
    assert len(lead) == 17 and len({i["task"] for i in lead}) == 17  # once each, not once per source
    resp = [i for i in r["items"] if i["role"] == "responsible"]
    assert {i["document"] for i in resp} == {"6526/KH-SGDĐT", F002}
    support = [i for i in r["items"] if i["role"] == "support"]
    assert [i["task"] for i in support] == ["6526/KH-SGDĐT#4"]


def test_unit_tasks_item_shape(backend):
    item = Q.unit_tasks(backend, UNIT)["items"][0]
    assert set(item) >= {"task", "document", "label", "title", "role", "deadline", "deadline_start", "deadline_end"}
    t = next(i for i in Q.unit_tasks(backend, UNIT)["items"] if i["task"] == "6526/KH-SGDĐT#1")
    assert (t["deadline"], t["deadline_start"], t["deadline_end"]) == (
        "Quý 4 năm 2023 và Quý 1 năm 2024", "2023-10-01", "2024-03-31")


@pytest.mark.parametrize("spelling", ["phong giao duc thuong xuyen - chuyen nghiep va dai hoc",
                                      "PHÒNG GIÁO DỤC THƯỜNG XUYÊN CHUYÊN NGHIỆP VÀ ĐẠI HỌC",
                                      "phong giao duc thuong xuyen chuyen nghiep dai hoc"])
def test_unit_query_without_diacritics_gives_the_same_answer(backend, spelling):
    assert Q.unit_tasks(backend, spelling)["items"] == Q.unit_tasks(backend, UNIT)["items"]


def test_unit_query_is_fuzzy_and_says_which_unit_matched(backend):
    r = Q.unit_tasks(backend, "phong ke hoach tai chinh")
    assert r["unit"]["name"] == "Phòng Kế hoạch - Tài chính"
    r = Q.unit_tasks(backend, "Phong Ke hoach - Tai chanh")
    assert r["unit"]["name"] == "Phòng Kế hoạch - Tài chính" and r["unit"]["how"] == "fuzzy"


def test_unit_task_filters(backend):
    assert {i["role"] for i in Q.unit_tasks(backend, UNIT, role="responsible")["items"]} == {"responsible"}
    due = Q.unit_tasks(backend, UNIT, due_before="2023-12-31")["items"]
    assert [(i["task"], i["role"]) for i in due] == [("6526/KH-SGDĐT#4", "support")]  # the rest runs into 2024
    due = Q.unit_tasks(backend, "Phòng Giáo dục Trung học", due_before="31/12/2023")["items"]
    assert [i["task"] for i in due] == ["6526/KH-SGDĐT#4"]
    plan = Q.unit_tasks(backend, UNIT, plan=F002, role="lead")["items"]
    assert len(plan) == 12 and {i["document"] for i in plan} == {F002}


def test_unit_query_errors(backend):
    with pytest.raises(NotFound):
        Q.unit_tasks(backend, "Bộ Quốc phòng Hoa Kỳ")
    with pytest.raises(BadQuery):
        Q.unit_tasks(backend, "  ")
    with pytest.raises(BadQuery):
        Q.unit_tasks(backend, UNIT, due_before="tomorrow")


def test_unit_registry_keeps_every_spelling_and_parent(backend):
    units = {u["name"]: u for u in Q.units(backend)}
    kh = units["Phòng Kế hoạch - Tài chính"]
    assert "Phòng Kế hoạch Tài chính" in kh["aliases"]
    assert kh["parent"] == "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"
    assert units[UNIT]["tasks"] == 18
    assert set(units["Văn phòng Sở Giáo dục và Đào tạo"]["aliases"]) >= {"Văn phòng Sở GDĐT", "Văn Phòng Sở GDĐT"}


# --- citations ------------------------------------------------------------------------------------------

def test_cites_2924_finds_footnotes_9_and_10_of_003(backend):
    hits = Q.cites(backend, "2924/QĐ-SGDĐT")
    assert [(h["document"], h["where"], h["footnote"]) for h in hits] == [(F003, "footnote", 9), (F003, "footnote", 10)]
    for h in hits:
        assert h["file"] == F003 and "2924/QĐ-SGDĐT" in h["text"]
        assert set(h) >= {"document", "file", "where", "footnote", "task", "relation", "text"}
    assert "11 Công văn" not in hits[0]["text"]  # a footnote's sentence stays in its footnote


def test_cites_reports_body_and_task_places(backend):
    hits = Q.cites(backend, "70/2024/QĐ-UBND")
    where = sorted((h["where"], h["task"], h["footnote"]) for h in hits)
    assert ("footnote", None, 1) in where
    assert ("task", F004 + "#1", None) in where
    hits = Q.cites(backend, "2531/QĐ-UBND")
    assert {h["document"] for h in hits} == {"6526/KH-SGDĐT"}
    assert len(hits) == 7  # one source's mentions, not both


def test_cites_needs_a_document(backend):
    with pytest.raises(BadQuery):
        Q.cites(backend, "6526/KH-SGDĐT#1")
    with pytest.raises(NotFound):
        Q.cites(backend, "9999/QĐ-UBND")


def test_footnotes_with_the_regulations_they_cite(backend):
    r = Q.footnotes(backend, F004)
    assert [f["footnote"] for f in r["footnotes"]] == [1, 2, 3, 4, 5, 6]
    fn4 = r["footnotes"][3]
    assert fn4["cites"] == ["91-KL/TW", "29-NQ/TW"]
    everything = Q.footnotes(backend)
    assert len(everything["footnotes"]) == 17
    fn9 = next(f for f in everything["footnotes"] if f["document"] == F003 and f["footnote"] == 9)
    assert "2924/QĐ-SGDĐT" in fn9["cites"] and "38-CT/TW" in fn9["cites"]
    assert isinstance(everything["shared"], list)


# --- search ---------------------------------------------------------------------------------------------

def test_search_quyet_dinh_2531_returns_ranked_hits(backend):
    hits = Q.search(backend, "quyet dinh 2531")
    keys = [h["key"] for h in hits]
    assert set(keys[:2]) == {"2531/QĐ-UBND", "6526/KH-SGDĐT"}
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert "«2531»" in hits[0]["snippet"]
    assert all(set(h) == {"kind", "key", "title", "snippet", "score"} for h in hits)


def test_search_doi_ngoai_returns_ranked_hits_with_the_foreign_affairs_plan_first(backend):
    hits = Q.search(backend, "đối ngoại")
    assert hits[0]["key"] == F003 and hits[0]["kind"] == "document"
    assert {"document", "task", "footnote"} <= {h["kind"] for h in hits}
    assert "«đối» «ngoại»" in hits[0]["snippet"]
    assert [h["key"] for h in Q.search(backend, "doi ngoai")] == [h["key"] for h in hits]


def test_search_kind_filter_and_empty_query(backend):
    assert {h["kind"] for h in Q.search(backend, "đối ngoại", kinds=["footnote"])} == {"footnote"}
    with pytest.raises(BadQuery):
        Q.search(backend, " ,;. ")
    assert Q.search(backend, "zzzqqqxxx") == []


# --- cards, lookups, counts -----------------------------------------------------------------------------

def test_show_card_of_the_merged_plan(backend):
    c = Q.show(backend, "6526/KH-SGDĐT")
    assert c["sources"] == ["000_120ec0c87304a959.txt", "001_2e8f673e01760864.txt"]
    assert c["issued_date"] == "2023-11-09" and c["signer"] == "Nguyễn Văn Hiếu"
    assert {(b["key"], b["relation"]) for b in c["bases"]} >= {("2531/QĐ-UBND", "BASED_ON"), ("87/NQ-CP", "BASED_ON")}
    assert len(c["tasks"]) == 6 and c["tasks"][0]["lead"] == [UNIT]
    assert len(c["responsibilities"]) == 5


def test_show_card_of_a_cited_document_lists_what_implements_it(backend):
    c = Q.show(backend, "63-CTrHĐ/TU")
    assert not c["in_corpus"] and c["sources"] == []
    got = {(x["key"], x["relation"]) for x in c["implemented_by"]}
    assert (F004, "BASED_ON") in got and ("1413/KH-UBND", "IMPLEMENTS") in got
    assert {(x["key"], x["relation"]) for x in c["bases"]} == {("57-NQ/TW", "IMPLEMENTS")}


def test_show_card_of_a_task(backend):
    c = Q.show(backend, F004 + "#1")
    assert c["kind"] == "Task" and c["document"] == F004
    assert {x["key"] for x in c["cites"]} >= {"70/2024/QĐ-UBND", "14-KL/TW"}


def test_unknown_and_malformed_keys(backend):
    with pytest.raises(NotFound):
        Q.trace(backend, "9999/QĐ-UBND")
    with pytest.raises(NotFound):
        Q.trace(backend, "6526/KH-SGDĐT#42")
    with pytest.raises(BadQuery):
        Q.trace(backend, "6526/KH-SGDĐT#")
    with pytest.raises(BadQuery):
        Q.show(backend, "")


@pytest.mark.parametrize("evil", ["'; DROP TABLE documents; --", '" OR 1=1 --', "\\", "%", "_", "a'b\"c\\d",
                                  "NEAR(a b)", "* OR title:x", "2531/QĐ-UBND'--"])
def test_injection_strings_are_treated_as_data(backend, evil):
    before = backend.counts()
    for f in (Q.trace, Q.impact, Q.cites, Q.show, Q.unit_tasks):
        try:
            f(backend, evil)
        except (NotFound, BadQuery, Ambiguous):
            pass
    try:
        Q.search(backend, evil)
    except BadQuery:
        pass
    assert backend.counts() == before


def test_stats_counts_and_missing_documents(backend):
    s = Q.stats(backend)
    assert s["documents_in_corpus"] == 4 and s["sources"] == 5
    assert s["tasks"] == 46 and s["footnotes"] == 17 and s["ambiguous"] == 0
    assert s["references"] == s["resolved"] + s["unresolved"] + s["ambiguous"]
    assert s["documents"] == s["documents_in_corpus"] + len(s["missing"])
    miss = [m["key"] for m in s["missing"]]
    assert miss[0] == "2531/QĐ-UBND" and "57-NQ/TW" in miss and "6526/KH-SGDĐT" not in miss
    order = [(-m["cited_by"], -m["mentions"], m["key"]) for m in s["missing"]]
    assert order == sorted(order)
    assert Q.stats(backend) == s
