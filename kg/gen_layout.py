"""Layouts of generated plans (`kg.generate`): the PDF text path and the saved web page.

PDF path, as the seeds 003/004 show it: every line ends with " \\n\\n"; a new page starts with a line
indented by one space; footnote bodies sit at the page bottom after a separator line of spaces, the
lines of one body joined by " \\n\\n", bodies separated by " \\n"; a body may continue at the top of the
next page's block; a footnote marker is the number glued to a word, a symbol or a year.
Web page: one paragraph per line, blank lines between paragraphs, the header block on short lines,
the page title on the first line. Hard-wrapped web text (as in ../shared/corpus-dev): paragraphs broken
at about 80 characters (often after a short first line), header, recipients and signature in cells
between lines holding only "|", task appendices as flattened tables (one cell per line).
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


_BAD_START_WRAPPED = re.compile(r"^(?:[-–+•]|\d{1,3}[.)]?$|\d{1,2}[.)]|\d{1,2}(?:\.\d{1,2})+|[IVXLC]+[.\-–)]|[a-zđ]\)|(?:Căn|Thực|Triển|Xét|Theo|Điều|Chương|Nơi|Kính|Trên)$)")


def wrap(text: str, width: int, split_symbols: bool = False, rng: random.Random | None = None,
         first: int | None = None, bad_start: re.Pattern = _BAD_START) -> list[tuple[str, bool]]:
    """Greedy wrap into (line, ends_inside_a_symbol) pairs; never starts a line where a reader of the
    text would see a new item, heading or clause; may break a symbol after its hyphen ("31-" / "NQ/TW")."""
    words = text.split()
    lines: list[list[str]] = []
    flags: list[bool] = []
    cur: list[str] = []
    n = -1
    bad = bad_start.match
    full = width
    if first:
        width = first
    for w in words:
        lw = len(w) - 2 * w.count("\x01") if "\x01" in w else len(w)
        if n + 1 + lw > width and cur:
            width = full
            if split_symbols and rng is not None and w[0].isdigit() and rng.random() < 0.5:
                m = _PARTY_SPLIT.match(w) or _STATE_SPLIT.match(w)
                if m and n + 1 + len(m.group(1)) <= width + 2:
                    cur.append(m.group(1))
                    lines.append(cur)
                    flags.append(True)
                    cur, n = [m.group(2)], len(m.group(2))
                    continue
            if not bad(w):
                lines.append(cur)
                flags.append(False)
                cur, n = [w], lw
                continue
        n += lw + 1
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
    closing = False  # the recipients and the signature stay on one page
    for kind, text in wr.blocks:
        if kind == "hline" and text.startswith("Nơi nhận"):
            closing = True
        if kind == "header":
            issuer, number, dateline = text
            lines += [Line(x) for x in issuer] + [Line("", blank=True)]
            lines += [Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), Line("Độc lập - Tự do - Hạnh phúc"),
                      Line("", blank=True), Line(number), Line("", blank=True), Line(dateline), Line("", blank=True)]
            continue
        if kind in ("line", "hline"):
            lines.append(Line(text, split_end=closing))
        elif kind == "blank":
            lines.append(Line("", blank=True, split_end=closing))
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


def _table(rows, out: list[str], wrapped: bool, rng: random.Random) -> None:
    out.append("|\nSTT\n|\nTên nhiệm vụ\n|\nCơ quan chủ trì\n|\nCơ quan phối hợp\n|\nThời gian hoàn thành\n|\n|\n")
    sep = rng.choice(("; ", ", "))
    for row in rows:
        if row[0] == "group":
            g = row[1].replace(". ", ".\n", 1) if wrapped else row[1]
            out.append(g + "\n|\n|\n")
            continue
        _, label, title, lead, support, dl = row
        cells = [label, title, sep.join(u for _, u in lead), sep.join(u for _, u in support) or "", dl[0]]
        if wrapped:
            cells = ["\n".join(t for t, _ in wrap(c, 70, bad_start=_BAD_START_WRAPPED)) for c in cells]
        out.append("\n|\n".join(cells) + "\n|\n|\n")


def render_web(wr, rng: random.Random, wrapped: bool = False) -> tuple[str, str]:
    """The writer's blocks as a saved web page (one paragraph per line), or hard-wrapped at about 80
    characters with header cells between "|" lines (`wrapped`); returns (text, title as written)."""
    out: list[str] = []
    if not wrapped and rng.random() < 0.3:
        out.append("Open navigation\n\n")
    if getattr(wr, "webtitle", None):
        out.append(wr.webtitle + "\n\n")
    title = ""
    width = rng.randint(74, 84)

    def para(text: str, first: int | None = None) -> str:
        if not wrapped:
            return text
        return "\n".join(t for t, _ in wrap(text, width, True, rng, first=first, bad_start=_BAD_START_WRAPPED))

    state = 0  # 1: recipients, 2: signature (cells of the closing table in the wrapped form)
    for kind, text in wr.blocks:
        if state == 2 and kind not in ("hline", "blank"):
            out.append("|\n|\n\n")
            state = 3
        if kind == "header":
            issuer, number, dateline = text
            if wrapped:
                d1, d2 = dateline.split(" tháng ", 1)
                out.append("|\n" + "\n".join(issuer) + "\n-------\n|\nCỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM\n"
                           "Độc lập - Tự do - Hạnh phúc\n---------------\n|\n|\n" + number + "\n|\n"
                           + d1 + "\ntháng " + d2 + "\n|\n\n")
            else:
                out.append("\n".join(issuer) + "\n-------\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                           "Độc lập - Tự do - Hạnh phúc\n---------------\n\n" + number + "\n\n" + dateline + "\n\n")
        elif kind == "hline":
            if wrapped and text.startswith("Nơi nhận"):
                out.append("|\n")
                state = 1
            elif wrapped and state == 1 and not text.startswith("-"):
                out.append("|\n")
                state = 2
            out.append(text + "\n")
        elif kind == "blank":
            if not wrapped:
                out.append("\n")
            continue
        elif kind == "title":
            title = text.upper() if wr.upper_title else text
            if wrapped:
                tl = [t for t, _ in wrap(title, width - 10, bad_start=_BAD_START_WRAPPED)]
                out.append("\n".join(tl) + "\n\n")
                title = " ".join(tl)
            else:
                out.append(title + "\n\n")
        elif kind == "table":
            _table(text, out, wrapped, rng)
        elif kind == "line":
            out.append(para(text) + "\n\n")
        else:
            out.append(para(text, first=rng.randint(24, 40) if wrapped and rng.random() < 0.6 else None) + "\n\n")
    if wrapped and state == 2:
        out.append("|\n|\n")
    if not wrapped and rng.random() < 0.3:
        out.append("\nTải về văn bản (file PDF):\n")
    return "".join(out), title
