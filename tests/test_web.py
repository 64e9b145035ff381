"""`kg serve` over HTTP: every page, every error path, the CSV and iCalendar exports, and escaping.

The seed corpus is built once into a temp store and served in-process on a free port, with
"today" fixed, so the department periods are deterministic."""
from __future__ import annotations

import csv
import hashlib
import http.client
import io
import re
import sqlite3
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from datetime import date
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
from click.testing import CliRunner

import queries as Q
from kg.cli import cli
from kg.store import SqliteBackend
from kg.web import calendar as cal
from kg.web.app import App
from kg.web.server import make_server

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TODAY = date(2024, 5, 15)  # quarter: 2024-04-01..06-30, next: 2024-07-01..09-30
F004 = "004_866d70e48e852e47.txt"
UNIT = "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"
_BUILT: dict[str, Path] = {}

XSS_TITLE = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'
XSS_DOC = f"""ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
SỞ GIÁO DỤC VÀ ĐÀO TẠO

Số: 321/KH-SGDĐT

Bắc Ninh, ngày 10 tháng 3 năm 2024

KẾ HOẠCH
Triển khai {XSS_TITLE} chuyển đổi số {XSS_ATTR} năm 2024

Căn cứ Quyết định số 01/2024/QĐ-UBND ngày 05 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh về quy định {XSS_TITLE} quản lý dữ liệu số;

Sở Giáo dục và Đào tạo ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Triển khai hiệu quả Quyết định số 01/2024/QĐ-UBND.

II. NHIỆM VỤ
1. Xây dựng kho dữ liệu {XSS_TITLE} số {XSS_ATTR}
- Đơn vị chủ trì: Phòng Kế hoạch - Tài chính.
- Thời gian thực hiện: Quý II năm 2024.

III. TỔ CHỨC THỰC HIỆN
Các phòng thuộc Sở triển khai thực hiện Kế hoạch này.

Nơi nhận:
- Ủy ban nhân dân tỉnh;
- Lưu: VT.

GIÁM ĐỐC

Trần Văn An
"""


def build_store(name: str, paths, tmp_path_factory) -> Path:
    """A store built once per session (module-level cache: the e2e module shares it)."""
    if name not in _BUILT:
        d = tmp_path_factory.mktemp(f"web-{name}")
        db = d / "kg.sqlite"
        res = CliRunner().invoke(cli, ["build", *map(str, paths(d)), "--db", str(db)])
        assert res.exit_code == 0, res.output
        _BUILT[name] = db
    return _BUILT[name]


def corpus_store(tmp_path_factory) -> Path:
    return build_store("corpus", lambda d: [CORPUS], tmp_path_factory)


def xss_store(tmp_path_factory) -> Path:
    def write(d: Path):
        (d / "evil.txt").write_text(XSS_DOC, encoding="utf-8")
        return [d / "evil.txt"]
    return build_store("xss", write, tmp_path_factory)


@dataclass
class Page:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Site:
    """An in-process `kg serve` on a free port, and a plain HTTP client that does not follow redirects."""

    def __init__(self, db: Path, today: date = TODAY):
        self.server = make_server(db, "127.0.0.1", 0, today=lambda: today, quiet=True)
        self.host, self.port = self.server.server_address[:2]
        self.base = self.server.url
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def get(self, path: str, method: str = "GET", headers: dict | None = None, raw: bool = False) -> Page:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            if raw:  # send the request line as it is (http.client would refuse some of these)
                conn.connect()
                conn.sock.sendall(path.encode("latin-1"))
                resp = http.client.HTTPResponse(conn.sock, method="GET")
                resp.begin()
            else:
                conn.request(method, path, headers=headers or {})
                resp = conn.getresponse()
            return Page(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
        finally:
            conn.close()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def u(path: str, **params) -> str:
    return path + ("?" + urlencode(params) if params else "")


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return corpus_store(tmp_path_factory)


@pytest.fixture(scope="module")
def site(db):
    s = Site(db)
    yield s
    s.close()


def ok(page: Page) -> str:
    assert page.status == 200, (page.status, page.text[:500])
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    return page.text


def between(html: str, start: str, end: str) -> str:
    i = html.index(start)
    return html[i:html.index(end, i)]


# --- every page sends the security headers and works offline ----------------------------------------

def test_home_page_links_the_corpus_and_sends_security_headers(site):
    p = site.get("/")
    html = ok(p)
    assert p.headers["content-security-policy"].startswith("default-src 'self'")
    assert p.headers["x-content-type-options"] == "nosniff"
    assert p.headers["x-frame-options"] == "DENY"
    assert '<html lang="vi">' in html and 'name="q"' in html
    assert f'href="/doc?key={F004}"' in html and "6526/KH-SGDĐT" in html
    assert "46</b><span>nhiệm vụ" in html


def test_pages_load_nothing_from_elsewhere_and_have_no_inline_script(site, db):
    for path in ("/", u("/search", q="chuyển đổi số"), u("/doc", key=F004), u("/lineage", key=F004), "/units",
                 u("/unit", name=UNIT), "/missing"):
        html = ok(site.get(path))
        for m in re.finditer(r'(?:src|href)="([^"]*)"', html):
            assert m.group(1).startswith(("/", "#")), (path, m.group(1))
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts == ['<script src="/static/app.js" defer>'], (path, scripts)
        assert " style=" not in html and "<style" not in html, path  # CSP forbids inline styles too
        assert "http://" not in re.sub(r'value="http://127\.0\.0\.1:\d+/unit\.ics[^"]*"', "", html).replace(
            'xmlns="http://www.w3.org/2000/svg"', ""), path


def test_static_files_ship_inside_the_package(site):
    css = site.get("/static/app.css")
    assert css.status == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    fonts = re.findall(r'url\("([^"]+)"\)', css.text)
    assert fonts and all(not f.startswith(("http", "//")) for f in fonts)
    for f in fonts:
        font = site.get("/static/" + f)
        assert font.status == 200 and font.headers["content-type"] == "font/woff" and font.body[:4] == b"wOFF"
    js = site.get("/static/app.js")
    assert js.status == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in js.text and "eval(" not in js.text
    assert site.get("/favicon.ico").headers["content-type"] == "image/svg+xml"


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/.hidden", "/static/",
                                  "/static/fonts/../../server.py", "/static/app.py", "/static/nope.css"])
