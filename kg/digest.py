"""One source record -> what the graph needs of it, computed once while the record and its text are at hand.

A corpus is never held in memory whole: each record is digested where it is extracted (in a worker
process for large inputs) into
* a summary: the few fields identity needs across the corpus (grouping sources into documents,
  resolving references, finding two sources of one document), kept in memory for every source;
* facts: everything else its rows need, the evidence sentences already cut from the text and
  collapsed, plus the text itself (the search body of its document); spilled to disk and read back
  when the rows of its document are written;
* the packed record the store keeps in `sources`.

What depends on the other sources of a document (its issuer, units and recipients when a document
has several sources) is computed again from the facts when the rows are built (kg/graph.py)."""
from __future__ import annotations

import functools
import json
import re
import zlib

from extract import tables
from extract import units as units_mod
from extract.same import same_key
from extract.units import fold

from .identity import ffold, key_id, qualify_labels, source_rank

REL = {"based_on": "BASED_ON", "implements": "IMPLEMENTS", "cites": "CITES", "amends": "AMENDS",
       "replaces": "REPLACES", "repeals": "REPEALS", "guides": "GUIDES"}
ROLE_REL = {"lead": "LEADS", "support": "SUPPORTS", "executor": "EXECUTES"}
# where the clearest sentence for a relation usually is; a web page title mixes header lines in
REGION_PREF = {"preamble": 0, "purpose": 1, "body": 2, "title": 3, "closing": 4, "header": 5, "footnote": 6,
               "webtitle": 9}
_NOT_A_SUBJECT = re.compile(r"CỘNG HÒA XÃ HỘI|Độc lập - Tự do|\b[A-ZĐ]{4,} [A-ZĐ]{4,} [A-ZĐ]{4,}")
# zlib level of the stored record: level 1 packs ~3x faster than 6 for a few per cent more bytes
PACK_LEVEL = 1


def collapse(s: str | None) -> str:
    """Whitespace runs to one space, ends trimmed (str.split's whitespace is the regex \\s)."""
    return " ".join((s or "").split())


def evidence(s: str | None) -> str | None:
    """An edge's sentence: collapsed, at most 1000 characters, None when empty."""
    return collapse(s)[:1000] or None


def pack(rec: dict) -> bytes:
    return zlib.compress(json.dumps(rec, ensure_ascii=False, sort_keys=True).encode("utf-8"), PACK_LEVEL)


def unpack(blob: bytes) -> dict:
    return json.loads(zlib.decompress(blob).decode("utf-8"))


# --- text-derived evidence -------------------------------------------------------------------------

