"""Document metadata from the header block, the title and the signature."""
from __future__ import annotations

import collections
import functools
import re
from dataclasses import dataclass, field

from . import citations, tables, units
from .letters import LOWER, UPPER
from .text import Text, collapse

_PREAMBLE_START = re.compile(r"^[ \t|]*(?:Căn\s+cứ|CĂN\s+CỨ|Thực\s+hiện|Xét|Theo\s+đề\s+nghị|Theo|Kính\s+gửi|Triển\s+khai|Trên\s+cơ\s+sở)\b", re.M)
_AUTHORITY = re.compile(r"^[ \t]*(?:CHỦ TỊCH|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|BỘ TRƯỞNG|THỦ TƯỚNG|HỘI ĐỒNG NHÂN DÂN|"
                        r"CHÍNH PHỦ|GIÁM ĐỐC|THỐNG ĐỐC|TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|QUỐC HỘI|ỦY BAN THƯỜNG VỤ)\b"
                        r"(?![^\n]*\b(?:VỀ|CỦA|NGÀY)\b)[^\n]{0,80}$", re.M)
_DATE_LINE = re.compile(r"(?P<place>[^\n,|:]{2,50}),\s*ngày\s*(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>(?:19|20)\d{2})")
_NUMBER = re.compile(r"\b[Ss][ốỐ]\s*:\s*(?=\d)|(?:^|\n|\|)[ \t]*S[ốỐ][ \t]+(?=\d)")
_NATIONAL = re.compile(r"C[ỘO]NG\s+H[ÒO]A\s+X[ÃA]\s+H[ỘO]I", re.I)


def iso_date(y, m, d) -> str | None:
    try:
        y, m, d = int(y), int(m), int(d)
    except (TypeError, ValueError):
        return None
    if 1 <= m <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{m:02d}-{d:02d}"
    return None


@functools.cache
def _heading_re() -> re.Pattern:
    names = sorted({dt.name for dt in tables.doc_types().values()} | set(tables.type_words().values()), key=len, reverse=True)
    alt = "|".join(r"\s+".join(re.escape(w.upper()) for w in n.split()) for n in names)
    return re.compile(rf"(?:^|(?<=\s))(?P<h>{alt})(?=\s|$)", re.M)


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
        if re.search(r"[a-zà-ỹđ]", before) and not re.search(r"\d{4}\s*$", before):
            continue
        if re.match(r"\s*S[ỐO]\b", head_zone[m.end():m.end() + 5]) or _NATIONAL.search(head_zone[m.start():m.end() + 20]):
            continue
        h = m
        break
    if h:
        hs, he = start + h.start(), start + h.end()
        meta.heading_span = (hs, he)
        name = collapse(h.group("h"))
        meta.doc_type = next((n for n in _type_names() if n.upper() == name), name.capitalize())
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
    dl = _DATE_LINE.search(body, start, max(zone_end, start) + 400)
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


def _issuer_from_header(meta: Meta, body: str, start: int, zone_end: int) -> None:
    nat = _NATIONAL.search(body, start, start + 3000)
    if not nat:
        return
    header = body[start:nat.start()]
    header = re.sub(r"[-|_=]{2,}|\|", " ", header)
    header = collapse(header)
    if not header or re.search(r"[a-zà-ỹđ]{3,}", header):
        return
    loc = units._loc_re().search(header)
    if loc:
        meta.locality = units.locality_of(loc.group("n"))
    heads = "|".join(re.escape(k) for k in tables.header_heads())
    starts = [m.start() for m in re.finditer(rf"(?<![^\s])(?:{heads})(?=\s|$)", header)]
    if not starts:
        return
    parts = [header[a:b].strip() for a, b in zip(starts, starts[1:] + [len(header)])]
    last = parts[-1]
    meta.issuer_surface.append(last)
    meta.issuer = units.canonical(last, meta.locality)
    first_word = last.split()[0]
    at = body.find(first_word, start, nat.start())
    meta.issuer_span = (at, nat.start()) if at >= 0 else None


def locality_by_frequency(body: str):
    """The place a header-less document belongs to: the place it names most often."""
    counts = collections.Counter()
    for m in units._loc_name_re().finditer(body, 0, min(len(body), 60000)):
        loc = units.locality_of(m.group("n"))
        prefixed = re.search(r"(?:Thành phố|thành phố|tỉnh|Tỉnh|TP\.?)\s*$", body[max(0, m.start() - 12):m.start()])
        if loc and (len(m.group("n")) > 4 or prefixed):
            counts[loc.name] += 1
    if not counts:
        return None
    return units.locality_of(counts.most_common(1)[0][0])


