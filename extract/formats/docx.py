"""Word (.docx) -> the text path's plain-text conventions, with the standard library only.

Body paragraphs and tables in document order; Word numbering (w:numPr, directly or through a paragraph
style) rebuilt as text ("I.", "1.", "1.1.", "a)", "-"); tables one cell per line ("|" convention, header
row first); footnote references written as the footnote's number glued to the word before it, and the
footnote bodies (word/footnotes.xml, endnotes after them) at the end after a separator line.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..decode import InputError
from . import flat

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_w = f"{{{W}}}"
_MAX_PART = 200 * 1024 * 1024  # a larger XML part is not a document any more


def q(tag: str) -> str:
    return _w + tag


def wval(el: ET.Element | None, attr: str = "val") -> str | None:
    return None if el is None else el.get(_w + attr)


# --- numbering ----------------------------------------------------------------------------------------
@dataclass
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False


@dataclass
class Numbering:
    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, tuple[str, dict[int, Level], dict[int, int]]] = field(default_factory=dict)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def parse(cls, root: ET.Element | None) -> "Numbering":
        out = cls()
        if root is None:
            return out
        for an in root.iter(q("abstractNum")):
            out.abstract[an.get(q("abstractNumId"), "")] = {int(lv.get(q("ilvl"), "0")): _level(lv)
                                                            for lv in an.findall(q("lvl"))}
        for num in root.iter(q("num")):
            nid = num.get(q("numId"), "")
            aid = wval(num.find(q("abstractNumId"))) or ""
            levels: dict[int, Level] = {}
            starts: dict[int, int] = {}
            for ov in num.findall(q("lvlOverride")):
                il = int(ov.get(q("ilvl"), "0"))
                so = wval(ov.find(q("startOverride")))
                if so is not None and so.lstrip("-").isdigit():
                    starts[il] = int(so)
                lv = ov.find(q("lvl"))
                if lv is not None:
                    levels[il] = _level(lv)
            out.nums[nid] = (aid, levels, starts)
        # a style link (w:numStyleLink) points to another abstract numbering: follow it once
        for an in root.iter(q("abstractNum")):
            link = wval(an.find(q("numStyleLink")))
            if link and not out.abstract.get(an.get(q("abstractNumId"), "")):
                for other in root.iter(q("abstractNum")):
                    if wval(other.find(q("styleLink"))) == link:
                        out.abstract[an.get(q("abstractNumId"), "")] = out.abstract.get(
                            other.get(q("abstractNumId"), ""), {})
        return out

    def label(self, num_id: str, ilvl: int) -> str | None:
        """The next label of list num_id at level ilvl ("1.2.", "a)", "-"), advancing Word's counters."""
        if num_id not in self.nums or num_id == "0":
            return None
        aid, over, starts = self.nums[num_id]
        levels = dict(self.abstract.get(aid, {}))
        levels.update(over)
        if ilvl not in levels:
            return None
        counts = self.counters.setdefault(num_id, [None] * 9)
        ilvl = max(0, min(8, ilvl))

        def start(i: int) -> int:
            return starts.get(i, levels[i].start if i in levels else 1)

        counts[ilvl] = start(ilvl) if counts[ilvl] is None else counts[ilvl] + 1
        for i in range(ilvl + 1, 9):
            counts[i] = None
        lv = levels[ilvl]
        if lv.fmt == "bullet":
            return _bullet(lv.text)
        if lv.fmt == "none":
            return ""

        def fill(m: re.Match) -> str:
            i = int(m.group(1)) - 1
            n = counts[i] if counts[i] is not None else start(i)
            fmt = "decimal" if (lv.legal and i < ilvl) else (levels[i].fmt if i in levels else "decimal")
            return format_number(n, fmt)

        return re.sub(r"%([1-9])", fill, lv.text)


def _level(lv: ET.Element) -> Level:
    start = wval(lv.find(q("start")))
    return Level(
        start=int(start) if start and start.lstrip("-").isdigit() else 1,
        fmt=wval(lv.find(q("numFmt"))) or "decimal",
        text=wval(lv.find(q("lvlText"))) if lv.find(q("lvlText")) is not None else "",
        suffix=wval(lv.find(q("suff"))) or "tab",
        legal=lv.find(q("isLgl")) is not None and wval(lv.find(q("isLgl"))) not in ("0", "false"),
    )


