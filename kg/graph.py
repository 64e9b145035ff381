"""Records -> graph rows (nodes and edges with evidence), and the networkx view of a store.

`build(records)` is pure: the store persists what it returns, and any other backend could load the
same rows. Node ids carry their kind ("doc:", "task:", "resp:", "fn:", "unit:", "person:") so one
edge table serves every relation; display keys (what users see and type) live beside them."""
from __future__ import annotations

import json
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from extract import tables
from extract import units as units_mod
from extract.units import fold

from .identity import (SourceGroup, group_sources, ident, key_id, lookup_norm, qualify_labels,
                       resolve_references, year_of, ffold)

REL = {"based_on": "BASED_ON", "implements": "IMPLEMENTS", "cites": "CITES", "amends": "AMENDS",
       "replaces": "REPLACES", "repeals": "REPEALS", "guides": "GUIDES"}
ROLE_REL = {"lead": "LEADS", "support": "SUPPORTS", "executor": "EXECUTES"}
# where the clearest sentence for a relation usually is; a web page title mixes header lines in
REGION_PREF = {"preamble": 0, "purpose": 1, "body": 2, "title": 3, "closing": 4, "header": 5, "footnote": 6,
               "webtitle": 9}
EDGE_KINDS = ("BASED_ON", "IMPLEMENTS", "CITES", "CITES_IN_FOOTNOTE", "AMENDS", "REPLACES", "REPEALS",
              "GUIDES", "HAS_TASK", "LEADS", "SUPPORTS", "EXECUTES", "HAS_RESPONSIBILITY", "RESPONSIBLE_FOR",
              "ISSUED_BY", "SIGNED_BY", "HAS_FOOTNOTE", "SENT_TO", "PART_OF")


def collapse(s: str | None) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


@dataclass
class GraphRows:
    sources: list[dict] = field(default_factory=list)
    documents: list[dict] = field(default_factory=list)
    aliases: set = field(default_factory=set)
    tasks: list[dict] = field(default_factory=list)
    responsibilities: list[dict] = field(default_factory=list)
    footnotes: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    unit_aliases: list[dict] = field(default_factory=list)
    persons: list[dict] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)
    refs: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    search: list[dict] = field(default_factory=list)


@dataclass
class _Merged:
    """One document's items from all its sources, the best source's version of each item winning."""
    group: SourceGroup
    tasks: dict = field(default_factory=dict)      # label -> (task, rec)
    resps: list = field(default_factory=list)      # (resp, rec)
    notes: dict = field(default_factory=dict)      # n -> (footnote, rec)
    refs: dict = field(default_factory=dict)       # ident -> (ref, rec)
    implied: dict = field(default_factory=dict)    # (from, to, rel) -> (ir, rec)
    units: dict = field(default_factory=lambda: defaultdict(set))
    task_ranges: dict = field(default_factory=lambda: defaultdict(list))  # file -> [(start, end, label)]


def _merge(g: SourceGroup) -> _Merged:
    m = _Merged(g)
    seen_resp = set()
    for rec in g.records:
        labels = qualify_labels(rec.get("tasks", []), rec.get("outline", []))
        for lab, t in zip(labels, rec.get("tasks", [])):
            m.tasks.setdefault(lab, (t, rec))
            m.task_ranges[rec["file"]].append((t.get("start", 0), t.get("end", 0), lab))
        for r in rec.get("responsibilities", []):
            k = (r.get("label"), fold(r.get("unit") or ""))
            if k not in seen_resp:
                seen_resp.add(k)
                m.resps.append((r, rec))
        for f in rec.get("footnotes", []):
            m.notes.setdefault(f["n"], (f, rec))
        for ref in rec.get("references", []):
            m.refs.setdefault(key_id(ref["key"]), (ref, rec))
        for ir in rec.get("implied_relations", []):
            m.implied.setdefault((key_id(ir["from"]), key_id(ir["to"]), ir["relation"]), (ir, rec))
        for canon, spellings in (rec.get("units") or {}).items():
            m.units[canon].update(spellings)
    return m


