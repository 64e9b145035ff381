"""Document metadata from the header block, the title and the signature."""
from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass, field

from . import citations, tables, units
from .letters import LOWER, UPPER
from .text import Text, collapse
from .trie import alternation

_PREAMBLE_START = re.compile(r"^[ \t|]*(?:Căn\s+cứ|CĂN\s+CỨ|Thực\s+hiện|Xét|Theo\s+đề\s+nghị|Theo|Kính\s+gửi|Triển\s+khai|Trên\s+cơ\s+sở)\b", re.M)
_AUTHORITY = re.compile(r"^[ \t]*(?:CHỦ TỊCH|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|BỘ TRƯỞNG|THỦ TƯỚNG|HỘI ĐỒNG NHÂN DÂN|"
                        r"CHÍNH PHỦ|GIÁM ĐỐC|THỐNG ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|QUỐC HỘI|ỦY BAN THƯỜNG VỤ)\b"
                        r"(?![^\n]*\b(?:VỀ|CỦA|NGÀY)\b)[^\n]{0,80}$", re.M)
_DATE_TAIL = r",\s*ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>(?:19|20)\d{2})"
_DATE_LINE = re.compile(r"(?P<place>[^\n,|:]{2,50})" + _DATE_TAIL)
_NUMBER = re.compile(r"\b[Ss][ốỐ]\s*:\s*(?=\d)|(?:^|\n|\|)[ \t]*S[ốỐ][ \t]+(?=\d)")
_NATIONAL = re.compile(r"C[ỘO]NG\s+H[ÒO]A\s+X[ÃA]\s+H[ỘO]I", re.I)
_LOWER = re.compile(r"[a-zà-ỹđ]")
_YEAR_END = re.compile(r"\d{4}\s*$")
_SO = re.compile(r"\s*S[ỐO]\b")


@functools.lru_cache(maxsize=4096)  # every citation's date goes through here
def iso_date(y, m, d) -> str | None:
    try:
        y, m, d = int(y), int(m), int(d)
    except (TypeError, ValueError):
        return None
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


_DATE_COMMA = re.compile(_DATE_TAIL)


def _date_line(body: str, lo: int, hi: int) -> re.Match | None:
    """_DATE_LINE.search(body, lo, hi) found from its comma rather than tried at every position: the place
    before the comma is the 2-50 characters back to the previous line break, comma, bar or colon; the
    first comma with room for a place gives the leftmost match (returned without its place group)."""
    for m in _DATE_COMMA.finditer(body, lo, hi):
        c = m.start()
        back = max(lo, c - 51)
        place_start = max(lo, c - 50, *(body.rfind(ch, back, c) + 1 for ch in "\n,|:"))
        if c - place_start >= 2:
            return m
    return None


@functools.cache
def _heading_re() -> re.Pattern:
    """A type name in capitals standing alone: after a blank or at a line start, before a blank or a line end."""
    alt = alternation([n.upper() for n in _type_names()], sep=r"\s+", not_after=r"\S")
    return re.compile(rf"(?P<h>{alt})(?=\s|$)", re.M)


@dataclass
class Meta:
    doc_type: str | None = None
    number: str | None = None
    number_span: tuple[int, int] | None = None
    issued_date: str | None = None
    issuer: str | None = None
    issuer_surface: list[str] = field(default_factory=list)
    locality: object = None
    signer: str | None = None
    signer_title: str | None = None
    title: str = ""
    title_span: tuple[int, int] = (0, 0)
    heading_span: tuple[int, int] | None = None
    header_end: int = 0
    recipients: list[str] = field(default_factory=list)
    drafting_units: list[str] = field(default_factory=list)
    closing_start: int | None = None
    issuer_span: tuple[int, int] | None = None
    signer_span: tuple[int, int] | None = None


