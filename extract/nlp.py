"""spaCy view of an extracted record: references, units, dates, deadlines and footnote markers as `doc.ents`.

This is the only module that imports spaCy (slow to import); everything else imports it lazily,
e.g. inside `kg show --html`. The pipeline is a blank "vi" model whose tokenizer is told not to
use pyvi (whitespace tokens), plus the `kg_entities` component, which reuses the project's own
extraction instead of a statistical NER model, so the page shows exactly what `kg extract` found.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import spacy
from spacy import displacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from .text import collapse, nfc_with_map

# Overlap priority (lower wins), then longer wins. Labels a future `entities` field brings come last.
PRIORITY = {"REF": 0, "DEADLINE": 1, "DATE": 2, "UNIT": 3, "FOOTNOTE": 4}
LABELS = tuple(PRIORITY)
COLORS = {"REF": "#7aecec", "DEADLINE": "#ff9561", "DATE": "#bfe1d9", "UNIT": "#aa9cfc", "FOOTNOTE": "#e4e7d2"}
LEGEND = {"REF": "Văn bản được dẫn chiếu", "DEADLINE": "Thời hạn thực hiện", "DATE": "Ngày tháng",
          "UNIT": "Cơ quan, đơn vị", "FOOTNOTE": "Chú thích"}

_DATE = re.compile(
    r"(?<!\w)(?i:ngày)\s+(?P<d1>\d{1,2})\s+(?i:tháng)\s+(?P<m1>\d{1,2})\s+(?i:năm)\s+(?P<y1>\d{4})"
    r"|(?<!\w)(?i:ngày)\s+(?P<d2>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<y2>\d{4})"
    r"|(?<![\w/.-])(?P<d3>\d{1,2})/(?P<m3>\d{1,2})/(?P<y3>\d{4})(?![\w/])"
    r"|(?<!\w)(?i:tháng)\s+(?P<m4>\d{1,2})\s+(?i:năm)\s+(?P<y4>\d{4})"
    r"|(?<!\w)(?i:tháng)\s+(?P<m5>\d{1,2})/(?P<y5>\d{4})(?![\w/])"
)
_DEADLINE_CUE = re.compile(r"Thời\s+(?:gian|hạn)(?:\s+(?:thực\s+hiện|hoàn\s+thành))?", re.IGNORECASE)


# --- pipeline --------------------------------------------------------------------------------------

@Language.factory("kg_entities")
def _make_kg_entities(nlp: Language, name: str) -> "KgEntities":
    return KgEntities()


class KgEntities:
    """Puts the record's findings on `doc.ents`; reuses `doc.user_data["record"]` or extracts `doc.text`."""

    def __call__(self, doc: Doc) -> Doc:
        record = doc.user_data.get("record")
        if record is None:
            record = _extract(doc.text)
            doc.user_data["record"] = record
        if record is None:
            return doc
        cands = candidates(record)
        text = record["text"]
        if text != doc.text:
            cands = _map_offsets(cands, text, doc.text)
        cands += [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents]  # keep others' ents
        doc = _split_tokens(doc, cands)
        doc.ents = resolve(doc, cands)
        return doc


