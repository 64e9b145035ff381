"""The embedded store: one SQLite file holding every source record and the graph built from them.

Each ingest run is one transaction: changed sources are written, then the derived tables (nodes,
edges, mentions, search index) are rebuilt from all stored records, because identity is global (a
new source can resolve, merge or disambiguate documents that other sources cite). An interrupted
run -- an exception, Ctrl-C, or the process killed outright -- leaves exactly the previous state
(tests/test_crash_safety.py kills `kg build` at random points). The store is in WAL journal mode:
readers query while an ingest runs and see the state before it until it commits. A `SqliteBackend`
(kg/sqlite_backend.py)
reads one snapshot: the state when its first question was asked, until `refresh()` or `close()`,
so the several queries behind one answer never mix two states. `SqliteBackend` answers the query
layer's questions with indexed lookups and recursive CTEs; it never loads the whole graph for one
question."""
from __future__ import annotations

import json
import os
import sqlite3
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import graph, search_index

SCHEMA_VERSION = 1
DEFAULT_DB = Path(".kg") / "graph.sqlite"
# A second `kg build` waits this long for the one writing the store before giving up.
WRITE_TIMEOUT = 120.0
# A commit is on disk when `kg build` returns (FULL); the cost is one fsync per run.
SYNCHRONOUS = "FULL"

DERIVED = ("documents", "aliases", "tasks", "responsibilities", "footnotes", "units", "unit_aliases", "persons",
           "edges", "refs", "mentions")

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources(file TEXT PRIMARY KEY, sha256 TEXT NOT NULL, extract_version INTEGER, doc_id TEXT,
                     rank INTEGER, record BLOB NOT NULL);
CREATE INDEX sources_doc ON sources(doc_id, rank);
CREATE TABLE documents(id TEXT PRIMARY KEY, key TEXT NOT NULL, number TEXT, ident TEXT, doc_type TEXT, title TEXT,
                       issuer TEXT, issued_date TEXT, year TEXT, in_corpus INTEGER NOT NULL,
                       ambiguous INTEGER NOT NULL, signer TEXT, signer_title TEXT, locality TEXT, candidates TEXT);
CREATE INDEX documents_key ON documents(key);
CREATE TABLE aliases(alias TEXT NOT NULL, doc_id TEXT NOT NULL, PRIMARY KEY(alias, doc_id)) WITHOUT ROWID;
CREATE TABLE tasks(id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL, title TEXT,
                   deadline TEXT, deadline_start TEXT, deadline_end TEXT, file TEXT, start INTEGER, "end" INTEGER,
                   ord INTEGER);
CREATE INDEX tasks_doc ON tasks(doc_id, ord);
CREATE TABLE responsibilities(id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, key TEXT NOT NULL, label TEXT,
                              unit_id TEXT, title TEXT, file TEXT, start INTEGER, "end" INTEGER, ord INTEGER);
CREATE INDEX responsibilities_doc ON responsibilities(doc_id, ord);
CREATE TABLE footnotes(id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, key TEXT NOT NULL, n INTEGER, anchor TEXT,
                       text TEXT, file TEXT, start INTEGER, "end" INTEGER);
CREATE INDEX footnotes_doc ON footnotes(doc_id, n);
CREATE TABLE units(id TEXT PRIMARY KEY, name TEXT NOT NULL, parent_id TEXT);
CREATE TABLE unit_aliases(unit_id TEXT NOT NULL, alias TEXT NOT NULL, folded TEXT NOT NULL,
                          PRIMARY KEY(unit_id, alias)) WITHOUT ROWID;
CREATE INDEX unit_aliases_folded ON unit_aliases(folded);
CREATE TABLE persons(id TEXT PRIMARY KEY, name TEXT NOT NULL, title TEXT, body TEXT);
CREATE TABLE edges(id INTEGER PRIMARY KEY, src TEXT NOT NULL, dst TEXT NOT NULL, rel TEXT NOT NULL,
                   implied INTEGER NOT NULL DEFAULT 0, via TEXT, file TEXT, start INTEGER, "end" INTEGER,
                   sentence TEXT);
CREATE INDEX edges_src ON edges(src, rel);
CREATE INDEX edges_dst ON edges(dst, rel);
CREATE TABLE refs(citing TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL,
                  relations TEXT, mentions INTEGER, PRIMARY KEY(citing, target)) WITHOUT ROWID;
CREATE INDEX refs_target ON refs(target);
CREATE TABLE mentions(id INTEGER PRIMARY KEY, citing TEXT NOT NULL, target TEXT NOT NULL, key TEXT, file TEXT,
                      start INTEGER, "end" INTEGER, region TEXT, footnote INTEGER, task_id TEXT, relations TEXT,
                      sentence TEXT);