def _title(meta: Meta, body: str, start: int) -> None:
    if meta.heading_span:
        ts = meta.heading_span[1]
    else:
        vv = re.search(r"\bV/[vV]\s*[:.]?\s*", body[start:start + 3000])
        if not vv:
            return
        ts = start + vv.end()
    # the title runs to the preamble, the first section or the first article
    first_line_end = body.find("\n", ts + 1)
    first_line_end = len(body) if first_line_end < 0 else first_line_end
    if not body[ts:first_line_end].strip():
        first_line_end = body.find("\n", re.compile(r"\S").search(body, ts).start() if re.compile(r"\S").search(body, ts) else ts)
    candidates = [len(body), ts + 1200]
    for pat in (_PREAMBLE_START, _AUTHORITY, re.compile(r"^[ \t]*(?:[IVX]+\.|Điều\s+1\b|Chương\s+I\b)", re.M),
                re.compile(r"^[ \t]*\|[ \t]*$", re.M), _DATE_LINE if not meta.heading_span else re.compile(r"$^")):
        m = pat.search(body, first_line_end, ts + 1500)
        if m:
            candidates.append(m.start())
    te = min(candidates)
    # a title printed in capitals ends where running text in mixed case begins ("... TỈNH ĐẮK LẮK / Thời gian qua, ...")
    if _is_caps(body[ts:first_line_end]):
        for ln in re.finditer(r"\n[ \t]*(\S[^\n]*)", body[ts:te]):
            if not _is_caps(ln.group(1)) and re.search(r"[a-zđ]{2}", ln.group(1)):
                te = ts + ln.start()
                break
    raw = body[ts:te]
    if not meta.heading_span:
        raw = raw.split("\n\n")[0] if "\n\n" in raw.strip() else raw
    title = collapse(raw).strip(" .;:")
    title = re.sub(r"^(?:V/[vV]|VỀ VIỆC)\s*[:.]?\s*", "", title) if not meta.heading_span else title
    meta.title = title
    meta.title_span = (ts, ts + len(raw.rstrip()))


_NATIONAL_HEADS = re.compile(r"^(?:Bộ|Tổng cục|Cục|Chính phủ|Thủ tướng|Phủ Thủ tướng|Quốc hội|Ủy ban Thường vụ|Ủy ban thường vụ|"
                             r"Ngân hàng Nhà nước|Văn phòng Chính phủ|Kiểm toán|Thanh tra Chính phủ|Ban Chấp hành Trung ương|Bộ Chính trị)\b")


def _national(issuer: str | None) -> bool:
    return bool(issuer and _NATIONAL_HEADS.match(issuer))


def _is_caps(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.8


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
    alts = "|".join(re.escape(u) for u, _ in tables.signer_titles())
    firsts = "".join(sorted({u[0] for u, _ in tables.signer_titles()}))
    return re.compile(rf"(?=[{firsts}])(?<![A-ZĐÀ-Ỹ])(?P<t>{alts})(?![A-ZĐÀ-Ỹ])")


_NAME = re.compile(rf"(?P<n>(?:[{UPPER}][{LOWER}]+[ \t]){{1,4}}[{UPPER}][{LOWER}]+)[ \t\xa0]*(?=\n|\||$)")


def _signature(meta: Meta, t: Text) -> None:
    """The signature block: the last title line ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH") with a name under it,
    nearest to "Nơi nhận" (annexes after the signature have blocks of their own)."""
    body = t.body
    nr = re.search(r"N[ơƠ]i\s+nh[ậẬ]n\s*:?", body)
    cands = []
    for m in _signer_re().finditer(body):
        after = body[m.end():m.end() + 250]
        nm = _NAME.match(re.sub(r"^[\s|]+", "", after))
        if not nm:
            continue
        # a title with a later title line right below belongs to the same block; keep the lowest one
        cands.append((m, nm))
    if not cands:
        return
    if nr:
        near = [c for c in cands if abs(c[0].start() - nr.start()) < 3000]
        pick = max(near, key=lambda c: c[0].start()) if near else cands[-1]
    else:
        pick = cands[-1]
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
        items = re.split(r"(?:^|\n)[ \t|]*[-+•][ \t]*", block)[1:]
        for line in items:
            line = collapse(line)
            if re.search(r"[A-ZĐ]{3,}\s*$", line) and len(line) > 60:
                line = line.split("  ")[0]
            line = re.sub(r"\s*\((?:để|đề nghị)[^)]*\)?", "", line).strip(" ;.|")
            if not line or re.fullmatch(r"(?:GIÁM ĐỐC|CHỦ TỊCH|[A-ZĐÀ-Ỹ .]+)", line):
                break
            if line.startswith(("Lưu", "LƯU")):
                codes = re.sub(r"^Lưu\s*:?\s*", "", line, flags=re.I)
                codes = re.split(r"\.\s|\s{2,}|\s(?=[A-ZĐ]{2,}\s[A-ZĐ]{2,})", codes)[0]
                meta.drafting_units = [c.strip() for c in re.split(r"[,;]", codes) if c.strip() and c.strip() != "VT"]
                break
            meta.recipients.append(line)
