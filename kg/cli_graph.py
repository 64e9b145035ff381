"""The graph commands of `kg`: build, trace, impact, tasks, cites, footnotes, show, search, units,
stats. Parsing and printing only: the answers come from queries/ over a store backend.

Exit codes: 0 done, 1 some inputs skipped, 2 usage error (bad option, malformed task id, empty
query), 3 no single answer (unknown or ambiguous key), 4 store unusable (missing, newer version),
5 graph server unusable (`--backend neo4j`: down, login refused, statement failed)."""
from __future__ import annotations

import functools
import json
import sqlite3
import sys
from pathlib import Path

import click

import queries as Q
from queries.backend import Ambiguous, BadQuery, NotFound, QueryError

from . import render
from .cli_extract import DigestStream, ExtractionFailed
from .identity import lookup_norm
from .neo4j_backend import ServerError
from .neo4j_options import backend_options, open_server_backend, server_error
from .store import DEFAULT_DB, SqliteBackend, Store, StoreError


class Failure(click.ClickException):
    """No single answer (unknown key, ambiguous key): one line on stderr."""
    exit_code = 3

    def show(self, file=None):
        click.echo(f"kg: {self.format_message()}", err=True)


class StoreFailure(Failure):
    exit_code = 4


class BadInput(click.UsageError):
    """Input that cannot be read (a malformed task id): a usage error, told in one line."""

    def show(self, file=None):
        click.echo(f"kg: {self.format_message()}", err=True)


def db_option(f):
    return click.option("--db", "db", type=click.Path(dir_okay=False), envvar="KG_DB", default=None,
                        help=f"Tệp kho SQLite (mặc định {DEFAULT_DB}, hoặc biến KG_DB).")(f)


def json_option(f):
    return click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")(f)


def emit_json(obj, sort_keys: bool = False) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=sort_keys))


def query_command(f):
    """Open the store read-only (or the graph server with --backend neo4j), pass the backend, and
    turn every failure into one clear line."""
    @functools.wraps(f)
    def wrapper(*args, db=None, backend="networkx", uri=None, user=None, password_env=None, database=None,
                **kwargs):
        if backend == "neo4j":
            b = open_server_backend(uri, user, password_env, database)
        else:
            try:
                b = SqliteBackend(Path(db) if db else DEFAULT_DB)
            except StoreError as e:
                raise StoreFailure(str(e)) from None
        try:
            return f(b, *args, **kwargs)
        except BadQuery as e:
            raise BadInput(str(e)) from None
        except (NotFound, Ambiguous, QueryError) as e:
            raise Failure(str(e)) from None
        except sqlite3.Error as e:
            raise StoreFailure(f"lỗi đọc kho: {e}") from None
        except ServerError as e:
            raise server_error(e) from None
        finally:
            b.close()
    return wrapper


# --- build -----------------------------------------------------------------------------------------

class _StoreBar:
    """The "ghi kho" progress bar, one step per document written (the count is known only once
    the sources are grouped); nothing without a TTY."""

    def __init__(self):
        self.bar = None
        self.done = 0

    def update(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="ghi kho", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path())
@db_option
@json_option
@click.pass_context
def build_cmd(ctx, paths, db, as_json):
    """Nạp tệp hoặc thư mục (mặc định corpus/) vào kho; tệp không đổi được bỏ qua."""
    paths = paths or ("corpus",)
    bar = _StoreBar()
    try:
        # records stream from the extraction workers into the store (inputs it holds unchanged are
        # not extracted again); the write transaction opens once the last one is in
        with Store(Path(db) if db else DEFAULT_DB) as store:
            stream = DigestStream(paths, progress=True, stored=store.stored_sources())
            res = store.ingest_digests(stream, link=True, progress=bar.update)
    except ExtractionFailed as e:
        raise Failure(f"trích xuất thất bại, kho giữ nguyên: {e}") from None
    except StoreError as e:
        raise StoreFailure(str(e)) from None
    except sqlite3.Error as e:
        raise StoreFailure(f"lỗi ghi kho: {e}") from None
    finally:
        bar.close()
    bad = stream.bad
    b = SqliteBackend(Path(db) if db else DEFAULT_DB)
    try:
        s = b.counts()
    finally:
        b.close()
    if as_json:
        emit_json({**s, "added": res.added, "changed": res.changed, "unchanged": res.unchanged,
                   "skipped": [{"path": p, "problem": m} for p, m in bad]}, sort_keys=True)
    else:
        click.echo(render.build_summary(s, res))
    if bad:
        ctx.exit(1)


# --- lineage ---------------------------------------------------------------------------------------

def _draw(result: dict, fmt: str, as_json: bool, downstream: bool) -> None:
    if as_json:
        emit_json(result)
    elif fmt == "mermaid":
        click.echo(render.mermaid(result))
    elif fmt == "dot":
        click.echo(render.dot(result))
    else:
        click.echo(render.tree(result, downstream=downstream))


@click.command("trace")
@click.argument("x")
@click.option("--all", "all_relations", is_flag=True, help="Theo cả dẫn chiếu thường và dẫn ở chú thích.")
@click.option("--format", "fmt", type=click.Choice(["text", "mermaid", "dot"]), default="text", show_default=True)
@json_option
@db_option
@backend_options
@query_command
def trace_cmd(b, x, all_relations, fmt, as_json):
    """Nguồn gốc của X (số văn bản, tên tệp, hoặc mã nhiệm vụ VĂN_BẢN#MỤC) đến các văn bản gốc."""
    _draw(Q.trace(b, x, all_relations), fmt, as_json, downstream=False)


