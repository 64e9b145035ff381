"""Lineage: where a plan or task comes from (trace), and what derives from a document (impact).

Both walk the graph from one node with the backend's recursive walk, then fetch only the edges
among the nodes reached: the answer never needs the whole graph."""
from __future__ import annotations

from .backend import Backend
from .resolve import resolve

UP = ["BASED_ON", "IMPLEMENTS"]
UP_ALL = UP + ["CITES", "HAS_FOOTNOTE", "CITES_IN_FOOTNOTE", "AMENDS", "REPLACES", "REPEALS", "GUIDES"]
ROLES = ["LEADS", "SUPPORTS", "EXECUTES"]
PARENT_REL = {"Task": "HAS_TASK", "Responsibility": "HAS_RESPONSIBILITY", "Footnote": "HAS_FOOTNOTE"}


def _node_out(n: dict, roots: set[str] | None = None) -> dict:
    out = {"key": n["key"], "kind": n["kind"], "doc_type": n.get("doc_type"), "title": n.get("title")}
    if n["kind"] == "Document":
        out["in_corpus"] = bool(n.get("in_corpus"))
        out["ambiguous"] = bool(n.get("ambiguous"))
    if roots is not None:
        out["root"] = n["id"] in roots
    return out


def _edge_out(e: dict, nodes: dict, relation: str | None = None, flip: bool = False) -> dict:
    a, b = (e["dst"], e["src"]) if flip else (e["src"], e["dst"])
    out = {"from": nodes[a]["key"], "to": nodes[b]["key"], "relation": relation or e["rel"],
           "implied": bool(e.get("implied")),
           "evidence": {"file": e.get("file"), "start": e.get("start"), "end": e.get("end"), "text": e.get("sentence")}}
    if e.get("implied") and e.get("via") in nodes:
        out["stated_in"] = nodes[e["via"]]["key"]
    return out


def _dedupe(edges: list[dict]) -> list[dict]:
    """One edge per (from, to, relation): a directly stated one before an implied one, then the
    first written (the best source of a document)."""
    best: dict[tuple, dict] = {}
    for e in sorted(edges, key=lambda e: (e.get("implied") or 0, e["id"])):
        best.setdefault((e["src"], e["dst"], e["rel"]), e)
    return sorted(best.values(), key=lambda e: e["id"])


def _parent_step(b: Backend, start: dict) -> list[dict]:
    rel = PARENT_REL.get(start["kind"])
    return _dedupe(b.edges([start["id"]], [rel], "in")) if rel else []


def trace(b: Backend, x: str, all_relations: bool = False) -> dict:
    """Upstream lineage of `x` up to its root documents; each edge with its evidence sentence.
    A task first steps to its document; --all adds plain citations and footnote citations."""
    start = resolve(b, x)
    rels = UP_ALL if all_relations else UP
    parent = _parent_step(b, start)
    seeds = [start["id"]] + [e["src"] for e in parent]
    reached = b.walk(seeds, rels, "out", implied=True)
    edges = _dedupe(b.edges(reached, rels, "out", implied=True))
    if all_relations:  # footnotes that cite nothing are not lineage
        citing_notes = {e["src"] for e in edges if e["rel"] == "CITES_IN_FOOTNOTE"}
        edges = [e for e in edges if e["rel"] != "HAS_FOOTNOTE" or e["dst"] in citing_notes]
    ids = {start["id"], *seeds} | {e["src"] for e in edges} | {e["dst"] for e in edges}
    nodes = b.nodes(ids)
    has_out = {e["src"] for e in edges} | {e["dst"] for e in parent}
    roots = {i for i in ids if i not in has_out and i.startswith("doc:")}
    out_edges = [_edge_out(e, nodes, "TASK_OF" if start["kind"] == "Task" else "PART_OF", flip=True) for e in parent]
    out_edges += [_edge_out(e, nodes) for e in edges]
    order = [start["id"]] + sorted(ids - {start["id"]}, key=lambda i: (not i.startswith("doc:"), nodes[i]["key"]))
    return {"start": nodes[start["id"]]["key"],
            "nodes": [_node_out(nodes[i], roots) for i in order if i in nodes],
            "edges": out_edges,
            "roots": sorted(nodes[i]["key"] for i in roots)}


def impact(b: Backend, x: str, all_relations: bool = False) -> dict:
    """Downstream view of `x`: every document that derives from it (BASED_ON, IMPLEMENTS and
    implied relations; --all adds citations), their tasks, and the units that carry the tasks."""
    start = resolve(b, x)
    rels = UP_ALL + ["HAS_TASK"] if all_relations else UP
    reached = b.walk([start["id"]], rels, "in", implied=True)
    docs = {i for i in reached if i.startswith("doc:")}
    edges = _dedupe([e for e in b.edges(reached, rels, "in", implied=True) if e["src"] in reached])
    if all_relations:  # keep only the footnotes/tasks through which a document cites
        citing = {e["src"] for e in edges}
        edges = [e for e in edges if e["rel"] not in ("HAS_TASK", "HAS_FOOTNOTE") or e["dst"] in citing]
    task_edges = _dedupe(b.edges(docs, ["HAS_TASK"], "out")) if docs else []
    tasks = {e["dst"] for e in task_edges} | ({start["id"]} if start["kind"] == "Task" else set())
    unit_edges = _dedupe(b.edges(tasks, ROLES, "in")) if tasks else []
    ids = reached | tasks | {e["src"] for e in unit_edges}
    nodes = b.nodes(ids | {e["via"] for e in edges if e.get("via")})
    seen = {e["id"] for e in edges}
    all_edges = edges + [e for e in task_edges if e["id"] not in seen] + unit_edges
    order = [start["id"]] + sorted(ids - {start["id"]}, key=lambda i: (
        ["doc", "task", "resp", "fn", "unit", "person"].index(i.split(":", 1)[0]), nodes[i]["key"]))
    return {"start": nodes[start["id"]]["key"],
            "nodes": [_node_out(nodes[i]) for i in order if i in nodes],
            "edges": [_edge_out(e, nodes) for e in sorted(all_edges, key=lambda e: e["id"])]}
