"""One source file -> one record in the gold schema (plus spans): the single entry point of extract/."""
from __future__ import annotations

import bisect
import gc
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from . import citations, footnotes, formats, layout, metadata, outline, relations, tables, tasks as tasks_mod, units
from .decode import InputError, decode_bytes
from .text import Text, collapse

SCHEMA_VERSION = 1
# a proposal or a report describes what another document will do; it states no relation of its own
NO_IMPLIED_FROM = {"Tờ trình", "Báo cáo"}


@dataclass
class Context:
    locality: object
    issuer: str | None
    year: int | None

    def canon(self, name: str) -> str:
        return units.canonical(name, self.locality, self.issuer)


def extract_file(path: str | Path) -> dict:
    """A file of any supported format (text in any detected encoding, PDF, DOCX, saved HTML)."""
    path = Path(path)
    data = path.read_bytes()
    kind = formats.format_of(data, path.name)
    if kind:
        text, encoding = formats.read_bytes(data, path.name), kind
    else:
        text, encoding = decode_bytes(data)
    rec = extract_text(text, path.name)
    rec["sha256"] = hashlib.sha256(data).hexdigest()
    rec["encoding"] = encoding
    return rec


def extract_text(raw: str, name: str = "<text>") -> dict:
    """The record of one text. The cyclic garbage collector is paused meanwhile: extraction makes many
    short-lived objects and no cycles, and full collections over a large heap would make the time of
    one big file grow faster than its size."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _extract_text(raw, name)
    finally:
        if paused:
            gc.enable()


def _extract_text(raw: str, name: str) -> dict:
    t = Text(raw)
    if not re.search(r"[^\W\d_]{2,}", t.text):
        raise InputError("no text (no letters found)")
    web_title = layout.mask_furniture(t)
    blocks = layout.footnote_blocks(t)
    notes = footnotes.read_bodies(t, blocks)
    body, notes_view = t.body, t.only("footnote")
    meta = metadata.read_meta(t, web_title)
    year = int(meta.issued_date[:4]) if meta.issued_date else _guess_year(meta.title)
    ctx = Context(meta.locality, meta.issuer, year)

    heads = outline.read_outline(body)
    outline.nest(heads, len(body))
    body_start = meta.title_span[1] if meta.title_span[1] else 0
    heads = [h for h in heads if h.start >= body_start]
    majors = [h for h in heads if h.kind in ("roman", "chapter", "article")]
    preamble_end = majors[0].start if majors else _first_numbered(heads, body_start, len(body))
    if not majors:
        preamble_end = min(preamble_end, _clauses_end(body, body_start, preamble_end))

    # --- citations in the body and in the footnotes ------------------------------------------------
    body_mentions = citations.read_mentions(body, citations.find_symbols(body), metadata.iso_date)
    note_mentions = citations.read_mentions(notes_view, _block_symbols(notes_view, blocks), metadata.iso_date)
    self_id = citations.ident(meta.number) if meta.number else None
    if meta.number_span:
        body_mentions = [m for m in body_mentions if not (m.sym_start == meta.number_span[0])]

    roles = {}
    for h in majors:
        if h.kind == "roman":
            roles[h.start] = next((r for w, r in tables.section_roles() if w in h.title.upper()), "body")
    clause_start: dict[int, int] = {}
    clauses = relations.preamble_clauses(body, body_start, preamble_end)
    clause_starts = [c[0] for c in clauses]
    major_starts = [h.start for h in majors]

    def place(m: citations.Mention) -> None:
        p = m.sym_start
        if web_title and web_title[0] <= p < web_title[1]:
            m.region, m.clause_id = "webtitle", -1
        elif p < meta.title_span[0]:
            m.region, m.clause_id = "header", -2
        elif p < meta.title_span[1] or p < body_start:
            m.region, m.clause_id = "title", -3
            clause_start[-3] = meta.title_span[0]
        elif p < preamble_end:
            m.region = "preamble"
            i = bisect.bisect_right(clause_starts, p) - 1  # clauses are sorted and disjoint
            if i >= 0 and clauses[i][0] <= p < clauses[i][1]:
                m.clause, m.clause_id = clauses[i][2], i
                clause_start[i] = clauses[i][0]
            else:
                m.clause, m.clause_id = "other", -4
                clause_start[-4] = body_start
        elif meta.closing_start is not None and p >= meta.closing_start:
            m.region, m.clause_id = "closing", -5
            clause_start[-5] = meta.closing_start
        else:
            j = bisect.bisect_right(major_starts, p) - 1
            sec = majors[j] if j >= 0 else None
            m.region = "purpose" if sec is not None and roles.get(sec.start) == "purpose" else "body"
            m.clause_id = 1000 + (sec.start if sec else 0)
            clause_start[m.clause_id] = sec.start if sec else preamble_end

    for m in body_mentions:
        place(m)
    for group in (body_mentions, note_mentions):
        for a, b in zip(group, group[1:]):
            a.next_start = b.start  # type: ignore[attr-defined]
    note_parts = sorted((s_, e_, n) for n in notes for s_, e_ in n.parts)
    part_starts = [p_[0] for p_ in note_parts]
    for m in note_mentions:
        m.region = "footnote"
        k = bisect.bisect_right(part_starts, m.sym_start) - 1
        owner = note_parts[k][2] if k >= 0 and note_parts[k][0] <= m.sym_start < note_parts[k][1] else None
        if owner:
            m.bounds = note_parts[k][:2]  # type: ignore[attr-defined]
        m.footnote = owner.n if owner else None  # type: ignore[attr-defined]
        m.clause_id = 5000 + (owner.n if owner else 0)
        clause_start[m.clause_id] = owner.start if owner else 0
    relations.link(body_mentions, body)
    relations.link(note_mentions, notes_view)
    relations.assign(body_mentions, body, clause_start)
    relations.assign(note_mentions, notes_view, clause_start)
    for m in body_mentions:
        m.footnote = None  # type: ignore[attr-defined]
    mentions = [m for m in body_mentions + note_mentions if citations.ident(m.key) != self_id]

    footnotes.find_markers(t, notes, [(m.sym_start, m.end, m.fn) for m in body_mentions])

    rec_refs, implied = _references(mentions, body_mentions, note_mentions, body, notes_view, t, ctx)
    if not any(m.region == "title" and m.governor is None for m in body_mentions):
        target = relations.title_only_target(meta.title, rec_refs)
        if target is not None and "implements" not in target["relations"]:
            target["relations"].insert(1 if "based_on" in target["relations"] else 0, "implements")
            target["spans"].append({"start": meta.title_span[0], "end": meta.title_span[1], "region": "title",
                                    "footnote": None, "relations": ["implements"], "title_only": True,
                                    "sentence": meta.title})

    # --- tasks and responsibilities ---------------------------------------------------------------
    items = [h for h in heads if h.kind in ("num", "dash", "letter")]
    task_secs = [h for h in majors if h.kind == "roman" and roles.get(h.start) == "tasks"]
    for sec in task_secs:
        if meta.closing_start is not None and sec.start < meta.closing_start < sec.end:
            sec.end = meta.closing_start
            for h in items:
                if sec.start < h.start < meta.closing_start < h.end:
                    h.end = meta.closing_start
    tasks = tasks_mod.read_tasks(body, task_secs, items, ctx)
    if not tasks:
        tasks = tasks_mod.read_table_tasks(body, ctx)
    org_secs = [h for h in majors if h.kind == "roman" and roles.get(h.start) == "organisation"]
    resps = []
    for sec in org_secs:
        if meta.closing_start is not None and sec.start < meta.closing_start < sec.end:
            sec.end = meta.closing_start
        resps += tasks_mod.read_responsibilities(body, sec, items, ctx)

    unit_map = _units(t, meta, ctx, tasks, resps, mentions)
    refs_by_note: dict[int, list[str]] = {}
    for m in note_mentions:
        if getattr(m, "footnote", None) is not None:
            refs_by_note.setdefault(m.footnote, []).append(m.key)  # type: ignore[attr-defined]
    doc = {
        "doc_type": meta.doc_type,
        "number": meta.number,
        "issued_date": meta.issued_date,
        "issuer": meta.issuer,
        "signer": meta.signer,
        "signer_title": meta.signer_title,
        "title": meta.title or None,
        "same_as": None,
        "locality": meta.locality.full if meta.locality else None,
        "recipients": meta.recipients,
        "drafting_units": meta.drafting_units,
        "title_span": list(meta.title_span),
        "issuer_span": list(meta.issuer_span) if meta.issuer_span else None,
        "signer_span": list(meta.signer_span) if meta.signer_span else None,
    }
    return {
        "file": name,
        "schema_version": SCHEMA_VERSION,
        "document": doc,
        "references": rec_refs,
        "named_references": _named_references(body, body_start, preamble_end, ctx),
        "implied_relations": implied,
        "footnotes": [_footnote_record(n, refs_by_note.get(n.n, []), t) for n in notes],
        "tasks": [_task_record(x, body, t) for x in tasks],
        "responsibilities": [{"unit": r.unit, "label": r.label, "start": r.start, "end": r.end,
                              "text": collapse(body[r.start:r.end])[:500]} for r in resps],
        "units": unit_map,
        "outline": [{"kind": h.kind, "label": h.label, "title": h.title[:200], "start": h.start, "end": h.end}
                    for h in heads if h.kind in ("roman", "num", "article", "chapter")],
        "text": t.text,
    }


def _block_symbols(view: str, blocks: list[tuple[int, int]]):
    """Symbols of the footnote view, read only inside its blocks: the rest of the view is blank, and
    a symbol cannot run across a block's end into blanks (it would need letters there)."""
    merged: list[list[int]] = []
    for s, e in sorted(blocks):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    for s, e in merged:
        yield from citations.find_symbols(view, s, e)


