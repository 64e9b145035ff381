"""HTML pages saved from legal portals -> the text path's plain-text conventions (standard library only).

The page is parsed into a small tree; scripts, styles, navigation, headers and footers, side bars, forms,
hidden elements and anything whose class or id names a menu, a feedback widget, a download or share
button, comments or breadcrumbs are dropped. When the page has a known document-body container
(thuvienphapluat, vbpl, luatvietnam, chinhphu ...) or an <article>/<main>, only that is read.
Headings, paragraphs and list items become lines; tables are flattened one cell per line ("|" convention).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..decode import InputError, decode_bytes
from . import flat

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "keygen"}
DROP_TAGS = {"script", "style", "noscript", "template", "svg", "math", "nav", "header", "footer", "aside",
             "button", "select", "textarea", "iframe", "object", "embed", "canvas", "video", "audio",
             "map", "dialog", "head", "title", "label", "input", "option"}
FORM_TEXT = 500  # a <form> with more text than this wraps the page (ASP.NET portals), it is no search box
BLOCK = {"address", "article", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "figure",
         "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "main", "ol", "p", "pre", "section", "ul", "caption",
         "body", "html", "fieldset", "legend", "details", "summary"}
# class or id words of page furniture (matched as whole words of the name split at -, _ and camelCase)
NOISE = re.compile(
    r"^(?:nav|navs|navbar|navigation|menu|menus|megamenu|submenu|feedback|download|downloads|share|sharing|"
    r"social|comment|comments|breadcrumb|breadcrumbs|sidebar|toolbar|advert|advertisement|ads|banner|"
    r"popup|modal|cookie|cookies|login|signin|rating|related|pagination|pager|subscribe|hidden)$")
# known containers of a document's full text on Vietnamese legal portals
CONTENT = re.compile(
    r"^(?:content1|divcontentdoc|toanvancontent|toanvan|fulltext|full-text|noidung|noi-dung|vbcontent|"
    r"doc-content|document-content|the-document-body|docbody|detail-content|content-detail|article-content|"
    r"entry-content|post-content|vanban-content)$", re.I)
_SPLIT = re.compile(r"[\s_\-:.]+|(?<=[a-z])(?=[A-Z])")


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)
    parent: "Node | None" = None
    _noise: bool | None = None
    _len: int | None = None


class _Builder(HTMLParser):
    """A forgiving tree builder: unclosed p/li/td/tr/option are closed the way browsers do."""
    _AUTOCLOSE = {
        "p": ({"p"}, BLOCK | {"table"}),
        "li": ({"li"}, {"ul", "ol"}),
        "dt": ({"dt", "dd"}, {"dl"}),
        "dd": ({"dt", "dd"}, {"dl"}),
        "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
        "td": ({"td", "th"}, {"tr", "table"}),
        "th": ({"td", "th"}, {"tr", "table"}),
        "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
        "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
        "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
        "option": ({"option"}, {"select"}),
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.cur = self.root

    def handle_starttag(self, tag: str, attrs) -> None:
        tag = tag.lower()
        if tag in self._AUTOCLOSE:
            closes, stops = self._AUTOCLOSE[tag]
            node = self.cur
            while node is not self.root and node.tag not in stops:
                if node.tag in closes:
                    self.cur = node.parent or self.root
                    break
                node = node.parent
        elif tag in BLOCK and tag != "p":
            # a block inside an open <p> closes it (browser behaviour)
            if self.cur.tag == "p":
                self.cur = self.cur.parent or self.root
        node = Node(tag, {k.lower(): (v or "") for k, v in attrs}, [], self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag: str, attrs) -> None:
        tag = tag.lower()
        node = Node(tag, {k.lower(): (v or "") for k, v in attrs}, [], self.cur)
        self.cur.children.append(node)

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        node = self.cur
        while node is not self.root:
            if node.tag == tag:
                self.cur = node.parent or self.root
                return
            if tag == "p" and node.tag in BLOCK:
                break
            node = node.parent
        if tag == "p":  # a stray </p> makes an empty paragraph in browsers
            self.cur.children.append(Node("p", {}, [], self.cur))
        elif tag == "br":
            self.cur.children.append(Node("br", {}, [], self.cur))

    def handle_data(self, data: str) -> None:
        self.cur.children.append(data)


def parse(html: str) -> Node:
    b = _Builder()
    b.feed(html)
    b.close()
    return b.root


def _words(node: Node) -> list[str]:
    names = " ".join(node.attrs.get(a, "") for a in ("class", "id", "role"))
    return [w.lower() for w in _SPLIT.split(names) if w]


def _hidden(node: Node) -> bool:
    style = node.attrs.get("style", "").replace(" ", "").lower()
    return ("display:none" in style or "visibility:hidden" in style or "hidden" in node.attrs
            or node.attrs.get("aria-hidden") == "true")


def _noise(node: Node) -> bool:
    if node._noise is None:
        node._noise = _is_noise(node)
    return node._noise


def _is_noise(node: Node) -> bool:
    if node.tag in DROP_TAGS or _hidden(node):
        return True
    if node.tag == "form":
        return _text_len(node) < FORM_TEXT
    if node.attrs.get("role") in ("navigation", "banner", "contentinfo", "search", "complementary", "dialog"):
        return True
    if node.tag == "a" and re.search(r"\.(?:pdf|docx?|zip|rar|xlsx?)(?:[?#]|$)", node.attrs.get("href", ""), re.I):
        return True  # a download link
    return any(NOISE.match(w) for w in _words(node))


def _find_all(node: Node, pred) -> list[Node]:
    out = []
    for ch in node.children:
        if isinstance(ch, Node):
            if pred(ch):
                out.append(ch)
            out += _find_all(ch, pred)
    return out


def _text_len(node: Node) -> int:
    """Characters of text under node, page furniture left out (cached: it is asked for again and again)."""
    if node._len is None:
        n = 0
        for ch in node.children:
            if isinstance(ch, str):
                n += len(ch.strip())
            elif not _noise(ch):
                n += _text_len(ch)
        node._len = n
    return node._len


def _main(root: Node) -> Node:
    """The document body: the largest known content container, else <article>/<main>, else <body>."""
    def known(n: Node) -> bool:
        return any(CONTENT.match(c) for a in ("id", "class") for c in n.attrs.get(a, "").split())

    def landmark(n: Node) -> bool:
        return n.tag in ("article", "main") or n.attrs.get("role") == "main"

    for pred in (known, landmark):
        found = [n for n in _find_all(root, pred) if not _noise(n)]
        found = [n for n in found if _text_len(n) > 200]
        if found:
            return max(found, key=_text_len)
    bodies = _find_all(root, lambda n: n.tag == "body")
    return bodies[0] if bodies else root


# --- to text ------------------------------------------------------------------------------------------
_NOTE_REF = re.compile(r"#_?(?:ftn|edn|footnote-?|fn)(\d+)$", re.I)  # a body's link to footnote N
_NOTE_ID = re.compile(r"^_?(?:ftn|edn|footnote-?|fn)(\d+)$", re.I)  # a footnote body's own id


def _is_note(node: Node) -> bool:
    """A footnote body as Word's "save as web page" writes it (<div id=ftn1 style='mso-element:footnote'>)."""
    style = node.attrs.get("style", "").replace(" ", "").lower()
    return ("mso-element:footnote" in style and "footnote-list" not in style) or (
        node.tag in ("div", "li", "p", "aside") and bool(_NOTE_ID.match(node.attrs.get("id", ""))))


