"""The embedded store: one SQLite file holding every source record and the graph built from them.

Each ingest run is one transaction: changed sources are written, then the derived tables (nodes,
edges, mentions, search index) are rebuilt from all stored records, because identity is global (a
new source can resolve, merge or disambiguate documents that other sources cite). The records are
streamed: each is digested once (kg/digest.py) into a small summary kept in memory and facts
spilled to a scratch file, so memory grows with the summaries, not with the texts (an input the
store holds unchanged is not even extracted again); the transaction is opened only when every new
record is digested, and held while the rows are written. An interrupted run -- an exception,
Ctrl-C, or the process killed outright -- leaves exactly the previous state
(tests/test_crash_safety.py kills `kg build` at random points). The store is in WAL journal mode:
readers query while an ingest runs and see the state before it until it commits. A `SqliteBackend`
(kg/sqlite_backend.py) reads one snapshot: the state when its first question was asked, until
`refresh()` or `close()`, so the several queries behind one answer never mix two states.
`SqliteBackend` answers the query layer's questions with indexed lookups and recursive CTEs; it
never loads the whole graph for one question."""
from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from . import graph, search_index
from .digest import digest, facts, pack, summary, unpack
from .graph import COLUMNS
from extract.same import HEAD_CHARS, same_links
from .spill import Spill

SCHEMA_VERSION = 1
DEFAULT_DB = Path(".kg") / "graph.sqlite"
# A second `kg build` waits this long for the one writing the store before giving up.
WRITE_TIMEOUT = 120.0
# A commit is on disk when `kg build` returns (FULL); the cost is one fsync per run.
SYNCHRONOUS = "FULL"

DERIVED = ("documents", "aliases", "tasks", "responsibilities", "footnotes", "units", "unit_aliases", "persons",
           "edges", "refs", "mentions")
# rows per INSERT statement while the graph is written
BATCH = 2000
# page cache of the writing connection (KiB): a rebuild rewrites every derived table
WRITE_CACHE_KIB = 256 * 1024

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
CREATE INDEX edges_src ON edges(src, rel, dst);  -- covering: a unit's work is read without the edge rows
CREATE INDEX edges_dst ON edges(dst, rel);
CREATE TABLE refs(citing TEXT NOT NULL, target TEXT NOT NULL, key TEXT NOT NULL, status TEXT NOT NULL,
                  relations TEXT, mentions INTEGER, PRIMARY KEY(citing, target)) WITHOUT ROWID;
CREATE INDEX refs_target ON refs(target);
CREATE TABLE mentions(id INTEGER PRIMARY KEY, citing TEXT NOT NULL, target TEXT NOT NULL, key TEXT, file TEXT,
                      start INTEGER, "end" INTEGER, region TEXT, footnote INTEGER, task_id TEXT, relations TEXT,
                      sentence TEXT);
CREATE INDEX mentions_target ON mentions(target, citing, start);
""" + search_index.SCHEMA

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


_pack, _unpack = pack, unpack  # the read side (kg/sqlite_backend.py) unpacks records with _unpack


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


class _Rows:
    """Where a rebuild's rows go: batched into INSERT statements."""

    def __init__(self, store: "Store"):
        self.store = store
        self.pending: dict[str, list] = {t: [] for t in COLUMNS}

    def row(self, table: str, values: tuple) -> None:
        rows = self.pending[table]
        rows.append(values)
        if len(rows) >= BATCH:
            self.store._insert(table, rows)
            self.pending[table] = []

    def flush(self) -> None:
        for table, rows in self.pending.items():
            if rows:
                self.store._insert(table, rows)
                self.pending[table] = []


