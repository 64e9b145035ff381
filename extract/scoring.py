"""Score extraction output against gold annotations (see gold SCHEMA.md).

Both sides use the gold format; extra fields in the prediction are ignored.
Every comparison is one-to-one, so a duplicated prediction cannot earn two
true positives.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Sequence

from rapidfuzz import fuzz

# Issue 2's targets: F1 per category that extraction must reach on gold (units are not scored against one).
TARGETS = {
    "references": 0.98, "relations": 0.98, "footnotes": 0.98, "tasks": 0.98,
    "mentions": 0.95, "ref_dates": 0.95, "ref_issuers": 0.95, "implied": 0.95,
    "task_units": 0.95, "deadlines": 0.95, "responsibilities": 0.95, "document": 0.95,
}

CATEGORIES: tuple[str, ...] = (
    "references",
    "mentions",
    "relations",
    "ref_dates",
    "ref_issuers",
    "implied",
    "footnotes",
    "footnote_anchors",
    "tasks",
    "task_units",
    "deadlines",
    "responsibilities",
    "units",
    "document",
)

UNIT_FUZZY_MIN = 92.0
TASK_TITLE_MIN = 80.0
TASK_TITLE_SLACK = 20
DOC_TITLE_MIN = 90.0

# Body codes that mark a Party (not State) document: "57-NQ/TW", "63-CTrHĐ/TU".
PARTY_BODIES = frozenset(
    {
        "tw", "tư", "tu", "đu", "hu", "qu", "thu", "đuk", "đukcq", "đukdn",
        "btgtw", "btctw", "bdvtw", "bnctw", "ubkttw", "vptw", "bcstw",
    }
)

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASH_TABLE = str.maketrans({c: "-" for c in _DASHES})
_WS = re.compile(r"\s+")
_STATE_FORM = re.compile(r"^(\d+[a-z]?)/([^/\-]+)-([^/\-]+)$")


# --------------------------------------------------------------------------
# Counts and report
# --------------------------------------------------------------------------


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def add(self, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def _empty_scores() -> dict[str, Counts]:
    return {c: Counts() for c in CATEGORIES}


@dataclass
class Report:
    overall: dict[str, Counts]
    files: dict[str, dict[str, Counts]]

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": {c: n.to_dict() for c, n in self.overall.items()},
            "files": {
                f: {c: n.to_dict() for c, n in cats.items()}
                for f, cats in self.files.items()
            },
        }

    def table(self, per_file: bool = False) -> str:
        sections = [("overall", self.overall)]
        if per_file:
            sections += list(self.files.items())
        return "\n\n".join(_format_table(title, cats) for title, cats in sections)


def _format_table(title: str, cats: dict[str, Counts]) -> str:
    width = max([len("category")] + [len(c) for c in cats])
    head = f"{'category':<{width}}  {'P':>6}  {'R':>6}  {'F1':>6}  {'tp':>5}  {'fp':>5}  {'fn':>5}"
    lines = [f"== {title}", head, "-" * len(head)]
    for name, n in cats.items():
        lines.append(
            f"{name:<{width}}  {n.precision:6.3f}  {n.recall:6.3f}  {n.f1:6.3f}"
            f"  {n.tp:5d}  {n.fp:5d}  {n.fn:5d}"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# Normalisers
# --------------------------------------------------------------------------


def normalize_text(text: str | None) -> str:
    """Case/space-insensitive form for free text (anchors, deadlines, names)."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    return _WS.sub(" ", text).strip()


def normalize_key(key: str | None) -> str:
    """Comparable form of a document number/symbol.

    Case, spaces, "_" for "/" and Party symbols printed in the State form
    ("04/CT-TW" for "04-CT/TW") are spelling noise, not different documents.
    """
    if key is None:
        return ""
    k = unicodedata.normalize("NFC", str(key)).casefold()
    k = k.translate(_DASH_TABLE).replace("ð", "đ")  # Icelandic eth looks like Đ
    k = _WS.sub("", k).replace("_", "/")
    m = _STATE_FORM.match(k)
    if m and m.group(3) in PARTY_BODIES:
        k = f"{m.group(1)}-{m.group(2)}/{m.group(3)}"
    return k


