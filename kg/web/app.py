"""The web app: routes, parameter checks, and one function per page over the query layer.

`App.handle(path, host)` turns a request target into a `Response`; `server.py` puts it behind
`http.server`. Every page opens the store read-only for the time of one request (as the CLI does
for one command), asks `queries/` its question, and writes the answer with escape-by-default
markup. Parameters are checked against each route's list: an unknown or repeated parameter or an
unreadable value is a 400 page, an unknown document, task or unit a 404 page, a number that fits
several documents a 300 page listing them."""
from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import sys
import threading
import traceback
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

import queries as Q
from kg.render import REL_VI
from kg.store import SqliteBackend, StoreError
from queries.backend import Ambiguous, BadQuery, NotFound, QueryError
from queries.card import document_card

from . import calendar as cal
from .markup import M, Markup, esc, join, render, short, slug, url

STATIC = Path(__file__).resolve().parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml", ".woff": "font/woff", ".woff2": "font/woff2",
                ".txt": "text/plain; charset=utf-8", ".png": "image/png"}
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}
KIND_VI = {"document": "Văn bản", "task": "Nhiệm vụ", "footnote": "Chú thích"}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
_HOST_RE = re.compile(r"[A-Za-z0-9.\-]{1,253}(:\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?")
SEARCH_LIMIT = 50
MAX_PICTURE_NODES = 600


# --- responses and errors --------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)


class HTTPError(Exception):
    """A page that is an answer too: 400 (bad parameter), 404 (unknown key), 300 (several fit)."""

    def __init__(self, status: int, message: str, extra: Markup | None = None, title: str | None = None):
        super().__init__(message)
        self.status, self.message, self.extra, self.title = status, message, extra, title


ERROR_TITLES = {300: "Có nhiều kết quả khớp", 400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy",
                405: "Phương thức không được hỗ trợ", 421: "Tên máy không hợp lệ", 500: "Lỗi máy chủ",
                503: "Kho dữ liệu chưa sẵn sàng"}


# --- parameters --------------------------------------------------------------------------------------

def text(max_len: int, required: bool = True):
    def check(name: str, v: str | None):
        if v is None or not v.strip():
            if required:
                raise HTTPError(400, f"thiếu tham số {name!r}")
            return None
        v = unicodedata.normalize("NFC", v.strip())
        if len(v) > max_len:
            raise HTTPError(400, f"tham số {name!r} dài quá {max_len} ký tự")
        if any(unicodedata.category(c) in ("Cc", "Cs", "Co") for c in v):
            raise HTTPError(400, f"tham số {name!r} chứa ký tự điều khiển")
        return v
    return check


def choice(options, default: str | None = None):
    def check(name: str, v: str | None):
        if v is None or v == "":
            return default
        if v not in options:
            raise HTTPError(400, f"giá trị {v!r} của {name!r} không hợp lệ (chọn một trong: {', '.join(options)})")
        return v
    return check


KEY = text(300)
ROLE = choice(list(cal.ROLES), None)
PERIOD = choice(list(cal.PERIODS), "all")


def parse_params(query: str, spec: dict) -> dict:
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=False, encoding="utf-8", errors="strict",
                          max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise HTTPError(400, "tham số không đọc được (phải là UTF-8, tối đa 20 tham số)") from None
    raw: dict[str, str] = {}
    for k, v in pairs:
        if k not in spec:
            raise HTTPError(400, f"tham số không được hỗ trợ: {k!r}")
        if k in raw:
            raise HTTPError(400, f"tham số {k!r} lặp lại")
        raw[k] = v
    return {k: check(k, raw.get(k)) for k, check in spec.items()}


# --- the app ------------------------------------------------------------------------------------------

