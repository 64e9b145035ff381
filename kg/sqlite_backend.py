"""The read side of the embedded store: snapshot connections and the query primitives."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from . import search_rank
from .store import DEFAULT_DB, SCHEMA_VERSION, WRITE_TIMEOUT, StoreError, _check_version, _unpack


def _ph(n: int) -> str:
    return ", ".join("?" * n)


def _chunks(seq, n=400):
    seq = list(seq)
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


# Errors of a read-only connection that cannot set up or repair the journal files (WAL index in a
# folder it may not write, a hot journal left by a killed writer of the rollback-journal era).
_REPAIR = {"SQLITE_READONLY_ROLLBACK", "SQLITE_READONLY_RECOVERY"}
_NO_SHM = {"SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_CANTINIT", "SQLITE_READONLY_RECOVERY", "SQLITE_CANTOPEN"}


def _errname(e: sqlite3.Error) -> str:
    name = getattr(e, "sqlite_errorname", None)  # Python 3.11+
    if name:
        return name
    msg = str(e)
    if "readonly" in msg or "read-only" in msg:
        return "SQLITE_READONLY_DIRECTORY"
    return "SQLITE_CANTOPEN" if "unable to open" in msg else ""


def _open_snapshot(path: Path, extra: str = "") -> sqlite3.Connection:
    """A read-only connection inside a read transaction; the snapshot starts with the first read."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{extra}", uri=True, isolation_level=None)
    try:
        conn.execute("BEGIN")
        conn.execute("PRAGMA user_version").fetchone()
        return conn
    except BaseException:
        conn.close()
        raise


def _open_read(path: Path) -> sqlite3.Connection:
    try:
        return _open_snapshot(path)
    except sqlite3.Error as e:
        err = e
    name = _errname(err)
    if name in _REPAIR and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK):
        # A writer was killed; a read-write open repairs the journal (what any writer does first).
        try:
            fix = sqlite3.connect(path, timeout=WRITE_TIMEOUT)
            try:
                fix.execute("PRAGMA user_version").fetchone()
            finally:
                fix.close()
            return _open_snapshot(path)
        except sqlite3.Error as e:
            err, name = e, _errname(e)
    if name in _NO_SHM:
        journal = Path(f"{path}-journal")
        if journal.exists() and journal.stat().st_size > 0:
            raise StoreError(f"kho {path} còn dở một lần ghi bị ngắt và không ghi được vào thư mục của nó; "
                             f"hãy chạy `kg build` với quyền ghi để khôi phục") from None
        # Read-only media: no WAL index can be made there, and then no writer can be writing either.
        try:
            return _open_snapshot(path, "&immutable=1")
        except sqlite3.Error as e:
            err = e
    if isinstance(err, sqlite3.DatabaseError) and _errname(err) in ("SQLITE_NOTADB", "SQLITE_CORRUPT", ""):
        raise StoreError(f"{path} không phải kho kg ({err})") from None
    raise StoreError(f"không mở được kho {path}: {err}") from None