def read_meta(t: Text, web_title: tuple[int, int] | None) -> Meta:
    body = t.body
    meta = Meta()
    start = web_title[1] if web_title else 0
    head_zone = body[start: start + 4000]
    h = None
    for m in _heading_re().finditer(head_zone):
        line_start = head_zone.rfind("\n", 0, m.start()) + 1
        before = head_zone[line_start:m.start()]
        if _LOWER.search(before) and not _YEAR_END.search(before):
            continue
        if _SO.match(head_zone[m.end():m.end() + 5]) or _NATIONAL.search(head_zone[m.start():m.end() + 20]):
            continue
        h = m
        break
    if h:
        hs, he = start + h.start(), start + h.end()
        meta.heading_span = (hs, he)
        name = collapse(h.group("h"))
        meta.doc_type = _type_by_caps().get(name, name.capitalize())
        meta.header_end = hs
    num = _NUMBER.search(body, start, start + 3000)
    if num and (not h or num.start() < meta.heading_span[0] + 300):
        sm = citations.SYMBOL.match(body, num.end())
        if sm:
            keys, tcode, issuers, year, party, alt = citations.parse_symbol(sm)
            meta.number = keys[0]
            meta.number_span = (sm.start(), sm.end())
            if not meta.doc_type:
                meta.doc_type = citations.type_name(tcode, issuers, year)
    zone_end = meta.heading_span[0] if meta.heading_span else start + 2500
    dl = _date_line(body, start, max(zone_end, start) + 400)
    if dl:
        meta.issued_date = iso_date(dl.group("y"), dl.group("m"), dl.group("d"))
    _issuer_from_header(meta, body, start, zone_end)
    _title(meta, body, start)
    if meta.locality is None and not _national(meta.issuer):
        # a national body's letter names places it writes to, not a locality of its own
        meta.locality = locality_by_frequency(body)
    if meta.issuer is None:
        _issuer_from_promulgation(meta, body)
    if meta.doc_type is None and re.search(r"(?:^|\n)[ \t|]*Kính\s+gửi\s*:", body[start:start + 3000]):
        meta.doc_type = "Công văn"
    elif meta.locality is not None:
        meta.issuer = units.canonical(meta.issuer_surface[-1], meta.locality) if meta.issuer_surface else meta.issuer
    _signature(meta, t)
    return meta


@functools.cache
def _type_names() -> list[str]:
    return sorted({dt.name for dt in tables.doc_types().values()} | set(tables.type_words().values()), key=len, reverse=True)


@functools.cache
def _type_by_caps() -> dict[str, str]:
    """A type name as printed in capitals -> the name (the first listed, if two print alike)."""
    out: dict[str, str] = {}
    for n in _type_names():
        out.setdefault(n.upper(), n)
    return out


_RULES = re.compile(r"[-|_=]{2,}|\|")
_LOWER_WORD = re.compile(r"[a-zà-ỹđ]{3,}")


@functools.cache
def _header_heads_re() -> re.Pattern:
    heads = "|".join(re.escape(k) for k in tables.header_heads())
    return re.compile(rf"(?<![^\s])(?:{heads})(?=\s|$)")


def _issuer_from_header(meta: Meta, body: str, start: int, zone_end: int) -> None:
    nat = _NATIONAL.search(body, start, start + 3000)
    if not nat:
        return
    header = body[start:nat.start()]
    header = _RULES.sub(" ", header)
    header = collapse(header)
    if not header or _LOWER_WORD.search(header):
        return
    loc = units._loc_re().search(header)
    if loc:
        meta.locality = units.locality_of(loc.group("n"))
    starts = [m.start() for m in _header_heads_re().finditer(header)]
    if not starts:
        return
    parts = [header[a:b].strip() for a, b in zip(starts, starts[1:] + [len(header)])]
    last = parts[-1]
    meta.issuer_surface.append(last)
    meta.issuer = units.canonical(last, meta.locality)
    first_word = last.split()[0]
    at = body.find(first_word, start, nat.start())
    meta.issuer_span = (at, nat.start()) if at >= 0 else None


_PLACE_PREFIX = re.compile(r"(?:Thành phố|thành phố|tỉnh|Tỉnh|TP\.?)\s*$")


def locality_by_frequency(body: str):
    """The place a header-less document belongs to: the place it names most often."""
    counts = collections.Counter()
    for m in units._loc_name_re().finditer(body, 0, min(len(body), 60000)):
        loc = units.locality_of(m.group("n"))
        if loc and (len(m.group("n")) > 4 or _PLACE_PREFIX.search(body[max(0, m.start() - 12):m.start()])):
            counts[loc.name] += 1
    if not counts:
        return None
    return units.locality_of(counts.most_common(1)[0][0])