def make_pipeline(use_pyvi: bool = False) -> Language:
    """Blank Vietnamese pipeline (whitespace tokens unless pyvi is asked for) + `kg_entities`."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": use_pyvi}}})
    nlp.add_pipe("kg_entities")
    return nlp


@lru_cache(maxsize=1)
def _default_pipeline() -> Language:
    return make_pipeline()


def annotate(record: dict, nlp: Language | None = None) -> Doc:
    """The record's text as a Doc whose ents are the record's spans (no re-extraction)."""
    nlp = nlp or _default_pipeline()
    doc = nlp.make_doc(record["text"])
    doc.user_data["record"] = record
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def _extract(text: str) -> dict | None:
    from .decode import InputError
    from .document import extract_text
    try:
        return extract_text(text, "<doc>")
    except InputError:
        return None


def _map_offsets(cands: list, rec_text: str, doc_text: str) -> list:
    """Record offsets index NFC text; map them back when the Doc holds the un-normalised input."""
    nfc, to_raw = nfc_with_map(doc_text)
    if nfc != rec_text:
        raise ValueError("doc.user_data['record'] does not describe this Doc's text")
    if to_raw is None:
        return cands
    return [(to_raw[s], to_raw[e], label, kb) for s, e, label, kb in cands]


# --- candidates ------------------------------------------------------------------------------------

def candidates(record: dict) -> list[tuple[int, int, str, str]]:
    """(start, end, label, kb_id) character spans of everything the record found, overlaps included."""
    text = record["text"]
    n = len(text)
    out: list[tuple[int, int, str, str]] = []
    for ref in record.get("references") or []:
        for sp in ref.get("spans") or []:
            if not sp.get("title_only"):  # the whole title, not a mention by number
                out.append((sp["start"], sp["end"], "REF", ref["key"]))
    for fn in record.get("footnotes") or []:
        if fn.get("marker"):
            out.append((fn["marker"][0], fn["marker"][1], "FOOTNOTE", str(fn["n"])))
    out += _deadlines(text, record.get("tasks") or [])
    out += _dates(text)
    out += _units(text, record.get("units") or {})
    for e in record.get("entities") or []:
        out.append((e["start"], e["end"], e["label"], e.get("kb_id") or e.get("key") or ""))
    return [c for c in out if 0 <= c[0] < c[1] <= n]


def _deadlines(text: str, tasks: list[dict]) -> list[tuple[int, int, str, str]]:
    """Where each task's deadline is written: after "Thời gian thực hiện" if stated, else its last occurrence."""
    out, seen = [], set()
    for t in tasks:
        dl = collapse(t.get("deadline") or "")
        if not dl or t.get("start") is None:
            continue
        pat = re.compile(r"\s+".join(re.escape(w) for w in dl.split()))
        s, e = t["start"], t["end"]
        cue = _DEADLINE_CUE.search(text, s, e)
        m = pat.search(text, cue.end(), e) if cue else None
        if m is None:
            for m in pat.finditer(text, s, e):
                pass
        if m is not None and m.span() not in seen:
            seen.add(m.span())
            out.append((m.start(), m.end(), "DEADLINE", t.get("label") or ""))
    return out


def _dates(text: str) -> list[tuple[int, int, str, str]]:
    out = []
    for m in _DATE.finditer(text):
        g = m.groupdict()
        y = g["y1"] or g["y2"] or g["y3"] or g["y4"] or g["y5"]
        mo = int(g["m1"] or g["m2"] or g["m3"] or g["m4"] or g["m5"])
        d = g["d1"] or g["d2"] or g["d3"]
        if not 1 <= mo <= 12 or (d and not 1 <= int(d) <= 31):
            continue
        out.append((m.start(), m.end(), "DATE", f"{y}-{mo:02d}" + (f"-{int(d):02d}" if d else "")))
    return out


def _units(text: str, unit_map: dict[str, list[str]]) -> list[tuple[int, int, str, str]]:
    """Every occurrence of a listed spelling, longest first, without overlaps (one trie regex pass)."""
    canon: dict[str, str] = {}
    for c, spellings in unit_map.items():
        for s in spellings or [c]:
            s = collapse(s)
            if len(s) >= 2:
                canon.setdefault(s, c)
    if not canon:
        return []
    pat = re.compile(r"(?<!\w)" + _trie_regex([s.split() for s in canon]))
    return [(m.start(), m.end(), "UNIT", canon.get(collapse(m.group()), "")) for m in pat.finditer(text)]


