"""The graph on a Bolt server (Neo4j 5, or FalkorDB in tests): connection, dialect, read side.

`Neo4jBackend` offers the same methods as `kg.store.SqliteBackend` (see `queries.backend.Backend`),
so every query function runs unchanged; each method is one or a few Cypher statements with
ORDER BY, and the final order is fixed in Python with SQLite's rules (NULL first, code-point
order), so `--json` answers are byte-identical to the local store's.

Graph model (written by `kg.neo4j_load`, also what `kg.neo4j_csv` exports): every node has a
stable `id` (the store's ids: "doc:…", "task:…", "resp:…", "fn:…", "unit:…", "person:…", plus
"src:FILE" for source records and "alias:NORM" for lookup spellings); the store's edges are
relationships of the same type carrying their evidence (`eid` keeps the store's order);
citations are `MENTIONS` (one per mention) and `REFERS_TO` (one per citing/cited pair).

Connections: one driver per (uri, user, password) per process, a short connection timeout, and a
bounded retry with backoff on ServiceUnavailable / SessionExpired / TransientError. FalkorDB
stalls the first Bolt handshake after a client said GOODBYE; a plain TCP connect clears that, so
`connect` opens (and closes) one before the driver's first handshake — which also tells a server
that is down in one line."""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import re
import socket
import time
from typing import Callable, Iterable
from urllib.parse import urlsplit

from .graph import EDGE_KINDS

# --- the fixed vocabulary: the only names ever put into Cypher text ------------------------------------

LABEL_OF_KIND = {"doc": "Document", "task": "Task", "resp": "Responsibility", "fn": "Footnote", "unit": "Unit",
                 "person": "Person", "src": "Source", "alias": "Alias"}
NODE_LABELS = tuple(LABEL_OF_KIND.values()) + ("KgMeta",)
EXTRA_RELS = ("MENTIONS", "REFERS_TO", "ALIAS_OF")
REL_TYPES = tuple(EDGE_KINDS) + EXTRA_RELS
SEARCH_LABELS = {"document": "Document", "task": "Task", "footnote": "Footnote"}
KIND_OF_LABEL = {v: k for k, v in SEARCH_LABELS.items()}
FULLTEXT_NAME = "kg_search"
MODEL_VERSION = 1
# secondary lookups besides the unique `id` of every label
INDEXED = {"Document": ("key",), "Task": ("doc_id",), "Responsibility": ("doc_id",), "Footnote": ("doc_id",),
           "Source": ("doc_id",)}

TEXT_SLICE = 15_000  # characters per read of a long string on FalkorDB (a record must stay under 64 KB)
CONNECT_TIMEOUT = 5.0
ACQUIRE_TIMEOUTS = (3.0, 6.0, 12.0)   # per attempt of the first handshake
RETRY_ATTEMPTS = 5
RETRY_BASE = 0.2


def label(name: str) -> str:
    """A label for Cypher text: only from the whitelist, never from data."""
    if name not in NODE_LABELS:
        raise ValueError(f"not a kg label: {name!r}")
    return name


def rel_type(name: str) -> str:
    if name not in REL_TYPES:
        raise ValueError(f"not a kg relationship type: {name!r}")
    return name


def label_of(node_id: str) -> str:
    return label(LABEL_OF_KIND[node_id.split(":", 1)[0]])


_KEYWORDS = {"end", "case", "when", "then", "else", "in", "is", "not", "and", "or", "xor", "null", "true", "false",
             "match", "return", "with", "where", "order", "by", "limit", "skip", "as", "all", "any", "distinct",
             "start", "set", "delete", "create", "merge", "call", "yield", "union", "unwind", "optional", "exists"}


