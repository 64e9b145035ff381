"""Injection (issue 6), SQLite backend and CLI: quotes, backslashes, LIKE wildcards, SQL, FTS5 and
Cypher fragments are data, wherever they come from.

* as arguments of the query commands (search, tasks, trace, impact, cites, show, footnotes and
  their options): each gives a normal answer or one clean line with exit 2 (usage) or 3 (not found),
  never a traceback, and the store is unchanged afterwards (file hash and logical state);
* in the documents themselves: a plan whose file name, title, task and unit names carry the same
  fragments is stored verbatim and found again by `kg units`, `kg tasks`, `kg show`, `kg search`;
* at the backend: every lookup primitive takes the fragments as values (no LIKE, no FTS syntax).
The Neo4j backend has its own tests. The results are tabulated in docs/robustness.md."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

import queries as Q
from kg.cli import cli
from kg.store import SqliteBackend
from queries.backend import BadQuery
from tests.test_crash_safety import KG, ROOT, logical_state

CORPUS = ROOT / "corpus"

FRAGMENTS = [
    "'", '"', "\\", "%", "_", "%%", "_%_", "'; DROP TABLE documents; --", '") OR 1=1 --', "' OR '1'='1",
    "1; DELETE FROM sources", "x'); ATTACH DATABASE '/tmp/pwn.db' AS p; --", "NEAR(", "NEAR(a b, 2)", "*", "a*",
    '"unbalanced', "AND OR NOT", "NOT", "^", "title:x", "{title body}:x", "search MATCH 'x'",
    "}) MATCH (n) DETACH DELETE n //", "MATCH (n) RETURN n", "$param", "`x`", "\x00", "#", "##", "[", "]",
    "6526/KH-SGDĐT#'", "6526/KH-SGDĐT#1' OR 1=1", "6526/KH-SGDĐT [';DROP TABLE units;--]", "\u202e\u200b",
    "𝕏𝕐", "đ" * 300, "a" * 5000,
]
GLUE = ["'", '"', "\\", "%", "'; DROP TABLE documents; --", '") OR 1=1 --', "NEAR(", "*",
        "}) MATCH (n) DETACH DELETE n //", "#"]
# the fragment is appended to these words: a positional argument, or the value of the last option
COMMANDS = [
    ["search"], ["tasks"], ["trace"], ["impact"], ["cites"], ["show"], ["footnotes"],
    ["trace", "--all"], ["tasks", "Phòng Giáo dục", "--plan"], ["tasks", "Phòng Giáo dục", "--due-before"],
    ["search", "giáo dục", "--kind", "task"],
]

PLAN = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
SỞ GIÁO DỤC VÀ ĐÀO TẠO

Số: 77/KH-SGDĐT

Bắc Ninh, ngày 10 tháng 3 năm 2024

KẾ HOẠCH
Triển khai "dữ liệu'); DROP TABLE documents; --" năm 2024

Căn cứ Quyết định số 01/2024/QĐ-UBND ngày 05 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh về quản lý dữ liệu số;

I. MỤC ĐÍCH, YÊU CẦU
Triển khai hiệu quả.

II. NHIỆM VỤ
1. Xây dựng kho dữ liệu '; DROP TABLE tasks; -- \\ % _ NEAR( * ^ AND OR NOT
- Đơn vị chủ trì: Phòng Kế hoạch "Tài chính' \\ }) MATCH (n) DETACH DELETE n //.
- Đơn vị phối hợp: Trung tâm O'Brien ") OR 1=1 --.
- Thời gian thực hiện: Quý II năm 2024.

III. TỔ CHỨC THỰC HIỆN
Các phòng thuộc Sở triển khai thực hiện Kế hoạch này.

GIÁM ĐỐC

Trần Văn An
"""
HOSTILE_FILE = "it's \"x\"; DROP TABLE sources; --.txt"


def _hash(p) -> str:
    return hashlib.sha256(open(p, "rb").read()).hexdigest()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    d = tmp_path_factory.mktemp("inject")
    docs = d / "docs"
    shutil.copytree(CORPUS, docs)
    (docs / HOSTILE_FILE).write_text(PLAN, encoding="utf-8")
    db = d / "kg.sqlite"
    res = CliRunner().invoke(cli, ["build", str(docs), "--db", str(db)])
    assert res.exit_code == 0, res.output
    return db