def _trie_regex(phrases: list[list[str]]) -> str:
    """Regex of a word trie: one pass over the text, and greedy optional tails give the longest match."""
    root: dict = {}
    for words in phrases:
        node = root
        for w in words:
            node = node.setdefault(w, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        for w in sorted((k for k in node if k), key=len, reverse=True):
            child = node[w]
            tail = build(child) if any(child) else ""
            if tail:
                tail = rf"(?:\s+{tail})" + ("?" if "" in child else "")
            alts.append(re.escape(w) + r"(?!\w)" + tail)
        return "(?:" + "|".join(alts) + ")"

    return build(root)


# --- tokens and overlaps ---------------------------------------------------------------------------

def _split_tokens(doc: Doc, cands: list) -> Doc:
    """Split whitespace tokens at entity edges ("QĐ-UBND1" -> "QĐ-UBND" + "1") so ents are exact.

    A Doc with no annotations yet is rebuilt in one linear pass (the retokenizer moves the whole
    token array per split); an annotated one goes through the retokenizer to keep its annotations.
    """
    cuts = sorted({p for s, e, _, _ in cands for p in (s, e)})
    splits, i = {}, 0
    for tok in doc:
        a, b = tok.idx, tok.idx + len(tok.text)
        while i < len(cuts) and cuts[i] <= a:
            i += 1
        inner = []
        while i < len(cuts) and cuts[i] < b:
            inner.append(cuts[i])
            i += 1
        if inner:
            edges = [a, *inner, b]
            splits[tok.i] = [tok.text[x - a:y - a] for x, y in zip(edges, edges[1:])]
    if not splits:
        return doc
    if _annotated(doc):
        with doc.retokenize() as retok:
            for ti, orths in splits.items():
                tok = doc[ti]
                retok.split(tok, orths, heads=[(tok, k) for k in range(len(orths))])
        return doc
    words, spaces = [], []
    for tok in doc:
        parts = splits.get(tok.i, (tok.text,))
        words += parts
        spaces += [False] * (len(parts) - 1) + [bool(tok.whitespace_)]
    return Doc(doc.vocab, words=words, spaces=spaces, user_data=doc.user_data)


def _annotated(doc: Doc) -> bool:
    if doc.tensor is not None and getattr(doc.tensor, "size", 0):
        return True
    return any(doc.has_annotation(a) for a in ("TAG", "POS", "MORPH", "LEMMA", "DEP", "SENT_START", "ENT_IOB"))


def resolve(doc: Doc, cands: list) -> list[Span]:
    """Non-overlapping ents: REF > DEADLINE > DATE > UNIT > FOOTNOTE > other labels, then longer first."""
    spans = []
    for s, e, label, kb in cands:
        sp = doc.char_span(s, e, label=label, kb_id=kb or "", alignment_mode="expand")
        if sp is not None and len(sp):
            spans.append(sp)
    spans.sort(key=lambda sp: (PRIORITY.get(sp.label_, len(PRIORITY)), -(sp.end_char - sp.start_char), sp.start))
    taken = bytearray(len(doc))
    kept = []
    for sp in spans:
        if any(taken[sp.start:sp.end]):
            continue
        taken[sp.start:sp.end] = b"\x01" * (sp.end - sp.start)
        kept.append(sp)
    kept.sort(key=lambda sp: sp.start)
    return kept


# --- HTML ------------------------------------------------------------------------------------------

def slug(key: str) -> str:
    """An ASCII fragment id for a document key ("57-NQ/TW" -> "57-NQ-TW", "QĐ" -> "QD")."""
    s = unicodedata.normalize("NFKD", key.replace("Đ", "D").replace("đ", "d"))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s.encode("ascii", "ignore").decode()).strip("-")
    return s or "x"


def render_html(record: dict) -> str:
    """A standalone displaCy page (no network resources) for a reviewer to check what was extracted."""
    doc = annotate(record)
    esc = html.escape
    ref_ids = _unique_ids("ref-", [r["key"] for r in record.get("references") or []])
    unit_ids = _unique_ids("unit-", list(record.get("units") or {}))
    task_ids: dict[str, str] = {}
    for i, t in enumerate(record.get("tasks") or []):
        task_ids.setdefault(t.get("label") or "", f"task-{i}")
    ents = []
    for e in doc.ents:
        ent = {"start": e.start_char, "end": e.end_char, "label": e.label_}
        url = {"REF": ref_ids, "UNIT": unit_ids, "DEADLINE": task_ids}.get(e.label_, {}).get(e.kb_id_)
        if e.label_ == "FOOTNOTE" and e.kb_id_:
            url = f"fn-{slug(e.kb_id_)}"
        if url:
            ent["kb_id"] = esc(e.kb_id_ if e.label_ != "DEADLINE" else f"mục {e.kb_id_}")
            ent["kb_url"] = "#" + url
        ents.append(ent)
    labels = list(dict.fromkeys([*LABELS, *(e.label_ for e in doc.ents)]))
    page = displacy.render({"text": doc.text, "ents": ents, "settings": {"lang": "vi", "direction": "ltr"}},
                           style="ent", page=True, manual=True, jupyter=False,
                           options={"ents": labels, "colors": COLORS})
    d = record.get("document") or {}
    head_title = " ".join(x for x in (d.get("doc_type"), d.get("number")) if x) or record.get("file") or "Văn bản"
    if d.get("title"):
        head_title += " – " + d["title"][:120]
    page = page.replace("<title>displaCy</title>",
                        f'<meta charset="utf-8">\n<title>{esc(head_title)}</title>\n<style>{_CSS}</style>', 1)
    body_at = page.index(">", page.index("<body")) + 1
    counts: dict[str, int] = {}
    for e in doc.ents:
        counts[e.label_] = counts.get(e.label_, 0) + 1
    header = _header(record, labels, counts)
    footer = _appendix(record, ref_ids, unit_ids, task_ids)
    end_at = page.rindex("</body>")
    return page[:body_at] + header + '<main id="text">' + page[body_at:end_at] + "</main>" + footer + page[end_at:]