class App:
    def __init__(self, db: str | os.PathLike, today: Callable[[], date] = date.today, quiet: bool = False,
                 allowed_hosts: set[str] | None = None):
        self.db = Path(db)
        self.today = today
        self.quiet = quiet
        self.allowed_hosts = allowed_hosts  # None: any Host header
        self._local = threading.local()
        self.default_host = "127.0.0.1"
        self.routes: dict[str, tuple[Callable, dict]] = {
            "/": (self.page_home, {"q": text(200, False), "kind": choice(list(KIND_VI))}),
            "/search": (self.page_search, {"q": text(200, False), "kind": choice(list(KIND_VI))}),
            "/doc": (self.page_doc, {"key": KEY}),
            "/lineage": (self.page_lineage, {"key": KEY, "dir": choice(["up", "down"], "up"),
                                             "all": choice(["0", "1"], "0")}),
            "/units": (self.page_units, {}),
            "/unit": (self.page_unit, {"name": text(200), "role": ROLE, "period": PERIOD}),
            "/unit.csv": (self.unit_csv, {"name": text(200), "role": ROLE, "period": PERIOD}),
            "/unit.ics": (self.unit_ics, {"name": text(200), "role": ROLE}),
            "/missing": (self.page_missing, {}),
        }

    # -- plumbing --
    def open(self) -> SqliteBackend:
        return SqliteBackend(self.db)

    def handle(self, method: str, target: str, host: str | None = None) -> Response:
        try:
            if self.allowed_hosts is not None and _host_name(host) not in self.allowed_hosts:
                raise HTTPError(421, "máy chủ này chỉ trả lời cho localhost / 127.0.0.1")
            if method not in ("GET", "HEAD"):
                r = self.error_page(HTTPError(405, "máy chủ chỉ đọc: chỉ hỗ trợ GET và HEAD"))
                r.headers["Allow"] = "GET, HEAD"
                return r
            try:
                parts = urlsplit(target)
            except ValueError:
                raise HTTPError(400, "địa chỉ không đọc được") from None
            path = parts.path
            if path.startswith("/static/") or path == "/favicon.ico":
                return self.static(path)
            route = self.routes.get(path)
            if route is None:
                raise HTTPError(404, "không có trang này")
            fn, spec = route
            params = parse_params(parts.query, spec)
            self._local.host = host if host and _HOST_RE.fullmatch(host) else self.default_host
            return fn(**params)
        except HTTPError as e:
            return self.error_page(e)
        except StoreError as e:
            return self.error_page(HTTPError(503, str(e)))
        except Exception as e:  # a bug must not take the server down nor show a traceback to the user
            if not self.quiet:
                traceback.print_exc(file=sys.stderr)
            return self.error_page(HTTPError(500, f"lỗi không mong đợi ({type(e).__name__}); xem nhật ký máy chủ"))

    def query(self, fn, *args, link=None, **kwargs):
        """Run one question over a fresh read-only connection; query errors become pages (an
        ambiguous key: a page of links, `link(candidate)` -> URL, to the document by default)."""
        b = self.open()
        try:
            return fn(b, *args, **kwargs)
        except BadQuery as e:
            raise HTTPError(400, str(e)) from None
        except Ambiguous as e:
            raise HTTPError(300, str(e), self._choices(b, e, link)) from None
        except (NotFound, QueryError) as e:
            raise HTTPError(404, str(e)) from None
        except sqlite3.Error as e:
            raise HTTPError(503, f"lỗi đọc kho: {e}") from None
        finally:
            b.close()

    def _choices(self, b, e: Ambiguous, link=None) -> Markup:
        """Links that each name one of the candidates (keys of documents sharing a number already
        carry their issuer, e.g. "01/2024/QĐ-UBND [Ủy ban nhân dân tỉnh Bắc Ninh]")."""
        link = link or (lambda k: url("/doc", key=k))
        items = [M('<li><a href="{}">{}</a></li>').format(link(k), k) for k in dict.fromkeys(e.candidates)]
        return M('<ul class="choices">{}</ul>').format(join(items))

    def page(self, title: str, body: Markup, page: str = "", q: str = "", status: int = 200,
             headers: dict | None = None) -> Response:
        html = render("base.html", title=title, body=body, page=page, q=q or "", store=self.db.name)
        return Response(status, html.encode("utf-8"), headers=headers or {})

    def error_page(self, e: HTTPError) -> Response:
        title = e.title or ERROR_TITLES.get(e.status, "Lỗi")
        body = M('<section class="error"><p class="code">{status}</p><h1>{title}</h1><p class="msg">{msg}</p>'
                 '{extra}<p>Thử <a href="/search">tìm kiếm</a> hoặc quay về <a href="/">trang đầu</a>.</p>'
                 '</section>').format(status=e.status, title=title, msg=_capital(e.message), extra=e.extra or M(""))
        return self.page(title, body, page="error", status=e.status)

    def static(self, path: str) -> Response:
        name = "favicon.svg" if path == "/favicon.ico" else path[len("/static/"):]
        parts = name.split("/")
        if not name or any(p in ("", ".", "..") or p.startswith(".") for p in parts):
            raise HTTPError(404, "không có tệp tĩnh này")
        f = STATIC.joinpath(*parts)
        ctype = STATIC_TYPES.get(f.suffix)
        try:
            if ctype is None or not f.resolve().is_relative_to(STATIC) or not f.is_file():
                raise HTTPError(404, "không có tệp tĩnh này")
            data = f.read_bytes()
        except OSError:
            raise HTTPError(404, "không có tệp tĩnh này") from None
        return Response(200, data, ctype, {"Cache-Control": "public, max-age=3600"})

    def base_url(self) -> str:
        return f"http://{getattr(self._local, 'host', self.default_host)}"

    # -- pages --
    def page_home(self, q=None, kind=None) -> Response:
        if q:
            return self.page_search(q, kind)

        def overview(b):
            s = b.counts()
            # all_nodes() yields the documents first: stop at the first node of another kind
            docs = sorted((n for n in itertools.takewhile(lambda n: n["kind"] == "doc", b.all_nodes())
                           if n["in_corpus"]), key=lambda n: n["key"])
            return s, docs, len(b.missing())
        s, docs, missing = self.query(overview)
        rows = join(M('<li><a href="{}"><span class="k">{}</span></a> <span class="t">{}</span> '
                      '<span class="muted">{}</span></li>').format(
            url("/doc", key=d["key"]), d["key"], short(d["title"], 140), d.get("doc_type") or "")
            for d in docs[:300])
        body = M('<section class="hero"><h1>Tra cứu văn bản, nhiệm vụ và nguồn gốc</h1>'
                 '<p class="lead">Nhập số hiệu văn bản (viết kiểu nào cũng được) hoặc vài từ, có dấu hay không dấu.</p>'
                 '{form}</section>'
                 '<section class="stats"><div><b>{docs}</b><span>văn bản ({inc} có nội dung)</span></div>'
                 '<div><b>{tasks}</b><span>nhiệm vụ</span></div><div><b>{units}</b><span>đơn vị</span></div>'
                 '<div><b>{notes}</b><span>chú thích</span></div>'
                 '<div><a href="/missing"><b>{missing}</b><span>văn bản được dẫn nhưng còn thiếu</span></a></div>'
                 '</section><section><h2>Văn bản có trong kho</h2><ul class="doclist">{rows}</ul></section>').format(
            form=self._search_form("", None, autofocus=True), docs=s["documents"], inc=s["documents_in_corpus"],
            tasks=s["tasks"], units=s["units"], notes=s["footnotes"], missing=missing, rows=rows)
        return self.page("Trang đầu", body, page="home")

    def _search_form(self, q: str, kind: str | None, autofocus: bool = False) -> Markup:
        opts = _options([("", "Mọi loại"), *KIND_VI.items()], kind or "")
        return M('<form class="big-search" action="/search" method="get" role="search">'
                 '<input type="search" id="q" name="q" value="{q}" maxlength="200" required{af} '
                 'placeholder="Ví dụ: 57-NQ/TW, 6526, chuyen doi so" aria-label="Số hiệu hoặc từ khóa">'
                 '<select name="kind" aria-label="Loại kết quả">{opts}</select>'
                 '<button type="submit">Tìm kiếm</button></form>').format(
            q=q, af=M(" autofocus") if autofocus else M(""), opts=opts)

    def page_search(self, q=None, kind=None) -> Response:
        if not q:
            body = M('<h1>Tìm kiếm</h1>{}<p class="hint">Tìm theo số hiệu (57-NQ/TW, 57/nq-tw, 57 nq tw đều được) '
                     'hoặc theo từ trong văn bản, nhiệm vụ và chú thích, có dấu hay không dấu.</p>').format(
                self._search_form("", kind, autofocus=True))
            return self.page("Tìm kiếm", body, page="search")

        def ask(b):
            exact = None
            if any(c.isdigit() for c in q) or "_" in q or "." in q:
                try:
                    exact = Q.resolve_document(b, q)
                except Ambiguous as e:
                    exact = e
                except QueryError:
                    exact = None
            try:
                hits = Q.search(b, q, SEARCH_LIMIT, [kind] if kind else None)
            except BadQuery:
                hits = []
            return exact, hits, (self._choices(b, exact) if isinstance(exact, Ambiguous) else None)
        exact, hits, choices = self.query(ask)
        from queries.search import tokens
        tok = set(tokens(q))
        top = M("")
        if isinstance(exact, Ambiguous):
            top = M('<section class="number-match"><h2>Số hiệu này khớp nhiều văn bản</h2>{}</section>').format(choices)
        elif exact:
            top = M('<section class="number-match"><p class="muted">Khớp số hiệu</p>'
                    '<a class="match" href="{href}"><span class="badge">{dt}</span> <b>{key}</b> — {title}</a>'
                    '{outside}</section>').format(
                href=url("/doc", key=exact["key"]), dt=exact.get("doc_type") or "Văn bản", key=exact["key"],
                title=short(exact.get("title"), 160),
                outside=M(' <span class="badge warn">chưa có trong kho</span>') if not exact["in_corpus"] else M(""))
        items = []
        for i, h in enumerate(hits, 1):
            items.append(M('<li class="hit {kind}"><span class="badge {kind}">{kv}</span> '
                           '<a href="{href}" class="hit-key">{key}</a><div class="hit-title">{title}</div>'
                           '<p class="snippet">{snip}</p></li>').format(
                kind=h["kind"], kv=KIND_VI.get(h["kind"], h["kind"]), href=url("/doc", key=h["key"]), key=h["key"],
                title=short(_hit_title(h), 200), snip=highlight(h["snippet"], tok)))
        results = (M('<ol class="results">{}</ol>').format(join(items)) if items
                   else M('<p class="empty">Không tìm thấy kết quả nào cho “{}”.</p>').format(q))
        body = M('<h1>Tìm kiếm</h1>{form}{top}<p class="count">{n} kết quả cho “{q}”</p>{results}').format(
            form=self._search_form(q, kind), top=top, n=len(hits), q=q, results=results)
        return self.page(f"Tìm “{short(q, 40)}”", body, page="search", q=q)

    def page_doc(self, key: str) -> Response:
        def ask(b):
            n = Q.resolve(b, key)
            if n["kind"] != "Document":
                return n, None, None, None, None
            card = document_card(b, n)
            try:
                mentions = Q.cites(b, key)
            except QueryError:
                mentions = []
            record, targets = None, {}
            if card["sources"]:
                record = b.record(card["sources"][0])
                for r in b.refs(citing=n["id"]):
                    targets.setdefault(r["key"], r["target_key"])
            return n, card, mentions, record, targets
        n, card, mentions, record, targets = self.query(ask)
        if card is None:  # a task, footnote or responsibility: its row on the document's page
            anchor = {"Task": "task-" + slug(n.get("label") or ""), "Footnote": f"fn-{n.get('n')}",
                      "Responsibility": "resp-" + slug(n["key"].rsplit("#", 1)[-1])}[n["kind"]]
            loc = url("/doc", key=n["document"], fragment=anchor)
            return Response(303, b"", headers={"Location": loc})
        return self.page(f"{card['doc_type'] or 'Văn bản'} {card['key']}", doc_page(card, mentions, record, targets),
                         page="doc")

    def page_lineage(self, key: str, dir: str = "up", all: str = "0") -> Response:
        from .svg import draw, group_edges, node_href
        down = dir == "down"
        result = self.query(Q.impact if down else Q.trace, key, all == "1",
                            link=lambda k: url("/lineage", key=k, dir=dir if down else None))
        if len(result["nodes"]) <= MAX_PICTURE_NODES:
            svg, groups = draw(result, downstream=down)
        else:  # too big to read as a picture (and to draw quickly): the list below says it all
            svg = M('<p class="empty">Sơ đồ có {} nút, quá lớn để vẽ; các quan hệ được liệt kê bên dưới.</p>').format(
                len(result["nodes"]))
            groups = group_edges(result)
        nodes = {n["key"]: n for n in result["nodes"]}
        start = nodes[result["start"]]
        tabs = join(M('<a href="{}" class="{}">{}</a>').format(
            url("/lineage", key=key, dir=d, all=all if all == "1" else None), "on" if d == dir else "", label)
            for d, label in (("up", "Nguồn gốc (lên)"), ("down", "Tác động (xuống)")))
        toggle = M('<a href="{}" class="toggle{}">{}</a>').format(
            url("/lineage", key=key, dir=dir if down else None, all=None if all == "1" else "1"),
            " on" if all == "1" else "", ("✓ " if all == "1" else "") + "Gồm cả dẫn chiếu thường và chú thích")
        if down:
            kinds: dict[str, int] = {}
            for n in result["nodes"][1:]:
                kinds[n["kind"]] = kinds.get(n["kind"], 0) + 1
            summary = M('<p class="summary">Phát sinh từ {}: {} văn bản, {} nhiệm vụ, {} đơn vị.</p>').format(
                result["start"], kinds.get("Document", 0), kinds.get("Task", 0), kinds.get("Unit", 0))
        else:
            roots = join((M('<a href="{}" class="root-link">{}</a>').format(
                url("/doc", key=r), " ".join(x for x in (nodes[r].get("doc_type"), r) if x)) for r in result["roots"]),
                " ")
            summary = (M('<p class="summary">Văn bản gốc: {}</p>').format(roots) if result["roots"]
                       else M('<p class="summary">Không có văn bản gốc nào (văn bản này không nêu căn cứ).</p>'))
        ev_items = join(_evidence_item(g, nodes) for g in groups)
        what = "Tác động" if down else "Nguồn gốc"
        body = M('<nav class="crumbs"><a href="{back}">← {start_label}</a></nav>'
                 '<h1>{what}: {start}</h1><p class="start-title">{title}</p>'
                 '<div class="tabs">{tabs}{toggle}</div>{summary}'
                 '<div class="lineage-wrap"><div class="figure" tabindex="0">{svg}</div>'
                 '<aside id="evidence-panel" class="panel" aria-live="polite"><h2>Câu chứng minh</h2>'
                 '<div class="panel-body"><p class="muted">Di chuột hoặc bấm vào một mũi tên trong sơ đồ để xem câu '
                 'trong văn bản chứng minh quan hệ đó.</p></div></aside></div>'
                 '<p class="legend">{legend}</p>'
                 '<h2>Các quan hệ và câu chứng minh ({n})</h2><ol class="evidence-list">{ev}</ol>').format(
            back=url("/doc", key=result["start"]), start_label=result["start"], what=what, start=result["start"],
            title=short(start.get("title"), 240), tabs=tabs, toggle=toggle, summary=summary, svg=svg,
            legend=LINEAGE_LEGEND, n=len(groups), ev=ev_items)
        return self.page(f"{what} {result['start']}", body, page="lineage")

    def page_units(self) -> Response:
        items = self.query(Q.units)
        busy = [u for u in items if u["tasks"]]
        idle = [u for u in items if not u["tasks"]]

        def rows(us):
            return join(M('<tr><td><a href="{}">{}</a></td><td>{}</td><td class="num">{}</td><td class="muted">{}</td>'
                          '</tr>').format(url("/unit", name=u["name"]), u["name"], u["parent"] or "—", u["tasks"],
                                          short("; ".join(u["aliases"]), 160) or "—") for u in us)
        head = M('<thead><tr><th>Đơn vị</th><th>Trực thuộc</th><th class="num">Nhiệm vụ</th>'
                 '<th>Cách viết khác</th></tr></thead>')
        body = M('<h1>Đơn vị</h1><form class="unit-search" action="/unit" method="get">'
                 '<input type="search" name="name" required maxlength="200" placeholder="Tên đơn vị, có dấu hay không dấu"'
                 ' aria-label="Tên đơn vị"><button type="submit">Xem nhiệm vụ</button></form>'
                 '<h2>Đơn vị có nhiệm vụ ({nb})</h2><table class="grid">{head}<tbody>{busy}</tbody></table>'
                 '<details><summary>Các đơn vị khác được nhắc đến ({ni})</summary><table class="grid">{head}'
                 '<tbody>{idle}</tbody></table></details>').format(
            nb=len(busy), ni=len(idle), head=head, busy=rows(busy), idle=rows(idle))
        return self.page("Đơn vị", body, page="units")

    def _unit_items(self, name: str, role: str | None, period: str):
        def ask(b):
            res = Q.unit_tasks(b, name, role)
            titles = {}
            for doc in dict.fromkeys(i["document"] for i in res["items"]):
                try:
                    titles[doc] = Q.resolve_document(b, doc)
                except QueryError:
                    titles[doc] = {"key": doc, "title": None, "doc_type": None}
            return res, titles
        res, titles = self.query(ask, link=lambda k: url("/unit", name=k))
        today = self.today()
        items = [i for i in res["items"] if cal.in_period(i, period, today)]
        return res["unit"], res["items"], items, titles, today

    def page_unit(self, name: str, role: str | None = None, period: str = "all") -> Response:
        unit, all_items, items, docs, today = self._unit_items(name, role, period)
        groups: dict[str, list[dict]] = {}
        for i in items:
            groups.setdefault(i["document"], []).append(i)
        sections = []
        for doc, its in groups.items():
            d = docs.get(doc) or {}
            rows = join(M('<tr class="{st}"><td class="label">{label}</td><td class="c-title">{title}</td>'
                          '<td><span class="role {role}">{rolev}</span></td><td class="c-deadline">{deadline}{badge}</td>'
                          '<td class="links"><a href="{href}">xem</a> · <a href="{lin}">nguồn gốc</a></td></tr>').format(
                st=cal.status(i, today) or "", label=i["label"] or "—", title=i["title"] or "", role=i["role"],
                rolev=cal.ROLES[i["role"]], deadline=i["deadline"] or "—", badge=_status_badge(cal.status(i, today)),
                href=url("/doc", key=i["task"]), lin=url("/lineage", key=i["task"]) if i["role"] != "responsible"
                else url("/lineage", key=i["document"])) for i in its)
            sections.append(M('<section class="plan"><h2><a href="{href}">{dt} {key}</a> <span class="count">{n} mục'
                              '</span></h2><p class="plan-title">{title}</p><table class="grid unit-tasks"><thead><tr>'
                              '<th>Mục</th><th>Nội dung</th><th>Vai trò</th><th>Thời hạn</th><th></th></tr></thead>'
                              '<tbody>{rows}</tbody></table></section>').format(
                href=url("/doc", key=doc), dt=d.get("doc_type") or "", key=doc, n=len(its),
                title=short(d.get("title"), 220), rows=rows))
        how = {"exact": None, "fuzzy": f"khớp gần đúng ({unit['score']}%) với “{unit['matched']}”",
               "words": "khớp theo từ"}.get(unit["how"])
        qs, qe = cal.quarter(today)
        ns, ne = cal.quarter(today, 1)
        role_opts = _options([("", "Mọi vai trò"), *cal.ROLES.items()], role or "")
        period_opts = _options(cal.PERIODS.items(), period)
        filt = dict(name=unit["name"], role=role, period=None if period == "all" else period)
        ics = url("/unit.ics", name=unit["name"], role=role)
        empty = M('<p class="empty">Không có nhiệm vụ nào khớp bộ lọc.</p>')
        counts = {k: sum(1 for i in all_items if cal.status(i, today) == k) for k in ("quarter", "next", "overdue")}
        body = M('<nav class="crumbs"><a href="/units">← Đơn vị</a></nav><h1>{name}</h1>{how}'
                 '<div class="unit-stats"><div><b>{total}</b><span>mục trên {plans} kế hoạch</span></div>'
                 '<div class="quarter"><b>{nq}</b><span>hạn trong quý này ({qs} – {qe})</span></div>'
                 '<div class="next"><b>{nn}</b><span>hạn trong quý sau ({ns} – {ne})</span></div>'
                 '<div class="overdue"><b>{no}</b><span>đã quá hạn (hôm nay: {today})</span></div></div>'
                 '<div class="toolbar"><form class="filters" action="/unit" method="get">'
                 '<input type="hidden" name="name" value="{name}">'
                 '<label>Vai trò <select name="role" class="autosubmit">{ro}</select></label>'
                 '<label>Thời hạn <select name="period" class="autosubmit">{po}</select></label>'
                 '<button type="submit">Lọc</button></form>'
                 '<div class="exports"><a class="btn" href="{csv}" download>Tải CSV</a>'
                 '<a class="btn" href="{ics}">Lịch (.ics)</a></div></div>'
                 '<p class="feed"><label>Đăng ký lịch thời hạn trong Outlook/Thunderbird/Lịch: <input type="text" '
                 'readonly value="{feed}" class="copy-src" aria-label="Địa chỉ lịch"></label>'
                 '<button type="button" class="copy">Sao chép</button></p>'
                 '<p class="shown">Đang hiển thị {shown} mục.</p>{sections}').format(
            name=unit["name"], how=M('<p class="muted">{}</p>').format(how) if how else M(""),
            total=len(all_items), plans=len({i["document"] for i in all_items}), shown=len(items),
            nq=counts["quarter"], nn=counts["next"], no=counts["overdue"],
            today=_vn_date(today), qs=_vn_date(qs), qe=_vn_date(qe), ns=_vn_date(ns), ne=_vn_date(ne),
            ro=role_opts, po=period_opts, csv=url("/unit.csv", **filt), ics=ics, feed=self.base_url() + ics,
            sections=join(sections) if sections else empty)
        return self.page(unit["name"], body, page="unit")

    def unit_csv(self, name: str, role: str | None = None, period: str = "all") -> Response:
        unit, _all, items, _docs, _today = self._unit_items(name, role, period)
        fname = f"nhiem-vu-{slug(unit['name']).lower()}.csv"
        return Response(200, cal.to_csv(items).encode("utf-8"), "text/csv; charset=utf-8",
                        {"Content-Disposition": _disposition("attachment", fname)})

    def unit_ics(self, name: str, role: str | None = None) -> Response:
        unit, items, _items, _docs, _today = self._unit_items(name, role, "all")
        try:
            stamp = datetime.fromtimestamp(self.db.stat().st_mtime, timezone.utc)
        except OSError:
            stamp = datetime.now(timezone.utc)
        body = cal.to_ics(unit, items, stamp, self.base_url(), lambda k: url("/doc", key=k))
        fname = f"thoi-han-{slug(unit['name']).lower()}.ics"
        return Response(200, body.encode("utf-8"), "text/calendar; charset=utf-8",
                        {"Content-Disposition": _disposition("inline", fname)})

    def page_missing(self) -> Response:
        s = self.query(Q.stats)
        rows = join(M('<tr><td class="num">{i}</td><td class="key"><a href="{href}">{key}</a></td><td>{dt}</td>'
                      '<td>{issuer}</td><td>{date}</td><td>{title}</td><td class="num">{cb}</td>'
                      '<td class="num">{m}</td></tr>').format(
            i=i, href=url("/doc", key=m["key"]), key=m["key"], dt=m["doc_type"] or "—", issuer=m["issuer"] or "—",
            date=_vn_iso(m["issued_date"]) or "—", title=short(m["title"], 120) or "—", cb=m["cited_by"],
            m=m["mentions"] or 0) for i, m in enumerate(s["missing"], 1))
        body = M('<h1>Văn bản còn thiếu</h1><p class="lead">Các văn bản được dẫn chiếu nhưng chưa có nội dung trong kho, '
                 'văn bản được nhiều nơi dẫn nhất trước: nên thu thập các văn bản đầu danh sách trước.</p>'
                 '<table class="grid missing"><thead><tr><th class="num">#</th><th>Số, ký hiệu</th><th>Loại</th>'
                 '<th>Cơ quan ban hành</th><th>Ngày</th><th>Trích yếu</th><th class="num">Số VB dẫn</th>'
                 '<th class="num">Lần nhắc</th></tr></thead><tbody>{rows}</tbody></table>').format(rows=rows)
        if not s["missing"]:
            body = M('<h1>Văn bản còn thiếu</h1><p class="empty">Mọi văn bản được dẫn đều đã có trong kho.</p>')
        return self.page("Văn bản còn thiếu", body, page="missing")


