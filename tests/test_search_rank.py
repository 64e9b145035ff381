"""Search at a cost that does not grow with the matches: the bm25 computed outside FTS5 is FTS5's to
the last bit, a common word scores a bounded number of rows and still finds the best ones, and a
store indexed before the statistics existed is searched as it was."""
from __future__ import annotations

import re
import shutil
import sqlite3

import pytest

import queries as Q
from kg import search_index, search_rank
from kg.identity import ffold
from kg.store import SqliteBackend
from queries.search import _fts, tokens
from tests.test_graph_fixtures import CORPUS, backend, build, seed_db  # noqa: F401

QUERIES = ["đối ngoại", "giáo dục", "kế hoạch", "thực hiện", "chuyển đổi số", "quyet dinh 2531", "UNESCO",
           "học tập suốt đời", "phòng giáo dục", "so so", "ke hoach thuc hien"]


def _all_matches(conn, match, kinds=None) -> list[int]:
    ids = [r[0] for r in conn.execute("SELECT rowid FROM search WHERE search MATCH ?", (match,))]
    if kinds:
        keep = {r[0] for r in conn.execute("SELECT id FROM search_items WHERE kind IN (%s)" % ",".join("?" * len(kinds)),
                                           kinds)}
        ids = [i for i in ids if i in keep]
    return ids


def _python_ranking(conn, match, limit, kinds=None):
    toks, _op = search_rank.parse(match)
    rows = dict(conn.execute("SELECT term, rows FROM search_terms"))
    return search_rank._score(conn, _all_matches(conn, match, kinds), toks, [rows.get(t, 0) for t in toks],
                              search_rank.statistics(conn), limit)


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("op", ["AND", "OR"])
def test_bm25_outside_fts5_is_fts5s_to_the_last_bit(backend, query, op):
    match = _fts(tokens(query), op)
    exact = search_rank._exact(backend.conn, match, 10_000, None)
    assert exact or query == "UNESCO" and op == "AND" or "2531" in query and op == "AND"
    assert _python_ranking(backend.conn, match, 10_000) == exact


def test_an_empty_phrase_counts_for_nothing_both_ways(backend):
    match = '"" OR ' + _fts(tokens("giáo dục"), "OR")
    exact = search_rank._exact(backend.conn, match, 10_000, None)
    assert exact and _python_ranking(backend.conn, match, 10_000) == exact


def test_the_kind_filter_ranks_the_same_both_ways(backend):
    match = _fts(tokens("đối ngoại"), "OR")
    exact = search_rank._exact(backend.conn, match, 10_000, ["task", "footnote"])
    assert exact and {h["kind"] for h in exact} == {"task", "footnote"}
    assert _python_ranking(backend.conn, match, 10_000, ["task", "footnote"]) == exact


@pytest.mark.parametrize("text", [
    "Kế hoạch số 12/KH-UBND về KẾ HOẠCH, kế-hoạch; kếhoạch ke_hoach kể hoạch",
    "Đào tạo, đảo, dao, ĐÀO TẠO; đạo đức – đào", "quyết định 2531/QĐ-UBND 25312 2531a", "",
    "Müller Ærø Straße «số» “so” số1 sở-sổ", "a ă â á ạ ậ ẫ Ạ A"])
@pytest.mark.parametrize("query", ["kế hoạch", "đào", "d", "quyet dinh 2531", "so", "a", "muller", "ke hoach ke"])
def test_words_are_counted_as_fts5_indexes_them(text, query):
    toks = tokens(query)
    indexed = re.findall(r"[^\W_]+", ffold(text))
    assert search_rank.Counter(toks)(text) == [indexed.count(t) for t in toks]


def test_rows_are_numbered_shortest_first_and_counted_as_fts5_counts(backend):
    conn = backend.conn
    lengths = [len(t or "") + len(b or "") for t, b in conn.execute("SELECT title, body FROM search_items ORDER BY id")]
    classes = [search_index.length_class(n) for n in lengths]
    assert classes == sorted(classes) and len(set(classes)) > 5
    for term, rows in conn.execute("SELECT term, rows FROM search_terms ORDER BY rows DESC LIMIT 30"):
        assert rows == conn.execute("SELECT count(*) FROM search WHERE search MATCH ?", (f'"{term}"',)).fetchone()[0]
    n_rows, n_tokens = search_rank.statistics(conn)
    assert n_rows == conn.execute("SELECT count(*) FROM search_items").fetchone()[0]
    assert n_tokens == sum(search_rank._size(sz) for (sz,) in conn.execute("SELECT sz FROM search_docsize"))


