"""Escape-by-default HTML: a `Markup` string is trusted HTML, everything else is text.

Pages are written as `M('<a href="{}">{}</a>').format(url, title)`: every argument that is not
already `Markup` is escaped, so text from documents can never become markup. Page layouts live in
`templates/*.html` with `{{name}}` slots, filled the same way."""
from __future__ import annotations

import html
import re
import string
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

TEMPLATES = Path(__file__).resolve().parent / "templates"


class Markup(str):
    """A string of HTML that is safe to output as it is."""
    __slots__ = ()

    def __add__(self, other):
        return Markup(str.__add__(self, esc(other)))

    def __radd__(self, other):
        return Markup(str.__add__(esc(other), self))

    def format(self, *args, **kwargs) -> "Markup":
        return Markup(_FORMATTER.vformat(self, args, kwargs))

    def join(self, seq) -> "Markup":
        return Markup(str.join(self, (esc(x) for x in seq)))


M = Markup


class _EscapingFormatter(string.Formatter):
    def format_field(self, value, format_spec):
        if isinstance(value, Markup):
            return value
        return esc(format(value, format_spec) if format_spec else value)


_FORMATTER = _EscapingFormatter()


def esc(x) -> Markup:
    """Text -> HTML (quotes included, so it is safe in attribute values too)."""
    if isinstance(x, Markup):
        return x
    if x is None:
        return Markup("")
    return Markup(html.escape(str(x), quote=True))


def join(items, sep: str = "") -> Markup:
    return Markup(sep).join(items)


def url(path: str, fragment: str | None = None, **params) -> str:
    """A local URL with its parameters encoded (None values dropped); escape it when writing HTML."""
    q = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    out = path + ("?" + q if q else "")
    return out + ("#" + fragment if fragment else "")


_SLOT = re.compile(r"\{\{(\w+)\}\}")


@lru_cache(maxsize=None)
def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render(name: str, **ctx) -> Markup:
    """Fill `templates/NAME`'s `{{slot}}`s; values are escaped unless they are Markup."""
    def fill(m):
        return esc(ctx[m.group(1)])
    return Markup(_SLOT.sub(fill, _template(name)))


def short(s: str | None, n: int) -> str:
    s = re.sub(r"\s+", " ", s or "").strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def slug(s: str) -> str:
    """An ASCII id fragment ("2.6.1" -> "2-6-1", "Đoàn ra" -> "Doan-ra")."""
    s = unicodedata.normalize("NFKD", str(s).replace("Đ", "D").replace("đ", "d"))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s.encode("ascii", "ignore").decode()).strip("-")
    return s or "x"