_VV = re.compile(r"\bV/[vV]\s*[:.]?\s*")
_VV_PREFIX = re.compile(r"^(?:V/[vV]|VỀ VIỆC)\s*[:.]?\s*")
_NONBLANK = re.compile(r"\S")
_NEXT_LINE = re.compile(r"\n[ \t]*(\S[^\n]*)")
_LOWER2 = re.compile(r"[a-zđ]{2}")
# where a title ends: the preamble, an authority line, the first section or article, a table rule, or
# (for a letter without a type heading) its place-and-date line; one pass finds the first of them
_TITLE_ENDS = (_PREAMBLE_START.pattern, _AUTHORITY.pattern, r"^[ \t]*(?:[IVX]+\.|Điều\s+1\b|Chương\s+I\b)", r"^[ \t]*\|[ \t]*$")
_TITLE_END = re.compile("|".join(f"(?:{p})" for p in _TITLE_ENDS), re.M)
_TITLE_END_UNDATED = re.compile("|".join(f"(?:{p})" for p in _TITLE_ENDS + (_DATE_LINE.pattern,)), re.M)


def _title(meta: Meta, body: str, start: int) -> None:
    if meta.heading_span:
        ts = meta.heading_span[1]
    else:
        vv = _VV.search(body[start:start + 3000])
        if not vv:
            return
        ts = start + vv.end()
    # the title runs to the preamble, the first section or the first article
    first_line_end = body.find("\n", ts + 1)
    first_line_end = len(body) if first_line_end < 0 else first_line_end
    if not body[ts:first_line_end].strip():
        nonblank = _NONBLANK.search(body, ts)
        first_line_end = body.find("\n", nonblank.start() if nonblank else ts)
    candidates = [len(body), ts + 1200]
    m = (_TITLE_END if meta.heading_span else _TITLE_END_UNDATED).search(body, first_line_end, ts + 1500)
    if m:
        candidates.append(m.start())
    te = min(candidates)
    # a title printed in capitals ends where running text in mixed case begins ("... TỈNH ĐẮK LẮK / Thời gian qua, ...")
    if _is_caps(body[ts:first_line_end]):
        for ln in _NEXT_LINE.finditer(body[ts:te]):
            if _LOWER2.search(ln.group(1)) and not _is_caps(ln.group(1)):
                te = ts + ln.start()
                break
    raw = body[ts:te]
    if not meta.heading_span:
        raw = raw.split("\n\n")[0] if "\n\n" in raw.strip() else raw
    title = collapse(raw).strip(" .;:")
    title = _VV_PREFIX.sub("", title) if not meta.heading_span else title
    meta.title = title
    meta.title_span = (ts, ts + len(raw.rstrip()))


_NATIONAL_HEADS = re.compile(r"^(?:Bộ|Tổng cục|Cục|Chính phủ|Thủ tướng|Phủ Thủ tướng|Quốc hội|Ủy ban Thường vụ|Ủy ban thường vụ|"
                             r"Ngân hàng Nhà nước|Văn phòng Chính phủ|Kiểm toán|Thanh tra Chính phủ|Ban Chấp hành Trung ương|Bộ Chính trị)\b")


def _national(issuer: str | None) -> bool:
    return bool(issuer and _NATIONAL_HEADS.match(issuer))


def _is_caps(s: str) -> bool:
    letters = list(filter(str.isalpha, s))
    return len(letters) >= 3 and sum(map(str.isupper, letters)) / len(letters) > 0.8


def _issuer_from_promulgation(meta: Meta, body: str) -> None:
    zone = body[meta.title_span[1]: meta.title_span[1] + 6000]
    m = None
    for m in re.finditer(r"(?:^|\n|[.;]\s)[ \t]*(?P<who>(?:Sở|Ủy ban nhân dân|UBND|Hội đồng nhân dân|Bộ|Ban|Văn phòng|Trung tâm)[^\n;:.]{2,120}?)"
                  r"\s*(?:\([^)]{1,15}\))?\s+(?:ban hành|xây dựng|triển khai|thực hiện)\s+(?:Kế hoạch|kế hoạch|Quyết định|Chương trình|Chỉ thị)", zone):
        if not re.search(r"\b(?:về|của|theo|tại)\b", m.group("who")):
            break
    else:
        m = None
    if m and not re.search(r"\b(?:về|của|theo|tại)\b", m.group("who")):
        who = collapse(m.group("who"))
        meta.issuer_surface.append(who)
        meta.issuer = units.canonical(who, meta.locality)


@functools.cache
def _signer_re() -> re.Pattern:
    alts = alternation([u for u, _ in tables.signer_titles()], not_after="[A-ZĐÀ-Ỹ]")
    return re.compile(rf"(?P<t>{alts})(?![A-ZĐÀ-Ỹ])")


