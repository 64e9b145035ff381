"""The seed corpus against its gold annotations, and the data tables against their own examples.

1. Extraction of corpus/*.txt scored against ../shared/gold/*.json with
   `extract.scoring.score_corpus` must meet the project's targets.
2. Every example printed in a data table (doc_types.tsv, issuer_codes.tsv) must be found whole by
   `extract.citations.SYMBOL` and parse to the code of its row (the reporters-db discipline: every
   pattern matches its own examples).
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from extract import citations, tables
from extract.document import extract_file
from extract.scoring import score_corpus
from tests import shared_paths
from extract import scoring

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GOLD = shared_paths.GOLD

TARGETS = scoring.TARGETS


def _pairs_available() -> bool:
    return CORPUS.is_dir() and GOLD.is_dir() and any(
        (GOLD / (p.stem + ".json")).exists() for p in CORPUS.glob("*.txt"))


@functools.cache
def _report():
    pairs = []
    for txt in sorted(CORPUS.glob("*.txt")):
        gold_path = GOLD / (txt.stem + ".json")
        if gold_path.exists():
            pairs.append((json.loads(gold_path.read_text(encoding="utf-8")), extract_file(txt)))
    return score_corpus(pairs)


seeds = pytest.mark.skipif(not _pairs_available(), reason="seed corpus or gold annotations not found")


@seeds
def test_every_seed_file_has_gold_and_is_scored():
    texts = sorted(p.stem for p in CORPUS.glob("*.txt"))
    golds = sorted(p.stem for p in GOLD.glob("*.json"))
    assert texts == golds
    assert len(_report().files) == len(texts)


@seeds
@pytest.mark.parametrize("category, target", sorted(TARGETS.items()))
def test_seed_corpus_meets_the_project_target(category, target):
    counts = _report().overall[category]
    assert counts.tp + counts.fn > 0, f"no gold items in {category}"
    assert counts.f1 >= target, (
        f"{category}: F1 {counts.f1:.3f} < {target} (tp={counts.tp} fp={counts.fp} fn={counts.fn})\n"
        + _report().table(per_file=False))


# =============================================================================================
# Data tables: every example is matched by the symbol pattern and parses to its row's code
# =============================================================================================


def _rows(name: str) -> list[list[str]]:
    return [r + [""] * (4 - len(r)) for r in tables.read_tsv(name)]


def _parse_whole(example: str):
    m = citations.SYMBOL.search(example)
    assert m is not None, f"SYMBOL finds nothing in {example!r}"
    assert m.group(0) == example, f"SYMBOL finds only {m.group(0)!r} of {example!r}"
    return citations.parse_symbol(m)


def _segments(example: str) -> list[str]:
    return [s for s in re.split(r"[/\-_]", example) if s and not s[0].isdigit()]


_DOC_XFAIL: dict[str, str] = {}


def _doc_type_params():
    out = []
    for code, name, system, example in (r[:4] for r in _rows("doc_types.tsv")):
        marks = [pytest.mark.xfail(reason=_DOC_XFAIL[code], strict=True)] if code in _DOC_XFAIL else []
        out.append(pytest.param(code, name, example, id=code, marks=marks))
    return out


@pytest.mark.parametrize("code, name, example", _doc_type_params())
def test_every_document_type_example_is_a_whole_symbol_of_its_type(code, name, example):
    assert example, f"doc_types.tsv row {code} has no example"
    keys, tcode, issuers, year, party, alt = _parse_whole(example)
    assert keys == [example]
    if code in _segments(example):
        assert tcode == code
    # "45/2019/QH14" (Luật) and "02/2020/UBTVQH14" (Pháp lệnh) carry no type code: the type comes from the issuer
    assert citations.type_name(tcode, issuers, year) == name
    assert party == bool(re.match(r"[\d.]+-", example))


_ISSUER_XFAIL: dict[str, str] = {}


def _issuer_params():
    out = []
    for code, issuer, scope, example in (r[:4] for r in _rows("issuer_codes.tsv")):
        marks = [pytest.mark.xfail(reason=_ISSUER_XFAIL[code], strict=True)] if code in _ISSUER_XFAIL else []
        out.append(pytest.param(code, issuer, example, id=code, marks=marks))
    return out


@pytest.mark.parametrize("code, issuer, example", _issuer_params())
def test_every_issuer_code_example_is_a_whole_symbol_naming_that_issuer(code, issuer, example):
    assert example, f"issuer_codes.tsv row {code} has no example"
    keys, tcode, issuers, year, party, alt = _parse_whole(example)
    assert keys == [example]
    # QH and UBTVQH carry the term of the National Assembly: QH14, UBTVQH13
    assert code in [re.sub(r"(?<=QH)\d{2}$", "", i) for i in issuers]


def test_doc_type_codes_are_unique_when_case_is_ignored_except_where_case_carries_meaning():
    seen: dict[str, str] = {}
    for code, *_ in _rows("doc_types.tsv"):
        assert code.upper() not in seen, f"{code} clashes with {seen[code.upper()]}"
        seen[code.upper()] = code