def prop(name: str) -> str:
    """A property name for Cypher text; names come from code, and a keyword (`end`) is backquoted."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"bad property name {name!r}")
    return f"`{name}`" if name in _KEYWORDS else name


def _int(v):
    """Counts and sums as integers (FalkorDB's sum() of integers is a float)."""
    return int(v) if isinstance(v, float) and v.is_integer() else v


# --- errors ---------------------------------------------------------------------------------------------

class ServerError(Exception):
    """The server cannot be used: down, refused the login, lost the connection, or failed a
    statement. One line for the user; the CLI exits 5."""


class ServerDown(ServerError):
    pass


class AuthFailed(ServerError):
    pass


class BadURI(ServerError):
    """The URI cannot be read: a usage error."""


class NoGraph(ServerError):
    """The server answers but holds no kg graph (never pushed, or another model version)."""


def _neo4j():
    import neo4j
    # the driver logs connection failures itself; without a handler Python would print them on
    # stderr next to the one line the command writes
    logging.getLogger("neo4j").addHandler(logging.NullHandler())
    return neo4j


def _retryable():
    from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
    return (ServiceUnavailable, SessionExpired, TransientError)


def _describe(e: Exception) -> str:
    code = getattr(e, "code", None)
    msg = getattr(e, "message", None) or str(e)
    msg = " ".join(str(msg).split())
    return f"{code}: {msg}" if code else msg


def retry(fn: Callable, attempts: int = RETRY_ATTEMPTS, base: float = RETRY_BASE, on_retry=None):
    """Run fn, again after a growing pause on a transient failure (server busy, leader switch,
    dropped connection); at most `attempts` times. Callers only retry idempotent work."""
    transient = _retryable()
    for i in range(attempts):
        try:
            return fn()
        except transient:
            if i == attempts - 1:
                raise
            if on_retry:
                on_retry(i + 1)
            time.sleep(base * (2 ** i))


# --- parameters -------------------------------------------------------------------------------------------

_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def cypher_literal(v) -> str:
    """A value as FalkorDB's parameter syntax reads it (`CYPHER name=<literal> …`): strings in
    double quotes with backslash and quote escaped, numbers exact (repr), maps with backquoted
    keys. Only for the FalkorDB transport below; Neo4j gets real Bolt parameters."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise ValueError(f"no Cypher literal for {v!r}")
        return repr(v)
    if isinstance(v, str):
        # FalkorDB's parser rejects NUL inside a string; nothing the extractor writes has one
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\ufffd") + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(cypher_literal(x) for x in v) + "]"
    if isinstance(v, dict):
        parts = []
        for k, x in v.items():
            if not isinstance(k, str) or not _PARAM_NAME.fullmatch(k):
                raise ValueError(f"bad map key {k!r}")
            parts.append(f"`{k}`:{cypher_literal(x)}")
        return "{" + ",".join(parts) + "}"
    raise TypeError(f"no Cypher literal for {type(v).__name__}")


def prepare(flavor: str, cypher: str, params: dict | None) -> tuple[str, dict]:
    """(query text, Bolt parameters) for the server. Neo4j: the statement and its parameters as
    they are. FalkorDB's Bolt layer turns parameters into a `CYPHER name=value` header itself,
    but without escaping and in a 4 KB buffer (a quote breaks out of the string, a large batch
    crashes the server), so for FalkorDB the client writes that header, escaped and unbounded:
    values still arrive as parameters ($name), never as query text."""
    params = params or {}
    if flavor != "falkordb" or not params:
        return cypher, params
    head = []
    for k, v in params.items():
        if not _PARAM_NAME.fullmatch(k):
            raise ValueError(f"bad parameter name {k!r}")
        head.append(f"{k}={cypher_literal(v)}")
    return "CYPHER " + " ".join(head) + " " + cypher, {}


# --- connections: one driver per process and server ------------------------------------------------------

_DRIVERS: dict[tuple, object] = {}
_FLAVORS: dict[int, str] = {}


def _host_port(uri: str) -> tuple[str, int]:
    try:
        u = urlsplit(uri)
        port = u.port or 7687
    except ValueError as e:
        raise BadURI(f"URI không hợp lệ {uri!r}: {e}") from None
    if u.scheme not in ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc") or not u.hostname:
        raise BadURI(f"URI không hợp lệ {uri!r}: cần dạng bolt://HOST:PORT (hoặc neo4j://, bolt+s://)")
    return u.hostname, port


def _wake(uri: str) -> None:
    """One TCP connect to the Bolt port: fails at once when the server is down, and clears
    FalkorDB's stalled handshake after a previous client's GOODBYE."""
    host, port = _host_port(uri)
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        raise ServerDown(f"không kết nối được máy chủ {uri}: {reason}") from None


def connect(uri: str, user: str, password: str):
    """The process's driver for this server and login, checked by one handshake."""
    key = (uri, user, hashlib.sha256(password.encode("utf-8")).hexdigest())
    drv = _DRIVERS.get(key)
    if drv is not None:
        return drv
    _wake(uri)
    neo4j = _neo4j()
    from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable
    try:
        drv = neo4j.GraphDatabase.driver(uri, auth=(user, password), connection_timeout=CONNECT_TIMEOUT,
                                         connection_acquisition_timeout=max(ACQUIRE_TIMEOUTS),
                                         max_transaction_retry_time=5.0, user_agent="vn-legal-kg")
    except (ConfigurationError, ValueError) as e:
        raise BadURI(f"URI không hợp lệ {uri!r}: {e}") from None
    last = None
    for i, t in enumerate(ACQUIRE_TIMEOUTS):
        try:
            with drv.session(connection_acquisition_timeout=t) as s:
                s.run("RETURN 1 AS ok").consume()
            break
        except AuthError:
            _close_quietly(drv)
            raise AuthFailed(f"máy chủ {uri} từ chối đăng nhập của {user!r}: sai tên hoặc mật khẩu") from None
        except ServiceUnavailable as e:
            last = e
            if i < len(ACQUIRE_TIMEOUTS) - 1:
                _wake(uri)
                time.sleep(0.1 * (i + 1))
        except Neo4jError as e:
            # FalkorDB answers a refused password with a general error during the login itself
            _close_quietly(drv)
            raise AuthFailed(f"máy chủ {uri} từ chối đăng nhập của {user!r} ({_describe(e)}): "
                             f"sai tên hoặc mật khẩu?") from None
        except OSError as e:
            last = e
    else:
        _close_quietly(drv)
        raise ServerDown(f"không kết nối được máy chủ {uri}: {_describe(last)}") from None
    _DRIVERS[key] = drv
    return drv


def _close_quietly(drv) -> None:
    try:
        drv.close()
    except Exception:  # noqa: BLE001 - closing a broken driver must not hide the real error
        pass


@atexit.register
def close_all() -> None:
    for drv in list(_DRIVERS.values()):
        _close_quietly(drv)
    _DRIVERS.clear()
    _FLAVORS.clear()


# --- dialects: where Neo4j 5 and FalkorDB differ ---------------------------------------------------------

def detect_flavor(driver, database: str | None = None) -> str:
    """"neo4j" or "falkordb". FalkorDB presents itself as "Neo4j/5.x", so the agent alone cannot
    tell: `CALL dbms.components()` answers on Neo4j and fails on FalkorDB, which lists its own
    `db.idx.fulltext.*` procedures instead."""
    if id(driver) in _FLAVORS:
        return _FLAVORS[id(driver)]
    from neo4j.exceptions import Neo4jError
    agent = (driver.get_server_info().agent or "").lower()
    flavor = "neo4j"
    if "falkor" in agent:
        flavor = "falkordb"
    else:
        def probe(q):
            with driver.session(database=database) as s:
                return [r.data() for r in s.run(q)]
        try:
            retry(lambda: probe("CALL dbms.components() YIELD name RETURN name"))
        except Neo4jError:
            try:
                names = retry(lambda: probe("CALL dbms.procedures() YIELD name RETURN name"))
                if any(r["name"] == "db.idx.fulltext.queryNodes" for r in names):
                    flavor = "falkordb"
            except Neo4jError:
                pass
    _FLAVORS[id(driver)] = flavor
    return flavor


class Dialect:
    """The statements that differ between servers; pure text, so both branches are unit-tested."""

    def __init__(self, flavor: str):
        if flavor not in ("neo4j", "falkordb"):
            raise ValueError(flavor)
        self.flavor = flavor

    # schema
    def schema(self, existing: dict[str, dict[str, set[str]]] | None = None) -> list[str]:
        """Constraints and indexes. Neo4j 5: a uniqueness constraint on every label's `id` and
        range indexes, all IF NOT EXISTS. FalkorDB has neither constraints in Cypher nor IF NOT
        EXISTS, so only the indexes that `CALL db.indexes()` does not list yet are created."""
        out = []
        for lab in NODE_LABELS:
            props = ("id",) + INDEXED.get(lab, ())
            for p in props:
                if self.flavor == "neo4j":
                    name = f"kg_{lab.lower()}_{p}"
                    if p == "id":
                        out.append(f"CREATE CONSTRAINT {name} IF NOT EXISTS FOR (n:{label(lab)}) "
                                   f"REQUIRE n.{prop(p)} IS UNIQUE")
                    else:
                        out.append(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label(lab)}) ON (n.{prop(p)})")
                elif "RANGE" not in (existing or {}).get(lab, {}).get(p, set()):
                    out.append(f"CREATE INDEX FOR (n:{label(lab)}) ON (n.{prop(p)})")
        return out

    def fulltext(self, existing: dict[str, dict[str, set[str]]] | None = None) -> list[str]:
        """The search index over the folded title and body (title weighted as FTS5's bm25 does)."""
        labels = list(SEARCH_LABELS.values())
        if self.flavor == "neo4j":
            return [f"CREATE FULLTEXT INDEX {FULLTEXT_NAME} IF NOT EXISTS FOR (n:{'|'.join(map(label, labels))}) "
                    f"ON EACH [n.{prop('f_title')}, n.{prop('f_body')}]"]
        out = []
        for lab in labels:
            if "FULLTEXT" in (existing or {}).get(lab, {}).get("f_title", set()):
                continue
            out.append(f"CALL db.idx.fulltext.createNodeIndex({{label: '{label(lab)}', stopwords: []}}, "
                       f"{{field: 'f_title', weight: 8, nostem: true}}, {{field: 'f_body', nostem: true}})")
        return out

    def await_indexes(self) -> str | None:
        return "CALL db.awaitIndexes(300)" if self.flavor == "neo4j" else None

    # search
    def search(self, tokens: list[str], op: str, kinds: list[str] | None, limit: int) -> list[tuple[str, dict]]:
        """(cypher, params) statements whose rows are hits; the query string is a parameter and
        every token is quoted/escaped for the engine's own syntax."""
        labels = [SEARCH_LABELS[k] for k in (kinds or SEARCH_LABELS)]
        body = ("node.s_body AS body" if self.flavor == "neo4j" else
                f"CASE WHEN size(node.s_body) > {TEXT_SLICE} THEN null ELSE node.s_body END AS body, "
                "size(node.s_body) AS body_len")
        ret = ("RETURN node.id AS node_id, node.key AS key, labels(node) AS node_labels, node.s_title AS title, "
               f"{body}, node.boost AS boost, score ORDER BY score DESC, key LIMIT $limit")
        if self.flavor == "neo4j":
            parts = []
            for t in tokens:
                q = '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
                parts.append(f"(f_title:{q}^8 OR f_body:{q})")
            lucene = f" {op} ".join(parts)
            cy = (f"CALL db.index.fulltext.queryNodes('{FULLTEXT_NAME}', $q) YIELD node, score "
                  "WITH node, score WHERE any(l IN labels(node) WHERE l IN $labels) " + ret)
            return [(cy, {"q": lucene, "labels": labels, "limit": limit})]
        esc = [re.sub(r"([^\w])", r"\\\1", t) for t in tokens]
        redis_q = (" " if op == "AND" else " | ").join(esc)
        return [(f"CALL db.idx.fulltext.queryNodes('{label(lab)}', $q) YIELD node, score " + ret,
                 {"q": redis_q, "limit": limit}) for lab in labels]


