"""PDF with a text layer -> the text path's plain-text conventions, read with pypdfium2.

Page by page, lines are rebuilt from glyph positions (baselines, then x order; word gaps from the glyph
boxes and the spaces PDFium knows). What plain text loses, the glyphs still show:
- a footnote marker is a smaller glyph raised above its line's baseline: written as digits glued to the
  word before it ("quốc tế1");
- footnote bodies sit below the page's separator (a short drawn horizontal rule with only smaller text
  under it) or, without a rule, in the run of smaller-font lines at the page bottom that starts with a
  number: written after a line of 30 spaces, each body starting with its number;
- a page number is a lone number on the first or last line of a page: written alone between blank lines;
- each page's first line is indented by one space (the text path's page start);
- two columns side by side (the header "ỦY BAN NHÂN DÂN ... | CỘNG HÒA XÃ HỘI ...", the signature block)
  are read column by column;
- a ruled table (crossing drawn rules) is flattened one cell per line like a Word table: a cell spanning
  columns once, a cell spanning rows in each row; a table running over a page break is joined;
- text set in a legacy Vietnamese font (.VnTime/TCVN3, VNI) is decoded.
A PDF without a text layer (a scan) is refused with a line saying it needs OCR.
"""
from __future__ import annotations

import ctypes
import math
import re
import statistics
from dataclasses import dataclass, field

from ..decode import InputError
from . import flat

SMALL = 0.82  # a glyph below this share of its line's size is "small" (a marker, a footnote)
_PAGE_NO = re.compile(r"^[-–—\s]*(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?[-–—\s]*$", re.I)


@dataclass
class Glyph:
    ch: str
    x0: float
    x1: float
    bottom: float
    top: float
    ox: float
    oy: float
    size: float
    index: int
    space_before: bool = False
    raised: bool = False


@dataclass
class Line:
    glyphs: list[Glyph]
    base: float = 0.0
    size: float = 0.0
    text: str = ""
    segments: list[tuple[float, float, str]] = field(default_factory=list)  # (x0, x1, text) split at wide gaps
    table: list[list[str]] | None = None  # a ruled table standing in the page's flow as one block
    box: tuple[float, float] | None = None

    @property
    def x0(self) -> float:
        return self.box[0] if self.box else min(g.x0 for g in self.glyphs)

    @property
    def x1(self) -> float:
        return self.box[1] if self.box else max(g.x1 for g in self.glyphs)


def _open(data: bytes):
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - depends on the install
        raise InputError("reading PDF needs the pypdfium2 package (pip install pypdfium2)") from None
    try:
        return pdfium, pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise InputError("PDF is encrypted with a password: cannot read its text") from None
        raise InputError(f"PDF file is damaged ({msg})") from None


def _glyphs(tp, raw) -> tuple[list[Glyph], int]:
    """Glyphs of a text page (generated spaces and line breaks become space_before flags) and the number of
    glyphs without a Unicode mapping."""
    out: list[Glyph] = []
    n = raw.FPDFText_CountChars(tp)
    x, y = ctypes.c_double(), ctypes.c_double()
    m = raw.FS_MATRIX()
    rect = raw.FS_RECTF()
    space = False
    unmapped = 0
    for i in range(n):
        u = raw.FPDFText_GetUnicode(tp, i)
        ch = chr(u) if 0 < u < 0x110000 else "\ufffd"
        if raw.FPDFText_IsGenerated(tp, i) or ch in "\r\n\x02" or ch.isspace() or ch == "\x00":
            space = True
            continue
        if raw.FPDFText_HasUnicodeMapError(tp, i) or ch in "\ufffd\ufffe":
            unmapped += 1
        if 0xE000 <= ord(ch) <= 0xF8FF:  # private-use glyph codes (symbol fonts): bullets at best
            ch = "•"
        raw.FPDFText_GetCharOrigin(tp, i, ctypes.byref(x), ctypes.byref(y))
        # the loose box spans the glyph's advance (side bearings included): gaps between boxes are real spaces
        raw.FPDFText_GetLooseCharBox(tp, i, ctypes.byref(rect))
        # the size a reader sees: the font size times the scale of the text and graphics matrices
        size = raw.FPDFText_GetFontSize(tp, i)
        if raw.FPDFText_GetMatrix(tp, i, ctypes.byref(m)):
            size *= math.sqrt(abs(m.a * m.d - m.b * m.c)) or 1.0
        if size <= 0:
            size = max(rect.top - rect.bottom, 1.0)
        x0, x1 = rect.left, rect.right
        if x1 <= x0:  # an empty box (a blank glyph): give it a width from its origin
            x0, x1 = x.value, x.value + 0.3 * size
        out.append(Glyph(ch, x0, x1, rect.bottom, rect.top, x.value, y.value, round(size, 2), i, space))
        space = False
    return out, unmapped


