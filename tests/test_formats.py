"""PDF, DOCX and HTML inputs read into the text path's conventions (extract.formats).

The fixtures are built here from the seed texts with real libraries: a PDF (fpdf2) with raised small
footnote markers, a drawn separator rule and footnote bodies at the page bottom; a Word document
(python-docx) with Word numbering, footnote references and a footnotes part; a saved portal page with
navigation, widgets and Word-style footnotes. Each must give the records of the plain-text path.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from extract import layout
from extract.decode import InputError
from extract.document import extract_text
from extract.formats import SUFFIXES, UnsupportedFormat, flat, format_of, read_any, read_bytes
from extract.outline import STRUCTURAL
from extract.text import Text

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = sorted(p.name for p in CORPUS.glob("*.txt"))
WITH_NOTES = ["003_f5ffa53c17f34042.txt", "004_866d70e48e852e47.txt"]
MARK = re.compile("\x01(\\d+)\x02")  # a footnote marker inside a fixture paragraph


# --- the seed as a document: paragraphs with footnote markers, and footnote bodies --------------------------
def seed_document(name: str) -> tuple[dict, list[str], list[tuple[int, str]]]:
    """The seed's record, its body as paragraphs (PDF line breaks undone, markers as \\x01N\\x02) and its
    footnotes (number, text), all read by the text path itself."""
    raw = (CORPUS / name).read_text(encoding="utf-8")
    rec = extract_text(raw, name)
    t = Text(raw)
    layout.mask_furniture(t)
    layout.footnote_blocks(t)
    body = t.body  # page numbers, boilerplate and footnote blocks blanked, offsets kept
    for (s, e), n in sorted(((f["marker"], f["n"]) for f in rec["footnotes"] if f["marker"]), reverse=True):
        body = body[:s] + f"\x01{n}\x02" + body[e:]
    paras: list[str] = []
    prev = None
    for line in (x.strip() for x in body.split("\n")):
        if not line:
            continue
        plain_prev = MARK.sub("", prev or "")
        starts = STRUCTURAL.match(line) or re.match(r"(?:Căn cứ|Nơi nhận|KT\.|TM\.)", line)
        upper_after_lower = line.isupper() and not plain_prev.isupper()
        if (prev is not None and not starts and not upper_after_lower and len(plain_prev) >= 60
                and not re.search(r"[.:;!?]$", plain_prev)):
            paras[-1] += " " + line  # a wrapped line continues its paragraph
        else:
            paras.append(line)
        prev = line
    return rec, paras, [(f["n"], f["text"]) for f in rec["footnotes"]]


def summary(rec: dict) -> dict:
    """What every format must keep: references (keys, relations, mentions), footnotes (number, refs, a marker
    found), tasks (label, lead, support, deadline)."""
    return {
        "references": [(r["key"], r["relations"], r["mentions"]) for r in rec["references"]],
        "implied": [(r["from"], r["to"], r["relation"]) for r in rec["implied_relations"]],
        "footnotes": [(f["n"], f["refs"], f["marker"] is not None) for f in rec["footnotes"]],
        "tasks": [(t["label"], t["lead"], t["support"], t["deadline"]) for t in rec["tasks"]],
        "responsibilities": [(r["unit"], r["label"]) for r in rec["responsibilities"]],
        "document": {k: rec["document"][k] for k in ("doc_type", "number", "issued_date", "issuer", "signer",
                                                     "signer_title", "locality")},
    }


# --- PDF fixtures (fpdf2) --------------------------------------------------------------------------------
def font_file() -> str:
    """A TTF with Vietnamese glyphs: font-source-sans-pro (PyPI, OFL), else DejaVu from matplotlib or the system."""
    try:
        import font_source_sans_pro
        return font_source_sans_pro.font_files_ttf["SourceSansPro"]
    except ImportError:
        pass
    try:
        import matplotlib
        p = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
        if p.exists():
            return str(p)
    except ImportError:
        pass
    for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf"):
        if Path(p).exists():
            return p
    pytest.skip("no TTF font with Vietnamese glyphs (pip install font-source-sans-pro)")


def build_pdf(paras: list[str], notes: list[tuple[int, str]], path: Path, rule: bool = True) -> None:
    """An A4 plan: 13 pt body, footnote markers 8 pt raised 5 pt, footnotes 10 pt under a 2-inch rule at the
    bottom of the page of their marker, page numbers centred at the top from page 2."""
    fpdf = pytest.importorskip("fpdf")
    W, H, L, R, T, B = 595.28, 841.89, 85.0, 45.0, 57.0, 57.0
    TW = W - L - R
    BODY, LEAD, MK, MKR = 13.0, 18.0, 8.0, 5.0
    FN, FLEAD, FMK, FMKR = 10.0, 12.5, 6.5, 3.5
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("body", "", font_file())
    bodies = dict(notes)

    def width(s: str, size: float) -> float:
        pdf.set_font("body", size=size)
        return pdf.get_string_width(s)

    def words(text: str) -> list[list[tuple[str, bool]]]:
        return [[(p, i % 2 == 1) for i, p in enumerate(MARK.split(w)) if p] for w in text.split()]

    def wrap(ws, first: float, rest: float, size: float, msize: float):
        lines, cur, w, limit, space = [], [], 0.0, first, width(" ", size)
        for pieces in ws:
            tw = sum(width(p, msize if mk else size) for p, mk in pieces)
            if cur and w + space + tw > limit:
                lines.append(cur)
                cur, w, limit = [], 0.0, rest
            w += (space if cur else 0) + tw
            cur.append(pieces)
        return lines + ([cur] if cur else [])

    def draw(line, x: float, y: float, size: float, msize: float, rise: float) -> None:
        for pieces in line:
            for p, mk in pieces:
                pdf.set_font("body", size=msize if mk else size)
                pdf.text(x, y - (rise if mk else 0), p)
                x += width(p, msize if mk else size)
            x += width(" ", size)

    def note_lines(n: int):
        return wrap(words(bodies[n]), TW - width(str(n), FMK) - 2, TW, FN, FMK)

    def notes_height(ns: list[int]) -> float:
        return 14.0 + sum(len(note_lines(n)) * FLEAD for n in ns) if ns else 0.0

    page = {"n": 0, "y": 0.0, "notes": []}

    def finish() -> None:
        ns = page["notes"]
        if not ns:
            return
        top = H - B - notes_height(ns)
        if rule:
            pdf.set_line_width(0.5)
            pdf.line(L, top, L + 144, top)
        y = top + 14.0
        for n in ns:
            for i, line in enumerate(note_lines(n)):
                x = L
                if i == 0:
                    pdf.set_font("body", size=FMK)
                    pdf.text(x, y - FMKR, str(n))
                    x += width(str(n), FMK) + 2
                draw(line, x, y, FN, FMK, FMKR)
                y += FLEAD

    def new_page() -> None:
        if page["n"]:
            finish()
        pdf.add_page()
        page.update(n=page["n"] + 1, y=T + BODY, notes=[])
        if page["n"] > 1:
            pdf.set_font("body", size=BODY)
            pdf.text(W / 2 - width(str(page["n"]), BODY) / 2, T - 18, str(page["n"]))

    new_page()
    for para in paras:
        for line in wrap(words(para), TW, TW, BODY, MK):
            marks = [int(p) for pieces in line for p, mk in pieces if mk]
            if page["y"] > H - B - notes_height(page["notes"] + marks):
                new_page()
            page["notes"] += marks
            draw(line, L, page["y"], BODY, MK, MKR)
            page["y"] += LEAD
        page["y"] += 4
    finish()
    pdf.output(str(path))


# --- DOCX fixtures (python-docx) -------------------------------------------------------------------------
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ABSTRACT = {  # Word list definitions the fixtures use: roman headings, a decimal outline, letters, dash bullets
    90: [("upperRoman", "%1.")],
    91: [("decimal", "%1."), ("decimal", "%1.%2."), ("decimal", "%1.%2.%3.")],
    92: [("lowerLetter", "%1)")],
    93: [("bullet", "\uf02d")],  # the Symbol font's minus sign, as Word writes it
}


class WordLists:
    """Turns a paragraph's typed label into Word numbering when a list instance shows exactly that label
    (continuing the current instance, or a new one with start overrides); other labels stay typed."""

    def __init__(self, numbering):
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls, qn
        self.parse, self.nsdecls, self.el = parse_xml, nsdecls, numbering
        first_num = numbering.find(qn("w:num"))
        for aid, levels in ABSTRACT.items():
            lv = "".join(
                f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{escape(text)}"/><w:suff w:val="space"/></w:lvl>'
                for i, (fmt, text) in enumerate(levels))
            node = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}">{lv}</w:abstractNum>')
            if first_num is not None:
                first_num.addprevious(node)
            else:
                numbering.append(node)
        self.next_id, self.cur = 900, {}

    def assign(self, text: str):
        for pat, aid, value in (
                (r"([IVX]+)\.\s+", 90, lambda g: [_roman(g)]),
                (r"(\d{1,2}(?:\.\d{1,2}){0,2})\.\s+", 91, lambda g: [int(x) for x in g.split(".")]),
                (r"([a-z])\)\s+", 92, lambda g: [ord(g) - 96]),
                (r"(-)\s+", 93, lambda g: [1])):
            m = re.match(pat, text)
            if m:
                return self._take(aid, value(m.group(1)), text[m.end():])
        return None

    def _take(self, aid: int, values: list[int], rest: str):
        lvl = len(values) - 1
        if aid in self.cur:
            nid, counts = self.cur[aid]
            if aid == 93:
                return nid, 0, rest
            shown = [counts[i] if counts[i] is not None else 1 for i in range(lvl)]
            nxt = counts[lvl] + 1 if counts[lvl] is not None else 1
            if shown + [nxt] == values:
                counts[lvl] = nxt
                counts[lvl + 1:] = [None] * (8 - lvl)
                return nid, lvl, rest
        nid, self.next_id = self.next_id, self.next_id + 1
        ov = "".join(f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{v}"/></w:lvlOverride>'
                     for i, v in enumerate(values))
        self.el.append(self.parse(f'<w:num {self.nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>'
                                  f"{ov}</w:num>"))
        self.cur[aid] = (nid, [None] * lvl + [values[-1]] + [None] * (8 - lvl))
        return nid, lvl, rest


def _roman(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50}
    return sum(-vals[c] if i + 1 < len(s) and vals[s[i + 1]] > vals[c] else vals[c] for i, c in enumerate(s))


def add_footnotes(doc, notes: list[tuple[int, str]], note_id) -> None:
    """A footnotes part (separators first, as Word writes it) related to the main document."""
    from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    bodies = "".join(
        f'<w:footnote w:id="{note_id(n)}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {escape(t)}</w:t></w:r></w:p></w:footnote>' for n, t in notes)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{W_NS}">'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
           "</w:p></w:footnote>" + bodies + "</w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)


def build_docx(paras: list[str], notes: list[tuple[int, str]], path: Path) -> None:
    """Paragraphs with Word numbering where it fits, footnote references (ids are not the shown numbers)."""
    docx = pytest.importorskip("docx")
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    doc = docx.Document()
    lists = WordLists(doc.part.numbering_part.element)
    note_id = lambda n: n + 1  # noqa: E731 - Word's ids start after its two separators
    for text in paras:
        p = doc.add_paragraph()
        got = lists.assign(text)
        if got:
            nid, lvl, text = got
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{lvl}"/><w:numId w:val="{nid}"/></w:numPr>'))
        for i, piece in enumerate(MARK.split(text)):
            if i % 2 == 0:
                if piece:
                    p.add_run(piece)
            else:
                p._p.append(parse_xml(
                    f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                    f'<w:footnoteReference w:id="{note_id(int(piece))}"/></w:r>'))
    if notes:
        add_footnotes(doc, notes, note_id)
    doc.save(str(path))


# --- HTML fixtures (a page saved from a portal) ---------------------------------------------------------------
NOISE_TOP = """<header class="site-header"><div class="logo">Thư viện văn bản</div>
<nav class="main-nav"><ul><li><a href="/">Trang chủ</a></li><li><a href="/vb">Văn bản mới</a></li></ul></nav></header>
<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/kh">Kế hoạch</a></div>
<div id="menuLeft"><a href="/qd">Quyết định 9999/QĐ-UBND</a></div>
<script>var x = "Quyết định 8888/QĐ-UBND";</script><style>.content1 p { margin: 0 }</style>"""
NOISE_BOTTOM = """<div class="download-box"><a href="/files/kh.pdf">Tải về văn bản (file PDF)</a></div>
<div class="share-buttons"><a href="#">Chia sẻ</a></div>
<div class="feedback-widget"><p>Câu trả lời này có giúp ích cho bạn không?</p><button>Yes</button>
<button>No</button><p>Send feedback</p></div>
<aside class="related"><h3>Văn bản liên quan</h3><ul><li>Nghị quyết 7777/NQ-HĐND về ngân sách</li></ul></aside>
<div id="comments"><p>Bình luận: Kế hoạch 6666/KH-UBND</p></div>
<footer><p>Bản quyền © 2024 Cổng thông tin</p></footer>"""
NOISE_WORDS = ["9999/QĐ", "8888/QĐ", "7777/NQ", "6666/KH", "Chia sẻ", "Send feedback", "Tải về", "Trang chủ",
               "Bản quyền", "giúp ích"]


def build_html(paras: list[str], notes: list[tuple[int, str]], path: Path) -> None:
    """The body in a portal's content container among menus and widgets; footnotes as Word's "save as web
    page" writes them; dash items as a bulleted list."""
    from html import escape as h
    out = ['<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Văn bản</title></head><body>',
           NOISE_TOP, '<div class="content1">']
    in_list = False
    for text in paras:
        html = "".join(h(p) if i % 2 == 0 else
                       f'<a style="mso-footnote-id:ftn{p}" href="#_ftn{p}" name="_ftnref{p}" title="">'
                       f'<span class="MsoFootnoteReference"><sup>[{p}]</sup></span></a>'
                       for i, p in enumerate(MARK.split(text)))
        if text.startswith("- "):
            out.append(("" if in_list else "<ul>") + f"<li>{html[2:]}</li>")
            in_list = True
            continue
        if in_list:
            out.append("</ul>")
            in_list = False
        out.append(f"<h3>{html}</h3>" if re.match(r"[IVX]+\. ", text) else f"<p>{html}</p>")
    if in_list:
        out.append("</ul>")
    if notes:
        out.append('<div style="mso-element:footnote-list"><br clear="all"><hr align="left" size="1" width="33%">')
        for n, t in notes:
            out.append(f'<div style="mso-element:footnote" id="ftn{n}"><p class="MsoFootnoteText">'
                       f'<a style="mso-footnote-id:ftn{n}" href="#_ftnref{n}" name="_ftn{n}" title="">'
                       f'<span class="MsoFootnoteReference">[{n}]</span></a> {h(t)}</p></div>')
        out.append("</div>")
    out += ["</div>", NOISE_BOTTOM, "</body></html>"]
    path.write_text("\n".join(out), encoding="utf-8")