def test_static_files_outside_the_folder_are_not_served(site, path):
    p = site.get(path)
    assert p.status == 404
    assert "Không tìm thấy" in p.text


# --- search ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["57-NQ/TW", "57/NQ-TW", "57 nq tw", "57-nq/tw"])
def test_search_finds_a_document_by_number_in_any_spelling(site, typed):
    html = ok(site.get(u("/search", q=typed)))
    match = between(html, '<section class="number-match">', "</section>")
    assert 'href="/doc?key=57-NQ%2FTW"' in match and "57-NQ/TW" in match


def test_search_by_a_bare_number_and_a_file_name(site):
    assert 'href="/doc?key=6526%2FKH-SGD%C4%90T"' in between(
        ok(site.get(u("/search", q="6526"))), '<section class="number-match">', "</section>")
    assert f'href="/doc?key={F004}"' in between(
        ok(site.get(u("/search", q="004_866d70e48e852e47"))), '<section class="number-match">', "</section>")


def test_search_by_words_with_or_without_diacritics_highlights_the_words(site):
    plain = ok(site.get(u("/search", q="chuyen doi so")))
    marked = ok(site.get(u("/search", q="chuyển đổi số")))
    for html in (plain, marked):
        results = between(html, '<ol class="results">', "</ol>")
        assert 'class="badge document"' in results and 'class="badge task"' in results
        assert "<mark>chuyển</mark> <mark>đổi</mark> <mark>số</mark>" in results
        assert '<section class="number-match">' not in html
    keys = lambda h: re.findall(r'class="hit-key">([^<]+)<', h)  # noqa: E731
    assert keys(plain) == keys(marked) and keys(plain)[0] == F004


def test_search_finds_footnotes_and_filters_by_kind(site):
    html = ok(site.get(u("/search", q="ket luan", kind="footnote")))
    results = between(html, '<ol class="results">', "</ol>")
    assert results.count('class="badge footnote"') == results.count('<li class="hit')
    assert "#fn" in results
    assert 'value="footnote" selected' in html


def test_search_without_hits_and_without_words(site):
    assert "Không tìm thấy kết quả nào cho “xyzzyqq”" in ok(site.get(u("/search", q="xyzzyqq")))
    empty = ok(site.get("/search"))
    assert "Tìm kiếm" in empty and 'autofocus' in empty and '<ol class="results">' not in empty
    assert ok(site.get(u("/search", q="   "))).count('<ol class="results">') == 0


# --- the document page -----------------------------------------------------------------------------

def test_document_page_shows_metadata_bases_tasks_footnotes_sources_and_text(site):
    html = ok(site.get(u("/doc", key=F004)))
    assert "<h1>004_866d70e48e852e47.txt</h1>" in html
    assert "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh" in html and "Giám đốc Nguyễn Văn Hiếu" in html
    bases = between(html, '<section id="bases">', "</section>")
    for key in ("57-NQ/TW", "03/NQ-CP", "63-CTrHĐ/TU", "1413/KH-UBND"):
        assert f'href="/doc?key={quote(key, safe="")}"' in bases
    assert "Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024" in bases
    tasks = between(html, '<section id="tasks">', "</section>")
    assert tasks.count("<tr id=") == 20 and 'id="task-4-9"' in tasks
    footnotes = between(html, '<section id="footnotes">', "</section>")
    assert footnotes.count("<li id=") == 6 and 'href="/doc?key=91-KL%2FTW"' in footnotes
    assert f"<code>{F004}</code>" in between(html, '<section id="sources">', "</section>")
    assert f'href="/lineage?key={F004}"' in html and f'href="/lineage?key={F004}&amp;dir=down"' in html


