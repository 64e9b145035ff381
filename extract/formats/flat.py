"""The plain-text conventions the text path already reads (see extract/layout.py, footnotes.py, tasks.py).

Every format reader ends here, so the extractor sees one kind of text whatever the file was:
- paragraphs on their own lines, a blank line between them;
- a footnote marker glued to the word before it ("quốc tế1", "70/2024/QĐ-UBND1");
- footnote bodies after a separator line of 30 spaces, each starting with its number ("1 Quyết định ...");
- a new PDF page starts with a line indented by exactly one space; a page number stands alone between blank lines;
- a table is flattened one cell per line, cells separated by lines holding only "|", a row ending with an
  extra "|" line (the text path's task-table reader keys on a first header cell "STT").
"""
from __future__ import annotations

import re

from ..decode import LEGACY_ENCODINGS, InputError, decode_bytes

SEPARATOR = " " * 30
_WS = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def clean_line(s: str) -> str:
    """One line with runs of spaces collapsed and no leading or trailing blanks."""
    return _WS.sub(" ", s).strip()


def clean_block(s: str) -> str:
    """Lines cleaned, blank lines dropped (a cell or a paragraph holding line breaks)."""
    return "\n".join(x for x in (clean_line(line) for line in s.split("\n")) if x)


def glue(left: str, marker: str) -> str:
    """A footnote marker glued to the word before it: the space a layout left before it is dropped."""
    return left.rstrip(" \t\u00a0") + marker


def footnote_block(notes: list[tuple[str, str]]) -> str:
    """Footnote bodies after a separator line; each body starts with its number.

    A body line must not start with exactly one space (that is a page start to the text path), so lines are
    cleaned of leading blanks."""
    lines = [SEPARATOR]
    for mark, text in notes:
        body = clean_block(text)
        first, _, rest = body.partition("\n")
        lines.append(f"{mark} {first}".rstrip() if mark else first)
        if rest:
            lines.append(rest)
    return "\n".join(lines)


def table(rows: list[list[str]]) -> str:
    """Rows of cells in the one-cell-per-line convention: a "|" line opens the table, each cell is followed
    by a "|" line and each row by an extra "|" line. An empty cell inside a row would read as a row end, so
    it is written as "-" (which names no unit and no date); empty cells at the end of a row are left out."""
    out = ["|"]
    for row in rows:
        cells = [clean_block(c).replace("\n|\n", "\n") for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        for c in cells:
            c = "\n".join(line for line in c.split("\n") if line != "|")
            out.append((c or "-") + "\n|")
        out.append("|")
    return "\n".join(out) + "\n" if len(out) > 1 else ""


def join_blocks(blocks: list[str]) -> str:
    """Blocks (paragraphs, flattened tables) separated by blank lines; a table is followed by two, so its
    last "|" line is read as the table's end."""
    out: list[str] = []
    for b in blocks:
        if not b.strip():
            continue
        out.append(b.rstrip("\n") + ("\n" if b.endswith("|\n") else ""))
    return "\n\n".join(out)


_VIETNAMESE = re.compile(r"[ăđĩũơưĂĐĨŨƠƯ\u1ea0-\u1ef9]")  # Vietnamese letters beyond Latin-1


def repair_legacy(text: str) -> str:
    """Text set in a legacy Vietnamese font (.VnTime: TCVN3, VNI-Times: VNI) comes out of a PDF or a Word
    file as the font's byte codes read as Windows-1252 ("Qu\u00b6n l\u00fd"): those bytes are decoded again
    the way the text path decodes a legacy text file. Text with Unicode Vietnamese is left alone."""
    if _VIETNAMESE.search(text):
        return text
    try:
        data = bytes(_cp1252_byte(ch) for ch in text)
    except ValueError:
        return text
    try:
        fixed, encoding = decode_bytes(data)
    except InputError:
        return text
    return fixed if encoding in LEGACY_ENCODINGS else text


def _cp1252_byte(ch: str) -> int:
    try:
        b = ch.encode("cp1252")
    except UnicodeEncodeError:
        if ord(ch) < 256:
            return ord(ch)
        raise ValueError(ch) from None
    if len(b) != 1:
        raise ValueError(ch)
    return b[0]
