"""A deterministic generator of realistic plan texts with their own gold (`kg bench generate`).

`generate(out_dir, docs, seed)` writes `docs` plans (Kế hoạch) as `OUT_DIR/*.txt` and, for each, the
truth about it as `OUT_DIR/gold/*.json` in the gold schema (`../shared/gold/SCHEMA.md`). The plans
recombine the structures of the real documents: header block, "KẾ HOẠCH" and a title that often
implements another document, a preamble of "Căn cứ ..." and "Thực hiện ..." clauses in the citation
forms extraction supports (with or without "số", long and short dates, issuers, Party symbols, a
Party symbol in the State form, nested "... thực hiện Nghị quyết số ..." descriptions that state
implied relations), purpose and requirements, numbered tasks with lead and support units and
deadlines, unit responsibilities, page-bottom footnotes (markers glued to words, symbols and years;
bodies that continue on the next page), recipients and a signature.

The documents form a DAG over levels: Party resolution -> Government resolution -> ministry plan ->
provincial plan -> provincial follow-up plan -> department plan -> department follow-up plan ->
commune plan -> commune follow-up plan. The first seven generated documents always form one chain,
so lineage chains of depth 6 exist in any corpus of at least seven documents.

Determinism: one `random.Random(seed)`, no clock, no hash-order dependence; the same (docs, seed)
gives byte-identical files. Streaming: each document is written as soon as it is composed; only
small records of recent documents (the pools documents cite from) stay in memory.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import re
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import gen_data as D
from .gen_layout import render_pdf, render_web

__all__ = ["generate", "lineage_depth"]

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII")
REL_ORDER = ("based_on", "implements", "amends", "replaces", "repeals", "cites", "footnote")
# relation a nested citation (inside another's description) takes, by where the outer one stands
NESTED_REL = {"title": None, "based_on": "based_on", "impl": None, "promul": None, "purpose": "cites",
              "body": "cites", "footnote": "footnote", "webtitle": None}
START = dt.date(2019, 6, 1)
END = dt.date(2025, 12, 15)


# ---------------------------------------------------------------------------------------------------
# places, bodies, documents
# ---------------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Place:
    name: str
    kind: str  # city | province
    communes: list = field(default_factory=list)

    @property
    def t(self) -> str:
        return "Thành phố" if self.kind == "city" else "tỉnh"

    @property
    def full(self) -> str:
        return f"{self.t} {self.name}"

    @property
    def cap(self) -> str:
        return self.full.upper()


@dataclass(eq=False)
class Commune:
    name: str
    kind: str  # xã | phường
    place: Place

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(eq=False)
class Body:
    """An issuing body: its canonical name, how texts name it, its symbol code and its own offices."""
    canon: str
    same: tuple  # surfaces a text of the same locality may use ("Ủy ban nhân dân tỉnh", "UBND tỉnh")
    full: tuple  # surfaces usable anywhere
    code: str
    kind: str  # party | national | ministry | ubnd | hdnd | dept | commune
    place: Place | None = None
    commune: Commune | None = None
    header: tuple = ()
    units: tuple = ()
    self_name: str = ""  # how its own plan names it in the promulgation sentence
    sector: str = ""
    dept: str = ""


@dataclass(eq=False)
class Doc:
    key: str
    doc_type: str
    tword: str  # type word printed before the number
    date: dt.date
    body: Body
    subject: str  # description after the issuer: "về ...", "quy định ...", "phê duyệt ..."
    parent: "Doc | None" = None  # the document its description says it implements
    link: str = ""  # words between its issuer and the parent's citation ("thực hiện", "về triển khai")
    link_rel: str = "implements"
    alt_key: str | None = None
    level: int = 0
    file: str | None = None
    depth: int = 0
    theme: dict | None = None
    focus: str = ""
    used_focus: set = field(default_factory=set)
    programme: dict | None = None  # the national programme a plan belongs to
    title: str = ""
    title_written: str = ""  # as the text prints it (capitals on some web pages)


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _cap1(s: str) -> str:
    return s[:1].upper() + s[1:]


def _low1(s: str) -> str:
    return s[:1].lower() + s[1:]


def _month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))


# ---------------------------------------------------------------------------------------------------
# the world: bodies, numbers and the documents nobody generates text for
# ---------------------------------------------------------------------------------------------------

class World:
    def __init__(self, rng: random.Random, total: int):
        self.rng = rng
        self.total = max(1, total)
        self.places = [Place(n, k) for n, k in D.PROVINCES]
        self.counters: dict[tuple, int] = {}
        self.bodies: dict[tuple, Body] = {}
        # documents with no text of their own, in bounded pools of recent ones (memory stays flat)
        self.programmes: dict[int, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=8))
        self.decrees: collections.deque = collections.deque(maxlen=60)
        self.pm: collections.deque = collections.deque(maxlen=60)
        self.local: dict[str, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=30))
        self.letters: dict[str, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=30))
        self.dept_decision: dict[tuple, Doc] = {}
        self.ministry_decree: dict[str, Doc] = {}
        self.pools: dict[tuple, collections.deque] = collections.defaultdict(lambda: collections.deque(maxlen=24))
        self.prov_names = {p.name for p in self.places}

    # --- numbers -------------------------------------------------------------------------------
    def number(self, code: str, *, year: int | None = None, party: str | None = None, hi: int = 999,
               step: int | None = None) -> str:
        """A fresh number/symbol: "1234/KH-UBND", "29/2024/NĐ-CP", "57-NQ/TW" (party=type code).

        Numbers of one symbol (and year, where the symbol carries it) grow by small random steps
        (at most `step`) from a random start, as a register does: unique without remembering the
        keys. No register reaches six digits (extraction rightly reads none): the plans' registers
        step by one, so a corpus holds up to ~180,000 plans (KH-UBND is ~55% of them)."""
        rng = self.rng
        k = (code, party, year)
        n = self.counters.get(k)
        n = rng.randint(1, max(2, hi // 10)) if n is None else n + rng.randint(1, step or (3 if hi <= 100 else 9))
        if n > 99_999:
            raise ValueError(f"the register of {code} is full (99,999 numbers): generate fewer documents")
        self.counters[k] = n
        num = f"{n:02d}"
        if party:
            return f"{num}-{party}/{code}"
        if year:
            return f"{num}/{year}/{code}"
        return f"{num}/{code}"

    # --- bodies --------------------------------------------------------------------------------
    def national(self, name: str, code: str) -> Body:
        k = ("nat", name)
        if k not in self.bodies:
            self.bodies[k] = Body(name, (name,), (name,), code, "national")
        return self.bodies[k]

    def party_central(self, name: str) -> Body:
        k = ("party", name)
        if k not in self.bodies:
            surf = {"Ban Chấp hành Trung ương": ("Ban Chấp hành Trung ương", "Ban Chấp hành Trung ương Đảng"),
                    "Bộ Chính trị": ("Bộ Chính trị",), "Ban Bí thư": ("Ban Bí thư",)}[name]
            self.bodies[k] = Body(name, surf, surf, "TW", "party")
        return self.bodies[k]

    def party_local(self, place: Place) -> Body:
        k = ("tu", place.name)
        if k not in self.bodies:
            head = "Thành ủy" if place.kind == "city" else "Tỉnh ủy"
            canon = f"{head} {place.full}"
            self.bodies[k] = Body(canon, (head, f"{head} {place.name}"), (f"{head} {place.name}",), "TU", "party",
                                  place)
        return self.bodies[k]

    def ministry(self, code: str) -> Body:
        k = ("bo", code)
        if k not in self.bodies:
            name, cap = D.MINISTRIES[code]
            self.bodies[k] = Body(name, (name,), (name,), code, "ministry", header=(cap,),
                                  units=D.MINISTRY_UNITS[code], self_name=name)
        return self.bodies[k]

    def ubnd(self, place: Place) -> Body:
        k = ("ubnd", place.name)
        if k not in self.bodies:
            t = place.t
            canon = f"Ủy ban nhân dân {place.full}"
            self.bodies[k] = Body(
                canon, (f"Ủy ban nhân dân {t}", f"UBND {t}", canon, f"UBND {place.full}"),
                (canon, f"UBND {place.full}"), "UBND", "ubnd", place,
                header=("ỦY BAN NHÂN DÂN", place.cap), self_name=f"Ủy ban nhân dân {t}")
        return self.bodies[k]

    def hdnd(self, place: Place) -> Body:
        k = ("hdnd", place.name)
        if k not in self.bodies:
            canon = f"Hội đồng nhân dân {place.full}"
            self.bodies[k] = Body(canon, (f"Hội đồng nhân dân {place.t}", f"HĐND {place.t}", canon), (canon,),
                                  "HĐND", "hdnd", place)
        return self.bodies[k]

    def dept(self, place: Place, code: str) -> Body:
        k = ("so", place.name, code)
        if k not in self.bodies:
            name, abbr, offices = D.DEPARTMENTS[code]
            canon = f"{name} {place.full}"
            same = (name, canon) + ((abbr,) if abbr else ())
            self.bodies[k] = Body(canon, same, (canon,), code, "dept", place,
                                  header=("ỦY BAN NHÂN DÂN", place.cap, name.upper()), units=offices,
                                  self_name=name, sector=D.SECTORS[code], dept=code)
        return self.bodies[k]

    def commune_body(self, c: Commune) -> Body:
        k = ("xa", c.place.name, c.name)
        if k not in self.bodies:
            canon = f"Ủy ban nhân dân {c.full}"
            offices = D.COMMUNE_UNITS_PHUONG if c.kind == "phường" else D.COMMUNE_UNITS_XA
            self.bodies[k] = Body(canon, (canon, f"UBND {c.full}"), (canon,), "UBND", "commune", c.place, c,
                                  header=("ỦY BAN NHÂN DÂN", c.full.upper()), units=offices, self_name=canon)
        return self.bodies[k]

    def communes(self, place: Place) -> list[Commune]:
        if not place.communes:
            rng = self.rng
            seen = set()
            while len(place.communes) < 10:
                name = f"{rng.choice(D.COMMUNE_FIRST)} {rng.choice(D.COMMUNE_SECOND)}"
                a, b = name.split()
                if a == b or name in seen or any(p in name for p in self.prov_names) or name in self.prov_names:
                    continue
                seen.add(name)
                place.communes.append(Commune(name, rng.choice(("xã", "phường")), place))
        return place.communes

    # --- documents with no text of their own -------------------------------------------------------
    def programme(self, theme_i: int, before: dt.date) -> dict:
        """A national programme of a theme: Party resolution, Government resolution implementing it,
        sometimes a Prime Minister decision; dated before `before`."""
        rng = self.rng
        ok = [p for p in self.programmes[theme_i] if p["ready"] < before]
        if ok and rng.random() < (0.93 if len(ok) >= 2 else 0.7):
            return rng.choice(ok[-4:])
        theme = D.THEMES[theme_i]
        pdate = before - dt.timedelta(days=rng.randint(200, 1000))
        tword, tcode, pbody = theme["party"]
        pb = Doc(self.number("TW", party=tcode, hi=80), tword, tword, pdate, self.party_central(pbody),
                 "về " + theme["subject"], theme=theme)
        if tcode == "CT" and rng.random() < 0.3:  # a Party symbol printed in the State form: 04/CT-TW
            n = pb.key.split("-")[0]
            pb.alt_key, pb.key = pb.key, f"{n}/CT-TW"
        gdate = pdate + dt.timedelta(days=rng.randint(20, 90))
        gov = Doc(self.number("NQ-CP", hi=300), "Nghị quyết", "Nghị quyết", gdate, self.national("Chính phủ", "CP"),
                  "về " + theme["subject"], parent=pb, theme=theme,
                  link=rng.choice(("ban hành Chương trình hành động của Chính phủ thực hiện",
                                   "về ban hành Chương trình hành động của Chính phủ thực hiện")))
        pm = None
        if rng.random() < 0.5:
            pm = Doc(self.number("QĐ-TTg", hi=2500), "Quyết định", "Quyết định",
                     gdate + dt.timedelta(days=rng.randint(15, 60)), self.national("Thủ tướng Chính phủ", "TTg"),
                     "về " + theme["subject"], parent=gov, theme=theme,
                     link=rng.choice(("ban hành Kế hoạch triển khai", "về ban hành Kế hoạch triển khai")))
        prog = {"theme": theme_i, "pb": pb, "gov": gov, "pm": pm, "tu": {},
                "ready": max(gdate, pm.date if pm else gdate) + dt.timedelta(days=130)}
        self.programmes[theme_i].append(prog)
        return prog

    def province_decision(self, prog: dict, place: Place) -> Doc:
        """A provincial decision promulgating the province's plan for a programme (seed 000's 2531/QĐ-UBND)."""
        k = "qd:" + place.name
        if k not in prog["tu"]:
            rng = self.rng
            gov = prog["gov"]
            d = Doc(self.number("QĐ-UBND", hi=4000), "Quyết định", "Quyết định",
                    gov.date + dt.timedelta(days=rng.randint(20, 100)), self.ubnd(place),
                    "về " + gov.theme["subject"], parent=prog["pb"], theme=gov.theme,
                    link=rng.choice(("về ban hành Kế hoạch triển khai Chương trình hành động của Chính phủ thực hiện",
                                     "ban hành Kế hoạch thực hiện")))
            prog["tu"][k] = d
        return prog["tu"][k]

    def party_programme(self, prog: dict, place: Place) -> Doc:
        if place.name not in prog["tu"]:
            rng = self.rng
            pb = prog["pb"]
            kind = rng.random()
            tw, tc = ("Chương trình hành động", "CTrHĐ") if kind < 0.7 else ("Kế hoạch", "KH")
            d = Doc(self.number("TU", party=tc, hi=150), tw, tw, pb.date + dt.timedelta(days=rng.randint(30, 120)),
                    self.party_local(place), "về " + pb.theme["subject"], parent=pb, theme=pb.theme,
                    link=rng.choice(("thực hiện", "về thực hiện", "triển khai thực hiện")))
            prog["tu"][place.name] = d
        return prog["tu"][place.name]

    def decree(self, before: dt.date) -> Doc:
        rng = self.rng
        ok = [d for d in self.decrees if d.date < before - dt.timedelta(days=30)]
        if ok and rng.random() < 0.85:
            return rng.choice(ok[-20:])
        tw, code, subj = rng.choice(D.GENERAL_DECREES)
        date = before - dt.timedelta(days=rng.randint(60, 900))
        d = Doc(self.number(code, year=date.year, hi=350), tw, tw, date, self.national("Chính phủ", "CP"), subj)
        self.decrees.append(d)
        return d

    def pm_decision(self, before: dt.date) -> Doc:
        rng = self.rng
        ok = [d for d in self.pm if d.date < before - dt.timedelta(days=30)]
        if ok and rng.random() < 0.85:
            return rng.choice(ok[-20:])
        date = before - dt.timedelta(days=rng.randint(60, 900))
        d = Doc(self.number("QĐ-TTg", hi=2500), "Quyết định", "Quyết định", date,
                self.national("Thủ tướng Chính phủ", "TTg"), rng.choice(D.PM_DECISIONS))
        self.pm.append(d)
        return d

    def local_doc(self, place: Place, before: dt.date) -> Doc:
        rng = self.rng
        pool = self.local[place.name]
        ok = [d for d in pool if d.date < before - dt.timedelta(days=20)]
        if ok and rng.random() < 0.8:
            return rng.choice(ok[-10:])
        tw, code, subj = rng.choice(D.LOCAL_DECISIONS)
        date = before - dt.timedelta(days=rng.randint(40, 700))
        body = self.hdnd(place) if code == "NQ-HĐND" else self.ubnd(place)
        year = date.year if (code == "NQ-HĐND" or rng.random() < 0.3) else None
        d = Doc(self.number(code, year=year, hi=4000), tw, tw, date, body, subj)
        pool.append(d)
        return d

    def letter(self, place: Place, before: dt.date) -> Doc:
        rng = self.rng
        pool = self.letters[place.name]
        ok = [d for d in pool if d.date < before - dt.timedelta(days=10)]
        if ok and rng.random() < 0.8:
            return rng.choice(ok[-8:])
        date = before - dt.timedelta(days=rng.randint(15, 300))
        d = Doc(self.number(f"UBND-{rng.choice(D.LETTER_UNITS)}", hi=6000), "Công văn",
                rng.choice(("Công văn", "Văn bản")), date, self.ubnd(place), rng.choice(D.LETTER_SUBJECTS))
        pool.append(d)
        return d

    def law(self, before: dt.date, name: str | None = None) -> tuple[str, Doc] | None:
        """The latest version of a law adopted before `before` (name, document)."""
        cands = [x for x in D.LAWS if dt.date.fromisoformat(x[2]) < before and (name is None or x[0] == name)]
        if not cands:
            return None
        names = sorted({x[0] for x in cands})
        nm = name or self.rng.choice(names)
        lname, key, iso = max((x for x in cands if x[0] == nm), key=lambda x: x[2])
        k = ("law", key)
        if k not in self.bodies:
            self.bodies[k] = Doc(key, "Luật", "Luật", dt.date.fromisoformat(iso), self.national("Quốc hội", "QH"), "")
        return lname, self.bodies[k]

    def circular(self, ministry: str, before: dt.date) -> Doc:
        """A ministry circular that details or guides a decree (an implied "guides" edge)."""
        rng = self.rng
        ddate = before - dt.timedelta(days=rng.randint(200, 900))
        dec = Doc(self.number("NĐ-CP", year=ddate.year, hi=350), "Nghị định", "Nghị định", ddate,
                  self.national("Chính phủ", "CP"), rng.choice(D.CIRCULAR_DECREES))
        tdate = ddate + dt.timedelta(days=rng.randint(30, 150))
        link = rng.choice(("quy định chi tiết một số điều của", "quy định chi tiết một số điều của",
                           "hướng dẫn thi hành"))
        return Doc(self.number("TT-" + ministry, year=tdate.year, hi=60), "Thông tư", "Thông tư", tdate,
                   self.ministry(ministry), "", parent=dec, link=link, link_rel="guides")

    def dept_function_decision(self, body: Body, before: dt.date) -> Doc:
        k = (body.place.name, body.dept)
        d = self.dept_decision.get(k)
        if d is None or d.date >= before - dt.timedelta(days=10):
            rng = self.rng
            date = before - dt.timedelta(days=rng.randint(30, 500))
            d = Doc(self.number("QĐ-UBND", year=date.year, hi=80), "Quyết định", "Quyết định", date,
                    self.ubnd(body.place),
                    f"quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {body.self_name} {body.place.full}")
            if k not in self.dept_decision or self.dept_decision[k].date < date:
                self.dept_decision[k] = d
        return d

    def ministry_function_decree(self, body: Body, before: dt.date) -> Doc:
        d = self.ministry_decree.get(body.code)
        if d is None or d.date >= before - dt.timedelta(days=10):
            date = before - dt.timedelta(days=self.rng.randint(30, 500))
            d = Doc(self.number("NĐ-CP", year=date.year, hi=350), "Nghị định", "Nghị định", date,
                    self.national("Chính phủ", "CP"),
                    f"quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của {body.canon}")
            self.ministry_decree[body.code] = d
        return d


# ---------------------------------------------------------------------------------------------------
# one document: text blocks plus the truth about them
# ---------------------------------------------------------------------------------------------------

def _fmt_date(d: dt.date, style: str) -> str:
    day = f"{d.day:02d}"
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    if style == "long":
        return f"ngày {day} tháng {month} năm {d.year}"
    return f"ngày {day}/{month}/{d.year}"


@dataclass
class RefState:
    doc: Doc
    mentions: int = 0
    relations: set = field(default_factory=set)
    date: bool = False
    issuer: bool = False


class Writer:
    """Composes one plan: blocks of text for the layout, and the gold record."""

    def __init__(self, world: World, doc: Doc, layout: str, rng: random.Random):
        self.w, self.doc, self.layout, self.rng = world, doc, layout, rng
        self.place = doc.body.place
        self.blocks: list[tuple[str, str]] = []
        self.refs: dict[str, RefState] = {}
        self.implied: list[tuple[str, str, str]] = []
        self.notes: list[dict] = []  # {"n", "anchor", "refs", "paras"}
        self.tasks: list[dict] = []
        self.resps: list[dict] = []
        self.units: dict[str, list[str]] = {}
        self.named: list[dict] = []
        self.date_style = rng.choice(("long", "long", "short"))
        self.upper_title = False
        self.capture: list[str] | None = None
        self.decks: dict[str, list] = {}
        self.webtitle: str | None = None
        self.appendix: list | None = None  # rows of a task table printed after the signature
        self.signer: tuple = ()

    # --- truth ---------------------------------------------------------------------------------
    def unit(self, canon: str, surface: str | None = None) -> None:
        lst = self.units.setdefault(canon, [])
        s = surface or canon
        if s not in lst:
            lst.append(s)

    def mention(self, d: Doc, rel: str | None, date: bool, issuer: str | None) -> None:
        st = self.refs.get(d.key)
        if st is None:
            st = self.refs[d.key] = RefState(d)
        st.mentions += 1
        if self.capture is not None and d.key not in self.capture:
            self.capture.append(d.key)
        if rel:
            st.relations.update((rel,) if isinstance(rel, str) else rel)
        st.date |= date
        if issuer:
            st.issuer = True
            self.unit(d.body.canon, issuer)

    def issuer_surface(self, body: Body) -> str:
        if body.place is not None and body.place is self.place and body.kind != "commune":
            return self.rng.choice(body.same)
        if body.kind == "commune" and self.doc.body.commune is body.commune:
            return self.rng.choice(body.same)
        return self.rng.choice(body.full)

    # --- citations -----------------------------------------------------------------------------
    def cite(self, d: Doc, where: str, rel: str | None, *, nest: int = 1, date: bool = True, issuer: bool = True,
             desc: bool = True, so: str | None = None, marker: str = "") -> str:
        """A citation of `d` as written at `where`; records its mention, relation and nested edges."""
        rng = self.rng
        if so is None:
            r = rng.random()
            so = "số " if r < 0.82 else "" if r < 0.96 or where in ("title", "webtitle") else "số"
        key = d.key
        s = f"{d.tword} {so}{key}{marker}"
        who = None
        if date:
            s += " " + _fmt_date(d.date, self.date_style if rng.random() < 0.8 else rng.choice(("long", "short")))
        if issuer:
            who = self.issuer_surface(d.body)
            s += " của " + who
        self.mention(d, rel, date, who)
        if desc:
            if d.parent is not None and nest > 0:
                inner = self.cite(d.parent, where, NESTED_REL[where], nest=nest - 1)
                self.implied.append((d.key, d.parent.key, d.link_rel))
                s += f" {d.link} {inner}"
            else:
                s += " " + d.subject
        return s

    def short(self, d: Doc, where: str, rel: str | None, marker: str = "") -> str:
        return self.cite(d, where, rel, date=False, issuer=False, desc=False, so="số ", marker=marker)

    # --- footnotes -----------------------------------------------------------------------------
    def marker(self) -> str:
        return f"\x01{len(self.notes) + 1}\x02"

    def add_note(self, anchor: str, docs: list[Doc], form: str = "plain") -> None:
        n = len(self.notes) + 1
        paras = []
        self.capture = []
        for i, d in enumerate(docs):
            if form == "before" and i == 0 and d.body.kind in ("party", "national"):
                # "Ban Chấp hành Trung ương – Nghị quyết số 36-NQ/TW, ngày 22/10/2018 Về ..."
                who = self.rng.choice(d.body.full)
                subj = _cap1(d.subject) if d.subject.startswith("về") else d.subject
                s = f"{who} – {d.tword} số {d.key}, {_fmt_date(d.date, 'short')} {subj}"
                self.mention(d, "footnote", True, who)
            else:
                s = self.cite(d, "footnote", "footnote", nest=1 if self.rng.random() < 0.5 else 0)
            paras.append(s + (";" if i < len(docs) - 1 else self.rng.choice((".", "", "."))))
        keys, self.capture = self.capture, None
        self.notes.append({"n": n, "anchor": anchor, "refs": keys, "paras": paras,
                           "glued": self.rng.random() < 0.12})

    def deck(self, name: str, items: tuple) -> str:
        """Draw without repeats until the deck is empty, then reshuffle."""
        d = self.decks.get(name)
        if not d:
            d = self.decks[name] = list(items)
            self.rng.shuffle(d)
        return d.pop()

    # --- text blocks ---------------------------------------------------------------------------
    def para(self, text: str) -> None:
        self.blocks.append(("para", text))

    def line(self, text: str) -> None:
        self.blocks.append(("line", text))

    def hline(self, text: str) -> None:
        self.blocks.append(("hline", text))

    def blank(self) -> None:
        self.blocks.append(("blank", ""))


# ---------------------------------------------------------------------------------------------------
# composing a plan
# ---------------------------------------------------------------------------------------------------

def _deadline(rng: random.Random, issued: dt.date) -> tuple[str, str | None, str | None]:
    """(text, start, end) of a deadline after a plan issued on `issued`."""
    y = issued.year if issued.month <= 9 else issued.year + 1
    m0 = issued.month if y == issued.year else 1
    q0 = (m0 + 2) // 3
    x = rng.random()
    if x < 0.06:  # rarer spellings seen in real plans
        if x < 0.02:
            q = rng.randint(q0, 4)
            return f"Quý {ROMAN[q - 1]}-{y}", _iso(dt.date(y, 3 * q - 2, 1)), _iso(_month_end(y, 3 * q))
        if x < 0.03:
            q = rng.randint(q0, 4)
            return f"Quí {ROMAN[q - 1]} năm {y}", _iso(dt.date(y, 3 * q - 2, 1)), _iso(_month_end(y, 3 * q))
        if x < 0.045:
            m = rng.randint(max(m0, 3), 12)
            day = min(rng.choice((15, 30)), _month_end(y, m).day)
            return f"Trước {day:02d}/{m}/{y}", None, _iso(dt.date(y, m, day))
        m1 = rng.randint(m0, 11)
        m2 = rng.randint(m1 + 1, 12)
        return f"Từ tháng {m1} đến tháng {m2} năm {y}", _iso(dt.date(y, m1, 1)), _iso(_month_end(y, m2))
    r = rng.randrange(14)
    if r == 0:
        q = rng.randint(q0, 4)
        return f"Quý {ROMAN[q - 1]} năm {y}", _iso(dt.date(y, 3 * q - 2, 1)), _iso(_month_end(y, 3 * q))
    if r == 1:
        q = rng.randint(q0, 4)
        return f"Quý {q} năm {y}", _iso(dt.date(y, 3 * q - 2, 1)), _iso(_month_end(y, 3 * q))
    if r == 2 and q0 < 4:
        q1 = rng.randint(q0, 3)
        q2 = rng.randint(q1 + 1, 4)
        return (f"Quý {ROMAN[q1 - 1]} và Quý {ROMAN[q2 - 1]} năm {y}", _iso(dt.date(y, 3 * q1 - 2, 1)),
                _iso(_month_end(y, 3 * q2)))
    if r in (2, 3):
        return f"Quý IV năm {y} và Quý I năm {y + 1}", _iso(dt.date(y, 10, 1)), _iso(dt.date(y + 1, 3, 31))
    if r == 4:
        return rng.choice((f"Năm {y}", f"Trong năm {y}", f"Hoàn thành trong năm {y}")), f"{y}-01-01", f"{y}-12-31"
    if r == 5:
        m = rng.randint(max(m0, 3), 12)
        day = min(rng.choice((15, 30)), _month_end(y, m).day)
        return f"Trước ngày {day:02d}/{m}/{y}", None, _iso(dt.date(y, m, day))
    if r == 6:
        m = rng.randint(m0, 12)
        txt = rng.choice((f"Tháng {m}/{y}", f"Trong tháng {m} năm {y}"))
        return txt, _iso(dt.date(y, m, 1)), _iso(_month_end(y, m))
    if r == 7:
        if m0 > 6 or rng.random() < 0.5:
            return f"6 tháng đầu năm {y + 1}", f"{y + 1}-01-01", f"{y + 1}-06-30"
        return f"6 tháng cuối năm {y}", f"{y}-07-01", f"{y}-12-31"
    if r == 8:
        return rng.choice(("Thường xuyên", "Hằng năm", "Thường xuyên, hằng năm")), None, None
    if r == 9:
        return f"Giai đoạn {y + 1} - {y + 5}", f"{y + 1}-01-01", f"{y + 5}-12-31"
    if r == 10:
        return "Sau khi Kế hoạch được ban hành", None, None
    if r == 11:
        return f"Năm {y} - {y + 1}", f"{y}-01-01", f"{y + 1}-12-31"
    q = rng.randint(q0, 4)
    return f"Quý {ROMAN[q - 1]}/{y}", _iso(dt.date(y, 3 * q - 2, 1)), _iso(_month_end(y, 3 * q))


class Composer:
    def __init__(self, world: World, rng: random.Random):
        self.w, self.rng = world, rng

    # --- unit pools of a document -----------------------------------------------------------------
    def task_units(self, wr: Writer) -> list[tuple[str, str]]:
        """(canonical, surface) units a plan's tasks and duties name."""
        body, rng = wr.doc.body, self.rng
        out = []
        if body.kind == "ministry":
            for u in body.units:
                canon = f"Văn phòng Bộ {body.canon[3:]}" if u == "Văn phòng Bộ" else u
                out.append((canon, u))
            out.append(("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
                        "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"))
        elif body.kind == "ubnd":
            p = body.place
            codes = list(D.DEPARTMENTS)
            rng.shuffle(codes)
            for c in codes[:7]:
                b = self.w.dept(p, c)
                out.append((b.canon, rng.choice(b.same[:1] + b.same[2:]) if len(b.same) > 2 else b.same[0]))
            out.append((f"Văn phòng Ủy ban nhân dân {p.full}",
                        rng.choice((f"Văn phòng Ủy ban nhân dân {p.t}", f"Văn phòng UBND {p.t}"))))
            for tpl in rng.sample(D.PROVINCE_BODIES, 2):
                s = tpl.format(t=p.t)
                out.append((tpl.format(t=p.full), s))
            out.append(("Ủy ban nhân dân các xã, phường", rng.choice(("Ủy ban nhân dân các xã, phường",
                                                                       "UBND các xã, phường"))))
        elif body.kind == "dept":
            for u in body.units:
                out.append((u, u.replace(" - ", " – ") if " - " in u and rng.random() < 0.3 else u))
            out.append((f"Văn phòng {body.self_name}", "Văn phòng Sở"))
            p = body.place
            others = [c for c in D.DEPARTMENTS if c != body.dept]
            for c in rng.sample(others, 2):
                b = self.w.dept(p, c)
                out.append((b.canon, b.same[0]))
        else:  # commune
            c = body.commune
            for u in body.units:
                out.append((u, u))
            for tpl in rng.sample(D.COMMUNE_BODIES, 2):
                s = tpl.format(c=c.full)
                out.append((s, s))
        return out

    # --- the plan --------------------------------------------------------------------------------
    def compose(self, doc: Doc, layout: str, wr: Writer) -> None:
        rng, w = self.rng, self.w
        body = doc.body
        units = self.task_units(wr)
        # header
        if layout in ("web", "wrapped") and rng.random() < 0.7:
            self.webtitle(doc, wr)
        place_name = body.commune.name if body.commune else (body.place.name if body.place else "Hà Nội")
        month = f"{doc.date.month:02d}" if doc.date.month < 3 else str(doc.date.month)
        wr.blocks.append(("header", (body.header, f"Số: {doc.key}",
                                     f"{place_name}, ngày {doc.date.day:02d} tháng {month} năm {doc.date.year}")))
        wr.line("KẾ HOẠCH")
        hdr = wr.doc.body
        wr.unit(hdr.canon, " ".join(hdr.header) if hdr.header else hdr.canon)

        # title
        title = self.title(doc, wr)
        doc.title = title
        wr.blocks.append(("title", title))
        wr.blank()

        # preamble
        self.preamble(doc, wr)

        # I. purpose
        sec = 0
        wr.line(f"{ROMAN[sec]}. MỤC ĐÍCH, YÊU CẦU")
        sec += 1
        self.purpose(doc, wr)

        # II. tasks
        wr.line(f"{ROMAN[sec]}. {rng.choice(('NHIỆM VỤ TRỌNG TÂM', 'NỘI DUNG THỰC HIỆN', 'NHIỆM VỤ, GIẢI PHÁP', 'NHIỆM VỤ VÀ GIẢI PHÁP CỤ THỂ', 'NHIỆM VỤ CỤ THỂ'))}")
        sec += 1
        self.task_section(doc, wr, units)

        if rng.random() < 0.5:
            wr.line(f"{ROMAN[sec]}. KINH PHÍ THỰC HIỆN")
            sec += 1
            for s in rng.sample(D.FUNDING, rng.randint(1, 2)):
                wr.para(s)
            if rng.random() < 0.4:
                dec = w.decree(doc.date)
                wr.para(f"Việc quản lý, sử dụng kinh phí thực hiện theo quy định tại {wr.short(dec, 'body', 'cites')}.")

        wr.line(f"{ROMAN[sec]}. TỔ CHỨC THỰC HIỆN")
        self.organisation(doc, wr, units)
        self.supersede(doc, wr)
        wr.para(rng.choice(D.CLOSING))
        self.closing(doc, wr)

    def webtitle(self, doc: Doc, wr: Writer) -> None:
        """The saved page's title line: "Kế hoạch 123/KH-UBND năm 2025 thực hiện Kế hoạch 45_KH-UBND ..."."""
        rng = self.rng
        t = f"Kế hoạch {doc.key} năm {doc.date.year}"
        if rng.random() < 0.3:
            t = f"Kế hoạch {doc.key} ngày {doc.date.day:02d}/{doc.date.month:02d}/{doc.date.year}"
        p = doc.parent
        if p is not None and rng.random() < 0.7:
            key = p.key.replace("/", "_", 1) if rng.random() < 0.5 else p.key
            wr.mention(p, None, False, None)
            t += f" {rng.choice(('thực hiện', 'triển khai'))} {p.tword} {key} về {doc.theme['short']}"
        else:
            t += f" về {doc.theme['short']}"
        wr.webtitle = t

    # --- title -------------------------------------------------------------------------------------
    def title(self, doc: Doc, wr: Writer) -> str:
        rng = self.rng
        parent = doc.parent
        theme = doc.theme
        body = doc.body
        year = doc.date.year
        where_suffix = ""
        if body.kind == "dept":
            where_suffix = rng.choice((f" trong ngành {body.sector}", f" của ngành {body.sector}",
                                       f" trong lĩnh vực {body.sector}"))
        elif body.kind == "commune":
            where_suffix = f" trên địa bàn {body.commune.full}"
        elif body.kind == "ubnd":
            where_suffix = rng.choice((f" trên địa bàn {body.place.full}", ""))
        focus = doc.focus
        r = rng.random()
        wr.upper_title = wr.layout != "pdf" and rng.random() < 0.4
        if parent is not None and r < 0.55:
            verb = rng.choice(("Thực hiện", "Triển khai thực hiện", "Triển khai"))
            # the title names the document it implements; in capitals on some web pages
            save = wr.date_style
            t = f"{verb} {wr.cite(parent, 'title', 'implements', nest=1 if rng.random() < 0.5 else 0)}"
            wr.date_style = save
            t += where_suffix
            if focus:
                t += f" đối với nhiệm vụ {_low1(focus)}"
            return t
        base = rng.choice((
            f"{_cap1(theme['short'])} năm {year + (doc.date.month > 9)}",
            f"Công tác {theme['short']} năm {year + (doc.date.month > 9)}",
            f"Nâng cao hiệu quả {theme['short']} giai đoạn {year + 1} - {year + 5}",
            f"{_cap1(theme['short'])} giai đoạn {year + 1} - {year + 5}",
        ))
        t = base + where_suffix
        if focus:
            t += f", trọng tâm là {_low1(focus)}"
        return t

    # --- preamble ----------------------------------------------------------------------------------
    def preamble(self, doc: Doc, wr: Writer) -> None:
        rng, w = self.rng, self.w
        body, parent = doc.body, doc.parent
        clauses: list[tuple[str, str]] = []  # (kind, text)
        # laws: by name and date (a named reference) or by number (a reference)
        if body.kind in ("ubnd", "commune", "ministry") and rng.random() < 0.6:
            lw = w.law(doc.date, "Luật Tổ chức Chính phủ" if body.kind == "ministry" else "Luật Tổ chức chính quyền địa phương")
            if lw:
                clauses.append(("law", lw))
            if rng.random() < 0.3:
                lw2 = w.law(doc.date, rng.choice(("Luật Ban hành văn bản quy phạm pháp luật", "Luật Ngân sách nhà nước")))
                if lw2:
                    clauses.append(("law", lw2))
        if body.kind == "dept" and rng.random() < 0.6:
            fd = w.dept_function_decision(body, doc.date)
            clauses.append(("based_on", fd))
        if body.kind == "ministry" and rng.random() < 0.7:
            clauses.append(("based_on", w.ministry_function_decree(body, doc.date)))
        if body.kind == "dept" and body.dept in D.DEPT_MINISTRY and rng.random() < 0.25:
            clauses.append(("based_on", w.circular(D.DEPT_MINISTRY[body.dept], doc.date)))
        if body.kind in ("ubnd", "ministry") and rng.random() < 0.12:
            a, b = w.decree(doc.date), w.decree(doc.date)
            if a is not b:
                clauses.append(("decrees", (a, b)))
        # the national programme and the parents
        prog = doc.programme
        chain = []
        p = parent
        while p is not None and len(chain) < 3:
            chain.append(p)
            p = p.parent if p.file else None  # generated ancestors only
        extra = []
        if prog is not None:
            if body.kind in ("ubnd",) and rng.random() < 0.6:
                extra.append(prog["pb"])
            if body.kind in ("ministry", "ubnd") and parent is None or rng.random() < 0.4:
                extra.append(prog["gov"])
            if body.kind == "ubnd" and rng.random() < 0.5:
                extra.append(w.party_programme(prog, body.place))
            if body.kind in ("ubnd", "dept") and rng.random() < 0.2:
                qd = w.province_decision(prog, body.place)
                if qd.date < doc.date:
                    extra.append(qd)
            if prog["pm"] is not None and prog["pm"].date < doc.date and rng.random() < 0.3:
                extra.append(prog["pm"])
        if rng.random() < 0.25:
            extra.append(w.decree(doc.date))
        uses_thuc_hien = parent is not None and rng.random() < 0.35
        # grandparents first, then the parent (a "Thực hiện" clause or the last "Căn cứ")
        for d in extra:
            clauses.append(("based_on", d))
        for d in reversed(chain[1:]):
            if rng.random() < 0.5:
                clauses.append(("based_on", d))
        if parent is not None:
            clauses.append(("impl" if uses_thuc_hien else "based_on", parent))
        if not any(k not in ("law", "decrees") for k, _ in clauses):
            clauses.append(("based_on", w.decree(doc.date)))
        # a group of decrees after one type word ("Căn cứ các Nghị định của Chính phủ: số ...; số ...")
        texts = []
        for i, (kind, x) in enumerate(clauses):
            if kind == "law":
                lname, law = x
                if rng.random() < 0.5:  # "Căn cứ Luật ... ngày 16 tháng 6 năm 2025": named, not a reference
                    texts.append(("law", f"Căn cứ {lname} {_fmt_date(law.date, wr.date_style)}"))
                    wr.named.append({"doc_type": "Luật", "title": lname, "date": _iso(law.date),
                                     "relations": ["based_on"]})
                else:
                    with_date = rng.random() < 0.3
                    t = f"Căn cứ {lname} số {law.key}"
                    if with_date:
                        t += " " + _fmt_date(law.date, wr.date_style)
                    wr.mention(law, "based_on", with_date, None)
                    texts.append(("based_on", t))
            elif kind == "decrees":  # several numbers after one type word
                parts = []
                for d in x:
                    wr.mention(d, "based_on", True, None)
                    parts.append(f"số {d.key} {_fmt_date(d.date, wr.date_style)} {d.subject}")
                texts.append(("based_on", "Căn cứ các Nghị định của Chính phủ: " + "; ".join(parts)))
            elif kind == "based_on":
                nest = 1 if rng.random() < 0.7 else (2 if rng.random() < 0.5 else 0)
                texts.append(("based_on", "Căn cứ " + wr.cite(x, "based_on", "based_on", nest=nest)))
            else:
                texts.append(("impl", "Thực hiện " + wr.cite(x, "impl", "implements", nest=1)))
        # punctuation: "Căn cứ ...;" ... last clause "."; a "Thực hiện" clause may end the preamble
        for i, (kind, t) in enumerate(texts):
            end = ";" if i < len(texts) - 1 else "."
            if kind == "law" and i < len(texts) - 1:
                end = ";"
            wr.para(t + end)
        # promulgation sentence
        me = body.self_name
        wr.unit(body.canon, me)
        if parent is not None and rng.random() < 0.6:
            verb = rng.choice(("thực hiện", "triển khai", "triển khai thực hiện"))
            wr.para(f"{me} ban hành Kế hoạch {verb} {wr.short(parent, 'promul', 'implements')}"
                    f"{self._scope(doc)}, cụ thể như sau:")
        else:
            wr.para(f"{me} ban hành Kế hoạch {self._plan_name(doc)} như sau:")

    def _scope(self, doc: Doc) -> str:
        b = doc.body
        if b.kind == "ubnd":
            return f" trên địa bàn {b.place.t}"
        if b.kind == "commune":
            return f" trên địa bàn {b.commune.kind}"
        if b.kind == "dept":
            return f" trong ngành {b.sector}"
        return ""

    def _plan_name(self, doc: Doc) -> str:
        return f"{doc.theme['short']} năm {doc.date.year}" if self.rng.random() < 0.5 else f"về {doc.theme['short']}"

    # --- I. purpose --------------------------------------------------------------------------------
    def purpose(self, doc: Doc, wr: Writer) -> None:
        rng = self.rng
        s = doc.theme["short"]
        dash = "- " if rng.random() < 0.6 else ""
        wr.line("1. Mục đích")
        items = [x.format(s=s) for x in rng.sample(D.PURPOSE, rng.randint(2, 3))]
        if doc.body.kind == "commune":  # a commune plan names its province
            c = doc.body.commune
            items.append(f"Góp phần thực hiện thắng lợi các mục tiêu phát triển kinh tế - xã hội của {c.kind} "
                         f"và của {c.place.full} trong giai đoạn mới.")
        # the documents the plan implements, coordinated: "Triển khai thực hiện ... Kế hoạch số A, ... và B"
        targets = []
        p = doc.parent
        while p is not None and len(targets) < 3:
            targets.append(p)
            p = p.parent
        if targets and rng.random() < 0.7:
            k = rng.randint(1, len(targets))
            docs = targets[:k]
            cites = [wr.short(d, "purpose", ("implements", "cites")) for d in docs]
            joined = cites[0] if len(cites) == 1 else ", ".join(cites[:-1]) + " và " + cites[-1]
            items.insert(rng.randint(0, len(items)), rng.choice((
                f"Triển khai thực hiện nghiêm túc, hiệu quả các nhiệm vụ, giải pháp tại {joined}.",
                f"Tổ chức thực hiện đồng bộ, toàn diện các mục tiêu, nhiệm vụ của {joined}.",
                f"Quán triệt và triển khai thực hiện có hiệu quả {joined}.",
            )))
        for it in items:
            wr.para(dash + it)
        wr.line("2. Yêu cầu")
        for it in rng.sample(D.REQUIREMENTS, rng.randint(2, 3)):
            wr.para(dash + it)
        if wr.layout == "pdf" and rng.random() < 0.35:
            self.anchor_note(doc, wr, dash)

    def anchor_note(self, doc: Doc, wr: Writer, dash: str = "- ") -> None:
        """A sentence ending in a word with a footnote marker glued to it."""
        rng = self.rng
        prefix, anchor = rng.choice(D.ANCHOR_SENTENCES)
        anchor = anchor.format(s=doc.theme["short"])
        mk = wr.marker()
        docs = self.note_docs(doc, rng.choice((1, 1, 1, 2, 3)))
        wr.para(f"{dash}{prefix} {anchor}{mk}.")
        wr.add_note(anchor if len(anchor.split()) <= 3 else " ".join(anchor.split()[-3:]), docs,
                    form="before" if rng.random() < 0.15 else "plain")

    def note_docs(self, doc: Doc, k: int) -> list[Doc]:
        rng, w = self.rng, self.w
        out: list[Doc] = []
        for _ in range(k * 3):
            if len(out) >= k:
                break
            r = rng.random()
            if doc.body.place is None:
                d = w.decree(doc.date) if r < 0.5 else w.pm_decision(doc.date)
            elif r < 0.3:
                d = w.local_doc(doc.body.place, doc.date)
            elif r < 0.45:
                d = w.decree(doc.date)
            elif r < 0.55:
                d = w.pm_decision(doc.date)
            elif r < 0.7:
                d = w.letter(doc.body.place, doc.date)
            elif r < 0.85 and doc.theme is not None:
                prog = doc.programme or w.programme(D.THEMES.index(doc.theme), doc.date)
                d = prog["pb"] if rng.random() < 0.5 else prog["gov"]
                if d.date >= doc.date:
                    continue
            else:
                pool = w.pools.get((doc.body.place.name, "any"))
                cands = [x for x in pool if x.date < doc.date and x is not doc] if pool else []
                if not cands:
                    continue
                d = rng.choice(cands)
            if d not in out and d.key != doc.key:
                out.append(d)
        if not out:
            out.append(w.decree(doc.date))
        return out

    # --- II. tasks ---------------------------------------------------------------------------------
    def task_section(self, doc: Doc, wr: Writer, units: list[tuple[str, str]]) -> None:
        rng = self.rng
        theme = doc.theme
        s = theme["short"]
        pool = list(theme["tasks"]) + [t.format(s=s) for t in D.GENERIC_TASKS]
        rng.shuffle(pool)
        if wr.layout != "pdf" and rng.random() < 0.3:
            self.task_table(doc, wr, units, pool)
            return
        style = rng.choice(("letters", "dashes", "dashes", "groups", "plain"))
        n = rng.randint(4, 9)
        titles = pool[:n]
        year = doc.date.year
        if style == "groups":
            groups = []
            i = 0
            while i < len(titles):
                k = min(len(titles) - i, rng.randint(1, 3))
                groups.append(titles[i:i + k])
                i += k
            heads = ("Về thể chế, chính sách", "Về tổ chức thực hiện", "Về nguồn lực", "Về ứng dụng công nghệ",
                     "Về tuyên truyền, nâng cao nhận thức", "Về kiểm tra, giám sát")
            hs = rng.sample(heads, min(len(groups), len(heads)))
            for gi, grp in enumerate(groups[:len(hs)]):
                wr.line(f"{gi + 1}. {hs[gi]}")
                for ti, t in enumerate(grp):
                    self.task(doc, wr, f"{gi + 1}.{ti + 1}", t, "groups", units, year)
            return
        for i, t in enumerate(titles):
            self.task(doc, wr, str(i + 1), t, style, units, year)

    def task(self, doc: Doc, wr: Writer, label: str, title: str, style: str, units, year: int) -> None:
        rng, w = self.rng, self.w
        wr.para(f"{label}. {title}")
        content = [wr.deck("content", D.TASK_CONTENT) for _ in range(rng.randint(1, 3))]
        if rng.random() < 0.35:
            content.insert(0, rng.choice(D.TASK_LEADS).format(t=_low1(title), s=doc.theme["short"]))
        if rng.random() < 0.2:
            content.append(rng.choice(D.TARGETS).format(y=doc.date.year + rng.randint(1, 5), p=rng.choice(
                (50, 60, 70, 75, 80, 85, 90, 95, 100)), s=doc.theme["short"]))
        extra = None
        if rng.random() < 0.3 and doc.body.place is not None:
            d = w.local_doc(doc.body.place, doc.date) if rng.random() < 0.6 else w.letter(doc.body.place, doc.date)
            tpl = rng.choice(("Thực hiện chế độ báo cáo theo quy định tại {}.", "Bảo đảm đúng các yêu cầu tại {}."))
            hide = doc.body.kind != "commune" and rng.random() < 0.4
            extra = tpl.format(wr.cite(d, "body", "cites", nest=0, issuer=not hide))
        elif rng.random() < 0.25 and wr.layout == "pdf":
            # a footnote marker glued to a symbol: "Tích cực triển khai Quyết định số 70/2024/QĐ-UBND1, ..."
            d = self.note_docs(doc, 1)[0]
            mk = wr.marker()
            extra = f"Tích cực triển khai {wr.short(d, 'body', 'cites', marker=mk)}, bảo đảm đúng tiến độ và hiệu quả."
            wr.add_note(d.key, [d])
        elif rng.random() < 0.12 and wr.layout == "pdf":
            mk = wr.marker()
            y = doc.date.year
            extra = (f"Tham gia các chương trình theo kế hoạch đào tạo, bồi dưỡng cán bộ, công chức, viên chức "
                     f"năm {y}{mk} nhằm nâng cao năng lực thực thi công vụ.")
            wr.add_note(f"năm {y}", self.note_docs(doc, 1))
        lead, support = [], []
        if style != "plain":
            k = rng.choice((1, 1, 1, 2))
            picks = rng.sample(units, min(len(units), k + rng.randint(1, 3)))
            lead, support = picks[:k], picks[k:]
            if rng.random() < 0.35 and doc.body.kind != "ministry":
                support.append(("Các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị liên quan"))
        dl = _deadline(rng, doc.date) if style != "plain" else (None, None, None)
        join = lambda xs: (", ".join(s for _, s in xs[:-1]) + " và " + xs[-1][1]) if len(xs) > 1 else xs[0][1]  # noqa: E731
        if style == "letters":
            L = iter("abcdđe")
            wr.para(f"{next(L)}) Nội dung: {' '.join(content)}" + (f" {extra}" if extra else ""))
            if lead:
                wr.para(f"{next(L)}) {rng.choice(('Đơn vị chủ trì', 'Đơn vị chủ trì tham mưu', 'Cơ quan chủ trì'))}: {join(lead)}.")
            if support:
                wr.para(f"{next(L)}) {rng.choice(('Đơn vị phối hợp', 'Cơ quan phối hợp'))}: {join(support)}.")
            wr.para(f"{next(L)}) {rng.choice(('Thời gian thực hiện', 'Thời gian hoàn thành', 'Thời hạn hoàn thành'))}: {dl[0]}.")
        elif style in ("dashes", "groups"):
            if style == "groups":
                wr.para("a) Nhiệm vụ: " + " ".join(content) + (f" {extra}" if extra else ""))
                wr.para("b) Cơ quan thực hiện:")
            else:
                for c in content:
                    wr.para(c)
                if extra:
                    wr.para(extra)
            if lead:
                wr.para(f"- {rng.choice(('Đơn vị chủ trì', 'Cơ quan chủ trì', 'Chủ trì thực hiện'))}: {join(lead)}.")
            if support:
                wr.para(f"- {rng.choice(('Đơn vị phối hợp', 'Cơ quan phối hợp', 'Phối hợp thực hiện'))}: {join(support)}.")
            lab = rng.choice(("Thời gian thực hiện", "Thời hạn hoàn thành", "Tiến độ thực hiện"))
            wr.para(f"{'c) ' if style == 'groups' else '- '}{lab}: {dl[0]}.")
        else:  # plain: a numbered item with dashed paragraphs, no fields
            for c in content:
                wr.para("- " + c)
            if extra:
                wr.para("- " + extra)
        for canon, surf in lead + support:
            wr.unit(canon, surf)
        short = title if len(title) <= 120 else title[:120].rsplit(" ", 1)[0]
        wr.tasks.append({"label": label, "title": short,
                         "lead": _dedupe([c for c, _ in lead]), "support": _dedupe([c for c, _ in support]),
                         "deadline": dl[0], "deadline_start": dl[1], "deadline_end": dl[2]})

    def task_table(self, doc: Doc, wr: Writer, units, pool) -> None:
        """Tasks in an appendix table ("STT | Tên nhiệm vụ | Cơ quan chủ trì | ..."), one cell per line."""
        rng = self.rng
        for p in rng.sample(D.TASK_CONTENT, 2):
            wr.para("- " + p)
        wr.para("Danh mục nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.")
        n = rng.randint(4, 9)
        groups = rng.random() < 0.5
        heads = rng.sample(("NÂNG CAO NHẬN THỨC VÀ ĐỔI MỚI TƯ DUY", "HOÀN THIỆN CƠ CHẾ, CHÍNH SÁCH",
                            "PHÁT TRIỂN NGUỒN NHÂN LỰC", "ỨNG DỤNG CÔNG NGHỆ SỐ", "KIỂM TRA, GIÁM SÁT"), 3)
        rows = []
        for i, title in enumerate(pool[:n]):
            if groups and i % 3 == 0:
                rows.append(("group", f"{ROMAN[i // 3]}. {heads[i // 3]}"))
            k = rng.choice((1, 1, 2))
            picks = rng.sample(units, min(len(units), k + rng.randint(1, 3)))
            lead, support = picks[:k], picks[k:]
            if rng.random() < 0.3:
                support.append(("Các cơ quan, đơn vị liên quan", "các cơ quan, đơn vị liên quan"))
            dl = _deadline(rng, doc.date)
            if rng.random() < 0.15 and dl[0].startswith("Quý") and "năm" in dl[0] and " và " not in dl[0]:
                dl = (dl[0].replace(" năm ", "/"),) + dl[1:]
            rows.append(("task", str(i + 1), title + ".", lead, support, dl))
            for canon, surf in lead + support:
                wr.unit(canon, surf)
            wr.tasks.append({"label": str(i + 1), "title": title if len(title) <= 120 else title[:120].rsplit(" ", 1)[0],
                             "lead": _dedupe([c for c, _ in lead]), "support": _dedupe([c for c, _ in support]),
                             "deadline": dl[0], "deadline_start": dl[1], "deadline_end": dl[2]})
        wr.appendix = rows

    # --- organisation -------------------------------------------------------------------------------
    def organisation(self, doc: Doc, wr: Writer, units) -> None:
        rng = self.rng
        body = doc.body
        if body.kind == "dept":
            own = [u for u in units if u[0] in body.units or u[0].startswith("Văn phòng Sở")]
            units = own + [("Các phòng, đơn vị thuộc Sở", "Các phòng, đơn vị thuộc Sở")]
        picks = rng.sample(units, min(len(units), rng.randint(3, 5)))
        numbered = rng.random() < 0.7
        for i, (canon, surf) in enumerate(picks):
            duties = ([rng.choice(D.DUTY_LEAD)] if i == 0 else []) + rng.sample(D.DUTY_OTHER, rng.randint(1, 2))
            if numbered:
                wr.line(f"{i + 1}. {_cap1(surf)}")
                for d in duties:
                    wr.para("- " + d)
                wr.resps.append({"unit": canon, "label": str(i + 1)})
            else:
                first = _low1(duties[0].rstrip("."))
                verb = rng.choice(("có trách nhiệm", "chịu trách nhiệm"))
                wr.para(f"- {_cap1(surf)} {verb} {first}; {_low1(' '.join(duties[1:])) if len(duties) > 1 else 'báo cáo kết quả thực hiện theo quy định.'}")
                wr.resps.append({"unit": canon, "label": None})
            wr.unit(canon, _cap1(surf))

    def supersede(self, doc: Doc, wr: Writer) -> None:
        """Now and then a plan replaces or repeals an earlier plan of the same issuer."""
        rng, w = self.rng, self.w
        if rng.random() > 0.08 or doc.body.place is None:
            return
        pool = w.pools.get((doc.body.place.name, "any")) or ()
        old = [d for d in pool if d.body is doc.body and d.date < doc.date and d is not doc.parent
               and d.key not in wr.refs]
        if not old:
            return
        d = rng.choice(old)
        if rng.random() < 0.6:
            wr.para(f"Kế hoạch này thay thế {wr.cite(d, 'body', ('replaces', 'cites'), nest=0, desc=rng.random() < 0.5)}.")
        else:
            wr.para(f"{wr.cite(d, 'body', ('repeals', 'cites'), nest=0, desc=False)} hết hiệu lực kể từ ngày "
                    f"Kế hoạch này được ban hành.")

    def closing(self, doc: Doc, wr: Writer) -> None:
        rng = self.rng
        body = doc.body
        wr.blank()
        wr.hline("Nơi nhận:")
        rec = []
        if body.kind == "ministry":
            rec.append(("Thủ tướng Chính phủ", "Thủ tướng Chính phủ (để báo cáo);"))
            rec.append(("Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương", "UBND các tỉnh, thành phố trực thuộc Trung ương;"))
        elif body.kind == "ubnd":
            p = body.place
            rec.append((None, rng.choice(D.RECIPIENTS_PROVINCE)))
            rec.append((f"Các sở, ban, ngành {p.t}", f"Các sở, ban, ngành {p.t};"))
            rec.append(("Ủy ban nhân dân các xã, phường", "UBND các xã, phường;"))
        elif body.kind == "dept":
            p = body.place
            rec.append((f"Ủy ban nhân dân {p.full}", f"UBND {p.t} (để báo cáo);"))
            rec.append((None, "Ban Giám đốc Sở;"))
            rec.append(("Các phòng, đơn vị thuộc Sở", "Các phòng, đơn vị thuộc Sở;"))
        else:
            p = body.place
            rec.append((f"Ủy ban nhân dân {p.full}", f"UBND {p.t} (để báo cáo);"))
            rec.append((None, f"Thường trực Đảng ủy {body.commune.kind};"))
        for canon, line in rec:
            wr.hline("- " + line)
            if canon:
                wr.unit(canon, re.sub(r"\s*\(.*$|;$", "", line))
        wr.hline("- Lưu: VT.")
        wr.blank()
        sign = self.signer(doc)
        for l in sign[0]:
            wr.hline(l)
        wr.blank()
        wr.blank()
        wr.hline(sign[1])
        wr.signer = sign
        rows = wr.appendix
        if rows:
            wr.blank()
            wr.line("PHỤ LỤC")
            wr.line("DANH MỤC CÁC NHIỆM VỤ TRỌNG TÂM")
            d = doc.date
            who = "Ủy ban nhân dân " + (body.place.t if body.kind == "ubnd" else body.commune.kind if body.kind == "commune" else "") if body.kind in ("ubnd", "commune") else body.self_name
            wr.line(f"(Kèm theo Kế hoạch số {doc.key} ngày {d.day:02d}/{d.month:02d}/{d.year} của {who})")
            wr.blocks.append(("table", rows))

    def signer(self, doc: Doc) -> tuple[list[str], str, str]:
        rng = self.rng
        name = f"{rng.choice(D.SURNAMES)} {rng.choice(D.MIDDLES)} {rng.choice(D.GIVENS)}"
        kind = doc.body.kind
        deputy = rng.random() < 0.6
        if kind == "ministry":
            lines, title = (["KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"], "Thứ trưởng") if deputy else (["BỘ TRƯỞNG"], "Bộ trưởng")
        elif kind == "dept":
            lines, title = (["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Phó Giám đốc") if deputy else (["GIÁM ĐỐC"], "Giám đốc")
        else:
            lines, title = ((["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"], "Phó Chủ tịch") if deputy
                            else (["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "Chủ tịch"))
        return lines, name, title


def _dedupe(xs):
    out = []
    for x in xs:
        if x not in out:
            out.append(x)
    return out


# ---------------------------------------------------------------------------------------------------
# the corpus: levels, parents, files
# ---------------------------------------------------------------------------------------------------

LEVEL_WEIGHTS = {1: 2, 2: 10, 3: 12, 4: 30, 5: 14, 6: 18, 7: 14}


class Generator:
    def __init__(self, docs: int, seed: int):
        self.n = docs
        self.rng = random.Random(seed)
        self.w = World(self.rng, docs)
        self.comp = Composer(self.w, self.rng)
        self.max_depth = 0
        self.chain_place = self.rng.choice(self.w.places)
        self.last: Doc | None = None
        self.active: list[Place] = []

    def sched_date(self, i: int) -> dt.date:
        span = (END - START).days
        return START + dt.timedelta(days=(i * span) // max(1, self.n) + self.rng.randint(0, 6))

    def plan(self, i: int) -> Doc:
        """Choose the level, issuer, parent and theme of document i."""
        rng, w = self.rng, self.w
        date = self.sched_date(i)
        if i < 7:
            level = i + 1
            place = self.chain_place
        else:
            # most plans come from places that already issue plans, so deep chains grow
            place = rng.choice(self.active) if self.active and rng.random() < 0.8 else rng.choice(w.places)
            levels, weights = [], []
            for lv, wt in LEVEL_WEIGHTS.items():
                if self._parents(lv, place, None):
                    levels.append(lv)
                    weights.append(wt)
            level = rng.choices(levels, weights)[0]
        parent = None
        if i < 7:
            parent = self.last if level > 1 else None
        else:
            cands = self._parents(level, place, date)
            if cands:
                parent = rng.choice(list(cands)[-8:])
            elif level >= 3:
                level = 2
        # issuer
        theme = parent.theme if parent is not None else rng.choice(D.THEMES)
        ti = D.THEMES.index(theme)
        if level == 1:
            body = w.ministry(theme["ministry"])
        elif level in (2, 3):
            body = w.ubnd(place)
        elif level == 4:
            code = theme["dept"] if rng.random() < 0.4 else rng.choice(list(D.DEPARTMENTS))
            body = w.dept(place, code)
        elif level == 5:
            body = parent.body
        elif level == 6:
            body = w.commune_body(rng.choice(w.communes(place)))
        else:
            body = parent.body
        if parent is not None:
            date = max(date, parent.date + dt.timedelta(days=rng.randint(7, 45)))
        doc = Doc(w.number("KH-" + (body.code if body.kind in ("ministry", "dept") else "UBND"),
                           hi=200 if body.kind == "ministry" else 999, step=1),
                  "Kế hoạch", "Kế hoạch", date, body, "", parent=parent, theme=theme, level=level,
                  link=rng.choice(("thực hiện", "về thực hiện", "triển khai", "về triển khai thực hiện",
                                   "triển khai thực hiện")))
        if level in (1, 2):
            doc.programme = w.programme(ti, date)
            if level == 1 or parent is None:
                # the plan implements the Government resolution (or the Prime Minister's decision)
                prog = doc.programme
                if level == 2 and rng.random() < 0.5:
                    doc.parent = w.party_programme(prog, place)
                else:
                    doc.parent = prog["pm"] if prog["pm"] is not None and rng.random() < 0.4 else prog["gov"]
        else:
            doc.programme = parent.programme
        # a focus keeps sibling plans of one parent apart
        if parent is not None and level in (3, 5, 7):
            free = [t for t in theme["tasks"] if t not in parent.used_focus]
            if free:
                doc.focus = rng.choice(free)
                parent.used_focus.add(doc.focus)
        doc.subject = f"về {theme['short']}" + (f" năm {date.year}" if rng.random() < 0.5 else "")
        return doc

    def _parents(self, level: int, place: Place, date: dt.date | None):
        w = self.w
        pools = {
            1: [], 2: [("l1",)], 3: [(place.name, 2)], 4: [(place.name, 3), (place.name, 2)],
            5: [(place.name, 4)], 6: [(place.name, 5), (place.name, 4)], 7: [(place.name, 6)],
        }[level]
        if level in (1, 2) and date is None:
            return True
        for k in pools:
            pool = w.pools.get(k)
            if pool:
                if date is None:
                    return True
                return pool
        return [] if date is not None else False

    def register(self, doc: Doc) -> None:
        w = self.w
        key = {1: ("l1",)}.get(doc.level, (doc.body.place.name, doc.level) if doc.body.place else ("l1",))
        w.pools[key].append(doc)
        if doc.body.place is not None and doc.body.place not in self.active:
            self.active.append(doc.body.place)
        if doc.body.place is not None:
            w.pools[(doc.body.place.name, "any")].append(doc)


def _gold(doc: Doc, wr: Writer, fname: str) -> dict:
    refs = []
    for key, st in wr.refs.items():
        d = st.doc
        issuer = d.body.canon if (st.issuer or _implied_issuer(d, wr)) else None
        r = {"key": key}
        if d.alt_key:
            r["alt_keys"] = [d.alt_key]
        r.update({"doc_type": d.doc_type, "date": _iso(d.date) if st.date else None, "issuer": issuer,
                  "relations": [x for x in REL_ORDER if x in st.relations], "mentions": st.mentions})
        refs.append(r)
    implied, seen = [], set()
    for a, b, rel in wr.implied:
        if (a, b, rel) not in seen:
            seen.add((a, b, rel))
            implied.append({"from": a, "to": b, "relation": rel})
    name, sign_name, sign_title = wr.signer
    return {
        "file": fname,
        "document": {
            "doc_type": "Kế hoạch", "number": doc.key, "issued_date": _iso(doc.date), "issuer": doc.body.canon,
            "signer": sign_name, "signer_title": sign_title,
            "title": re.sub(r"\s+", " ", doc.title_written).strip(),
            "same_as": None,
        },
        "references": refs,
        "named_references": wr.named,
        "implied_relations": implied,
        "footnotes": [{"n": n["n"], "anchor": n["anchor"], "refs": n["refs"]} for n in wr.notes],
        "tasks": wr.tasks,
        "responsibilities": wr.resps,
        "units": wr.units,
        "generator": {"level": doc.level, "depth": doc.depth, "layout": wr.layout,
                      "parent": doc.parent.key if doc.parent is not None else None},
    }


def _implied_issuer(d: Doc, wr: Writer) -> bool:
    """The symbol alone tells the issuer: a national code, or a local code of the citing locality."""
    b = d.body
    if b.kind in ("national", "ministry"):
        return True
    if b.kind == "party":
        return False
    place = wr.doc.body.place
    if b.kind == "ubnd" and place is b.place and wr.doc.body.kind != "commune":
        return True
    if b.kind == "dept" and place is b.place:
        return True  # a department code of the citing province: only its department carries it
    if b.kind == "hdnd" and place is b.place and wr.doc.body.kind != "commune":
        return True
    return False


def generate(out_dir: Path | str, docs: int, seed: int, progress: Callable[[int, int], None] | None = None) -> dict:
    """Write `docs` generated plans to out_dir/*.txt and their gold to out_dir/gold/*.json.

    Returns a summary: {"files", "bytes", "gold_bytes", "max_depth", "seconds", "levels", "layouts"}.
    `progress(done, total)` is called now and then (and once at the end) when given."""
    out = Path(out_dir)
    gold_dir = out / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    g = Generator(docs, seed)
    total_bytes = gold_bytes = 0
    levels: collections.Counter = collections.Counter()
    layouts: collections.Counter = collections.Counter()
    t0 = time.perf_counter()
    step = max(1, docs // 100)
    for i in range(docs):
        doc = g.plan(i)
        r = g.rng.random()
        layout = "pdf" if r < 0.65 else "web" if r < 0.85 else "wrapped"
        slug = f"{g.rng.getrandbits(64):016x}"
        fname = f"{i:06d}_{slug}.txt"
        doc.file = fname
        wr = Writer(g.w, doc, layout, g.rng)
        g.comp.compose(doc, layout, wr)
        if layout == "pdf":
            text, title_written = render_pdf(wr, g.rng)
        else:
            text, title_written = render_web(wr, g.rng, wrapped=layout == "wrapped")
        doc.title_written = title_written
        # lineage depth: the longest chain of generated documents this one rests on
        depth = 0
        for key, st in wr.refs.items():
            if st.doc.file and st.relations & {"implements", "based_on"}:
                depth = max(depth, st.doc.depth + 1)
        doc.depth = depth
        g.max_depth = max(g.max_depth, depth)
        gold = _gold(doc, wr, fname)
        data = text.encode("utf-8")
        (out / fname).write_bytes(data)
        gdata = json.dumps(gold, ensure_ascii=False).encode("utf-8")
        (gold_dir / (fname[:-4] + ".json")).write_bytes(gdata)
        total_bytes += len(data)
        gold_bytes += len(gdata)
        levels[doc.level] += 1
        layouts[layout] += 1
        g.register(doc)
        g.last = doc
        if progress is not None and (i + 1) % step == 0:
            progress(i + 1, docs)
    if progress is not None and docs % step:
        progress(docs, docs)
    return {"files": docs, "bytes": total_bytes, "gold_bytes": gold_bytes, "max_depth": g.max_depth,
            "seconds": round(time.perf_counter() - t0, 3), "levels": dict(sorted(levels.items())),
            "layouts": dict(sorted(layouts.items()))}


def lineage_depth(golds: list[dict]) -> int:
    """Longest chain of implements/based_on edges between documents of one gold set (by number)."""
    by_key = {}
    for g in golds:
        num = (g.get("document") or {}).get("number")
        if num:
            by_key[num.casefold()] = g["file"]
    edges: dict[str, list[str]] = collections.defaultdict(list)
    for g in golds:
        for r in g.get("references") or []:
            tgt = by_key.get(str(r.get("key", "")).casefold())
            if tgt and tgt != g["file"] and {"implements", "based_on"} & set(r.get("relations") or []):
                edges[g["file"]].append(tgt)
    memo: dict[str, int] = {}

    def depth(f: str, stack: frozenset = frozenset()) -> int:
        if f in memo:
            return memo[f]
        best = 0
        for t in edges.get(f, ()):
            if t not in stack:
                best = max(best, 1 + depth(t, stack | {f}))
        memo[f] = best
        return best

    return max((depth(g["file"]) for g in golds), default=0)