class _Writer:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.notes: list[tuple[str, str]] = []

    def flush(self) -> None:
        text = "".join(self.line)
        self.line = []
        lines = [flat.clean_line(x) for x in text.split("\n")]
        text = "\n".join(x for x in lines if x)
        if text:
            self.blocks.append(text)

    def walk(self, node: Node, pre: bool = False) -> None:
        for ch in node.children:
            if isinstance(ch, str):
                self.line.append(ch if pre else re.sub(r"[ \t\r\n\f]+", " ", ch))
                continue
            if _noise(ch):
                continue
            tag = ch.tag
            if _is_note(ch):
                self._note(ch)
                continue
            if tag == "a" and _NOTE_REF.search(ch.attrs.get("href", "")) and _is_marker(ch):
                if self.line:  # a footnote reference: its number glued to the word before it
                    self.line[-1] = flat.glue(self.line[-1], "")
                self.line.append(re.sub(r"\D", "", _plain(ch)))
                continue
            if tag == "br":
                self.line.append("\n")
            elif tag == "table":
                self.flush()
                rows = table_rows(ch)
                if rows:
                    self.blocks.append(flat.table(rows))
            elif tag in ("ol", "ul"):
                self.flush()
                self._list(ch, pre)
                self.flush()
            elif tag in BLOCK or tag in ("tr", "td", "th"):
                self.flush()
                self.walk(ch, pre or tag == "pre")
                self.flush()
            elif tag == "sup" and _is_marker(ch):  # a footnote marker: glued to the word before it
                if self.line:
                    self.line[-1] = flat.glue(self.line[-1], "")
                self.line.append(re.sub(r"\D", "", _plain(ch)))
            else:
                self.walk(ch, pre)

    def _note(self, node: Node) -> None:
        """A footnote body: its number from its back link ("[1]") or its id, its text without the link."""
        num = None
        m = _NOTE_ID.match(node.attrs.get("id", ""))
        if m:
            num = m.group(1)
        sub = _Writer()
        links = _find_all(node, lambda n: n.tag == "a" and bool(
            re.search(r"#_?(?:ftn|edn)ref\d+|#fnref", n.attrs.get("href", ""), re.I)))
        for link in links:
            if num is None:
                num = re.sub(r"\D", "", _plain(link)) or None
            link.children = []
        sub.walk(node)
        sub.flush()
        text = "\n".join(sub.blocks)
        if not links:  # the number written as text: "[1] Quyết định ..."
            m = re.match(r"^\s*\[(\d{1,3})\]\s*", text)
            if m:
                num, text = num or m.group(1), text[m.end():]
        if text.strip():
            self.notes.append((num or "", text))

    def _list(self, node: Node, pre: bool) -> None:
        ordered = node.tag == "ol"
        kind = node.attrs.get("type", "1")
        try:
            n = int(node.attrs.get("start", "1"))
        except ValueError:
            n = 1
        for ch in node.children:
            if isinstance(ch, str):
                if ch.strip():
                    self.line.append(ch)
                continue
            if _noise(ch):
                continue
            if ch.tag != "li":
                self.walk(Node("#", {}, [ch]), pre)
                continue
            self.flush()
            before = len(self.blocks)
            self.walk(ch, pre)
            self.flush()
            if len(self.blocks) > before:
                first = self.blocks[before]
                if not re.match(r"^(?:[-+•–]\s|[IVXLC]+\.|\d+(?:\.\d+)*[.)]?\s|[a-zđ]\)\s)", first):
                    label = _ol_label(n, kind) if ordered else "-"
                    self.blocks[before] = f"{label} {first}"
            n += 1