# --- the seeds through each format -----------------------------------------------------------------------
BUILDERS = {"pdf": build_pdf, "docx": build_docx, "html": build_html}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(format, seed, variant) -> (seed record, text read back from the built file); built once per module."""
    cache: dict = {}
    root = tmp_path_factory.mktemp("formats")

    def get(fmt: str, seed: str, **kw):
        key = (fmt, seed, tuple(sorted(kw.items())))
        if key not in cache:
            rec, paras, notes = seed_document(seed)
            path = root / f"{Path(seed).stem}{'-'.join([''] + [f'{k}{v}' for k, v in kw.items()])}.{fmt}"
            BUILDERS[fmt](paras, notes, path, **kw)
            cache[key] = (rec, read_any(path), path)
        return cache[key]
    return get


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
@pytest.mark.parametrize("seed", SEEDS)
def test_format_gives_the_records_of_the_text_path(built, fmt, seed):
    pytest.importorskip({"pdf": "pypdfium2", "docx": "docx", "html": "html"}[fmt])
    rec, text, _ = built(fmt, seed)
    got = extract_text(text, seed)
    assert summary(got) == summary(rec)


@pytest.mark.parametrize("seed", WITH_NOTES)
def test_pdf_footnotes_without_a_drawn_rule_are_found_by_font_size(built, seed):
    pytest.importorskip("pypdfium2")
    rec, text, _ = built("pdf", seed, rule=False)
    assert text.count("\n" + flat.SEPARATOR + "\n") >= 1
    assert summary(extract_text(text, seed)) == summary(rec)


def legacy_font_text(text: str, encoding: str) -> str:
    """What a PDF or Word file set in a legacy font (.VnTime, VNI-Times) holds: the legacy bytes as
    Windows-1252 characters."""
    from extract.decode import encode_legacy
    data = encode_legacy(text, encoding, errors="fold")  # TCVN3 has no toned capitals: .VnTimeH drew them
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_pdf_in_a_legacy_vietnamese_font_is_decoded(tmp_path, encoding):
    pytest.importorskip("pypdfium2")
    seed = "004_866d70e48e852e47.txt"
    rec, paras, notes = seed_document(seed)
    paras = ["".join(legacy_font_text(x, encoding) if i % 2 == 0 else f"\x01{x}\x02"
                     for i, x in enumerate(MARK.split(p))) for p in paras]
    notes = [(n, legacy_font_text(t, encoding)) for n, t in notes]
    path = tmp_path / f"legacy-{encoding}.pdf"
    build_pdf(paras, notes, path)
    text = read_any(path)
    assert "Triển khai thực hiện đột phá phát triển khoa học" in text
    got, want = summary(extract_text(text, seed)), summary(rec)
    if encoding == "tcvn3":  # capitals lost their tones in TCVN3 itself ("KẾ HOẠCH" -> "Kế HOạCH")
        got.pop("document"), want.pop("document")
    assert got == want


def test_docx_in_a_legacy_vietnamese_font_is_decoded():
    text = "Căn cứ Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành phố"
    data = raw_docx(_p(legacy_font_text(text, "tcvn3")))
    assert read_bytes(data, "old.docx").strip() == text.replace("Ủy", "ủy")  # no toned capitals in TCVN3


def test_pdf_text_follows_the_text_path_conventions(built):
    pytest.importorskip("pypdfium2")
    rec, text, path = built("pdf", "003_f5ffa53c17f34042.txt")
    import pypdfium2
    pages = len(pypdfium2.PdfDocument(str(path)))
    # every page starts with a line indented by one space; page numbers stand alone between blank lines
    assert text.startswith(" KẾ HOẠCH\n")
    assert len(re.findall(r"^ \S", text, re.M)) == pages
    assert re.findall(r"\n\n(\d+)\n\n", text) == [str(n) for n in range(2, pages + 1)]
    # markers are glued to their word, bodies start with their number after a separator of 30 spaces
    assert "hội nhập quốc tế1" in text and "Thành phố Hồ Chí Minh7." in text
    blocks = re.findall(rf"\n{flat.SEPARATOR}\n((?:[^\n]+\n?)+)", text)
    firsts = [int(m) for b in blocks for m in re.findall(r"^(\d{1,2}) \S", b, re.M)]
    assert firsts == list(range(1, 12))


def test_docx_numbering_and_footnotes_are_written_as_text(built):
    pytest.importorskip("docx")
    _, text, path = built("docx", "003_f5ffa53c17f34042.txt")
    with zipfile.ZipFile(path) as z:
        doc = z.read("word/document.xml").decode()
    assert doc.count("<w:numPr>") > 40 and "2.6.1." not in doc  # the labels live in numbering.xml ...
    for line in ("I. MỤC ĐÍCH, YÊU CẦU", "1.2. Yêu cầu", "2.6.1. Đoàn ra", "- Đẩy mạnh công tác"):
        assert re.search(rf"^{re.escape(line)}", text, re.M), line  # ... and come back as text
    assert "thời kỳ mới2." in text
    tail = text[text.index("\n" + flat.SEPARATOR + "\n"):]
    assert [int(n) for n in re.findall(r"^(\d+) ", tail, re.M)] == list(range(1, 12))


def test_html_drops_page_furniture(built):
    for seed in ("001_2e8f673e01760864.txt", "003_f5ffa53c17f34042.txt"):
        _, text, _ = built("html", seed)
        for word in NOISE_WORDS:
            assert word not in text, word
    assert "- Đẩy mạnh công tác tuyên truyền" in text  # list items keep their dash


# --- task tables ----------------------------------------------------------------------------------------
INTRO = [
    "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
    "Số: 123/KH-UBND",
    "Đồng Tháp, ngày 05 tháng 3 năm 2025",
    "KẾ HOẠCH",
    "Triển khai chuyển đổi số trên địa bàn tỉnh Đồng Tháp năm 2025",
    "Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
    "đổi mới sáng tạo và chuyển đổi số quốc gia;",
    "Ủy ban nhân dân Tỉnh ban hành Kế hoạch triển khai chuyển đổi số năm 2025 như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Cụ thể hóa các nhiệm vụ của Nghị quyết số 57-NQ/TW phù hợp với điều kiện của Tỉnh.",
    "II. TỔ CHỨC THỰC HIỆN",
    "Các sở, ban, ngành và Ủy ban nhân dân các xã triển khai các nhiệm vụ tại Phụ lục kèm theo Kế hoạch này./.",
    "PHỤ LỤC",
    "NHIỆM VỤ TRIỂN KHAI",
]
HEADER = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"]
# (label, title, lead, support, deadline): a group row has no lead (None); lead "" = merged with the cell above
ROWS = [
    ("I", "NHÓM NHIỆM VỤ VỀ THỂ CHẾ", None, None, None),
    ("1", "Rà soát, sửa đổi các quy định về chuyển đổi số của Tỉnh.", "Sở Khoa học và Công nghệ", "Sở Tư pháp",
     "Quý II năm 2025"),
    ("2", "Xây dựng quy chế quản lý dữ liệu số của Tỉnh.", "", "Sở Tài chính; Sở Nội vụ", "Quý III năm 2025"),
    ("3", "Ban hành danh mục cơ sở dữ liệu dùng chung.", "Sở Tài chính", "", "Tháng 12 năm 2025"),
    ("II", "NHÓM NHIỆM VỤ VỀ HẠ TẦNG", None, None, None),
    ("1", "Phát triển hạ tầng mạng 5G tại các khu công nghiệp.", "Sở Khoa học và Công nghệ",
     "Ủy ban nhân dân các xã", "Năm 2025"),
    ("2", "Nâng cấp Trung tâm dữ liệu của Tỉnh.", "Sở Khoa học và Công nghệ", "Sở Tài chính", ""),
]
EXPECTED_TASKS = [
    ("I.1", ["Sở Khoa học và Công nghệ tỉnh Đồng Tháp"], ["Sở Tư pháp tỉnh Đồng Tháp"], "Quý II năm 2025"),
    ("I.2", ["Sở Khoa học và Công nghệ tỉnh Đồng Tháp"], ["Sở Tài chính tỉnh Đồng Tháp", "Sở Nội vụ tỉnh Đồng Tháp"],
     "Quý III năm 2025"),
    ("I.3", ["Sở Tài chính tỉnh Đồng Tháp"], [], "Tháng 12 năm 2025"),
    ("II.1", ["Sở Khoa học và Công nghệ tỉnh Đồng Tháp"], ["Ủy ban nhân dân các xã"], "Năm 2025"),
    ("II.2", ["Sở Khoa học và Công nghệ tỉnh Đồng Tháp"], ["Sở Tài chính tỉnh Đồng Tháp"], None),
]


def table_plain_text() -> str:
    """The plan as the text path already reads it: the table flattened one cell per line."""
    rows, lead = [HEADER], ""
    for label, title, lead_cell, support, deadline in ROWS:
        if lead_cell is None:
            rows.append([label, title])
            continue
        lead = lead_cell or lead
        rows.append([label, title, lead, support, deadline])
    return flat.join_blocks(INTRO + [flat.table(rows), "Nơi nhận:"])


def build_table_docx(path: Path) -> None:
    """A Word table with a group row spanning four columns, a lead cell merged over two rows, a two-paragraph
    title cell and empty cells."""
    docx = pytest.importorskip("docx")
    doc = docx.Document()
    for p in INTRO:
        doc.add_paragraph(p)
    t = doc.add_table(rows=1 + len(ROWS), cols=5)
    t.style = "Table Grid"
    for i, h in enumerate(HEADER):
        t.cell(0, i).text = h
    for r, (label, title, lead, support, deadline) in enumerate(ROWS, start=1):
        t.cell(r, 0).text = label
        if lead is None:
            t.cell(r, 1).merge(t.cell(r, 4)).text = title
            continue
        first, _, rest = title.partition(", ")
        t.cell(r, 1).text = first + ("," if rest else "")
        if rest:
            t.cell(r, 1).add_paragraph(rest)
        if lead:
            t.cell(r, 2).text = lead
        else:
            t.cell(r - 1, 2).merge(t.cell(r, 2))
        t.cell(r, 3).text = support
        t.cell(r, 4).text = deadline
    doc.add_paragraph("Nơi nhận:")
    doc.save(str(path))


def build_table_html(path: Path) -> None:
    """The same table on a portal page, with colspan and rowspan."""
    rows = ["<thead><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr></thead><tbody>"]
    i = 0
    while i < len(ROWS):
        label, title, lead, support, deadline = ROWS[i]
        if lead is None:
            rows.append(f'<tr><td>{label}</td><td colspan="4"><b>{title}</b></td></tr>')
            i += 1
            continue
        span = 1
        while i + span < len(ROWS) and ROWS[i + span][2] == "":
            span += 1
        rows.append(f'<tr><td>{label}</td><td><p>{title}</p></td><td rowspan="{span}">{lead}</td>'
                    f"<td>{support}</td><td>{deadline}</td></tr>")
        for k in range(1, span):
            l2, t2, _, s2, d2 = ROWS[i + k]
            rows.append(f"<tr><td>{l2}</td><td>{t2}<td>{s2}</td><td>{d2}</td>")  # unclosed cells, as pages have
        i += span
    body = "".join(f"<p>{p}</p>" for p in INTRO)
    path.write_text(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>'
        f'<nav><a href="/">Trang chủ</a></nav><div id="toanvancontent">{body}<table border="1">{"".join(rows)}'
        '</tbody></table><p>Nơi nhận:</p></div><div class="download"><a href="/a.doc">Tải về</a></div></body></html>',
        encoding="utf-8")


def build_table_pdf(path: Path, push: float = 0) -> None:
    """The same table drawn by fpdf2 (each cell a stroked rectangle, colspan and rowspan), pushed down by `push`
    points so that it runs over a page break and repeats its header row there."""
    fpdf = pytest.importorskip("fpdf")
    from fpdf.fonts import FontFace
    pdf = fpdf.FPDF(unit="pt", format="A4")
    pdf.add_font("body", "", font_file())
    pdf.set_font("body", size=12)
    pdf.add_page()
    for p in INTRO:
        pdf.multi_cell(0, 16, p, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(push)
    with pdf.table(col_widths=(30, 170, 100, 100, 80), line_height=15, headings_style=FontFace(),
                   repeat_headings=1) as table:
        row = table.row()
        for h in HEADER:
            row.cell(h)
        i = 0
        while i < len(ROWS):
            label, title, lead, support, deadline = ROWS[i]
            row = table.row()
            row.cell(label)
            if lead is None:
                row.cell(title, colspan=4)
                i += 1
                continue
            span = 1
            while i + span < len(ROWS) and ROWS[i + span][2] == "":
                span += 1
            row.cell(title)
            row.cell(lead, rowspan=span)
            row.cell(support)
            row.cell(deadline)
            for k in range(1, span):
                l2, t2, _, s2, d2 = ROWS[i + k]
                row = table.row()
                for v in (l2, t2, s2, d2):
                    row.cell(v)
            i += span
    pdf.multi_cell(0, 16, "Nơi nhận:")
    pdf.output(str(path))


def tasks_of(rec: dict) -> list:
    return [(t["label"], t["lead"], t["support"], t["deadline"]) for t in rec["tasks"]]


def test_flattened_task_table_is_read_by_the_text_path():
    assert tasks_of(extract_text(table_plain_text(), "table.txt")) == EXPECTED_TASKS


@pytest.mark.parametrize("fmt", ["docx", "html", "pdf", "pdf-over-a-page-break"])
def test_task_table_becomes_tasks(tmp_path, fmt):
    path = tmp_path / f"plan.{fmt[:4].rstrip('-')}"
    if fmt.startswith("pdf"):
        pytest.importorskip("pypdfium2")
        build_table_pdf(path, push=420 if fmt != "pdf" else 0)
    else:
        (build_table_docx if fmt == "docx" else build_table_html)(path)
    text = read_any(path)
    assert "\n|\nSTT\n|\nNội dung nhiệm vụ\n|\n" in text
    rec = extract_text(text, path.name)
    assert tasks_of(rec) == EXPECTED_TASKS
    base = extract_text(table_plain_text(), "table.txt")
    assert summary(rec) == summary(base)
    if fmt == "pdf-over-a-page-break":
        import pypdfium2
        assert len(pypdfium2.PdfDocument(str(path))) == 2
        assert text.count("\nSTT\n") == 1  # the repeated header row is dropped


# --- DOCX details -----------------------------------------------------------------------------------------
def raw_docx(document_body: str, parts: dict[str, str] | None = None, rels: str = "") -> bytes:
    """A minimal hand-written package, to test what Word writes and python-docx does not."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>'
                   f"{document_body}</w:body></w:document>")
        for name, xml in (parts or {}).items():
            z.writestr(name, xml)
    return buf.getvalue()


