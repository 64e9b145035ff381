"""Deadline text -> the period it denotes (quarters in Arabic or Roman numerals, months, years,
halves, 'trước ngày'); conditional or ongoing deadlines ('sau khi ...', 'thường xuyên') have none."""
from __future__ import annotations

import calendar
import functools
import re

ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_Y = r"((?:19|20)\d{2})"
_QUARTER = re.compile(rf"qu[ýí]\s+(IV|I{{1,3}}|[1-4])\b(?:\s*(?:,|và|-|–)\s*(?:quý\s+)?(IV|I{{1,3}}|[1-4])\b)*\s*(?:năm\s*|/\s*|[-–]\s*)?{_Y}?", re.I)
_HALF = re.compile(rf"6\s+tháng\s+(đầu|cuối)\s+năm\s*{_Y}?", re.I)
_DATE = re.compile(rf"(?:ngày\s+)?(\d{{1,2}})\s*(?:/|tháng\s+)(\d{{1,2}})\s*(?:/|năm\s+){_Y}", re.I)
_MONTH = re.compile(rf"tháng\s+(\d{{1,2}})\s*(?:/|năm\s+){_Y}", re.I)
_MONTH_RANGE = re.compile(rf"tháng\s+(\d{{1,2}})\s*(?:đến|-|–)\s*(?:hết\s+)?tháng\s+(\d{{1,2}})\s*(?:/|năm\s+){_Y}", re.I)
_YEAR = re.compile(rf"(?:năm\s+|^|\s|-|–)({_Y[1:-1]})(?!\d)", re.I)
CONDITIONAL = re.compile(r"^\s*(?:sau khi|khi|ngay sau|thường xuyên|hằng năm|hàng năm|liên tục|định kỳ)", re.I)
_QUARTER_NUMBER = re.compile(r"\b(?:IV|I{1,3}|[1-4])\b")
_BEFORE = re.compile(r"trước\s+(?:ngày\s+)?\d", re.I)
_FROM = re.compile(r"\btừ\s*(?:ngày\s*)?$", re.I)


@functools.lru_cache(maxsize=16384)  # the same deadlines ("Quý IV năm 2024") recur in task after task
def period(text: str | None, default_year: int | None = None) -> tuple[str | None, str | None]:
    if not text or CONDITIONAL.search(text):
        return None, None
    starts, ends = [], []
    covered: list[tuple[int, int]] = []

    def add(s, e, span):
        starts.append(s)
        ends.append(e)
        covered.append(span)

    for m in _QUARTER.finditer(text):
        year = int(m.group(3)) if m.group(3) else default_year
        if not year:
            continue
        qs = [q for q in _QUARTER_NUMBER.findall(m.group(0).split("năm")[0]) if q]
        for q in qs:
            n = ROMAN.get(q.upper()) or int(q)
            add(f"{year}-{3 * n - 2:02d}-01", _month_end(year, 3 * n), m.span())
    for m in _HALF.finditer(text):
        year = int(m.group(2)) if m.group(2) else default_year
        if year:
            first = m.group(1).lower() == "đầu"
            add(f"{year}-01-01" if first else f"{year}-07-01", f"{year}-06-30" if first else f"{year}-12-31", m.span())
    before = _BEFORE.search(text)
    for m in _DATE.finditer(text):
        if _inside(m.span(), covered):
            continue
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mo <= 12 and 1 <= d <= 31:
            iso = f"{y}-{mo:02d}-{d:02d}"
            if _FROM.search(text, 0, m.start()):
                add(iso, None, m.span())  # "Từ 01/7/2025": a start with no end
            else:
                add(iso if not before else None, iso, m.span())
    for m in _MONTH_RANGE.finditer(text):  # "Từ tháng 11 đến tháng 12 năm 2019": the first month takes the year
        a, b_, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= a <= 12 and 1 <= b_ <= 12:
            add(f"{y}-{a:02d}-01", _month_end(y, b_), m.span())
    for m in _MONTH.finditer(text):
        if _inside(m.span(), covered):
            continue
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            add(f"{y}-{mo:02d}-01", _month_end(y, mo), m.span())
    for m in _YEAR.finditer(text):
        if _inside(m.span(1), covered):
            continue
        y = int(m.group(1))
        add(f"{y}-01-01", f"{y}-12-31", m.span(1))
    s = [x for x in starts if x]
    e = [x for x in ends if x]
    return (min(s) if s else None), (max(e) if e else None)


def _inside(span, covered) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in covered)


def _month_end(y: int, m: int) -> str:
    return f"{y}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