def _bullet(text: str | None) -> str:
    if not text:
        return "-"
    ch = text[0]
    if 0xF000 <= ord(ch) <= 0xF0FF:  # a Symbol/Wingdings code point
        ch = chr(ord(ch) - 0xF000)
        return ch if ch in "-+" else "•"
    return ch if ch in "-+•–" else "•"


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
_VN_LETTERS = "abcdđeghiklmnopqrstuvxy"


def format_number(n: int, fmt: str) -> str:
    if fmt in ("upperRoman", "lowerRoman") and n > 0:
        out, k = "", n
        for v, s in _ROMAN:
            while k >= v:
                out, k = out + s, k - v
        return out.upper() if fmt == "upperRoman" else out
    if fmt in ("upperLetter", "lowerLetter") and n > 0:
        s = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


# --- the package ------------------------------------------------------------------------------------
class Package:
    def __init__(self, data: bytes):
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, ValueError) as e:
            raise InputError(f"DOCX file is damaged (not a readable ZIP archive: {e})") from None
        main = self._main_part()
        if main is None:
            raise InputError("ZIP archive without a Word document (no word/document.xml): not a DOCX file")
        self.main = main
        self.rels = self._rels(main)

    def _main_part(self) -> str | None:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for r in rels.iter(f"{{{PKG_REL}}}Relationship"):
                if r.get("Type", "").endswith("/officeDocument"):
                    name = r.get("Target", "").lstrip("/")
                    if name in self.names:
                        return name
        return "word/document.xml" if "word/document.xml" in self.names else None

    def _rels(self, part: str) -> dict[str, str]:
        """Relationship type (its last word) -> part name, for the parts of `part`."""
        d, base = posixpath.split(part)
        root = self.xml(posixpath.join(d, "_rels", base + ".rels"))
        out = {}
        if root is not None:
            for r in root.iter(f"{{{PKG_REL}}}Relationship"):
                if r.get("TargetMode") == "External":
                    continue
                target = r.get("Target", "")
                name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(d, target))
                out.setdefault(r.get("Type", "").rsplit("/", 1)[-1], name)
        return out

    def xml(self, name: str | None) -> ET.Element | None:
        if not name or name not in self.names:
            return None
        info = self.zip.getinfo(name)
        if info.file_size > _MAX_PART:
            raise InputError(f"DOCX part {name} is too large ({info.file_size} bytes)")
        try:
            data = self.zip.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
            raise InputError(f"DOCX file is damaged ({name}: {e})") from None
        if b"<!DOCTYPE" in data[:2048] or b"<!ENTITY" in data[:4096]:
            raise InputError(f"DOCX part {name} declares entities: refused")
        try:
            return ET.fromstring(data)
        except ET.ParseError as e:
            raise InputError(f"DOCX part {name} is not well-formed XML ({e})") from None

    def part(self, rel_type: str, default: str) -> ET.Element | None:
        return self.xml(self.rels.get(rel_type, default))


# --- styles: which paragraph styles carry numbering ---------------------------------------------------
def _style_numbering(root: ET.Element | None) -> dict[str, tuple[str | None, str | None]]:
    """Paragraph style id -> (numId, ilvl), following basedOn."""
    if root is None:
        return {}
    own: dict[str, tuple[str | None, str | None]] = {}
    based: dict[str, str] = {}
    for st in root.iter(q("style")):
        sid = st.get(q("styleId"), "")
        ppr = st.find(q("pPr"))
        np = ppr.find(q("numPr")) if ppr is not None else None
        if np is not None:
            own[sid] = (wval(np.find(q("numId"))), wval(np.find(q("ilvl"))))
        b = wval(st.find(q("basedOn")))
        if b:
            based[sid] = b
    out = {}
    for sid in set(own) | set(based):
        cur, seen = sid, set()
        while cur and cur not in own and cur not in seen:
            seen.add(cur)
            cur = based.get(cur)
        if cur in own:
            out[sid] = own[cur]
    return out


