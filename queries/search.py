"""Free search over documents, tasks and footnotes: FTS5 on folded text, bm25 ranking, snippets
cut from the original text (the folding keeps offsets, so hits map back exactly)."""
from __future__ import annotations

import re
import unicodedata

from kg.identity import ffold

from .backend import Backend, BadQuery

KINDS = ("document", "task", "footnote")
_TOKEN = re.compile(r"[^\W_]+")


def tokens(query: str) -> list[str]:
    return _TOKEN.findall(ffold(unicodedata.normalize("NFC", query or "")))


def _fts(tok: list[str], op: str) -> str:
    # every token is quoted, so nothing the user types is read as FTS5 syntax
    return f" {op} ".join('"' + t.replace('"', '""') + '"' for t in tok)


def snippet(text: str, tok: list[str], width: int = 200) -> str:
    """The stretch of `text` with the most distinct query words, hits marked «…»."""
    text = unicodedata.normalize("NFC", text or "")
    if not text:
        return ""
    f = ffold(text)
    hits = []
    for t in set(tok):
        hits += [(m.start(), m.end(), t) for m in re.finditer(rf"(?<![^\W_]){re.escape(t)}(?![^\W_])", f)]
    hits.sort()
    if not hits:
        s = re.sub(r"\s+", " ", text[:width]).strip()
        return s + ("…" if len(text) > width else "")
    best, best_n = hits[0][0], 0
    for s, _e, _t in hits:
        n = len({t for a, _b, t in hits if s <= a < s + width - 40})
        if n > best_n:
            best, best_n = s, n
    lo = max(0, best - 40)
    hi = min(len(text), lo + width)
    parts, pos = [], lo
    for s, e, _t in hits:
        if s < pos or e > hi:
            continue
        parts += [text[pos:s], "«", text[s:e], "»"]
        pos = e
    parts.append(text[pos:hi])
    out = re.sub(r"\s+", " ", "".join(parts)).strip()
    return ("…" if lo > 0 else "") + out + ("…" if hi < len(text) else "")


def search(b: Backend, query: str, limit: int = 20, kinds: list[str] | None = None) -> list[dict]:
    """Ranked hits; all words must match, and if nothing does, any word may."""
    tok = tokens(query)
    if not tok:
        raise BadQuery("truy vấn tìm kiếm rỗng")
    if limit < 1:
        raise BadQuery("--limit phải lớn hơn 0")
    pool = max(limit * 3, 50)
    hits = b.search(_fts(tok, "AND"), pool, kinds)
    if not hits and len(tok) > 1:
        hits = b.search(_fts(tok, "OR"), pool, kinds)
    phrase = " ".join(tok)
    ranked = []
    for h in hits:
        # bm25 alone is noisy on short texts: the words as a phrase, in the title, and the corpus's
        # own documents before documents known only from citations
        title_f = " ".join(tokens(h["title"] or ""))
        body_f = " ".join(tokens(h["body"] or ""))
        score = h["score"] + (2.0 if f" {phrase} " in f" {title_f} " else 0.0) \
            + (1.0 if len(tok) > 1 and f" {phrase} " in f" {body_f} " else 0.0) + (h.get("boost") or 0.0)
        ranked.append((round(score, 4), h))
    ranked.sort(key=lambda x: (-x[0], x[1]["kind"], x[1]["key"]))
    out = []
    for score, h in ranked[:limit]:
        body = h["body"] if any(t in ffold(h["body"] or "") for t in tok) else h["title"]
        out.append({"kind": h["kind"], "key": h["key"], "title": h["title"],
                    "snippet": snippet(body, tok), "score": score})
    return out
