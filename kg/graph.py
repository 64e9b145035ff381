"""Source digests -> graph rows (nodes and edges with evidence), and the networkx view of a store.

Node ids carry their kind ("doc:", "task:", "resp:", "fn:", "unit:", "person:") so one edge table
serves every relation; display keys (what users see and type) live beside them.

Identity is global (a new source can resolve, merge or disambiguate documents that other sources
cite), so the rows are built in two steps. The global step works on the small summaries of every
source (kg/digest.py): grouping sources into documents, resolving references, display keys,
documents and aliases. The per-document step then reads each document's spilled facts, in the
order of document ids, and emits its rows; only units and persons are gathered over the whole run.
`Plan(summaries).rows(...)` sends the rows to a sink (the store batches them into SQLite) and yields
the search items as it goes; `build(records)` is the same rules on records held in memory,
returning every row."""
from __future__ import annotations

import functools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol

from extract import tables
from extract.units import fold

from .digest import REL, Ref, digest, document_evidence, evidence
from .identity import SourceGroup, group_sources, ident, lookup_norm, resolve_references, year_of

EDGE_KINDS = ("BASED_ON", "IMPLEMENTS", "CITES", "CITES_IN_FOOTNOTE", "AMENDS", "REPLACES", "REPEALS",
              "GUIDES", "HAS_TASK", "LEADS", "SUPPORTS", "EXECUTES", "HAS_RESPONSIBILITY", "RESPONSIBLE_FOR",
              "ISSUED_BY", "SIGNED_BY", "HAS_FOOTNOTE", "SENT_TO", "PART_OF")

# the rows of each table, in column order
COLUMNS = {
    "documents": ("id", "key", "number", "ident", "doc_type", "title", "issuer", "issued_date", "year", "in_corpus",
                  "ambiguous", "signer", "signer_title", "locality", "candidates"),
    "tasks": ("id", "doc_id", "key", "label", "title", "deadline", "deadline_start", "deadline_end", "file", "start",
              "end", "ord"),
    "responsibilities": ("id", "doc_id", "key", "label", "unit_id", "title", "file", "start", "end", "ord"),
    "footnotes": ("id", "doc_id", "key", "n", "anchor", "text", "file", "start", "end"),
    "units": ("id", "name", "parent_id"),
    "unit_aliases": ("unit_id", "alias", "folded"),
    "persons": ("id", "name", "title", "body"),
    "edges": ("src", "dst", "rel", "implied", "via", "file", "start", "end", "sentence"),
    "refs": ("citing", "target", "key", "status", "relations", "mentions"),
    "mentions": ("citing", "target", "key", "file", "start", "end", "region", "footnote", "task_id", "relations",
                 "sentence"),
    "aliases": ("alias", "doc_id"),
}


class Sink(Protocol):
    """Where rows go: a table's row, in COLUMNS order."""

    def row(self, table: str, values: tuple) -> None: ...


def _pick(counter: Counter, prefer_long: bool = False):
    if not counter:
        return None
    return sorted(counter.items(), key=lambda kv: (-kv[1], -len(kv[0]) if prefer_long else 0, kv[0]))[0][0]


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


class _Units:
    """Every unit named anywhere: spellings and parents counted over the whole run."""

    def __init__(self):
        self.all: dict[str, dict] = {}

    def add(self, name: str, spellings=(), issuer: str | None = None) -> str | None:
        name = " ".join((name or "").split())
        if not name:
            return None
        uid = "unit:" + fold(name)
        u = self.all.get(uid)
        if u is None:
            u = self.all[uid] = {"names": Counter(), "aliases": set(), "parents": Counter()}
        u["names"][name] += 1
        u["aliases"].update(" ".join(s.split()) for s in spellings if s)
        u["aliases"].add(name)
        p = _parent_of(name, issuer)
        if p and fold(p) != fold(name):
            u["parents"][p] += 1
        return uid


def _edge(sink: Sink, src, dst, rel, file=None, start=None, end=None, sentence=None, implied=0, via=None) -> None:
    """`sentence` is already an edge's evidence (digest.evidence)."""
    if src and dst:
        sink.row("edges", (src, dst, rel, implied, via, file, start, end, sentence))


# --- the global step -------------------------------------------------------------------------------

