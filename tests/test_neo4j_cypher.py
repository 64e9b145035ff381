"""The Neo4j side without a server: the Cypher text of both dialects (Neo4j 5 and FalkorDB), the
whitelists that keep data out of statements, the FalkorDB parameter encoding, batching, options,
server detection, and the CSV files for `neo4j-admin database import`."""
from __future__ import annotations

import csv
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import cli
from kg.neo4j_backend import (NODE_LABELS, REL_TYPES, Dialect, _fts_parts, cypher_literal, detect_flavor, label,
                              prepare, rel_type, sqlite_order)
from kg.neo4j_csv import node_header, rel_header
from kg.neo4j_load import (NODE_PROPS, REL_PROPS, batches, node_statement, rel_statement, store_counts)
from kg.neo4j_options import OneLineUsage, password_from_env
from kg.store import SqliteBackend
from tests.test_graph_fixtures import seed_db  # noqa: F401

# --- Neo4j 5 -------------------------------------------------------------------------------------------------

def test_neo4j_schema_is_constraints_and_indexes_if_not_exists():
    stmts = Dialect("neo4j").schema()
    assert "CREATE CONSTRAINT kg_document_id IF NOT EXISTS FOR (n:Document) REQUIRE n.id IS UNIQUE" in stmts
    assert "CREATE INDEX kg_document_key IF NOT EXISTS FOR (n:Document) ON (n.key)" in stmts
    assert "CREATE INDEX kg_task_doc_id IF NOT EXISTS FOR (n:Task) ON (n.doc_id)" in stmts
    for lab in NODE_LABELS:
        assert f"CREATE CONSTRAINT kg_{lab.lower()}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE" in stmts
    assert all("IF NOT EXISTS" in s for s in stmts)


def test_neo4j_fulltext_index_covers_documents_tasks_and_footnotes():
    assert Dialect("neo4j").fulltext() == [
        "CREATE FULLTEXT INDEX kg_search IF NOT EXISTS FOR (n:Document|Task|Footnote) ON EACH [n.f_title, n.f_body]"]
    assert Dialect("neo4j").await_indexes() == "CALL db.awaitIndexes(300)"


def test_neo4j_search_is_one_lucene_query_passed_as_a_parameter():
    [(cy, params)] = Dialect("neo4j").search(["ke", "hoach"], "AND", None, 10)
    assert cy.startswith("CALL db.index.fulltext.queryNodes('kg_search', $q) YIELD node, score")
    assert params["q"] == '(f_title:"ke"^8 OR f_body:"ke") AND (f_title:"hoach"^8 OR f_body:"hoach")'
    assert params["labels"] == ["Document", "Task", "Footnote"] and params["limit"] == 10
    [(cy, params)] = Dialect("neo4j").search(["a"], "OR", ["task"], 5)
    assert params["labels"] == ["Task"] and "hoach" not in cy


def test_lucene_terms_stay_quoted_whatever_they_hold():
    [(_cy, params)] = Dialect("neo4j").search(['x" OR *:*', "a\\"], "AND", None, 3)
    assert params["q"] == '(f_title:"x\\" OR *:*"^8 OR f_body:"x\\" OR *:*") AND (f_title:"a\\\\"^8 OR f_body:"a\\\\")'


# --- FalkorDB ---------------------------------------------------------------------------------------------------

def test_falkordb_schema_is_plain_indexes_and_only_the_missing_ones():
    d = Dialect("falkordb")
    stmts = d.schema({})
    assert "CREATE INDEX FOR (n:Document) ON (n.id)" in stmts
    assert "CREATE INDEX FOR (n:Document) ON (n.key)" in stmts
    assert not any("CONSTRAINT" in s or "IF NOT EXISTS" in s for s in stmts)
    have = {"Document": {"id": {"RANGE"}, "key": {"RANGE"}, "title": {"FULLTEXT"}}}
    rest = d.schema(have)
    assert "CREATE INDEX FOR (n:Document) ON (n.id)" not in rest and len(rest) == len(stmts) - 2