class SqliteBackend:
    """Read side: the primitives the query functions call (the same names a Neo4j backend offers).

    One backend reads one snapshot of the store: everything it answers comes from the state at its
    first question (an ingest that commits meanwhile is not seen, not even in part) until `refresh()`.
    Open one per request or command, or call `refresh()` between requests."""

    def __init__(self, path: str | os.PathLike = DEFAULT_DB):
        self.path = Path(path)
        if not self.path.exists():
            raise StoreError(f"không có kho {self.path}: hãy chạy `kg build` trước (hoặc chỉ --db)")
        if self.path.is_dir():
            raise StoreError(f"{self.path} là thư mục, không phải tệp kho")
        self.conn = _open_read(self.path)
        self.conn.row_factory = sqlite3.Row
        try:
            v = _check_version(self.conn, self.path)
        except BaseException:
            self.conn.close()
            raise
        if v < SCHEMA_VERSION:
            self.conn.close()
            raise StoreError(f"{self.path} không phải kho kg hoặc còn trống (lược đồ {v}): hãy chạy `kg build`")

    def refresh(self) -> None:
        """End the snapshot: the next question sees the latest committed ingest."""
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self.conn.execute("BEGIN")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _all(self, sql: str, args=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, tuple(args))]

    # --- documents and their parts ---------------------------------------------------------------
    def find_documents(self, alias_norm: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT doc_id FROM aliases WHERE alias = ? ORDER BY doc_id",
                                                (alias_norm,))]

    def find_documents_prefix(self, prefix_norm: str) -> list[tuple[str, str]]:
        hi = prefix_norm + "\U0010ffff"
        return [(r[0], r[1]) for r in self.conn.execute(
            "SELECT alias, doc_id FROM aliases WHERE alias >= ? AND alias < ? ORDER BY alias, doc_id LIMIT 200",
            (prefix_norm, hi))]

    def documents(self, ids) -> dict[str, dict]:
        out = {}
        for ch in _chunks(ids):
            for r in self._all(f"SELECT * FROM documents WHERE id IN ({_ph(len(ch))})", ch):
                out[r["id"]] = r
        return out

    def sources(self, doc_id: str) -> list[dict]:
        return self._all("SELECT file, sha256, rank FROM sources WHERE doc_id = ? ORDER BY rank", (doc_id,))

    def record(self, file: str) -> dict | None:
        row = self.conn.execute("SELECT record FROM sources WHERE file = ?", (file,)).fetchone()
        return _unpack(row[0]) if row else None

    def tasks(self, doc_id: str) -> list[dict]:
        return self._all("SELECT * FROM tasks WHERE doc_id = ? ORDER BY ord", (doc_id,))

    def responsibilities(self, doc_id: str) -> list[dict]:
        return self._all("SELECT r.*, u.name AS unit FROM responsibilities r LEFT JOIN units u ON u.id = r.unit_id "
                         "WHERE r.doc_id = ? ORDER BY r.ord", (doc_id,))

    def footnotes(self, doc_id: str | None = None) -> list[dict]:
        sql = ("SELECT f.*, d.key AS document FROM footnotes f JOIN documents d ON d.id = f.doc_id")
        if doc_id is None:
            return self._all(sql + " ORDER BY d.key, f.n")
        return self._all(sql + " WHERE f.doc_id = ? ORDER BY f.n", (doc_id,))

    # --- nodes and edges --------------------------------------------------------------------------
    def nodes(self, ids) -> dict[str, dict]:
        """Id -> {id, kind, key, doc_type, title, ...} for nodes of any kind."""
        ids = sorted(set(ids))
        by_kind: dict[str, list[str]] = {}
        for i in ids:
            by_kind.setdefault(i.split(":", 1)[0], []).append(i)
        out: dict[str, dict] = {}
        queries = {
            "doc": ("SELECT id, key, 'Document' AS kind, doc_type, title, in_corpus, ambiguous, issuer, issued_date "
                    "FROM documents"),
            "task": ("SELECT t.id, t.key, 'Task' AS kind, NULL AS doc_type, t.title, t.label, t.deadline, t.doc_id "
                     "FROM tasks t"),
            "resp": ("SELECT r.id, r.key, 'Responsibility' AS kind, NULL AS doc_type, r.title, r.label, r.doc_id "
                     "FROM responsibilities r"),
            "fn": "SELECT f.id, f.key, 'Footnote' AS kind, NULL AS doc_type, f.text AS title, f.n, f.doc_id FROM footnotes f",
            "unit": "SELECT u.id, u.name AS key, 'Unit' AS kind, NULL AS doc_type, u.name AS title FROM units u",
            "person": "SELECT p.id, p.name AS key, 'Person' AS kind, NULL AS doc_type, p.title AS title FROM persons p",
        }
        for kind, kids in by_kind.items():
            if kind not in queries:
                continue
            for ch in _chunks(kids):
                for r in self._all(f"{queries[kind]} WHERE id IN ({_ph(len(ch))})", ch):
                    out[r["id"]] = r
        return out

    def walk(self, start: list[str], rels: list[str], direction: str = "out", implied: bool = True) -> set[str]:
        """Every node reachable from `start` along `rels` (and implied relations), one recursive CTE:
        the Cypher equivalent is MATCH (s)-[:REL*0..]->(n)."""
        a, b = ("src", "dst") if direction == "out" else ("dst", "src")
        sql = (f"WITH RECURSIVE seed(n) AS (VALUES {', '.join(['(?)'] * len(start))}), "
               f"walk(n) AS (SELECT n FROM seed UNION SELECT e.{b} FROM walk JOIN edges e ON e.{a} = walk.n "
               f"WHERE e.rel IN ({_ph(len(rels))}) OR (? AND e.implied = 1)) SELECT n FROM walk")
        return {r[0] for r in self.conn.execute(sql, (*start, *rels, 1 if implied else 0))}

    def edges(self, ids, rels: list[str] | None = None, direction: str = "out", implied: bool = False) -> list[dict]:
        """Edges leaving (out) or entering (in) the given nodes, with their evidence: one per (from,
        to, relation), the directly stated one before an implied one, then the first written. An
        implied relation is stored once per document that states it, so a popular one has many
        copies; they are told apart in SQL, and only the kept one's evidence is read."""
        col = "src" if direction == "out" else "dst"
        out = []
        for ch in _chunks(sorted(set(ids))):
            where = f"{col} IN ({_ph(len(ch))})"
            args = list(ch)
            if rels is not None:
                where += f" AND (rel IN ({_ph(len(rels))}) OR (? AND implied = 1))"
                args += [*rels, 1 if implied else 0]
            out += self._all("SELECT * FROM edges WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER "
                             f"(PARTITION BY src, dst, rel ORDER BY implied, id) AS n FROM edges WHERE {where}) "
                             "WHERE n = 1) ORDER BY id", args)
        return out

    def all_nodes(self):
        for t, q in (("doc", "SELECT id, key, doc_type, title, in_corpus FROM documents"),
                     ("task", "SELECT id, key, title, deadline FROM tasks"),
                     ("resp", "SELECT id, key, title FROM responsibilities"),
                     ("fn", "SELECT id, key, text AS title FROM footnotes"),
                     ("unit", "SELECT id, name AS key FROM units"),
                     ("person", "SELECT id, name AS key, title FROM persons")):
            for r in self.conn.execute(q):
                yield {"kind": t, **dict(r)}

    def all_edges(self):
        for r in self.conn.execute("SELECT src, dst, rel, implied, file, start, \"end\", sentence FROM edges ORDER BY id"):
            yield dict(r)

    # --- units ------------------------------------------------------------------------------------
    def units(self) -> list[dict]:
        rows = self._all("SELECT u.id, u.name, p.name AS parent FROM units u LEFT JOIN units p ON p.id = u.parent_id "
                         "ORDER BY u.name, u.id")
        aliases: dict[str, list[str]] = {}
        for r in self.conn.execute("SELECT unit_id, alias FROM unit_aliases ORDER BY unit_id, alias"):
            aliases.setdefault(r[0], []).append(r[1])
        counts = {r[0]: r[1] for r in self.conn.execute(
            "SELECT src, count(DISTINCT dst) FROM edges WHERE rel IN ('LEADS','SUPPORTS','EXECUTES') GROUP BY src")}
        for r in rows:
            r["aliases"] = aliases.get(r["id"], [])
            r["tasks"] = counts.get(r["id"], 0)
        return rows

    def unit_display(self) -> dict[str, str]:
        """Unit id -> its canonical name (what `units()` gives without the costly task counts)."""
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, name FROM units")}

    def units_spelled(self, folded: str) -> list[tuple[str, str, str]]:
        """(unit id, spelling, canonical name) of every spelling whose folded form is `folded`, one
        indexed lookup: a unit named as the registry knows it needs no scan of every spelling."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT a.unit_id, a.alias, u.name FROM unit_aliases a JOIN units u ON u.id = a.unit_id "
            "WHERE a.folded = ? ORDER BY a.unit_id, a.alias", (folded,))]

    def unit_names(self) -> list[tuple[str, str, str]]:
        """(unit id, name or spelling, folded) for matching a user's words against units."""
        return [(r[0], r[1], r[2]) for r in self.conn.execute(
            "SELECT unit_id, alias, folded FROM unit_aliases ORDER BY unit_id, alias")]

    def unit_work(self, unit_id: str) -> list[dict]:
        """Tasks and responsibilities of a unit, with its role in each: rows read by column name
        (sqlite3.Row, not copied into dicts: a generic unit has tens of thousands at 100k documents)."""
        return self.conn.execute(
            "SELECT e.rel, t.id, t.key, t.label, t.title, t.deadline, t.deadline_start, t.deadline_end, t.ord, "
            "d.id AS doc_id, d.key AS document FROM edges e JOIN tasks t ON t.id = e.dst JOIN documents d ON d.id = t.doc_id "
            "WHERE e.src = ? AND e.rel IN ('LEADS','SUPPORTS','EXECUTES') "
            "UNION ALL "
            "SELECT e.rel, r.id, r.key, r.label, r.title, NULL, NULL, NULL, r.ord + 100000, d.id, d.key "
            "FROM edges e JOIN responsibilities r ON r.id = e.dst JOIN documents d ON d.id = r.doc_id "
            "WHERE e.src = ? AND e.rel = 'RESPONSIBLE_FOR' ORDER BY 11, 9, 1", (unit_id, unit_id)).fetchall()

    # --- citations --------------------------------------------------------------------------------
    def mentions(self, target_ids) -> list[dict]:
        out = []
        for ch in _chunks(sorted(set(target_ids))):
            out += self._all(
                "SELECT m.*, d.key AS document, t.key AS task, t.label AS task_label FROM mentions m "
                "JOIN documents d ON d.id = m.citing LEFT JOIN tasks t ON t.id = m.task_id "
                f"WHERE m.target IN ({_ph(len(ch))}) ORDER BY d.key, m.file, m.start", ch)
        return out

    def refs(self, citing: str | None = None, target: str | None = None) -> list[dict]:
        sql = ("SELECT r.*, c.key AS citing_key, t.key AS target_key, t.in_corpus FROM refs r "
               "JOIN documents c ON c.id = r.citing JOIN documents t ON t.id = r.target")
        if citing is not None:
            return self._all(sql + " WHERE r.citing = ? ORDER BY t.key", (citing,))
        if target is not None:
            return self._all(sql + " WHERE r.target = ? ORDER BY c.key", (target,))
        return self._all(sql + " ORDER BY c.key, t.key")

    def footnote_refs(self, doc_id: str | None = None) -> list[dict]:
        sql = ("SELECT e.src AS footnote, d.key AS target, d.id AS target_id FROM edges e "
               "JOIN documents d ON d.id = e.dst JOIN footnotes f ON f.id = e.src WHERE e.rel = 'CITES_IN_FOOTNOTE'")
        if doc_id is not None:
            return self._all(sql + " AND f.doc_id = ? ORDER BY e.id", (doc_id,))
        return self._all(sql + " ORDER BY e.id")

    def cited_by_many(self, min_citers: int = 2) -> list[dict]:
        return self._all(
            "SELECT t.id, t.key, t.doc_type, t.title, t.in_corpus, count(DISTINCT r.citing) AS citers, "
            "group_concat(c.key, '\x1f') AS citing FROM refs r JOIN documents t ON t.id = r.target "
            "JOIN documents c ON c.id = r.citing GROUP BY t.id HAVING count(DISTINCT r.citing) >= ? "
            "ORDER BY citers DESC, t.key", (min_citers,))

    # --- search and stats -------------------------------------------------------------------------
    def search(self, match: str, limit: int, kinds: list[str] | None = None) -> list[dict]:
        """The `limit` best hits by bm25 (folded text), best first; `match` is an FTS5 expression of
        quoted tokens. How they are found without scoring every match: kg/search_rank.py."""
        return search_rank.top(self.conn, match, limit, kinds)

    def counts(self) -> dict:
        one = lambda sql, args=(): self.conn.execute(sql, args).fetchone()[0]  # noqa: E731
        c = {
            "sources": one("SELECT count(*) FROM sources"),
            "documents": one("SELECT count(*) FROM documents WHERE ambiguous = 0"),
            "documents_in_corpus": one("SELECT count(*) FROM documents WHERE in_corpus = 1"),
            "references": one("SELECT count(*) FROM refs"),
            "resolved": one("SELECT count(*) FROM refs WHERE status = 'resolved'"),
            "unresolved": one("SELECT count(*) FROM refs WHERE status = 'unresolved'"),
            "ambiguous": one("SELECT count(*) FROM refs WHERE status = 'ambiguous'"),
            "tasks": one("SELECT count(*) FROM tasks"),
            "responsibilities": one("SELECT count(*) FROM responsibilities"),
            "units": one("SELECT count(*) FROM units"),
            "footnotes": one("SELECT count(*) FROM footnotes"),
            "persons": one("SELECT count(*) FROM persons"),
            "mentions": one("SELECT count(*) FROM mentions"),
        }
        c["edges"] = {r[0]: r[1] for r in self.conn.execute("SELECT rel, count(*) FROM edges GROUP BY rel ORDER BY rel")}
        return c

    def missing(self) -> list[dict]:
        return self._all(
            "SELECT d.key, d.doc_type, d.issuer, d.issued_date, d.title, count(DISTINCT r.citing) AS cited_by, "
            "sum(r.mentions) AS mentions FROM documents d JOIN refs r ON r.target = d.id "
            "WHERE d.in_corpus = 0 AND d.ambiguous = 0 GROUP BY d.id ORDER BY cited_by DESC, mentions DESC, d.key")

    def ambiguous(self) -> list[dict]:
        return self._all("SELECT key, candidates FROM documents WHERE ambiguous = 1 ORDER BY key")