def _documents(groups: list[SourceGroup], merged_refs: dict, targets: dict, extra: dict) -> dict[str, dict]:
    """Every document (in the corpus, cited only, ambiguous) with its display key and aliases:
    the number as written; the issuer (then year) added only where two share it."""
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
    also_known: dict[str, set] = defaultdict(set)  # every spelling a citation used, alt keys included
    for gid in sorted(merged_refs):
        for ref in merged_refs[gid].values():
            t = targets[(gid, ref.kid)]
            also_known["doc:" + t.id].update([ref.key, *(ref.alt_keys or [])])
    for tid, facts in extra.items():
        did = "doc:" + tid
        keys, types, issuers, dates, subjects = Counter(), Counter(), Counter(), Counter(), Counter()
        for _citing, ref in facts["refs"]:
            keys[ref.key] += 1
            types[ref.doc_type] += 1 if ref.doc_type else 0
            if ref.issuer:
                issuers[ref.issuer] += 1
            if ref.date:
                dates[ref.date] += 1
            if ref.subject:
                subjects[ref.subject] += 1
        number = _pick(keys)
        date = _pick(dates)
        spellings[did].update(keys)
        docs[did] = {"id": did, "number": number, "ident": ident(number), "doc_type": _pick(+types),
                     "title": _pick(subjects, prefer_long=True), "issuer": _pick(issuers, prefer_long=True),
                     "issued_date": date, "year": year_of(date, number), "in_corpus": 0,
                     "ambiguous": 1 if facts["ambiguous"] else 0, "signer": None, "signer_title": None,
                     "locality": None, "candidates": ["doc:" + c for c in facts["candidates"]] or None, "files": []}

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
        d["aliases"] = {lookup_norm(n) for n in names} - {""}
    return docs


class Plan:
    """The global step over the summaries of every source: documents and their display keys, where
    every reference points, and where each source goes ((file, document id, rank) in `placed`)."""

    def __init__(self, sources: list[dict]):
        groups = group_sources(sources, rank=lambda s: s["rank"])
        self.by_id = {g.id: g for g in groups}
        merged_refs: dict[str, dict[str, Ref]] = {}
        for g in groups:
            refs: dict[str, Ref] = {}
            for s in g.records:
                for t in s["refs"]:
                    if t[0] not in refs:
                        refs[t[0]] = Ref(*t)
            merged_refs[g.id] = refs
        ref_list = [(gid, ref) for gid in sorted(merged_refs) for ref in merged_refs[gid].values()]
        self.targets, extra = resolve_references(groups, ref_list)
        self.docs = _documents(groups, merged_refs, self.targets, extra)
        self.placed = [(s["file"], "doc:" + g.id, rank) for g in groups for rank, s in enumerate(g.records)]

    def rows(self, facts_of: Callable[[str], dict], sink: Sink,
             progress: Callable[[int, int], None] | None = None) -> Iterator[dict]:
        """Every row of the graph into `sink` (`facts_of(file)` gives a source's facts); yields the
        search items in the order that numbers them, so the index is written as the rows are."""
        docs = self.docs
        units = _Units()
        for did in sorted(docs):
            d = docs[did]
            cands = json.dumps(d["candidates"], ensure_ascii=False) if d["candidates"] else None
            sink.row("documents", (did, d["key"], d["number"], d["ident"], d["doc_type"], d["title"], d["issuer"],
                                   d["issued_date"], d["year"], d["in_corpus"], d["ambiguous"], d["signer"],
                                   d["signer_title"], d["locality"], cands))
            for a in sorted(d["aliases"]):
                sink.row("aliases", (a, did))
            if d["issuer"]:
                units.add(d["issuer"])
            # what the rest of the build needs of a document: its key, and for a cited-only one its card
            docs[did] = {"key": d["key"], "doc_type": d["doc_type"], "title": d["title"],
                         "in_corpus": d["in_corpus"], "issuer": d["issuer"], "ambiguous": d["ambiguous"]}

        first_mention: dict[str, tuple] = {}
        persons: dict[str, tuple] = {}
        order = sorted(self.by_id)
        for n, gid in enumerate(order, 1):
            g = self.by_id[gid]
            yield from _document_rows(g, [facts_of(s["file"]) for s in g.records], docs, self.targets, units,
                                      persons, first_mention, sink)
            if progress:
                progress(n, len(order))

        # cited-only documents: their issuer, and a search entry of what the citations say about them
        for did in sorted(docs):
            d = docs[did]
            if d["in_corpus"]:
                continue
            if d["issuer"] and not d["ambiguous"]:
                m0 = first_mention.get(did)
                _edge(sink, did, units.add(d["issuer"]), "ISSUED_BY", *(m0 or (None, None, None, None)))
            yield {"kind": "document", "node": did, "key": d["key"],
                   "title": " ".join(x for x in (d["key"], d["doc_type"], d["title"]) if x),
                   "body": d["issuer"] or "", "boost": 0.0}

        # units: one node per canonical name, every spelling kept, parent by majority
        for uid, u in sorted(units.all.items()):
            name = _pick(u["names"])
            parent = _pick(u["parents"])
            pid = None
            if parent:
                pid = "unit:" + fold(parent)
                if pid not in units.all:
                    pid = None
            sink.row("units", (uid, name, pid))
            if pid:
                _edge(sink, uid, pid, "PART_OF")
            for a in sorted(u["aliases"] | set(u["names"])):
                sink.row("unit_aliases", (uid, a, fold(a)))
        for pid in sorted(persons):
            sink.row("persons", persons[pid])


