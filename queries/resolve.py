"""What the user typed -> one node: a number in any spelling, a file name, a task id.

A number that fits two documents is an error that lists them, never a guess."""
from __future__ import annotations

import re

from extract.citations import SYMBOL
from kg.identity import TaskIdError, fold, lookup_norm, parse_task_id

from .backend import Ambiguous, Backend, BadQuery, NotFound


def _candidates(b: Backend, text: str) -> list[str]:
    ids = b.find_documents(lookup_norm(text))
    if ids:
        return ids
    m = SYMBOL.search(text.replace("_", "/"))
    if m and lookup_norm(m.group(0)) != lookup_norm(text):
        ids = b.find_documents(lookup_norm(re.sub(r"\d{1,2}$", "", m.group(0)) if m.group("fn") else m.group(0)))
        if ids:
            return ids
    norm = lookup_norm(text)
    if re.fullmatch(r"\d+", norm or "x"):
        # a bare number ("2531"): documents whose number starts with it
        docs = b.documents({d for _a, d in b.find_documents_prefix(norm)})
        return sorted(d["id"] for d in docs.values() if d["number"]
                      and re.match(re.escape(norm) + r"(?!\d)", lookup_norm(d["number"])))
    return []


def resolve_document(b: Backend, text: str) -> dict:
    """The one document `text` names (number, file name, key, or "NUMBER [issuer words]")."""
    text = (text or "").strip()
    if not text or not lookup_norm(text):
        raise BadQuery("thiếu số/ký hiệu văn bản")
    ids = b.find_documents(lookup_norm(text))
    want = None
    m = re.fullmatch(r"(.+?)\s*\[\s*([^\]]+?)\s*\]", text)
    if not ids and m:  # "NUMBER [issuer words]" or "NUMBER [year]" picks one of several
        ids, want = _candidates(b, m.group(1)), fold(m.group(2))
    elif not ids:
        ids = _candidates(b, text)
    docs = b.documents(ids)
    if want:
        docs = {i: d for i, d in docs.items()
                if want in fold(d.get("issuer") or "") or want == (d.get("year") or "") or want == "?" and d["ambiguous"]}
    if len(docs) > 1:
        real = {i: d for i, d in docs.items() if not d["ambiguous"]}
        docs = real or docs
    if not docs:
        raise NotFound(f"không tìm thấy văn bản {text!r} trong kho")
    if len(docs) > 1:
        keys = sorted(d["key"] for d in docs.values())
        raise Ambiguous(f"{text!r} mơ hồ, có {len(keys)} văn bản cùng số: " + "; ".join(keys)
                        + " — hãy ghi rõ cơ quan, ví dụ " + repr(keys[0]), keys)
    return next(iter(docs.values()))


def resolve(b: Backend, text: str) -> dict:
    """The node `text` names: a document, or a task / responsibility / footnote as "DOC#LABEL"."""
    text = (text or "").strip()
    if "#" not in text:
        d = resolve_document(b, text)
        return {**d, "kind": "Document"}
    try:
        doc_part, label = parse_task_id(text)
    except TaskIdError as e:
        raise BadQuery(str(e)) from None
    d = resolve_document(b, doc_part)
    if label.startswith("R"):
        for r in b.responsibilities(d["id"]):
            if r["key"].rsplit("#", 1)[1] == label:
                return {**r, "kind": "Responsibility", "document": d["key"]}
        raise NotFound(f"{d['key']} không có mục trách nhiệm {label}")
    if label.startswith("fn"):
        for f in b.footnotes(d["id"]):
            if f"fn{f['n']}" == label:
                return {**f, "kind": "Footnote", "document": d["key"]}
        raise NotFound(f"{d['key']} không có chú thích {label[2:]}")
    tasks = b.tasks(d["id"])
    hit = [t for t in tasks if t["label"] == label]
    if not hit:
        hit = [t for t in tasks if t["label"].split(".", 1)[-1] == label and re.match(r"[IVXLC]+\.", t["label"])]
    if len(hit) > 1:
        raise Ambiguous(f"{text!r} mơ hồ: " + "; ".join(t["key"] for t in hit), [t["key"] for t in hit])
    if not hit:
        labels = ", ".join(t["label"] for t in tasks[:30]) or "không có nhiệm vụ nào"
        raise NotFound(f"{d['key']} không có nhiệm vụ {label} (các mục: {labels})")
    return {**hit[0], "kind": "Task", "document": d["key"]}
