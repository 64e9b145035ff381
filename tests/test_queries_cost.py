"""Questions that read what their answer needs, not what the corpus holds: a unit named as the
registry knows it is one indexed lookup, and a relation that many plans state (one implied edge
per stating plan) is one step of a lineage whose copies are told apart in SQL."""
from __future__ import annotations

import shutil

import pytest

import queries as Q
from kg.store import SqliteBackend
from queries.lineage import UP_ALL, _dedupe
from tests.test_graph_fixtures import CORPUS, backend, build, seed_db  # noqa: F401

UNIT = "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"


class _NoScan:
    """A backend that refuses to hand over every unit spelling."""

    def __init__(self, b):
        self._b = b

    def __getattr__(self, name):
        if name in ("unit_names", "unit_display"):
            raise AssertionError(f"{name}() reads every unit")
        return getattr(self._b, name)


@pytest.mark.parametrize("typed", [UNIT, "phong giao duc thuong xuyen - chuyen nghiep va dai hoc", UNIT.upper()])
def test_a_unit_named_as_known_is_looked_up_without_reading_every_spelling(backend, typed):
    m = Q.match_unit(_NoScan(backend), typed)
    assert (m["name"], m["how"], m["score"]) == (UNIT, "exact", 100.0)
    assert Q.unit_tasks(_NoScan(backend), typed) == Q.unit_tasks(backend, UNIT)


def test_a_misspelt_unit_still_falls_back_to_the_fuzzy_scan(backend):
    typed = "Phong Giao duc thuong xuyen Chuyen nghiep va Dai hocc"
    with pytest.raises(AssertionError, match="reads every unit"):
        Q.match_unit(_NoScan(backend), typed)
    m = Q.match_unit(backend, typed)
    assert (m["name"], m["how"]) == (UNIT, "fuzzy")


@pytest.fixture(scope="module")
def restated(tmp_path_factory):
    """Seed 004 and two district plans that copy its "Căn cứ" clauses: every implied relation of
    004 (1413/KH-UBND -> 63-CTrHĐ/TU, ...) is stated three times."""
    d = tmp_path_factory.mktemp("restated")
    docs = d / "docs"
    docs.mkdir()
    text = (CORPUS / "004_866d70e48e852e47.txt").read_text(encoding="utf-8")
    for i, who in enumerate(["Quận 1", "Quận 3"]):
        (docs / f"plan_{i}.txt").write_text(
            f"ỦY BAN NHÂN DÂN {who.upper()}\n\nSố: {70 + i}/KH-UBND\n\n"
            + text.replace("ngành Giáo dục và Đào tạo Thành phố", who), encoding="utf-8")
    shutil.copy(CORPUS / "004_866d70e48e852e47.txt", docs)
    build([docs], d / "kg.sqlite")
    return d / "kg.sqlite"


def _raw_edges(b, ids, rels, direction, implied):
    col = "src" if direction == "out" else "dst"
    rows = [dict(r) for r in b.conn.execute(f"SELECT * FROM edges WHERE {col} IN ({', '.join('?' * len(ids))})", ids)]
    if rels is not None:
        rows = [r for r in rows if r["rel"] in rels or (implied and r["implied"] == 1)]
    return rows


@pytest.mark.parametrize("rels, implied", [(["BASED_ON", "IMPLEMENTS"], True), (UP_ALL, True), (["IMPLEMENTS"], False),
                                           (None, False)])
@pytest.mark.parametrize("direction", ["out", "in"])
def test_edges_are_one_per_relation_the_direct_before_the_implied_then_the_first_written(restated, rels, implied,
                                                                                          direction):
    with SqliteBackend(restated) as b:
        ids = [r[0] for r in b.conn.execute("SELECT id FROM documents UNION ALL SELECT id FROM tasks")]
        raw = _raw_edges(b, ids, rels, direction, implied)
        got = b.edges(ids, rels, direction, implied)
        assert got == _dedupe(raw)
        if rels is None or implied:
            assert len(raw) > len(got)  # copies were there to tell apart


def test_a_relation_stated_by_three_plans_is_one_step_with_the_first_statement(restated):
    with SqliteBackend(restated) as b:
        t = Q.trace(b, "71/KH-UBND")
        steps = [e for e in t["edges"] if (e["from"], e["to"]) == ("1413/KH-UBND", "63-CTrHĐ/TU")]
        assert len(steps) == 1 and steps[0]["implied"]
        first = b.conn.execute("SELECT file, sentence FROM edges WHERE implied = 1 AND src LIKE 'doc:1413/KH-UBND|%' "
                               "ORDER BY id LIMIT 1").fetchone()
        assert (steps[0]["evidence"]["file"], steps[0]["evidence"]["text"]) == tuple(first)
        assert t["roots"] == Q.trace(b, "004_866d70e48e852e47.txt")["roots"]
