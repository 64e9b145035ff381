"""Where a regulation is cited: every mention with its sentence, and the footnote registry."""
from __future__ import annotations

import json

from .backend import Backend, BadQuery
from .resolve import resolve, resolve_document


def _where(m: dict) -> str:
    if m["region"] == "footnote":
        return "footnote"
    return "task" if m.get("task_id") else "body"


def cites(b: Backend, x: str) -> list[dict]:
    """Every place `x` is cited (document body, footnote, task), one entry per mention."""
    d = resolve(b, x)
    if d["kind"] != "Document":
        raise BadQuery(f"{x!r} là {d['kind']}, không phải văn bản: `kg cites` cần số/ký hiệu văn bản")
    out = []
    for m in b.mentions([d["id"]]):
        where = _where(m)
        out.append({"document": m["document"], "file": m["file"], "where": where,
                    "footnote": m["footnote"] if where == "footnote" else None,
                    "task": m["task"] if where == "task" else None,
                    "relation": m["relations"] or ("footnote" if where == "footnote" else "cites"),
                    "text": m["sentence"], "cited_as": m["key"], "region": m["region"],
                    "start": m["start"], "end": m["end"]})
    return out


def footnotes(b: Backend, doc: str | None = None) -> dict:
    """Footnotes with the documents they cite, and the documents cited by more than one plan."""
    d = resolve_document(b, doc) if doc else None
    fns = b.footnotes(d["id"] if d else None)
    cited: dict[str, list[str]] = {}
    for r in b.footnote_refs(d["id"] if d else None):
        keys = cited.setdefault(r["footnote"], [])
        if r["target"] not in keys:
            keys.append(r["target"])
    notes = [{"document": f["document"], "footnote": f["n"], "key": f["key"], "anchor": f["anchor"],
              "text": f["text"], "cites": cited.get(f["id"], [])} for f in fns]
    mine = None
    if d:
        mine = {r["target"] for r in b.refs(citing=d["id"])}
    shared = []
    for r in b.cited_by_many(2):
        if mine is not None and r["id"] not in mine:
            continue
        shared.append({"key": r["key"], "doc_type": r["doc_type"], "title": r["title"],
                       "in_corpus": bool(r["in_corpus"]), "cited_by": sorted(set(r["citing"].split("\x1f")))})
    return {"document": d["key"] if d else None, "footnotes": notes, "shared": shared}


def candidates_of(b: Backend, d: dict) -> list[str]:
    if not d.get("candidates"):
        return []
    ids = json.loads(d["candidates"])
    docs = b.documents(ids)
    return sorted(docs[i]["key"] for i in ids if i in docs)
