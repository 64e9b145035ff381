"""Counts over the store and what to collect next: cited documents missing from the corpus."""
from __future__ import annotations

from .backend import Backend
from .cites import candidates_of


def stats(b: Backend) -> dict:
    """Deterministic for a given store (sorted lists, no clock), so it can be diffed."""
    c = b.counts()
    c["missing"] = [{"key": m["key"], "doc_type": m["doc_type"], "issuer": m["issuer"],
                     "issued_date": m["issued_date"], "title": m["title"], "cited_by": m["cited_by"],
                     "mentions": m["mentions"]} for m in b.missing()]
    c["ambiguous_keys"] = [{"key": a["key"], "candidates": candidates_of(b, a)} for a in b.ambiguous()]
    return c
