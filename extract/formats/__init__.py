"""Files other than plain text -> text in the conventions the text path reads (extract.document.extract_text).

    text = read_any(path)          # .pdf, .docx, .html/.htm (or their magic bytes)
    record = extract_text(text, path.name)

A file that is none of these raises UnsupportedFormat: the caller reads it as plain text. A file that is one
of them but unusable raises extract.decode.InputError with a one-line reason ("PDF has no text layer: it
needs OCR", "DOCX file is damaged ...").
"""
from __future__ import annotations

from pathlib import Path

from ..decode import InputError

__all__ = ["SUFFIXES", "UnsupportedFormat", "format_of", "read_any", "read_bytes"]

SUFFIXES = {".pdf", ".docx", ".html", ".htm"}


class UnsupportedFormat(LookupError):
    """Not a PDF, DOCX or HTML file: read it with the text path."""


def format_of(data: bytes, name: str = "") -> str | None:
    """'pdf', 'docx', 'html' or None, from the magic bytes first and the file name's suffix second."""
    suffix = Path(name).suffix.lower()
    head = data[:1024]
    if head.lstrip(b"\x00\t\r\n \xef\xbb\xbf")[:5] == b"%PDF-" or (b"%PDF-" in head and suffix == ".pdf"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if suffix == ".docx" or b"word/" in data[:65536] or b"[Content_Types].xml" in head:
            return "docx"
        return None
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    low = head.lower()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        low = head.decode("utf-16", "replace").lower().encode("utf-8", "replace")
    stripped = low.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith((b"<!doctype html", b"<html")) or (stripped.startswith(b"<") and b"<body" in low):
        return "html"
    if suffix == ".pdf":
        raise InputError("not a PDF file (no %PDF- header)")
    if suffix == ".docx":
        raise InputError("not a DOCX file (not a ZIP archive)")
    return None


def read_bytes(data: bytes, name: str = "") -> str:
    """Text of a PDF, DOCX or HTML file's bytes; UnsupportedFormat for anything else."""
    kind = format_of(data, name)
    if kind is None:
        raise UnsupportedFormat(name or "<bytes>")
    if not data.strip():
        raise InputError("empty file")
    if kind == "pdf":
        from .pdf import read_pdf
        return read_pdf(data)
    if kind == "docx":
        from .docx import read_docx
        return read_docx(data)
    from .html import read_html
    return read_html(data)


def read_any(path: str | Path) -> str:
    """Text of a PDF, DOCX or HTML file; UnsupportedFormat for anything else (use the text path)."""
    path = Path(path)
    return read_bytes(path.read_bytes(), path.name)
