"""Two sources of one document (a PDF extraction and a web copy): same number, or same title and text."""
from __future__ import annotations

from rapidfuzz import fuzz

from .citations import ident
from .units import fold


def link_same(records: list[dict]) -> None:
    """Set document.same_as on records that are the same document as another record of the run."""
    keys = []
    for r in records:
        d = r["document"]
        body = fold(r.get("text", "")[:20000])
        keys.append((ident(d["number"]) if d.get("number") else None, fold(d.get("title") or ""), d.get("doc_type"), body,
                     fold(d.get("issuer") or "")))
    for i, a in enumerate(keys):
        for j in range(i + 1, len(keys)):
            b = keys[j]
            if a[0] and b[0] and a[0] != b[0]:
                continue  # two stated numbers that differ are two documents, however alike the text
            if a[4] and b[4] and a[4] != b[4]:
                continue  # so are two issuers
            same = bool(a[0] and a[0] == b[0])
            if not same and a[1] and a[2] == b[2] and fuzz.ratio(a[1], b[1]) >= 95:
                same = fuzz.ratio(a[3][:6000], b[3][:6000]) >= 80 or fuzz.partial_ratio(a[3][:3000], b[3]) >= 90
            if same:
                records[i]["document"].setdefault("same_as", None)
                if not records[i]["document"]["same_as"]:
                    records[i]["document"]["same_as"] = records[j]["file"]
                if not records[j]["document"]["same_as"]:
                    records[j]["document"]["same_as"] = records[i]["file"]
