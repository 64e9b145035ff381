"""Layouts of generated plans (`kg.generate`): the PDF text path and the saved web page.

PDF path, as the seeds 003/004 show it: every line ends with " \\n\\n"; a new page starts with a line
indented by one space; footnote bodies sit at the page bottom after a separator line of spaces, the
lines of one body joined by " \\n\\n", bodies separated by " \\n"; a body may continue at the top of the
next page's block; a footnote marker is the number glued to a word, a symbol or a year.
Web page: one paragraph per line, blank lines between paragraphs, the header block on short lines,
the page title on the first line.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

__all__ = ["render_pdf", "render_web", "wrap"]

# a continuation line must not start like a heading, a list item, a footnote body or a clause
_BAD_START = re.compile(r"^(?:[-–+•]|\d|[IVXLC]+[.\-–)]|[a-zđ]\)|(?:Căn|Thực|Triển|Xét|Theo|Điều|Chương|Nơi|Kính|Trên)$)")
_MARK = re.compile("\x01(\\d+)\x02")
_PARTY_SPLIT = re.compile(r"^(\d[\d.]*-)([A-ZĐ].*)$")
_STATE_SPLIT = re.compile(r"^(\d[\d.]*/(?:\d{4}/)?[A-ZĐ][A-Za-zĐđ]*-)([A-ZĐ].*)$")


@dataclass
class Line:
    text: str
    markers: list = field(default_factory=list)
    split_end: bool = False
    blank: bool = False


def _vis(w: str) -> int:
    return len(w) - 2 * w.count("\x01")


def wrap(text: str, width: int, split_symbols: bool = False, rng: random.Random | None = None) -> list[tuple[str, bool]]:
    """Greedy wrap into (line, ends_inside_a_symbol) pairs; never starts a line where a reader of the
    text would see a new item, heading or clause; may break a symbol after its hyphen ("31-" / "NQ/TW")."""
    words = text.split()
    lines: list[list[str]] = []
    flags: list[bool] = []
    cur: list[str] = []
    n = 0
    for w in words:
        lw = _vis(w)
        if cur and n + 1 + lw > width and not _BAD_START.match(w):
            if split_symbols and rng is not None and rng.random() < 0.5:
                m = _PARTY_SPLIT.match(w) or _STATE_SPLIT.match(w)
                if m and n + 1 + len(m.group(1)) <= width + 2:
                    cur.append(m.group(1))
                    lines.append(cur)
                    flags.append(True)
                    cur, n = [m.group(2)], _vis(m.group(2))
                    continue
            lines.append(cur)
            flags.append(False)
            cur, n = [w], lw
        else:
            n += lw + (1 if cur else 0)
            cur.append(w)
    if cur:
        lines.append(cur)
        flags.append(False)
    # a last line holding only a number would read as a page number: keep it on the line before
    if len(lines) > 1 and len(lines[-1]) == 1 and re.fullmatch(r"[\d.,;:/\x01\x02]+", lines[-1][0]):
        lines[-2].extend(lines.pop())
        flags.pop()
        flags[-1] = False
    return [(" ".join(l), f) for l, f in zip(lines, flags)]


def _note_lines(note: dict, width: int) -> list[str]:
    out: list[str] = []
    for i, p in enumerate(note["paras"]):
        if i == 0:
            p = f"{note['n']}{'' if note.get('glued') else ' '}{p}"
        out += [t for t, _ in wrap(p, width)]
    return out


def render_pdf(wr, rng: random.Random) -> tuple[str, str]:
    """The writer's blocks as a PDF text extraction; returns (text, title as written)."""
    width = rng.randint(80, 92)
    fwidth = rng.randint(105, 118)
    height = rng.randint(34, 46)
    sep = " " * rng.choice((59, 59, 46, 72))
    split = rng.random() < 0.35
    lines: list[Line] = []
    title = ""
    for kind, text in wr.blocks:
        if kind in ("line", "hline"):
            lines.append(Line(text))
        elif kind == "blank":
            lines.append(Line("", blank=True))
        elif kind == "title":
            tl = wrap(text, width - rng.randint(5, 15))
            title = " ".join(t for t, _ in tl)
            lines += [Line(t) for t, _ in tl]
        else:
            for t, f in wrap(text, width, split, rng):
                lines.append(Line(t, split_end=f))
    for ln in lines:
        if "\x01" in ln.text:
            ln.markers = [int(x) for x in _MARK.findall(ln.text)]
            ln.text = _MARK.sub(r"\1", ln.text)
    notes = {n["n"]: _note_lines(n, fwidth) for n in wr.notes}

    # pages: body lines plus the footnote bodies their markers call for
    pages: list[dict] = []
    cur: dict = {"lines": [], "notes": [], "carry": []}
    used = 0
    for ln in lines:
        need = 1 + sum(len(notes[n]) for n in ln.markers)
        if cur["lines"] and used + need > height and not cur["lines"][-1].split_end:
            # a long last footnote may run on at the top of the next page's block
            if cur["notes"] and rng.random() < 0.3 and len(notes[cur["notes"][-1]]) >= 3:
                last = cur["notes"][-1]
                k = len(notes[last]) // 2
                cur["cut"] = (last, k)
            pages.append(cur)
            carry = []
            if "cut" in cur:
                last, k = cur["cut"]
                carry = notes[last][k:]
            cur = {"lines": [], "notes": [], "carry": carry}
            used = len(carry)
        if not cur["lines"] and ln.blank and pages:
            continue  # a page starts with text, never with a blank line
        cur["lines"].append(ln)
        cur["notes"] += ln.markers
        used += need
    pages.append(cur)

    out: list[str] = []
    for page in pages:
        cut = page.get("cut")
        block = bool(page["notes"] or page["carry"])
        body = page["lines"]
        for i, ln in enumerate(body):
            prefix = " " if i == 0 else ""
            last = i == len(body) - 1
            out.append(prefix + ln.text + (" \n" if last and not block else " \n\n"))
        if block:
            out.append(sep + "\n")
            entries = []
            if page["carry"]:
                entries.append(page["carry"])
            for n in page["notes"]:
                nl = notes[n]
                if cut and cut[0] == n:
                    nl = nl[:cut[1]]
                entries.append(nl)
            for e in entries:
                out.append(" \n\n".join(e) + " \n")
    return "".join(out), title


def render_web(wr, rng: random.Random) -> tuple[str, str]:
    """The writer's blocks as a saved web page; returns (text, title as written)."""
    out: list[str] = []
    if rng.random() < 0.3:
        out.append("Open navigation\n\n")
    if getattr(wr, "webtitle", None):
        out.append(wr.webtitle + "\n\n")
    title = ""
    for kind, text in wr.blocks:
        if kind == "hline":
            out.append(text + "\n")
        elif kind == "blank":
            out.append("\n")
        elif kind == "title":
            title = text.upper() if wr.upper_title else text
            out.append(title + "\n\n")
        else:
            out.append(text + "\n\n")
    if rng.random() < 0.3:
        out.append("\nTải về văn bản (file PDF):\n")
    return "".join(out), title