def _rel(kind: str, target: str) -> str:
    return (f'<Relationship Id="r{kind}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/{kind}" Target="{target}"/>')


def _p(text: str, num: tuple[int, int] | None = None, style: str | None = None) -> str:
    ppr = ""
    if num or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + (
            f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>' if num else "") + "</w:pPr>"
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'


def test_docx_word_numbering_is_rebuilt():
    numbering = f"""<w:numbering xmlns:w="{W_NS}">
      <w:abstractNum w:abstractNumId="1">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%3."/></w:lvl>
        <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%4)"/></w:lvl>
      </w:abstractNum>
      <w:abstractNum w:abstractNumId="2">
        <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
        <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="5"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="6"><w:abstractNumId w:val="2"/></w:num>
      <w:num w:numId="7"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="1"><w:startOverride w:val="3"/>
        </w:lvlOverride></w:num>
    </w:numbering>"""
    styles = f"""<w:styles xmlns:w="{W_NS}">
      <w:style w:type="paragraph" w:styleId="Muc"><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="5"/>
        </w:numPr></w:pPr></w:style>
      <w:style w:type="paragraph" w:styleId="MucCon"><w:basedOn w:val="Muc"/></w:style>
    </w:styles>"""
    body = "".join([
        _p("MỤC ĐÍCH", (5, 0)), _p("Mục đích", (5, 1)), _p("Nâng cao", (5, 2)), _p("Tăng cường", (5, 2)),
        _p("một", (5, 3)), _p("hai", (5, 3)), _p("Yêu cầu", style="Muc"), _p("Bám sát", (5, 2)),
        _p("gạch", (6, 1)), _p("chấm", (6, 0)), _p("NHIỆM VỤ", (5, 0)), _p("Kế thừa", style="MucCon"),
        _p("Tiếp", (7, 1)), _p("không số", (0, 0)), _p("Sau", (7, 1)),
    ])
    data = raw_docx(body, {"word/numbering.xml": numbering, "word/styles.xml": styles},
                    _rel("numbering", "numbering.xml") + _rel("styles", "styles.xml"))
    lines = [x for x in read_bytes(data, "a.docx").split("\n") if x]
    assert lines == ["I. MỤC ĐÍCH", "1. Mục đích", "1.1. Nâng cao", "1.2. Tăng cường", "a) một", "b) hai",
                     "2. Yêu cầu", "2.1. Bám sát", "- gạch", "• chấm", "II. NHIỆM VỤ", "1. Kế thừa",
                     "3. Tiếp", "không số", "4. Sau"]


def test_docx_footnotes_are_numbered_in_reference_order():
    notes = f"""<w:footnotes xmlns:w="{W_NS}">
      <w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
      <w:footnote w:id="7"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t> Nghị quyết số 57-NQ/TW ngày 22/12/2024.</w:t>
        </w:r></w:p></w:footnote>
      <w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t> Quyết định số 2531/QĐ-UBND ngày 20/6/2023</w:t>
        </w:r></w:p><w:p><w:r><w:t>của Ủy ban nhân dân Thành phố.</w:t></w:r></w:p></w:footnote>
    </w:footnotes>"""
    ref = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>'
    body = (f'<w:p><w:r><w:t xml:space="preserve">Thực hiện Quyết định </w:t></w:r>{ref.format(3)}'
            f'<w:r><w:t xml:space="preserve"> và Nghị quyết</w:t></w:r>{ref.format(7)}'
            '<w:r><w:t>.</w:t></w:r></w:p>'
            '<w:p><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:t>Hết</w:t></w:r>'
            '<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r></w:p>')
    data = raw_docx(body, {"word/footnotes.xml": notes}, _rel("footnotes", "footnotes.xml"))
    text = read_bytes(data, "b.docx")
    assert text == ("Thực hiện Quyết định1 và Nghị quyết2.\n\nHết\n\n" + flat.SEPARATOR + "\n"
                    "1 Quyết định số 2531/QĐ-UBND ngày 20/6/2023\ncủa Ủy ban nhân dân Thành phố.\n"
                    "2 Nghị quyết số 57-NQ/TW ngày 22/12/2024.\n")
    rec = extract_text(text, "b.docx")
    assert [(f["n"], f["refs"], f["anchor"]) for f in rec["footnotes"]] == [
        (1, ["2531/QĐ-UBND"], "Quyết định"), (2, ["57-NQ/TW"], "Nghị quyết")]


# --- HTML details ---------------------------------------------------------------------------------------------
def cp1258(text: str) -> bytes:
    """Windows-1258 writes the five tones as combining marks after a (possibly hatted) letter."""
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in d if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def test_html_in_a_legacy_charset_and_with_broken_markup():
    page = ('<html><head><meta charset="windows-1258"></head><body><div class="nav">Trang chủ</div>'
            "<p>Căn cứ Luật Tổ chức chính quyền địa phương<p>Thực hiện Quyết định số 2531/QĐ-UBND"
            "<br>ngày 20/6/2023<ol><li>Nhiệm vụ một<li>Nhiệm vụ hai</ol><p>Hết &amp; hết</body></html>")
    text = unicodedata.normalize("NFC", read_bytes(cp1258(page), "c.htm"))
    assert text.split("\n") == ["Căn cứ Luật Tổ chức chính quyền địa phương", "",
                                "Thực hiện Quyết định số 2531/QĐ-UBND", "ngày 20/6/2023", "",
                                "1. Nhiệm vụ một", "", "2. Nhiệm vụ hai", "", "Hết & hết", ""]


def test_html_page_wrapped_in_one_form_keeps_its_body():
    """ASP.NET portals put the whole page in one <form>; a search box is a small form of its own."""
    body = "".join(f"<p>{p}</p>" for p in INTRO)
    page = ('<html><body><form id="aspnetForm" method="post"><div class="header-search"><form class="search">'
            '<input name="q"><span>Tìm kiếm văn bản</span></form></div>'
            f'<div id="divContentDoc"><div class="content1">{body}</div></div>'
            '<div class="footer-links">Liên kết website</div></form></body></html>')
    text = read_bytes(page.encode("utf-8"), "d.html")
    assert text.split("\n\n")[0] == INTRO[0] and INTRO[-1] in text
    assert "Tìm kiếm" not in text and "Liên kết" not in text


# --- dispatch and failures -------------------------------------------------------------------------------
def test_dispatch_by_magic_bytes_then_suffix(tmp_path):
    assert SUFFIXES == {".pdf", ".docx", ".html", ".htm"}
    assert format_of(b"%PDF-1.7\n...", "scan.bin") == "pdf"
    assert format_of(raw_docx(_p("x")), "x.zip") == "docx"
    assert format_of(b"<!DOCTYPE html><html><body>x</body></html>", "page.txt") == "html"
    assert format_of("Kế hoạch số 1/KH-UBND".encode(), "plan.txt") is None
    p = tmp_path / "plan.txt"
    p.write_text("Kế hoạch", encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        read_any(p)


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pytest.importorskip("pypdfium2")
    pdf = fpdf.FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 100, 150, style="F")  # a scanned page: a picture, no text
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="PDF has no text layer: it needs OCR"):
        read_any(path)


def test_pdf_with_a_password_says_so(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pytest.importorskip("pypdfium2")
    from fpdf.enums import EncryptionMethod
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Ke hoach so 1/KH-UBND")
    pdf.set_encryption(owner_password="o", user_password="secret", encryption_method=EncryptionMethod.RC4)
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="encrypted with a password"):
        read_any(path)


@pytest.mark.parametrize("name,data,message", [
    ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "PDF file is damaged"),
    ("fake.pdf", b"Hello, not a PDF", "not a PDF file"),
    ("broken.docx", b"PK\x03\x04 truncated archive", "DOCX file is damaged"),
    ("fake.docx", b"plain text", "not a DOCX file"),
    ("empty.html", b"<html><body><nav>Trang ch\xe1\xbb\xa7</nav><script>x()</script></body></html>", "no text"),
])
def test_unusable_files_say_why(tmp_path, name, data, message):
    if name.endswith(".pdf"):
        pytest.importorskip("pypdfium2")
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        read_any(path)


def test_zip_without_a_word_document(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    path = tmp_path / "book.docx"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputError, match="no word/document.xml"):
        read_any(path)
