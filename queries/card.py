"""`kg show`: one card with everything the store knows about a document (or a task)."""
from __future__ import annotations

from .backend import Backend
from .cites import candidates_of
from .lineage import ROLES, _dedupe
from .resolve import resolve

DOC_RELS = ["BASED_ON", "IMPLEMENTS", "AMENDS", "REPLACES", "REPEALS", "GUIDES"]
ROLE_NAME = {"LEADS": "lead", "SUPPORTS": "support", "EXECUTES": "executor"}


def _ev(e: dict) -> dict:
    return {"file": e.get("file"), "start": e.get("start"), "end": e.get("end"), "text": e.get("sentence")}


def _link(e: dict, other: dict, nodes: dict) -> dict:
    out = {"key": other["key"], "relation": e["rel"], "implied": bool(e["implied"]), "in_corpus": bool(other.get("in_corpus")),
           "evidence": _ev(e)}
    if e["implied"] and e.get("via") in nodes:
        out["stated_in"] = nodes[e["via"]]["key"]
    return out


def _roles(b: Backend, task_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    edges = _dedupe(b.edges(task_ids, ROLES, "in")) if task_ids else []
    names = b.nodes({e["src"] for e in edges})
    out: dict[str, dict[str, list[str]]] = {t: {"lead": [], "support": [], "executor": []} for t in task_ids}
    for e in edges:
        out[e["dst"]][ROLE_NAME[e["rel"]]].append(names[e["src"]]["key"])
    return out


def show(b: Backend, x: str) -> dict:
    n = resolve(b, x)
    if n["kind"] == "Document":
        return document_card(b, n)
    doc = b.documents([n["doc_id"]])[n["doc_id"]]
    card = {"key": n["key"], "kind": n["kind"], "document": doc["key"], "document_title": doc["title"],
            "label": n.get("label") if "label" in n else n.get("n"), "title": n.get("title") or n.get("text"),
            "file": n.get("file"), "start": n.get("start"), "end": n.get("end")}
    if n["kind"] == "Task":
        card.update({"deadline": n["deadline"], "deadline_start": n["deadline_start"],
                     "deadline_end": n["deadline_end"], **_roles(b, [n["id"]])[n["id"]]})
        cites = _dedupe(b.edges([n["id"]], ["CITES"], "out"))
    elif n["kind"] == "Footnote":
        card["anchor"] = n.get("anchor")
        cites = _dedupe(b.edges([n["id"]], ["CITES_IN_FOOTNOTE"], "out"))
    else:
        card["unit"] = n.get("unit")
        cites = []
    nodes = b.nodes({e["dst"] for e in cites})
    card["cites"] = [_link(e, nodes[e["dst"]], nodes) for e in cites]
    return card


def document_card(b: Backend, d: dict) -> dict:
    out_e = _dedupe(b.edges([d["id"]], DOC_RELS, "out", implied=True))
    in_e = _dedupe(b.edges([d["id"]], DOC_RELS, "in", implied=True))
    meta_e = _dedupe(b.edges([d["id"]], ["ISSUED_BY", "SIGNED_BY", "SENT_TO"], "out"))
    nodes = b.nodes({e["dst"] for e in out_e + meta_e} | {e["src"] for e in in_e}
                    | {e["via"] for e in out_e + in_e if e.get("via")})
    tasks = b.tasks(d["id"])
    roles = _roles(b, [t["id"] for t in tasks])
    notes = b.footnotes(d["id"])
    note_refs: dict[str, list[str]] = {}
    for r in b.footnote_refs(d["id"]):
        note_refs.setdefault(r["footnote"], []).append(r["target"])
    return {
        "key": d["key"], "kind": "Document", "doc_type": d["doc_type"], "number": d["number"], "title": d["title"],
        "issuer": d["issuer"], "issued_date": d["issued_date"], "year": d["year"], "signer": d["signer"],
        "signer_title": d["signer_title"], "locality": d["locality"], "in_corpus": bool(d["in_corpus"]),
        "ambiguous": bool(d["ambiguous"]), "candidates": candidates_of(b, d),
        "sources": [s["file"] for s in b.sources(d["id"])],
        "recipients": [nodes[e["dst"]]["key"] for e in meta_e if e["rel"] == "SENT_TO"],
        "bases": [_link(e, nodes[e["dst"]], nodes) for e in out_e],
        "implemented_by": [_link(e, nodes[e["src"]], nodes) for e in in_e],
        "cited_by": [{"key": r["citing_key"], "relations": r["relations"], "status": r["status"]}
                     for r in b.refs(target=d["id"])],
        "tasks": [{"task": t["key"], "label": t["label"], "title": t["title"], "deadline": t["deadline"],
                   "deadline_start": t["deadline_start"], "deadline_end": t["deadline_end"], **roles[t["id"]]}
                  for t in tasks],
        "responsibilities": [{"id": r["key"], "label": r["label"], "unit": r["unit"], "title": r["title"]}
                             for r in b.responsibilities(d["id"])],
        "footnotes": [{"footnote": f["n"], "anchor": f["anchor"], "text": f["text"],
                       "cites": note_refs.get(f["id"], [])} for f in notes],
    }