def _guess_year(title: str) -> int | None:
    ys = re.findall(r"\b(20\d{2})\b", title or "")
    return int(ys[-1]) if ys else None


_CLAUSE_LINE = re.compile(r"[ \t|]*(?:Căn\s+cứ|Thực\s+hiện|Xét|Theo\s+đề\s+nghị|Kính\s+gửi|Trên\s+cơ\s+sở|V/v)\b")


def _clauses_end(body: str, lo: int, hi: int) -> int:
    """Where the opening clauses of a letter without sections end: at the first paragraph that is
    not a "Căn cứ / Thực hiện / Xét / Kính gửi" clause nor the continuation of one."""
    ended = True
    for m in re.finditer(r"[^\n]*\n?", body[lo:hi]):
        line = m.group(0)
        if not line.strip():
            continue
        start = lo + m.start()
        if _CLAUSE_LINE.match(line):
            ended = False
        elif ended and start > lo:
            return start
        if re.search(r"[;.:]\s*$", line) or line.strip().startswith("-"):
            ended = True
    return hi


def _first_numbered(heads, lo, hi) -> int:
    for h in heads:
        if h.kind == "num" and h.start >= lo:
            return h.start
    return hi


def _references(mentions, body_mentions, note_mentions, body, notes_view, t, ctx):
    by_id: dict[str, dict] = {}
    order = []
    for m in mentions:
        i = citations.ident(m.key)
        view = notes_view if m.region == "footnote" else body
        if i not in by_id:
            by_id[i] = {"key": m.key, "alt_keys": [], "doc_type": m.doc_type, "date": None, "issuer": None,
                        "subject": "", "relations": set(), "mentions": 0, "spans": [], "_typed": False}
            order.append(i)
        r = by_id[i]
        r["mentions"] += 1
        for alt in (getattr(m, "alt", None), m.key):  # every printed spelling is the key or an alt key
            if alt and alt != r["key"] and alt not in r["alt_keys"]:
                r["alt_keys"].append(alt)
        if m.type_from_word and not r["_typed"]:
            r["doc_type"], r["_typed"] = m.doc_type, True
        if m.date and not r["date"]:
            r["date"] = m.date
        if m.issuer_text and not r["issuer"]:
            r["issuer"] = units.canonical(m.issuer_text, ctx.locality)
        if not r["subject"] and m.region not in ("webtitle", "header"):
            r["subject"] = _subject(view, m, getattr(m, "next_start", None), getattr(m, "bounds", None))
        r["relations"] |= m.relations
        r["spans"].append({"start": m.start, "end": m.end, "region": m.region, "footnote": getattr(m, "footnote", None),
                           "relations": sorted(m.relations),
                           "sentence": t.sentence(m.start, m.end, view, bounds=getattr(m, "bounds", None))})
    for i in order:
        r = by_id[i]
        if not r["issuer"]:
            r["issuer"] = issuer_from_codes(r["key"], ctx)
    implied, seen = [], set()
    for group, view in ((body_mentions, body), (note_mentions, notes_view)):
        for m in group:
            if m.governor is None or m.verb not in ("implements", "amends", "replaces", "guides", "repeals"):
                continue
            g = group[m.governor]
            if g.doc_type in NO_IMPLIED_FROM:
                continue
            a, b = citations.ident(g.key), citations.ident(m.key)
            if a == b or a not in by_id or b not in by_id:
                continue
            k = (a, b, m.verb, getattr(m, "reverse", False))
            if k in seen:
                continue
            seen.add(k)
            if getattr(m, "reverse", False):
                a, b = b, a
            implied.append({"from": by_id[a]["key"], "to": by_id[b]["key"], "relation": m.verb,
                            "start": g.start, "end": m.end, "sentence": t.sentence(g.start, m.end, view)})
    order_rel = ["based_on", "implements", "amends", "replaces", "repeals", "cites", "footnote"]
    refs = []
    for i in order:
        r = by_id.pop(i)
        r.pop("_typed")
        r["relations"] = [x for x in order_rel if x in r["relations"]]
        refs.append(r)
    return refs, implied