# --- a word in every row --------------------------------------------------------------------------------

def _index(conn, items):
    for stmt in search_index.SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    search_index.clear(conn)
    search_index.write(conn, iter(items))


def _common_word_index(tmp_path, n_long=3000):
    """Every row holds "chung"; five short tasks have it in their titles, the best rows for it."""
    conn = sqlite3.connect(tmp_path / "s.sqlite", isolation_level=None)
    items = [{"kind": "document", "node": f"doc:{i}", "key": f"{i}/KH-UBND", "title": f"{i}/KH-UBND Kế hoạch số {i}",
              "body": f"Văn bản {i} nói chung về nhiều việc " + "và các việc khác nữa " * (5 + i % 40), "boost": 1.0}
             for i in range(n_long)]
    items[1500:1500] = [{"kind": "task", "node": f"task:{i}", "key": f"9/KH-UBND#{i}", "title": f"{i}. Việc chung",
                         "body": f"{i} | Việc chung", "boost": 0.5} for i in range(5)]
    _index(conn, items)
    return conn


def test_a_word_in_every_row_scores_a_bounded_number_of_rows_and_finds_the_best(tmp_path, monkeypatch):
    conn = _common_word_index(tmp_path)
    match = _fts(["chung"], "AND")
    exact = search_rank._exact(conn, match, 20, None)
    assert [h["key"] for h in exact[:5]] == [f"9/KH-UBND#{i}" for i in range(5)]
    scored = []
    real = search_rank.bm25
    monkeypatch.setattr(search_rank, "bm25", lambda *a: scored.append(1) or real(*a))
    monkeypatch.setattr(search_rank, "SHORTEST", 40)
    monkeypatch.setattr(search_rank, "TITLED", 40)
    monkeypatch.setattr(search_rank, "EXACT_AFFORDABLE", 0.0)  # as for a common word in a large corpus
    got = search_rank.top(conn, match, 20, None)
    assert 0 < len(scored) <= 80  # of 3005 rows that match
    assert [h["key"] for h in got[:5]] == [h["key"] for h in exact[:5]]
    assert [h["score"] for h in got[:5]] == [h["score"] for h in exact[:5]]


def test_a_query_matching_fewer_rows_than_the_candidates_is_ranked_exactly(tmp_path, monkeypatch):
    conn = _common_word_index(tmp_path, n_long=60)
    monkeypatch.setattr(search_rank, "EXACT_AFFORDABLE", -1.0)
    monkeypatch.setattr(search_rank, "COST_TERM_ROW", 1e9)  # FTS5's way made dear: Python scores every match
    for words in (["chung"], ["ke", "hoach"], ["viec", "chung"]):
        match = _fts(words, "AND")
        assert search_rank.top(conn, match, 30, None) == search_rank._exact(conn, match, 30, None)


# --- stores indexed before ------------------------------------------------------------------------------

def test_a_store_indexed_before_the_statistics_is_searched_as_it_was_and_gains_them_when_rebuilt(tmp_path, seed_db):
    old = tmp_path / "old.sqlite"
    shutil.copy(seed_db, old)
    conn = sqlite3.connect(old)
    for t in ("search_titles", "search_terms", "search_stats"):
        conn.execute(f"DROP TABLE {t}")
    conn.commit()
    conn.close()
    with SqliteBackend(seed_db) as new, SqliteBackend(old) as before:
        for q in QUERIES:
            assert Q.search(before, q) == Q.search(new, q)
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    first = sorted(docs.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nPhụ lục bổ sung.\n", encoding="utf-8")
    build([docs], old)
    with SqliteBackend(old) as b:
        assert search_rank.statistics(b.conn)[0] == b.conn.execute("SELECT count(*) FROM search_items").fetchone()[0]
        assert Q.search(b, "đối ngoại")[0]["key"] == "003_f5ffa53c17f34042.txt"