def existing_indexes(run) -> dict[str, dict[str, set[str]]]:
    """FalkorDB's `CALL db.indexes()`: label -> property -> index types."""
    out: dict[str, dict[str, set[str]]] = {}
    for r in run("CALL db.indexes() YIELD label, properties, types RETURN label, properties, types"):
        types = r.get("types") or {}
        for p in r.get("properties") or []:
            out.setdefault(r["label"], {}).setdefault(p, set()).update(types.get(p) or [])
    return out


# --- the read side ----------------------------------------------------------------------------------------

DOC_COLS = ("id", "key", "number", "ident", "doc_type", "title", "issuer", "issued_date", "year", "in_corpus",
            "ambiguous", "signer", "signer_title", "locality", "candidates")
TASK_COLS = ("id", "doc_id", "key", "label", "title", "deadline", "deadline_start", "deadline_end", "file", "start",
             "end", "ord")
RESP_COLS = ("id", "doc_id", "key", "label", "unit_id", "title", "file", "start", "end", "ord")
FN_COLS = ("id", "doc_id", "key", "n", "anchor", "text", "file", "start", "end")
EDGE_PROPS = ("implied", "via", "file", "start", "end", "sentence")
MENTION_PROPS = ("key", "file", "start", "end", "region", "footnote", "task_id", "relations", "sentence")

