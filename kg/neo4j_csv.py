"""`kg export neo4j-csv DIR`: the graph as CSV files for `neo4j-admin database import`, the fast
path for very large graphs (an offline bulk load instead of transactions).

One file per node label (`nodes_<Label>.csv`, header `id:ID,:LABEL,prop:type,…`) and per
relationship type (`rels_<TYPE>.csv`, header `:START_ID,:END_ID,:TYPE,prop:type,…`), from the same
rows `kg push` loads, so the imported graph is the pushed one (ids, keys, generation, `KgMeta`)
and the queries run on it unchanged. Beside them: `import.sh` (the neo4j-admin command line) and
`schema.cypher` (constraints and the full-text index, to run once after the import)."""
from __future__ import annotations

import shlex
import sqlite3
import time
import uuid
from pathlib import Path

from .neo4j_backend import MODEL_VERSION, NODE_LABELS, Dialect, label, rel_type
from .neo4j_load import FLOAT_PROPS, INT_PROPS, LIST_PROPS, NODE_PROPS, REL_PROPS, node_rows, rel_rows

ARRAY_DELIMITERS = (";", "|", "\u00a6")  # the first one no list element contains is used


def _type(p: str) -> str:
    if p in INT_PROPS:
        return ":long"
    if p in FLOAT_PROPS:
        return ":double"
    if p in LIST_PROPS:
        return ":string[]"
    return ""


def node_header(lab: str) -> list[str]:
    return ["id:ID", ":LABEL"] + [f"{p}{_type(p)}" for p in NODE_PROPS[lab] + ("gen",)]


def rel_header(typ: str) -> list[str]:
    return [":START_ID", ":END_ID", ":TYPE", "k"] + [f"{p}{_type(p)}" for p in REL_PROPS[typ] + ("gen",)]


def _quote(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def _cell(v, delim: str) -> str:
    """One field: strings always quoted (so "" stays an empty string while a missing value is an
    empty field, which the importer leaves unset), numbers bare, lists joined by the array
    delimiter."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, list):
        return _quote(delim.join(str(x) for x in v))
    return _quote(str(v))


def csv_line(cells: list[str]) -> str:
    return ",".join(cells) + "\n"


def _pick_delimiter(conn: sqlite3.Connection) -> str:
    values = [r[0] for r in conn.execute("SELECT alias FROM unit_aliases UNION SELECT folded FROM unit_aliases")]
    for d in ARRAY_DELIMITERS:
        if not any(d in v for v in values):
            return d
    raise ValueError("mọi ký tự phân cách mảng đều có trong tên đơn vị")


def export(conn: sqlite3.Connection, out: Path, generation: str | None = None) -> dict:
    """Write the CSV files into `out` (created if needed); returns {file: rows}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    gen = generation or uuid.uuid4().hex
    delim = _pick_delimiter(conn)
    files: dict[str, int] = {}
    writers: dict[str, tuple] = {}

    def writer(name: str, header: list[str]):
        if name not in writers:
            fh = open(out / name, "w", encoding="utf-8", newline="")
            fh.write(csv_line(header))
            writers[name] = (fh, lambda cells, fh=fh: fh.write(csv_line(cells)))
            files[name] = 0
        return writers[name][1]

    try:
        for lab in NODE_LABELS:  # every label gets its file, even when empty
            writer(f"nodes_{label(lab)}.csv", node_header(lab))
        for typ in REL_PROPS:
            writer(f"rels_{rel_type(typ)}.csv", rel_header(typ))
        for r in node_rows(conn):
            lab = label(r["label"])
            name = f"nodes_{lab}.csv"
            writer(name, node_header(lab))(
                [_quote(r["id"]), lab] + [_cell(r["props"].get(p), delim) for p in NODE_PROPS[lab]] + [_quote(gen)])
            files[name] += 1
        meta = {"model_version": MODEL_VERSION, "store_schema": conn.execute("PRAGMA user_version").fetchone()[0],
                "pushed_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        writer("nodes_KgMeta.csv", node_header("KgMeta"))(
            [_quote("kg"), "KgMeta"] + [_cell(meta.get(p), delim) for p in NODE_PROPS["KgMeta"]] + [_quote(gen)])
        files["nodes_KgMeta.csv"] += 1
        for r in rel_rows(conn):
            typ = rel_type(r["type"])
            name = f"rels_{typ}.csv"
            writer(name, rel_header(typ))(
                [_quote(r["src"]), _quote(r["dst"]), typ, _quote(r["key"])]
                + [_cell(r["props"].get(p), delim) for p in REL_PROPS[typ]] + [_quote(gen)])
            files[name] += 1
    finally:
        for fh, _w in writers.values():
            fh.close()

    nodes = [f for f in sorted(files) if f.startswith("nodes_")]
    rels = [f for f in sorted(files) if f.startswith("rels_")]
    cmd = ["neo4j-admin", "database", "import", "full", "--overwrite-destination=true",
           "--multiline-fields=true", f"--array-delimiter={delim}", "--id-type=string"]
    cmd += [f"--nodes={f}" for f in nodes] + [f"--relationships={f}" for f in rels] + ["neo4j"]
    (out / "import.sh").write_text(
        "#!/bin/sh\n# Bulk import into an offline (stopped) Neo4j 5 database named neo4j; run from this directory.\n"
        "# Then start the server and create the constraints and the full-text index:\n"
        "#   cypher-shell -f schema.cypher\n"
        "set -e\ncd \"$(dirname \"$0\")\"\n" + " \\\n  ".join(shlex.quote(c) for c in cmd) + "\n", encoding="utf-8")
    (out / "import.sh").chmod(0o755)
    d = Dialect("neo4j")
    (out / "schema.cypher").write_text(";\n".join(d.schema() + d.fulltext()) + ";\n", encoding="utf-8")
    return files