@click.command("impact")
@click.argument("x")
@click.option("--all", "all_relations", is_flag=True, help="Tính cả các văn bản chỉ dẫn chiếu X.")
@click.option("--format", "fmt", type=click.Choice(["text", "mermaid", "dot"]), default="text", show_default=True)
@json_option
@db_option
@backend_options
@query_command
def impact_cmd(b, x, all_relations, fmt, as_json):
    """Những văn bản, nhiệm vụ và đơn vị phát sinh từ X."""
    _draw(Q.impact(b, x, all_relations), fmt, as_json, downstream=True)


# --- registry, citations, cards ---------------------------------------------------------------------

@click.command("tasks")
@click.argument("unit", nargs=-1, required=True)
@click.option("--role", type=click.Choice(["lead", "support", "executor", "responsible"], case_sensitive=False),
              help="Chỉ một vai trò: chủ trì (lead), phối hợp (support), thực hiện (executor), trách nhiệm.")
@click.option("--due-before", "due_before", metavar="DATE", help="Hạn kết thúc không muộn hơn DATE (YYYY-MM-DD).")
@click.option("--plan", metavar="X", help="Chỉ trong kế hoạch X.")
@json_option
@db_option
@backend_options
@query_command
def tasks_cmd(b, unit, role, due_before, plan, as_json):
    """Mọi nhiệm vụ của một đơn vị trên mọi kế hoạch (tên không dấu cũng được)."""
    res = Q.unit_tasks(b, " ".join(unit), role.lower() if role else None, due_before, plan)
    if as_json:
        emit_json(res["items"])
    else:
        click.echo(render.unit_tasks(res))


@click.command("cites")
@click.argument("x")
@json_option
@db_option
@backend_options
@query_command
def cites_cmd(b, x, as_json):
    """Mọi nơi dẫn văn bản X, kèm câu dẫn."""
    items = Q.cites(b, x)
    if as_json:
        emit_json(items)
    else:
        click.echo(render.cites(items, x))


@click.command("footnotes")
@click.argument("doc", required=False)
@json_option
@db_option
@backend_options
@query_command
def footnotes_cmd(b, doc, as_json):
    """Chú thích và các văn bản chúng dẫn; văn bản được nhiều kế hoạch dẫn."""
    res = Q.footnotes(b, doc)
    if as_json:
        emit_json(res)
    else:
        click.echo(render.footnotes(res))


@click.command("show")
@click.argument("x")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), help="Ghi trang displaCy của văn bản ra tệp.")
@json_option
@db_option
@backend_options
@query_command
def show_cmd(b, x, html_out, as_json):
    """Thẻ văn bản: thông tin, căn cứ, văn bản thực hiện, nhiệm vụ, chú thích, nguồn."""
    card = Q.show(b, x)
    if html_out:
        _write_html(b, x, card, html_out)
        click.echo(f"Đã ghi {html_out}", err=True)
        return
    if as_json:
        emit_json(card)
    else:
        click.echo(render.card(card))


def _write_html(b, x: str, card: dict, out: str) -> None:
    if card["kind"] != "Document":
        card = Q.show(b, card["document"])
    if not card["sources"]:
        raise Failure(f"{card['key']} chỉ được dẫn, không có nội dung trong kho để dựng HTML")
    name = Path(x.split("#", 1)[0]).name
    file = next((f for f in card["sources"] if lookup_norm(name) in (lookup_norm(f), lookup_norm(Path(f).stem))),
                card["sources"][0])
    record = b.record(file)
    try:
        from extract.nlp import render_html
    except ImportError as e:
        raise Failure(f"không dựng được HTML: cần extract.nlp.render_html ({e})") from None
    try:
        html = render_html(record)
    except Exception as e:  # the renderer is another module's code: report it in one line
        raise Failure(f"extract.nlp.render_html lỗi với {file}: {type(e).__name__}: {e}") from None
    try:
        Path(out).write_text(html, encoding="utf-8")
    except OSError as e:
        raise Failure(f"không ghi được {out}: {e.strerror or e}") from None


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["document", "task", "footnote"]),
              help="Chỉ loại kết quả này (lặp lại được).")
@json_option
@db_option
@backend_options
@query_command
def search_cmd(b, query, limit, kinds, as_json):
    """Tìm kiếm tự do (không phân biệt dấu, kể cả đ) trên văn bản, nhiệm vụ, chú thích."""
    hits = Q.search(b, " ".join(query), limit, list(kinds) or None)
    if as_json:
        emit_json(hits)
    else:
        click.echo(render.search(hits))


@click.command("units")
@json_option
@db_option
@backend_options
@query_command
def units_cmd(b, as_json):
    """Danh mục đơn vị với mọi cách viết đã gặp."""
    items = Q.units(b)
    if as_json:
        emit_json(items)
    else:
        click.echo(render.units(items))


@click.command("stats")
@json_option
@db_option
@backend_options
@query_command
def stats_cmd(b, as_json):
    """Số liệu kho và các văn bản được dẫn nhưng chưa có (nên thu thập tiếp)."""
    s = Q.stats(b)
    if as_json:
        emit_json(s, sort_keys=True)
    else:
        click.echo(render.stats(s))


COMMANDS = [build_cmd, trace_cmd, impact_cmd, tasks_cmd, cites_cmd, footnotes_cmd, show_cmd, search_cmd, units_cmd,
            stats_cmd]


def register(cli: click.Group) -> None:
    for c in COMMANDS:
        cli.add_command(c)