def _ol_label(n: int, kind: str) -> str:
    from .docx import format_number
    fmt = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}.get(kind, "decimal")
    return format_number(n, fmt) + (")" if fmt == "lowerLetter" else ".")


def _plain(node: Node) -> str:
    out = []
    for ch in node.children:
        if isinstance(ch, str):
            out.append(ch)
        elif ch.tag == "br":
            out.append("\n")
        elif not _noise(ch):
            sub = _plain(ch)
            out.append(("\n" + sub + "\n") if ch.tag in BLOCK or ch.tag in ("tr",) else sub)
    return "".join(out)


def _is_marker(node: Node) -> bool:
    return bool(re.fullmatch(r"\s*\[?\d{1,3}\]?\s*", _plain(node)))


def table_rows(tbl: Node) -> list[list[str]]:
    """Rows of cell texts; a cell spanning rows (rowspan) is repeated in each row it covers."""
    rows: list[list[str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column -> (rows left, text) of rowspan cells

    def trs(node: Node):
        for ch in node.children:
            if isinstance(ch, Node) and not _noise(ch):
                if ch.tag == "tr":
                    yield ch
                elif ch.tag in ("thead", "tbody", "tfoot"):
                    yield from trs(ch)

    for tr in trs(tbl):
        row: list[str] = []
        col = 0
        cells = [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th") and not _noise(c)]
        for c in cells:
            col = _fill_spanned(row, pending, col)
            w = _Writer()
            w.walk(c)
            w.flush()
            text = "\n".join(b if not b.endswith("|\n") else "\n".join(x for x in b.split("\n") if x and x != "|")
                             for b in w.blocks)
            row.append(text)
            try:
                span = max(1, int(c.attrs.get("rowspan", "1")))
            except ValueError:
                span = 1
            if span > 1:
                pending[col] = (span - 1, text)
            try:
                col += max(1, int(c.attrs.get("colspan", "1")))
            except ValueError:
                col += 1
        _fill_spanned(row, pending, col)
        rows.append(row)
    return rows


# --- bytes -> str -------------------------------------------------------------------------------------
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)


def decode_html(data: bytes) -> str:
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    m = _META.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        try:
            codecs.lookup(enc)
        except LookupError:
            enc = ""
        if enc:
            try:
                return data.decode(enc)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return decode_bytes(data)[0]


def read_html(data: bytes | str) -> str:
    html = decode_html(data) if isinstance(data, bytes) else data
    root = parse(html)
    main = _main(root)
    w = _Writer()
    # the page's title heading (<h1>) outside the body container names the document: keep it first
    if main.tag != "body":
        h1 = [n for n in _find_all(root, lambda n: n.tag == "h1") if not _noise(n) and not _inside(n, main)]
        if h1:
            w.walk(Node("#", {}, [h1[0]]))
            w.flush()
    w.walk(main)
    w.flush()
    text = flat.join_blocks(w.blocks)
    if w.notes:
        text = text.rstrip("\n") + "\n\n" + flat.footnote_block(w.notes)
    if not re.search(r"[^\W\d_]{2,}", text):
        raise InputError("HTML page has no text (only navigation or scripts)")
    return flat.repair_legacy(text + "\n")


def _inside(node: Node, container: Node) -> bool:
    p = node
    while p is not None:
        if p is container:
            return True
        p = p.parent
    return False


def _fill_spanned(row: list[str], pending: dict[int, tuple[int, str]], col: int) -> int:
    """Repeat the text of cells spanning rows from above (rowspan) into this row; the next free column."""
    while col in pending:
        left, text = pending[col]
        row.append(text)
        if left - 1 <= 0:
            del pending[col]
        else:
            pending[col] = (left - 1, text)
        col += 1
    return col
