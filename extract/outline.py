"""The outline: numbered headings (I., 1., 1.1., 2.6.1., a), -) with spans and their titles."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .letters import LOWER, UPPER
from .text import collapse

_ROMAN = r"[IVXLC]{1,6}"
HEADING = re.compile(
    rf"^[ \t]*(?:(?P<roman>{_ROMAN})[ \t]*[.\-–)][ \t]*(?=\S|\n)"
    r"|(?P<article>Điều[ \t]+\d+)[ \t]*[.:]?"
    r"|(?P<chapter>Chương[ \t]+[IVXLC\d]+)"
    r"|(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?(?=[ \t]+\S)"
    r"|(?P<num1>\d{1,2})[.)](?=[ \t]+\S|[ \t]*\n[ \t]*[A-ZĐÀ-Ỹ])"
    r"|(?P<letter>[a-zđ])\)(?=[ \t]+\S)"
    r"|(?P<dash>[-+•–])(?=[ \t]+\S))",
    re.M,
)
STRUCTURAL = re.compile(
    rf"^[ \t]*(?:{_ROMAN}[ \t]*\.|Điều[ \t]+\d+|Chương[ \t]+|\d{{1,2}}(?:\.\d{{1,2}})*\.[ \t]|\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}[ \t]|\d{{1,2}}\)[ \t]|[a-zđ]\)[ \t]|[-+•–][ \t])",
    re.M,
)


@dataclass(slots=True)
class Heading:
    kind: str  # roman | article | chapter | num | letter | dash
    label: str
    start: int  # of the marker
    title_start: int
    title_end: int
    title: str
    level: int
    end: int = 0  # end of the whole item (next heading of the same or a higher level)
    children: list["Heading"] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.label.count(".") + 1 if self.kind == "num" else 1


def read_outline(body: str, lo: int = 0, hi: int | None = None) -> list[Heading]:
    hi = len(body) if hi is None else hi
    out: list[Heading] = []
    for m in HEADING.finditer(body, lo, hi):
        kind = m.lastgroup  # the alternatives are one named group each, none nested
        label = m.group(kind).strip()
        if kind == "num1":
            kind = "num"
        ts = _HSPACE.match(body, m.end(), hi).end()
        if ts < hi and body[ts] == "\n":  # "1.\nCông tác tham mưu": the title is on the next line
            nxt = _NONSPACE.search(body, ts, hi)
            ts = nxt.start() if nxt else ts
        te = heading_end(body, ts, hi)
        title = collapse(body[ts:te])
        if kind == "roman" and not _uppercase_heading(title):
            continue
        if kind == "num" and "." in label and not _plausible_dotted(label):
            continue
        out.append(Heading(kind, label, m.start(), ts, te, title.rstrip(" .:;"), 0))
    return out


@functools.cache
def _heads_lower() -> frozenset[str]:
    from . import tables
    return frozenset(h.lower() for h in tables.unit_heads())


def _head_only(text: str) -> bool:
    t = " ".join(text.split()).lower()
    return bool(t) and t in _heads_lower()


_UPPER = re.compile(rf"[{UPPER}]")
_LETTER = re.compile(rf"[{UPPER}{LOWER}]")


def _uppercase_heading(title: str) -> bool:
    head = title[:60]
    n = len(_LETTER.findall(head))
    return n >= 2 and len(_UPPER.findall(head)) / n > 0.6


def _plausible_dotted(label: str) -> bool:
    return all(1 <= int(p) <= 40 for p in label.split("."))


def heading_end(body: str, ts: int, hi: int) -> int:
    """A heading's text runs on over wrapped lines that start in lower case, to a sentence end."""
    pos = ts
    while True:
        if pos - ts > 600:  # no heading is longer: stop before re-reading a long run over and over
            return pos
        nl = body.find("\n", pos, hi)
        line_end = hi if nl < 0 else nl
        line = body[pos:line_end]
        stop = _STOP.search(line)
        if stop and not _NUMBERS.fullmatch(line[: stop.start()].strip() or "x"):
            return pos + stop.start()
        if nl < 0:
            return line_end
        # find next non-blank line
        m = _NONSPACE.search(body, nl, hi)
        if not m:
            return line_end
        nxt_line_start = body.rfind("\n", 0, m.start()) + 1
        nxt_end = body.find("\n", m.start(), hi)
        if STRUCTURAL.match(body, nxt_line_start):
            return line_end
        if not (_continues(body[m.start()], body[m.start():m.start() + 20])
                or (_uppercase_heading(body[ts:line_end])
                    and _uppercase_heading(body[m.start():nxt_end if nxt_end > 0 else hi]))
                or _head_only(body[ts:line_end])):  # "2. Sở\nTư pháp": a unit name cut after its head word
            return line_end
        if line.strip() == "" and pos != ts:
            return line_end
        pos = nxt_line_start


_NONSPACE = re.compile(r"\S")
_HSPACE = re.compile(r"[ \t]*")
_STOP = re.compile(r"[.:](?=\s|$)")
_NUMBERS = re.compile(r"[\d.]+")
_PLACE = re.compile(r"(?:Thành phố|Tỉnh|Hồ Chí Minh|Hà Nội)\b")


def _continues(ch: str, rest: str = "") -> bool:
    return ch.islower() or ch.isdigit() or ch in "(,“\"–-" or bool(_PLACE.match(rest))


def nest(headings: list[Heading], end: int) -> None:
    """Set each heading's end: the next heading at the same or an outer level."""
    order = {"chapter": 0, "roman": 1, "article": 2}

    def rank(h: Heading) -> tuple[int, int]:
        if h.kind in order:
            return (order[h.kind], 0)
        if h.kind == "num":
            return (3, h.depth)
        if h.kind == "letter":
            return (4, 0)
        return (5, 0)

    stack: list[tuple[tuple[int, int], Heading]] = []  # open headings, outermost first: each pushed and popped once
    for h in headings:
        r = rank(h)
        h.level = r[0] * 10 + r[1]
        h.end = end
        while stack and stack[-1][0] >= r:
            stack.pop()[1].end = h.start
        stack.append((r, h))
