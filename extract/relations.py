"""Which relation each citation states: by where it stands (title, a "Căn cứ" or "Thực hiện" clause,
the purpose section, the body, a footnote) and by the verb that links it to the citation whose
description it sits in ("Nghị quyết 87/NQ-CP ... thực hiện Nghị quyết 31-NQ/TW": implied edge)."""
from __future__ import annotations

import functools
import re

from . import tables
from .citations import Mention
from .text import scan_back

_CLAUSE = re.compile(r"^[ \t|]*(?P<k>Căn\s+cứ|CĂN\s+CỨ|Trên\s+cơ\s+sở|Thực\s+hiện|THỰC\s+HIỆN|Triển\s+khai|Xét|XÉT|Theo\s+đề\s+nghị|Theo)\b", re.M)
_SEGMENT_END = re.compile(r";|\.(?=\s)|:(?=\s*\n)|\n[ \t]*[-+•][ \t]")


@functools.cache
def _verbs() -> list[tuple[re.Pattern, str]]:
    # a space in a verb matches any run of white space: PDF text breaks "thực \n\nhiện" over lines
    return [(re.compile(rf"\b(?:{_spaces(v)})\b", re.I), rel) for v, rel in tables.relation_verbs()]


def _spaces(pattern: str) -> str:
    return re.sub(r"(?<!\\) ", r"\\s+", pattern)


@functools.cache
def _coord_re() -> re.Pattern:
    words = sorted(tables.type_words(), key=len, reverse=True)
    alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"^[\s,]*(?:và|hoặc|,)?[\s,]*(?:(?:các\s+)?(?:{alt})\s*)?(?::\s*)?(?:s[ốỐ]\s*)?$", re.I)


def last_verb(text: str) -> str | None:
    return last_verb_at(text)[0]


def last_verb_at(text: str) -> tuple[str | None, int]:
    """The relation verb nearest the end of `text` (the longer of two ending together), and its end."""
    best, key, end = None, (-1, 0), 0
    for pat, rel in _verbs():
        for m in pat.finditer(text):
            k = (m.end(), m.end() - m.start())
            if k > key:
                best, key, end = rel, k, m.end()
    return best, end


_PASSIVE = re.compile(r"được\s+(?:sửa đổi|bổ sung|thay thế|bãi bỏ|hướng dẫn)[^.;]*?\b(?:bởi|theo|tại)\s*$", re.I)


@functools.cache
def _typeword_inside() -> re.Pattern:
    words = sorted(tables.type_words(), key=len, reverse=True)
    alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(rf"\b(?:{alt})\b(?!\s+ban\s+hành\s+kèm\s+theo)")


def _names_other_document(after_verb: str) -> bool:
    """'Sửa đổi ... Thông tư 07/2024 ... theo Luật số 32/2024': the verb's object is another document."""
    for m in _typeword_inside().finditer(after_verb):
        if not re.search(r"(?:các|những)\s+$", after_verb[:m.start()]) and after_verb[m.end():].strip(" :"):
            return True
    return False


def _object_between(after_verb: str) -> bool:
    """The verb takes another document named between it and this citation ("hướng dẫn thi hành ...
    Pháp lệnh ưu đãi ... và Nghị định số 89/2008/NĐ-CP"): the citation is a sibling, not its object."""
    return bool(_typeword_inside().search(after_verb)) and bool(re.search(r"(?:\bvà|,)\s*$", after_verb))