@pytest.fixture
def unchanged(store):
    """The store file and its logical state are the same after the test."""
    before = (_hash(store), logical_state(store))
    yield store
    assert (_hash(store), logical_state(store)) == before


def run(*args, db):
    return CliRunner().invoke(cli, [*map(str, args), "--db", str(db)])


def clean(res, as_json: bool) -> None:
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    assert res.exit_code in (0, 2, 3), (res.exit_code, res.output)
    if res.exit_code == 0:
        if as_json:
            json.loads(res.stdout)
    else:
        lines = [x for x in res.stderr.splitlines() if x.strip()]
        assert res.stdout == "" and len(lines) <= 3, res.stderr  # one line (click usage errors: 3)


@pytest.mark.parametrize("words", COMMANDS, ids=lambda w: "-".join(w))
def test_query_arguments_are_data(unchanged, words):
    for i, frag in enumerate(FRAGMENTS):
        as_json = i % 2 == 0  # half as text, half as JSON
        res = run(*words, frag, *(["--json"] if as_json else []), db=unchanged)
        clean(res, as_json)


def test_fragments_glued_to_real_keys_are_data(unchanged):
    for key in ["6526/KH-SGDĐT", "2531/QĐ-UBND", "57-NQ/TW", "004_866d70e48e852e47.txt", "6526/KH-SGDĐT#1"]:
        for frag in GLUE:
            for words in (["trace"], ["show"], ["cites"], ["impact"]):
                for x in (key + frag, frag + key, f"{key} [{frag}]"):
                    clean(run(*words, x, "--json", db=unchanged), True)


def test_units_and_stats_still_answer_after_every_attempt(unchanged):
    for words in (["units"], ["stats"], ["footnotes"]):
        res = run(*words, "--json", db=unchanged)
        assert res.exit_code == 0
        json.loads(res.stdout)


def test_a_store_path_with_quotes_is_a_path(tmp_path, store):
    db = tmp_path / "it's; DROP \"x\".sqlite"
    shutil.copy(store, db)
    res = run("stats", "--json", db=db)
    assert res.exit_code == 0 and json.loads(res.stdout)["sources"] == 6
    res = run("stats", db=tmp_path / "nope'; --.sqlite")
    assert res.exit_code == 4 and "Traceback" not in res.output


# --------------------------------------------------------------------------------------------------
# hostile text inside the documents is stored verbatim and found again
# --------------------------------------------------------------------------------------------------