def _rules(page, pdfium) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Drawn horizontal rules (x0, x1, y) and vertical rules (y0, y1, x) of a page: thin lines or filled bars,
    and the axis-parallel edges of stroked paths (table cells drawn as rectangles)."""
    raw = pdfium.raw
    hs: list[tuple[float, float, float]] = []
    vs: list[tuple[float, float, float]] = []
    try:
        objs = list(page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1))
    except Exception:  # a broken object list costs the rules, not the page
        return hs, vs
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    px, py = ctypes.c_float(), ctypes.c_float()
    for obj in objs:
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:
            continue
        if y1 - y0 <= 2.5 and x1 - x0 >= 4:
            hs.append((x0, x1, (y0 + y1) / 2))
            continue
        if x1 - x0 <= 2.5 and y1 - y0 >= 4:
            vs.append((y0, y1, (x0 + x1) / 2))
            continue
        if not raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke)) or not stroke.value:
            continue
        n = raw.FPDFPath_CountSegments(obj)
        if n <= 0 or n > 400:
            continue
        m = obj.get_matrix()
        start = prev = None
        for i in range(n):
            seg = raw.FPDFPath_GetPathSegment(obj, i)
            if not seg or not raw.FPDFPathSegment_GetPoint(seg, ctypes.byref(px), ctypes.byref(py)):
                continue
            pt = m.on_point(px.value, py.value)
            kind = raw.FPDFPathSegment_GetType(seg)
            if kind == raw.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if prev is not None and kind == raw.FPDF_SEGMENT_LINETO:
                _edge(prev, pt, hs, vs)
            prev = pt
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                _edge(pt, start, hs, vs)
                prev = start
    return hs, vs


def _edge(a, b, hs, vs) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 1.0 and abs(ax - bx) >= 4:
        hs.append((min(ax, bx), max(ax, bx), (ay + by) / 2))
    elif abs(ax - bx) <= 1.0 and abs(ay - by) >= 4:
        vs.append((min(ay, by), max(ay, by), (ax + bx) / 2))


# --- ruled tables -----------------------------------------------------------------------------------------
@dataclass
class Grid:
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom (descending y)
    hs: list[tuple[float, float, float]]
    vs: list[tuple[float, float, float]]

    def has_v(self, x: float, top: float, bottom: float) -> bool:
        mid = (top + bottom) / 2
        return any(abs(sx - x) <= 2 and y0 - 1 <= mid <= y1 + 1 for y0, y1, sx in self.vs)

    def has_h(self, y: float, left: float, right: float) -> bool:
        mid = (left + right) / 2
        return any(abs(sy - y) <= 2 and x0 - 1 <= mid <= x1 + 1 for x0, x1, sy in self.hs)

    def cell_of(self, x: float, y: float) -> tuple[int, int] | None:
        if not (self.xs[0] - 1 <= x <= self.xs[-1] + 1 and self.ys[-1] - 1 <= y <= self.ys[0] + 1):
            return None
        c = max(0, min(len(self.xs) - 2, sum(1 for b in self.xs[1:-1] if x > b)))
        r = max(0, min(len(self.ys) - 2, sum(1 for b in self.ys[1:-1] if y < b)))
        return r, c


def _cluster_values(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _grids(hs, vs) -> list[Grid]:
    """Tables: groups of crossing horizontal and vertical rules with at least two cells."""
    items = [("h", h) for h in hs] + [("v", v) for v in vs]
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (ki, a) in enumerate(items):
        if ki != "h":
            continue
        for j, (kj, b) in enumerate(items):
            if kj == "v" and a[0] - 2 <= b[2] <= a[1] + 2 and b[0] - 2 <= a[2] <= b[1] + 2:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(items)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for members in groups.values():
        gh = [items[i][1] for i in members if items[i][0] == "h"]
        gv = [items[i][1] for i in members if items[i][0] == "v"]
        xs = _cluster_values([v[2] for v in gv])
        ys = sorted(_cluster_values([h[2] for h in gh]), reverse=True)
        if len(xs) < 2 or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) < 2:
            continue
        out.append(Grid(xs, ys, gh, gv))
    return out


def _table_block(grid: Grid, glyphs: list[Glyph], size: float) -> Line | None:
    """The table's rows of cell texts; a cell spanning columns once, a cell spanning rows in each of them."""
    nr, nc = len(grid.ys) - 1, len(grid.xs) - 1
    parent = {(r, c): (r, c) for r in range(nr) for c in range(nc)}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(nr):
        top, bottom = grid.ys[r], grid.ys[r + 1]
        for c in range(nc):
            left, right = grid.xs[c], grid.xs[c + 1]
            if c + 1 < nc and not grid.has_v(grid.xs[c + 1], bottom, top):
                parent[find((r, c + 1))] = find((r, c))
            if r + 1 < nr and not grid.has_h(grid.ys[r + 1], left, right):
                parent[find((r + 1, c))] = find((r, c))
    cells: dict[tuple[int, int], list[Glyph]] = {}
    for g in glyphs:
        rc = grid.cell_of((g.x0 + g.x1) / 2, g.oy + 0.3 * g.size)
        if rc is not None:
            cells.setdefault(find(rc), []).append(g)
    if not cells:
        return None
    text = {k: "\n".join(ln.text for ln in _cluster(v)) for k, v in cells.items()}
    rows: list[list[str]] = []
    prev_roots: list = []
    for r in range(nr):
        roots = []
        for c in range(nc):
            k = find((r, c))
            if not roots or roots[-1] != k:
                roots.append(k)
        if roots == prev_roots:
            continue  # a band of rows merged whole: one row
        prev_roots = roots
        rows.append([text.get(k, "") for k in roots])
    rows = [row for row in rows if any(x.strip() for x in row)]
    if not rows:
        return None
    return Line([], grid.ys[0], size, "", [(grid.xs[0], grid.xs[-1], "table")], rows, (grid.xs[0], grid.xs[-1]))