def issuer_from_codes(key: str, ctx) -> str | None:
    """The issuer a symbol implies: national codes always, local codes in the citing locality."""
    codes = re.split(r"[-/]", key)
    for code in reversed(codes[1:]):
        ic = tables.issuer_codes().get(code.upper())
        if not ic:
            if re.fullmatch(r"QH\d{2}", code):
                return "Quốc hội"
            continue
        if ic.scope == "national":
            return ic.issuer
        if ic.scope in ("local", "party_local") and ctx.locality is not None:
            return units.canonical(ic.issuer, ctx.locality)
        return None
    return None


def _subject(view: str, m, next_start: int | None = None, bounds=None) -> str:
    """What a citation is about: its description, up to the clause end, the next citation or the
    end of its footnote."""
    hi = m.core_end + 400
    if next_start is not None and next_start > m.core_end:
        hi = min(hi, next_start)
    if bounds:
        hi = min(hi, bounds[1])
    seg = view[m.core_end:hi]
    stop = re.search(r";|\.(?=\s)", seg)
    s = collapse(seg[: stop.start() if stop else len(seg)])
    s = re.sub(r"^[,\s]*(?:về việc|về|V/v)\s+", "", s)
    return s[:300]


_NAMED = re.compile(r"(?P<t>Bộ luật|Luật|Pháp lệnh|Hiến pháp)\b(?P<name>[^;:\n]{0,160}?)"
                    r"(?=\s+ngày\s+\d|\s+số\s*\d|\s+(?:đã\s+)?được\s+sửa|\s*[;.](?:\s|$)|\s*$)")
