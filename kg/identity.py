"""Who is who: document keys, source grouping, reference resolution, task ids and folding.

A document is its number/symbol plus, where known, issuer and year, so that two bodies'
"01/2024/QĐ-UBND" never merge; a reference that fits more than one document is reported as
ambiguous, never merged by guess. Everything here is pure (records in, plain values out) so the
same rules serve the SQLite store and any later backend."""
from __future__ import annotations

import functools

from extract.letters import FOLD_TABLE, fold_chars
import hashlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extract import tables
from extract.citations import SYMBOL, ident, parse_symbol, symbol_year, year_of
from extract.units import fold

__all__ = ["fold", "ident", "ffold", "lookup_norm", "issuer_matters", "symbol_year", "parse_task_id",
           "TaskIdError", "group_sources", "resolve_references", "SourceGroup", "RefTarget"]


# --- folding ---------------------------------------------------------------------------------------

# Below this length str.translate is quicker; above it (whole texts: 10-100k characters) one
# table lookup per character in numpy is ~15x quicker than translate's per-character dict lookups.
_LONG = 256
_LUT_SIZE = max(FOLD_TABLE) + 1


def ffold(s: str) -> str:
    """Diacritic- and case-free form with the same length as `s` (NFC), so offsets carry over:
    FTS5's unicode61 keeps đ, and snippets must cut the original text at the same places."""
    if len(s) < _LONG:
        return _ffold_short(s)
    return _ffold_long(s)


@functools.lru_cache(maxsize=8192)
def _ffold_short(s: str) -> str:
    return fold_chars(s)


@functools.cache
def _fold_lut():
    import numpy as np

    lut = np.arange(_LUT_SIZE, dtype=np.uint32)
    for k, v in FOLD_TABLE.items():
        lut[k] = ord(v)
    return lut


def _ffold_long(s: str) -> str:
    """fold_chars(s) by one array lookup; code points past the table are left as they are, as
    translate leaves them (surrogates pass through both ways)."""
    import numpy as np

    cps = np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lut = _fold_lut()
    if cps.size and int(cps.max()) < _LUT_SIZE:
        out = lut[cps]
    else:
        out = np.where(cps < _LUT_SIZE, lut[np.minimum(cps, _LUT_SIZE - 1)], cps)
    return out.tobytes().decode("utf-32-le", "surrogatepass")


def lookup_norm(s: str) -> str:
    """Spelling-free form of a number or name used for alias lookups: "2531 qđ ubnd", "2531/QD-UBND"
    and "2531/QĐ-UBND" are one; a Party symbol in state form ("04/CT-TW") equals its Party form."""
    s = unicodedata.normalize("NFC", s or "")
    s = re.sub(r"[\W_]+", "", ffold(s))
    return re.sub(r"^0+(?=\d)", "", s)


@functools.lru_cache(maxsize=65536)
def key_id(key: str) -> str:
    """What two spellings of one number share: "2531/QD-UBND" = "2531/QĐ-UBND" = "2531_QĐ-UBND"."""
    return lookup_norm(ident(key))


# --- symbols --------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8192)
def _symbol_parts(key: str):
    m = SYMBOL.match(key.replace(" ", ""))
    if not m:
        return None
    return parse_symbol(m)


@functools.lru_cache(maxsize=65536)
def issuer_matters(key: str | None) -> bool:
    """Does the issuer tell two documents with this number apart? Not for national or central Party
    codes (one body nationwide: 87/NQ-CP, 57-NQ/TW); yes for local codes (UBND, HĐND, Sở, Thành ủy)
    and for anything we cannot read."""
    if not key:
        return True
    parts = _symbol_parts(key)
    if not parts:
        return True
    _keys, _tcode, issuers, _year, _party, _alt = parts
    if not issuers:
        return True
    codes = tables.issuer_codes()
    for code in issuers:
        ic = codes.get(code.upper())
        if ic is None or ic.scope not in ("national", "party"):
            return True
    return False


def issuer_compatible(a: str | None, b: str | None) -> bool:
    """Folded issuers agree when unknown on one side, equal, or one names the other more fully
    ("ủy ban nhân dân thành phố" vs "... thành phố hồ chí minh")."""
    if not a or not b:
        return True
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def year_compatible(a: str | None, b: str | None) -> bool:
    return not a or not b or a == b


def type_code(doc_type: str | None) -> str:
    for code, dt in tables.doc_types().items():
        if dt.name == doc_type:
            return lookup_norm(code).upper() or "VB"
    return "VB"


def unnumbered_id(doc_type: str | None, issuer: str | None, title: str | None) -> str:
    """Stable id of a document that states no number: type, issuer and title (folded)."""
    h = hashlib.sha1("|".join(fold(x or "") for x in (doc_type, issuer, title)).encode()).hexdigest()[:10]
    return f"~{type_code(doc_type)}-{h}"


# --- task ids --------------------------------------------------------------------------------------

class TaskIdError(ValueError):
    """A task id that cannot be read at all (not: one that names no task)."""


_LABEL = re.compile(r"(?:[IVXLC]+\.)?\d+[a-zđ]?(?:\.\d+[a-zđ]?)*(?:~\d+)?|R\d+|fn\d+", re.I)


