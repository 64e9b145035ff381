"""The full-text search index of the store: FTS5 over diacritic-folded text, rows in `search_items`.

Kept apart from the write side so that how search is indexed can change without touching ingest.
Three things let a query rank the best rows without scoring every row that matches (common words
such as "thực hiện" match nearly every row; see kg/search_rank.py):
- rows are numbered shortest first (a length class in the high bits of the rowid), so the first
  matches FTS5 yields, in rowid order, are the rows bm25 favours for the same words;
- `search_titles` indexes the titles alone, where a word weighs eight times as much;
- `search_terms` / `search_stats` hold what bm25 needs about the whole index (rows per term, row
  and token totals), counted once here instead of over every row of a term at each query."""
from __future__ import annotations

import math
import sqlite3
from typing import Iterable

from .identity import ffold

# what a store written before kg/search_rank.py existed lacks: `clear` adds it when such a store is rebuilt
ADDED = """
CREATE VIRTUAL TABLE IF NOT EXISTS search_titles USING fts5(title, content='', detail='none', columnsize=0,
                                                             tokenize='unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS search_terms(term TEXT PRIMARY KEY, rows INTEGER NOT NULL, hits INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS search_stats(rows INTEGER NOT NULL, tokens INTEGER NOT NULL);
"""
SCHEMA = """
CREATE TABLE search_items(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, node TEXT NOT NULL, key TEXT NOT NULL,
                          title TEXT, body TEXT, boost REAL NOT NULL DEFAULT 0);
CREATE VIRTUAL TABLE search USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
""" + ADDED

# rowid = length class << SHIFT | running number: rowid order is shortest first, ties in given order
SHIFT = 40
BATCH = 500


def length_class(n_chars: int) -> int:
    """Eight classes per doubling of the text length (each about 9% longer than the one before)."""
    return min(255, int(8 * math.log2(2 + n_chars)))


def clear(conn: sqlite3.Connection) -> None:
    for stmt in ADDED.split(";"):
        if stmt.strip():
            conn.execute(stmt)
    conn.execute("DELETE FROM search_items")
    conn.execute("INSERT INTO search(search) VALUES ('delete-all')")
    conn.execute("INSERT INTO search_titles(search_titles) VALUES ('delete-all')")
    conn.execute("DELETE FROM search_terms")
    conn.execute("DELETE FROM search_stats")


def write(conn: sqlite3.Connection, items: Iterable[dict]) -> None:
    """Store every item (any iterable, read once and not held: rows go out in batches), then index
    them in rowid order and count the statistics of the whole index; once per rebuild, after `clear`."""
    batch: list[tuple] = []
    for seq, s in enumerate(items, 1):
        title, body = s["title"] or "", s["body"] or ""
        rowid = (length_class(len(title) + len(body)) << SHIFT) | seq
        batch.append((rowid, s["kind"], s["node"], s["key"], s["title"], s["body"], s.get("boost", 0.0)))
        if len(batch) >= BATCH:
            conn.executemany(_INSERT_ITEM, batch)
            batch = []
    conn.executemany(_INSERT_ITEM, batch)
    _index(conn)
    _count(conn)


_INSERT_ITEM = "INSERT INTO search_items(id, kind, node, key, title, body, boost) VALUES (?,?,?,?,?,?,?)"


def _index(conn: sqlite3.Connection) -> None:
    """The full-text rows, in rowid order: FTS5 writes a new segment whenever a rowid comes lower
    than the one before, so rows given out of order would cost many small segments and merges."""
    rows = conn.execute("SELECT id, title, body FROM search_items ORDER BY id")
    while batch := rows.fetchmany(BATCH):
        folded = [(i, ffold(t or ""), ffold(b or "")) for i, t, b in batch]
        conn.executemany("INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)", folded)
        conn.executemany("INSERT INTO search_titles(rowid, title) VALUES (?, ?)", ((i, t) for i, t, _b in folded))


def _count(conn: sqlite3.Connection) -> None:
    """Rows and instances of each term and the row and token totals, read from the index itself
    (one pass over it): FTS5's own figures, so bm25 computed from them equals FTS5's bm25()."""
    conn.execute("CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, 'search', 'row')")
    try:
        conn.execute("INSERT INTO search_terms(term, rows, hits) SELECT term, doc, cnt FROM temp.search_vocab")
    finally:
        conn.execute("DROP TABLE temp.search_vocab")
    conn.execute("INSERT INTO search_stats(rows, tokens) SELECT (SELECT count(*) FROM search_items), "
                 "(SELECT coalesce(sum(hits), 0) FROM search_terms)")
