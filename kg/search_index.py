"""The full-text search index of the store: FTS5 over diacritic-folded text, rows in `search_items`.

Kept apart from the write side so that how search is indexed can change without touching ingest."""
from __future__ import annotations

import sqlite3

from .identity import ffold

SCHEMA = """
CREATE TABLE search_items(id INTEGER PRIMARY KEY, kind TEXT NOT NULL, node TEXT NOT NULL, key TEXT NOT NULL,
                          title TEXT, body TEXT, boost REAL NOT NULL DEFAULT 0);
CREATE VIRTUAL TABLE search USING fts5(title, body, content='', tokenize='unicode61 remove_diacritics 2');
"""


def clear(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_items")
    conn.execute("INSERT INTO search(search) VALUES ('delete-all')")


def write(conn: sqlite3.Connection, items: list[dict]) -> None:
    """Rows numbered from 1 in the given order (the order is the tie-break of equal scores)."""
    for i, s in enumerate(items, 1):
        conn.execute("INSERT INTO search_items(id, kind, node, key, title, body, boost) VALUES (?,?,?,?,?,?,?)",
                     (i, s["kind"], s["node"], s["key"], s["title"], s["body"], s.get("boost", 0.0)))
        conn.execute("INSERT INTO search(rowid, title, body) VALUES (?, ?, ?)",
                     (i, ffold(s["title"] or ""), ffold(s["body"] or "")))