# --- the per-document step -------------------------------------------------------------------------

def _document_rows(g: SourceGroup, facts: list[dict], docs: dict, targets: dict, units: _Units, persons: dict,
                   first_mention: dict, sink: Sink) -> Iterator[dict]:
    """The rows of one in-corpus document from the facts of its sources (best first): each item
    once, the best source's version winning. Yields its search items."""
    gid = g.id
    did = "doc:" + gid
    dkey = docs[did]["key"]
    prim = facts[0]
    m_units: dict[str, set] = defaultdict(set)
    m_tasks: dict = {}
    m_resps: list = []
    m_notes: dict = {}
    m_refs: dict = {}
    m_implied: dict = {}
    seen_resp = set()
    for f in facts:
        file = f["file"]
        for t in f["tasks"]:
            if t[0] not in m_tasks:
                m_tasks[t[0]] = (t, file)
        for r in f["resps"]:
            k = (r[0], r[2])
            if k not in seen_resp:
                seen_resp.add(k)
                m_resps.append((r, file))
        for nt in f["notes"]:
            if nt[0] not in m_notes:
                m_notes[nt[0]] = (nt, file)
        for ref in f["refs"]:
            if ref[0] not in m_refs:
                m_refs[ref[0]] = (ref, file)
        for ir in f["implied"]:
            if (ir[0], ir[1], ir[2]) not in m_implied:
                m_implied[(ir[0], ir[1], ir[2])] = (ir, file)
        for canon, sp in f["units"].items():
            m_units[canon].update(sp)
    if len(facts) == 1:
        ev = prim["alone"]
    else:  # several sources: the issuer, units and recipients are the document's, the text the best source's
        ev = document_evidence(prim["text"], g.issuer, m_units, g.signer, g.recipients, g.locality)
    pfile = prim["file"]
    for canon, sp in sorted(m_units.items()):
        units.add(canon, sp, g.issuer)

    # issuer, signer, recipients
    if g.issuer:
        uid = units.add(g.issuer, (), None)
        if ev["issuer"]:
            _edge(sink, did, uid, "ISSUED_BY", pfile, *ev["issuer"])
        else:
            _edge(sink, did, uid, "ISSUED_BY", pfile, None, None, evidence(g.issuer))
    if g.signer:
        pid = "person:" + fold(g.signer) + "|" + fold(g.issuer or "")
        persons[pid] = (pid, g.signer, g.signer_title, g.issuer)
        pos = ev["signer"]
        sent = f"{g.signer_title or ''} {g.signer}".strip()
        _edge(sink, did, pid, "SIGNED_BY", pfile, pos if pos >= 0 else None, pos + len(g.signer) if pos >= 0 else None,
              evidence(sent))
    for rcp, names, pos in ev["recipients"]:
        for canon in names:
            uid = units.add(canon, [rcp] if len(names) == 1 else [], g.issuer)
            _edge(sink, did, uid, "SENT_TO", pfile, pos if pos >= 0 else None, pos + len(rcp) if pos >= 0 else None,
                  evidence(rcp))

    # tasks and the units that carry them
    for ord_, (lab, (t, file)) in enumerate(m_tasks.items()):
        _lab, start, end, title, deadline, d_start, d_end, title_ev, roles, body = t
        tid = f"task:{gid}#{lab}"
        sink.row("tasks", (tid, did, f"{dkey}#{lab}", lab, title, deadline, d_start, d_end, file, start, end, ord_))
        _edge(sink, did, tid, "HAS_TASK", file, start, end, title_ev)
        for rel, names, lo, hi, sent in roles:
            for name in names:
                _edge(sink, units.add(name, (), g.issuer), tid, rel, file, lo, hi, sent)
        yield {"kind": "task", "node": tid, "key": f"{dkey}#{lab}", "title": f"{lab}. {title}", "body": body,
               "boost": 0.5}
    for n, (r, file) in enumerate(m_resps, 1):
        label, unit_name, _ufold, start, end, title, title_ev = r
        rid = f"resp:{gid}#R{n}"
        uid = units.add(unit_name, (), g.issuer) if unit_name else None
        sink.row("responsibilities", (rid, did, f"{dkey}#R{n}", label, uid, title, file, start, end, n))
        _edge(sink, did, rid, "HAS_RESPONSIBILITY", file, start, end, title_ev)
        _edge(sink, uid, rid, "RESPONSIBLE_FOR", file, start, end, title_ev)
    for n in sorted(m_notes):
        (_n, anchor, text, start, end, text_ev, search_title), file = m_notes[n]
        fid = f"fn:{gid}#fn{n}"
        sink.row("footnotes", (fid, did, f"{dkey}#fn{n}", n, anchor, text, file, start, end))
        _edge(sink, did, fid, "HAS_FOOTNOTE", file, start, end, text_ev)
        yield {"kind": "footnote", "node": fid, "key": f"{dkey}#fn{n}", "title": search_title, "body": text,
               "boost": 0.25}

    # references: one target per reference, every span a mention, relations as edges
    for kid, ((_kid, key, relations, mentions, spans, rels), file) in m_refs.items():
        tgt = targets[(gid, kid)]
        tdid = "doc:" + tgt.id
        sink.row("refs", (did, tdid, key, tgt.status, relations, mentions))
        cited_only = not docs[tdid]["in_corpus"]
        task_cited, note_cited = set(), set()
        for start, end, region, footnote, lab, rel_str, sentence in spans:
            task_id = f"task:{gid}#{lab}" if lab and lab in m_tasks else None
            sink.row("mentions", (did, tdid, key, file, start, end, region, footnote, task_id, rel_str, sentence))
            if cited_only and tdid not in first_mention:
                first_mention[tdid] = (file, start, end, evidence(sentence))
            if region == "footnote" and footnote is not None:
                fid = f"fn:{gid}#fn{footnote}"
                if (fid not in note_cited) and footnote in m_notes:
                    note_cited.add(fid)
                    _edge(sink, fid, tdid, "CITES_IN_FOOTNOTE", file, start, end, sentence[:1000] or None)
            elif task_id and task_id not in task_cited:
                task_cited.add(task_id)
                _edge(sink, task_id, tdid, "CITES", file, start, end, sentence[:1000] or None)
        for rel, start, end, sent in rels:
            _edge(sink, did, tdid, rel, file, start, end, sent)
    for (a, b, _rel), (ir, file) in m_implied.items():
        ta, tb = targets.get((gid, a)), targets.get((gid, b))
        if ta is None or tb is None or ta.id == tb.id:
            continue
        rel = ir[2]
        _edge(sink, "doc:" + ta.id, "doc:" + tb.id, REL.get(rel, rel.upper()), file, ir[3], ir[4], ir[5], implied=1,
              via=did)

    d = docs[did]
    yield {"kind": "document", "node": did, "key": dkey,
           "title": " ".join(x for x in (dkey, d["doc_type"], d["title"]) if x), "body": prim["text"], "boost": 1.0}


# --- records in memory -----------------------------------------------------------------------------

@dataclass
class GraphRows:
    """Every row of a graph: {table: [row dict]}, the search items, and where each source went."""
    tables: dict = field(default_factory=lambda: {t: [] for t in COLUMNS})
    search: list = field(default_factory=list)
    sources: list = field(default_factory=list)

    def row(self, table: str, values: tuple) -> None:
        self.tables[table].append(dict(zip(COLUMNS[table], values)))

    def __getattr__(self, name):
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)


def build(records: list[dict]) -> GraphRows:
    """All rows of the graph for these source records (the whole corpus: identity is global)."""
    rows = GraphRows()
    sums, facts = [], {}
    for rec in records:
        s, f, _packed = digest(rec)
        sums.append(s)
        facts[s["file"]] = f
    plan = Plan(sums)
    rows.search = list(plan.rows(facts.__getitem__, rows))
    rows.sources = [{"file": f, "doc_id": did, "rank": rank} for f, did, rank in plan.placed]
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