# nodes(): the same columns SqliteBackend.nodes() selects, per kind
NODE_VIEW = {
    "doc": [("id", "n.id"), ("key", "n.key"), ("kind", "'Document'"), ("doc_type", "n.doc_type"),
            ("title", "n.title"), ("in_corpus", "n.in_corpus"), ("ambiguous", "n.ambiguous"), ("issuer", "n.issuer"),
            ("issued_date", "n.issued_date")],
    "task": [("id", "n.id"), ("key", "n.key"), ("kind", "'Task'"), ("doc_type", "null"), ("title", "n.title"),
             ("label", "n.label"), ("deadline", "n.deadline"), ("doc_id", "n.doc_id")],
    "resp": [("id", "n.id"), ("key", "n.key"), ("kind", "'Responsibility'"), ("doc_type", "null"),
             ("title", "n.title"), ("label", "n.label"), ("doc_id", "n.doc_id")],
    "fn": [("id", "n.id"), ("key", "n.key"), ("kind", "'Footnote'"), ("doc_type", "null"), ("title", "n.text"),
           ("n", "n.n"), ("doc_id", "n.doc_id")],
    "unit": [("id", "n.id"), ("key", "n.name"), ("kind", "'Unit'"), ("doc_type", "null"), ("title", "n.name")],
    "person": [("id", "n.id"), ("key", "n.name"), ("kind", "'Person'"), ("doc_type", "null"), ("title", "n.title")],
}
ALL_NODES_VIEW = {
    "doc": ("id", "key", "doc_type", "title", "in_corpus"),
    "task": ("id", "key", "title", "deadline"),
    "resp": ("id", "key", "title"),
    "fn": [("id", "n.id"), ("key", "n.key"), ("title", "n.text")],
    "unit": [("id", "n.id"), ("key", "n.name")],
    "person": [("id", "n.id"), ("key", "n.name"), ("title", "n.title")],
}


def _cols(var: str, cols) -> str:
    """"v.`a` AS `a`, …" from a fixed column list, or (alias, expression) pairs."""
    parts = []
    for c in cols:
        if isinstance(c, tuple):
            parts.append(f"{c[1]} AS {prop(c[0])}")
        else:
            parts.append(f"{var}.{prop(c)} AS {prop(c)}")
    return ", ".join(parts)


def sqlite_order(*vals):
    """A sort key with SQLite's ORDER BY rules: NULL before everything, then by value (strings in
    code-point order, which is what SQLite's BINARY collation gives for UTF-8)."""
    return tuple((v is not None, v if v is not None else 0) for v in vals)


def _desc(v):
    return -v if v is not None else float("inf")


