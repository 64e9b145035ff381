"""Find document citations: one compiled pattern for every symbol form, then small parsers for
the words around it (type word, date, issuer, subject). Tables in data/ say what the codes mean."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from . import tables
from .letters import LOWER

# A symbol code: capitals (Đ included) with at most one lower-case letter between capitals
# (TTg, CTrHĐ, QĐi, QyĐ); "&" joins parts (BNN&MT, GD&ĐT). QH and UBTVQH carry their term.
CODE = r"(?:(?:UBTVQH|QH)\d{2}|[A-ZĐ](?:[A-ZĐƯƠ]|[a-zđ]{1,2}(?![a-zđ])|&[ ]?(?=[A-ZĐ]))*)"
NUM = r"\d{1,5}(?:\.\d{1,3})?"
_LB = r"(?<![\d./\-_:,A-Za-z])(?<![\d,] )"
_END = r"(?P<fn>\d{1,2})?(?![\d]|[^\W\d_])"
SYMBOL = re.compile(
    rf"(?=\d){_LB}(?:"
    # Party: 57-NQ/TW, 31-\n\nNQ/TW, 187, 188-KL/TW, 24-NQ_TW
    rf"(?P<pnum>{NUM}(?:[ \t]*,[ \t]*{NUM}){{0,8}})[ \t]?-\s{{0,5}}(?P<ptype>{CODE})[ \t]*[/_][ \t]*(?P<pbody>{CODE})"
    # State: 2531/QĐ-UBND, 70/2024/QĐ-UBND, 2531_QĐ-UBND, 1927/KH-\nUBND, 45/2019/QH14
    rf"|(?P<snum>{NUM})(?:[ \t]*/[ \t]*(?P<year>(?:19|20)\d{{2}}))?[ \t]*[/_][ \t]?(?P<scodes>{CODE}(?:[ \t]?-\s{{0,5}}{CODE})*)"
    # Old Party/Government form: 169-CP, 217-HĐBT
    rf"|(?P<onum>{NUM})-(?P<ocode>CP|HĐBT|HĐCP|TTg|BT)(?![/_])"
    rf"){_END}"
)

_DATE = re.compile(
    r"[\s,]{0,20}(?:ban hành\s+)?ngày\s*(?P<d>\d{1,2})\s*(?:tháng\s*(?P<m1>\d{1,2})\s*năm\s*|[/.\-]\s*(?P<m2>\d{1,2})\s*[/.\-]\s*)"
    r"(?P<y>(?:19|20)\d{2})(?P<fn>\d{1,2})?(?!\d)",
    re.IGNORECASE,
)
_STOP_WORDS = ("về|ban hành|quy định|phê duyệt|hướng dẫn|triển khai|thực hiện|tại|đối với|trong|nhằm|để|đã|được|và việc|"
               "V/v|ngày|với|như|cho|theo|nhưng|thì|sửa đổi|bổ sung|bãi bỏ|thay thế|công bố|giao|phân cấp|ủy quyền|hết hiệu lực")
_ISSUER_STOP = (  # white space runs are bounded: a lookahead must not rescan a long blank stretch per step
    r"(?=\s{1,20}(?:" + _STOP_WORDS.replace(" ", r"\s{1,20}") + r")\b|\s{0,20}[,;:()|“\"”]|\.(?=\s|$)|\s{0,20}$|\s{21})"
)
_ISSUER = re.compile(r"[\s,]{0,20}của\s{1,20}(?P<who>[^;:\n()|“\"”]{2,110}?)" + _ISSUER_STOP, re.IGNORECASE | re.DOTALL)
_ISSUER_LOOSE = re.compile(r"[\s,]{0,20}của\s{1,20}(?P<who>[^;:()|“\"”]{2,110}?)" + _ISSUER_STOP, re.IGNORECASE | re.DOTALL)


_SO = re.compile(r"(?:s[ốỐ]|S[ỐO])\s*(?::\s*)?$", re.IGNORECASE)


@functools.cache
def _type_word_rev() -> re.Pattern:
    """The type word ending right before a symbol, matched on the reversed text: an anchored match
    instead of a search that retries at every position."""
    words = sorted(tables.type_words(), key=len, reverse=True)
    alt = "|".join(r"\s+".join(re.escape(part[::-1]) for part in reversed(w.split())) for w in words)
    so = r"(?:\s*:)?\s*(?:(?:ốs|ỐS|OS|ỐS)(?:\s*:)?\s*)?"
    return re.compile(rf"{so}(?P<tw>{alt})(?![^\W\d_])", re.IGNORECASE)
_LAW = re.compile(r"(?P<tw>Bộ luật|Luật|Pháp lệnh|Hiến pháp)\b[^;.\n]{0,120}?\bs[ốỐ]\s*$")
_ISSUER_BEFORE = re.compile(r"(?:^|\n)[ \t\d]*(?P<who>\S[^\n]{2,59}?)[ \t]+[–—-][ \t]+$")


@dataclass
class Mention:
    start: int  # of the type word when there is one, else of the symbol
    sym_start: int
    end: int  # end of the symbol (footnote marker excluded)
    key: str
    doc_type: str
    type_from_word: bool
    issuer_codes: list[str]
    year: str | None
    party: bool
    fn: int | None = None  # footnote marker glued to the symbol
    date: str | None = None
    issuer_text: str | None = None
    core_end: int = 0  # after symbol, date and issuer
    subject: str = ""
    region: str = ""
    clause: str = ""
    relations: set[str] = field(default_factory=set)
    governor: int | None = None  # index of the mention whose description this one sits in
    verb: str | None = None


@functools.lru_cache(maxsize=4096)
def canonical_code(code: str) -> str:
    code = re.sub(r"\s+", "", code)
    return tables.canonical_codes().get(code.upper(), code)


@functools.cache
def party_bodies() -> frozenset[str]:
    return frozenset(k for k, v in tables.issuer_codes().items() if v.scope.startswith("party"))


@functools.lru_cache(maxsize=65536)
def ident(key: str) -> str:
    """Comparison identity: case-folded, "_" as "/", a Party symbol in state form as its Party form."""
    k = re.sub(r"\s+", "", key).replace("_", "/").upper()
    m = re.fullmatch(r"([\d.]+)/([^/\-]+)-([^/\-]+)", k)
    if m and m.group(3) in party_bodies():
        k = f"{m.group(1)}-{m.group(2)}/{m.group(3)}"
    return k


def symbol_year(key: str | None) -> str | None:
    """The year printed in a state symbol ("70/2024/QĐ-UBND" -> "2024")."""
    if not key:
        return None
    m = re.match(r"\s*\d[\d.]*\s*/\s*((?:19|20)\d{2})\s*/", key)
    return m.group(1) if m else None


def year_of(date: str | None, key: str | None) -> str | None:
    """A document's year: of its date, else the one its symbol prints. Administrative numbers
    restart every year, so one number of one issuer in two years is two documents."""
    return (date or "")[:4] or symbol_year(key)


def parse_symbol(m: re.Match) -> tuple[list[str], str, list[str], str | None, bool, str | None]:
    """(keys, type code, issuer codes, year, party?, alt key) for one symbol match. The groups depend
    on the matched text alone, and the same symbols recur across a corpus: parsed once each."""
    keys, tcode, issuers, year, party, alt = _parse_symbol_cached(m.group(0), m)
    return list(keys), tcode, list(issuers), year, party, alt


_PARSED: dict[str, tuple] = {}


def _parse_symbol_cached(text: str, m: re.Match) -> tuple:
    got = _PARSED.get(text)
    if got is None:
        if len(_PARSED) > 65536:
            _PARSED.clear()
        keys, tcode, issuers, year, party, alt = _parse_symbol(m)
        got = _PARSED[text] = (tuple(keys), tcode, tuple(issuers), year, party, alt)
    return got


def _parse_symbol(m: re.Match) -> tuple[list[str], str, list[str], str | None, bool, str | None]:
    if m.group("pnum"):
        nums = [n.strip() for n in m.group("pnum").split(",")]
        t, body = canonical_code(m.group("ptype")), canonical_code(m.group("pbody"))
        return [f"{n}-{t}/{body}" for n in nums], t, [body], None, True, None
    if m.group("onum"):
        code = canonical_code(m.group("ocode"))
        return [f"{m.group('onum')}-{code}"], "", [code], None, False, None
    num, year = m.group("snum"), m.group("year")
    parts = [canonical_code(p) for p in re.split(r"\s*-\s*", m.group("scodes").strip())]
    key = num + (f"/{year}" if year else "") + "/" + "-".join(parts)
    first = parts[0].upper()
    if first in tables.doc_types() and len(parts) > 1:
        tcode, issuers = parts[0], parts[1:]
    elif first in tables.doc_types() and not year and first not in tables.issuer_codes():
        tcode, issuers = parts[0], []
    else:
        tcode, issuers = "", parts
    alt = None
    if tcode and len(issuers) == 1 and issuers[0].upper() in party_bodies():
        alt = f"{num}-{tcode}/{issuers[0]}"
    return [key], tcode, issuers, year, False, alt


def type_name(tcode: str, issuers: list[str], year: str | None) -> str:
    dt = tables.doc_types().get(tcode.upper()) if tcode else None
    if dt:
        return dt.name
    if issuers and re.fullmatch(r"(?:UBTVQH|QH)\d{2}", issuers[0]):
        return "Luật" if issuers[0].startswith("QH") else "Pháp lệnh"
    if issuers and issuers[0] in ("CP", "HĐBT", "HĐCP") and not year:
        return "Nghị định"
    return "Công văn"


_NOT_A_DOCUMENT = re.compile(r"(?:Mẫu|mẫu|Biểu|biểu|Phụ lục|phụ lục)(?:\s+số)?\s*$")


class _KnownIssuer:
    """'của' + a registered body name that itself holds a comma or a stop word."""

    @functools.cached_property
    def rx(self) -> re.Pattern:
        from .units import known_names
        names = [n for n in known_names() if re.search(r",|\s(?:và|về|của|cho|với)\s", n)]
        alt = "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=len, reverse=True))
        return re.compile(rf"[\s,]*của\s+(?P<who>(?:{alt}))(?![^\W\d_])", re.I)

    def match(self, view: str, pos: int):
        return self.rx.match(view, pos)


_KNOWN_ISSUER = _KnownIssuer()


def find_symbols(view: str, lo: int = 0, hi: int | None = None):
    """Symbol matches, less form numbers ("Mẫu số 09/PLIII") that look like symbols but cite no document."""
    for m in SYMBOL.finditer(view, lo, len(view) if hi is None else hi):
        if _NOT_A_DOCUMENT.search(view[max(0, m.start() - 20):m.start()]):
            continue
        yield m


def read_mentions(view: str, matches, iso_date) -> list[Mention]:
    """Turn symbol matches into mentions with their type word, date and issuer read from `view`."""
    out: list[Mention] = []
    for m in matches:
        keys, tcode, issuers, year, party, alt = parse_symbol(m)
        s = m.start()
        before = view[max(0, s - 160):s]
        start, tname, from_word = s, type_name(tcode, issuers, year), False
        tail = before[-60:]
        tw = _type_word_rev().match(tail[::-1])
        if tw:
            start = s - tw.end()
            tname, from_word = tables.type_words()[_norm_word(tw.group("tw")[::-1])], True
        else:
            law = _LAW.search(before)
            if law:
                tname, from_word = tables.type_words()[_norm_word(law.group("tw"))], True
                start = s - len(before) + law.start()
            else:
                so = _SO.search(before[-12:])
                if so:
                    start = s - (len(before[-12:]) - so.start())
        fn = int(m.group("fn")) if m.group("fn") else None
        end = m.end("fn") if fn is None else m.start("fn")
        if fn is None:
            end = m.end()
        pos, date, who = end + (len(m.group("fn")) if fn else 0), None, None
        d = _DATE.match(view, pos)
        if d:
            date = iso_date(d.group("y"), d.group("m1") or d.group("m2"), d.group("d"))
            pos = d.end("y")
            if d.group("fn") and fn is None:
                fn = None  # a marker after the year belongs to the sentence, not the citation
        known = _KNOWN_ISSUER.match(view, pos)
        iss = None if known else (_ISSUER.match(view, pos) or _ISSUER_LOOSE.match(view, pos))
        if known:
            who = " ".join(known.group("who").split())
            pos = known.end("who")
        elif iss and len(iss.group("who").split()) <= 16:
            raw_who = cut_issuer(iss.group("who"))
            who = " ".join(raw_who.split()) or None
            pos = iss.start("who") + len(raw_who)
            if not date:  # "... của Ủy ban nhân dân Thành phố ngày 20/6/2023"
                d = _DATE.match(view, pos)
                if d:
                    date = iso_date(d.group("y"), d.group("m1") or d.group("m2"), d.group("d"))
                    pos = d.end("y")
        else:
            ib = _ISSUER_BEFORE.search(view[max(0, start - 80):start])
            if ib and re.match(r"(?:Ban|Bộ|Chính|Quốc|Thủ|Ủy|Hội|Sở|Thành|Tỉnh)", ib.group("who").strip()):
                who = ib.group("who").strip()
        for i, key in enumerate(keys):
            mm = Mention(start=start, sym_start=s, end=end, key=key, doc_type=tname, type_from_word=from_word,
                         issuer_codes=issuers, year=year, party=party, fn=fn, date=date, issuer_text=who,
                         core_end=pos)
            mm.alt = alt  # type: ignore[attr-defined]
            out.append(mm)
    return out


@functools.cache
def _issuer_cut_re() -> re.Pattern:
    words = sorted(tables.type_words(), key=len, reverse=True)
    alt = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
    return re.compile(
        rf"(?=\s)(?:"                                             # every branch starts at a space
        rf"\s*\n\s*(?:Căn\s+cứ|Thực\s+hiện|Xét|Theo)\b"          # the next preamble clause
        rf"|\s+(?:và|-|–)\s+(?:(?:{alt})\b|[{LOWER}])"          # "... và Kế hoạch số", "... và bãi bỏ"
        rf"|\s+(?:{alt})\s+(?:s[ốỐ]\b|\d)"                      # another citation
        rf"|\s+(?:chỉ|đều|cũng|vẫn)\b)")


def cut_issuer(who: str) -> str:
    """An issuer phrase ends before the next clause, citation or verb that the stop words missed."""
    m = _issuer_cut_re().search(who)
    who = who[: m.start()] if m else who
    return re.sub(r"\s+(?:và|hoặc|-|–)\s*$", "", who)


@functools.lru_cache(maxsize=4096)
def _norm_word(w: str) -> str:
    w = re.sub(r"\s+", " ", w)
    return _type_words_lower().get(w.lower(), w)


@functools.cache
def _type_words_lower() -> dict[str, str]:
    out: dict[str, str] = {}
    for k in tables.type_words():
        out.setdefault(k.lower(), k)
    return out
