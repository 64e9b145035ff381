"""The graph on a Bolt server: `kg push`, the same answers with `--backend neo4j`, pushes that
converge, values that stay data, and servers that are down or refuse the login.

The server is FalkorDB from `tests/conftest.py` (it speaks Bolt; Neo4j cannot be installed where
the tests run). The seed store is pushed once per session into the server's default graph; the
tests that write use a scratch database, emptied before each of them (FalkorDB's Bolt layer sends
every named database to one graph, so names cannot keep tests apart)."""
from __future__ import annotations

import hashlib
import json
import socket

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.cli import cli
from kg.identity import fold
from kg.neo4j_backend import (AuthFailed, Dialect, Neo4jBackend, ServerDown, connect, cypher_literal,
                              detect_flavor, prepare)
from kg.neo4j_load import Loader, node_rows, push, rel_rows, server_counts, store_counts
from kg.store import SqliteBackend
from tests.test_graph_fixtures import pair_db, seed_db  # noqa: F401

pytestmark = pytest.mark.neo4j

F004 = "004_866d70e48e852e47.txt"
UNIT = "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"
PARITY_DB = None  # the server's default graph
SCRATCH = "scratch"

# the README tour, plus the other commands whose answers must not depend on the backend
TOUR = [
    ["trace", F004],
    ["trace", "002_310ceac0ace34724.txt#2.2"],
    ["trace", "6526/KH-SGDĐT"],
    ["impact", "57-NQ/TW"],
    ["tasks", UNIT],
    ["cites", "2924/QĐ-SGDĐT"],
    ["show", "6526/KH-SGDĐT"],
]
MORE = [
    ["trace", "003_f5ffa53c17f34042.txt", "--all"],
    ["impact", "57-NQ/TW", "--all"],
    ["impact", "2531/QĐ-UBND"],
    ["show", F004],
    ["show", "002_310ceac0ace34724.txt#2.2"],
    ["show", "003_f5ffa53c17f34042.txt#fn9"],
    ["tasks", "phong giao duc thuong xuyen", "--role", "lead", "--due-before", "2024-06-30"],
    ["cites", "57-NQ/TW"],
    ["footnotes"],
    ["footnotes", "003_f5ffa53c17f34042.txt"],
    ["units"],
    ["stats"],
]


