"""Two sources of one document (a PDF extraction and a web copy): same number, or same title and text.

Two records of one number are one document unless their issuers or years differ (administrative
numbers restart every year). The pairs looked at: records sharing a number, and records of one
type whose titles share their first or last BLOCK_CHARS letters (titles at least 95% alike do).
Listing every pair of a title block is quadratic on a corpus of plans whose titles begin alike
("Triển khai thực hiện kế hoạch ..."): 1.6 million pairs at 10,000 records, ~200 million at
100,000. A title block decides only for a record without a number (two numbers decide by
themselves), so a block is searched only for its records without a number (rapidfuzz scores the
titles in C), no pair is listed, and a text is read only for the pairs whose titles match.
tests/test_same_links.py checks the result against the rule written pair by pair."""
from __future__ import annotations

import functools
from collections import defaultdict

from rapidfuzz import fuzz, process

from .citations import ident, year_of
from .units import fold

BLOCK_CHARS = 24
# the start of a text that same_links compares (the rest never decides)
HEAD_CHARS = 20_000

# a cutoff a hair below each threshold of the rule: never prunes a score that reaches the threshold
_BELOW = {t: t - 0.01 for t in (80, 90, 95)}


# pairs of texts compared at once: their texts are held meanwhile
TEXT_BATCH = 256


def _scores(scorer, a: list[str], b: list[str], threshold: int) -> list[bool]:
    """scorer(a[k], b[k]) >= threshold for every k."""
    if not a:
        return []
    import numpy as np  # only when texts are compared: keeps numpy out of every command's start

    got = process.cpdist(a, b, scorer=scorer, score_cutoff=_BELOW[threshold], workers=-1, dtype=np.float64)
    return [x >= threshold for x in got.tolist()]


def _conflict(a: str | None, b: str | None) -> bool:
    """Two issuers, or two years, both known and different: two documents (numbers restart yearly)."""
    return bool(a and b and a != b)


def _apart(a: tuple, b: tuple) -> bool:
    return _conflict(a[3], b[3]) or _conflict(a[4], b[4])


def same_links(keys: list[tuple], body) -> dict[int, int]:
    """{i: j}: record i is the same document as record j, j the first such record in run order.

    keys[i] = same_key(document of record i), in run order;
    body(i) = the folded start of record i's text (fold(text[:HEAD_CHARS])), asked only when needed."""
    partner: dict[int, int] = {}

    def link(i: int, j: int) -> None:
        for a, b in ((i, j), (j, i)):
            if a not in partner or b < partner[a]:
                partner[a] = b

    by_number: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        if k[0]:
            by_number[k[0]].append(i)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    if any(not k[0] and k[1] for k in keys):
        for i, (_num, title, doc_type, *_rest) in enumerate(keys):
            if title:
                letters = "".join(ch for ch in title if ch.isalnum())
                blocks[("head", doc_type, letters[:BLOCK_CHARS])].append(i)
                blocks[("tail", doc_type, letters[-BLOCK_CHARS:])].append(i)
    for idxs in by_number.values():
        for x, i in enumerate(idxs):
            for j in idxs[x + 1:]:
                if not _apart(keys[i], keys[j]):
                    link(i, j)

    # a record without a number and the records of its title blocks: the titles, then the texts,
    # decide. rapidfuzz's cutoffs only prune what cannot reach them: each score is checked again
    pairs = []
    seen = set()
    for idxs in blocks.values():
        if len(idxs) < 2 or all(keys[u][0] for u in idxs):
            continue
        titles = {v: keys[v][1] for v in idxs}
        for u in idxs:
            if keys[u][0]:
                continue
            for _t, _score, v in process.extract(keys[u][1], titles, scorer=fuzz.ratio, score_cutoff=_BELOW[95],
                                                 limit=None):
                i, j = min(u, v), max(u, v)
                if i == j or (i, j) in seen:
                    continue
                seen.add((i, j))
                a, b = keys[i], keys[j]  # one of them has no number: no number conflict, no number match
                if not _apart(a, b) and fuzz.ratio(a[1], b[1]) >= 95:
                    pairs.append((i, j))
    text = functools.lru_cache(maxsize=4 * TEXT_BATCH)(body)
    pairs.sort()
    for n in range(0, len(pairs), TEXT_BATCH):
        batch = pairs[n:n + TEXT_BATCH]
        # the texts of a batch of pairs compared on every core (the comparisons run in C, in threads)
        alike = _scores(fuzz.ratio, [text(i)[:6000] for i, _ in batch], [text(j)[:6000] for _, j in batch], 80)
        rest = [p for p, ok in zip(batch, alike) if not ok]
        near = _scores(fuzz.partial_ratio, [text(i)[:3000] for i, _ in rest], [text(j) for _, j in rest], 90)
        for i, j in [p for p, ok in zip(batch, alike) if ok] + [p for p, ok in zip(rest, near) if ok]:
            link(i, j)
    return partner


def same_key(doc: dict) -> tuple:
    """What same_links compares of a record's document fields: (ident of the number or None, folded
    title, doc type, folded issuer, year or None)."""
    num = doc.get("number")
    return (ident(num) if num else None, fold(doc.get("title") or ""), doc.get("doc_type"),
            fold(doc.get("issuer") or ""), year_of(doc.get("issued_date"), num))


def mark_same(docs: list[dict], files: list[str], text) -> None:
    """Set same_as on the document dicts (in run order) that are the same document as another of the
    run: the file of the first such one. text(i) = record i's text (at least its first HEAD_CHARS letters)."""
    for i, j in same_links([same_key(d) for d in docs], lambda i: fold(text(i)[:HEAD_CHARS])).items():
        if not docs[i].get("same_as"):
            docs[i]["same_as"] = files[j]


def link_same(records: list[dict]) -> None:
    """mark_same on whole records."""
    mark_same([r["document"] for r in records], [r["file"] for r in records], lambda i: records[i].get("text", ""))
