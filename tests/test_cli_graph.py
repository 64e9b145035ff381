"""The graph commands through click: outputs, --json shapes, exit codes and one-line errors."""
from __future__ import annotations

import json
import shutil
import sqlite3
import sys

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import SCHEMA_VERSION
from tests.test_graph_fixtures import CORPUS, corpus_copy, pair_db, seed_db  # noqa: F401

F004 = "004_866d70e48e852e47.txt"
F003 = "003_f5ffa53c17f34042.txt"
UNIT = "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"


def run(*args, db=None):
    argv = [str(a) for a in args] + (["--db", str(db)] if db else [])
    return CliRunner().invoke(cli, argv)


def one_line_error(res, code: int) -> str:
    assert res.exit_code == code, (res.exit_code, res.output)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    assert res.stdout == ""
    assert "Traceback" not in res.output
    return lines[0]


def test_build_prints_a_summary(tmp_path):
    db = tmp_path / "kg.sqlite"
    res = run("build", CORPUS, db=db)
    assert res.exit_code == 0, res.output
    assert "Văn bản: 44 (trong kho: 4)" in res.stdout
    assert "Nhiệm vụ: 46" in res.stdout and "Chú thích: 17" in res.stdout
    again = run("build", CORPUS, "--json", db=db)
    data = json.loads(again.stdout)
    assert data["added"] == [] and len(data["unchanged"]) == 5
    assert {"documents", "references", "resolved", "unresolved", "tasks", "units", "footnotes"} <= set(data)


def test_build_reports_each_unreadable_input_and_ingests_the_rest(corpus_copy, tmp_path):
    db = tmp_path / "kg.sqlite"
    (corpus_copy / "empty.txt").write_bytes(b"\x00\x01\x02 123 456")
    missing = tmp_path / "nope"
    res = run("build", corpus_copy, missing, db=db)
    assert res.exit_code == 1
    errs = res.stderr.splitlines()
    assert f"kg: skipped {missing}: no such file or directory" in errs
    assert any(e.startswith("kg: skipped ") and "empty.txt" in e for e in errs)
    assert len(errs) == 2
    stats = json.loads(run("stats", "--json", db=db).stdout)
    assert stats["sources"] == 5


def test_default_corpus_and_store_are_in_the_working_directory(tmp_path, monkeypatch):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    res = run("build")
    assert res.exit_code == 0, res.output
    assert (tmp_path / ".kg" / "graph.sqlite").exists()
    assert run("stats").exit_code == 0


def test_trace_prints_a_tree_with_evidence(seed_db):
    res = run("trace", F004, db=seed_db)
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.splitlines()[0].startswith(f"Kế hoạch {F004}")
    assert "Kế hoạch 1413/KH-UBND" in out and "Chương trình hành động 63-CTrHĐ/TU" in out
    assert "“Căn cứ Kế hoạch số 1413/KH-UBND ngày 04 tháng 3 năm 2025" in out
    assert "gốc" in out


def test_trace_json_follows_the_documented_shape(seed_db):
    res = run("trace", "002_310ceac0ace34724.txt#2.2", "--json", db=seed_db)
    data = json.loads(res.stdout)
    assert data["start"] == "002_310ceac0ace34724.txt#2.2"
    assert {n["key"] for n in data["nodes"]} >= {"002_310ceac0ace34724.txt", "1927/KH-UBND"}
    for e in data["edges"]:
        assert set(e) >= {"from", "to", "relation", "evidence"}
        assert set(e["evidence"]) == {"file", "start", "end", "text"} and e["evidence"]["text"]


@pytest.mark.parametrize("fmt,marker", [("mermaid", "graph LR"), ("dot", "digraph kg {")])
def test_trace_draws_mermaid_and_dot(seed_db, fmt, marker):
    res = run("trace", "6526/KH-SGDĐT", "--format", fmt, db=seed_db)
    assert res.exit_code == 0
    assert res.stdout.startswith(marker)
    assert "24-NQ/TW" in res.stdout and "2531/QĐ-UBND" in res.stdout


def test_impact_lists_tasks_and_units(seed_db):
    res = run("impact", "2531/QĐ-UBND", db=seed_db)
    assert res.exit_code == 0
    assert "6526/KH-SGDĐT#1" in res.stdout and f"chủ trì: {UNIT}" in res.stdout


