"""Tasks (numbered items of task sections, or rows of task tables) with their lead, support and
executor units and deadlines; responsibilities from the "TỔ CHỨC THỰC HIỆN" section."""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from . import deadlines, tables, units
from .lines import AtLineStart
from .outline import STRUCTURAL, Heading
from .text import collapse


@dataclass
class Task:
    label: str
    title: str
    start: int
    end: int
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    executor: list[str] = field(default_factory=list)
    deadline: str | None = None
    deadline_start: str | None = None
    deadline_end: str | None = None
    surfaces: dict[str, list[str]] = field(default_factory=dict)


@functools.cache
def _field_re() -> tuple[AtLineStart, dict[str, str]]:
    """A field line: a label and a colon. Long labels ("Đơn vị chủ trì tham mưu phối hợp X:") may carry
    more words and wrap once; short ones ("Chủ trì:", "Thời hạn:") must meet their colon at once.
    Returns the pattern and the role of each label group."""
    alts, roles, firsts = [], {}, set()
    for i, (labels, role) in enumerate(tables.task_fields()):
        firsts |= {_first_letter(lab) for lab in labels.split("|")}
        strong = [lab for lab in labels.split("|") if lab.startswith(("Đơn vị", "Cơ quan"))]
        weak = [lab for lab in labels.split("|") if lab not in strong]
        if strong:
            alts.append(rf"(?P<r{i}s>{'|'.join(strong)})[^:\n]{{0,80}}?(?:\s*\n\s*[^:\n]{{0,40}}?)?")
        if weak:
            alts.append(rf"(?P<r{i}w>{'|'.join(weak)})[^:\n]{{0,15}}?")
        roles[f"r{i}s"] = roles[f"r{i}w"] = role
    # a lookahead on the labels' first letters lets most lines fail at once
    first = f"(?=[{''.join(sorted(firsts))}])" if None not in firsts else ""
    line = r"[ \t]*(?:[-+•–][ \t]*|[a-zđ]\)[ \t]*)?" + first + "(?:" + "|".join(alts) + r")[ \t]*:[ \t]*"
    return AtLineStart(line, re.I), roles


def _first_letter(label: str) -> str | None:
    """The letter a label (a regex) must begin with, when it plainly begins with one."""
    return label[0].lower() if label[:1].isalpha() and label[1:2] not in ("?", "*", "{") else None


TITLE_LIMIT = 120


def short_title(title: str) -> str:
    title = collapse(title)
    if len(title) <= TITLE_LIMIT:
        return title
    cut = title[:TITLE_LIMIT]
    return cut[: cut.rfind(" ")] if " " in cut else cut


def fields_in(body: str, lo: int, hi: int) -> list[tuple[str, int, int, str]]:
    """(role, value start, value end, value text) of the field lines in [lo, hi)."""
    if body.find(":", lo, hi) < 0:  # every field has its colon
        return []
    pattern, roles = _field_re()
    # (line start, value start, role); exactly one label group takes part in a match
    found = [(start, m.end(), roles[m.lastgroup]) for start, m in pattern.finditer(body, lo, hi)]
    out = []
    for i, (_, vs, role) in enumerate(found):
        ve = found[i + 1][0] if i + 1 < len(found) else hi
        nxt = STRUCTURAL.search(body, vs, ve)  # a dash item or sub-heading after the value ends it
        if nxt:
            ve = nxt.start()
        out.append((role, vs, ve, collapse(body[vs:ve])))
    return out


def read_tasks(body: str, sections: list[Heading], items: list[Heading], ctx) -> list[Task]:
    out: list[Task] = []
    per_section: list[list[Task]] = []
    nums = sorted((h for h in items if h.kind == "num"), key=lambda h: h.start)
    starts = [h.start for h in nums]
    for sec in sections:
        sec_items = nums[bisect.bisect_right(starts, sec.start):bisect.bisect_left(starts, sec.end)]
        tasks = _section_tasks(body, sec, sec_items, ctx)
        if tasks:
            per_section.append((sec, tasks))
    labels = [t.label for _, ts in per_section for t in ts]
    qualify = len(labels) != len(set(labels))
    for sec, ts in per_section:
        for t in ts:
            if qualify:
                t.label = f"{sec.label}.{t.label}"
            out.append(t)
    return out


_WORD3 = re.compile(r"[^\W\d_]{3,}")