# --- lines ----------------------------------------------------------------------------------------------
def _cluster(glyphs: list[Glyph]) -> list[Line]:
    """Glyphs on one baseline form a line; small raised glyphs (markers) join the line they sit on."""
    lines: list[Line] = []
    for g in sorted(glyphs, key=lambda g: (-g.oy, g.x0)):
        if lines and abs(lines[-1].base - g.oy) <= 0.2 * max(min(lines[-1].size, g.size), 1.0):
            lines[-1].glyphs.append(g)
        else:
            lines.append(Line([g], g.oy, g.size))
        ln = lines[-1]
        ln.size = statistics.median(x.size for x in ln.glyphs)
    # a line of small glyphs a little above a line of bigger ones holds that line's markers
    merged: list[Line] = []
    for i, ln in enumerate(lines):
        below = lines[i + 1] if i + 1 < len(lines) else None
        if (below is not None and len(ln.glyphs) <= 8 and max(g.size for g in ln.glyphs) < SMALL * below.size
                and 0 < ln.base - below.base < 0.75 * below.size):
            for g in ln.glyphs:
                g.raised = True
            below.glyphs.extend(ln.glyphs)
            continue
        merged.append(ln)
    for ln in merged:
        ln.glyphs.sort(key=lambda g: (g.x0, g.index))
        normal = [g for g in ln.glyphs if not g.raised]
        ln.size = statistics.median(g.size for g in normal) if normal else ln.size
        ln.base = statistics.median(g.oy for g in normal) if normal else ln.base
        for g in ln.glyphs:
            if g.size < SMALL * ln.size and g.oy > ln.base + 0.15 * ln.size:
                g.raised = True
        _text(ln)
    return merged


