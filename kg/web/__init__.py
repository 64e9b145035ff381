"""`kg serve`: a read-only web app over the store, for people who do not use a terminal.

Standard library only (http.server, html); every script, style and font ships in `static/`."""
from .app import App
from .server import Server, make_server

__all__ = ["App", "Server", "make_server"]