def _refuse_duplicates(files: Iterable[str]) -> None:
    names: dict[str, int] = {}
    for f in files:
        names[f] = names.get(f, 0) + 1
    dup = sorted(f for f, n in names.items() if n > 1)
    if dup:  # the second record would silently replace the first: refuse before writing anything
        raise StoreError(f"nhiều bản ghi cùng tên tệp {', '.join(dup[:3])}: nguồn được lưu theo tên tệp, "
                         f"hãy đổi tên một trong các tệp")


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
            self.conn.execute(f"PRAGMA cache_size=-{WRITE_CACHE_KIB}")
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
    def _insert(self, table: str, rows: list[tuple]) -> None:
        cols = COLUMNS[table]
        sql = f"INSERT INTO {table}({', '.join(map(_q, cols))}) VALUES ({', '.join('?' * len(cols))})"
        self.conn.executemany(sql, rows)

    def ingest(self, records: list[dict], progress=None) -> IngestResult:
        """Write changed sources and rebuild the graph; unchanged sources (same content hash) are a
        no-op, and a run with nothing new writes nothing at all. `progress(done, total)` is told of
        each document written."""
        _refuse_duplicates(r["file"] for r in records)
        return self.ingest_digests((digest(r) for r in records), progress=progress)

    def stored_sources(self) -> dict[str, tuple[str, int]]:
        """{file: (sha256, extraction version)} of every source the store holds (what an unchanged
        input needs no extraction for; see DigestStream)."""
        if _check_version(self.conn, self.path) == 0:
            return {}
        return {f: (sha, ver) for f, sha, ver in self.conn.execute("SELECT file, sha256, extract_version FROM sources")}

    def ingest_digests(self, items: Iterable[tuple], link: bool = False,
                       progress: Callable[[int, int], None] | None = None) -> IngestResult:
        """`ingest` for records already digested ((summary, facts, packed record) from
        kg.digest.digest, in run order), as extraction workers hand them over. An item may be
        ({file, sha256, version, "stored": True}, None, None): an input the store held unchanged
        when the run began, not extracted again. With `link`, the records of this run that are one
        document get `same_as` (extract.same's rule) first."""
        with Spill() as spill:
            run = []
            for s, f, packed in items:
                if f is not None:
                    spill.put("f:" + s["file"], f)
                    spill.put("p:" + s["file"], packed)
                run.append(s)
            _refuse_duplicates(s["file"] for s in run)
            return self._write(run, spill, link, progress)

    def _write(self, run: list[dict], spill: Spill, link: bool, progress) -> IngestResult:
        res = IngestResult()
        conn = self.conn
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
            have = {f: (sha, ver, doc_id, rank) for f, sha, ver, doc_id, rank
                    in conn.execute("SELECT file, sha256, extract_version, doc_id, rank FROM sources")}
            fresh: dict[str, dict] = {}  # new or changed sources, by file
            for s in sorted(run, key=lambda s: s["file"]):
                old = have.get(s["file"])
                if old is not None and old[:2] == (s["sha256"], s["version"]):
                    res.unchanged.append(s["file"])
                    continue
                if s.get("stored"):  # unchanged when the run began, replaced since by another build
                    raise StoreError(f"một lần nạp khác vừa ghi {s['file']} vào kho {self.path}; "
                                     f"hãy chạy lại kg build")
                if "unencodable" in s:  # text SQLite cannot hold (lone surrogates): nothing written
                    raise StoreError(f"bản ghi chứa ký tự không mã hóa được UTF-8 ({s['unencodable']!r}); "
                                     f"kho giữ nguyên")
                (res.changed if old else res.added).append(s["file"])
                fresh[s["file"]] = s
            if not res.wrote and v == SCHEMA_VERSION:
                conn.execute("ROLLBACK")
                return res
            stored = self._digest_stored(fresh, spill)
            if link:
                _link(run, fresh, stored, spill)
            self._rebuild(have, fresh, stored, spill, progress)
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

    def _digest_stored(self, fresh: dict, spill: Spill) -> dict[str, dict]:
        """Summaries of the stored sources this run keeps (facts spilled), from their records."""
        stored = {}
        for file, blob in self.conn.execute("SELECT file, record FROM sources"):
            if file not in fresh:
                rec = unpack(blob)
                spill.put("f:" + file, facts(rec))
                stored[file] = summary(rec)
        return stored

    def _rebuild(self, have: dict, fresh: dict, stored: dict, spill: Spill, progress=None) -> None:
        """The derived tables, from every source: the fresh ones and the stored ones."""
        conn = self.conn
        sources = [*stored.values(), *fresh.values()]
        plan = graph.Plan(sources)
        # the derived tables are rewritten whole: their indexes are built once at the end (sorted)
        # instead of row by row in random order
        indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               f"AND tbl_name IN ({', '.join('?' * len(DERIVED))}) ORDER BY name", DERIVED).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for t in DERIVED:
            conn.execute(f"DELETE FROM {t}")
        search_index.clear(conn)
        rows = _Rows(self)
        # the search index is written as the rows go by: one pass, in document order
        search_index.write(conn, plan.rows(lambda file: spill.get("f:" + file), rows, progress))
        rows.flush()
        for _name, sql in indexes:
            conn.execute(sql)
        placed = {f: (did, rank) for f, did, rank in plan.placed}
        conn.executemany("INSERT OR REPLACE INTO sources(file, sha256, extract_version, doc_id, rank, record) "
                         "VALUES (?,?,?,?,?,?)",
                         ((f, fresh[f]["sha256"] or "", fresh[f]["version"], *placed[f], spill.get("p:" + f))
                          for f in sorted(fresh)))
        conn.executemany("UPDATE sources SET doc_id = ?, rank = ? WHERE file = ?",
                         [(*at, f) for f, at in placed.items() if f not in fresh and have[f][2:] != at])


def _link(run: list[dict], fresh: dict, stored: dict, spill: Spill) -> None:
    """same_as for the new and changed sources of the run (the unchanged keep what is stored; an
    input not extracted again takes part with its stored record)."""
    from extract.units import fold

    def body(i: int) -> str:
        return fold(spill.get("f:" + run[i]["file"])["text"][:HEAD_CHARS])

    keys = [stored[s["file"]]["link"] if s.get("stored") else s["link"] for s in run]
    for i, j in same_links(keys, body).items():
        s = run[i]
        if s["file"] not in fresh:
            continue
        d = s["document"]
        d.setdefault("same_as", None)
        if d["same_as"]:
            continue
        d["same_as"] = run[j]["file"]
        rec = unpack(spill.get("p:" + s["file"]))
        rec["document"].setdefault("same_as", None)
        rec["document"]["same_as"] = run[j]["file"]
        spill.put("p:" + s["file"], pack(rec))


# the read side lives in its own module; importing it from here keeps `from kg.store import SqliteBackend` working
from .sqlite_backend import SqliteBackend  # noqa: E402,F401
