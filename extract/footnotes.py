"""Footnotes: numbered bodies inside page-bottom blocks (continuations included) and the markers
glued to words or symbols in the body ("quốc tế1", "70/2024/QĐ-UBND1", "năm 20248", "hướng dẫn 11.")."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .text import Text, collapse

_BODY_START = re.compile(r"^[ \t|]*(?:\[(\d{1,3})\][ \t]*|(\d{1,3})[ \t]?(?=[^\d\s/.,-]))", re.M)
_STOP = {"của", "về", "trong", "theo", "tại", "ở", "với", "và", "các", "những", "cho", "đối", "đi", "từ",
         "nhằm", "để", "là", "có", "được", "này", "đó", "vào", "trên", "dưới", "sau", "trước", "khi", "như",
         "thực", "hiện", "chỉ", "thị"}


@dataclass
class Footnote:
    n: int
    parts: list[tuple[int, int]] = field(default_factory=list)  # body spans (a body may continue on the next page)
    marker: tuple[int, int] | None = None
    anchor: str = ""
    anchor_start: int | None = None

    @property
    def start(self) -> int:
        return self.parts[0][0]

    @property
    def end(self) -> int:
        return self.parts[-1][1]

    def contains(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.parts)


def read_bodies(t: Text, blocks: list[tuple[int, int]]) -> list[Footnote]:
    """Numbered bodies in order; text before the first number of a block continues the last body."""
    notes: list[Footnote] = []
    text = t.text
    for bs, be in blocks:
        first_line = text.find("\n", bs) + 1
        pos = first_line
        starts = []
        expected = (notes[-1].n + 1) if notes else 1
        first_line = bs if _BODY_START.match(text, bs) else first_line
        for m in _BODY_START.finditer(text, first_line, be):
            n = int(m.group(1) or m.group(2))
            if n == expected:
                starts.append((m.start(), m.end(), n))
                expected += 1
        lead_end = starts[0][0] if starts else be
        if notes and text[pos:lead_end].strip():
            notes[-1].parts.append((_skip_ws(text, pos, lead_end), _rstrip(text, pos, lead_end)))
        for i, (s, bstart, n) in enumerate(starts):
            e = starts[i + 1][0] if i + 1 < len(starts) else be
            notes.append(Footnote(n, [(bstart, _rstrip(text, bstart, e))]))
    return notes


def _skip_ws(text: str, s: int, e: int) -> int:
    while s < e and text[s].isspace():
        s += 1
    return s


def _rstrip(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


# Where a footnote marker may stand (the digits are found first, then their left context is read:
# testing context at every position of the text was the slowest scan of extraction):
#   glued to a word "quốc tế1", a symbol "QĐ-UBND1" or a closing quote "quốc tế”2"   -> kind 1
#   glued to a year "năm 20248"                                                       -> kind 1
#   after a word and one space, before punctuation "văn bản hướng dẫn 11."           -> kind 2
#   in brackets "[1]" (saved web pages)                                               -> kind 3
_DIGITS = re.compile(r"\d+")
_CLOSERS = "”\"’)"
_PUNCT_WS = re.compile(r"[.,;:]\s")


def marker_candidates(body: str):
    """(digits start, digits, kind) for every place a footnote marker may stand, left to right.
    String tests come first: most digit runs are dates and numbers that fail them at once."""
    size = len(body)
    for m in _DIGITS.finditer(body):
        s, e = m.span()
        n = e - s
        if n <= 3:
            if not s:
                continue
            prev = body[s - 1]
            if prev == " ":
                if e < size and body[e] in ".,;:" and s >= 2 and _is_letter(body[s - 2]) and _PUNCT_WS.match(body, e):
                    yield s, m.group(), 2
            elif prev == "[":
                if e < size and body[e] == "]":
                    yield s, m.group(), 3
            elif _is_letter(prev) or (prev in _CLOSERS and s >= 2 and _is_letter(body[s - 2])):
                yield s, m.group(), 1
        elif 5 <= n <= 7 and body[s:s + 2] in ("19", "20") and not (s and _is_word(body[s - 1])):
            yield s + 4, m.group()[4:], 1


def _is_letter(c: str) -> bool:
    """What the pattern class [^\\W\\d_] holds: word characters that are not decimal digits."""
    return c.isalnum() and not c.isdecimal()


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def find_markers(t: Text, notes: list[Footnote], symbol_spans: list[tuple[int, int, int | None]]) -> None:
    """Find each footnote's marker in the body, in order, after the previous marker and before the
    footnote's own body. Candidates are found in one scan, then looked up by number (linear time)."""
    body = t.body
    glued = {end: fn for _, end, fn in symbol_spans if fn is not None}
    spans = sorted((s, e) for s, e, _ in symbol_spans)
    span_starts = [s for s, _ in spans]
    by_num: dict[int, list[tuple[int, int]]] = {}
    for start, digits, g in marker_candidates(body):
        by_num.setdefault(int(digits), []).append((start, g))
    pos = 0
    for note in notes:
        cands = by_num.get(note.n, [])
        i = bisect.bisect_left(cands, (pos, 0))
        hi = note.start if note.parts else len(body)
        for s, g in cands[i:]:
            if s >= hi:
                break
            j = bisect.bisect_right(span_starts, s) - 1
            if j >= 0 and spans[j][0] <= s < spans[j][1] and glued.get(s) != note.n:
                continue
            n = str(note.n)
            note.marker = (s, s + len(n))
            note.anchor, note.anchor_start = anchor_before(body, s - (1 if g == 3 else 0))
            pos = s + len(n)
            break


def anchor_before(body: str, pos: int) -> tuple[str, int]:
    """The words the marker is glued to: back to a function word, punctuation or four syllables."""
    left = body[max(0, pos - 200):pos].rstrip()
    base = pos - len(body[max(0, pos - 200):pos]) + 0
    sym = re.search(r"(?<![\w/.\-])\d[\w.\-]*[/_][\w/\-_.&]+$", left)
    if sym and re.search(r"[A-ZĐ]", sym.group(0)):
        return sym.group(0), base + sym.start()
    loc = re.search(r"(?:Thành phố|thành phố|tỉnh|Tỉnh)\s+(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*){1,4}$", left)
    if loc:
        return collapse(loc.group(0)), base + loc.start()
    yr = re.search(r"(?:năm\s+)?(?:19|20)\d\d$", left)
    if yr:
        return collapse(yr.group(0)), base + yr.start()
    words = list(re.finditer(r"[^\s,;:()“”\"]+", left))
    picked = []
    for w in reversed(words):
        tok = w.group(0)
        gap = left[w.end(): picked[-1].start()] if picked else ""
        if picked and re.search(r"[,;:()“”\"]|\n\s*\n", gap):
            break
        if tok.lower() in _STOP or len(picked) >= 4:
            break
        if picked and tok[:1].islower() and any(p.group(0)[:1].isupper() for p in picked):
            break
        picked.append(w)
    if not picked:
        return "", pos
    picked.reverse()
    return collapse(left[picked[0].start():]), base + picked[0].start()