# --- the document -------------------------------------------------------------------------------------
class Reader:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.numbering = Numbering.parse(pkg.part("numbering", "word/numbering.xml"))
        self.style_num = _style_numbering(pkg.part("styles", "word/styles.xml"))
        self.note_order: list[tuple[str, str]] = []  # (kind, id) in reference order
        self.note_mark: dict[tuple[str, str], str] = {}

    # paragraphs -------------------------------------------------------------------------------------
    def paragraph(self, p: ET.Element, numbered: bool = True) -> str:
        parts: list[str] = []
        self._inline(p, parts)
        text = "".join(parts)
        lines = [flat.clean_line(x) for x in text.split("\n")]
        text = "\n".join(x for x in lines if x)
        if numbered:
            label = self._label(p)
            if label:
                text = f"{label} {text}" if text else label
        return text

    def _label(self, p: ET.Element) -> str | None:
        ppr = p.find(q("pPr"))
        if ppr is None:
            return None
        num_id = ilvl = None
        style = wval(ppr.find(q("pStyle")))
        if style and style in self.style_num:
            num_id, ilvl = self.style_num[style]
        np = ppr.find(q("numPr"))
        if np is not None:
            num_id = wval(np.find(q("numId"))) or num_id
            ilvl = wval(np.find(q("ilvl"))) or ilvl
        if not num_id or num_id == "0":
            return None
        try:
            lvl = int(ilvl or 0)
        except ValueError:
            lvl = 0
        return self.numbering.label(num_id, lvl)

    def _inline(self, el: ET.Element, out: list[str], field_depth: list[int] | None = None) -> None:
        """Text of runs under el in order; field instructions and deleted text skipped."""
        if field_depth is None:
            field_depth = [0]  # >0 while inside a field's instruction part
        for ch in el:
            tag = ch.tag
            if tag == q("r"):
                self._run(ch, out, field_depth)
            elif tag in (q("del"), q("moveFrom"), q("pPr"), q("rPr")):
                continue
            elif tag == f"{{{MC}}}AlternateContent":
                choice = ch.find(f"{{{MC}}}Choice")
                self._inline(choice if choice is not None else ch, out, field_depth)
            else:  # hyperlink, ins, smartTag, fldSimple, sdt, sdtContent, customXml, moveTo ...
                self._inline(ch, out, field_depth)

    def _run(self, r: ET.Element, out: list[str], field_depth: list[int]) -> None:
        rpr = r.find(q("rPr"))
        if rpr is not None and rpr.find(q("vanish")) is not None and wval(rpr.find(q("vanish"))) not in ("0", "false"):
            return  # hidden text
        for ch in r:
            tag = ch.tag
            if tag == q("fldChar"):
                kind = wval(ch, "fldCharType")
                if kind == "begin":
                    field_depth[0] += 1
                elif kind in ("separate", "end") and field_depth[0] > 0:
                    field_depth[0] -= 1
                continue
            if field_depth[0] > 0:
                continue
            if tag == q("t"):
                out.append(ch.text or "")
            elif tag == q("tab") or tag == q("ptab"):
                out.append("\t")
            elif tag in (q("br"), q("cr")):
                out.append("\n")
            elif tag == q("noBreakHyphen"):
                out.append("-")
            elif tag == q("sym"):
                c = wval(ch, "char") or ""
                try:
                    code = int(c, 16)
                    code = code - 0xF000 if code >= 0xF000 else code
                    out.append(chr(code) if 32 <= code < 0xF000 else "")
                except ValueError:
                    pass
            elif tag in (q("footnoteReference"), q("endnoteReference")):
                kind = "footnote" if tag == q("footnoteReference") else "endnote"
                nid = wval(ch, "id") or ""
                custom = wval(ch, "customMarkFollows") in ("1", "true", "on")
                key = (kind, nid)
                if key not in self.note_mark:
                    self.note_order.append(key)
                    self.note_mark[key] = "" if custom else str(len(self.note_order))
                if self.note_mark[key]:
                    if out:
                        out[-1] = flat.glue(out[-1], "")
                    out.append(self.note_mark[key])
            elif tag == q("drawing") or tag == q("pict") or tag == f"{{{MC}}}AlternateContent":
                # text boxes: their paragraphs as lines of this one
                box = []
                for tb in ch.iter(q("txbxContent")):
                    box += [self.paragraph(p) for p in tb.iter(q("p"))]
                    break  # an AlternateContent holds the same box twice
                if any(box):
                    out.append("\n" + "\n".join(b for b in box if b) + "\n")

    # blocks -----------------------------------------------------------------------------------------
    def blocks(self, container: ET.Element) -> list[str]:
        out: list[str] = []
        for ch in container:
            if ch.tag == q("p"):
                out.append(self.paragraph(ch))
            elif ch.tag == q("tbl"):
                out.append(flat.table(self.table(ch)))
            elif ch.tag in (q("sdt"), q("sdtContent"), q("customXml"), q("ins"), q("moveTo")) \
                    or ch.tag == f"{{{MC}}}AlternateContent":
                inner = ch.find(f"{{{MC}}}Choice") if ch.tag == f"{{{MC}}}AlternateContent" else ch
                if inner is not None:
                    out += self.blocks(inner)
        return out

    def table(self, tbl: ET.Element) -> list[list[str]]:
        """Rows of cell texts; a horizontally merged cell once, a vertically merged cell repeated in each row
        it spans (a lead unit merged over several task rows belongs to each task)."""
        rows: list[list[str]] = []
        above: dict[int, str] = {}  # grid column -> text of the cell that starts a vertical merge there
        for tr in _children(tbl, "tr"):
            row, col = [], 0
            for tc in _children(tr, "tc"):
                tcpr = tc.find(q("tcPr"))
                span = wval(tcpr.find(q("gridSpan"))) if tcpr is not None else None
                span_n = int(span) if span and span.isdigit() else 1
                vm = tcpr.find(q("vMerge")) if tcpr is not None else None
                text = self.cell(tc)
                if vm is not None and wval(vm) != "restart":
                    text = above.get(col, text)
                elif vm is not None:
                    above[col] = text
                else:
                    above.pop(col, None)
                row.append(text)
                col += span_n
            rows.append(row)
        return rows

    def cell(self, tc: ET.Element) -> str:
        lines = []
        for b in self.blocks(tc):
            # a nested table reads as its cells' text, one line per cell
            lines.append(b if not b.endswith("|\n") else "\n".join(
                x for x in b.split("\n") if x and x != "|"))
        return "\n".join(x for x in lines if x)

    # notes ------------------------------------------------------------------------------------------
    def notes(self) -> list[tuple[str, str]]:
        parts = {"footnote": self.pkg.part("footnotes", "word/footnotes.xml"),
                 "endnote": self.pkg.part("endnotes", "word/endnotes.xml")}
        bodies: dict[tuple[str, str], ET.Element] = {}
        for kind, root in parts.items():
            if root is None:
                continue
            for fn in root.findall(q(kind)):
                if fn.get(q("type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                bodies[(kind, fn.get(q("id"), ""))] = fn
        out = []
        for key in sorted(self.note_order, key=lambda k: k[0] == "endnote"):
            fn = bodies.get(key)
            if fn is None:
                continue
            text = "\n".join(b for b in (self._note_block(x) for x in fn) if b)
            out.append((self.note_mark[key], text))
        return out

    def _note_block(self, el: ET.Element) -> str:
        if el.tag == q("p"):
            # the body's own mark (w:footnoteRef) is not read as text: footnote_block writes the number
            return self.paragraph(el, numbered=False)
        if el.tag == q("tbl"):
            return "\n".join(" ".join(c for c in row if c) for row in self.table(el))
        return ""


def _children(el: ET.Element, tag: str) -> list[ET.Element]:
    """Direct children with a tag, looking through content controls and custom XML wrappers."""
    out = []
    for ch in el:
        if ch.tag == q(tag):
            out.append(ch)
        elif ch.tag in (q("sdt"), q("sdtContent"), q("customXml")):
            out += _children(ch, tag)
    return out


def read_docx(data: bytes) -> str:
    pkg = Package(data)
    root = pkg.xml(pkg.main)
    body = root.find(q("body")) if root is not None else None
    if body is None:
        raise InputError("DOCX document has no body")
    reader = Reader(pkg)
    blocks = reader.blocks(body)
    text = flat.join_blocks(blocks)
    notes = reader.notes()
    if notes:
        text = text.rstrip("\n") + "\n\n" + flat.footnote_block(notes) + "\n"
    if not re.search(r"[^\W\d_]{2,}", text):
        raise InputError("DOCX document has no text")
    return flat.repair_legacy(text)