def test_falkordb_fulltext_is_one_procedure_call_per_label():
    stmts = Dialect("falkordb").fulltext({})
    assert stmts[0] == ("CALL db.idx.fulltext.createNodeIndex({label: 'Document', stopwords: []}, "
                        "{field: 'f_title', weight: 8, nostem: true}, {field: 'f_body', nostem: true})")
    assert [re.search(r"label: '(\w+)'", s).group(1) for s in stmts] == ["Document", "Task", "Footnote"]
    assert Dialect("falkordb").await_indexes() is None


def test_falkordb_search_queries_each_label_with_escaped_terms():
    stmts = Dialect("falkordb").search(["ke", "hoach"], "AND", None, 7)
    assert [cy.split("'")[1] for cy, _ in stmts] == ["Document", "Task", "Footnote"]
    assert all(cy.startswith("CALL db.idx.fulltext.queryNodes('") and "$q" in cy for cy, _ in stmts)
    assert stmts[0][1] == {"q": "ke hoach", "limit": 7}
    [(_cy, p)] = Dialect("falkordb").search(["a-b", "c|d"], "OR", ["footnote"], 1)
    assert p["q"] == "a\\-b | c\\|d"


def test_dialect_names_only_the_two_servers():
    with pytest.raises(ValueError):
        Dialect("memgraph")


# --- nothing from data becomes Cypher text ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["Document) DETACH DELETE n //", "Document:Task", "", "document"])
def test_labels_and_types_come_only_from_the_whitelist(bad):
    with pytest.raises(ValueError):
        label(bad)
    with pytest.raises(ValueError):
        rel_type(bad)
    with pytest.raises(ValueError):
        node_statement(bad)
    with pytest.raises(ValueError):
        rel_statement("Document", bad, "Document")


def test_loader_statements_carry_rows_as_parameters():
    assert node_statement("Task") == "UNWIND $rows AS r MERGE (n:Task {id: r.id}) SET n += r.p RETURN count(n) AS written"
    assert rel_statement("Unit", "LEADS", "Task") == (
        "UNWIND $rows AS r MATCH (a:Unit {id: r.src}) MATCH (b:Task {id: r.dst}) "
        "MERGE (a)-[e:LEADS {k: r.k}]->(b) SET e += r.p RETURN count(e) AS written")


def test_neo4j_gets_real_bolt_parameters():
    assert prepare("neo4j", "RETURN $x", {"x": "a'b"}) == ("RETURN $x", {"x": "a'b"})


def test_falkordb_gets_its_own_parameter_header_escaped():
    text, params = prepare("falkordb", "RETURN $x, $m", {"x": 'a"b\\', "m": {"end": [1, None, True, 0.25]}})
    assert params == {}
    assert text == 'CYPHER x="a\\"b\\\\" m={`end`:[1,null,true,0.25]} RETURN $x, $m'


@pytest.mark.parametrize("bad", [{"x y": 1}, {"x": float("nan")}, {"x": {"a`b": 1}}, {"x": object()}])
def test_falkordb_parameters_that_cannot_be_written_are_refused(bad):
    with pytest.raises((ValueError, TypeError)):
        prepare("falkordb", "RETURN 1", bad)


def _unquote(lit: str) -> str:
    """FalkorDB's reading of a double-quoted string: \\\\ is a backslash, \\" a quote."""
    assert lit[0] == lit[-1] == '"'
    body = lit[1:-1]
    assert not re.search(r'(?<!\\)(?:\\\\)*"', body), "an unescaped quote would end the string"
    return re.sub(r'\\(.)', r"\1", body, flags=re.S)


@given(st.text().filter(lambda s: "\x00" not in s))
@settings(max_examples=300, deadline=None)
def test_every_string_is_one_literal_that_reads_back_unchanged(s):
    assert _unquote(cypher_literal(s)) == s


# --- batching ------------------------------------------------------------------------------------------------------