_NAME = re.compile(rf"(?P<n>(?:[{UPPER}][{LOWER}]+[ \t]){{1,4}}[{UPPER}][{LOWER}]+)[ \t\xa0]*(?=\n|\||$)")
_BLANKS = re.compile(r"[\s|]*")
_RECIPIENTS = re.compile(r"N[ơƠ]i\s+nh[ậẬ]n\s*:?")
_RECIPIENT_ITEM = re.compile(r"\n[ \t|]*[-+•][ \t]*")
_CAPS_END = re.compile(r"[A-ZĐ]{3,}\s*$")
_PURPOSE = re.compile(r"\s*\((?:để|đề nghị)[^)]*\)?")
_CAPS_LINE = re.compile(r"(?:GIÁM ĐỐC|CHỦ TỊCH|[A-ZĐÀ-Ỹ .]+)")
_FILED = re.compile(r"^Lưu\s*:?\s*", re.I)
_FILED_END = re.compile(r"\.\s|\s{2,}|\s(?=[A-ZĐ]{2,}\s[A-ZĐ]{2,})")


def _signers(body: str, lo: int, hi: int) -> list[tuple[re.Match, re.Match]]:
    """The signer titles starting in [lo, hi) with a name under them, lo a line start. A title never
    spans a line break, so a scan from a line start finds what a scan of the whole text finds there,
    and one stopping a title's length past hi finds the same titles before hi."""
    out = []
    for m in _signer_re().finditer(body, lo, min(len(body), hi + _signer_reach())):
        if m.start() >= hi:
            break
        after = body[m.end():m.end() + 250]
        nm = _NAME.match(after, _BLANKS.match(after).end())
        if nm:
            out.append((m, nm))
    return out


@functools.cache
def _signer_reach() -> int:
    """How far past its start a title's match can look: its length and the character after it."""
    return max(len(u) for u, _ in tables.signer_titles()) + 1


def _last_signer(body: str, lo: int, hi: int) -> tuple[re.Match, re.Match] | None:
    """The last signer title starting in [lo, hi): the signature closes a document, so it is sought
    backwards from hi, in stretches of growing length."""
    step = 1024
    while hi > lo:
        start = _line_start(body, max(lo, hi - step))
        found = [c for c in _signers(body, start, hi) if c[0].start() >= lo]
        if found:
            return found[-1]
        hi, step = start, 2 * step
    return None


def _line_start(body: str, pos: int) -> int:
    return body.rfind("\n", 0, pos) + 1


def _signature(meta: Meta, t: Text) -> None:
    """The signature block: the last title line ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") with a name under it,
    nearest to "Nơi nhận" (annexes after the signature have blocks of their own)."""
    body = t.body
    nr = _RECIPIENTS.search(body)
    pick = None
    if nr:
        # a title with a later title line right below belongs to the same block; keep the lowest one
        pick = _last_signer(body, max(0, nr.start() - 2999), nr.start() + 3000)
    pick = pick or _last_signer(body, 0, len(body))
    if not pick:
        return
    m, nm = pick
    title = dict(tables.signer_titles())[m.group("t")]
    meta.signer_title = title
    meta.signer = collapse(nm.group("n"))
    name_at = body.find(nm.group("n"), m.end())
    meta.signer_span = (name_at, name_at + len(nm.group("n"))) if name_at >= 0 else None
    meta.closing_start = m.start()
    if nr:
        meta.closing_start = min(meta.closing_start, nr.start()) if nr.start() > len(body) * 0.4 else meta.closing_start
        block = body[nr.end(): nr.end() + 2000]
        # a recipient line wrapped onto the next line continues it ("- Phòng GDĐT quận, huyện, T/p Thủ Đức (để\n\nthực hiện);")
        items = _RECIPIENT_ITEM.split("\n" + block)[1:]  # the block's start is a line start too
        for line in items:
            line = collapse(line)
            if len(line) > 60 and _CAPS_END.match(line, len(line) - 3):  # a collapsed line ends with its last letter
                line = line.split("  ")[0]
            line = (_PURPOSE.sub("", line) if "(để" in line or "(đề nghị" in line else line).strip(" ;.|")
            if not line or _CAPS_LINE.fullmatch(line):
                break
            if line.startswith(("Lưu", "LƯU")):
                codes = _FILED.sub("", line)
                codes = _FILED_END.split(codes, 1)[0]
                meta.drafting_units = [c.strip() for c in re.split(r"[,;]", codes) if c.strip() and c.strip() != "VT"]
                break
            meta.recipients.append(line)
