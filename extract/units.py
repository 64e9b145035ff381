"""Unit names: canonical form from data (aliases, abbreviations, heads, localities) plus
rapidfuzz for variants. An unknown unit becomes its own canonical entry, never a wrong match."""
from __future__ import annotations

import functools
import re
import unicodedata

from . import tables
from .letters import fold_chars

DASHES = re.compile(r"\s*[–—‑-]\s*")


@functools.lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Diacritic-free, case-free comparison form (đ folded too: unicode61 does not)."""
    s = fold_chars(unicodedata.normalize("NFC", s))
    return " ".join(_NONWORD.sub(" ", s).split())


_NONWORD = re.compile(r"[^\w&]+")


@functools.lru_cache(maxsize=65536)
def unit_key(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace("Uỷ", "Ủy").replace("uỷ", "ủy").replace("hoá", "hóa").replace("khoá", "khóa")
    return " ".join(_NONWORD.sub(" ", s.casefold()).split())


@functools.cache
def _registry_prefixes() -> frozenset[str]:
    """Every word-prefix of a registered name: lets list splitting ask 'could this still grow into one?'."""
    out = set()
    for k in _registry():
        words = k.split(" ")
        for i in range(1, len(words)):
            out.add(" ".join(words[:i]))
    return frozenset(out)


@functools.cache
def _registry() -> dict[str, str]:
    out = {}
    for e in tables.unit_entries():
        for name in (e.canonical, *e.aliases):
            out[unit_key(name)] = e.canonical
    return out


@functools.cache
def _heads_re() -> re.Pattern:
    heads = sorted(tables.unit_heads(), key=len, reverse=True)
    return re.compile(r"^(?:" + "|".join(re.escape(h) for h in heads) + r")(?=\s|$)", re.I)


@functools.cache
def _loc_names() -> list[str]:
    names = []
    for loc in tables.localities():
        names += [loc.name, *loc.aliases]
        names += [n.upper() for n in (loc.name, *loc.aliases)]
    return sorted(set(names), key=len, reverse=True)


@functools.cache
def _loc_re() -> re.Pattern:
    """A place name with its optional 'Thành phố'/'tỉnh' prefix (searched name-first for speed)."""
    alt = "|".join(re.escape(n) for n in _loc_names())
    return re.compile(r"(?:(?:Thành phố|thành phố|THÀNH PHỐ|TP\.?|Tp\.?|tỉnh|Tỉnh|TỈNH)[ \t]*)?(?<![^\W\d_])(?P<n>" + alt + r")(?![^\W\d_])")


@functools.cache
def _loc_name_re() -> re.Pattern:
    return re.compile(r"(?<![^\W\d_])(?P<n>" + "|".join(re.escape(n) for n in _loc_names()) + r")(?![^\W\d_])")


@functools.cache
def _loc_index() -> dict[str, object]:
    out = {}
    for loc in tables.localities():
        for n in (loc.name, *loc.aliases):
            out[n] = loc
            out[n.upper()] = loc
    return out


def locality_of(name: str):
    return _loc_index().get(name)


def expand(name: str) -> str:
    abbr = tables.abbreviations()
    name = name.replace("TP.HCM", "TPHCM").replace("TP. HCM", "TPHCM").replace("TP HCM", "TPHCM")
    toks = name.split(" ")
    out = []
    for i, tok in enumerate(toks):
        core = tok.rstrip(",;.")
        tail = tok[len(core):]
        if core == "TT" and i > 0:
            out.append(tok)
            continue
        if core == "TPHCM":
            out.append("Thành phố Hồ Chí Minh" + tail)
        elif core in abbr:
            out.append(abbr[core] + tail)
        elif "-" in core and all(p in abbr for p in core.split("-")):
            out.append(" - ".join(abbr[p] for p in core.split("-")) + tail)
        else:
            out.append(tok)
    return " ".join(out)


@functools.lru_cache(maxsize=65536)
def clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name).replace("Uỷ", "Ủy").replace("uỷ", "ủy").replace("UỶ", "ỦY")
    name = re.sub(r"\s+", " ", name).strip(" ,;.:-–()")
    name = re.sub(r"\s*\((?:để|đề nghị)[^)]*\)?$", "", name)
    name = re.sub(r"^(?:Đề nghị|đề nghị|Giao|giao|Kính gửi:?)\s+", "", name)
    name = DASHES.sub(" - ", name) if re.search(r"\s[–—-]\s|[–—]", name) else name
    return name.strip(" ,;.:")


@functools.lru_cache(maxsize=65536)
def canonical(name: str, locality=None, issuer: str | None = None) -> str:
    """Canonical name of a unit as written in a document of `locality` issued by `issuer`."""
    name = clean(name)
    if not name:
        return name
    reg = _registry()
    k = unit_key(name)
    if k in reg:
        return _fill(reg[k], locality)
    name = re.sub(r"\s+kh(?:oá|óa|oa)\s+[IVXLC]+$", "", name)
    if name.upper() == name and len(name) > 4 and re.search(r"[^\W\d_]{3}", name):
        name = _title_case(expand(name))
    if re.match(r"(?:Các|các)\s", name) and not _heads_re().match(expand(name)[4:]) or re.match(r"(?:Các|các)\s+\w+\s+(?:chuyên môn\s+)?thuộc\b|(?:Các|các)\s+phòng,", name):
        return name[0].upper() + name[1:]
    ex = expand(name)
    ex = DASHES.sub(" - ", ex) if re.search(r"[–—]|\s-\s", ex) else ex
    k2 = unit_key(ex)
    if k2 in reg:
        return _fill(reg[k2], locality)
    ex = ex[0].upper() + ex[1:]
    if issuer and re.fullmatch(r"Văn phòng (?:Sở|Bộ)|Các phòng, trung tâm thuộc Sở|Các phòng thuộc Sở", ex, re.I) \
            and issuer.split()[0] == ex.split()[-1]:
        base = _strip_loc(issuer, locality)
        return ex[: -len(ex.split()[-1])] + base
    head = _heads_re().match(ex)
    if head:
        proper = _head_case(head.group(0))
        ex = proper + ex[len(head.group(0)):]
    if locality is not None and head:
        ex = _localise(ex, proper, locality)
    if ex.upper() == ex and len(ex) > 4:
        ex = _title_case(ex)
    return ex


def _head_case(head: str) -> str:
    for h in tables.unit_heads():
        if h.lower() == head.lower():
            return h
    return head


def _fill(canon: str, locality) -> str:
    if "{loc}" in canon:
        return canon.replace("{loc}", locality.full if locality else "").strip()
    return canon


def _strip_loc(issuer: str, locality) -> str:
    if locality is not None and issuer.endswith(" " + locality.full):
        return issuer[: -len(locality.full) - 1]
    return issuer


def _localise(name: str, head: str, locality) -> str:
    full = locality.full
    m = re.search(r"\s(?:Thành phố|thành phố|TP\.?|Tp\.?)$", name)
    if m and locality.kind == "city":
        return name[: m.start()] + " " + full
    m = re.search(r"\s(?:tỉnh|Tỉnh)$", name)
    if m and locality.kind == "province":
        return name[: m.start()] + " " + full
    if _loc_re().search(name) or re.search(r"\b(?:quận|huyện|xã|phường|thị xã|đặc khu)\b", name):
        return _full_loc_name(name)
    if tables.unit_heads()[head][1] and name != head:
        return name + " " + full
    if name == head and head in ("Thành ủy", "Tỉnh ủy", "Ủy ban nhân dân", "Hội đồng nhân dân"):
        return name + " " + full
    return name


def _full_loc_name(name: str) -> str:
    """'Ủy ban nhân dân TP Hồ Chí Minh' -> '... Thành phố Hồ Chí Minh'."""
    def sub(m: re.Match) -> str:
        loc = locality_of(m.group("n"))
        return (" " if m.group(0)[0] == " " else "") + loc.full if loc else m.group(0)
    return _loc_re().sub(sub, name)


@functools.cache
def _loc_ci_re() -> re.Pattern:
    return re.compile("|".join(re.escape(n) for n in _loc_names()), re.I)


@functools.cache
def _loc_ci_index() -> dict[str, str]:
    return {k.casefold(): v.name for k, v in _loc_index().items()}


def locality_of_ci(name: str) -> str:
    return _loc_ci_index().get(name.casefold(), name)


@functools.cache
def _national_ci_index() -> dict[str, str]:
    return {ic.issuer.casefold(): ic.issuer for ic in tables.issuer_codes().values() if ic.scope == "national"}


@functools.cache
def _national_ci_re() -> re.Pattern:
    names = sorted(_national_ci_index(), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names), re.I)


def _title_case(s: str) -> str:
    """Header lines are printed in capitals; give them the case of a running-text name."""
    words = s.lower().split(" ")
    out = []
    caps_next = True
    for w in words:
        out.append(w[:1].upper() + w[1:] if caps_next else w)
        caps_next = False
    res = " ".join(out)
    res = _loc_ci_re().sub(lambda m: locality_of_ci(m.group(0)), res)
    res = _national_ci_re().sub(lambda m: _national_ci_index()[m.group(0).casefold()], res)
    res = re.sub(r"\b(thành phố|tỉnh) ", lambda m: ("Thành phố " if m.group(1) == "thành phố" else "tỉnh "), res)
    for fixed in ("Ủy ban nhân dân", "Hội đồng nhân dân", "Giáo dục và Đào tạo", "Khoa học và Công nghệ", "Chính phủ",
                  "Bộ Chính trị", "Thành ủy", "Tỉnh ủy", "Quốc hội", "Thủ tướng"):
        res = re.sub(re.escape(fixed.lower()), fixed, res, flags=re.I)
    return res[0].upper() + res[1:]


@functools.lru_cache(maxsize=65536)
def is_unit(name: str) -> bool:
    name = clean(name)
    if not name or unit_key(name) in _registry():
        return bool(name)
    if re.match(r"(?:Các|các)\s+(?:phòng|trường|trung tâm|đơn vị|cơ quan|sở|ban|cơ sở)\b", name):
        return True
    cap = expand(name[:1].upper() + name[1:])
    if cap.lower().startswith(tuple(w.lower() for w in tables.non_units())):
        return False
    return bool(_heads_re().match(cap))


@functools.cache
def _stop_re() -> re.Pattern:
    return re.compile(r"\s(?:" + "|".join(re.escape(w) for w in tables.unit_stops()) + r")\b")


def trim(text: str) -> str:
    """A unit list that runs on into its sentence ends at the first verb: 'Sở Tài chính chủ trì ...'."""
    m = _stop_re().search(text)
    return text[: m.start()] if m else text


_SPLIT = re.compile(r"\s*[,;]\s*|\s+và\s+|\s*\n\s*")


def split_units(text: str) -> list[str]:
    """Split a list of units at commas, semicolons and 'và' only where a new unit name begins."""
    text = re.sub(r"\s+", " ", text).strip(" .;,")
    if not text:
        return []
    reg_keys = _registry()
    pieces = _SPLIT.split(text)
    seps = _SPLIT.findall(text)
    out: list[str] = []
    for i, p in enumerate(pieces):
        if not out:
            out.append(p)
            continue
        joined = out[-1] + seps[i - 1] + p
        if re.fullmatch(r"(?:Các|các)\s+\w+", out[-1]) and p[:1].islower():
            out[-1] = joined
            continue
        starts_unit = is_unit(p) and (p[:1].isupper() or p.lower().startswith(("các ", "trường ", "trung tâm ", "phòng ", "sở ", "cơ sở ")))
        jk = unit_key(joined)
        if jk in reg_keys or (jk in _registry_prefixes() and not starts_unit):
            out[-1] = joined
        elif starts_unit:
            out.append(p)
        else:
            out[-1] = joined
    return [clean(u) for u in out if clean(u)]


@functools.cache
def known_names() -> tuple[str, ...]:
    """Registered unit names and national bodies, longest first."""
    return tuple(sorted({n for e in tables.unit_entries() for n in (e.canonical, *e.aliases) if "{loc}" not in n}
                        | {ic.issuer for ic in tables.issuer_codes().values() if ic.scope == "national"}
                        | {"Thành ủy", "Tỉnh ủy"}, key=len, reverse=True))


@functools.cache
def _known_re() -> re.Pattern:
    """Registered unit names and national bodies, as they may stand in running text."""
    names = known_names()
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in names) + r")(?![^\W\d_])")


def find_mentions(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
    """Registered unit names as written in running text: (start, end, surface)."""
    hi = len(text) if hi is None else hi
    return [(m.start(), m.end(), " ".join(m.group(0).split())) for m in _known_re().finditer(text, lo, hi)]