def test_document_text_is_the_displacy_view_with_references_linked(site):
    html = ok(site.get(u("/doc", key=F004)))
    text = between(html, '<section id="text">', "</section>")
    assert '<div class="entities"' in text and 'class="entity ent-REF"' in text
    assert 'class="entity ent-UNIT"' in text and 'class="entity ent-FOOTNOTE"' in text
    # each reference links to its document's page; units to the department page
    assert re.search(r'<mark class="entity ent-REF">Nghị quyết số 57-NQ/TW<span class="ent-label">REF\s*'
                     r'<a class="kb" href="/doc\?key=57-NQ%2FTW">57-NQ/TW</a>', text), text[:3000]
    assert 'href="/unit?name=' in text and 'href="#fn-1"' in text
    assert "REF: Văn bản được dẫn chiếu" in text


def test_document_page_tasks_show_role_units_and_deadline(site):
    html = ok(site.get(u("/doc", key="6526/KH-SGDĐT")))
    row = between(html, '<tr id="task-1">', "</tr>")
    assert f'href="/unit?name={quote_plus(UNIT)}"' in row
    assert "Phòng Kế hoạch - Tài chính" in row and "Quý 4 năm 2023 và Quý 1 năm 2024" in row
    assert 'href="/lineage?key=6526%2FKH-SGD%C4%90T%231"' in row
    assert "09/11/2023" in html
    text = between(html, '<section id="text">', "</section>")
    assert 'class="entity ent-DEADLINE"' in text and 'href="#task-1"' in text


def test_a_cited_document_outside_the_corpus_has_its_own_page(site):
    html = ok(site.get(u("/doc", key="57/nq-tw")))
    assert "<h1>57-NQ/TW</h1>" in html and "chưa có trong kho" in html
    impl = between(html, '<section id="implemented">', "</section>")
    assert f'href="/doc?key={F004}"' in impl
    cited = between(html, '<section id="cited-by">', "</section>")
    assert "Các câu dẫn (6)" in cited
    assert '<section id="text">' not in html and '<section id="sources">' not in html


def test_a_task_key_leads_to_its_row_on_the_document_page(site):
    p = site.get(u("/doc", key=F004 + "#4.9"))
    assert p.status == 303 and p.headers["location"] == f"/doc?key={F004}#task-4-9"
    p = site.get(u("/doc", key=F004 + "#fn3"))
    assert p.status == 303 and p.headers["location"].endswith("#fn-3")


@pytest.mark.parametrize("key,status,words", [
    ("99999/QĐ-XYZ", 404, "không tìm thấy văn bản"),
    (F004 + "#9.9", 404, "không có nhiệm vụ 9.9"),
    (F004 + "#", 400, ""),
    ("   ", 400, "thiếu tham số"),
    ("x" * 301, 400, "dài quá 300"),
    ("57-NQ/TW\x00", 400, "ký tự điều khiển"),
])
def test_document_errors(site, key, status, words):
    p = site.get(u("/doc", key=key))
    assert p.status == status, p.text[:300]
    assert p.headers["content-type"] == "text/html; charset=utf-8"
    assert words in p.text.lower() and 'class="error"' in p.text and "Traceback" not in p.text
    assert p.headers["content-security-policy"].startswith("default-src 'self'")


# --- lineage ---------------------------------------------------------------------------------------

def test_lineage_picture_reaches_the_root_and_carries_evidence(site):
    html = ok(site.get(u("/lineage", key=F004)))
    svg = between(html, "<svg", "</svg>")
    assert 'class="node document start"' in svg
    root = re.search(r'<a href="/doc\?key=57-NQ%2FTW" class="([^"]+)" data-key="57-NQ/TW">', svg)
    assert root and "root" in root.group(1).split()
    assert "Văn bản gốc:" in html and 'class="root-link">Nghị quyết 57-NQ/TW<' in html
    edges = re.findall(r'<g class="edge ([^"]+)" id="edge-(\d+)"[^>]*data-evidence="([^"]*)"', svg)
    assert len(edges) == 7
    assert any("Căn cứ Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024" in ev for _c, _n, ev in edges)
    assert svg.count("<title>") >= 7 + 5 and "căn cứ · thực hiện" in svg
    assert any("implied" in c for c, _n, _e in edges)  # 03/NQ-CP implements 57-NQ/TW, stated in 004
    for _c, n, _e in edges:  # every edge has its evidence item under the picture, for the side panel
        assert f'<li id="ev-{n}" class="ev' in html
    assert 'id="evidence-panel"' in html


