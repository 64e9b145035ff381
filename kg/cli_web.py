"""`kg serve`: the read-only web app over the store (see kg/web/ and docs/web.md)."""
from __future__ import annotations

import errno
from pathlib import Path

import click

from .cli_graph import BadInput, StoreFailure, db_option
from .store import DEFAULT_DB, SqliteBackend, StoreError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe; mặc định chỉ máy này (localhost).")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Cổng (0: chọn cổng trống bất kỳ).")
@db_option
def serve_cmd(host, port, db):
    """Mở ứng dụng web chỉ đọc trên kho: tìm kiếm, văn bản, sơ đồ nguồn gốc, nhiệm vụ đơn vị."""
    from .web.server import is_loopback, make_server

    path = Path(db) if db else DEFAULT_DB
    try:  # fail now, in one line, rather than on the first page
        SqliteBackend(path).close()
    except StoreError as e:
        raise StoreFailure(str(e)) from None
    try:
        srv = make_server(path, host, port)
    except OSError as e:
        why = "cổng đang được dùng" if e.errno == errno.EADDRINUSE else (e.strerror or str(e))
        raise BadInput(f"không mở được {host}:{port}: {why} (thử --port khác)") from None
    if not is_loopback(host):
        click.echo(f"kg: cảnh báo: {host} cho phép máy khác trong mạng đọc kho (chỉ đọc)", err=True)
    click.echo(f"kg serve: {path} tại {srv.url}/  (Ctrl+C để dừng)", err=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        click.echo("kg serve: đã dừng", err=True)
    finally:
        srv.server_close()


def register(cli: click.Group) -> None:
    cli.add_command(serve_cmd)