def parse_task_id(s: str) -> tuple[str, str]:
    """"6526/KH-SGDĐT#1" -> ("6526/KH-SGDĐT", "1"); the part before "#" is any alias of the document."""
    if s.count("#") != 1:
        raise TaskIdError(f"mã nhiệm vụ không hợp lệ: {s!r} (dạng VĂN_BẢN#SỐ_MỤC, ví dụ 6526/KH-SGDĐT#1)")
    doc, label = (p.strip() for p in s.split("#"))
    label = label.rstrip(".")
    if not doc or not _LABEL.fullmatch(label):
        raise TaskIdError(f"mã nhiệm vụ không hợp lệ: {s!r} (dạng VĂN_BẢN#SỐ_MỤC, ví dụ 6526/KH-SGDĐT#1)")
    if label[:1] in "rR":
        label = "R" + label[1:]
    elif label[:2].lower() == "fn":
        label = "fn" + label[2:]
    else:
        label = label.upper() if "." in label and label.split(".")[0].isalpha() else label
    return doc, label


def qualify_labels(tasks: list[dict], outline: list[dict]) -> list[str]:
    """Task labels unique within a document: where numbering restarts in another section, the
    repeated labels get their section's numeral ("II.1")."""
    labels = [str(t.get("label") or "?") for t in tasks]
    counts = Counter(labels)
    romans = [o for o in outline or [] if o.get("kind") in ("roman", "chapter", "article")]
    out = []
    seen: Counter = Counter()
    for t, lab in zip(tasks, labels):
        if counts[lab] > 1:
            sec = next((o for o in romans if o["start"] <= t.get("start", -1) < o["end"]), None)
            q = f"{sec['label']}.{lab}" if sec else lab
            seen[q] += 1
            if seen[q] > 1:
                q = f"{q}.{seen[q]}" if sec is None else f"{q}~{seen[q]}"
            out.append(q)
        else:
            out.append(lab)
    return out


# --- grouping sources into documents ---------------------------------------------------------------

@dataclass
class SourceGroup:
    """One document and the source records (best first) that carry it."""
    id: str
    records: list[dict]
    number: str | None
    ident: str | None
    doc_type: str | None
    title: str | None
    issuer: str | None
    issued_date: str | None
    year: str | None
    signer: str | None
    signer_title: str | None
    locality: str | None
    recipients: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[str]:
        return [r["file"] for r in self.records]


def _meta(rec: dict) -> dict:
    d = rec.get("document") or {}
    num = d.get("number") or None
    return {
        "number": num,
        "ident": key_id(num) if num else None,
        "issuer_f": fold(d.get("issuer") or "") or None,
        "year": year_of(d.get("issued_date"), num),
        "doc_type": d.get("doc_type"),
        "title_f": fold(d.get("title") or ""),
    }


def _compatible(a: dict, b: dict) -> bool:
    if a["ident"] and b["ident"] and a["ident"] != b["ident"]:
        return False
    return issuer_compatible(a["issuer_f"], b["issuer_f"]) and year_compatible(a["year"], b["year"])


def source_rank(rec: dict) -> tuple:
    """Which source speaks for a document: the fuller extraction first, a web copy (whose page
    title mixes header lines into sentences) after a clean one, then by file name."""
    webtitle = any(s.get("region") == "webtitle" for r in rec.get("references", []) for s in r.get("spans", []))
    return (-len(rec.get("tasks", [])), -len(rec.get("references", [])), webtitle, rec["file"])


def group_sources(records: list[dict], rank=source_rank) -> list[SourceGroup]:
    """Sources of one document become one group: linked by `same_as`, by the same number, or by
    the same type, issuer and title, never when their numbers, issuers or years conflict. `records`
    need only "file" and "document"; `rank` orders a group's sources (best first)."""
    records = sorted(records, key=lambda r: r["file"])
    metas = [_meta(r) for r in records]
    parent = list(range(len(records)))
    members = {i: [i] for i in range(len(records))}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i, j):
        a, b = find(i), find(j)
        if a == b:
            return
        if all(_compatible(metas[x], metas[y]) for x in members[a] for y in members[b]):
            parent[b] = a
            members[a] += members.pop(b)

    by_file = {r["file"]: i for i, r in enumerate(records)}
    by_ident: dict[str, list[int]] = defaultdict(list)
    by_title: dict[tuple, list[int]] = defaultdict(list)
    for i, (r, m) in enumerate(zip(records, metas)):
        same = (r.get("document") or {}).get("same_as")
        if same in by_file:
            union(i, by_file[same])
        if m["ident"]:
            by_ident[m["ident"]].append(i)
        if len(m["title_f"]) >= 15:
            by_title[(m["doc_type"], m["title_f"])].append(i)
    for idxs in list(by_ident.values()) + list(by_title.values()):
        for j in idxs[1:]:
            union(idxs[0], j)

    groups = []
    for root in sorted(members, key=lambda k: records[k]["file"]):
        recs = sorted((records[i] for i in members[root]), key=rank)
        docs = [r.get("document") or {} for r in recs]

        def first(f, docs=docs):
            return next((d.get(f) for d in docs if d.get(f)), None)

        titles = [d.get("title") for d in docs if d.get("title")]
        title = next((t for t in titles if not t.isupper()), titles[0] if titles else None)
        number = first("number")
        issuer = first("issuer")
        date = first("issued_date")
        doc_type = first("doc_type")
        if number:
            gid = f"{ident(number)}|{fold(issuer or '') if issuer_matters(number) else ''}|{year_of(date, number) or ''}"
        else:
            gid = unnumbered_id(doc_type, issuer, title)
        recips = next((list(d["recipients"]) for d in docs if d.get("recipients")), [])
        groups.append(SourceGroup(
            id=gid, records=recs, number=number, ident=key_id(number) if number else None, doc_type=doc_type,
            title=title, issuer=issuer, issued_date=date, year=year_of(date, number), signer=first("signer"),
            signer_title=first("signer_title"), locality=first("locality"), recipients=recips))
    # two groups that still share an id (same title, conflicting years) get the year, then the file
    seen: dict[str, int] = Counter(g.id for g in groups)
    for g in groups:
        if seen[g.id] > 1:
            g.id = f"{g.id}~{g.year or ''}~{g.records[0]['file']}"
    return groups


