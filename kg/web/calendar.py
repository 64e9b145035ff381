"""Deadlines of a department: periods (this quarter, overdue, next quarter), CSV and iCalendar.

Everything here is pure (items in, text out); "today" is always passed in, so tests fix it."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date, datetime, timedelta, timezone

PERIODS = {
    "all": "Tất cả",
    "quarter": "Hạn trong quý này",
    "overdue": "Đã quá hạn",
    "next": "Hạn trong quý sau",
}
ROLES = {"lead": "Chủ trì", "support": "Phối hợp", "executor": "Thực hiện", "responsible": "Trách nhiệm"}


def quarter(d: date, shift: int = 0) -> tuple[date, date]:
    """First and last day of the quarter of `d`, moved by `shift` quarters."""
    q = (d.year * 4 + (d.month - 1) // 3) + shift
    y, qi = divmod(q, 4)
    start = date(y, qi * 3 + 1, 1)
    ny, nqi = divmod(q + 1, 4)
    return start, date(ny, nqi * 3 + 1, 1) - timedelta(days=1)


def _end(item: dict) -> date | None:
    try:
        return date.fromisoformat(item["deadline_end"]) if item.get("deadline_end") else None
    except ValueError:
        return None


def status(item: dict, today: date) -> str | None:
    """"overdue", "quarter", "next" or None, from the end of the task's period."""
    end = _end(item)
    if end is None:
        return None
    if end < today:
        return "overdue"
    qs, qe = quarter(today)
    if qs <= end <= qe:
        return "quarter"
    ns, ne = quarter(today, 1)
    if ns <= end <= ne:
        return "next"
    return None


def in_period(item: dict, period: str, today: date) -> bool:
    """this quarter / next quarter: the period ends in that quarter; overdue: it ended before today."""
    if period == "all":
        return True
    end = _end(item)
    if end is None:
        return False
    if period == "overdue":
        return end < today
    qs, qe = quarter(today, 1 if period == "next" else 0)
    return qs <= end <= qe


# --- CSV ---------------------------------------------------------------------------------------

CSV_HEADER = ["Kế hoạch", "Mục", "Nội dung", "Vai trò", "Thời hạn", "Bắt đầu", "Kết thúc", "Mã nhiệm vụ", "Đơn vị"]


def _cell(v) -> str:
    s = "" if v is None else str(v)
    # a spreadsheet must not read a cell as a formula
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def to_csv(items: list[dict]) -> str:
    """UTF-8 CSV with a BOM (so spreadsheet programs read the Vietnamese right), CRLF rows."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADER)
    for i in items:
        w.writerow([_cell(x) for x in (i["document"], i["label"], i["title"], ROLES.get(i["role"], i["role"]),
                                        i["deadline"], i["deadline_start"], i["deadline_end"], i["task"], i["unit"])])
    return "\ufeff" + buf.getvalue()


# --- iCalendar (RFC 5545) ------------------------------------------------------------------------

def ics_escape(s: str) -> str:
    """TEXT value escaping (RFC 5545 3.3.11)."""
    s = (s or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return s.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, cur, size = [], [], 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + n > limit:
            out.append("".join(cur))
            cur, size = [], 0
        cur.append(ch)
        size += n
    out.append("".join(cur))
    return "\r\n ".join(out)


def task_uid(task_key: str, unit_id: str) -> str:
    """Stable per task (and department feed): the same task keeps its UID across requests and rebuilds."""
    h = hashlib.sha256(f"{task_key}\x1f{unit_id}".encode("utf-8")).hexdigest()[:24]
    return f"task-{h}@vn-legal-kg"


def to_ics(unit: dict, items: list[dict], stamp: datetime, base_url: str, doc_url) -> str:
    """A VCALENDAR with one all-day VEVENT per task that has an end date (its roles merged)."""
    by_task: dict[str, dict] = {}
    for i in items:
        if not _end(i):
            continue
        t = by_task.setdefault(i["task"], {**i, "roles": []})
        if i["role"] not in t["roles"]:
            t["roles"].append(i["role"])
    dtstamp = stamp.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//vn-legal-kg//kg serve//VI", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", "X-WR-CALNAME:" + ics_escape(f"Thời hạn nhiệm vụ – {unit['name']}")]
    for key, t in sorted(by_task.items(), key=lambda kv: (kv[1]["deadline_end"], kv[0])):
        end = _end(t)
        roles = ", ".join(ROLES.get(r, r).lower() for r in t["roles"])
        summary = f"[{roles}] {t['label'] or ''} {t['title'] or ''}".replace("  ", " ").strip()
        desc = "\n".join(x for x in (
            f"Kế hoạch: {t['document']}", f"Mục: {t['label']}" if t.get("label") else None,
            f"Nội dung: {t['title']}" if t.get("title") else None,
            f"Thời hạn: {t['deadline']}" if t.get("deadline") else None,
            f"Vai trò của {unit['name']}: {roles}", f"Mã nhiệm vụ: {key}") if x)
        lines += ["BEGIN:VEVENT", f"UID:{task_uid(key, unit['id'])}", f"DTSTAMP:{dtstamp}",
                  f"DTSTART;VALUE=DATE:{end:%Y%m%d}", f"DTEND;VALUE=DATE:{end + timedelta(days=1):%Y%m%d}",
                  "SUMMARY:" + ics_escape(summary), "DESCRIPTION:" + ics_escape(desc),
                  "CATEGORIES:" + ",".join(ics_escape(ROLES.get(r, r)) for r in t["roles"]),
                  "URL:" + base_url + doc_url(key), "TRANSP:TRANSPARENT", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(x) + "\r\n" for x in lines)