def test_lineage_of_a_task_starts_at_the_task(site):
    html = ok(site.get(u("/lineage", key=F004 + "#1")))
    svg = between(html, "<svg", "</svg>")
    assert 'class="node task start"' in svg and "nhiệm vụ của" in svg
    assert "Nghị quyết 57-NQ/TW" in between(html, 'class="summary"', "</p>")


def test_lineage_down_shows_what_derives_from_a_resolution(site):
    html = ok(site.get(u("/lineage", key="57-NQ/TW", dir="down")))
    assert "Tác động: 57-NQ/TW" in html
    assert "Phát sinh từ 57-NQ/TW: 4 văn bản, 20 nhiệm vụ, 3 đơn vị." in html
    svg = between(html, "<svg", "</svg>")
    assert f'data-key="{F004}"' in svg and 'class="node unit"' in svg and "có nhiệm vụ" in svg


def test_lineage_with_all_relations_adds_citations(site):
    plain = ok(site.get(u("/lineage", key=F004)))
    full = ok(site.get(u("/lineage", key=F004, all="1")))
    assert full.count('<g class="edge') > plain.count('<g class="edge')
    assert "dẫn ở chú thích" in full and "dẫn ở chú thích" not in between(plain, "<svg", "</svg>")


@pytest.mark.parametrize("params,status", [
    ({"key": F004, "dir": "sideways"}, 400), ({"key": F004, "all": "yes"}, 400), ({}, 400),
    ({"key": "12345/XX-YYY"}, 404), ({"key": F004, "depth": "3"}, 400),
])
def test_lineage_errors(site, params, status):
    assert site.get(u("/lineage", **params)).status == status


# --- departments -----------------------------------------------------------------------------------

def test_units_page_lists_departments_with_their_task_counts(site):
    html = ok(site.get("/units"))
    busy = between(html, "<tbody>", "</tbody>")
    assert f'href="/unit?name={quote_plus(UNIT)}"' in busy
    assert re.search(r"Phòng Kế hoạch - Tài chính</a></td><td>[^<]*</td><td class=\"num\">10<", busy)


def _unit_rows(html: str) -> list[tuple[str, str, str]]:
    """(plan, label, role) of every row on a department page."""
    out = []
    for sec in re.findall(r'<section class="plan">(.*?)</section>', html, re.S):
        plan = re.search(r'<h2><a href="[^"]*">[^<]* ([^<]+)</a>', sec).group(1)
        for label, role in re.findall(r'<td class="label">([^<]*)</td>.*?<span class="role (\w+)">', sec, re.S):
            out.append((plan, label, role))
    return out


def test_department_page_groups_tasks_by_plan(site, db):
    html = ok(site.get(u("/unit", name=UNIT)))
    assert f"<h1>{UNIT}</h1>" in html
    b = SqliteBackend(db)
    try:
        items = Q.unit_tasks(b, UNIT)["items"]
    finally:
        b.close()
    rows = _unit_rows(html)
    assert rows == [(i["document"], i["label"] or "—", i["role"]) for i in items]
    plans = re.findall(r'<section class="plan"><h2><a href="[^"]*">[^<]* ([^<]+)</a>', html)
    assert plans == list(dict.fromkeys(i["document"] for i in items))
    assert "hôm nay: 15/05/2024" in html and "hạn trong quý này (01/04/2024 – 30/06/2024)" in html
    assert re.search(r'<div class="quarter"><b>2</b>', html) and re.search(r'<div class="next"><b>3</b>', html)
    assert re.search(r'<div class="overdue"><b>2</b>', html)


def test_department_page_matches_names_without_diacritics(site):
    html = ok(site.get(u("/unit", name="phong giao duc thuong xuyen chuyen nghiep va dai hoc")))
    assert f"<h1>{UNIT}</h1>" in html


@pytest.mark.parametrize("period,expected", [
    ("quarter", {("002_310ceac0ace34724.txt", "2.1"), ("002_310ceac0ace34724.txt", "2.2")}),
    ("next", {("002_310ceac0ace34724.txt", "2.3"), ("002_310ceac0ace34724.txt", "3.1"),
              ("002_310ceac0ace34724.txt", "3.2")}),
    ("overdue", {("6526/KH-SGDĐT", "1"), ("6526/KH-SGDĐT", "4")}),
])
def test_department_page_filters_by_period(site, period, expected):
    html = ok(site.get(u("/unit", name=UNIT, period=period)))
    assert {(p, lab) for p, lab, _r in _unit_rows(html)} == expected
    assert f'<option value="{period}" selected>' in html


