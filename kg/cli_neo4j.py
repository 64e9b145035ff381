"""The Neo4j commands of `kg`: `push` (the local store onto a Bolt server) and
`export neo4j-csv` (files for neo4j-admin's bulk import). Queries on the server are the usual
commands with `--backend neo4j` (kg/cli_graph.py).

Exit codes as for the other commands, plus 5: the server is down, refused the login, or failed a
statement (one line on stderr; the local store is only ever read)."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click

from .cli_graph import Failure, StoreFailure
from .neo4j_backend import ServerError, _server_error, connect
from .neo4j_load import DEFAULT_BATCH, push, store_counts
from .neo4j_options import connection_options, password_from_env, server_error
from .store import DEFAULT_DB, SqliteBackend, StoreError


def _open_store(db) -> SqliteBackend:
    try:
        return SqliteBackend(Path(db) if db else DEFAULT_DB)
    except StoreError as e:
        raise StoreFailure(str(e)) from None


def _fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def summary_text(s) -> str:
    lines = [f"Đã nạp lên {s.uri}{' (' + s.database + ')' if s.database else ''} [{s.server}]: "
             f"{_fmt(s.total_nodes)} nút, {_fmt(s.total_relationships)} quan hệ, {s.batches} lô "
             f"(tối đa {_fmt(s.batch_size)} dòng), {s.seconds:.1f} s, {_fmt(s.rate)} nút+quan hệ/s"]
    lines.append("Nút: " + ", ".join(f"{k} {_fmt(v)}" for k, v in s.nodes.items()))
    lines.append("Quan hệ: " + ", ".join(f"{k} {_fmt(v)}" for k, v in sorted(s.relationships.items())))
    extra = [f"thử lại {s.retries}", f"xoá bản cũ {s.removed_stale}"]
    if s.skipped_relationships:
        extra.append(f"bỏ qua {s.skipped_relationships} quan hệ thiếu đầu mút")
    extra.append("chỉ mục toàn văn: " + (s.fulltext or "—"))
    lines.append("; ".join(extra))
    return "\n".join(lines)


@click.command("push")
@connection_options
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=DEFAULT_BATCH, show_default=True,
              help="Số dòng mỗi lô UNWIND (một giao dịch mỗi lô).")
@click.option("--db", "db", type=click.Path(dir_okay=False), envvar="KG_DB", default=None,
              help=f"Tệp kho SQLite (mặc định {DEFAULT_DB}, hoặc biến KG_DB).")
@click.option("--json", "as_json", is_flag=True, help="In tóm tắt dạng JSON.")
def push_cmd(uri, user, password_env, database, batch_size, db, as_json):
    """Nạp toàn bộ đồ thị của kho lên máy chủ Neo4j (Bolt): ràng buộc và chỉ mục trước, rồi nút và
    quan hệ bằng MERGE theo khoá ổn định; nạp lại hay nạp tiếp sau khi bị ngắt đều không sinh bản trùng."""
    password = password_from_env(password_env)
    store = _open_store(db)
    try:
        conn = store.conn
        total = sum(store_counts(conn))
        try:
            driver = connect(uri, user, password)
        except ServerError as e:
            raise server_error(e) from None
        try:
            if sys.stderr.isatty():
                with click.progressbar(length=total, label="nạp lên máy chủ", file=sys.stderr) as bar:
                    s = push(conn, driver, database, batch_size, on_batch=bar.update, uri=uri)
            else:
                s = push(conn, driver, database, batch_size, uri=uri)
        except ServerError as e:
            raise server_error(e) from None
        except sqlite3.Error as e:
            raise StoreFailure(f"lỗi đọc kho: {e}") from None
        except Exception as e:  # a driver error mid-push: one line; what is written stays consistent
            from neo4j.exceptions import DriverError, Neo4jError
            if isinstance(e, (Neo4jError, DriverError, OSError)):
                raise server_error(_server_error(e, uri)) from None
            raise
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(s.as_dict(), ensure_ascii=False, indent=2, sort_keys=True))
    else:
        click.echo(summary_text(s))


@click.command("neo4j-csv")
@click.argument("out", type=click.Path(file_okay=False))
@click.option("--db", "db", type=click.Path(dir_okay=False), envvar="KG_DB", default=None,
              help=f"Tệp kho SQLite (mặc định {DEFAULT_DB}, hoặc biến KG_DB).")
@click.option("--json", "as_json", is_flag=True, help="In danh sách tệp dạng JSON.")
def neo4j_csv_cmd(out, db, as_json):
    """Xuất đồ thị thành tệp CSV cho `neo4j-admin database import` (kèm import.sh, schema.cypher)."""
    from .neo4j_csv import export
    store = _open_store(db)
    try:
        files = export(store.conn, Path(out))
    except OSError as e:
        raise Failure(f"không ghi được {out}: {e.strerror or e}") from None
    except sqlite3.Error as e:
        raise StoreFailure(f"lỗi đọc kho: {e}") from None
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps({"dir": str(out), "files": files}, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        for f, n in files.items():
            click.echo(f"{Path(out) / f}: {_fmt(n)} dòng")
        click.echo(f"Nạp bằng: sh {Path(out) / 'import.sh'} (máy chủ dừng), rồi cypher-shell -f schema.cypher")


@click.group("export")
def export_group():
    """Xuất đồ thị sang định dạng khác."""


def register(cli: click.Group) -> None:
    cli.add_command(push_cmd)
    existing = cli.commands.get("export")
    if isinstance(existing, click.Group):  # another module's export group: add to it
        existing.add_command(neo4j_csv_cmd)
    else:
        export_group.add_command(neo4j_csv_cmd)
        cli.add_command(export_group)