def line_at(text: str, pos: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi < 0 else hi


def find(folded_text: str, needle: str, last: bool = False) -> int:
    """Position of `needle` in the text, diacritics and case ignored (`folded_text` is ffold(text))."""
    if not needle:
        return -1
    fn = ffold(needle)
    return folded_text.rfind(fn) if last else folded_text.find(fn)


@functools.cache
def _role_regex(role: str) -> re.Pattern:
    alts = [pat for pat, r in tables.task_fields() if r == role]
    return re.compile(r"^(?:[-+•*]|[a-zđ]\)|\d+\))?\s*(?:" + "|".join(alts) + r")\b[^:\n]{0,40}:", re.I)


def role_evidence(text: str, task: dict, role: str) -> tuple[int, int, str]:
    """The task's line that names its units for `role` ("b) Đơn vị chủ trì tham mưu: ...")."""
    lo, hi = task.get("start", 0), task.get("end", 0)
    rx = _role_regex(role)
    pos = lo
    for line in text[lo:hi].split("\n"):
        if rx.match(line.strip()):
            off = pos + (len(line) - len(line.lstrip()))
            return off, pos + len(line.rstrip()), collapse(line)
        pos += len(line) + 1
    return lo, hi, collapse(task.get("title"))


def clip(text: str, lo: int, hi: int, s: int, e: int) -> str:
    """The clause of text[lo:hi] around [s, e): a footnote's sentence must not run into the next
    footnote's body."""
    seg = text[lo:hi]
    a = max(seg.rfind(";", 0, s - lo), seg.rfind(". ", 0, s - lo))
    ends = [i for i in (seg.find(";", e - lo), seg.find(". ", e - lo)) if i >= 0]
    b = min(ends) + 1 if ends else len(seg)
    return collapse(seg[a + 1 if a >= 0 else 0:b])


_ORG_HEAD = re.compile(r"^(?:[IVXLC]+\.\s*TỔ CHỨC THỰC HIỆN\s*)?")


def body_title(text: str) -> str:
    return _ORG_HEAD.sub("", collapse(text), count=1)[:200]


def task_at(ranges: list, pos: int) -> str | None:
    """Innermost task whose span holds `pos` (sub-items such as 2.6.1 sit inside 2.6)."""
    best = None
    for s, e, lab in ranges:
        if s <= pos < e and (best is None or e - s < best[1] - best[0]):
            best = (s, e, lab)
    return best[2] if best else None


def best_span(spans: list[dict], rel: str | None) -> dict | None:
    cands = [s for s in spans if rel is None or rel in (s.get("relations") or [])] or spans
    if not cands:
        return None
    return min(cands, key=lambda s: (REGION_PREF.get(s.get("region"), 8), s.get("start", 0)))


def document_evidence(text: str, issuer: str | None, units: dict, signer: str | None, recipients: list[str],
                      locality: str | None, folded: str | None = None) -> dict:
    """Where a document's text names its issuer, signer and recipients, and which units the
    recipient lines name. `units` is {canonical name: spellings} of all the document's sources."""
    ft = ffold(text) if folded is None else folded
    out = {"issuer": None, "signer": -1, "recipients": []}
    if issuer:
        pos = min((p for p in (find(ft, s) for s in [issuer, *units.get(issuer, ())]) if p >= 0), default=-1)
        if pos >= 0:
            lo, hi = line_at(text, pos)
            out["issuer"] = (lo, hi, evidence(text[lo:hi]))
    if signer:
        out["signer"] = find(ft, signer, last=True)
    alias_of = {}
    for canon, sp in units.items():
        for s in sp:
            alias_of[fold(s)] = canon
    loc = next((x for x in tables.localities() if x.full == locality), None)
    for rcp in recipients:
        # a "Nơi nhận" line may name several units; people ("Các Phó Giám đốc") are not units
        if fold(rcp) in alias_of:
            names = [alias_of[fold(rcp)]]
        else:
            names = [alias_of.get(fold(p)) or units_mod.canonical(p, loc, issuer)
                     for p in units_mod.split_units(units_mod.clean(rcp))
                     if fold(p) in alias_of or units_mod.is_unit(p)]
        out["recipients"].append((rcp, names, find(ft, rcp, last=True)))
    return out


# --- the digest ------------------------------------------------------------------------------------

DOC_FIELDS = ("number", "issuer", "issued_date", "doc_type", "title", "signer", "signer_title", "locality",
              "recipients", "same_as")


class Ref:
    """What identity needs of one reference: its key and the facts that place the cited document."""
    __slots__ = ("kid", "key", "issuer", "date", "doc_type", "subject", "alt_keys")

    def __init__(self, kid, key, issuer, date, doc_type, subject, alt_keys):
        self.kid, self.key, self.issuer, self.date = kid, key, issuer, date
        self.doc_type, self.subject, self.alt_keys = doc_type, subject, alt_keys

    def __getitem__(self, name):
        return getattr(self, name)

    def get(self, name, default=None):
        v = getattr(self, name)
        return default if v is None else v

    def to_tuple(self) -> tuple:
        return (self.kid, self.key, self.issuer, self.date, self.doc_type, self.subject, self.alt_keys)


def summary(rec: dict) -> dict:
    """The in-memory part: identity's view of one source (plain values only, so it pickles and marshals)."""
    d = rec.get("document") or {}
    refs = []
    for ref in rec.get("references", []):
        subj = collapse(ref.get("subject"))
        subj = subj[:300] if subj and not _NOT_A_SUBJECT.search(subj) else None
        refs.append((key_id(ref["key"]), ref["key"], ref.get("issuer"), ref.get("date"), ref.get("doc_type"), subj,
                     tuple(ref.get("alt_keys") or ())))
    doc = {f: d.get(f) for f in DOC_FIELDS if f in d}
    if "recipients" in doc and doc["recipients"] is not None:
        doc["recipients"] = list(doc["recipients"])
    return {"file": rec["file"], "sha256": rec.get("sha256"), "version": rec.get("schema_version"), "document": doc,
            "rank": source_rank(rec), "refs": refs,
            "link": same_key(d)}


def facts(rec: dict) -> dict:
    """The spilled part: every row-level fact of one source, text-derived evidence already cut."""
    text = rec.get("text") or ""
    file = rec["file"]
    tasks, ranges = [], []
    for lab, t in zip(qualify_labels(rec.get("tasks", []), rec.get("outline", [])), rec.get("tasks", [])):
        ranges.append((t.get("start", 0), t.get("end", 0), lab))
        roles = []
        for role, rel in ROLE_REL.items():
            names = t.get(role) or []
            if names:
                lo, hi, sent = role_evidence(text, t, role)
                roles.append((rel, list(names), lo, hi, evidence(sent)))
        title = collapse(t.get("title"))
        tasks.append((lab, t.get("start"), t.get("end"), title, t.get("deadline"), t.get("deadline_start"),
                      t.get("deadline_end"), evidence(title), roles,
                      collapse(text[t.get("start", 0):t.get("end", 0)])))
    resps = []
    for r in rec.get("responsibilities", []):
        title = body_title(text[r.get("start", 0):r.get("end", 0)]) or collapse(r.get("text"))
        resps.append((r.get("label"), r.get("unit"), fold(r.get("unit") or ""), r.get("start"), r.get("end"),
                      title[:200], evidence(title)))
    notes = [(f["n"], f.get("anchor"), collapse(f.get("text")), f.get("start"), f.get("end"), evidence(f.get("text")),
              f"Chú thích {f['n']} ({collapse(f.get('anchor'))})") for f in rec.get("footnotes", [])]
    rec_notes = {f["n"]: f for f in rec.get("footnotes", [])}
    refs = []
    for ref in rec.get("references", []):
        spans = ref.get("spans") or []
        out_spans = []
        for s in spans:
            sent = s.get("sentence")
            fn_rec = rec_notes.get(s.get("footnote")) if s.get("region") == "footnote" else None
            if fn_rec and text and fn_rec.get("start", 0) <= s["start"] < fn_rec.get("end", 0):
                sent = clip(text, fn_rec["start"], fn_rec["end"], s["start"], s["end"])
            lab = task_at(ranges, s["start"]) if s.get("region") != "footnote" else None
            out_spans.append((s.get("start"), s.get("end"), s.get("region"), s.get("footnote"), lab,
                              ",".join(sorted(s.get("relations") or [])), collapse(sent)))
        rels = []
        body_spans = [s for s in spans if s.get("region") != "footnote"]
        for rel in sorted(set(ref.get("relations") or [])):
            if rel not in REL:
                continue
            sp = best_span(body_spans, rel)
            rels.append((REL[rel], sp["start"], sp["end"], evidence(sp.get("sentence"))) if sp
                        else (REL[rel], None, None, None))
        refs.append((key_id(ref["key"]), ref["key"], json.dumps(sorted(ref.get("relations") or [])),
                     ref.get("mentions") or len(spans), out_spans, rels))
    implied = [(key_id(ir["from"]), key_id(ir["to"]), ir["relation"], ir.get("start"), ir.get("end"),
                evidence(ir.get("sentence"))) for ir in rec.get("implied_relations", [])]
    units = {canon: list(sp) for canon, sp in (rec.get("units") or {}).items()}
    d = rec.get("document") or {}
    # the document's evidence as if this source were its only one (the usual case)
    alone = document_evidence(text, d.get("issuer") or None, units, d.get("signer") or None,
                              list(d.get("recipients") or []), d.get("locality") or None)
    return {"file": file, "text": text, "units": units, "tasks": tasks, "ranges": ranges, "resps": resps,
            "notes": notes, "refs": refs, "implied": implied, "alone": alone}


def digest(rec: dict) -> tuple[dict, dict, bytes | None]:
    """(summary, facts, packed record) of one extracted record. A record holding text that UTF-8
    cannot encode (lone surrogates) is not packed: its summary says where, and the store refuses it."""
    s, f = summary(rec), facts(rec)
    try:
        packed = pack(rec)
    except UnicodeEncodeError as e:
        s["unencodable"] = e.object[max(0, e.start - 20):e.end]
        packed = None
    return s, f, packed