def test_department_page_filters_by_role(site):
    lead = _unit_rows(ok(site.get(u("/unit", name=UNIT, role="lead"))))
    support = _unit_rows(ok(site.get(u("/unit", name=UNIT, role="support"))))
    everything = _unit_rows(ok(site.get(u("/unit", name=UNIT, role=""))))
    assert lead and support and {r for _p, _l, r in lead} == {"lead"} and {r for _p, _l, r in support} == {"support"}
    assert set(lead) | set(support) <= set(everything) and len(everything) > len(lead) + len(support) - 1
    assert _unit_rows(ok(site.get(u("/unit", name=UNIT, role="lead", period="overdue")))) == [
        ("6526/KH-SGDĐT", "1", "lead")]


@pytest.mark.parametrize("params,status", [
    ({"name": "Phòng Không Tồn Tại Xyz"}, 404), ({"name": UNIT, "role": "boss"}, 400),
    ({"name": UNIT, "period": "yesterday"}, 400), ({}, 400), ({"name": UNIT, "sort": "x"}, 400),
    ({"name": "phòng giáo dục"}, 300),
])
def test_department_errors(site, params, status):
    p = site.get(u("/unit", **params))
    assert p.status == status, p.text[:400]
    if status == 300:
        assert 'class="choices"' in p.text and 'href="/unit?name=' in p.text


def test_csv_export_has_the_filtered_tasks(site, db):
    p = site.get(u("/unit.csv", name=UNIT, period="next"))
    assert p.status == 200 and p.headers["content-type"] == "text/csv; charset=utf-8"
    assert p.headers["content-disposition"].startswith('attachment; filename="nhiem-vu-')
    assert p.body.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(p.body.decode("utf-8-sig"), newline="")))
    assert rows[0] == cal.CSV_HEADER
    assert [(r[0], r[1], r[3], r[6]) for r in rows[1:]] == [
        ("002_310ceac0ace34724.txt", "2.3", "Chủ trì", "2024-09-30"),
        ("002_310ceac0ace34724.txt", "3.1", "Chủ trì", "2024-09-30"),
        ("002_310ceac0ace34724.txt", "3.2", "Chủ trì", "2024-09-30")]
    assert all(r[8] == UNIT and r[7].startswith(r[0] + "#") for r in rows[1:])
    everything = list(csv.reader(io.StringIO(site.get(u("/unit.csv", name=UNIT)).body.decode("utf-8-sig"))))
    b = SqliteBackend(db)
    try:
        assert len(everything) - 1 == len(Q.unit_tasks(b, UNIT)["items"])
    finally:
        b.close()


def test_csv_cells_cannot_become_spreadsheet_formulas():
    item = {"document": "=HYPERLINK(\"x\")", "label": "+1", "title": "@SUM(A1)", "role": "lead", "deadline": "-2",
            "deadline_start": None, "deadline_end": None, "task": "t", "unit": "u"}
    row = list(csv.reader(io.StringIO(cal.to_csv([item]).lstrip("\ufeff"))))[1]
    assert row[:5] == ["'=HYPERLINK(\"x\")", "'+1", "'@SUM(A1)", "Chủ trì", "'-2"]


def unfold(ics: str) -> list[str]:
    assert "\n" not in ics.replace("\r\n", "")  # CRLF only
    assert ics.endswith("\r\n")
    return ics.replace("\r\n ", "").split("\r\n")[:-1]


def parse_events(ics: str) -> list[dict]:
    events, cur = [], None
    for line in unfold(ics):
        if line == "BEGIN:VEVENT":
            cur = {}
        elif line == "END:VEVENT":
            events.append(cur)
            cur = None
        elif cur is not None:
            name, value = line.split(":", 1)
            cur[name] = value
    return events


