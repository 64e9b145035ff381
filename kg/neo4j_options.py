"""The command-line side of the server backend, shared by the query commands (kg/cli_graph.py)
and `kg push` (kg/cli_neo4j.py): connection options, the password from an environment variable,
and the one-line failures with exit code 5."""
from __future__ import annotations

import os

import click

from .neo4j_backend import BadURI, ServerError

BACKENDS = ("networkx", "neo4j")
DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
EXIT_SERVER = 5


class ServerFailure(click.ClickException):
    """The graph server cannot be used (down, login refused, statement failed): one line, exit 5."""
    exit_code = EXIT_SERVER

    def show(self, file=None):
        click.echo(f"kg: {self.format_message()}", err=True)


class OneLineUsage(click.UsageError):
    def show(self, file=None):
        click.echo(f"kg: {self.format_message()}", err=True)


def password_from_env(var: str | None) -> str:
    """The password is never an argument (it would show in `ps` and shell history): it is read
    from the environment variable the user names; none named means an empty password."""
    if not var:
        return ""
    if var not in os.environ:
        raise OneLineUsage(f"--password-env {var}: biến môi trường {var} chưa được đặt")
    return os.environ[var]


def server_error(e: ServerError) -> click.ClickException:
    if isinstance(e, BadURI):
        return OneLineUsage(str(e))
    return ServerFailure(str(e))


def connection_options(f):
    """--uri, --user, --password-env, --database (each with a KG_NEO4J_* environment default)."""
    f = click.option("--database", envvar="KG_NEO4J_DATABASE", default=None, metavar="D",
                     help="Cơ sở dữ liệu trên máy chủ (mặc định: của máy chủ; biến KG_NEO4J_DATABASE).")(f)
    f = click.option("--password-env", "password_env", envvar="KG_NEO4J_PASSWORD_ENV", default=None, metavar="VAR",
                     help="Tên biến môi trường chứa mật khẩu (không có: mật khẩu rỗng).")(f)
    f = click.option("--user", envvar="KG_NEO4J_USER", default=DEFAULT_USER, show_default=True,
                     help="Người dùng trên máy chủ (biến KG_NEO4J_USER).")(f)
    f = click.option("--uri", envvar="KG_NEO4J_URI", default=DEFAULT_URI, show_default=True,
                     help="Máy chủ Bolt, ví dụ bolt://HOST:7687 (biến KG_NEO4J_URI).")(f)
    return f


def backend_options(f):
    """--backend networkx|neo4j plus the connection options for the query commands."""
    f = connection_options(f)
    return click.option("--backend", type=click.Choice(BACKENDS), envvar="KG_BACKEND", default="networkx",
                        show_default=True,
                        help="networkx: kho SQLite cục bộ (mặc định); neo4j: đồ thị trên máy chủ Bolt (kg push).")(f)


def open_server_backend(uri: str, user: str, password_env: str | None, database: str | None):
    """A Neo4jBackend, or the one-line failure (exit 5; exit 2 for an unreadable URI)."""
    from .neo4j_backend import Neo4jBackend
    password = password_from_env(password_env)
    try:
        return Neo4jBackend(uri, user, password, database)
    except ServerError as e:
        raise server_error(e) from None