def _text(ln: Line) -> None:
    """The line's text and its segments (parts split at gaps wider than three ems)."""
    segs: list[tuple[float, float, str]] = []
    buf: list[str] = []
    seg_x0 = None
    prev: Glyph | None = None
    for g in ln.glyphs:
        if prev is not None:
            gap = g.x0 - prev.x1
            if gap > 3.0 * ln.size:
                segs.append((seg_x0, prev.x1, "".join(buf).strip()))
                buf, seg_x0 = [], None
            elif g.raised and g.ch.isdigit() and not prev.raised:
                pass  # a marker is glued to the word before it
            elif prev.raised and prev.ch.isdigit() and not g.raised:
                if gap > 0.12 * ln.size:  # PDFium's own space flags are unreliable across a baseline change
                    buf.append(" ")
            elif gap > 0.12 * min(g.size, ln.size) or (g.space_before and g.index > prev.index
                                                        and gap > 0.02 * ln.size):
                buf.append(" ")
        if seg_x0 is None:
            seg_x0 = g.x0
        buf.append(g.ch)
        prev = g
    if buf:
        segs.append((seg_x0, prev.x1 if prev else 0.0, "".join(buf).strip()))
    ln.segments = [s for s in segs if s[2]]
    ln.text = "   ".join(s[2] for s in ln.segments)


def _marker_start(ln: Line) -> str | None:
    """The number a footnote body line starts with (raised digits, or digits then text), if any."""
    gs = ln.glyphs
    if gs and gs[0].raised and gs[0].ch.isdigit():
        n = ""
        for g in gs:
            if g.raised and g.ch.isdigit():
                n += g.ch
            else:
                break
        return n
    m = re.match(r"(\d{1,3})\s?(?=[^\d\s/.,-])", ln.text)
    return m.group(1) if m else None


# --- a page ---------------------------------------------------------------------------------------------
@dataclass
class Page:
    lines: list[Line]
    notes: list[Line]
    top_number: str | None
    bottom_number: str | None


def _page(lines: list[Line], rules: list[tuple[float, float, float]], body_size: float) -> Page:
    top_no = bottom_no = None
    if lines and _PAGE_NO.match(lines[0].text) and len(lines) > 1:
        top_no = re.search(r"\d+", lines[0].text).group(0)
        lines = lines[1:]
    if lines and _PAGE_NO.match(lines[-1].text) and len(lines) > 1:
        bottom_no = re.search(r"\d+", lines[-1].text).group(0)
        lines = lines[:-1]
    if not lines:
        return Page([], [], top_no, bottom_no)

    def small(ln: Line) -> bool:
        return ln.size < 0.92 * body_size

    cut = None
    left_edge = min(ln.x0 for ln in lines)
    for x0, x1, y in sorted(rules, key=lambda r: -r[2]):
        below = [i for i, ln in enumerate(lines) if ln.base < y]
        above = [i for i, ln in enumerate(lines) if ln.base > y]
        if not below or not above or x0 > left_edge + 0.25 * (x1 - x0) + 40:
            continue
        if all(small(lines[i]) for i in below) and below == list(range(below[0], len(lines))):
            cut = below[0]
            break
    if cut is None:
        # no rule: the run of smaller lines at the page bottom, starting with a numbered body
        i = len(lines)
        while i > 0 and small(lines[i - 1]) and not _is_wide_gap(lines, i - 1):
            i -= 1
        if i < len(lines) and i > 0:
            j = next((k for k in range(i, len(lines)) if _marker_start(lines[k])), None)
            if j is not None:
                cut = i
    if cut is None:
        return Page(lines, [], top_no, bottom_no)
    return Page(lines[:cut], lines[cut:], top_no, bottom_no)


def _is_wide_gap(lines: list[Line], i: int) -> bool:
    """True when line i is far from the line above it (a footnote run does not jump over half a page)."""
    return i > 0 and lines[i - 1].base - lines[i].base > 6 * max(lines[i].size, 1.0)


def _join_split_tables(pages: list[Page]) -> None:
    """A table that runs over a page break is one table: the next page's part (its repeated header row
    dropped) joins the rows of the part above, so no page furniture falls between the cells."""
    for a, b in zip(pages, pages[1:]):
        if not a.lines or not b.lines or a.lines[-1].table is None or b.lines[0].table is None:
            continue
        top, cont = a.lines[-1].table, b.lines[0].table
        if max(map(len, top)) != max(map(len, cont)):
            continue
        if cont and top and cont[0] == top[0]:
            cont = cont[1:]
        top.extend(cont)
        b.lines.pop(0)