def test_ics_feed_has_one_all_day_event_per_deadline(site, db):
    p = site.get(u("/unit.ics", name=UNIT))
    assert p.status == 200 and p.headers["content-type"] == "text/calendar; charset=utf-8"
    ics = p.body.decode("utf-8")
    for line in ics.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75, line
    lines = unfold(ics)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    assert any(x.startswith("PRODID:") for x in lines)
    events = parse_events(ics)
    b = SqliteBackend(db)
    try:
        items = Q.unit_tasks(b, UNIT)["items"]
    finally:
        b.close()
    with_end = {i["task"]: i for i in items if i["deadline_end"]}
    unit_id = _unit_id(db)
    assert len(events) == len(with_end) > 0
    uids = [e["UID"] for e in events]
    assert len(set(uids)) == len(uids)
    for e in events:
        assert {"DTSTAMP", "DTSTART;VALUE=DATE", "DTEND;VALUE=DATE", "SUMMARY"} <= set(e)
        assert re.fullmatch(r"\d{8}T\d{6}Z", e["DTSTAMP"])
        key = next(k for k in with_end if f"Mã nhiệm vụ: {k}" in e["DESCRIPTION"].replace("\\n", "\n"))
        end = date.fromisoformat(with_end[key]["deadline_end"])
        assert e["DTSTART;VALUE=DATE"] == end.strftime("%Y%m%d")
        assert date(*map(int, (e["DTEND;VALUE=DATE"][:4], e["DTEND;VALUE=DATE"][4:6], e["DTEND;VALUE=DATE"][6:]))) \
            == end.fromordinal(end.toordinal() + 1)
        assert e["UID"] == cal.task_uid(key, unit_id)
        assert e["URL"].startswith(site.base + "/doc?key=")
    # text is escaped: commas and semicolons in titles, newlines in descriptions
    assert any("\\," in e["SUMMARY"] for e in events) and all("\\n" in e["DESCRIPTION"] for e in events)
    again = parse_events(site.get(u("/unit.ics", name=UNIT)).body.decode("utf-8"))
    assert [e["UID"] for e in again] == uids  # stable per task
    lead = parse_events(site.get(u("/unit.ics", name=UNIT, role="lead")).body.decode("utf-8"))
    assert 0 < len(lead) < len(events) and {e["UID"] for e in lead} <= set(uids)


def _unit_id(db: Path) -> str:
    b = SqliteBackend(db)
    try:
        return Q.match_unit(b, UNIT)["id"]
    finally:
        b.close()


def test_ics_text_escaping_and_folding():
    assert cal.ics_escape('a,b;c\\d\ne') == "a\\,b\\;c\\\\d\\ne"
    line = "SUMMARY:" + "Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học; " * 4
    folded = cal.fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 2 and all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line  # no character split
    assert cal.fold("short") == "short"


def test_periods_follow_today():
    assert cal.quarter(date(2024, 5, 15)) == (date(2024, 4, 1), date(2024, 6, 30))
    assert cal.quarter(date(2024, 11, 2), 1) == (date(2025, 1, 1), date(2025, 3, 31))
    assert cal.quarter(date(2024, 1, 1), -1) == (date(2023, 10, 1), date(2023, 12, 31))
    item = {"deadline_end": "2024-06-30"}
    assert cal.in_period(item, "quarter", date(2024, 5, 15)) and not cal.in_period(item, "overdue", date(2024, 5, 15))
    assert cal.in_period(item, "overdue", date(2024, 7, 1)) and cal.in_period(item, "next", date(2024, 3, 31))
    assert not cal.in_period({"deadline_end": None}, "overdue", date(2030, 1, 1))
    assert cal.in_period({"deadline_end": None}, "all", date(2030, 1, 1))


def test_today_is_injectable(db):
    late = Site(db, today=date(2025, 1, 10))
    try:
        rows = _unit_rows(ok(late.get(u("/unit", name=UNIT, period="overdue"))))
        assert len(rows) > 2 and ("002_310ceac0ace34724.txt", "2.1", "lead") in rows
        assert "hôm nay: 10/01/2025" in ok(late.get(u("/unit", name=UNIT)))
    finally:
        late.close()


# --- missing documents -------------------------------------------------------------------------------

def test_missing_page_lists_cited_documents_most_cited_first(site, db):
    html = ok(site.get("/missing"))
    rows = re.findall(r'<td class="key"><a href="([^"]+)">([^<]+)</a></td>.*?<td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td></tr>', html, re.S)
    b = SqliteBackend(db)
    try:
        missing = Q.stats(b)["missing"]
    finally:
        b.close()
    assert [r[1] for r in rows] == [m["key"] for m in missing] and len(rows) == 40
    assert rows[0][1] == "2531/QĐ-UBND" and rows[0][3] == "7"
    counts = [(int(c), int(m)) for _h, _k, c, m in rows]
    assert counts == sorted(counts, key=lambda x: (-x[0], -x[1]))


# --- HTTP-level errors ---------------------------------------------------------------------------------

def test_unknown_paths_give_a_friendly_404(site):
    for path in ("/nope", "/doc/57-NQ/TW", "/%00", "/static"):
        p = site.get(path)
        assert p.status == 404, path
        assert "<h1>Không tìm thấy</h1>" in p.text and 'href="/search"' in p.text


@pytest.mark.parametrize("query", ["q=a&q=b", "zzz=1", "q=%ff%fe", "&".join(f"k{i}=1" for i in range(30))])
def test_malformed_parameters_are_400(site, query):
    p = site.get("/search?" + query)
    assert p.status == 400 and "Yêu cầu không hợp lệ" in p.text


def test_only_get_and_head_are_served(site):
    head = site.get("/", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) > 0
    for method in ("POST", "PUT", "DELETE"):
        p = site.get("/", method=method)
        assert p.status == 405 and p.headers["allow"] == "GET, HEAD"