def server_args(srv, database: str | None, *extra) -> list[str]:
    return ["--uri", srv.uri, "--user", srv.user, *(["--database", database] if database else []), *extra]


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def one_line(res, code: int) -> str:
    assert res.exit_code == code, (res.exit_code, res.output)
    lines = [x for x in res.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, res.stderr
    assert res.stdout == "" and "Traceback" not in res.output
    return lines[0]


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture(scope="session")
def pushed(bolt_server, seed_db):
    """The seed store pushed once (through the command) into PARITY_DB."""
    res = invoke("push", *server_args(bolt_server, PARITY_DB), "--db", seed_db, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture
def scratch(bolt_server):
    """An empty scratch database (graph and indexes dropped) for a test that writes."""
    bolt_server.reset_graph("db")
    yield SCRATCH
    bolt_server.reset_graph("db")


@pytest.fixture(scope="session")
def driver(bolt_server):
    return connect(bolt_server.uri, bolt_server.user, "")


def counts_on(driver, database):
    def run(q):
        with driver.session(database=database) as s:
            return [r.data() for r in s.run(q)]
    return server_counts(run)


def duplicates_on(driver, database) -> int:
    """Nodes sharing an id, or relationships sharing type, endpoints and key."""
    with driver.session(database=database) as s:
        n = s.run("MATCH (n) WITH labels(n) AS l, n.id AS id, count(*) AS c WHERE c > 1 RETURN count(*) AS d").single()
        r = s.run("MATCH (a)-[e]->(b) WITH type(e) AS t, a.id AS a, b.id AS b, e.k AS k, count(*) AS c WHERE c > 1 "
                  "RETURN count(*) AS d").single()
    return n["d"] + r["d"]


def store_totals(path) -> tuple[int, int]:
    b = SqliteBackend(path)
    try:
        return store_counts(b.conn)
    finally:
        b.close()


# --- push ---------------------------------------------------------------------------------------------------

def test_push_loads_every_node_and_relationship_of_the_store(pushed, seed_db, driver):
    nodes, rels = store_totals(seed_db)
    assert (pushed["total_nodes"], pushed["total_relationships"]) == (nodes, rels)
    assert pushed["server"] == "falkordb" and pushed["fulltext"] == "ok" and pushed["skipped_relationships"] == 0
    on_server_nodes, on_server_rels = counts_on(driver, PARITY_DB)
    assert sum(on_server_nodes.values()) == nodes + 1  # + the KgMeta node
    assert sum(on_server_rels.values()) == rels
    assert on_server_nodes["Document"] == 44 and on_server_nodes["Task"] == 46
    assert duplicates_on(driver, PARITY_DB) == 0


def test_pushing_twice_leaves_the_same_graph(bolt_server, seed_db, driver, scratch):
    db = scratch
    first = invoke("push", *server_args(bolt_server, db), "--db", seed_db, "--batch-size", "100")
    assert first.exit_code == 0, first.output
    assert "Đã nạp lên" in first.stdout and "nút+quan hệ/s" in first.stdout
    before = counts_on(driver, db)
    again = invoke("push", *server_args(bolt_server, db), "--db", seed_db, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["removed_stale"] == 0
    assert counts_on(driver, db) == before
    assert duplicates_on(driver, db) == 0


def test_an_interrupted_push_then_a_full_push_leaves_no_duplicates(bolt_server, seed_db, driver, scratch):
    db = scratch
    b = SqliteBackend(seed_db)
    calls = []

    def crash(_n):
        calls.append(1)
        if len(calls) == 4:
            raise KeyboardInterrupt  # the user's Ctrl-C in the middle of the nodes

    try:
        with pytest.raises(KeyboardInterrupt):
            push(b.conn, driver, db, batch_size=40, on_batch=crash)
        partial_nodes, _ = counts_on(driver, db)
        assert 0 < sum(partial_nodes.values()) < store_totals(seed_db)[0]
        # readers refuse a graph that no push completed
        res = invoke("trace", F004, "--backend", "neo4j", *server_args(bolt_server, db))
        assert "kg push" in one_line(res, 5)
    finally:
        b.close()
    res = invoke("push", *server_args(bolt_server, db), "--db", seed_db, "--batch-size", "40")
    assert res.exit_code == 0, res.output
    nodes, rels = counts_on(driver, db)
    assert (sum(nodes.values()) - 1, sum(rels.values())) == store_totals(seed_db)
    assert duplicates_on(driver, db) == 0


def test_a_push_of_another_store_removes_what_that_store_does_not_have(bolt_server, seed_db, pair_db, driver,
                                                                       scratch):
    db = scratch
    assert invoke("push", *server_args(bolt_server, db), "--db", seed_db).exit_code == 0
    res = invoke("push", *server_args(bolt_server, db), "--db", pair_db, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["removed_stale"] > 0
    nodes, rels = counts_on(driver, db)
    assert (sum(nodes.values()) - 1, sum(rels.values())) == store_totals(pair_db)
    for args in (["stats"], ["trace", "100/KH-SGDĐT"], ["show", "01/2024/QĐ-UBND [Bắc Ninh]"], ["units"]):
        local = invoke(*args, "--json", "--db", pair_db)
        remote = invoke(*args, "--json", "--backend", "neo4j", *server_args(bolt_server, db))
        assert (remote.exit_code, remote.stdout) == (local.exit_code, local.stdout), args


def test_a_transient_error_is_retried_and_counted(bolt_server, seed_db, driver, monkeypatch, scratch):
    from neo4j.exceptions import TransientError
    real = Loader._commit_once
    failures = []

    def flaky(self, statements):
        if not failures:
            failures.append(1)
            raise TransientError("the server is busy")
        return real(self, statements)

    monkeypatch.setattr(Loader, "_commit_once", flaky)
    monkeypatch.setattr("kg.neo4j_backend.RETRY_BASE", 0.01)
    b = SqliteBackend(seed_db)
    try:
        s = push(b.conn, driver, scratch)
    finally:
        b.close()
    assert s.retries == 1 and s.total_nodes == store_totals(seed_db)[0]


# --- the same answers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", TOUR + MORE, ids=lambda a: " ".join(a))
def test_the_server_gives_the_same_json_answers_as_the_local_store(pushed, bolt_server, seed_db, args):
    local = invoke(*args, "--json", "--db", seed_db)
    remote = invoke(*args, "--json", "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
    assert local.exit_code == 0, local.output
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


@pytest.mark.parametrize("args", [["trace", "9999/KH-XYZ"], ["show", F004 + "#99.9"], ["tasks", "Phòng không có"],
                                  ["cites", F004 + "#1"]], ids=lambda a: " ".join(a))
def test_the_server_gives_the_same_errors(pushed, bolt_server, seed_db, args):
    local = invoke(*args, "--json", "--db", seed_db)
    remote = invoke(*args, "--json", "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
    assert local.exit_code in (2, 3)
    assert (remote.exit_code, remote.stderr) == (local.exit_code, local.stderr)


def test_the_text_output_is_the_same_too(pushed, bolt_server, seed_db):
    for args in (["trace", F004], ["tasks", UNIT], ["show", "6526/KH-SGDĐT"]):
        local = invoke(*args, "--db", seed_db)
        remote = invoke(*args, "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
        assert remote.stdout == local.stdout and remote.exit_code == 0


def test_environment_variables_choose_the_backend(pushed, bolt_server, seed_db):
    env = {"KG_BACKEND": "neo4j", "KG_NEO4J_URI": bolt_server.uri, "KG_NEO4J_USER": bolt_server.user,
           "KG_NEO4J_DATABASE": PARITY_DB}
    remote = invoke("trace", F004, "--json", env=env)
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == invoke("trace", F004, "--json", "--db", seed_db).stdout


def test_show_html_reads_the_source_record_from_the_server(pushed, bolt_server, seed_db, tmp_path):
    out = tmp_path / "card.html"
    res = invoke("show", F004, "--html", out, "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
    if res.exit_code == 3 and "render_html" in res.stderr:  # the renderer is another module's work
        pytest.fail("extract.nlp.render_html is missing")
    assert res.exit_code == 0, res.output
    b = SqliteBackend(seed_db)
    try:
        assert Neo4jBackend(bolt_server.uri, bolt_server.user, "", PARITY_DB).record(F004) == b.record(F004)
    finally:
        b.close()


def test_the_networkx_view_of_the_server_is_the_stores(pushed, bolt_server, seed_db):
    from kg.graph import to_networkx
    b = SqliteBackend(seed_db)
    try:
        local = to_networkx(b)
    finally:
        b.close()
    remote = to_networkx(Neo4jBackend(bolt_server.uri, bolt_server.user, "", PARITY_DB))
    assert sorted(remote.nodes) == sorted(local.nodes)
    assert sorted(remote.edges(keys=True)) == sorted(local.edges(keys=True))


# --- search -------------------------------------------------------------------------------------------------

def test_search_uses_the_servers_full_text_index(pushed, bolt_server):
    res = invoke("search", "chuyen doi so", "--json", "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
    assert res.exit_code == 0, res.output
    hits = json.loads(res.stdout)
    assert hits and {"kind", "key", "title", "snippet", "score"} <= set(hits[0])
    assert any(h["key"] == F004 for h in hits)
    assert any("«" in h["snippet"] for h in hits)
    tasks = json.loads(invoke("search", "UNESCO", "--kind", "task", "--json", "--backend", "neo4j",
                              *server_args(bolt_server, PARITY_DB)).stdout)
    assert tasks and {h["kind"] for h in tasks} == {"task"}


def test_search_without_the_index_says_so_in_one_line(bolt_server, driver, scratch):
    db = scratch
    loader = Loader(driver, db)
    loader.begin()
    loader.finish()  # a kg graph (KgMeta) but no full-text index
    res = invoke("search", "ke hoach", "--backend", "neo4j", *server_args(bolt_server, db))
    assert "chỉ mục toàn văn" in one_line(res, 5)


# --- values are data ------------------------------------------------------------------------------------------

HOSTILE = [
    "x' }) MATCH (n) DETACH DELETE n //",
    'Phòng "A" \\ B',
    "a\\' OR 1=1 RETURN 1 //",
    "line\nbreak $rows {id: 1}",
    "}]) RETURN 1 UNION MATCH (n) DETACH DELETE n //",
    "back\\slash at end\\",
    "CYPHER x=1 MATCH (n) DELETE n",
]


def test_hostile_strings_round_trip_as_parameters(driver, scratch):
    text, params = prepare("falkordb", "RETURN $x AS x, $m AS m", {"x": HOSTILE, "m": {"end": HOSTILE[0], "n": 1.5}})
    assert params == {}
    with driver.session(database=scratch) as s:
        row = s.run(text).single()
    assert row["x"] == HOSTILE and row["m"] == {"end": HOSTILE[0], "n": 1.5}


@given(st.lists(st.text(), max_size=4), st.text())
@settings(max_examples=150, deadline=None)
def test_any_text_reaches_the_server_and_comes_back_unchanged(driver, values, one):
    """What FalkorDB itself does with Bolt parameters (an unescaped text header) would turn a quote
    into Cypher; the client's own header keeps every value a value (NUL, which FalkorDB cannot
    store in a string, becomes U+FFFD)."""
    text, params = prepare("falkordb", "RETURN $v AS v, $o AS o", {"v": values, "o": one})
    with driver.session() as s:
        row = s.run(text, params).single()
    clean = [v.replace("\x00", "\ufffd") for v in values]
    assert (row["v"], row["o"]) == (clean, one.replace("\x00", "\ufffd"))


def test_injection_strings_as_unit_names_and_keys_are_stored_and_found_as_data(bolt_server, driver, scratch):
    db = scratch
    loader = Loader(driver, db, batch_size=3)
    loader.create_schema()
    loader.begin()
    units = [{"label": "Unit", "id": f"unit:{i}", "props": {"name": name, "parent_id": None, "aliases": [name],
                                                             "folded": [fold(name)]}}
             for i, name in enumerate(HOSTILE)]
    docs = [{"label": "Document", "id": f"doc:{i}", "props": {"key": name, "in_corpus": 1, "ambiguous": 0,
                                                               "title": name, "f_title": name.lower()}}
            for i, name in enumerate(HOSTILE)]
    loader.write_nodes(units + docs)
    loader.write_rels([{"type": "ALIAS_OF", "src": "alias:x", "dst": "doc:0", "key": "doc:0", "props": {}}])
    loader.finish()
    b = Neo4jBackend(bolt_server.uri, bolt_server.user, "", db)
    assert [u["name"] for u in b.units()] == sorted(HOSTILE)
    got = b.nodes([f"doc:{i}" for i in range(len(HOSTILE))])
    assert [got[f"doc:{i}"]["key"] for i in range(len(HOSTILE))] == HOSTILE
    before = counts_on(driver, db)
    for name in HOSTILE:
        res = invoke("tasks", name, "--json", "--backend", "neo4j", *server_args(bolt_server, db))
        assert res.exit_code == 0 and json.loads(res.stdout) == [], (name, res.output)
        res = invoke("trace", name, "--backend", "neo4j", *server_args(bolt_server, db))
        assert res.exit_code in (2, 3), (name, res.output)
        res = invoke("search", name, "--backend", "neo4j", *server_args(bolt_server, db))
        assert res.exit_code in (0, 2), (name, res.output)
    assert counts_on(driver, db) == before


def test_injection_strings_as_queries_on_the_pushed_graph_find_nothing_and_change_nothing(pushed, bolt_server,
                                                                                           driver):
    before = counts_on(driver, PARITY_DB)
    for q in HOSTILE:
        for cmd in ("trace", "impact", "cites", "show"):
            res = invoke(cmd, q, "--backend", "neo4j", *server_args(bolt_server, PARITY_DB))
            assert res.exit_code in (2, 3) and "Traceback" not in res.output, (cmd, q, res.output)
    assert counts_on(driver, PARITY_DB) == before


# --- servers that cannot be used ----------------------------------------------------------------------------------

def test_a_server_that_is_down_gives_one_line_and_exit_5(seed_db):
    uri = f"bolt://127.0.0.1:{closed_port()}"
    line = one_line(invoke("trace", F004, "--backend", "neo4j", "--uri", uri), 5)
    assert line.startswith("kg: ") and uri in line and "không kết nối được" in line
    digest = sha256(seed_db)
    line = one_line(invoke("push", "--uri", uri, "--db", seed_db), 5)
    assert uri in line
    assert sha256(seed_db) == digest


def test_a_refused_password_gives_one_line_and_exit_5(bolt_server_with_password, seed_db):
    srv = bolt_server_with_password
    digest = sha256(seed_db)
    bad = {"KG_TEST_PW": "wrong"}
    line = one_line(invoke("push", "--uri", srv.uri, "--user", srv.user, "--password-env", "KG_TEST_PW",
                           "--db", seed_db, env=bad), 5)
    assert "từ chối đăng nhập" in line
    line = one_line(invoke("stats", "--backend", "neo4j", "--uri", srv.uri, "--user", srv.user,
                           "--password-env", "KG_TEST_PW", env=bad), 5)
    assert "từ chối đăng nhập" in line
    assert sha256(seed_db) == digest
    # the right password is let in (and finds no kg graph there yet)
    line = one_line(invoke("stats", "--backend", "neo4j", "--uri", srv.uri, "--user", srv.user,
                           "--password-env", "KG_TEST_PW", env={"KG_TEST_PW": "kg-secret"}), 5)
    assert "kg push" in line
    with pytest.raises(AuthFailed):
        connect(srv.uri, srv.user, "also wrong")


def test_a_server_that_goes_away_mid_session_gives_one_line_and_exit_5(seed_db, monkeypatch):
    from kg.neo4j_testserver import FalkorServer
    monkeypatch.setattr("kg.neo4j_backend.RETRY_BASE", 0.01)
    srv = FalkorServer().start()
    try:
        args = ["--uri", srv.uri, "--user", srv.user]
        assert invoke("push", *args, "--db", seed_db).exit_code == 0
        assert invoke("trace", F004, "--backend", "neo4j", *args).exit_code == 0
    finally:
        srv.stop()
    line = one_line(invoke("trace", F004, "--backend", "neo4j", *args), 5)
    assert srv.uri in line


def test_an_unset_password_variable_is_a_usage_error(bolt_server):
    res = invoke("trace", F004, "--backend", "neo4j", "--uri", bolt_server.uri, "--password-env", "KG_NOT_SET_X")
    assert "KG_NOT_SET_X" in one_line(res, 2)


def test_an_unreadable_uri_is_a_usage_error():
    assert "URI" in one_line(invoke("trace", F004, "--backend", "neo4j", "--uri", "http://x:1"), 2)


def test_connect_raises_server_down_for_a_closed_port():
    with pytest.raises(ServerDown):
        connect(f"bolt://127.0.0.1:{closed_port()}", "neo4j", "")


# --- which server -------------------------------------------------------------------------------------------------

def test_falkordb_is_recognised_although_it_calls_itself_neo4j(driver):
    assert driver.get_server_info().agent.startswith("Neo4j/")
    assert detect_flavor(driver) == "falkordb"


def test_the_falkordb_schema_statements_run_once_and_are_then_skipped(driver, scratch):
    db = scratch
    loader = Loader(driver, db)
    loader.create_schema()
    first = loader.summary.schema_statements
    loader.create_schema()
    assert first > 0 and loader.summary.schema_statements == 0
    assert loader.summary.fulltext == "ok"
    assert Dialect("falkordb").fulltext({"Document": {"f_title": {"FULLTEXT"}}, "Task": {"f_title": {"FULLTEXT"}},
                                         "Footnote": {"f_title": {"FULLTEXT"}}}) == []


def test_the_loader_rows_are_what_the_store_holds(seed_db):
    b = SqliteBackend(seed_db)
    try:
        nodes, rels = list(node_rows(b.conn)), list(rel_rows(b.conn))
        assert (len(nodes), len(rels)) == store_counts(b.conn)
        assert len({n["id"] for n in nodes}) == len(nodes)
        assert len({(r["type"], r["src"], r["dst"], r["key"]) for r in rels}) == len(rels)
        # the stable keys do not depend on the store's row ids
        again = [r["key"] for r in rel_rows(b.conn)]
        assert again == [r["key"] for r in rels]
    finally:
        b.close()
    assert cypher_literal('a"b\\c') == '"a\\"b\\\\c"'