def preamble_clauses(body: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    out = []
    marks = list(_CLAUSE.finditer(body, lo, hi))
    if not marks or marks[0].start() > lo:
        out.append((lo, marks[0].start() if marks else hi, "other"))
    for i, m in enumerate(marks):
        e = marks[i + 1].start() if i + 1 < len(marks) else hi
        k = " ".join(m.group("k").lower().split())
        if k == "trên cơ sở":
            k = "xét" if re.match(r"\s*xem\s+xét", body[m.end():m.end() + 20]) else "căn cứ"
        kind = "based_on" if k == "căn cứ" else "implements" if k in ("thực hiện", "triển khai") else "cites"
        # the promulgation sentence after the last "Căn cứ ...;" clause is its own clause
        seg = body[m.start():e]
        stop = re.search(r"[.;]\s*\n(?=\s*(?:Sở|Ủy ban|UBND|Hội đồng|Chủ tịch|Bộ|Chính phủ|Thủ tướng|Ban)\b)", seg)
        if stop:
            out.append((m.start(), m.start() + stop.end(), kind))
            out.append((m.start() + stop.end(), e, "other"))
        else:
            out.append((m.start(), e, kind))
    return out


def link(mentions: list[Mention], view: str) -> None:
    """Set each mention's governor (the citation whose description holds it) and linking verb."""
    for i, m in enumerate(mentions):
        if i == 0:
            continue
        prev = mentions[i - 1]
        if prev.start == m.start:  # "187, 188-KL/TW"
            m.governor, m.verb = prev.governor, prev.verb
            continue
        seg_break = _SEGMENT_END.search(view, prev.core_end, m.start)
        if seg_break or m.clause_id != prev.clause_id:  # type: ignore[attr-defined]
            continue
        gap = view[prev.core_end:m.start]
        verb, vend = last_verb_at(gap)
        if _coord_re().match(gap) or verb is None or _object_between(gap[vend:]) or "dự thảo" in gap:
            m.governor, m.verb = prev.governor, prev.verb
            m.reverse = getattr(prev, "reverse", False)  # type: ignore[attr-defined]
            m.coord = _coord_re().match(gap) is not None  # type: ignore[attr-defined]
        else:
            m.governor, m.verb = i - 1, verb
            # "Luật X số ... được sửa đổi, bổ sung bởi Luật số Y": Y amends X
            if _PASSIVE.search(gap):
                m.reverse = True  # type: ignore[attr-defined]


def segment_verb(view: str, seg_start: int, m: Mention) -> str | None:
    """The verb before a head citation in its own segment ("Thực hiện Quyết định ..."); items of a
    list after a colon ("thay thế các Quyết định: ...; ...") take the verb that introduces the list."""
    seg_start = max(seg_start, m.start - 1500)  # a clause verb stands within a sentence's reach
    last = last_segment_end(view, seg_start, m.start)
    lo = last.end() if last else seg_start
    seg = view[lo:m.start]
    verb, vend = last_verb_at(seg)
    if verb and _names_other_document(seg[vend:]):
        return None
    if verb is None and last and last.group(0) == ";":
        colon = view.rfind(":", max(seg_start, m.start - 1500), lo)
        if colon > 0 and not re.search(r"\.(?=\s)", view[colon:lo]):
            start = max(seg_start, view.rfind(";", 0, colon) + 1)
            dot = [x.end() for x in re.finditer(r"\.(?=\s)", view[start:colon])]
            verb = last_verb(view[start + (dot[-1] if dot else 0):colon])
    return verb


_SEGMENT_CHAR = re.compile(r"[;.:\n]")


def last_segment_end(view: str, lo: int, hi: int):
    """The last match `_SEGMENT_END.finditer(view, lo, hi)` would yield, found from the right: each
    match starts at one of ";.:" or a newline and consumes no other of them, so every position
    where the pattern matches is a match of the scan."""
    for c in scan_back(view, lo, hi, _SEGMENT_CHAR):
        m = _SEGMENT_END.match(view, c, hi)
        if m:
            return m
    return None


def trailing_repeal(view: str, m: Mention) -> bool:
    nxt = _SEGMENT_END.search(view, m.core_end, m.core_end + 400)
    tail = view[m.core_end: nxt.start() if nxt else m.core_end + 200]
    return bool(re.search(r"^\s*(?:đã\s+)?(?:hết\s+hiệu\s+lực|bị\s+bãi\s+bỏ)(?!\s+của)", tail))


def assign(mentions: list[Mention], view: str, clause_start: dict[int, int]) -> None:
    """Relations of each mention from its region, clause kind and linking verb."""
    prev_head: Mention | None = None
    verbs: dict[int, str | None] = {}

    def head_verb(m: Mention) -> str | None:
        # "thực hiện ... của Nghị quyết 57-NQ/TW, Nghị quyết 03/NQ-CP và Kế hoạch 1413": one verb for the list
        if getattr(m, "coord", False) and prev_head is not None and prev_head.clause_id == m.clause_id:  # type: ignore[attr-defined]
            v = verbs.get(id(prev_head))
        else:
            v = segment_verb(view, clause_start[m.clause_id], m)  # type: ignore[attr-defined]
        verbs[id(m)] = v
        return v

    for m in mentions:
        head = m.governor is None
        region, clause = m.region, m.clause
        if region == "footnote":
            m.relations.add("footnote")
        elif region in ("webtitle", "header"):
            pass
        elif region == "title":
            if head:
                v = head_verb(m)
                if v in ("implements", "amends", "replaces", "repeals"):
                    m.relations.add(v)
        elif region == "preamble":
            if clause == "based_on":
                m.relations.add("based_on")
            elif clause == "implements" and head:
                m.relations.add("implements")
            elif clause == "cites":
                m.relations.add("cites")
            elif clause == "other" and head:
                v = head_verb(m)
                if v in ("implements", "amends", "replaces", "repeals"):
                    m.relations.add(v)
        else:  # purpose, body, closing
            m.relations.add("cites")
            if head:
                v = head_verb(m)
                if region == "purpose" and v == "implements":
                    m.relations.add("implements")
                if v in ("amends", "replaces", "repeals") and region != "purpose":
                    m.relations.add(v)
                if trailing_repeal(view, m):
                    m.relations.add("repeals")
        if head:
            prev_head = m


_TITLE_VERB = re.compile(r"^\s*(?:Kế hoạch\s+)?(?:triển khai thực hiện|tổ chức thực hiện|triển khai|thực hiện)\s+", re.I)


def title_only_target(title: str, refs: list[dict], min_score: float = 85, margin: float = 8) -> dict | None:
    """The cited document a title implements by naming its subject, not its number.

    Taken only when one subject clearly matches better than every other (never guessed)."""
    from rapidfuzz import fuzz

    from .units import fold

    m = _TITLE_VERB.match(title or "")
    if not m:
        return None
    want = fold(title[m.end():])
    scored = []
    for r in refs:
        subj = fold(re.sub(r"^(?:ban hành\s+)?(?:kế hoạch\s+)?(?:về\s+)?(?:việc\s+)?(?:triển khai\s+)?(?:thực hiện\s+)?", "", r.get("subject") or "", flags=re.I))
        if len(subj) < 15:
            continue
        scored.append((fuzz.token_set_ratio(want, subj), r))
    scored.sort(key=lambda x: -x[0])
    if not scored or scored[0][0] < min_score:
        return None
    if len(scored) > 1 and scored[0][0] - scored[1][0] < margin and fold(scored[1][1]["subject"]) != fold(scored[0][1]["subject"]):
        return None
    return scored[0][1]