def test_requests_for_other_host_names_are_refused(site):
    """Bound to localhost, the server answers only to localhost names (no DNS rebinding)."""
    p = site.get("/", headers={"Host": "evil.example:80"})
    assert p.status == 421
    assert site.get("/", headers={"Host": f"localhost:{site.port}"}).status == 200


def test_malformed_request_lines_get_our_error_page(site):
    p = site.get("GET /a b HTTP/1.1\r\n\r\n", raw=True)
    assert p.status == 400 and p.headers["content-security-policy"].startswith("default-src 'self'")


def test_raw_utf8_in_the_request_target_is_read_as_utf8(site):
    target = "/search?q=" + "chuyển đổi số".replace(" ", "+")
    p = site.get(f"GET {target.encode('utf-8').decode('latin-1')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 "Connection: close\r\n\r\n", raw=True)
    assert p.status == 200 and "<mark>chuyển</mark>" in p.text


def test_store_problems_are_a_503_page(tmp_path):
    site = Site(tmp_path / "gone.sqlite")
    try:
        p = site.get("/")
        assert p.status == 503 and "kg build" in p.text
    finally:
        site.close()


def test_the_server_never_writes_the_store(db):
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    app = App(db, today=lambda: TODAY, quiet=True)
    b = app.open()
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            b.conn.execute("CREATE TABLE t(x)")
    finally:
        b.close()
    for path in ("/", u("/doc", key=F004), u("/lineage", key=F004), u("/unit.ics", name=UNIT)):
        assert app.handle("GET", path).status == 200
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_bug_is_a_500_page_without_a_traceback(db, monkeypatch):
    app = App(db, quiet=True)
    monkeypatch.setattr(Q, "units", lambda b: 1 / 0)
    r = app.handle("GET", "/units")
    assert r.status == 500 and b"ZeroDivisionError" in r.body and b"Traceback" not in r.body


# --- escaping: a document whose title and task carry markup -----------------------------------------------

@pytest.fixture(scope="module")
def evil(tmp_path_factory):
    s = Site(xss_store(tmp_path_factory))
    yield s
    s.close()


class Elements(HTMLParser):
    """Every element a browser would build from the page, with its attributes."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_escaped(html: str, where: str):
    for payload in (XSS_TITLE, XSS_ATTR, "<img", "<script>alert"):
        assert payload not in html, (where, payload)
    tags = Elements(html).tags
    assert [a.get("src") for t, a in tags if t == "script"] == ["/static/app.js"], where
    assert not [t for t, _a in tags if t in ("img", "iframe", "object", "embed")], where
    handlers = [(t, k) for t, a in tags for k in a if k.startswith("on")]
    assert not handlers, (where, handlers)  # no event-handler attribute anywhere
    assert not [a for _t, a in tags for k, v in a.items() if k in ("href", "src") and v and
                v.strip().lower().startswith(("javascript:", "data:"))], where


def test_markup_in_titles_and_tasks_is_shown_as_text_on_every_page(evil):
    b = SqliteBackend(_BUILT["xss"])
    try:
        doc = Q.resolve_document(b, "321/KH-SGDĐT")
        task = Q.show(b, "321/KH-SGDĐT#1")
    finally:
        b.close()
    assert XSS_TITLE in doc["title"] and XSS_ATTR in doc["title"] and XSS_TITLE in task["title"]  # really stored
    pages = {
        "home": "/", "search words": u("/search", q="script alert"), "search number": u("/search", q="321"),
        "document": u("/doc", key="321/KH-SGDĐT"), "cited": u("/doc", key="01/2024/QĐ-UBND"),
        "lineage": u("/lineage", key="321/KH-SGDĐT"), "task lineage": u("/lineage", key="321/KH-SGDĐT#1"),
        "impact": u("/lineage", key="01/2024/QĐ-UBND", dir="down"), "missing": "/missing",
        "unit": u("/unit", name="Phòng Kế hoạch - Tài chính"), "units": "/units",
        "404 echo": u("/doc", key=XSS_TITLE), "400 echo": u("/search", q=XSS_ATTR, kind=XSS_TITLE),
    }
    for where, path in pages.items():
        p = evil.get(path)
        assert p.status in (200, 400, 404), (where, p.status)
        assert_escaped(p.text, where)
    doc_html = evil.get(u("/doc", key="321/KH-SGDĐT")).text
    assert "Triển khai &lt;script&gt;alert(1)&lt;/script&gt; chuyển đổi số &quot;&gt;&lt;img src=x" in doc_html
    assert "Xây dựng kho dữ liệu &lt;script&gt;alert(1)&lt;/script&gt; số" in doc_html
    lineage = evil.get(u("/lineage", key="321/KH-SGDĐT")).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in between(lineage, "<svg", "</svg>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in evil.get(u("/doc", key=XSS_TITLE)).text  # the 404 says it


def test_markup_in_exports_is_plain_data(evil):
    rows = list(csv.reader(io.StringIO(evil.get(u("/unit.csv", name="Phòng Kế hoạch - Tài chính"))
                                       .body.decode("utf-8-sig"))))
    assert XSS_TITLE in rows[1][2]  # a CSV is data: the text as written, for a spreadsheet
    events = parse_events(evil.get(u("/unit.ics", name="Phòng Kế hoạch - Tài chính")).body.decode("utf-8"))
    assert len(events) == 1 and "<script>alert(1)</script>" in events[0]["SUMMARY"]
    assert events[0]["DTSTART;VALUE=DATE"] == "20240630"


# --- a number two documents share ----------------------------------------------------------------------

def test_a_number_shared_by_two_documents_lists_both(tmp_path_factory):
    from tests.test_graph_fixtures import write_pair
    s = Site(build_store("pair", lambda d: [write_pair(d / "src")], tmp_path_factory))
    try:
        p = s.get(u("/doc", key="01/2024/QĐ-UBND"))
        assert p.status == 300 and "Có nhiều kết quả khớp" in p.text
        links = re.findall(r'<li><a href="(/doc\?key=[^"]+)">([^<]+)</a></li>', between(p.text, '<ul class="choices">',
                                                                                          "</ul>"))
        assert [t for _h, t in links] == ["01/2024/QĐ-UBND [Ủy ban nhân dân tỉnh Bắc Ninh]",
                                          "01/2024/QĐ-UBND [Ủy ban nhân dân tỉnh Nam Định]"]
        for href, key in links:
            assert f"<h1>{key}</h1>" in ok(s.get(href.replace("&amp;", "&")))
        search = ok(s.get(u("/search", q="01/2024/qd-ubnd")))
        assert "Số hiệu này khớp nhiều văn bản" in search and search.count('<ul class="choices">') == 1
        lineage = s.get(u("/lineage", key="01/2024/QĐ-UBND", dir="down"))
        assert lineage.status == 300 and "/lineage?key=01%2F2024%2FQ%C4%90-UBND+%5B" in lineage.text
        assert "dir=down" in lineage.text
    finally:
        s.close()


# --- the command -----------------------------------------------------------------------------------

def test_kg_serve_runs_until_interrupted(db):
    import signal
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--port", "0",
                             "--db", str(db)], stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"tại (http://127\.0\.0\.1:(\d+))/", line)
        assert m, line
        conn = http.client.HTTPConnection("127.0.0.1", int(m.group(2)), timeout=30)
        conn.request("GET", "/search?q=57-NQ%2FTW")
        resp = conn.getresponse()
        assert resp.status == 200 and "57-NQ/TW" in resp.read().decode("utf-8")
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "đã dừng" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_kg_serve_without_a_store_says_so_in_one_line(tmp_path):
    res = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.sqlite")])
    assert res.exit_code == 4 and "kg build" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_kg_serve_on_a_busy_port_is_a_usage_error(site, db):
    res = CliRunner().invoke(cli, ["serve", "--port", str(site.port), "--db", str(db)])
    assert res.exit_code == 2 and "cổng đang được dùng" in res.output


def test_a_responsibility_key_leads_to_its_row(site):
    p = site.get(u("/doc", key="6526/KH-SGDĐT#R2"))
    assert p.status == 303 and p.headers["location"] == "/doc?key=6526%2FKH-SGD%C4%90T#resp-R2"
    assert 'id="resp-R2"' in ok(site.get(u("/doc", key="6526/KH-SGDĐT")))


def test_spacy_is_imported_only_when_a_text_is_shown(db):
    import subprocess
    import sys
    code = ("import sys\nfrom kg.web.app import App\n"
            f"a = App({str(db)!r}, quiet=True)\n"
            "for p in ('/', '/search?q=57', '/lineage?key=57-NQ%2FTW', '/units', '/missing', '/doc?key=57-NQ%2FTW'):\n"
            "    assert a.handle('GET', p).status == 200, p\n"
            "print('spacy' in sys.modules)\n"
            f"assert a.handle('GET', '/doc?key={F004}').status == 200\n"
            "print('spacy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "True"]


def test_a_picture_too_big_to_draw_is_listed(db, monkeypatch):
    import kg.web.app as web_app
    monkeypatch.setattr(web_app, "MAX_PICTURE_NODES", 3)
    r = App(db, quiet=True).handle("GET", u("/lineage", key=F004))
    html = r.body.decode("utf-8")
    assert r.status == 200 and "<svg" not in html and "quá lớn để vẽ" in html
    assert html.count('<li id="ev-') == 7