def _task_at(ranges: list, pos: int) -> str | None:
    """Innermost task whose span holds `pos` (sub-items such as 2.6.1 sit inside 2.6)."""
    best = None
    for s, e, lab in ranges:
        if s <= pos < e and (best is None or e - s < best[1] - best[0]):
            best = (s, e, lab)
    return best[2] if best else None


def _best_span(spans: list[dict], rel: str | None) -> dict | None:
    cands = [s for s in spans if rel is None or rel in (s.get("relations") or [])] or spans
    if not cands:
        return None
    return min(cands, key=lambda s: (REGION_PREF.get(s.get("region"), 8), s.get("start", 0)))


def _line_at(text: str, pos: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    return lo, len(text) if hi < 0 else hi


def _find(text: str, needle: str, last: bool = False) -> int:
    if not needle:
        return -1
    ft, fn = ffold(text), ffold(needle)
    return ft.rfind(fn) if last else ft.find(fn)


def _role_regex(role: str) -> re.Pattern:
    alts = [pat for pat, r in tables.task_fields() if r == role]
    return re.compile(r"^(?:[-+•*]|[a-zđ]\)|\d+\))?\s*(?:" + "|".join(alts) + r")\b[^:\n]{0,40}:", re.I)


def _role_evidence(text: str, task: dict, role: str) -> tuple[int, int, str]:
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


def _clip(text: str, lo: int, hi: int, s: int, e: int) -> str:
    """The clause of text[lo:hi] around [s, e): a footnote's sentence must not run into the next
    footnote's body."""
    seg = text[lo:hi]
    a = max(seg.rfind(";", 0, s - lo), seg.rfind(". ", 0, s - lo))
    ends = [i for i in (seg.find(";", e - lo), seg.find(". ", e - lo)) if i >= 0]
    b = min(ends) + 1 if ends else len(seg)
    return collapse(seg[a + 1 if a >= 0 else 0:b])


def _body_title(text: str) -> str:
    body = collapse(text)
    body = re.sub(r"^(?:[IVXLC]+\.\s*TỔ CHỨC THỰC HIỆN\s*)?", "", body)
    return body[:200]


@functools.cache
def _entry_by_fold() -> dict[str, object]:
    return {fold(e.canonical.replace("{loc}", "").strip()): e for e in tables.unit_entries() if e.parent}


@functools.lru_cache(maxsize=65536)
def _parent_of(name: str, issuer: str | None) -> str | None:
    """A unit's parent body: the data table's, made concrete by the issuing body when that is the
    same body; an issuing Sở's own divisions ("Phòng ...", "Văn phòng Sở ...") belong to it."""
    f = fold(name)
    fi = fold(issuer or "")
    e = _entry_by_fold().get(f)
    if e is not None:
        return issuer if fi.startswith(fold(e.parent)) else e.parent
    m = re.match(r"(?i)văn phòng\s+(.+)$", name)
    if m:
        rest = m.group(1)
        if fi and fi.startswith(fold(rest)):
            return issuer
        return rest if re.match(r"(?:Sở|Ủy ban|Bộ|Tổng cục|Cục|Ban|Hội đồng|Thành ủy|Tỉnh ủy)\b", rest) else None
    if fi.startswith("so ") and not re.search(r"\b(?:quan|huyen|thi xa|thanh pho|tinh|xa|phuong)\b", f):
        if re.match(r"(?:phong|cac phong|ban giam doc|bo phan)\b", f) or "thuoc so" in f:
            return issuer
    return None


def _pick(counter: Counter, prefer_long: bool = False):
    if not counter:
        return None
    return sorted(counter.items(), key=lambda kv: (-kv[1], -len(kv[0]) if prefer_long else 0, kv[0]))[0][0]


def build(records: list[dict]) -> GraphRows:
    """All rows of the graph for these source records (the whole corpus: identity is global)."""
    rows = GraphRows()
    groups = group_sources(records)
    merged = {g.id: _merge(g) for g in groups}
    ref_list = [(gid, ref) for gid in sorted(merged) for ref, _rec in merged[gid].refs.values()]
    targets, extra = resolve_references(groups, ref_list)

    units: dict[str, dict] = {}

    def unit(name: str, spellings=(), issuer: str | None = None) -> str | None:
        name = collapse(name)
        if not name:
            return None
        uid = "unit:" + fold(name)
        u = units.setdefault(uid, {"names": Counter(), "aliases": set(), "parents": Counter()})
        u["names"][name] += 1
        u["aliases"].update(collapse(s) for s in spellings if s)
        u["aliases"].add(name)
        p = _parent_of(name, issuer)
        if p and fold(p) != fold(name):
            u["parents"][p] += 1
        return uid

    def edge(src, dst, rel, file=None, start=None, end=None, sentence=None, implied=0, via=None):
        if src and dst:
            rows.edges.append({"src": src, "dst": dst, "rel": rel, "implied": implied, "via": via, "file": file,
                               "start": start, "end": end, "sentence": collapse(sentence)[:1000] or None})

    # --- documents: in the corpus, cited only, ambiguous ------------------------------------------
    docs: dict[str, dict] = {}
    spellings: dict[str, Counter] = defaultdict(Counter)
    for g in groups:
        did = "doc:" + g.id
        docs[did] = {"id": did, "number": g.number, "ident": g.ident, "doc_type": g.doc_type, "title": g.title,
                     "issuer": g.issuer, "issued_date": g.issued_date, "year": g.year, "in_corpus": 1,
                     "ambiguous": 0, "signer": g.signer, "signer_title": g.signer_title, "locality": g.locality,
                     "candidates": None, "files": g.files}
        if g.number:
            spellings[did][g.number] += 100
        for rank, rec in enumerate(g.records):
            rows.sources.append({"file": rec["file"], "doc_id": did, "rank": rank})
    also_known: dict[str, set] = defaultdict(set)  # every spelling a citation used, alt keys included
    for gid, ref in ref_list:
        t = targets[(gid, key_id(ref["key"]))]
        also_known["doc:" + t.id].update([ref["key"], *(ref.get("alt_keys") or [])])
    for tid, facts in extra.items():
        did = "doc:" + tid
        keys, types, issuers, dates, subjects = Counter(), Counter(), Counter(), Counter(), Counter()
        for _citing, ref in facts["refs"]:
            keys[ref["key"]] += 1
            types[ref.get("doc_type")] += 1 if ref.get("doc_type") else 0
            if ref.get("issuer"):
                issuers[ref["issuer"]] += 1
            if ref.get("date"):
                dates[ref["date"]] += 1
            subj = collapse(ref.get("subject"))
            if subj and not re.search(r"CỘNG HÒA XÃ HỘI|Độc lập - Tự do|\b[A-ZĐ]{4,} [A-ZĐ]{4,} [A-ZĐ]{4,}", subj):
                subjects[subj[:300]] += 1
        number = _pick(keys)
        date = _pick(dates)
        spellings[did].update(keys)
        docs[did] = {"id": did, "number": number, "ident": ident(number), "doc_type": _pick(+types),
                     "title": _pick(subjects, prefer_long=True), "issuer": _pick(issuers, prefer_long=True),
                     "issued_date": date, "year": year_of(date, number), "in_corpus": 0,
                     "ambiguous": 1 if facts["ambiguous"] else 0, "signer": None, "signer_title": None,
                     "locality": None, "candidates": ["doc:" + c for c in facts["candidates"]] or None, "files": []}

    # display keys: the number as written; the issuer (then year) added only where two share it
    for did, d in docs.items():
        if d["number"]:
            d["base"] = _pick(spellings[did])
        else:
            d["base"] = d["files"][0] if d["files"] else did[4:]
    clash: dict[str, list[str]] = defaultdict(list)
    for did, d in docs.items():
        if not d["ambiguous"]:
            clash[lookup_norm(d["base"])].append(did)
    for did, d in docs.items():
        d["key"] = d["base"]
        if d["ambiguous"]:
            d["key"] = f"{d['base']} [?]"
        elif len(clash[lookup_norm(d["base"])]) > 1:
            d["key"] = f"{d['base']} [{d['issuer'] or '?'}]"
    seen = Counter(d["key"] for d in docs.values())
    for did, d in sorted(docs.items()):
        if seen[d["key"]] > 1 and d["year"]:
            d["key"] = f"{d['key']} ({d['year']})"
    seen = Counter(d["key"] for d in docs.values())
    dup_n: Counter = Counter()
    for did, d in sorted(docs.items()):
        if seen[d["key"]] > 1:
            dup_n[d["key"]] += 1
            d["key"] = f"{d['key']} #{dup_n[d['key']]}"
    for did, d in docs.items():
        names = {d["base"], d["key"], did[4:], *spellings[did], *also_known.get(did, ())}
        for f in d["files"]:
            names.update({f, f.rsplit(".", 1)[0]})
        for n in names:
            if lookup_norm(n):
                rows.aliases.add((lookup_norm(n), did))
    for did, d in docs.items():
        if d["issuer"]:
            unit(d["issuer"])

    # --- per in-corpus document: items, references, edges -----------------------------------------
    for gid in sorted(merged):
        m = merged[gid]
        g = m.group
        did = "doc:" + gid
        dkey = docs[did]["key"]
        prim = g.records[0]
        text = prim.get("text") or ""
        alias_of = {}
        for canon, sp in m.units.items():
            for s in sp:
                alias_of[fold(s)] = canon
        for canon, sp in sorted(m.units.items()):
            unit(canon, sp, g.issuer)

        # issuer, signer, recipients
        if g.issuer:
            uid = unit(g.issuer, (), None)
            pos = min((p for p in (_find(text, s) for s in [g.issuer, *m.units.get(g.issuer, ())]) if p >= 0),
                      default=-1)
            if pos >= 0:
                lo, hi = _line_at(text, pos)
                edge(did, uid, "ISSUED_BY", prim["file"], lo, hi, text[lo:hi])
            else:
                edge(did, uid, "ISSUED_BY", prim["file"], None, None, g.issuer)
        if g.signer:
            pid = "person:" + fold(g.signer) + "|" + fold(g.issuer or "")
            rows.persons.append({"id": pid, "name": g.signer, "title": g.signer_title, "body": g.issuer})
            pos = _find(text, g.signer, last=True)
            sent = f"{g.signer_title or ''} {g.signer}".strip()
            edge(did, pid, "SIGNED_BY", prim["file"], pos if pos >= 0 else None,
                 pos + len(g.signer) if pos >= 0 else None, sent)
        loc = next((x for x in tables.localities() if x.full == g.locality), None)
        for rcp in g.recipients:
            # a "Nơi nhận" line may name several units; people ("Các Phó Giám đốc") are not units
            if fold(rcp) in alias_of:
                names = [alias_of[fold(rcp)]]
            else:
                names = [alias_of.get(fold(p)) or units_mod.canonical(p, loc, g.issuer)
                         for p in units_mod.split_units(units_mod.clean(rcp))
                         if fold(p) in alias_of or units_mod.is_unit(p)]
            pos = _find(text, rcp, last=True)
            for canon in names:
                uid = unit(canon, [rcp] if len(names) == 1 else [], g.issuer)
                edge(did, uid, "SENT_TO", prim["file"], pos if pos >= 0 else None,
                     pos + len(rcp) if pos >= 0 else None, rcp)

        # tasks and the units that carry them
        for ord_, (lab, (t, rec)) in enumerate(m.tasks.items()):
            tid = f"task:{gid}#{lab}"
            rtext = rec.get("text") or ""
            body = rtext[t.get("start", 0):t.get("end", 0)]
            rows.tasks.append({"id": tid, "doc_id": did, "key": f"{dkey}#{lab}", "label": lab,
                               "title": collapse(t.get("title")), "deadline": t.get("deadline"),
                               "deadline_start": t.get("deadline_start"), "deadline_end": t.get("deadline_end"),
                               "file": rec["file"], "start": t.get("start"), "end": t.get("end"), "ord": ord_})
            edge(did, tid, "HAS_TASK", rec["file"], t.get("start"), t.get("end"), t.get("title"))
            for role, rel in ROLE_REL.items():
                for name in t.get(role) or []:
                    uid = unit(name, (), g.issuer)
                    lo, hi, sent = _role_evidence(rtext, t, role)
                    edge(uid, tid, rel, rec["file"], lo, hi, sent)
            rows.search.append({"kind": "task", "node": tid, "key": f"{dkey}#{lab}",
                                "title": f"{lab}. {collapse(t.get('title'))}", "body": collapse(body), "boost": 0.5})
        for n, (r, rec) in enumerate(m.resps, 1):
            rid = f"resp:{gid}#R{n}"
            rtext = rec.get("text") or ""
            body = rtext[r.get("start", 0):r.get("end", 0)]
            title = _body_title(body) or collapse(r.get("text"))
            uid = unit(r["unit"], (), g.issuer) if r.get("unit") else None
            rows.responsibilities.append({"id": rid, "doc_id": did, "key": f"{dkey}#R{n}", "label": r.get("label"),
                                          "unit_id": uid, "title": title[:200], "file": rec["file"],
                                          "start": r.get("start"), "end": r.get("end"), "ord": n})
            edge(did, rid, "HAS_RESPONSIBILITY", rec["file"], r.get("start"), r.get("end"), title)
            edge(uid, rid, "RESPONSIBLE_FOR", rec["file"], r.get("start"), r.get("end"), title)
        for n in sorted(m.notes):
            f, rec = m.notes[n]
            fid = f"fn:{gid}#fn{n}"
            rows.footnotes.append({"id": fid, "doc_id": did, "key": f"{dkey}#fn{n}", "n": n,
                                   "anchor": f.get("anchor"), "text": collapse(f.get("text")),
                                   "file": rec["file"], "start": f.get("start"), "end": f.get("end")})
            edge(did, fid, "HAS_FOOTNOTE", rec["file"], f.get("start"), f.get("end"), f.get("text"))
            rows.search.append({"kind": "footnote", "node": fid, "key": f"{dkey}#fn{n}",
                                "title": f"Chú thích {n} ({collapse(f.get('anchor'))})", "body": collapse(f.get("text")),
                                "boost": 0.25})

        # references: one target per reference, every span a mention, relations as edges
        for rid_, (ref, rec) in m.refs.items():
            tgt = targets[(gid, rid_)]
            tdid = "doc:" + tgt.id
            spans = ref.get("spans") or []
            rows.refs.append({"citing": did, "target": tdid, "key": ref["key"], "status": tgt.status,
                              "relations": json.dumps(sorted(ref.get("relations") or [])),
                              "mentions": ref.get("mentions") or len(spans)})
            ranges = m.task_ranges.get(rec["file"], [])
            rec_notes = {f["n"]: f for f in rec.get("footnotes", [])}
            rtext = rec.get("text") or ""
            task_cited, note_cited = set(), set()
            for s in spans:
                fn_rec = rec_notes.get(s.get("footnote")) if s.get("region") == "footnote" else None
                if fn_rec and rtext and fn_rec.get("start", 0) <= s["start"] < fn_rec.get("end", 0):
                    s = {**s, "sentence": _clip(rtext, fn_rec["start"], fn_rec["end"], s["start"], s["end"])}
                lab = _task_at(ranges, s["start"]) if s.get("region") != "footnote" else None
                task_id = f"task:{gid}#{lab}" if lab and lab in m.tasks else None
                rows.mentions.append({"citing": did, "target": tdid, "key": ref["key"], "file": rec["file"],
                                      "start": s.get("start"), "end": s.get("end"), "region": s.get("region"),
                                      "footnote": s.get("footnote"), "task_id": task_id,
                                      "relations": ",".join(sorted(s.get("relations") or [])),
                                      "sentence": collapse(s.get("sentence"))})
                if s.get("region") == "footnote" and s.get("footnote") is not None:
                    fid = f"fn:{gid}#fn{s['footnote']}"
                    if (fid not in note_cited) and s["footnote"] in m.notes:
                        note_cited.add(fid)
                        edge(fid, tdid, "CITES_IN_FOOTNOTE", rec["file"], s["start"], s["end"], s.get("sentence"))
                elif task_id and task_id not in task_cited:
                    task_cited.add(task_id)
                    edge(task_id, tdid, "CITES", rec["file"], s["start"], s["end"], s.get("sentence"))
            for rel in sorted(set(ref.get("relations") or [])):
                if rel not in REL:
                    continue
                body_spans = [s for s in spans if s.get("region") != "footnote"]
                sp = _best_span(body_spans, rel)
                if sp:
                    edge(did, tdid, REL[rel], rec["file"], sp["start"], sp["end"], sp.get("sentence"))
                else:
                    edge(did, tdid, REL[rel], rec["file"])
        for (a, b, rel), (ir, rec) in m.implied.items():
            ta, tb = targets.get((gid, a)), targets.get((gid, b))
            if ta is None or tb is None or ta.id == tb.id:
                continue
            edge("doc:" + ta.id, "doc:" + tb.id, REL.get(rel, rel.upper()), rec["file"], ir.get("start"),
                 ir.get("end"), ir.get("sentence"), implied=1, via=did)

        d = docs[did]
        rows.search.append({"kind": "document", "node": did, "key": dkey,
                            "title": " ".join(x for x in (dkey, d["doc_type"], d["title"]) if x),
                            "body": text, "boost": 1.0})

    first_mention = {}
    for mm in rows.mentions:
        first_mention.setdefault(mm["target"], mm)
    # cited-only documents: their issuer, and a search entry of what the citations say about them
    for did, d in sorted(docs.items()):
        if d["in_corpus"]:
            continue
        if d["issuer"] and not d["ambiguous"]:
            m0 = first_mention.get(did)
            edge(did, unit(d["issuer"]), "ISSUED_BY", m0 and m0["file"], m0 and m0["start"], m0 and m0["end"],
                 m0 and m0["sentence"])
        rows.search.append({"kind": "document", "node": did, "key": d["key"],
                            "title": " ".join(x for x in (d["key"], d["doc_type"], d["title"]) if x),
                            "body": d["issuer"] or "", "boost": 0.0})

    # units: one node per canonical name, every spelling kept, parent by majority
    for uid, u in sorted(units.items()):
        name = _pick(u["names"])
        parent = _pick(u["parents"])
        pid = None
        if parent:
            pid = "unit:" + fold(parent)
            if pid not in units:
                pid = None
        rows.units.append({"id": uid, "name": name, "parent_id": pid})
        if pid:
            edge(uid, pid, "PART_OF")
        for a in sorted(u["aliases"] | set(u["names"])):
            rows.unit_aliases.append({"unit_id": uid, "alias": a, "folded": fold(a)})
    for d in docs.values():
        d["candidates"] = json.dumps(d["candidates"], ensure_ascii=False) if d["candidates"] else None
        d.pop("base", None)
        d.pop("files", None)
    rows.documents = sorted(docs.values(), key=lambda d: d["id"])
    persons = {p["id"]: p for p in rows.persons}
    rows.persons = [persons[k] for k in sorted(persons)]
    return rows


# --- networkx view ---------------------------------------------------------------------------------

def to_networkx(backend):
    """The whole graph as a networkx MultiDiGraph, for whole-graph algorithms (components,
    centrality); single questions go to the backend's indexed lookups instead."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for n in backend.all_nodes():
        g.add_node(n["id"], **{k: v for k, v in n.items() if k != "id" and v is not None})
    for e in backend.all_edges():
        g.add_edge(e["src"], e["dst"], key=e["rel"], **{k: v for k, v in e.items()
                                                         if k not in ("src", "dst") and v is not None})
    return g
