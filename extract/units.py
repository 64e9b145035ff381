"""Unit names: canonical form from data (aliases, abbreviations, heads, localities) plus
rapidfuzz for variants. An unknown unit becomes its own canonical entry, never a wrong match."""
from __future__ import annotations

import functools
import re
import unicodedata

from . import tables
from .letters import fold_chars
from .trie import alternation

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
    return re.compile(r"(?:(?:Thành phố|thành phố|THÀNH PHỐ|TP\.?|Tp\.?|tỉnh|Tỉnh|TỈNH)[ \t]*)?(?<![^\W\d_])(?P<n>"
                      + alternation(_loc_names()) + r")(?![^\W\d_])")


@functools.cache
def _loc_name_re() -> re.Pattern:
    return re.compile(r"(?P<n>" + alternation(_loc_names(), not_after=r"[^\W\d_]") + r")(?![^\W\d_])")


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


@functools.lru_cache(maxsize=65536)
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


_BLANK_RUN = re.compile(r"\s+")
_PURPOSE_END = re.compile(r"\s*\((?:để|đề nghị)[^)]*\)?$")
_REQUEST = re.compile(r"^(?:Đề nghị|đề nghị|Giao|giao|Kính gửi:?)\s+")
_DASH_GAP = re.compile(r"\s[–—-]\s|[–—]")


@functools.lru_cache(maxsize=65536)
def clean(name: str) -> str:
    name = unicodedata.normalize("NFC", name).replace("Uỷ", "Ủy").replace("uỷ", "ủy").replace("UỶ", "ỦY")
    name = _BLANK_RUN.sub(" ", name).strip(" ,;.:-–()")
    name = _PURPOSE_END.sub("", name)
    name = _REQUEST.sub("", name)
    name = DASHES.sub(" - ", name) if _DASH_GAP.search(name) else name
    return name.strip(" ,;.:")


@functools.lru_cache(maxsize=65536)
def canonical(name: str, locality=None, issuer: str | None = None) -> str:
    """Canonical name of a unit as written in a document of `locality` issued by `issuer`."""
    form = _name_form(name)
    if form[0] == "registered":
        return _fill(form[1], locality)
    if form[0] == "final":
        return form[1]
    _, ex, office, headed, proper = form
    if issuer and office and issuer.split()[0] == ex.split()[-1]:
        base = _strip_loc(issuer, locality)
        return ex[: -len(ex.split()[-1])] + base
    ex = headed
    if locality is not None and proper is not None:
        ex = _localise(ex, proper, locality)
    if ex.upper() == ex and len(ex) > 4:
        ex = _title_case(ex)
    return ex


_KHOA = re.compile(r"\s+kh(?:oá|óa|oa)\s+[IVXLC]+$")
_LETTERS3 = re.compile(r"[^\W\d_]{3}")
_CAC = re.compile(r"(?:Các|các)\s")
_CAC_THUOC = re.compile(r"(?:Các|các)\s+\w+\s+(?:chuyên môn\s+)?thuộc\b|(?:Các|các)\s+phòng,")
_DASHED = re.compile(r"[–—]|\s-\s")
_OFFICE = re.compile(r"Văn phòng (?:Sở|Bộ)|Các phòng, trung tâm thuộc Sở|Các phòng thuộc Sở", re.I)


@functools.lru_cache(maxsize=65536)
def _name_form(name: str) -> tuple:
    """What canonical() makes of a name before the locality and the issuer count, remembered apart
    because the same names recur in documents of many places and issuers: ("registered", canonical
    name, maybe with {loc}), ("final", name), or ("local", expanded name, whether it is an issuer's own
    office, the name with its head's case, that head or None)."""
    name = clean(name)
    if not name:
        return ("final", name)
    reg = _registry()
    k = unit_key(name)
    if k in reg:
        return ("registered", reg[k])
    name = _KHOA.sub("", name)
    if name.upper() == name and len(name) > 4 and _LETTERS3.search(name):
        name = _title_case(expand(name))
    if _CAC.match(name) and not _heads_re().match(expand(name)[4:]) or _CAC_THUOC.match(name):
        return ("final", name[0].upper() + name[1:])
    ex = expand(name)
    ex = DASHES.sub(" - ", ex) if _DASHED.search(ex) else ex
    k2 = unit_key(ex)
    if k2 in reg:
        return ("registered", reg[k2])
    ex = ex[0].upper() + ex[1:]
    head = _heads_re().match(ex)
    proper = _head_case(head.group(0)) if head else None
    headed = proper + ex[len(head.group(0)):] if head else ex
    return ("local", ex, bool(_OFFICE.fullmatch(ex)), headed, proper)


@functools.cache
def _head_cases() -> dict[str, str]:
    out: dict[str, str] = {}
    for h in tables.unit_heads():
        out.setdefault(h.lower(), h)
    return out


def _head_case(head: str) -> str:
    return _head_cases().get(head.lower(), head)


def _fill(canon: str, locality) -> str:
    if "{loc}" in canon:
        return canon.replace("{loc}", locality.full if locality else "").strip()
    return canon


def _strip_loc(issuer: str, locality) -> str:
    if locality is not None and issuer.endswith(" " + locality.full):
        return issuer[: -len(locality.full) - 1]
    return issuer


_CITY_END = re.compile(r"\s(?:Thành phố|thành phố|TP\.?|Tp\.?)$")
_PROVINCE_END = re.compile(r"\s(?:tỉnh|Tỉnh)$")
_DISTRICT = re.compile(r"\b(?:quận|huyện|xã|phường|thị xã|đặc khu)\b")


