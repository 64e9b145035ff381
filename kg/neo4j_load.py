"""The local store -> a Bolt server (`kg push`), and the rows both `push` and the CSV export use.

Rows are streamed from the SQLite store (read-only) in the loader's shape:
  node: {"label": "Document", "id": "doc:…", "props": {...}}
  rel:  {"type": "IMPLEMENTS", "src": "doc:…", "dst": "doc:…", "key": "…", "props": {...}}
Every node is merged by its stable `id`, every relationship by its endpoints, type and a stable
content key `k` (a hash of what it says, so an unchanged edge keeps its key across rebuilds).

A push: constraints and indexes first, then nodes, then relationships, each in UNWIND batches,
one transaction per batch, retried on transient errors (MERGE makes a retried or repeated batch
harmless). Every node and relationship is stamped with the push's generation; when all batches
are in, whatever an older push left (and the store no longer has) is deleted, and the `KgMeta`
node records the generation the readers accept. An interrupted push therefore leaves the last
complete graph plus part of the new one, and the next full push converges: no duplicates."""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import uuid
import zlib
from dataclasses import asdict, dataclass, field
from typing import Callable, Iterable, Iterator

from .identity import ffold
from .neo4j_backend import (DOC_COLS, EDGE_PROPS, FN_COLS, MENTION_PROPS, MODEL_VERSION, NODE_LABELS, RESP_COLS,
                            TASK_COLS, Dialect, detect_flavor, existing_indexes, label, label_of, prepare, rel_type,
                            retry)
from .graph import EDGE_KINDS

SEARCH_PROPS = ("s_title", "s_body", "f_title", "f_body", "boost")
NODE_PROPS: dict[str, tuple[str, ...]] = {
    "Document": tuple(c for c in DOC_COLS if c != "id") + SEARCH_PROPS,
    "Task": tuple(c for c in TASK_COLS if c != "id") + SEARCH_PROPS,
    "Responsibility": tuple(c for c in RESP_COLS if c != "id"),
    "Footnote": tuple(c for c in FN_COLS if c != "id") + SEARCH_PROPS,
    "Unit": ("name", "parent_id", "aliases", "folded"),
    "Person": ("name", "title", "body"),
    "Source": ("file", "sha256", "extract_version", "doc_id", "rank", "record"),
    "Alias": ("name",),
    "KgMeta": ("model_version", "store_schema", "pushed_at"),
}
REL_PROPS: dict[str, tuple[str, ...]] = {
    **{t: ("eid",) + EDGE_PROPS for t in EDGE_KINDS},
    "MENTIONS": ("mid",) + MENTION_PROPS,
    "REFERS_TO": ("key", "status", "relations", "mentions"),
    "ALIAS_OF": (),
}
INT_PROPS = {"in_corpus", "ambiguous", "start", "end", "ord", "n", "rank", "extract_version", "eid", "implied", "mid",
             "footnote", "mentions", "model_version", "store_schema"}
FLOAT_PROPS = {"boost"}
LIST_PROPS = {"aliases", "folded"}
NODE_ORDER = ("Document", "Task", "Responsibility", "Footnote", "Unit", "Person", "Source", "Alias")

DEFAULT_BATCH = 10_000
MAX_BATCH_BYTES = 16_000_000


# --- rows from the store ------------------------------------------------------------------------------------

def _search_props(s: sqlite3.Row | None) -> dict:
    if s is None or s["kind"] is None:
        return {"s_title": None, "s_body": None, "f_title": None, "f_body": None, "boost": None}
    return {"s_title": s["title"], "s_body": s["body"], "f_title": ffold(s["title"] or ""),
            "f_body": ffold(s["body"] or ""), "boost": float(s["boost"] or 0.0)}


def _sel(cols, prefix: str = "") -> str:
    return ", ".join(f'{prefix}"{c}"' for c in cols)