def test_hostile_names_in_documents_are_stored_and_found_verbatim(unchanged):
    db = unchanged
    units = json.loads(run("units", "--json", db=db).stdout)
    names = {u["name"] for u in units} | {a for u in units for a in u["aliases"]}
    lead = next(n for n in names if "DETACH DELETE" in n)
    support = next(n for n in names if "O'Brien" in n)
    assert '"Tài chính\' \\ }) MATCH (n) DETACH DELETE n //' in lead
    for unit, role in ((lead, "LEADS"), (support, "SUPPORTS")):
        res = run("tasks", unit, "--json", db=db)
        assert res.exit_code == 0, res.output
        (item,) = json.loads(res.stdout)
        assert item["title"] == "Xây dựng kho dữ liệu '; DROP TABLE tasks; -- \\ % _ NEAR( * ^ AND OR NOT"
    card = json.loads(run("show", HOSTILE_FILE, "--json", db=db).stdout)
    assert card["title"] == "Triển khai \"dữ liệu'); DROP TABLE documents; --\" năm 2024"
    assert card["sources"] == [HOSTILE_FILE]
    assert json.loads(run("show", "77/KH-SGDĐT", "--json", db=db).stdout)["key"] == card["key"]
    hits = json.loads(run("search", "DROP TABLE tasks", "--json", db=db).stdout)
    assert hits and hits[0]["key"] == "77/KH-SGDĐT#1"
    trace = json.loads(run("trace", HOSTILE_FILE, "--json", db=db).stdout)
    assert "01/2024/QĐ-UBND" in json.dumps(trace, ensure_ascii=False)
    with SqliteBackend(db) as b:
        assert b.record(HOSTILE_FILE)["file"] == HOSTILE_FILE
        assert b.counts()["sources"] == 6
        assert {r[0] for r in b.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {
            "documents", "tasks", "sources", "units", "edges"}


# --------------------------------------------------------------------------------------------------
# the backend primitives and the query layer take the fragments as values
# --------------------------------------------------------------------------------------------------

def test_backend_lookups_take_fragments_as_values(unchanged):
    with SqliteBackend(unchanged) as b:
        n_aliases = b.conn.execute("SELECT count(*) FROM aliases").fetchone()[0]
        for frag in FRAGMENTS:
            assert b.find_documents(frag) == []
            # a prefix is a range, not LIKE: "%" and "_" match only themselves
            assert all(a.startswith(frag) for a, _ in b.find_documents_prefix(frag))
            assert b.documents([frag]) == {} and b.nodes([frag, "doc:" + frag]) == {}
            assert b.record(frag) is None and b.tasks(frag) == [] and b.sources(frag) == []
            assert b.unit_work(frag) == [] and b.mentions([frag]) == [] and b.edges([frag]) == []
            assert b.walk([frag], ["BASED_ON", frag]) == {frag}
            assert b.refs(citing=frag) == [] and b.refs(target=frag) == [] and b.footnotes(frag) == []
        assert b.conn.execute("SELECT count(*) FROM aliases").fetchone()[0] == n_aliases


@pytest.mark.parametrize("query", ["NEAR(", '"unbalanced', "AND OR NOT", "^", "*", "a*", "title:x",
                                   "{title body}:x", "giáo -dục", "NOT giáo", "giáo + dục", "(giáo", "\"\"",
                                   "giáo\x00dục", "'; DROP TABLE search; --"])
def test_fts5_syntax_in_a_search_is_neutralised(unchanged, query):
    with SqliteBackend(unchanged) as b:
        try:
            hits = Q.search(b, query)
        except BadQuery:
            return  # nothing searchable left: a usage error, exit 2
        assert isinstance(hits, list)
    res = run("search", query, "--json", db=unchanged)
    clean(res, True)


def test_fts5_operators_typed_as_words_are_searched_as_words(unchanged):
    with SqliteBackend(unchanged) as b:
        # "AND OR NOT" are three ordinary words: no document has them all, so no hit and no error
        assert Q.search(b, "giáo dục NEAR") == Q.search(b, "giáo dục near")
        assert Q.search(b, '"giáo dục"') == Q.search(b, "giáo dục")
        assert Q.search(b, "giáo* dục^") == Q.search(b, "giáo dục")


# --------------------------------------------------------------------------------------------------
# arguments that are not valid UTF-8 (a real shell passes bytes)
# --------------------------------------------------------------------------------------------------

def _kg(*args: bytes, env=None):
    p = subprocess.run([*KG, *args], capture_output=True, stdin=subprocess.DEVNULL, timeout=120, cwd=ROOT,
                       env={**os.environ, **(env or {})})
    return p.returncode, p.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("cmd", [b"search", b"tasks", b"trace", b"impact", b"show", b"footnotes"])
def test_undecodable_bytes_in_arguments_are_data(store, cmd):
    for arg in (b"gi\xe1o d\xf4c\xff", "6526/KH-SGDĐT".encode() + b"\xff"):
        code, err = _kg(cmd, arg, b"--db", str(store).encode(), env={"PYTHONIOENCODING": "utf-8"})
        assert code in (0, 2, 3) and "Traceback" not in err, (cmd, arg, err)


def test_cites_with_undecodable_bytes_does_not_crash(store):
    code, err = _kg(b"cites", "6526/KH-SGDĐT".encode() + b"\xff", b"--db", str(store).encode(),
                    env={"PYTHONIOENCODING": "utf-8"})
    assert code in (0, 2, 3) and "Traceback" not in err, err