@pytest.mark.parametrize("query", [UNIT, "phong giao duc thuong xuyen chuyen nghiep va dai hoc"])
def test_tasks_of_a_department(seed_db, query):
    res = run("tasks", query, "--json", db=seed_db)
    items = json.loads(res.stdout)
    lead = [i for i in items if i["role"] == "lead"]
    assert sum(i["document"] == "6526/KH-SGDĐT" for i in lead) == 5
    assert sum(i["document"] == "002_310ceac0ace34724.txt" for i in lead) == 12
    assert any(i["role"] == "responsible" for i in items)
    human = run("tasks", query, db=seed_db).stdout
    assert human.startswith(f"Đơn vị: {UNIT}")
    assert "chủ trì" in human and "trách nhiệm" in human


def test_tasks_filters_on_the_command_line(seed_db):
    res = run("tasks", UNIT, "--role", "lead", "--plan", "6526/KH-SGDĐT", "--json", db=seed_db)
    assert [i["label"] for i in json.loads(res.stdout)] == ["1", "2", "3", "5", "6"]
    res = run("tasks", UNIT, "--due-before", "2023-12-31", "--json", db=seed_db)
    assert [i["task"] for i in json.loads(res.stdout)] == ["6526/KH-SGDĐT#4"]


def test_cites_command(seed_db):
    data = json.loads(run("cites", "2924/QD-SGDDT", "--json", db=seed_db).stdout)
    assert [(d["document"], d["where"], d["footnote"]) for d in data] == [(F003, "footnote", 9), (F003, "footnote", 10)]
    human = run("cites", "2924/QĐ-SGDĐT", db=seed_db).stdout
    assert "chú thích" in human and F003 in human


def test_footnotes_show_search_units_stats_commands(seed_db):
    fn = json.loads(run("footnotes", F003, "--json", db=seed_db).stdout)
    assert len(fn["footnotes"]) == 11
    card = json.loads(run("show", "6526/KH-SGDĐT", "--json", db=seed_db).stdout)
    assert card["sources"] == ["000_120ec0c87304a959.txt", "001_2e8f673e01760864.txt"]
    assert "Nguồn: 000_120ec0c87304a959.txt, 001_2e8f673e01760864.txt" in run("show", "6526/KH-SGDĐT", db=seed_db).stdout
    hits = json.loads(run("search", "quyet", "dinh", "2531", "--json", db=seed_db).stdout)
    assert hits and hits[0]["key"] in ("2531/QĐ-UBND", "6526/KH-SGDĐT")
    assert "«đối» «ngoại»" in run("search", "đối ngoại", db=seed_db).stdout
    units = json.loads(run("units", "--json", db=seed_db).stdout)
    assert all(set(u) == {"name", "aliases", "parent", "tasks"} for u in units)
    assert "Văn bản được dẫn nhưng chưa có trong kho" in run("stats", db=seed_db).stdout


def test_stats_json_is_the_same_bytes_every_time(seed_db):
    a = run("stats", "--json", db=seed_db)
    b = run("stats", "--json", db=seed_db)
    assert a.exit_code == 0 and a.stdout == b.stdout
    data = json.loads(a.stdout)
    assert {"documents", "documents_in_corpus", "references", "unresolved", "ambiguous", "tasks", "units",
            "footnotes", "missing"} <= set(data)
    assert list(data) == sorted(data)


def test_stats_are_identical_for_two_builds_of_the_same_corpus(tmp_path):
    outs = []
    for n in range(2):
        db = tmp_path / f"{n}.sqlite"
        run("build", CORPUS, db=db)
        outs.append(run("stats", "--json", db=db).stdout)
    assert outs[0] == outs[1]


# --- bad input -------------------------------------------------------------------------------------------

QUERY_COMMANDS = [["trace", "6526/KH-SGDĐT"], ["impact", "6526/KH-SGDĐT"], ["tasks", UNIT], ["cites", "2531"],
                  ["footnotes"], ["show", "6526/KH-SGDĐT"], ["search", "x"], ["units"], ["stats"]]


@pytest.mark.parametrize("argv", QUERY_COMMANDS)
def test_every_query_command_accepts_json(seed_db, argv):
    res = run(*argv, "--json", db=seed_db)
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)