def _unique_ids(prefix: str, keys: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    used: set[str] = set()
    for k in keys:
        base = prefix + slug(k)
        sid, n = base, 1
        while sid in used:
            n += 1
            sid = f"{base}-{n}"
        used.add(sid)
        out.setdefault(k, sid)
    return out


_CSS = """
.kg-header{border-bottom:1px solid #ccc;margin-bottom:1.5rem;padding-bottom:1rem}
.kg-header h1{font-size:1.4rem;margin:0 0 .3rem}.kg-header p{margin:.2rem 0;color:#444}
.kg-legend span{display:inline-block;padding:.2em .6em;margin:.2em .4em .2em 0;border-radius:.35em;font-size:.85em}
.kg-appendix{border-top:1px solid #ccc;margin-top:2rem;font-size:.9em}
.kg-appendix table{border-collapse:collapse;width:100%}.kg-appendix td,.kg-appendix th{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
.kg-appendix tr:target{background:#fffbcc}
"""


def _header(record: dict, labels: list[str], counts: dict[str, int]) -> str:
    esc = html.escape
    d = record.get("document") or {}
    kind = " ".join(x for x in (d.get("doc_type"), ("số " + d["number"]) if d.get("number") else None) if x)
    meta = [x for x in (d.get("issuer"), d.get("issued_date"), record.get("file")) if x]
    legend = "".join(
        f'<span style="background:{COLORS.get(lab, "#ddd")}">{esc(lab)}: {esc(LEGEND.get(lab, lab))} '
        f"({counts.get(lab, 0)})</span>" for lab in labels)
    return (f'<header class="kg-header"><h1>{esc(kind or "Văn bản")}</h1>'
            f'<p class="kg-title"><strong>{esc(d.get("title") or "")}</strong></p>'
            f"<p>{esc(' · '.join(meta))}</p><div class=\"kg-legend\">{legend}</div></header>")


def _appendix(record: dict, ref_ids: dict, unit_ids: dict, task_ids: dict) -> str:
    """Anchor targets for the ent links: the cited documents, units, tasks and footnotes."""
    esc = html.escape
    rows = "".join(
        f'<tr id="{ref_ids[r["key"]]}"><td>{esc(r["key"])}</td><td>{esc(r.get("doc_type") or "")}</td>'
        f'<td>{esc(r.get("date") or "")}</td><td>{esc(r.get("issuer") or "")}</td>'
        f'<td>{esc(", ".join(r.get("relations") or []))}</td><td>{r.get("mentions", 0)}</td></tr>'
        for r in record.get("references") or [])
    parts = [f"<h2>Văn bản được dẫn chiếu</h2><table><tr><th>Số, ký hiệu</th><th>Loại</th><th>Ngày</th>"
             f"<th>Cơ quan ban hành</th><th>Quan hệ</th><th>Số lần</th></tr>{rows}</table>"]
    units = record.get("units") or {}
    if units:
        rows = "".join(f'<tr id="{unit_ids[c]}"><td>{esc(c)}</td><td>{esc("; ".join(s))}</td></tr>'
                       for c, s in units.items())
        parts.append(f"<h2>Cơ quan, đơn vị</h2><table><tr><th>Tên chuẩn</th><th>Cách viết</th></tr>{rows}</table>")
    tasks = record.get("tasks") or []
    if tasks:
        rows = "".join(
            f'<tr id="task-{i}"><td>{esc(t.get("label") or "")}</td>'
            f'<td>{esc(t.get("title") or "")}</td><td>{esc(", ".join(t.get("lead") or []))}</td>'
            f'<td>{esc(t.get("deadline") or "")}</td></tr>' for i, t in enumerate(tasks))
        parts.append(f"<h2>Nhiệm vụ</h2><table><tr><th>Mục</th><th>Nội dung</th><th>Chủ trì</th>"
                     f"<th>Thời gian</th></tr>{rows}</table>")
    notes = record.get("footnotes") or []
    if notes:
        rows = "".join(f'<tr id="fn-{slug(str(f["n"]))}"><td>{f["n"]}</td><td>{esc(f.get("text") or "")}</td>'
                       f'<td>{esc(", ".join(f.get("refs") or []))}</td></tr>' for f in notes)
        parts.append(f"<h2>Chú thích</h2><table><tr><th>Số</th><th>Nội dung</th><th>Văn bản</th></tr>{rows}</table>")
    return '<section class="kg-appendix">' + "".join(parts) + "</section>"