def test_batches_respect_the_row_count_and_the_byte_budget():
    rows = [{"label": "Task", "id": str(i), "props": {"t": "x" * 100}} for i in range(25)]
    assert [len(b) for b in batches(rows, 10)] == [10, 10, 5]
    assert [len(b) for b in batches(rows, 10, max_bytes=500)] == [3] * 8 + [1]
    big = [{"label": "Document", "id": "a", "props": {"s_body": "x" * 10_000}}] * 3
    assert [len(b) for b in batches(big, 100, max_bytes=5_000)] == [1, 1, 1]


# --- options and detection --------------------------------------------------------------------------------------

def test_the_password_comes_from_the_named_variable(monkeypatch):
    assert password_from_env(None) == ""
    monkeypatch.setenv("KG_PW_X", "")
    assert password_from_env("KG_PW_X") == ""  # an empty password is a password
    monkeypatch.setenv("KG_PW_X", "s3cret")
    assert password_from_env("KG_PW_X") == "s3cret"
    monkeypatch.delenv("KG_PW_X")
    with pytest.raises(OneLineUsage):
        password_from_env("KG_PW_X")


def test_the_commands_and_options_exist():
    push = CliRunner().invoke(cli, ["push", "--help"]).stdout
    for opt in ("--uri", "--user", "--password-env", "--database", "--batch-size", "--db", "--json"):
        assert opt in push
    for cmd in ("trace", "impact", "tasks", "cites", "show", "search", "footnotes", "units", "stats"):
        text = CliRunner().invoke(cli, [cmd, "--help"]).stdout
        assert "--backend [networkx|neo4j]" in text and "--password-env" in text, cmd
    assert CliRunner().invoke(cli, ["export", "neo4j-csv", "--help"]).exit_code == 0


class _Rec(dict):
    def data(self):
        return dict(self)


class _FakeDriver:
    """Answers detection probes like Neo4j 5 (components), FalkorDB (procedures), or neither."""

    def __init__(self, agent, components=True, procedures=()):
        self.agent, self.components, self.procedures = agent, components, procedures

    def get_server_info(self):
        return type("Info", (), {"agent": self.agent})()

    def session(self, **_kw):
        drv = self

        class S:
            def __enter__(self):
                return self

            def __exit__(self, *a):
                return False

            def run(self, q, *a, **k):
                from neo4j.exceptions import DatabaseError
                if q.startswith("CALL dbms.components()") and drv.components:
                    return [_Rec(name="Neo4j Kernel")]
                if q.startswith("CALL dbms.procedures()") and drv.procedures:
                    return [_Rec(name=n) for n in drv.procedures]
                raise DatabaseError("An unknown error occurred")
        return S()


@pytest.mark.parametrize("drv,flavor", [
    (_FakeDriver("Neo4j/5.20.0", components=True), "neo4j"),
    (_FakeDriver("Neo4j/5.13.0", components=False, procedures=("db.idx.fulltext.queryNodes", "db.labels")),
     "falkordb"),
    (_FakeDriver("FalkorDB/4.16", components=False), "falkordb"),
    (_FakeDriver("Neo4j/5.1.0", components=False), "neo4j"),
], ids=["neo4j", "falkordb-pretending", "falkordb-by-name", "unknown"])
def test_the_server_is_told_by_what_it_does_not_by_its_name(drv, flavor):
    assert detect_flavor(drv) == flavor


def test_fts_expressions_are_read_back_into_terms():
    assert _fts_parts('"ke" AND "hoach"') == (["ke", "hoach"], "AND")
    assert _fts_parts('"a""b" OR "c"') == (['a"b', "c"], "OR")


def test_sqlite_order_puts_null_first():
    assert sorted([("b",), (None,), ("a",)], key=lambda t: sqlite_order(*t)) == [(None,), ("a",), ("b",)]


# --- CSV for neo4j-admin -------------------------------------------------------------------------------------------

TYPES = ("int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|localdatetime|datetime|"
         "duration")