def _localise(name: str, head: str, locality) -> str:
    full = locality.full
    m = _CITY_END.search(name)
    if m and locality.kind == "city":
        return name[: m.start()] + " " + full
    m = _PROVINCE_END.search(name)
    if m and locality.kind == "province":
        return name[: m.start()] + " " + full
    if _loc_name_re().search(name) or _DISTRICT.search(name):  # a place name, with or without its prefix
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


_PLACE_WORD = re.compile(r"\b(thành phố|tỉnh) ")
_FIXED_CASE = [(re.compile(re.escape(fixed.lower()), re.I), fixed)
               for fixed in ("Ủy ban nhân dân", "Hội đồng nhân dân", "Giáo dục và Đào tạo", "Khoa học và Công nghệ", "Chính phủ",
                             "Bộ Chính trị", "Thành ủy", "Tỉnh ủy", "Quốc hội", "Thủ tướng")]


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
    res = _PLACE_WORD.sub(lambda m: ("Thành phố " if m.group(1) == "thành phố" else "tỉnh "), res)
    for pat, fixed in _FIXED_CASE:
        res = pat.sub(fixed, res)
    return res[0].upper() + res[1:]


_CAC_KIND = re.compile(r"(?:Các|các)\s+(?:phòng|trường|trung tâm|đơn vị|cơ quan|sở|ban|cơ sở)\b")


@functools.cache
def _non_units_lower() -> tuple[str, ...]:
    return tuple(w.lower() for w in tables.non_units())


@functools.lru_cache(maxsize=65536)
def is_unit(name: str) -> bool:
    name = clean(name)
    if not name or unit_key(name) in _registry():
        return bool(name)
    if _CAC_KIND.match(name):
        return True
    cap = expand(name[:1].upper() + name[1:])
    if cap.lower().startswith(_non_units_lower()):
        return False
    return bool(_heads_re().match(cap))


@functools.cache
def _stop_re() -> re.Pattern:
    return re.compile(r"\s(?:" + "|".join(re.escape(w) for w in tables.unit_stops()) + r")\b")


def trim(text: str) -> str:
    """A unit list that runs on into its sentence ends at the first verb: 'Sở Tài chính chủ trì ...'."""
    m = _stop_re().search(text)
    return text[: m.start()] if m else text


_SPLIT = re.compile(r"(\s*[,;]\s*|\s+và\s+|\s*\n\s*)")  # captured: the pieces come with their separators
_CAC_WORD = re.compile(r"(?:Các|các)\s+\w+")


def split_units(text: str) -> list[str]:
    """Split a list of units at commas, semicolons and 'và' only where a new unit name begins."""
    return list(_split_units(text))


@functools.lru_cache(maxsize=65536)
def _split_units(text: str) -> tuple[str, ...]:
    """split_units, remembered: the same unit lists come back in field after field."""
    text = " ".join(text.split()).strip(" .;,")
    if not text:
        return ()
    reg_keys, prefixes = _registry(), _registry_prefixes()
    parts = _SPLIT.split(text)
    out: list[str] = [parts[0]]
    for i in range(2, len(parts), 2):
        p = parts[i]
        joined = out[-1] + parts[i - 1] + p
        if p[:1].islower() and _CAC_WORD.fullmatch(out[-1]):
            out[-1] = joined
            continue
        starts_unit = is_unit(p) and (p[:1].isupper() or p.lower().startswith(("các ", "trường ", "trung tâm ", "phòng ", "sở ", "cơ sở ")))
        jk = unit_key(joined)
        if jk in reg_keys or (jk in prefixes and not starts_unit):
            out[-1] = joined
        elif starts_unit:
            out.append(p)
        else:
            out[-1] = joined
    return tuple(c for c in map(clean, out) if c)


@functools.cache
def known_names() -> tuple[str, ...]:
    """Registered unit names and national bodies, longest first."""
    return tuple(sorted({n for e in tables.unit_entries() for n in (e.canonical, *e.aliases) if "{loc}" not in n}
                        | {ic.issuer for ic in tables.issuer_codes().values() if ic.scope == "national"}
                        | {"Thành ủy", "Tỉnh ủy"}, key=len, reverse=True))


@functools.cache
def _known_re() -> re.Pattern:
    """Registered unit names and national bodies, as they may stand in running text."""
    return re.compile(_known_source(known_names()))


def _known_source(names) -> str:
    return alternation(names, sep=r"\s+", not_after=r"[^\W\d_]") + r"(?![^\W\d_])"


@functools.cache
def _known_res() -> list[re.Pattern]:
    """_known_re cut by first letter: the capitalised names, and the few names in lower case ("các
    Trường ...", "trung tâm ...") by their first letter, each led by the letters its names share:
    a scan for "tr" or "các" is far quicker than one stopping at every "t" and "c"."""
    groups: dict[str, list[str]] = {}
    for n in known_names():
        groups.setdefault(n[0] if n[0].islower() else "", []).append(n)
    return [re.compile(_known_source(g)) for g in groups.values()]


def find_mentions(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int, str]]:
    """Registered unit names as written in running text: (start, end, surface)."""
    hi = len(text) if hi is None else hi
    # no two parts can match at one position (their first letters differ), so when their finds do not
    # overlap they are exactly what the single pattern finds; when they do, it decides which comes first
    found = sorted((m for p in _known_res() for m in p.finditer(text, lo, hi)), key=lambda m: m.start())
    if any(a.end() > b.start() for a, b in zip(found, found[1:])):
        found = list(_known_re().finditer(text, lo, hi))
    return [(m.start(), m.end(), " ".join(m.group(0).split())) for m in found]
