"""Two sources of one document (a PDF extraction and a web copy): same number, or same title and text."""
from __future__ import annotations

from collections import defaultdict

from rapidfuzz import fuzz

from .citations import ident
from .units import fold

# Titles at least 95% alike (the test below) share their first or their last characters; comparing
# only records that do keeps the run linear instead of comparing every pair of a large corpus.
BLOCK_CHARS = 24


def link_same(records: list[dict]) -> None:
    """Set document.same_as on records that are the same document as another record of the run."""
    keys = []
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        d = r["document"]
        num = ident(d["number"]) if d.get("number") else None
        title = fold(d.get("title") or "")
        keys.append((num, title, d.get("doc_type"), fold(d.get("issuer") or "")))
        if num:
            blocks[("number", num)].append(i)
        if title:
            letters = "".join(ch for ch in title if ch.isalnum())
            blocks[("head", d.get("doc_type"), letters[:BLOCK_CHARS])].append(i)
            blocks[("tail", d.get("doc_type"), letters[-BLOCK_CHARS:])].append(i)
    pairs = {(g[x], g[y]) for g in blocks.values() if len(g) > 1 for x in range(len(g)) for y in range(x + 1, len(g))}
    bodies: dict[int, str] = {}

    def body(i: int) -> str:
        if i not in bodies:
            bodies[i] = fold(records[i].get("text", "")[:20000])
        return bodies[i]

    for i, j in sorted(pairs):  # the order in which every pair used to be visited: same results
        a, b = keys[i], keys[j]
        if a[0] and b[0] and a[0] != b[0]:
            continue  # two stated numbers that differ are two documents, however alike the text
        if a[3] and b[3] and a[3] != b[3]:
            continue  # so are two issuers
        same = bool(a[0] and a[0] == b[0])
        if not same and a[1] and a[2] == b[2] and fuzz.ratio(a[1], b[1]) >= 95:
            same = fuzz.ratio(body(i)[:6000], body(j)[:6000]) >= 80 or fuzz.partial_ratio(body(i)[:3000], body(j)) >= 90
        if same:
            for x, y in ((i, j), (j, i)):
                if not records[x]["document"].get("same_as"):
                    records[x]["document"]["same_as"] = records[y]["file"]
