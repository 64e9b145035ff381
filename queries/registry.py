"""The department task registry: every task of a unit across all plans, and the unit list.

Users type unit names loosely ("phong ke hoach tai chinh"), so names and every spelling seen are
compared folded (diacritics, đ and case) — exact first (an indexed lookup), then rapidfuzz above a
threshold over every spelling (a scan, only when no spelling matches exactly) — and the answer says
which unit matched."""
from __future__ import annotations

import functools
import re
from datetime import date

from rapidfuzz import fuzz

from kg.identity import fold

from .backend import Ambiguous, Backend, BadQuery, NotFound
from .resolve import resolve_document

ROLE_OF_REL = {"LEADS": "lead", "SUPPORTS": "support", "EXECUTES": "executor", "RESPONSIBLE_FOR": "responsible"}
ROLE_ORDER = ["lead", "support", "executor", "responsible"]
FUZZY_MIN = 86


def match_unit(b: Backend, query: str) -> dict:
    """{"id", "name", "how", "score", "matched"} for the one unit `query` names."""
    q = fold(query or "")
    if not q:
        raise BadQuery("thiếu tên đơn vị")
    spelled = b.units_spelled(q)  # the common case: one indexed lookup, no scan of every spelling
    exact = sorted({uid for uid, _a, _n in spelled})
    if len(exact) == 1:
        uid, alias, name = spelled[0]
        return {"id": uid, "name": name, "how": "exact", "score": 100.0, "matched": alias}
    if len(exact) > 1:
        keys = sorted({uid: name for uid, _a, name in spelled}.values())
        raise Ambiguous(f"{query!r} khớp nhiều đơn vị: " + "; ".join(keys), keys)
    names = b.unit_names()
    display = b.unit_display()
    best: dict[str, tuple[float, str]] = {}
    for uid, alias, f in names:
        s = max(fuzz.ratio(q, f), fuzz.token_sort_ratio(q, f))
        if s > best.get(uid, (-1, ""))[0]:
            best[uid] = (s, alias)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], display[kv[0]]))
    if ranked and ranked[0][1][0] >= FUZZY_MIN:
        top = ranked[0][1][0]
        close = [uid for uid, (s, _a) in ranked if s >= top - 1.5]
        if len(close) > 1:
            keys = [display[u] for u in close]
            raise Ambiguous(f"{query!r} khớp gần như nhau nhiều đơn vị: " + "; ".join(keys), keys)
        uid, (s, alias) = ranked[0]
        return {"id": uid, "name": display[uid], "how": "fuzzy", "score": round(s, 1), "matched": alias}
    words = q.split()
    within = sorted({uid for uid, _a, f in names if all(re.search(rf"\b{re.escape(w)}\b", f) for w in words)})
    if len(within) == 1:
        return {"id": within[0], "name": display[within[0]], "how": "words", "score": None,
                "matched": display[within[0]]}
    hint = [display[u] for u in within[:5]] or [display[uid] for uid, _ in ranked[:3]]
    if len(within) > 1:
        raise Ambiguous(f"{query!r} khớp nhiều đơn vị: " + "; ".join(hint), hint)
    raise NotFound(f"không tìm thấy đơn vị {query!r}" + (f" (gần nhất: {'; '.join(hint)})" if hint else ""))


def parse_date(s: str) -> str:
    """ISO date from "2024-06-30", "30/06/2024", "2024-06" (end of month) or "2024" (end of year)."""
    s = (s or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s):
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", s):
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", s):
            y, mo = int(m[1]), int(m[2])
            nxt = date(y + (mo == 12), mo % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1).isoformat()
        if re.fullmatch(r"\d{4}", s):
            return f"{s}-12-31"
    except ValueError:
        pass
    raise BadQuery(f"ngày không hợp lệ: {s!r} (dùng YYYY-MM-DD hoặc DD/MM/YYYY)")


def unit_tasks(b: Backend, unit: str, role: str | None = None, due_before: str | None = None,
               plan: str | None = None) -> dict:
    """{"unit": match, "items": [...]}: each task once per role, responsibilities as role
    "responsible"; `due_before` keeps tasks whose period ends on or before that date."""
    m = match_unit(b, unit)
    limit = parse_date(due_before) if due_before else None
    plan_id = resolve_document(b, plan)["id"] if plan else None
    items, seen = [], set()
    for r in b.unit_work(m["id"]):
        rl = ROLE_OF_REL[r["rel"]]
        if (r["id"], rl) in seen or (role and rl != role) or (plan_id and r["doc_id"] != plan_id):
            continue
        if limit and not (r["deadline_end"] and r["deadline_end"] <= limit):
            continue
        seen.add((r["id"], rl))
        items.append({"task": r["key"], "document": r["document"], "label": r["label"], "title": r["title"],
                      "role": rl, "deadline": r["deadline"], "deadline_start": r["deadline_start"],
                      "deadline_end": r["deadline_end"], "unit": m["name"]})
    items.sort(key=lambda i: (i["document"], i["role"] == "responsible", _label_key(i["label"]),
                              ROLE_ORDER.index(i["role"]), i["task"]))
    return {"unit": m, "items": items}


@functools.lru_cache(maxsize=4096)  # labels repeat ("1", "2.1", "II.3"): a big unit's list splits each once
def _label_key(label) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in re.split(r"[.~]", str(label or "0")))


def units(b: Backend) -> list[dict]:
    """The unit registry: canonical name, every spelling seen, parent body, number of tasks."""
    return [{"name": u["name"], "aliases": sorted(set(u["aliases"]) - {u["name"]}), "parent": u["parent"],
             "tasks": u["tasks"]} for u in b.units()]