# --- pieces of pages ----------------------------------------------------------------------------------

LINEAGE_LEGEND = M(
    '<span class="lg lg-base">căn cứ</span><span class="lg lg-impl">thực hiện / sửa đổi / thay thế</span>'
    '<span class="lg lg-cite">dẫn chiếu</span><span class="lg lg-note">chú thích</span>'
    '<span class="lg lg-task">nhiệm vụ</span>'
    '<span class="lg lg-role">vai trò đơn vị</span><span class="lg lg-implied">nét đứt: quan hệ suy ra</span>'
    '<span class="lg lg-root">khung đậm: văn bản gốc</span>')


def _host_name(host: str | None) -> str:
    h = (host or "").strip().lower()
    if h.startswith("["):
        return h[: h.find("]") + 1] if "]" in h else h
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def _capital(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _disposition(kind: str, fname: str) -> str:
    from urllib.parse import quote
    ascii_name = fname.encode("ascii", "ignore").decode() or "tep"
    return f'{kind}; filename="{ascii_name}"; filename*=UTF-8\'\'{quote(fname)}'


def _vn_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _vn_iso(s: str | None) -> str | None:
    try:
        return _vn_date(date.fromisoformat(s)) if s else None
    except ValueError:
        return s


def _options(items, selected: str) -> Markup:
    return join(M('<option value="{}"{}>{}</option>').format(k, M(" selected") if k == selected else M(""), v)
                for k, v in items)


def _status_badge(st: str | None) -> Markup:
    label = {"overdue": "quá hạn", "quarter": "quý này", "next": "quý sau"}.get(st or "")
    return M(' <span class="badge {}">{}</span>').format(st, label) if label else M("")


def _hit_title(h: dict) -> str:
    """The search index prefixes titles with the key; show the words after it."""
    t = h.get("title") or ""
    return t[len(h["key"]):].strip() if t.startswith(h["key"]) else t


def highlight(snippet: str, tok: set[str]) -> Markup:
    """The snippet with «hits» as <mark>; a « » pair is a hit only if its words are query words."""
    from kg.identity import ffold
    from queries.search import tokens
    out, pos = [], 0
    while True:
        a = snippet.find("«", pos)
        b = snippet.find("»", a + 1) if a >= 0 else -1
        if a < 0 or b < 0:
            out.append(esc(snippet[pos:]))
            break
        inner = snippet[a + 1:b]
        out.append(esc(snippet[pos:a]))
        if inner and set(tokens(inner)) <= tok and ffold(inner).strip():
            out.append(M("<mark>{}</mark>").format(inner))
        else:
            out.append(esc(snippet[a:b + 1]))
        pos = b + 1
    return join(out)


def _rels(relations) -> str:
    if isinstance(relations, str):
        try:
            relations = json.loads(relations)
        except ValueError:
            relations = [relations]
    names = {"footnote": "dẫn ở chú thích"}
    return ", ".join(names.get(r, REL_VI.get(str(r).upper(), r)) for r in relations or [])


def _evidence_item(g, nodes: dict) -> Markup:
    from .svg import node_href
    parts = []
    for e in g.edges:
        ev = e.get("evidence") or {}
        where = ev.get("file") or ""
        if ev.get("start") is not None:
            where += f" @{ev['start']}"
        implied = (M(' <span class="badge implied">suy ra, nêu trong {}</span>').format(e.get("stated_in") or where)
                   if e.get("implied") else M(""))
        parts.append(M('<div class="ev-one"><p class="ev-rel">{rel}{imp}</p>{quote}<p class="src">{where}</p>'
                       '</div>').format(rel=REL_VI.get(e["relation"], e["relation"]), imp=implied,
                                        quote=M("<blockquote>{}</blockquote>").format(ev["text"]) if ev.get("text")
                                        else M('<p class="muted">(không có câu chứng minh)</p>'), where=where))
    a, b = nodes[g.a], nodes[g.b]
    return M('<li id="ev-{n}" class="ev {cls}"><p class="ev-head"><b>{label}</b>: <a href="{ha}">{ka}</a> → '
             '<a href="{hb}">{kb}</a></p>{parts}</li>').format(
        n=g.n, cls=g.cls, label=g.label, ha=node_href(a), ka=a["key"], hb=node_href(b), kb=b["key"], parts=join(parts))


def _unit_links(names) -> Markup:
    return join((M('<a href="{}">{}</a>').format(url("/unit", name=n), n) for n in names), "; ") if names else M("—")


def _doc_links(items: list[dict]) -> Markup:
    """Related documents, one line each with its relations, and the proving sentences folded."""
    by_key: dict[str, list[dict]] = {}
    for x in items:
        by_key.setdefault(x["key"], []).append(x)
    lis = []
    for key, xs in by_key.items():
        rels = ", ".join(dict.fromkeys(REL_VI.get(x["relation"], x["relation"]) + (" (suy ra)" if x["implied"] else "")
                                       for x in xs))
        sentences = [x["evidence"]["text"] for x in xs if x["evidence"].get("text")]
        ev = join(M("<blockquote>{}</blockquote>").format(s) for s in dict.fromkeys(sentences))
        lis.append(M('<li><a href="{href}">{key}</a> <span class="rel">{rels}</span>{outside}'
                     '{ev}</li>').format(
            href=url("/doc", key=key), key=key, rels=rels,
            outside=M(' <span class="badge warn">chưa có trong kho</span>') if not xs[0]["in_corpus"] else M(""),
            ev=M('<details><summary>Câu chứng minh</summary>{}</details>').format(ev) if sentences else M("")))
    return M('<ul class="links">{}</ul>').format(join(lis))


def doc_page(c: dict, mentions: list[dict], record: dict | None, targets: dict[str, str]) -> Markup:
    badges = []
    if not c["in_corpus"]:
        badges.append(M('<span class="badge warn">chưa có trong kho — chỉ biết qua trích dẫn</span>'))
    if c["ambiguous"]:
        badges.append(M('<span class="badge warn">số mơ hồ</span>'))
    signer = " ".join(x for x in (c["signer_title"], c["signer"]) if x)
    meta = [("Số, ký hiệu", c["number"]), ("Loại", c["doc_type"]), ("Cơ quan ban hành", c["issuer"]),
            ("Ngày ban hành", _vn_iso(c["issued_date"])), ("Người ký", signer or None), ("Địa phương", c["locality"]),
            ("Nơi nhận", "; ".join(c["recipients"]) or None)]
    dl = join(M("<dt>{}</dt><dd>{}</dd>").format(k, v) for k, v in meta if v)
    if c["ambiguous"] and c["candidates"]:
        dl += M("<dt>Có thể là</dt><dd>{}</dd>").format(
            join((M('<a href="{}">{}</a>').format(url("/doc", key=k), k) for k in c["candidates"]), "; "))
    sections = []
    if c["bases"]:
        sections.append(M('<section id="bases"><h2>Căn cứ, thực hiện ({})</h2>{}</section>').format(
            len({x["key"] for x in c["bases"]}), _doc_links(c["bases"])))
    if c["implemented_by"]:
        sections.append(M('<section id="implemented"><h2>Văn bản căn cứ vào hoặc thực hiện văn bản này ({})</h2>{}'
                          '</section>').format(len({x["key"] for x in c["implemented_by"]}),
                                               _doc_links(c["implemented_by"])))
    if c["tasks"]:
        rows = join(M('<tr id="task-{id}"><td class="label">{label}</td><td class="c-title">{title}</td>'
                      '<td class="c-units">{lead}</td><td class="c-units">{sup}</td><td class="c-units">{exe}</td>'
                      '<td class="c-deadline">{deadline}</td><td class="links"><a href="{lin}">nguồn gốc</a></td>'
                      '</tr>').format(
            id=slug(t["label"] or ""), label=t["label"], title=t["title"], lead=_unit_links(t["lead"]),
            sup=_unit_links(t["support"]), exe=_unit_links(t["executor"]), deadline=t["deadline"] or "—",
            lin=url("/lineage", key=t["task"])) for t in c["tasks"])
        sections.append(M('<section id="tasks"><h2>Nhiệm vụ ({n})</h2><table class="grid tasks"><thead><tr><th>Mục</th>'
                          '<th>Nội dung</th><th>Chủ trì</th><th>Phối hợp</th><th>Thực hiện</th><th>Thời hạn</th><th></th>'
                          '</tr></thead><tbody>{rows}</tbody></table></section>').format(n=len(c["tasks"]), rows=rows))
    if c["responsibilities"]:
        rows = join(M('<tr id="resp-{id}"><td class="label">{label}</td><td>{unit}</td><td>{title}</td></tr>').format(
            id=slug(r["id"].rsplit("#", 1)[-1]), label=r["label"] or "—",
            unit=_unit_links([r["unit"]] if r["unit"] else []), title=short(r["title"], 400)) for r in c["responsibilities"])
        sections.append(M('<section id="responsibilities"><h2>Trách nhiệm ({n})</h2><table class="grid"><thead><tr>'
                          '<th>Mục</th><th>Đơn vị</th><th>Nội dung</th></tr></thead><tbody>{rows}</tbody></table>'
                          '</section>').format(n=len(c["responsibilities"]), rows=rows))
    if c["footnotes"]:
        lis = join(M('<li id="fn-{n}" value="{n}"><span class="anchor">{anchor}</span> {text}{cites}</li>').format(
            n=f["footnote"], anchor=f"“{f['anchor']}”" if f.get("anchor") else "", text=f["text"],
            cites=M('<div class="cites">Dẫn: {}</div>').format(
                join((M('<a href="{}">{}</a>').format(url("/doc", key=k), k) for k in f["cites"]), ", "))
            if f["cites"] else M("")) for f in c["footnotes"])
        sections.append(M('<section id="footnotes"><h2>Chú thích ({})</h2><ol class="footnotes">{}</ol></section>').format(
            len(c["footnotes"]), lis))
    if c["cited_by"]:
        lis = join(M('<li><a href="{}">{}</a> <span class="rel">{}</span></li>').format(
            url("/doc", key=x["key"]), x["key"], _rels(x["relations"])) for x in c["cited_by"])
        sections.append(M('<section id="cited-by"><h2>Được dẫn chiếu bởi ({})</h2><ul class="links">{}</ul>{}'
                          '</section>').format(len(c["cited_by"]), lis, _mentions(mentions)))
    if c["sources"]:
        sections.append(M('<section id="sources"><h2>Nguồn</h2><ul class="sources">{}</ul></section>').format(
            join(M("<li><code>{}</code></li>").format(s) for s in c["sources"])))
    if record is not None:
        from .textview import text_view
        legend, text = text_view(record, targets)
        sections.append(M('<section id="text"><h2>Nội dung văn bản</h2><p class="muted">Văn bản được dẫn, đơn vị, '
                          'ngày tháng, thời hạn và chú thích được tô màu; bấm vào nhãn để mở văn bản hoặc đơn vị.</p>'
                          '<div class="legend">{}</div><div class="displacy">{}</div></section>').format(legend, text))
    toc = join(M('<a href="#{}">{}</a>').format(i, t) for i, t, ok in (
        ("bases", "Căn cứ", c["bases"]), ("implemented", "Văn bản thực hiện", c["implemented_by"]),
        ("tasks", "Nhiệm vụ", c["tasks"]), ("responsibilities", "Trách nhiệm", c["responsibilities"]),
        ("footnotes", "Chú thích", c["footnotes"]), ("cited-by", "Được dẫn bởi", c["cited_by"]),
        ("text", "Nội dung", record is not None)) if ok)
    return M('<header class="doc-head"><p class="kind">{dt}</p><h1>{key}</h1><p class="doc-title">{title}</p>{badges}'
             '<p class="actions"><a class="btn primary" href="{up}">Sơ đồ nguồn gốc</a>'
             '<a class="btn" href="{down}">Sơ đồ tác động</a></p></header>'
             '<nav class="toc">{toc}</nav><dl class="meta">{dl}</dl>{sections}').format(
        dt=c["doc_type"] or "Văn bản", key=c["key"], title=c["title"] or "", badges=join(badges),
        up=url("/lineage", key=c["key"]), down=url("/lineage", key=c["key"], dir="down"), toc=toc, dl=dl,
        sections=join(sections))


def _mentions(mentions: list[dict]) -> Markup:
    if not mentions:
        return M("")
    where = {"body": "nội dung", "footnote": "chú thích", "task": "nhiệm vụ"}
    lis = join(M('<li><a href="{href}">{doc}</a> <span class="muted">({w})</span><blockquote>{text}</blockquote></li>')
               .format(href=url("/doc", key=m["task"] or m["document"]), doc=m["task"] or m["document"],
                       w=where.get(m["where"], m["where"]), text=short(m["text"], 600)) for m in mentions[:100])
    return M('<details><summary>Các câu dẫn ({})</summary><ul class="mentions">{}</ul></details>').format(
        len(mentions), lis)