def _content_key(*vals) -> str:
    return hashlib.sha1(json.dumps(vals, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def store_counts(conn: sqlite3.Connection) -> tuple[int, int]:
    one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
    nodes = sum(one(f"SELECT count(*) FROM {t}") for t in
                ("documents", "tasks", "responsibilities", "footnotes", "units", "persons", "sources"))
    nodes += one("SELECT count(DISTINCT alias) FROM aliases")
    rels = one("SELECT count(*) FROM edges") + one("SELECT count(*) FROM mentions") + one("SELECT count(*) FROM refs")
    rels += one("SELECT count(*) FROM aliases")
    return nodes, rels


def node_rows(conn: sqlite3.Connection) -> Iterator[dict]:
    """Every node of the store, label by label (Document, Task, … Source, Alias)."""
    conn.row_factory = sqlite3.Row

    def with_search(table, cols, kind):
        q = (f"SELECT {_sel(cols, 'x.')}, s.kind AS kind, s.title AS s_t, s.body AS s_b, s.boost AS boost FROM {table} x "
             f"LEFT JOIN search_items s ON s.node = x.id AND s.kind = '{kind}' ORDER BY x.id")
        for r in conn.execute(q):
            s = {"kind": r["kind"], "title": r["s_t"], "body": r["s_b"], "boost": r["boost"]}
            yield r["id"], {**{c: r[c] for c in cols if c != "id"}, **_search_props(s)}

    for i, p in with_search("documents", DOC_COLS, "document"):
        yield {"label": "Document", "id": i, "props": p}
    for i, p in with_search("tasks", TASK_COLS, "task"):
        yield {"label": "Task", "id": i, "props": p}
    for r in conn.execute(f"SELECT {_sel(RESP_COLS)} FROM responsibilities ORDER BY id"):
        yield {"label": "Responsibility", "id": r["id"], "props": {c: r[c] for c in RESP_COLS if c != "id"}}
    for i, p in with_search("footnotes", FN_COLS, "footnote"):
        yield {"label": "Footnote", "id": i, "props": p}
    aliases: dict[str, list[tuple[str, str]]] = {}
    for r in conn.execute("SELECT unit_id, alias, folded FROM unit_aliases ORDER BY unit_id, alias"):
        aliases.setdefault(r["unit_id"], []).append((r["alias"], r["folded"]))
    for r in conn.execute("SELECT id, name, parent_id FROM units ORDER BY id"):
        al = aliases.get(r["id"], [])
        yield {"label": "Unit", "id": r["id"], "props": {"name": r["name"], "parent_id": r["parent_id"],
                                                         "aliases": [a for a, _ in al], "folded": [f for _, f in al]}}
    for r in conn.execute("SELECT id, name, title, body FROM persons ORDER BY id"):
        yield {"label": "Person", "id": r["id"], "props": {"name": r["name"], "title": r["title"], "body": r["body"]}}
    for r in conn.execute("SELECT file, sha256, extract_version, doc_id, rank, record FROM sources ORDER BY file"):
        yield {"label": "Source", "id": "src:" + r["file"],
               "props": {"file": r["file"], "sha256": r["sha256"], "extract_version": r["extract_version"],
                         "doc_id": r["doc_id"], "rank": r["rank"],
                         "record": zlib.decompress(r["record"]).decode("utf-8")}}
    for (a,) in conn.execute("SELECT DISTINCT alias FROM aliases ORDER BY alias"):
        yield {"label": "Alias", "id": "alias:" + a, "props": {"name": a}}


def rel_rows(conn: sqlite3.Connection) -> Iterator[dict]:
    """Every relationship: the store's edges (with evidence and order), mentions, references and
    alias links. Rows with identical content are adjacent (ordered by content), so a repeat gets
    the next occurrence number in its key without holding the whole table in memory."""
    conn.row_factory = sqlite3.Row
    prev, n = None, 0
    cols = ("src", "dst", "rel", "implied", "via", "file", "start", "end", "sentence")
    order = _sel(cols)
    for r in conn.execute(f"SELECT id, {order} FROM edges ORDER BY rel, {order}, id"):
        vals = tuple(r[c] for c in cols)
        n = n + 1 if vals == prev else 0
        prev = vals
        yield {"type": r["rel"], "src": r["src"], "dst": r["dst"], "key": _content_key(*vals) + (f"#{n}" if n else ""),
               "props": {"eid": r["id"], **{c: r[c] for c in EDGE_PROPS}}}
    prev, n = None, 0
    cols = ("citing", "target") + MENTION_PROPS
    order = _sel(cols)
    for r in conn.execute(f"SELECT id, {order} FROM mentions ORDER BY {order}, id"):
        vals = tuple(r[c] for c in cols)
        n = n + 1 if vals == prev else 0
        prev = vals
        yield {"type": "MENTIONS", "src": r["citing"], "dst": r["target"],
               "key": _content_key(*vals) + (f"#{n}" if n else ""),
               "props": {"mid": r["id"], **{c: r[c] for c in MENTION_PROPS}}}
    for r in conn.execute("SELECT citing, target, key, status, relations, mentions FROM refs ORDER BY citing, target"):
        yield {"type": "REFERS_TO", "src": r["citing"], "dst": r["target"], "key": f"{r['citing']}>{r['target']}",
               "props": {c: r[c] for c in ("key", "status", "relations", "mentions")}}
    for r in conn.execute("SELECT alias, doc_id FROM aliases ORDER BY alias, doc_id"):
        yield {"type": "ALIAS_OF", "src": "alias:" + r["alias"], "dst": r["doc_id"], "key": r["doc_id"], "props": {}}


# --- statements ----------------------------------------------------------------------------------------------

def node_statement(lab: str) -> str:
    return f"UNWIND $rows AS r MERGE (n:{label(lab)} {{id: r.id}}) SET n += r.p RETURN count(n) AS written"


def rel_statement(src_label: str, typ: str, dst_label: str) -> str:
    return (f"UNWIND $rows AS r MATCH (a:{label(src_label)} {{id: r.src}}) MATCH (b:{label(dst_label)} {{id: r.dst}}) "
            f"MERGE (a)-[e:{rel_type(typ)} {{k: r.k}}]->(b) SET e += r.p RETURN count(e) AS written")


def node_statement_single(lab: str) -> str:
    """One row, one statement: the baseline the benchmark compares UNWIND batches with."""
    return f"MERGE (n:{label(lab)} {{id: $id}}) SET n += $p RETURN count(n) AS written"


def rel_statement_single(src_label: str, typ: str, dst_label: str) -> str:
    return (f"MATCH (a:{label(src_label)} {{id: $src}}) MATCH (b:{label(dst_label)} {{id: $dst}}) "
            f"MERGE (a)-[e:{rel_type(typ)} {{k: $k}}]->(b) SET e += $p RETURN count(e) AS written")


def _size(row: dict) -> int:
    n = 64
    for v in row["props"].values():
        if isinstance(v, str):
            n += len(v)
        elif isinstance(v, list):
            n += sum(len(x) for x in v if isinstance(x, str)) + 8 * len(v)
        else:
            n += 8
    return n


def batches(rows: Iterable[dict], size: int, max_bytes: int = MAX_BATCH_BYTES) -> Iterator[list[dict]]:
    """Rows in lists of at most `size` rows and (roughly) `max_bytes`: a batch of full texts must
    not become one huge message."""
    cur, nbytes = [], 0
    for r in rows:
        s = _size(r)
        if cur and (len(cur) >= size or nbytes + s > max_bytes):
            yield cur
            cur, nbytes = [], 0
        cur.append(r)
        nbytes += s
    if cur:
        yield cur


# --- the loader ------------------------------------------------------------------------------------------------

@dataclass
class PushSummary:
    uri: str = ""
    database: str | None = None
    server: str = ""
    generation: str = ""
    nodes: dict = field(default_factory=dict)
    relationships: dict = field(default_factory=dict)
    batches: int = 0
    batch_size: int = DEFAULT_BATCH
    retries: int = 0
    skipped_relationships: int = 0
    removed_stale: int = 0
    schema_statements: int = 0
    fulltext: str = ""
    seconds: float = 0.0

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_relationships(self) -> int:
        return sum(self.relationships.values())

    @property
    def rate(self) -> float:
        return (self.total_nodes + self.total_relationships) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(total_nodes=self.total_nodes, total_relationships=self.total_relationships, rate=round(self.rate, 1),
                 seconds=round(self.seconds, 3))
        return d


class Loader:
    """Writes loader rows to one server database in batches; `on_batch(rows_done)` is called after
    each committed batch (progress; tests inject an interruption there)."""

    def __init__(self, driver, database: str | None = None, batch_size: int = DEFAULT_BATCH,
                 max_bytes: int = MAX_BATCH_BYTES, on_batch: Callable[[int], None] | None = None,
                 generation: str | None = None, summary: PushSummary | None = None):
        self.driver, self.database = driver, database
        self.batch_size, self.max_bytes = max(1, int(batch_size)), max_bytes
        self.on_batch = on_batch
        self.gen = generation or uuid.uuid4().hex
        self.summary = summary or PushSummary(generation=self.gen, batch_size=self.batch_size, database=database)
        self.flavor = detect_flavor(driver, database)
        self.dialect = Dialect(self.flavor)
        self.summary.server = self.flavor

    # plumbing
    def _session(self):
        return self.driver.session(database=self.database)

    def run(self, cypher: str, **params) -> list[dict]:
        text, bolt_params = prepare(self.flavor, cypher, params)

        def work():
            with self._session() as s:
                return [r.data() for r in s.run(text, bolt_params)]
        return retry(work, on_retry=self._count_retry)

    def _count_retry(self, _n):
        self.summary.retries += 1

    def _commit_once(self, statements: list[tuple[str, dict]]) -> int:
        n = 0
        if self.flavor == "falkordb":
            # FalkorDB has no multi-statement transactions (BEGIN/COMMIT are acknowledged and
            # ignored, ROLLBACK undoes nothing) and reads the graph name only from RUN, which a
            # driver transaction leaves empty: each statement runs on its own, atomically
            with self._session() as s:
                for q, p in statements:
                    rec = s.run(*prepare(self.flavor, q, p)).single()
                    n += rec["written"] if rec else 0
            return n
        with self._session() as s, s.begin_transaction() as tx:
            for q, p in statements:
                rec = tx.run(q, p).single()
                n += rec["written"] if rec else 0
            tx.commit()
        return n

    def commit(self, statements: list[tuple[str, dict]]) -> int:
        """One transaction; the whole batch again on a transient error (MERGE is idempotent)."""
        return retry(lambda: self._commit_once(statements), on_retry=self._count_retry)

    # phases
    def create_schema(self) -> None:
        existing = existing_indexes(self.run) if self.flavor == "falkordb" else None
        stmts = self.dialect.schema(existing)
        for q in stmts:
            self.run(q)
        self.summary.schema_statements = len(stmts)
        from neo4j.exceptions import Neo4jError
        try:
            for q in self.dialect.fulltext(existing):
                self.run(q)
            self.summary.fulltext = "ok"
        except Neo4jError as e:
            self.summary.fulltext = f"không tạo được chỉ mục toàn văn: {getattr(e, 'message', e)}"

    def begin(self) -> None:
        self.run("MERGE (m:KgMeta {id: 'kg'}) SET m.pushing = $gen", gen=self.gen)

    def _stamp(self, props: dict) -> dict:
        return {**props, "gen": self.gen}

    def write_nodes(self, rows: Iterable[dict]) -> None:
        for batch in batches(rows, self.batch_size, self.max_bytes):
            groups: dict[str, list] = {}
            for r in batch:
                groups.setdefault(r["label"], []).append({"id": r["id"], "p": self._stamp(r["props"])})
            stmts = [(node_statement(lab), {"rows": rows_}) for lab, rows_ in groups.items()]
            self.commit(stmts)
            for lab, rows_ in groups.items():
                self.summary.nodes[lab] = self.summary.nodes.get(lab, 0) + len(rows_)
            self._done(len(batch))

    def write_rels(self, rows: Iterable[dict]) -> None:
        for batch in batches(rows, self.batch_size, self.max_bytes):
            groups: dict[tuple, list] = {}
            for r in batch:
                g = (label_of(r["src"]), r["type"], label_of(r["dst"]))
                groups.setdefault(g, []).append({"src": r["src"], "dst": r["dst"], "k": r["key"],
                                                 "p": self._stamp(r["props"])})
            stmts = [(rel_statement(*g), {"rows": rows_}) for g, rows_ in groups.items()]
            written = self.commit(stmts)
            for g, rows_ in groups.items():
                self.summary.relationships[g[1]] = self.summary.relationships.get(g[1], 0) + len(rows_)
            self.summary.skipped_relationships += len(batch) - written
            self._done(len(batch))

    def write_nodes_single(self, rows: Iterable[dict]) -> None:
        """One statement and one transaction per row (the benchmark's baseline)."""
        for r in rows:
            self.commit([(node_statement_single(r["label"]), {"id": r["id"], "p": self._stamp(r["props"])})])
            self.summary.nodes[r["label"]] = self.summary.nodes.get(r["label"], 0) + 1

    def write_rels_single(self, rows: Iterable[dict]) -> None:
        for r in rows:
            st = rel_statement_single(label_of(r["src"]), r["type"], label_of(r["dst"]))
            self.commit([(st, {"src": r["src"], "dst": r["dst"], "k": r["key"], "p": self._stamp(r["props"])})])
            self.summary.relationships[r["type"]] = self.summary.relationships.get(r["type"], 0) + 1

    def _done(self, n: int) -> None:
        self.summary.batches += 1
        if self.on_batch:
            self.on_batch(n)

    def remove_stale(self, limit: int = 10_000) -> int:
        """Delete what an older push wrote and this one did not (the store no longer has it)."""
        removed = 0
        for typ in sorted(REL_PROPS):
            removed += self._delete_in_batches(
                f"MATCH ()-[e:{rel_type(typ)}]->() WHERE e.gen IS NULL OR e.gen <> $gen "
                "WITH e LIMIT $lim DELETE e RETURN count(*) AS removed", limit)
        for lab in NODE_ORDER:
            removed += self._delete_in_batches(
                f"MATCH (n:{label(lab)}) WHERE n.gen IS NULL OR n.gen <> $gen "
                "WITH n LIMIT $lim DETACH DELETE n RETURN count(*) AS removed", limit)
        self.summary.removed_stale = removed
        return removed

    def _delete_in_batches(self, query: str, limit: int) -> int:
        """Run a LIMITed delete until a batch comes back short (one transaction per batch)."""
        removed = 0
        while True:
            n = self.run(query, gen=self.gen, lim=limit)[0]["removed"]
            removed += n
            if n < limit:
                return removed

    def finish(self, store_schema: int | None = None) -> None:
        self.run("MERGE (m:KgMeta {id: 'kg'}) SET m.gen = $gen, m.pushing = null, m.model_version = $v, "
                 "m.store_schema = $s, m.pushed_at = $t, m.nodes = $n, m.relationships = $r",
                 gen=self.gen, v=MODEL_VERSION, s=store_schema, t=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                 n=self.summary.total_nodes, r=self.summary.total_relationships)
        wait = self.dialect.await_indexes()
        if wait:
            from neo4j.exceptions import Neo4jError
            try:
                self.run(wait)
            except Neo4jError:
                pass


def push(conn: sqlite3.Connection, driver, database: str | None = None, batch_size: int = DEFAULT_BATCH,
         on_batch: Callable[[int], None] | None = None, uri: str = "") -> PushSummary:
    """The whole store onto the server: schema, nodes, relationships, stale removal, meta."""
    t0 = time.perf_counter()
    loader = Loader(driver, database, batch_size, on_batch=on_batch)
    loader.summary.uri = uri
    loader.create_schema()
    loader.begin()
    loader.write_nodes(node_rows(conn))
    loader.write_rels(rel_rows(conn))
    loader.remove_stale()
    schema = conn.execute("PRAGMA user_version").fetchone()[0]
    loader.finish(schema)
    loader.summary.seconds = time.perf_counter() - t0
    return loader.summary


def server_counts(run) -> tuple[dict, dict]:
    """Nodes per label and relationships per type on the server (for checks and tests)."""
    nodes = {lab: run(f"MATCH (n:{label(lab)}) RETURN count(n) AS c")[0]["c"] for lab in NODE_LABELS}
    rels = {t: run(f"MATCH ()-[e:{rel_type(t)}]->() RETURN count(e) AS c")[0]["c"] for t in REL_PROPS}
    return nodes, rels


__all__ = ["Loader", "PushSummary", "push", "node_rows", "rel_rows", "store_counts", "batches", "node_statement",
           "rel_statement", "NODE_PROPS", "REL_PROPS", "INT_PROPS", "FLOAT_PROPS", "LIST_PROPS", "server_counts"]