def _section_tasks(body: str, sec: Heading, items: list[Heading], ctx) -> list[Task]:
    if not items:
        return []
    items = sorted((h for h in items if not h.title.startswith(tables.non_task_titles())), key=lambda h: h.start)
    # items are in text order: an item's first child, if any, is the next item (linear, not quadratic)
    nexts = items[1:] + [None]
    own_ends = [nxt.start if nxt is not None and nxt.start < h.end else h.end for h, nxt in zip(items, nexts)]
    has_child = [nxt is not None and h.start < nxt.start < h.end and nxt.depth > h.depth for h, nxt in zip(items, nexts)]
    fields = [fields_in(body, h.title_end, own_end) for h, own_end in zip(items, own_ends)]
    has_fields = [any(f[0] != "content" for f in flds) for flds in fields]
    any_fields = any(has_fields)
    tasks = []
    for h, own_end, children, flds, with_fields in zip(items, own_ends, has_child, fields, has_fields):
        if any_fields:
            if not with_fields:
                continue
        elif children and not _WORD3.search(body, h.title_end, own_end):
            continue
        t = Task(h.label, short_title(h.title), h.start, h.end)
        for role, vs, ve, value in flds:
            if role in ("lead", "support", "executor"):
                names = units.split_units(value)
                names = [n for n in names if units.is_unit(n)]
                names = _drop_parent_qualifier(names, ctx)
                t.surfaces.setdefault(role, []).extend(names)
                getattr(t, role).extend(ctx.canon(n) for n in names)
            elif role == "deadline" and t.deadline is None:
                t.deadline = value.strip(" .;")
                t.deadline_start, t.deadline_end = deadlines.period(t.deadline, ctx.year)
        if not any(f[0] in ("support", "lead") for f in flds):
            for names in _inline_support(body, h.title_start, own_end, h.title_end):
                t.surfaces.setdefault("support", []).extend(names)
                t.support.extend(ctx.canon(n) for n in names)
        t.lead, t.support, t.executor = _dedupe(t.lead), _dedupe(t.support), _dedupe(t.executor)
        tasks.append(t)
    return tasks


def _drop_parent_qualifier(names: list[str], ctx) -> list[str]:
    """'Phòng X, Sở Giáo dục và Đào tạo': the issuer after one of its own offices only qualifies it."""
    if len(names) < 2 or not ctx.issuer:
        return names
    return [n for i, n in enumerate(names) if i == 0 or ctx.canon(n) != ctx.issuer]


_INLINE = re.compile(r"(?:^|\n|[.;]\s)[ \t]*(?:[-+•][ \t]*)?(?:Tăng cường\s+|Chủ động\s+)?[Pp]hối hợp(?:[^.;:\n]{0,40}?\bvới)?\s+(?P<u>(?:Sở|Trung tâm|Ban|Phòng|Văn phòng|Bộ|Ủy ban|UBND|Hội|Công đoàn|Đại học|Viện|Cục)\s[^.;:]{2,200})")


_LINE_END = re.compile(r"\n[ \t]*$")
_PURPOSE_VERB = re.compile(r"\s(?:triển khai|trong|để|nhằm|xây dựng|thực hiện|tổ chức|nghiên cứu)\s")


def _inline_support(body: str, lo: int, hi: int, title_end: int) -> list[list[str]]:
    out = []
    if body.find("hối hợp", lo, hi) < 0:  # every match holds "[Pp]hối hợp"
        return out
    for m in _INLINE.finditer(body, lo, hi):
        before = body[lo:m.start() + 1].rstrip()
        if before and before[-1] not in ".:" and m.start() > lo + 2 and not _LINE_END.search(body, lo, m.start() + 1):
            continue
        prev = body[max(lo, m.start() - 300):m.start() + 1].rstrip()
        if prev and prev[-1] not in ".:" and not _is_item_start(body, m.start(), title_end):
            continue
        seg = _PURPOSE_VERB.split(collapse(m.group("u")), 1)[0]
        seg = seg.replace("(", ", ").replace(")", "")
        names = [n for n in units.split_units(seg) if units.is_unit(n) and n[:1].isupper()]
        if names:
            out.append(names)
    return out


def _is_item_start(body: str, pos: int, lo: int) -> bool:
    """True when the text before pos (blank lines skipped) ends a sentence or the item's title."""
    j = pos
    while j > lo and body[j - 1].isspace():
        j -= 1
    return j <= lo or body[j - 1] in ".:;"


def _dedupe(xs: list[str]) -> list[str]:
    seen, out = set(), []
    for x in xs:
        if x and x not in seen:
            seen.add(x)
            out.append(x)
    return out


@dataclass
class Responsibility:
    unit: str
    label: str | None
    start: int
    end: int
    surface: str


_SUBJECT = re.compile(r"^[ \t]*(?:[-+•–][ \t]*)?(?P<u>[^\n]{3,160}?)(?=\s+[-–]\s+(?=[a-zđ])|\s+(?:chủ trì|có trách nhiệm|là cơ quan|phối hợp|chịu trách nhiệm)\b|[:;,.]|\n|$)")


_ASK = re.compile(r"^(?:Đề nghị|Giao)\s+")
_SUBJECT_END = re.compile(r"\s+[-–]\s+(?=[a-zđ])|[:;.]")