HEADER_FIELD = re.compile(
    rf"^(?:(?P<special>[^:]*):(?P<kind>ID|START_ID|END_ID)(?:\((?P<group>[^)]+)\))?"
    rf"|:(?P<meta>LABEL|TYPE|IGNORE)"
    rf"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<type>{TYPES})(?P<array>\[\])?)?)$")


def _read(path):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def test_the_csv_files_follow_the_neo4j_admin_header_grammar(seed_db, tmp_path):
    out = tmp_path / "csv"
    res = CliRunner().invoke(cli, ["export", "neo4j-csv", str(out), "--db", str(seed_db), "--json"])
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in out.glob("*.csv"))
    assert files == sorted([f"nodes_{lab}.csv" for lab in NODE_LABELS] + [f"rels_{t}.csv" for t in REL_TYPES])
    ids, rel_ends, delims = set(), [], re.search(r"--array-delimiter=(.)", (out / "import.sh").read_text()).group(1)
    n_nodes = n_rels = 0
    for name in files:
        header, rows = _read(out / name)
        fields = [HEADER_FIELD.match(h) for h in header]
        assert all(fields), (name, [h for h, f in zip(header, fields) if not f])
        kinds = [f.group("kind") or f.group("meta") for f in fields]
        names = [f.group("special") or f.group("name") for f in fields if f.group("special") or f.group("name")]
        assert len(names) == len(set(names)), name
        if name.startswith("nodes_"):
            lab = name[6:-4]
            assert kinds.count("ID") == 1 and kinds.count("LABEL") == 1
            assert not {"START_ID", "END_ID", "TYPE"} & set(kinds)
            assert header == node_header(lab)
            i_id, i_label = kinds.index("ID"), kinds.index("LABEL")
            for r in rows:
                assert len(r) == len(header) and r[i_label] == lab
                assert r[i_id] not in ids
                ids.add(r[i_id])
            n_nodes += len(rows)
        else:
            typ = name[5:-4]
            assert (kinds.count("START_ID"), kinds.count("END_ID"), kinds.count("TYPE")) == (1, 1, 1)
            assert "ID" not in kinds and "LABEL" not in kinds
            assert header == rel_header(typ)
            s, e, t = kinds.index("START_ID"), kinds.index("END_ID"), kinds.index("TYPE")
            for r in rows:
                assert len(r) == len(header) and r[t] == typ
                rel_ends.append((r[s], r[e]))
            n_rels += len(rows)
        for f, col in zip(fields, zip(*rows) if rows else []):
            conv = {"long": int, "int": int, "double": float, "float": float}.get(f.group("type") or "")
            if conv and not f.group("array"):
                [conv(v) for v in col if v != ""]
    assert all(a in ids and b in ids for a, b in rel_ends)
    b = SqliteBackend(seed_db)
    try:
        assert (n_nodes - 1, n_rels) == store_counts(b.conn)  # + the KgMeta node
        aliases = {}
        for uid, alias in b.conn.execute("SELECT unit_id, alias FROM unit_aliases ORDER BY unit_id, alias"):
            aliases.setdefault(uid, []).append(alias)
    finally:
        b.close()
    header, rows = _read(out / "nodes_Unit.csv")
    col = header.index("aliases:string[]")
    assert {r[0]: r[col].split(delims) for r in rows} == aliases
    script = (out / "import.sh").read_text()
    assert "neo4j-admin database import full" in script.replace(" \\\n  ", " ")
    assert all(f"--nodes={f}" in script or f"--relationships={f}" in script for f in files)
    assert "--multiline-fields=true" in script
    schema = (out / "schema.cypher").read_text()
    assert "CREATE FULLTEXT INDEX kg_search" in schema and "REQUIRE n.id IS UNIQUE" in schema


def test_the_csv_headers_name_every_property_of_the_model():
    for lab, props in NODE_PROPS.items():
        names = [h.split(":")[0] for h in node_header(lab)[2:]]
        assert names == [*props, "gen"]
    for typ, props in REL_PROPS.items():
        names = [h.split(":")[0] for h in rel_header(typ)[3:]]
        assert names == ["k", *props, "gen"]
