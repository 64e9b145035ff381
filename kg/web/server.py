"""`http.server` around the app: threads, security headers, GET/HEAD only, quiet or one-line logs."""
from __future__ import annotations

import ipaddress
import socket
import sys
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from .app import LOOPBACK_NAMES, SECURITY_HEADERS, App, HTTPError


class Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # a client that stops sending does not hold a thread forever

    def _respond(self, method: str) -> None:
        app: App = self.server.app  # type: ignore[attr-defined]
        try:  # http.server decodes the request line as Latin-1; a raw UTF-8 target is read back as UTF-8
            target = self.path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            target = self.path
        r = app.handle(method, target, self.headers.get("Host"))
        self.send_response(r.status)
        self.send_header("Content-Type", r.content_type)
        self.send_header("Content-Length", str(len(r.body)))
        headers = {**SECURITY_HEADERS, "Cache-Control": "no-cache", **r.headers}
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(r.body)

    def send_error(self, code, message=None, explain=None):
        """Errors http.server finds itself (a malformed request line, headers too long): our page, our headers."""
        app: App = self.server.app  # type: ignore[attr-defined]
        r = app.error_page(HTTPError(code, message or "yêu cầu không đọc được"))
        self.close_connection = True
        self.send_response(code, message)
        self.send_header("Content-Type", r.content_type)
        self.send_header("Content-Length", str(len(r.body)))
        self.send_header("Connection", "close")
        for k, v in SECURITY_HEADERS.items():
            self.send_header(k, v)
        self.end_headers()
        if getattr(self, "command", None) != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(r.body)

    def do_GET(self):  # noqa: N802
        self._respond("GET")

    def do_HEAD(self):  # noqa: N802
        self._respond("HEAD")

    def _not_allowed(self):
        self._respond(self.command)
        self.close_connection = True

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_allowed  # noqa: N815

    def log_message(self, format, *args):  # noqa: A002
        if not self.server.app.quiet:  # type: ignore[attr-defined]
            sys.stderr.write(f"kg serve: {self.address_string()} {format % args}\n")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app: App):
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        super().__init__(address, Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def make_server(db: str | Path, host: str = "127.0.0.1", port: int = 8765, today: Callable[[], date] = date.today,
                quiet: bool = False) -> Server:
    """A server over the store at `db` (not started: call serve_forever). Bound to a loopback address,
    it answers only requests whose Host is localhost/127.0.0.1/[::1] (no DNS rebinding)."""
    allowed = ({"localhost", "127.0.0.1", "[::1]", "::1", host.lower()} if is_loopback(host) else None)
    app = App(db, today=today, quiet=quiet, allowed_hosts=allowed)
    srv = Server((host.strip("[]"), port), app)
    app.default_host = srv.url.split("//", 1)[1]
    return srv