@pytest.mark.parametrize("argv", QUERY_COMMANDS)
def test_a_missing_store_is_one_clear_line(tmp_path, argv):
    line = one_line_error(run(*argv, db=tmp_path / "none.sqlite"), 4)
    assert "kg build" in line


@pytest.mark.parametrize("argv", QUERY_COMMANDS + [["build", CORPUS]])
def test_a_store_from_a_newer_version_is_refused(seed_db, tmp_path, argv):
    db = tmp_path / "newer.sqlite"
    shutil.copy(seed_db, db)
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 7}")
    con.commit()
    con.close()
    assert "mới hơn" in one_line_error(run(*argv, db=db), 4)


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    db = tmp_path / "junk.sqlite"
    db.write_text("not a database", encoding="utf-8")
    assert "không phải kho kg" in one_line_error(run("stats", db=db), 4)


@pytest.mark.parametrize("argv", [["trace", "9999/QĐ-UBND"], ["impact", "9999/QĐ-UBND"], ["cites", "9999/QĐ-UBND"],
                                  ["show", "khong-co.txt"], ["footnotes", "9999/QĐ-UBND"], ["tasks", "Bộ Ngoại giao Pháp"],
                                  ["trace", "6526/KH-SGDĐT#42"], ["tasks", UNIT, "--plan", "9999/QĐ-UBND"]])
def test_an_unknown_key_is_one_clear_line(seed_db, argv):
    line = one_line_error(run(*argv, db=seed_db), 3)
    assert line.startswith("kg: ") and "không" in line


@pytest.mark.parametrize("argv", [["trace", "6526/KH-SGDĐT#"], ["trace", "#1"], ["show", "6526/KH-SGDĐT#x.y"],
                                  ["impact", "a#b#c"], ["search", "!!!"], ["tasks", UNIT, "--due-before", "2024-13-45"],
                                  ["cites", "6526/KH-SGDĐT#1"]])
def test_malformed_input_is_a_usage_error_in_one_line(seed_db, argv):
    line = one_line_error(run(*argv, db=seed_db), 2)
    assert line.startswith("kg: ")


def test_an_ambiguous_number_is_reported_not_guessed(pair_db):
    line = one_line_error(run("show", "01/2024/QĐ-UBND", db=pair_db), 3)
    assert "mơ hồ" in line and "Bắc Ninh" in line and "Nam Định" in line
    res = run("show", "01/2024/QĐ-UBND [Nam Định]", "--json", db=pair_db)
    assert json.loads(res.stdout)["issuer"] == "Ủy ban nhân dân tỉnh Nam Định"


@pytest.mark.parametrize("evil", ["'; DROP TABLE documents; --", "\" OR \"1\"=\"1", "\\'\\\\", "%_%", "x#1'; --"])
def test_injection_strings_reach_sql_only_as_data(seed_db, tmp_path, evil):
    db = tmp_path / "kg.sqlite"
    shutil.copy(seed_db, db)
    before = run("stats", "--json", db=db).stdout
    for cmd in ("trace", "impact", "cites", "show", "tasks", "search", "footnotes"):
        res = run(cmd, evil, db=db)
        assert res.exit_code in (0, 2, 3), (cmd, res.output)
        assert "Traceback" not in res.output
    assert run("stats", "--json", db=db).stdout == before


def test_show_html_uses_the_stored_record(seed_db, tmp_path):
    out = tmp_path / "plan.html"
    res = run("show", "003_f5ffa53c17f34042.txt", "--html", out, db=seed_db)
    try:
        import extract.nlp  # noqa: F401
    except ImportError:
        assert "render_html" in one_line_error(res, 3)
        return
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").lstrip().startswith("<")


def test_show_html_without_the_renderer_is_one_clear_line(seed_db, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "extract.nlp", None)  # import now raises ImportError
    line = one_line_error(run("show", "6526/KH-SGDĐT", "--html", tmp_path / "x.html", db=seed_db), 3)
    assert "render_html" in line
    assert not (tmp_path / "x.html").exists()


def test_show_html_of_a_cited_only_document_is_refused(seed_db, tmp_path):
    line = one_line_error(run("show", "57-NQ/TW", "--html", tmp_path / "x.html", db=seed_db), 3)
    assert "chỉ được dẫn" in line