def _by_kind(ids: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for i in sorted(set(ids)):
        out.setdefault(i.split(":", 1)[0], []).append(i)
    return out


def _fts_parts(match: str) -> tuple[list[str], str]:
    """The tokens and operator of the FTS5 expression queries.search builds ("a" AND "b")."""
    toks = [t.replace('""', '"') for t in re.findall(r'"((?:[^"]|"")*)"', match or "")]
    op = "OR" if re.search(r'"\s+OR\s+"', match or "") else "AND"
    return toks, op


class Neo4jBackend:
    """Read side on a Bolt server: the primitives the query functions call."""

    def __init__(self, uri: str, user: str = "neo4j", password: str = "", database: str | None = None,
                 check: bool = True):
        self.uri, self.database = uri, database
        self.driver = connect(uri, user, password)
        self.meta = None
        try:
            self.flavor = detect_flavor(self.driver, database)
            self.dialect = Dialect(self.flavor)
            if check:
                rows = self._all("MATCH (m:KgMeta {id: 'kg'}) RETURN m.model_version AS v, m.gen AS gen, "
                                 "m.pushed_at AS pushed_at")
                if not rows or rows[0]["gen"] is None:
                    where = f" (cơ sở dữ liệu {database})" if database else ""
                    raise NoGraph(f"máy chủ {uri}{where} chưa có đồ thị kg đầy đủ: hãy chạy `kg push` trước")
                if rows[0]["v"] != MODEL_VERSION:
                    raise NoGraph(f"đồ thị kg trên {uri} theo mô hình {rows[0]['v']}, bản kg này đọc mô hình "
                                  f"{MODEL_VERSION}: hãy chạy lại `kg push`")
                self.meta = rows[0]
        except ServerError:
            raise
        except Exception as e:  # noqa: BLE001 - any driver failure here is a server problem
            raise _server_error(e, uri) from None

    def close(self) -> None:
        """The driver stays open for the rest of the process (one driver per process)."""

    # plumbing
    def _all(self, cypher: str, **params) -> list[dict]:
        neo4j = _neo4j()

        text, bolt_params = prepare(self.flavor, cypher, params)
        # reads may go to a cluster's followers; FalkorDB takes the first entry of RUN's extra map
        # as the graph name, so it must get nothing there but the database
        mode = {} if self.flavor == "falkordb" else {"default_access_mode": neo4j.READ_ACCESS}

        def work():
            with self.driver.session(database=self.database, **mode) as s:
                return [r.data() for r in s.run(text, bolt_params)]
        try:
            return retry(work)
        except Exception as e:  # noqa: BLE001
            raise _server_error(e, self.uri) from None

    def _long_text(self, lab: str, node_id: str, name: str) -> str | None:
        """One long string property. FalkorDB's Bolt layer breaks the connection on a record over
        64 KB, so there it is read in slices of TEXT_SLICE characters (at most 4 bytes each)."""
        q = f"MATCH (n:{label(lab)} {{id: $id}}) RETURN "
        if self.flavor != "falkordb":
            rows = self._all(q + f"n.{prop(name)} AS s", id=node_id)
            return rows[0]["s"] if rows else None
        rows = self._all(q + f"size(n.{prop(name)}) AS chars", id=node_id)
        if not rows or rows[0]["chars"] is None:
            return None
        return "".join(self._all(q + f"substring(n.{prop(name)}, $o, $l) AS s", id=node_id, o=o, l=TEXT_SLICE)[0]["s"]
                       for o in range(0, int(rows[0]["chars"]), TEXT_SLICE))

    def _per_kind(self, ids, make: Callable[[str], str | None], **params) -> list[dict]:
        out = []
        for kind, kids in _by_kind(ids).items():
            if kind not in LABEL_OF_KIND:
                continue
            q = make(LABEL_OF_KIND[kind])
            if q:
                out += self._all(q, ids=kids, **params)
        return out

    # --- documents and their parts -------------------------------------------------------------------
    def find_documents(self, alias_norm: str) -> list[str]:
        rows = self._all("MATCH (:Alias {id: $a})-[:ALIAS_OF]->(d:Document) RETURN DISTINCT d.id AS id ORDER BY id",
                         a="alias:" + alias_norm)
        return sorted(r["id"] for r in rows)

    def find_documents_prefix(self, prefix_norm: str) -> list[tuple[str, str]]:
        rows = self._all("MATCH (a:Alias)-[:ALIAS_OF]->(d:Document) WHERE a.id STARTS WITH $p "
                         "RETURN a.name AS alias, d.id AS doc ORDER BY alias, doc LIMIT 200", p="alias:" + prefix_norm)
        return sorted((r["alias"], r["doc"]) for r in rows)

    def documents(self, ids) -> dict[str, dict]:
        ids = sorted({i for i in ids if i.startswith("doc:")})
        if not ids:
            return {}
        rows = self._all(f"UNWIND $ids AS i MATCH (d:Document {{id: i}}) RETURN {_cols('d', DOC_COLS)}", ids=ids)
        return {r["id"]: r for r in rows}

    def sources(self, doc_id: str) -> list[dict]:
        rows = self._all("MATCH (s:Source) WHERE s.doc_id = $d RETURN s.file AS file, s.sha256 AS sha256, "
                         "s.rank AS rank ORDER BY rank, file", d=doc_id)
        return sorted(rows, key=lambda r: sqlite_order(r["rank"]))

    def record(self, file: str) -> dict | None:
        text = self._long_text("Source", "src:" + file, "record")
        return json.loads(text) if text else None

    def tasks(self, doc_id: str) -> list[dict]:
        rows = self._all(f"MATCH (t:Task) WHERE t.doc_id = $d RETURN {_cols('t', TASK_COLS)} ORDER BY t.ord", d=doc_id)
        return sorted(rows, key=lambda r: sqlite_order(r["ord"]))

    def responsibilities(self, doc_id: str) -> list[dict]:
        rows = self._all(f"MATCH (r:Responsibility) WHERE r.doc_id = $d OPTIONAL MATCH (u:Unit {{id: r.unit_id}}) "
                         f"RETURN {_cols('r', RESP_COLS)}, u.name AS unit ORDER BY r.ord", d=doc_id)
        return sorted(rows, key=lambda r: sqlite_order(r["ord"]))

    def footnotes(self, doc_id: str | None = None) -> list[dict]:
        where = "WHERE f.doc_id = $d " if doc_id is not None else ""
        rows = self._all(f"MATCH (f:Footnote) {where}MATCH (d:Document {{id: f.doc_id}}) "
                         f"RETURN {_cols('f', FN_COLS)}, d.key AS document ORDER BY document, f.n", d=doc_id)
        if doc_id is None:
            return sorted(rows, key=lambda r: sqlite_order(r["document"], r["n"]))
        return sorted(rows, key=lambda r: sqlite_order(r["n"]))

    # --- nodes and edges -----------------------------------------------------------------------------
    def nodes(self, ids) -> dict[str, dict]:
        """Id -> {id, kind, key, doc_type, title, ...} for nodes of any kind."""
        out = {}
        for kind, kids in _by_kind(ids).items():
            if kind not in NODE_VIEW:
                continue
            q = f"UNWIND $ids AS i MATCH (n:{label(LABEL_OF_KIND[kind])} {{id: i}}) RETURN {_cols('n', NODE_VIEW[kind])}"
            for r in self._all(q, ids=kids):
                out[r["id"]] = r
        return out

    def _step(self, frontier: list[str], rels: list[str], direction: str, implied: bool) -> set[str]:
        pattern = "(a:{L} {{id: i}})-[e]->(b)" if direction == "out" else "(a:{L} {{id: i}})<-[e]-(b)"
        rows = self._per_kind(frontier, lambda L: (
            f"UNWIND $ids AS i MATCH {pattern.format(L=label(L))} "
            "WHERE type(e) IN $rels OR ($implied AND type(e) IN $kinds AND e.implied = 1) RETURN DISTINCT b.id AS id"),
            rels=list(rels), implied=bool(implied), kinds=list(EDGE_KINDS))
        return {r["id"] for r in rows}

    def walk(self, start: list[str], rels: list[str], direction: str = "out", implied: bool = True) -> set[str]:
        """Every node reachable from `start` along `rels` (and implied relations). SQLite's
        recursive CTE is evaluated here the same way: one hop per round from the nodes new in the
        last round, DISTINCT, until nothing new. (A single `-[:R*]->` pattern would enumerate
        every path, and lineage has many parallel implied edges; this stays linear.)"""
        rels = [rel_type(r) for r in rels]
        reached = set(start)
        frontier = sorted(reached)
        while frontier:
            new = self._step(frontier, rels, direction, implied) - reached
            reached |= new
            frontier = sorted(new)
        return reached

    def edges(self, ids, rels: list[str] | None = None, direction: str = "out", implied: bool = False) -> list[dict]:
        """Edges leaving (out) or entering (in) the given nodes, with their evidence: one per (from,
        to, relation), the directly stated one before an implied one, then the first written."""
        ev = ", ".join(f"e.{prop(p)} AS {prop(p)}" for p in EDGE_PROPS)
        if direction == "out":
            head = "UNWIND $ids AS i MATCH (a:{L} {{id: i}})-[e]->(b) "
            ends = "a.id AS src, b.id AS dst"
        else:
            head = "UNWIND $ids AS i MATCH (a:{L} {{id: i}})<-[e]-(b) "
            ends = "b.id AS src, a.id AS dst"
        cond = "WHERE type(e) IN $kinds "
        if rels is not None:
            rels = [rel_type(r) for r in rels]
            cond += "AND (type(e) IN $rels OR ($implied AND e.implied = 1)) "
        rows = self._per_kind(ids, lambda L: head.format(L=label(L)) + cond +
                              f"RETURN e.eid AS id, {ends}, type(e) AS rel, {ev} ORDER BY id",
                              kinds=list(EDGE_KINDS), rels=rels or [], implied=bool(implied))
        best: dict[tuple, dict] = {}  # one per (from, to, relation), as the SQLite backend gives them
        for r in sorted(rows, key=lambda r: (r.get("implied") or 0,) + sqlite_order(r["id"])):
            best.setdefault((r["src"], r["dst"], r["rel"]), r)
        return sorted(best.values(), key=lambda r: sqlite_order(r["id"]))

    def all_nodes(self):
        for kind, cols in ALL_NODES_VIEW.items():
            q = f"MATCH (n:{label(LABEL_OF_KIND[kind])}) RETURN {_cols('n', cols)} ORDER BY id"
            for r in self._all(q):
                yield {"kind": kind, **r}

    def all_edges(self):
        q = ("MATCH (a)-[e]->(b) WHERE type(e) IN $kinds RETURN a.id AS src, b.id AS dst, type(e) AS rel, "
             "e.implied AS implied, e.file AS file, e.start AS start, e.`end` AS `end`, e.sentence AS sentence, "
             "e.eid AS eid ORDER BY eid")
        for r in sorted(self._all(q, kinds=list(EDGE_KINDS)), key=lambda r: sqlite_order(r["eid"])):
            r.pop("eid")
            yield r

    # --- units -------------------------------------------------------------------------------------
    def units(self) -> list[dict]:
        rows = self._all("MATCH (u:Unit) OPTIONAL MATCH (p:Unit {id: u.parent_id}) "
                         "RETURN u.id AS id, u.name AS name, p.name AS parent, u.aliases AS aliases ORDER BY name, id")
        counts = {r["id"]: r["n"] for r in self._all(
            "MATCH (u:Unit)-[:LEADS|SUPPORTS|EXECUTES]->(t) RETURN u.id AS id, count(DISTINCT t) AS n")}
        for r in rows:
            r["aliases"] = sorted(r["aliases"] or [])
            r["tasks"] = _int(counts.get(r["id"], 0))
        return sorted(rows, key=lambda r: sqlite_order(r["name"], r["id"]))

    def unit_display(self) -> dict[str, str]:
        """Unit id -> its canonical name (what `units()` gives without the costly task counts)."""
        return {r["id"]: r["name"] for r in self._all("MATCH (u:Unit) RETURN u.id AS id, u.name AS name")}

    def units_spelled(self, folded: str) -> list[tuple[str, str, str]]:
        """(unit id, spelling, canonical name) of every spelling whose folded form is `folded`."""
        rows = self._all("MATCH (u:Unit) WHERE $f IN u.folded "
                         "RETURN u.id AS id, u.name AS name, u.aliases AS aliases, u.folded AS folded", f=folded)
        out = [(r["id"], a, r["name"]) for r in rows for a, f in zip(r["aliases"] or [], r["folded"] or [])
               if f == folded]
        return sorted(out, key=lambda t: sqlite_order(t[0], t[1]))

    def unit_names(self) -> list[tuple[str, str, str]]:
        """(unit id, name or spelling, folded) for matching a user's words against units."""
        out = []
        for r in self._all("MATCH (u:Unit) RETURN u.id AS id, u.aliases AS aliases, u.folded AS folded ORDER BY id"):
            out += [(r["id"], a, f) for a, f in zip(r["aliases"] or [], r["folded"] or [])]
        return sorted(out, key=lambda t: (t[0], t[1]))

    def unit_work(self, unit_id: str) -> list[dict]:
        """Tasks and responsibilities of a unit, with its role in each."""
        rows = self._all(
            "MATCH (u:Unit {id: $u})-[e:LEADS|SUPPORTS|EXECUTES]->(t:Task) MATCH (d:Document {id: t.doc_id}) "
            "RETURN type(e) AS rel, t.id AS id, t.key AS key, t.label AS label, t.title AS title, "
            "t.deadline AS deadline, t.deadline_start AS deadline_start, t.deadline_end AS deadline_end, "
            "t.ord AS ord, d.id AS doc_id, d.key AS document "
            "UNION ALL "
            "MATCH (u:Unit {id: $u})-[e:RESPONSIBLE_FOR]->(r:Responsibility) MATCH (d:Document {id: r.doc_id}) "
            "RETURN type(e) AS rel, r.id AS id, r.key AS key, r.label AS label, r.title AS title, "
            "null AS deadline, null AS deadline_start, null AS deadline_end, r.ord + 100000 AS ord, "
            "d.id AS doc_id, d.key AS document", u=unit_id)
        return sorted(rows, key=lambda r: sqlite_order(r["document"], r["ord"], r["rel"]))

    # --- citations -----------------------------------------------------------------------------------
    def mentions(self, target_ids) -> list[dict]:
        ids = sorted({i for i in target_ids if i.startswith("doc:")})
        if not ids:
            return []
        ev = ", ".join(f"m.{prop(p)} AS {prop(p)}" for p in MENTION_PROPS)
        rows = self._all(
            "UNWIND $ids AS i MATCH (c:Document)-[m:MENTIONS]->(t:Document {id: i}) "
            "OPTIONAL MATCH (k:Task {id: m.task_id}) "
            f"RETURN m.mid AS id, c.id AS citing, t.id AS target, {ev}, c.key AS document, k.key AS task, "
            "k.label AS task_label ORDER BY document, file, start, id", ids=ids)
        return sorted(rows, key=lambda r: sqlite_order(r["document"], r["file"], r["start"], r["id"]))

    def refs(self, citing: str | None = None, target: str | None = None) -> list[dict]:
        ret = ("RETURN c.id AS citing, t.id AS target, r.key AS key, r.status AS status, r.relations AS relations, "
               "r.mentions AS mentions, c.key AS citing_key, t.key AS target_key, t.in_corpus AS in_corpus")
        if citing is not None:
            rows = self._all(f"MATCH (c:Document {{id: $x}})-[r:REFERS_TO]->(t:Document) {ret} ORDER BY target_key",
                             x=citing)
            return sorted(rows, key=lambda r: sqlite_order(r["target_key"]))
        if target is not None:
            rows = self._all(f"MATCH (c:Document)-[r:REFERS_TO]->(t:Document {{id: $x}}) {ret} ORDER BY citing_key",
                             x=target)
            return sorted(rows, key=lambda r: sqlite_order(r["citing_key"]))
        rows = self._all(f"MATCH (c:Document)-[r:REFERS_TO]->(t:Document) {ret} ORDER BY citing_key, target_key")
        return sorted(rows, key=lambda r: sqlite_order(r["citing_key"], r["target_key"]))

    def footnote_refs(self, doc_id: str | None = None) -> list[dict]:
        where = "WHERE f.doc_id = $d " if doc_id is not None else ""
        rows = self._all(f"MATCH (f:Footnote)-[e:CITES_IN_FOOTNOTE]->(d:Document) {where}"
                         "RETURN f.id AS footnote, d.key AS target, d.id AS target_id, e.eid AS eid ORDER BY eid",
                         d=doc_id)
        rows.sort(key=lambda r: sqlite_order(r["eid"]))
        for r in rows:
            r.pop("eid")
        return rows

    def cited_by_many(self, min_citers: int = 2) -> list[dict]:
        rows = self._all(
            "MATCH (c:Document)-[:REFERS_TO]->(t:Document) "
            "WITH t, count(DISTINCT c) AS citers, collect(c.key) AS citing WHERE citers >= $m "
            "RETURN t.id AS id, t.key AS key, t.doc_type AS doc_type, t.title AS title, t.in_corpus AS in_corpus, "
            "citers, citing ORDER BY citers DESC, key", m=int(min_citers))
        for r in rows:
            r["citing"] = "\x1f".join(r["citing"])
            r["citers"] = _int(r["citers"])
        return sorted(rows, key=lambda r: (_desc(r["citers"]),) + sqlite_order(r["key"]))

    # --- search and stats ----------------------------------------------------------------------------
    def search(self, match: str, limit: int, kinds: list[str] | None = None) -> list[dict]:
        """Full-text hits (folded title and body) best first, from the server's own index: Lucene
        on Neo4j, RediSearch on FalkorDB. Ranks differ from FTS5's bm25."""
        from queries.backend import BadQuery
        toks, op = _fts_parts(match)
        if not toks:
            return []
        for k in kinds or []:
            if k not in SEARCH_LABELS:
                raise BadQuery(f"loại kết quả không hợp lệ: {k!r}")
        hits = []
        if self.flavor == "falkordb":  # FalkorDB answers a query on a missing index with no rows
            have = existing_indexes(self._all)
            missing = [SEARCH_LABELS[k] for k in (kinds or SEARCH_LABELS)
                       if "FULLTEXT" not in have.get(SEARCH_LABELS[k], {}).get("f_title", set())]
            if missing:
                raise ServerError(f"máy chủ {self.uri} chưa có chỉ mục toàn văn của kg cho {', '.join(missing)}: "
                                  f"hãy chạy lại `kg push` (máy chủ cần hỗ trợ chỉ mục toàn văn)")
        try:
            for cy, params in self.dialect.search(toks, op, kinds, int(limit)):
                hits += self._all(cy, **params)
        except ServerError as e:
            raise ServerError(f"tìm kiếm trên {self.uri} cần chỉ mục toàn văn của kg (tạo bởi `kg push`), "
                              f"máy chủ báo: {e}") from None
        out = []
        for h in hits:
            kind = next((KIND_OF_LABEL[lab] for lab in h["node_labels"] if lab in KIND_OF_LABEL), None)
            if h.get("body_len") and h["body"] is None:  # FalkorDB: a long body comes in slices
                h["body"] = self._long_text(SEARCH_LABELS[kind], h["node_id"], "s_body")
            out.append({"id": h["node_id"], "kind": kind, "node": h["node_id"], "key": h["key"], "title": h["title"],
                        "body": h["body"], "boost": h["boost"] or 0.0, "score": float(h["score"])})
        out.sort(key=lambda h: (-h["score"], h["kind"], h["key"]))
        return out[:limit]

    def counts(self) -> dict:
        def one(q, **p):
            return _int(self._all(q, **p)[0]["c"])

        def nodes(lab, where=""):
            return one(f"MATCH (n:{label(lab)}) {where} RETURN count(n) AS c")

        c = {
            "sources": nodes("Source"),
            "documents": nodes("Document", "WHERE n.ambiguous = 0"),
            "documents_in_corpus": nodes("Document", "WHERE n.in_corpus = 1"),
            "references": one("MATCH ()-[r:REFERS_TO]->() RETURN count(r) AS c"),
            "resolved": one("MATCH ()-[r:REFERS_TO]->() WHERE r.status = 'resolved' RETURN count(r) AS c"),
            "unresolved": one("MATCH ()-[r:REFERS_TO]->() WHERE r.status = 'unresolved' RETURN count(r) AS c"),
            "ambiguous": one("MATCH ()-[r:REFERS_TO]->() WHERE r.status = 'ambiguous' RETURN count(r) AS c"),
            "tasks": nodes("Task"),
            "responsibilities": nodes("Responsibility"),
            "units": nodes("Unit"),
            "footnotes": nodes("Footnote"),
            "persons": nodes("Person"),
            "mentions": one("MATCH ()-[r:MENTIONS]->() RETURN count(r) AS c"),
        }
        edges = {}
        for t in sorted(EDGE_KINDS):
            n = one(f"MATCH ()-[e:{rel_type(t)}]->() RETURN count(e) AS c")
            if n:
                edges[t] = n
        c["edges"] = edges
        return c

    def missing(self) -> list[dict]:
        rows = self._all(
            "MATCH (c:Document)-[r:REFERS_TO]->(d:Document) WHERE d.in_corpus = 0 AND d.ambiguous = 0 "
            "WITH d, count(DISTINCT c) AS cited_by, sum(r.mentions) AS mentions "
            "RETURN d.key AS key, d.doc_type AS doc_type, d.issuer AS issuer, d.issued_date AS issued_date, "
            "d.title AS title, cited_by, mentions ORDER BY cited_by DESC, mentions DESC, key")
        for r in rows:
            r["cited_by"], r["mentions"] = _int(r["cited_by"]), _int(r["mentions"])
        return sorted(rows, key=lambda r: (_desc(r["cited_by"]), _desc(r["mentions"])) + sqlite_order(r["key"]))

    def ambiguous(self) -> list[dict]:
        rows = self._all("MATCH (d:Document) WHERE d.ambiguous = 1 RETURN d.key AS key, d.candidates AS candidates "
                         "ORDER BY key")
        return sorted(rows, key=lambda r: sqlite_order(r["key"]))


def _server_error(e: Exception, uri: str) -> ServerError:
    from neo4j.exceptions import AuthError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired
    if isinstance(e, ServerError):
        return e
    if isinstance(e, AuthError):
        return AuthFailed(f"máy chủ {uri} từ chối đăng nhập: {_describe(e)}")
    if isinstance(e, (ServiceUnavailable, SessionExpired)):
        return ServerDown(f"mất kết nối máy chủ {uri}: {_describe(e)}")
    if isinstance(e, (Neo4jError, DriverError)):
        return ServerError(f"máy chủ {uri} báo lỗi: {_describe(e)}")
    if isinstance(e, OSError):
        return ServerDown(f"mất kết nối máy chủ {uri}: {e}")
    raise e
