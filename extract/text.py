"""The source text and its repairs, kept length-preserving.

Repairs never move characters: page numbers, saved-page boilerplate and page-bottom footnote
blocks are blanked out (newlines kept) in the `body` view, so every span found in it is a span of
the NFC text too and sentences broken by a footnote block read whole again once blanks collapse.
NFC itself may change lengths (NFD input); `to_raw` maps NFC offsets back to the decoded input.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field

_SENT_LEFT = re.compile(r"[.;!?](?=\s)|\n[ \t]*(?:[-+•–]|[a-zđ]\)|\d+(?:\.\d+)*\.?|[IVXLC]+\.)[ \t]|\n[ \t]*(?=(?:Căn cứ|Thực hiện|Xét|Theo đề nghị)\s)")
_SENT_RIGHT = re.compile(r"[.;!?](?=\s|$)|\n[ \t]*(?:[-+•–]|[a-zđ]\)|\d+(?:\.\d+)*\.|[IVXLC]+\.)[ \t]")


def collapse(s: str) -> str:
    return " ".join(s.split())


def nfc_with_map(raw: str) -> tuple[str, list[int] | None]:
    """NFC text plus, only when NFC changed something, a map from NFC offsets to raw offsets.

    Each base character is normalised with the combining marks that follow it. Only the segments
    that can change (a mark follows, or the character alone is not NFC) are visited, so a long text
    with a few stray marks costs a scan, not a Python step per character."""
    if unicodedata.is_normalized("NFC", raw):
        return raw, None
    chars = set(raw)
    marks = "".join(sorted(c for c in chars if unicodedata.combining(c)))
    singles = "".join(sorted(c for c in chars if not unicodedata.combining(c) and unicodedata.normalize("NFC", c) != c))
    alts = []
    if marks:
        alts.append(f"[^{_cls(marks)}]?[{_cls(marks)}]+")
    if singles:
        alts.append(f"[{_cls(singles)}]")
    out: list[str] = []
    to_raw: list[int] = []
    pos = 0
    for m in re.finditer("|".join(alts), raw, re.S) if alts else ():
        i, j = m.span()
        out.append(raw[pos:i])
        to_raw.extend(range(pos, i))
        seg = unicodedata.normalize("NFC", raw[i:j])
        out.append(seg)
        to_raw.extend([i] * len(seg))
        pos = j
    out.append(raw[pos:])
    to_raw.extend(range(pos, len(raw)))
    to_raw.append(len(raw))
    return "".join(out), to_raw


def _cls(chars: str) -> str:
    return "".join(re.escape(c) for c in chars)


@dataclass
class Text:
    raw: str
    text: str = ""
    to_raw: list[int] | None = None
    masks: list[tuple[int, int, str]] = field(default_factory=list)
    _body: str | None = None
    _line_starts: list[int] | None = None

    def __post_init__(self) -> None:
        self.text, self.to_raw = nfc_with_map(self.raw)

    # --- masks -----------------------------------------------------------------------------
    def mask(self, start: int, end: int, kind: str) -> None:
        self.masks.append((start, end, kind))
        self._body = None

    def masked(self, pos: int, kind: str | None = None) -> bool:
        return any(s <= pos < e and (kind is None or k == kind) for s, e, k in self.masks)

    @property
    def body(self) -> str:
        if self._body is None:
            self._body = blank(self.text, [(s, e) for s, e, _ in self.masks])
        return self._body

    def only(self, kind: str) -> str:
        """The text with everything but the masks of one kind blanked (e.g. footnote bodies)."""
        keep = sorted((s, e) for s, e, k in self.masks if k == kind)
        gaps, pos = [], 0
        for s, e in keep:
            if s > pos:
                gaps.append((pos, s))
            pos = max(pos, e)
        gaps.append((pos, len(self.text)))
        return blank(self.text, gaps)

    # --- positions -------------------------------------------------------------------------
    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return self._line_starts

    def line_of(self, pos: int) -> int:
        return bisect.bisect_right(self.line_starts, pos) - 1

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        if self.to_raw is None:
            return start, end
        return self.to_raw[start], self.to_raw[end]

    def sentence(self, start: int, end: int, view: str | None = None, limit: int = 600,
                 bounds: tuple[int, int] | None = None) -> str:
        """The sentence around a span, read in the repaired view (footnote blocks skipped), kept
        within `bounds` (a footnote's own body) when given."""
        src = self.body if view is None else view
        hi = len(src) if bounds is None else min(len(src), bounds[1])  # an end position, not a copy of the text
        lo = max(bounds[0] if bounds else 0, start - limit)
        left = lo
        m = last_sentence_break(src, lo, start)
        if m:
            left = m.end() if m.group(0)[0] in ".;!?" else m.start() + 1 if m.group(0).strip() else m.end()
        right = min(hi, end + limit)
        m = _SENT_RIGHT.search(src, end, right)
        left = max(left, bounds[0]) if bounds else left
        if m:
            right = m.end() if m.group(0)[0] in ".;!?" else m.start()
        return collapse(src[left:right])


def scan_back(src: str, lo: int, hi: int, char: re.Pattern):
    """Positions in [lo, hi) where the one-character pattern `char` matches, right to left, read in
    windows that double in size: what is sought is usually a few words back."""
    top, width = hi, 64
    while top > lo:
        a = max(lo, top - width)
        yield from reversed([m.start() for m in char.finditer(src, a, top)])
        top, width = a, width * 2


def last_sentence_break(src: str, lo: int, hi: int):
    """The last match of _SENT_LEFT that `finditer(src, lo, hi)` would yield, found from the right.

    Only the characters that can start a break (".;!?" and newlines) are tried. A match never holds a
    newline but at its first character, so a character is consumed by an earlier match only if the
    match from its own line's newline covers it, and that newline always starts a fresh attempt."""
    for c in scan_back(src, lo, hi, _BREAK_CHAR):
        m = _SENT_LEFT.match(src, c, hi)
        if m and src[c] != "\n":
            q = src.rfind("\n", lo, c)
            if q >= 0:
                mq = _SENT_LEFT.match(src, q, hi)
                if mq and mq.end() > c:
                    return mq
        if m:
            return m
    return None


_BREAK_CHAR = re.compile(r"[.;!?\n]")


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    parts, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            s = pos
        if e <= s:
            continue
        parts.append(text[pos:s])
        parts.append("\n".join(map(" ".__mul__, map(len, text[s:e].split("\n")))))
        pos = e
    parts.append(text[pos:])
    return "".join(parts)