CREATE INDEX mentions_target ON mentions(target, citing, start);
""" + search_index.SCHEMA

COLUMNS = {
    "documents": ("id", "key", "number", "ident", "doc_type", "title", "issuer", "issued_date", "year", "in_corpus",
                  "ambiguous", "signer", "signer_title", "locality", "candidates"),
    "tasks": ("id", "doc_id", "key", "label", "title", "deadline", "deadline_start", "deadline_end", "file", "start",
              "end", "ord"),
    "responsibilities": ("id", "doc_id", "key", "label", "unit_id", "title", "file", "start", "end", "ord"),
    "footnotes": ("id", "doc_id", "key", "n", "anchor", "text", "file", "start", "end"),
    "units": ("id", "name", "parent_id"),
    "unit_aliases": ("unit_id", "alias", "folded"),
    "persons": ("id", "name", "title", "body"),
    "edges": ("src", "dst", "rel", "implied", "via", "file", "start", "end", "sentence"),
    "refs": ("citing", "target", "key", "status", "relations", "mentions"),
    "mentions": ("citing", "target", "key", "file", "start", "end", "region", "footnote", "task_id", "relations",
                 "sentence"),
}


class StoreError(Exception):
    """The store cannot be used: missing, not a kg store, or written by a newer version."""


@dataclass
class IngestResult:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return bool(self.added or self.changed)


def _pack(rec: dict) -> bytes:
    return zlib.compress(json.dumps(rec, ensure_ascii=False, sort_keys=True).encode("utf-8"), 6)


def _unpack(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def _q(name: str) -> str:
    return f'"{name}"'


def _check_version(conn: sqlite3.Connection, path) -> int:
    try:
        v = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise StoreError(f"{path} không phải kho kg ({e})") from None
    if v > SCHEMA_VERSION:
        raise StoreError(f"kho {path} được ghi bởi phiên bản kg mới hơn (lược đồ {v} > {SCHEMA_VERSION}); "
                         f"hãy cập nhật kg hoặc dùng --db khác")
    return v


def _set_wal(conn: sqlite3.Connection, timeout: float = WRITE_TIMEOUT) -> None:
    """Switch a new store to WAL, waiting out a concurrent opener: SQLite answers a journal-mode
    change that races another connection with SQLITE_BUSY at once, without its busy handler."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) and "busy" not in str(e) or time.monotonic() > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


class Store:
    """Write side: open (creating if needed) and ingest records in one transaction."""

    def __init__(self, path: str | os.PathLike = DEFAULT_DB):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(f"{self.path} là thư mục, không phải tệp kho")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=WRITE_TIMEOUT)
        except sqlite3.Error as e:
            raise StoreError(f"không mở được kho {self.path}: {e}") from None
        try:
            _check_version(self.conn, self.path)
            # WAL: a reader never waits for an ingest, nor sees half of one; an ingest killed midway
            # leaves uncommitted frames that the next opener ignores. The mode is stored in the file.
            _set_wal(self.conn)
            self.conn.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        except sqlite3.Error as e:
            self.conn.close()
            raise StoreError(f"không mở được kho {self.path}: {e}") from None
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # one place that writes rows, so tests can interrupt a run midway
    def _insert(self, table: str, rows: list[dict]) -> None:
        cols = COLUMNS[table]
        sql = f"INSERT INTO {table}({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})"
        self.conn.executemany(sql, ([r.get(c) for c in cols] for r in rows))

    def ingest(self, records: list[dict], progress=None) -> IngestResult:
        """Write changed sources and rebuild the graph; unchanged sources (same content hash) are a
        no-op, and a run with nothing new writes nothing at all."""
        res = IngestResult()
        conn = self.conn
        names: dict[str, int] = {}
        for rec in records:
            names[rec["file"]] = names.get(rec["file"], 0) + 1
        dup = sorted(f for f, n in names.items() if n > 1)
        if dup:  # the second record would silently replace the first: refuse before writing anything
            raise StoreError(f"nhiều bản ghi cùng tên tệp {', '.join(dup[:3])}: nguồn được lưu theo tên tệp, "
                             f"hãy đổi tên một trong các tệp")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as e:
            raise StoreError(f"không ghi được kho {self.path}: {e}") from None
        try:
            v = _check_version(conn, self.path)
            if v == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
                if tables:
                    raise StoreError(f"{self.path} là cơ sở dữ liệu SQLite khác, không phải kho kg")
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
            have = {f: (sha, ver) for f, sha, ver in conn.execute("SELECT file, sha256, extract_version FROM sources")}
            for rec in sorted(records, key=lambda r: r["file"]):
                old = have.get(rec["file"])
                if old == (rec.get("sha256"), rec.get("schema_version")):
                    res.unchanged.append(rec["file"])
                    continue
                (res.changed if old else res.added).append(rec["file"])
                conn.execute("INSERT OR REPLACE INTO sources(file, sha256, extract_version, record) VALUES (?,?,?,?)",
                             (rec["file"], rec.get("sha256") or "", rec.get("schema_version"), _pack(rec)))
            if not res.wrote and v == SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                return res
            self._rebuild(progress)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the journal undoes the run when the store is next opened; keep the first error
            if isinstance(e, UnicodeEncodeError):  # text SQLite cannot hold (lone surrogates): nothing written
                where = e.object[max(0, e.start - 20):e.end]
                raise StoreError(f"bản ghi chứa ký tự không mã hóa được UTF-8 ({where!r}); kho giữ nguyên") from None
            raise
        return res

    def _rebuild(self, progress=None) -> None:
        conn = self.conn
        records = [_unpack(b) for (b,) in conn.execute("SELECT record FROM sources ORDER BY file")]
        rows = graph.build(records)
        for t in DERIVED:
            conn.execute(f"DELETE FROM {t}")
        search_index.clear(conn)
        conn.execute("UPDATE sources SET doc_id = NULL, rank = NULL")
        conn.executemany("UPDATE sources SET doc_id = ?, rank = ? WHERE file = ?",
                         [(s["doc_id"], s["rank"], s["file"]) for s in rows.sources])
        steps = [(t, getattr(rows, t)) for t in COLUMNS]
        for table, data in steps:
            self._insert(table, data)
            if progress:
                progress(table)
        conn.executemany("INSERT INTO aliases(alias, doc_id) VALUES (?, ?)", sorted(rows.aliases))
        search_index.write(conn, rows.search)


# the read side lives in its own module; importing it from here keeps `from kg.store import SqliteBackend` working
from .sqlite_backend import SqliteBackend  # noqa: E402,F401