_NAMED_DATE = re.compile(r"\s+ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m1>\d{1,2})\s*năm\s*|/\s*(?P<m2>\d{1,2})\s*/\s*)(?P<y>\d{4})")


def _named_references(body, lo, hi, ctx) -> list[dict]:
    """Laws and codes cited by name (and date) without a number: "Căn cứ Luật Giáo dục ngày 14/6/2019;"."""
    out = []
    for cs, ce, kind in relations.preamble_clauses(body, lo, hi):
        for m in _NAMED.finditer(body, cs, ce):
            seg_start = max(cs, body.rfind(";", cs, m.start()) + 1)
            if not re.fullmatch(r"[\s|]*(?:(?:Căn\s+cứ|Thực\s+hiện|Triển\s+khai)\s*)?", body[seg_start:m.start()]):
                continue  # a law named inside another citation's description is not cited itself
            name = collapse(m.group("t") + m.group("name"))
            after = body[m.end():m.end() + 40]
            if re.match(r"\s+số\s*\d", after) or len(name.split()) < 2 and m.group("t") != "Hiến pháp":
                continue
            if re.match(r"\s*(?:sửa đổi|bổ sung)", m.group("name")):
                name = collapse(m.group("t") + m.group("name"))
            d = _NAMED_DATE.match(body, m.end())
            rel = {"based_on": "based_on", "implements": "implements"}.get(kind, "cites")
            out.append({"doc_type": m.group("t"), "title": name,
                        "date": metadata.iso_date(d.group("y"), d.group("m1") or d.group("m2"), d.group("d")) if d else None,
                        "relations": [rel], "start": m.start(), "end": d.end() if d else m.end()})
    return out


def _footnote_record(n, keys: list[str], t) -> dict:
    refs = list(dict.fromkeys(keys))
    text = collapse(" ".join(t.text[s:e] for s, e in n.parts))
    return {"n": n.n, "anchor": n.anchor, "refs": refs, "start": n.start, "end": n.end,
            "marker": list(n.marker) if n.marker else None, "text": text}


def _task_record(x, body, t) -> dict:
    return {"label": x.label, "title": x.title, "lead": x.lead, "support": x.support, "executor": x.executor,
            "deadline": x.deadline, "deadline_start": x.deadline_start, "deadline_end": x.deadline_end,
            "start": x.start, "end": x.end}


def _units(t, meta, ctx, tasks, resps, mentions) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}

    def add(surface: str, canon: str | None = None) -> None:
        surface = units.clean(surface)
        if not surface:
            return
        c = canon or ctx.canon(surface)
        lst = out.setdefault(c, [])
        if surface not in lst:
            lst.append(surface)

    if meta.issuer:
        for s in meta.issuer_surface:
            add(s, meta.issuer)
    for m in mentions:
        if m.issuer_text:
            add(m.issuer_text)
    for x in tasks:
        for role, names in x.surfaces.items():
            for n in names:
                add(n)
    for r in resps:
        add(r.surface, r.unit)
    body_lo = meta.title_span[0]
    body_hi = meta.closing_start if meta.closing_start else len(t.body)
    for s_, e_, surface in units.find_mentions(t.body, body_lo, body_hi):
        add(surface)
    for n in meta.recipients:
        n = re.sub(r"\s*\(.*$", "", n)
        for u in units.split_units(n):
            if units.is_unit(u) and u[:1].isupper():
                add(u)
    return out