# --- resolving references --------------------------------------------------------------------------

@dataclass(slots=True)
class RefTarget:
    """Where one citing document's reference points: an in-corpus document, a cited-only one, or
    nowhere certain (ambiguous, with the candidates)."""
    id: str
    status: str  # resolved | unresolved | ambiguous
    candidates: list[str] = field(default_factory=list)


@dataclass
class _Cluster:
    ident: str
    issuer_f: str | None
    year: str | None
    refs: list = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.ident}|{self.issuer_f or ''}|{self.year or ''}"


def resolve_references(groups: list[SourceGroup], refs: list[tuple[str, dict]]
                       ) -> tuple[dict[tuple[str, str], RefTarget], dict[str, dict]]:
    """Resolve every (citing document id, reference) pair.

    Returns ({(citing id, key_id): target}, {cited-only or ambiguous id: facts}). A reference resolves
    to an in-corpus document when the ident matches and issuer/year do not conflict; otherwise it
    joins the one compatible cited-only document, or starts one; two candidates -> ambiguous."""
    in_corpus: dict[str, list[SourceGroup]] = defaultdict(list)
    for g in groups:
        if g.ident:
            in_corpus[g.ident].append(g)
    out: dict[tuple[str, str], RefTarget] = {}
    pending: dict[str, list] = defaultdict(list)
    for citing, ref in refs:
        key = ref["key"]
        rid = key_id(key)
        matters = issuer_matters(key)
        iss = (fold(ref.get("issuer") or "") or None) if matters else None
        yr = year_of(ref.get("date"), key)
        cands = [g for g in in_corpus.get(rid, []) if g.id != citing and year_compatible(yr, g.year)
                 and (not matters or issuer_compatible(iss, fold(g.issuer or "") or None))]
        if len(cands) == 1:
            out[(citing, rid)] = RefTarget(cands[0].id, "resolved")
        elif len(cands) > 1:
            out[(citing, rid)] = RefTarget(f"{rid}|?", "ambiguous", sorted(g.id for g in cands))
        else:
            pending[rid].append((citing, ref, iss, yr))

    extra: dict[str, dict] = {}
    for rid in sorted(pending):
        items = sorted(pending[rid], key=lambda x: (-(bool(x[2]) + bool(x[3])), x[2] or "", x[3] or "", x[0],
                                                    x[1]["key"]))
        clusters: list[_Cluster] = []
        amb: list = []
        for citing, ref, iss, yr in items:
            fits = [c for c in clusters if issuer_compatible(iss, c.issuer_f) and year_compatible(yr, c.year)]
            if len(fits) == 1:
                c = fits[0]
                if iss and (not c.issuer_f or len(iss) > len(c.issuer_f)):
                    c.issuer_f = iss
                c.year = c.year or yr
                c.refs.append((citing, ref))
            elif not fits:
                clusters.append(_Cluster(ident(ref["key"]), iss, yr, [(citing, ref)]))
            else:
                amb.append((citing, fits))
        ids = Counter(c.id for c in clusters)
        final = {}
        for n, c in enumerate(clusters):
            cid = final[id(c)] = c.id if ids[c.id] == 1 else f"{c.id}#{n}"
            extra[cid] = {"ambiguous": False, "refs": c.refs, "candidates": []}
            for citing, ref in c.refs:
                out[(citing, rid)] = RefTarget(cid, "unresolved")
        for citing, fits in amb:
            out[(citing, rid)] = RefTarget(f"{rid}|?", "ambiguous", sorted(final[id(c)] for c in fits))
    for citing, ref in refs:
        t = out[(citing, key_id(ref["key"]))]
        if t.status == "ambiguous":
            facts = extra.setdefault(t.id, {"ambiguous": True, "refs": [], "candidates": []})
            facts["refs"].append((citing, ref))
            facts["candidates"] = sorted(set(facts["candidates"]) | set(t.candidates))
    return out, extra
