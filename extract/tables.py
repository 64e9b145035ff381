"""Citation knowledge kept as data (the reporters-db idea): small TSV files read once."""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([unicodedata.normalize("NFC", c.strip()) for c in line.split("\t")])
    return rows


@dataclass(frozen=True)
class DocType:
    code: str
    name: str
    system: str
    example: str


@functools.cache
def doc_types() -> dict[str, DocType]:
    """Symbol code -> type, keyed by the code upper-cased (Đ is significant: HĐ is not HD)."""
    out = {}
    for row in read_tsv("doc_types.tsv"):
        code, name, system, example = (row + [""] * 4)[:4]
        out[code.upper()] = DocType(code, name, system, example)
    return out


@functools.cache
def type_words() -> dict[str, str]:
    """Type word as written in running text -> canonical type name."""
    return {row[0]: row[1] for row in read_tsv("type_words.tsv")}


@dataclass(frozen=True)
class IssuerCode:
    code: str
    issuer: str
    scope: str


@functools.cache
def issuer_codes() -> dict[str, IssuerCode]:
    out = {}
    for row in read_tsv("issuer_codes.tsv"):
        code, issuer, scope = row[:3]
        out[code.upper()] = IssuerCode(code, issuer, scope)
    return out


@functools.cache
def canonical_codes() -> dict[str, str]:
    """Upper-cased code -> its printed case ("TTG" -> "TTg", "CTRHĐ" -> "CTrHĐ")."""
    out = {}
    for table in (doc_types(), issuer_codes()):
        for key, item in table.items():
            out.setdefault(key, item.code)
    return out


@functools.cache
def abbreviations() -> dict[str, str]:
    return {row[0]: row[1] for row in read_tsv("abbreviations.tsv")}


@dataclass(frozen=True, eq=False)
class Locality:
    """One object per place (localities() is read once), so identity is equality; hashing by identity
    keeps the lookups of the unit caches keyed on a locality in C."""

    name: str
    kind: str  # city | province
    aliases: tuple[str, ...]

    @property
    def full(self) -> str:
        return ("Thành phố " if self.kind == "city" else "tỉnh ") + self.name


@functools.cache
def localities() -> list[Locality]:
    out = []
    for row in read_tsv("localities.tsv"):
        name, kind = row[0], row[1]
        aliases = tuple(a for a in (row[2].split("|") if len(row) > 2 else []) if a)
        out.append(Locality(name, kind, aliases))
    return out


@dataclass(frozen=True)
class UnitEntry:
    canonical: str
    aliases: tuple[str, ...]
    parent: str


@functools.cache
def unit_entries() -> list[UnitEntry]:
    out = []
    for row in read_tsv("units.tsv"):
        row = row + ["", ""]
        out.append(UnitEntry(row[0], tuple(a for a in row[1].split("|") if a), row[2]))
    return out


@functools.cache
def unit_heads() -> dict[str, tuple[str, bool]]:
    return {row[0]: (row[1], row[2] == "yes") for row in read_tsv("unit_heads.tsv")}


@functools.cache
def section_roles() -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in read_tsv("sections.tsv")]


@functools.cache
def task_fields() -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in read_tsv("task_fields.tsv")]


@functools.cache
def non_task_titles() -> tuple[str, ...]:
    return tuple(row[0] for row in read_tsv("non_task_titles.tsv"))


@functools.cache
def relation_verbs() -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in read_tsv("relation_verbs.tsv")]


@functools.cache
def signer_titles() -> list[tuple[str, str]]:
    return sorted(((r[0], r[1]) for r in read_tsv("signer_titles.tsv")), key=lambda r: -len(r[0]))


@functools.cache
def non_units() -> tuple[str, ...]:
    return tuple(row[0] for row in read_tsv("non_units.tsv"))


@functools.cache
def header_heads() -> tuple[str, ...]:
    return tuple(sorted((row[0] for row in read_tsv("header_heads.tsv")), key=len, reverse=True))


@functools.cache
def unit_stops() -> tuple[str, ...]:
    return tuple(row[0] for row in read_tsv("unit_stops.tsv"))