def _body_lines(lines: list[Line]) -> list[str]:
    """Lines of the page body; side-by-side columns are read one after the other; a ruled table is written
    one cell per line between blank lines."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.table is not None:
            out.append("\n" + flat.table(ln.table).rstrip("\n") + "\n\n")
            i += 1
            continue
        if len(ln.segments) < 2:
            out.append(ln.text)
            i += 1
            continue
        # a block of two (or more) columns: its boundaries are the gaps of its first line
        bounds = [(a[1] + b[0]) / 2 for a, b in zip(ln.segments, ln.segments[1:])]
        cols: list[list[str]] = [[] for _ in range(len(bounds) + 1)]
        j = i
        while j < len(lines):
            cur = lines[j]
            if j > i and cur.base < lines[j - 1].base - 3 * max(cur.size, 1.0):
                break
            if len(cur.segments) < 2 and any(cur.x0 < b < cur.x1 for b in bounds):
                break
            for x0, x1, text in cur.segments:
                mid = (x0 + x1) / 2
                k = sum(1 for b in bounds if mid > b)
                cols[k].append(text)
            j += 1
        for k, col in enumerate(cols):
            if col:
                out.extend(col)
                if k < len(cols) - 1:
                    out.append("")
        i = j
    return out


def _note_lines(lines: list[Line]) -> list[str]:
    out = []
    for ln in lines:
        n = _marker_start(ln)
        text = ln.text
        if n and ln.glyphs[0].raised:
            text = n + " " + text[len(n):].lstrip()
        out.append(text)
    return out


def read_pdf(data: bytes) -> str:
    pdfium, doc = _open(data)
    raw = pdfium.raw
    pages_glyphs = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            try:
                glyphs, unmapped = _glyphs(tp, raw)
                rules = _rules(page, pdfium)
            finally:
                tp.close()
                page.close()
            pages_glyphs.append((glyphs, unmapped, rules))
    finally:
        doc.close()
    total = sum(len(g) for g, _, _ in pages_glyphs)
    letters = sum(1 for g, _, _ in pages_glyphs for x in g if x.ch.isalpha())
    if not pages_glyphs:
        raise InputError("PDF has no pages")
    if letters == 0:
        raise InputError("PDF has no text layer: it needs OCR")
    if sum(u for _, u, _ in pages_glyphs) > 0.3 * total:
        raise InputError("PDF text layer has no Unicode mapping (its fonts lack ToUnicode): it needs OCR")
    empty = sum(1 for g, _, _ in pages_glyphs if not any(x.ch.isalpha() for x in g))
    if empty * 2 >= len(pages_glyphs):
        raise InputError(f"PDF has no text layer on {empty} of {len(pages_glyphs)} pages (scanned): it needs OCR")
    sizes: dict[float, int] = {}
    for g, _, _ in pages_glyphs:
        for x in g:
            if x.ch.isalpha():
                k = round(x.size * 2) / 2
                sizes[k] = sizes.get(k, 0) + 1
    body_size = max(sizes, key=lambda k: (sizes[k], k))

    pages: list[Page] = []
    for glyphs, _, (hs, vs) in pages_glyphs:
        if not glyphs:
            continue
        blocks: list[Line] = []
        for grid in _grids(hs, vs):
            inside = [g for g in glyphs if grid.cell_of((g.x0 + g.x1) / 2, g.oy + 0.3 * g.size) is not None]
            block = _table_block(grid, inside, body_size) if inside else None
            if block is not None:
                blocks.append(block)
                ids = {id(g) for g in inside}
                glyphs = [g for g in glyphs if id(g) not in ids]
        lines = sorted((_cluster(glyphs) if glyphs else []) + blocks, key=lambda ln: -ln.base)
        pages.append(_page(lines, hs, body_size))
    _join_split_tables(pages)

    out: list[str] = []
    for pg in pages:
        parts: list[str] = []
        if pg.top_number:
            parts.append(f"\n\n{pg.top_number}\n\n")
        body = _body_lines(pg.lines)
        while body and not body[0].strip():
            body.pop(0)
        if body:
            body[0] = " " + body[0].lstrip()
        elif pg.notes:
            body = [" "]
        parts.append("\n".join(body))
        if pg.notes:
            parts.append("\n" + flat.SEPARATOR + "\n" + "\n".join(_note_lines(pg.notes)))
        if pg.bottom_number:
            parts.append(f"\n\n\n{pg.bottom_number}\n\n")
        out.append("".join(parts))
    return flat.repair_legacy("\n".join(out).rstrip() + "\n")