def normalize_unit(name: str | None) -> str:
    if name is None:
        return ""
    s = unicodedata.normalize("NFC", str(name)).casefold().translate(_DASH_TABLE)
    s = re.sub(r"[,.;:()]", "", s)
    s = re.sub(r"\s*-\s*", " - ", s)
    return _WS.sub(" ", s).strip()


def units_match(a: str | None, b: str | None) -> bool:
    na, nb = normalize_unit(a), normalize_unit(b)
    if not na or not nb:
        return False
    return na == nb or fuzz.ratio(na, nb) >= UNIT_FUZZY_MIN


# --------------------------------------------------------------------------
# One-to-one matching
# --------------------------------------------------------------------------


def _match(
    gold: Sequence[Any],
    pred: Sequence[Any],
    same: Callable[[Any, Any], bool],
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Greedy one-to-one matching in order; returns (pairs, gold_left, pred_left)."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    gold_left: list[int] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if pi not in used and same(g, p):
                used.add(pi)
                pairs.append((gi, pi))
                break
        else:
            gold_left.append(gi)
    pred_left = [pi for pi in range(len(pred)) if pi not in used]
    return pairs, gold_left, pred_left


def _match_units(gold: Sequence[str], pred: Sequence[str]) -> Counts:
    """Exact matches first, then best fuzzy scores, so near-misses cannot steal."""
    g = _dedup(normalize_unit(u) for u in gold)
    p = _dedup(normalize_unit(u) for u in pred)
    free_g, free_p = set(range(len(g))), set(range(len(p)))
    tp = 0
    for gi in sorted(free_g):
        for pi in sorted(free_p):
            if g[gi] == p[pi]:
                free_g.discard(gi)
                free_p.discard(pi)
                tp += 1
                break
    candidates = sorted(
        (
            (fuzz.ratio(g[gi], p[pi]), gi, pi)
            for gi in free_g
            for pi in free_p
        ),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for score, gi, pi in candidates:
        if score < UNIT_FUZZY_MIN:
            break
        if gi in free_g and pi in free_p:
            free_g.discard(gi)
            free_p.discard(pi)
            tp += 1
    return Counts(tp, len(free_p), len(free_g))


def _dedup(items: Iterable[Hashable]) -> list:
    out: list = []
    seen: set = set()
    for it in items:
        if it and it not in seen:
            seen.add(it)
            out.append(it)
    return out


def _set_counts(gold: Iterable[Hashable], pred: Iterable[Hashable]) -> Counts:
    g, p = set(gold), set(pred)
    return Counts(len(g & p), len(p - g), len(g - p))


def _value_item(counts: Counts, gold_val: Any, pred_val: Any, equal: bool) -> None:
    """One scored value: a wrong guess is fp+fn, a missing one only fn."""
    if equal:
        counts.add(tp=1)
    else:
        counts.add(fn=1, fp=int(pred_val is not None))


# --------------------------------------------------------------------------
# Per-category scorers
# --------------------------------------------------------------------------


def _list(d: dict | None, field: str) -> list:
    v = (d or {}).get(field)
    return list(v) if isinstance(v, (list, tuple)) else []


class _KeyMap:
    """Maps any accepted spelling of a gold reference to its gold key."""

    def __init__(self, gold_refs: list[dict]):
        self._canon: dict[str, str] = {}
        for r in gold_refs:
            main = normalize_key(r.get("key"))
            for k in [r.get("key"), *(r.get("alt_keys") or [])]:
                self._canon.setdefault(normalize_key(k), main)

    def __call__(self, key: str | None) -> str:
        nk = normalize_key(key)
        return self._canon.get(nk, nk)


def _aliases(ref: dict) -> set[str]:
    return {normalize_key(k) for k in [ref.get("key"), *(ref.get("alt_keys") or [])]}


def _score_references(gold: dict, pred: dict, canon: _KeyMap, out: dict[str, Counts]) -> None:
    g_refs = [r for r in _list(gold, "references") if r.get("key")]
    p_refs = [r for r in _list(pred, "references") if r.get("key")]
    g_alias = [_aliases(r) for r in g_refs]
    pairs, g_left, p_left = _match(
        list(range(len(g_refs))),
        p_refs,
        lambda gi, p: normalize_key(p.get("key")) in g_alias[gi],
    )
    out["references"].add(tp=len(pairs), fp=len(p_left), fn=len(g_left))

    for gi, pi in pairs:
        g, p = g_refs[gi], p_refs[pi]
        if g.get("mentions") == p.get("mentions"):
            out["mentions"].add(tp=1)
        else:
            out["mentions"].add(fp=1, fn=1)
        if g.get("date") is not None:
            gd, pd = str(g["date"]).strip(), p.get("date")
            _value_item(out["ref_dates"], gd, pd, pd is not None and str(pd).strip() == gd)
        if g.get("issuer") is not None:
            pi_ = p.get("issuer")
            _value_item(out["ref_issuers"], g["issuer"], pi_, units_match(g["issuer"], pi_))

    def rel_set(refs: list[dict]) -> set[tuple[str, str]]:
        return {
            (canon(r.get("key")), normalize_text(rel))
            for r in refs
            for rel in (r.get("relations") or [])
        }

    out["relations"] += _set_counts(rel_set(g_refs), rel_set(p_refs))


def _score_implied(gold: dict, pred: dict, canon: _KeyMap) -> Counts:
    def triples(doc: dict) -> set[tuple[str, str, str]]:
        return {
            (canon(r.get("from")), canon(r.get("to")), normalize_text(r.get("relation")))
            for r in _list(doc, "implied_relations")
        }

    return _set_counts(triples(gold), triples(pred))


def _footnote_no(fn: dict) -> Any:
    n = fn.get("n")
    try:
        return int(n)
    except (TypeError, ValueError):
        return n


def _score_footnotes(gold: dict, pred: dict, canon: _KeyMap, out: dict[str, Counts]) -> None:
    g_fns = {_footnote_no(f): f for f in _list(gold, "footnotes")}
    p_fns = {_footnote_no(f): f for f in _list(pred, "footnotes")}

    g_pairs = {(n, canon(k)) for n, f in g_fns.items() for k in f.get("refs") or []}
    p_pairs = {(n, canon(k)) for n, f in p_fns.items() for k in f.get("refs") or []}
    tolerated = {
        (n, canon(k))
        for n, f in g_fns.items()
        for k in (f.get("alt_refs") or []) + (f.get("title_refs") or [])
    }
    out["footnotes"].add(
        tp=len(g_pairs & p_pairs),
        fp=len(p_pairs - g_pairs - tolerated),
        fn=len(g_pairs - p_pairs),
    )

    anchors = out["footnote_anchors"]
    for n, g in g_fns.items():
        if n not in p_fns:
            anchors.add(fn=1)
            continue
        ga, pa = normalize_text(g.get("anchor")), normalize_text(p_fns[n].get("anchor"))
        ok = ga == pa or (bool(ga) and bool(pa) and (ga.endswith(pa) or pa.endswith(ga)))
        if ok:
            anchors.add(tp=1)
        else:
            anchors.add(fp=1, fn=1)
    anchors.add(fp=len(set(p_fns) - set(g_fns)))


def _titles_similar(gold_title: str | None, pred_title: str | None) -> bool:
    g, p = normalize_text(gold_title), normalize_text(pred_title)
    limit = len(g) + TASK_TITLE_SLACK
    g, p = g[:limit], p[:limit]
    if not g and not p:
        return True
    return fuzz.token_set_ratio(g, p) >= TASK_TITLE_MIN


def _date_range(task: dict) -> tuple[Any, Any] | None:
    rng = (task.get("deadline_start"), task.get("deadline_end"))
    return None if rng == (None, None) else rng


def _score_tasks(gold: dict, pred: dict, out: dict[str, Counts]) -> None:
    g_tasks, p_tasks = _list(gold, "tasks"), _list(pred, "tasks")
    label = lambda t: str(t.get("label") or "").strip()  # noqa: E731
    pairs, g_left, p_left = _match(g_tasks, p_tasks, lambda g, p: label(g) == label(p))
    out["tasks"].add(fp=len(p_left), fn=len(g_left))

    for gi, pi in pairs:
        g, p = g_tasks[gi], p_tasks[pi]
        if _titles_similar(g.get("title"), p.get("title")):
            out["tasks"].add(tp=1)
        else:
            out["tasks"].add(fp=1, fn=1)

        roles = ["lead", "support"] + (["executor"] if "executor" in g else [])
        for role in roles:
            out["task_units"] += _match_units(_list(g, role), _list(p, role))

        gd, pd = g.get("deadline"), p.get("deadline")
        if gd is not None:
            _value_item(out["deadlines"], gd, pd, normalize_text(gd) == normalize_text(pd))
        elif pd is not None:
            out["deadlines"].add(fp=1)

        g_rng, p_rng = _date_range(g), _date_range(p)
        if g_rng is not None:
            _value_item(out["deadlines"], g_rng, p_rng, g_rng == p_rng)


def _unit_names(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return []


_DOC_FIELDS = (
    "doc_type", "number", "issued_date", "issuer",
    "signer", "signer_title", "title", "same_as",
)


def _same_file(name: Any) -> str:
    s = normalize_text(name).replace("\\", "/").rsplit("/", 1)[-1]
    return re.sub(r"\.(txt|json)$", "", s)


def _doc_field_equal(field: str, g: Any, p: Any) -> bool:
    if p is None:
        return False
    if field == "number":
        return normalize_key(g) == normalize_key(p)
    if field == "issuer":
        return units_match(g, p)
    if field == "title":
        return fuzz.ratio(normalize_text(g), normalize_text(p)) >= DOC_TITLE_MIN
    if field == "same_as":
        return _same_file(g) == _same_file(p)
    return normalize_text(g) == normalize_text(p)


def _score_document(gold: dict, pred: dict) -> Counts:
    g_doc, p_doc = gold.get("document") or {}, pred.get("document") or {}
    counts = Counts()
    for field in _DOC_FIELDS:
        g, p = g_doc.get(field), p_doc.get(field)
        if g is not None:
            _value_item(counts, g, p, _doc_field_equal(field, g, p))
        elif p is not None:
            counts.add(fp=1)
    return counts


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def score_file(gold: dict, pred: dict) -> dict[str, Counts]:
    gold, pred = gold or {}, pred or {}
    out = _empty_scores()
    canon = _KeyMap(_list(gold, "references"))

    _score_references(gold, pred, canon, out)
    out["implied"] += _score_implied(gold, pred, canon)
    _score_footnotes(gold, pred, canon, out)
    _score_tasks(gold, pred, out)
    out["responsibilities"] += _match_units(
        [r.get("unit") for r in _list(gold, "responsibilities") if r.get("unit")],
        [r.get("unit") for r in _list(pred, "responsibilities") if r.get("unit")],
    )
    out["units"] += _match_units(_unit_names(gold.get("units")), _unit_names(pred.get("units")))
    out["document"] += _score_document(gold, pred)
    return out


def score_corpus(pairs: list[tuple[dict, dict]]) -> Report:
    overall = _empty_scores()
    files: dict[str, dict[str, Counts]] = {}
    for i, (gold, pred) in enumerate(pairs):
        name = str((gold or {}).get("file") or (pred or {}).get("file") or f"#{i}")
        while name in files:
            name = f"{name}#{i}"
        scores = score_file(gold, pred)
        files[name] = scores
        for cat, counts in scores.items():
            overall[cat] = overall[cat] + counts
    return Report(overall=overall, files=files)