def read_responsibilities(body: str, sec: Heading, items: list[Heading], ctx) -> list[Responsibility]:
    out: list[Responsibility] = []
    sub = [h for h in items if sec.start < h.start < sec.end and h.kind in ("num",) and h.depth == 1]
    if sub:
        for h in sub:
            names = [n for n in units.split_units(units.trim(_ASK.sub("", h.title))) if units.is_unit(n)]
            if not names:
                first = body[h.title_end:h.end]
                m = _SUBJECT.search(first.lstrip("\n "))
                if m:
                    names = [n for n in units.split_units(units.trim(m.group("u"))) if units.is_unit(n)][:1]
            for n in names:
                out.append(Responsibility(ctx.canon(n), h.label, h.start, h.end, n))
        return out
    dashes = [h for h in items if sec.start < h.start < sec.end and h.kind == "dash"]
    for h in dashes:
        m = _SUBJECT.match(h.title)
        if m and units.is_unit(m.group("u")) and m.group("u")[:1].isupper():
            # "- Ủy ban nhân dân các xã, phường có trách nhiệm ...": the subject runs to its verb, commas included
            subject = units.trim(_SUBJECT_END.split(h.title, 1)[0])
            for n in units.split_units(subject):
                if units.is_unit(n):
                    out.append(Responsibility(ctx.canon(n), None, h.start, h.end, n))
    return out


# --- task tables ("STT | Nội dung | Chủ trì | Phối hợp | Thời gian", one cell per line) --------------
_HEADER_ROLES = [
    (re.compile(r"^(?:STT|TT|Số TT)$", re.I), "label"),
    (re.compile(r"chủ trì", re.I), "lead"),
    (re.compile(r"phối hợp", re.I), "support"),
    (re.compile(r"thực hiện", re.I), "executor"),
    (re.compile(r"thời gian|thời hạn|tiến độ|hoàn thành", re.I), "deadline"),
    (re.compile(r"nội dung|nhiệm vụ|hoạt động|công việc|giải pháp", re.I), "title"),
]


_ROMAN = re.compile(r"[IVXLC]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)*")
_DIGITS = re.compile(r"\d+")


def read_table_tasks(body: str, ctx) -> list[Task]:
    """Rows of flattened tables whose header names a lead unit column."""
    tasks: list[Task] = []
    heads = [start for start, _ in _TABLE_HEAD.finditer(body)]
    for k, head in enumerate(heads):
        cells = _cells(body, head, heads[k + 1] if k + 1 < len(heads) else len(body))
        header, rows = _rows(cells)
        roles = []
        for text, _, _ in header:
            role = next((r for pat, r in _HEADER_ROLES if pat.search(text)), None)
            roles.append(role)
        if "lead" not in roles or "title" not in roles:
            continue
        group = None
        restart = _numbering_restarts(rows, roles)
        for row in rows:
            vals = {roles[i]: row[i] for i in range(min(len(row), len(roles))) if roles[i]}
            label = vals.get("label", ("", 0, 0))[0]
            if _ROMAN.fullmatch(label) or (label and not _NUMBER.fullmatch(label)):
                group = label if _ROMAN.fullmatch(label) else group
                continue
            if not label or "title" not in vals:
                continue
            title_text, ts, te = vals["title"]
            t = Task(f"{group}.{label}" if (group and restart) else label, short_title(title_text), row[0][1], row[-1][2])
            for role in ("lead", "support", "executor"):
                if role in vals:
                    names = [n for n in units.split_units(vals[role][0]) if units.is_unit(n)]
                    t.surfaces.setdefault(role, []).extend(names)
                    setattr(t, role, _dedupe([ctx.canon(n) for n in names]))
            if "deadline" in vals and vals["deadline"][0]:
                t.deadline = vals["deadline"][0]
                t.deadline_start, t.deadline_end = deadlines.period(t.deadline, ctx.year)
            tasks.append(t)
    return tasks


_PIPE_LINE = AtLineStart(r"[ \t]*\|[ \t]*$", re.M)
_TABLE_HEAD = AtLineStart(r"(?:STT|TT|Số TT)[ \t]*\n\|")
_BLANK_LINES = re.compile(r"\s*\n\s*\n")


def _cells(body: str, start: int, stop: int) -> list[tuple[str, int, int]]:
    """Cells between lines holding only '|'; an empty line pair '|\n|' ends a row (kept as None).
    A table ends at a blank stretch without '|' or where the next table's header begins (`stop`)."""
    out = []
    limit = min(len(body), stop)
    cell_start = start
    for s, m in _PIPE_LINE.finditer(body, start, limit):
        text = collapse(body[cell_start:s])
        out.append((text, cell_start, s))
        cell_start = m.end() + 1
        if cell_start >= limit:
            break
        if not body[cell_start: cell_start + 400].strip() or _BLANK_LINES.match(body, cell_start, cell_start + 400) \
                and body.find("|", cell_start, cell_start + 200) < 0:
            break
    return out


def _rows(cells):
    header, rows, cur = [], [], []
    in_header = True
    for c in cells:
        if c[0] == "" and cur:
            if in_header:
                header, in_header = cur, False
            else:
                rows.append(cur)
            cur = []
        elif c[0] != "" or cur:
            cur.append(c)
    if cur and not in_header:
        rows.append(cur)
    return header, rows


def _numbering_restarts(rows, roles) -> bool:
    seen = set()
    if "label" not in roles:
        return False
    li = roles.index("label")
    for r in rows:
        if li < len(r) and _DIGITS.fullmatch(r[li][0]):
            if r[li][0] in seen:
                return True
            seen.add(r[li][0])
    return False
