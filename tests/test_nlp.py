"""Rules of the spaCy view (extract/nlp.py), checked on the real seed documents."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import pytest

pytest.importorskip("spacy")

from extract import extract_file, extract_text  # noqa: E402
from extract import nlp as kg_nlp  # noqa: E402

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEEDS = sorted(CORPUS.glob("*.txt"))


def _seed(prefix: str) -> Path:
    found = [p for p in SEEDS if p.name.startswith(prefix)]
    if not found:
        pytest.skip(f"seed {prefix} not in corpus/")
    return found[0]


@lru_cache(maxsize=None)
def _record(name: str) -> dict:
    return extract_file(CORPUS / name)


@lru_cache(maxsize=None)
def _doc(name: str):
    return kg_nlp.annotate(_record(name))


def _ents(prefix: str, label: str) -> list:
    return [e for e in _doc(_seed(prefix).name).ents if e.label_ == label]


# --- the pipeline -------------------------------------------------------------------------------

def test_pipeline_loads_without_pyvi():
    blocked = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.modules['pyvi'] = None\n"
         "from extract.nlp import make_pipeline\n"
         "nlp = make_pipeline()\n"
         "assert nlp.lang == 'vi' and 'kg_entities' in nlp.pipe_names\n"
         "assert nlp.config['nlp']['tokenizer']['use_pyvi'] is False\n"
         "print(len(nlp('Căn cứ Quyết định số 12/QĐ-UBND ngày 01/02/2024;').ents))"],
        capture_output=True, text=True, timeout=120)
    assert blocked.returncode == 0, blocked.stderr
    assert blocked.stdout.strip() == "2"


def test_no_other_module_imports_spacy_at_import_time():
    code = (
        "import importlib, pkgutil, sys\n"
        "for pkg in ('extract', 'kg', 'queries'):\n"
        "    try:\n"
        "        mod = importlib.import_module(pkg)\n"
        "    except ImportError:\n"
        "        continue\n"
        "    for info in pkgutil.walk_packages(mod.__path__, pkg + '.'):\n"
        "        if info.name == 'extract.nlp':\n"
        "            continue\n"
        "        try:\n"
        "            importlib.import_module(info.name)\n"
        "        except Exception:\n"
        "            pass\n"
        "print('spacy' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_pipeline_on_raw_text_extracts_by_itself():
    nlp = kg_nlp.make_pipeline()
    text = _record(_seed("004").name)["text"]
    doc = nlp(text)
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == \
           [(e.start_char, e.end_char, e.label_) for e in _doc(_seed("004").name).ents]


def test_nfd_input_keeps_its_own_offsets():
    text = _record(_seed("004").name)["text"]
    nfd = unicodedata.normalize("NFD", text)
    doc = kg_nlp.make_pipeline()(nfd)
    assert doc.text == nfd
    refs = [e for e in doc.ents if e.label_ == "REF" and e.kb_id_ == "57-NQ/TW"]
    assert refs and all("57-NQ/TW" in unicodedata.normalize("NFC", e.text) for e in refs)


# --- the labels on the seeds --------------------------------------------------------------------

def test_ref_ents_cover_the_symbol_and_carry_the_key():
    refs = [e for e in _ents("004", "REF") if e.kb_id_ == "57-NQ/TW"]
    assert len(refs) >= 2
    assert all("57-NQ/TW" in e.text for e in refs)


def test_every_ref_ent_is_a_reference_of_the_record():
    for p in SEEDS:
        keys = {r["key"] for r in _record(p.name)["references"]}
        assert {e.kb_id_ for e in _doc(p.name).ents if e.label_ == "REF"} <= keys


def test_unit_ents_include_the_issuer_as_written():
    assert "Sở Giáo dục và Đào tạo" in {e.text for e in _ents("004", "UNIT")}


def test_unit_ents_carry_the_canonical_name():
    rec = _record(_seed("004").name)
    for e in _ents("004", "UNIT"):
        assert e.kb_id_ in rec["units"]


def test_date_ents_include_full_vietnamese_dates():
    dates = {re.sub(r"\s+", " ", e.text): e.kb_id_ for e in _ents("004", "DATE")}
    assert dates.get("ngày 22 tháng 12 năm 2024") == "2024-12-22"


def test_date_ents_read_slash_dates():
    rec = extract_text("KẾ HOẠCH\nVề việc thử\nCăn cứ Quyết định số 12/QĐ-UBND ngày 03/4/2023;\n"
                       "Hoàn thành trước 20/11/2025.", "x.txt")
    dates = {e.text: e.kb_id_ for e in kg_nlp.annotate(rec).ents if e.label_ == "DATE"}
    assert dates == {"ngày 03/4/2023": "2023-04-03", "20/11/2025": "2025-11-20"}


def test_deadline_ents_lie_inside_their_task():
    deadlines = _ents("002", "DEADLINE")
    assert "Quý IV năm 2024" in {e.text for e in deadlines}
    tasks = {t["label"]: t for t in _record(_seed("002").name)["tasks"]}
    for e in deadlines:
        t = tasks[e.kb_id_]
        assert t["start"] <= e.start_char and e.end_char <= t["end"]
        assert re.sub(r"\s+", " ", e.text) == t["deadline"]


def test_footnote_ents_sit_on_the_markers_even_when_glued_to_a_symbol():
    rec = _record(_seed("004").name)
    markers = {tuple(f["marker"]) for f in rec["footnotes"] if f.get("marker")}
    got = {(e.start_char, e.end_char) for e in _ents("004", "FOOTNOTE")}
    assert markers and got == markers


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_no_two_ents_overlap(path):
    ents = sorted(_doc(path.name).ents, key=lambda e: e.start_char)
    assert ents
    for a, b in zip(ents, ents[1:]):
        assert a.end_char <= b.start_char


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_doc_text_is_the_record_text(path):
    assert _doc(path.name).text == _record(path.name)["text"]


def test_overlaps_prefer_ref_then_deadline_then_date_then_unit_then_footnote():
    rec = {"text": "Quý IV năm 2024 tại Sở Giáo dục1", "references": [], "footnotes": [],
           "tasks": [], "units": {},
           "entities": [{"start": 0, "end": 15, "label": "DATE"}, {"start": 0, "end": 6, "label": "UNIT"},
                        {"start": 11, "end": 15, "label": "REF", "kb_id": "X"},
                        {"start": 20, "end": 31, "label": "UNIT"}, {"start": 23, "end": 32, "label": "FOOTNOTE"}]}
    got = [(e.text, e.label_) for e in kg_nlp.annotate(rec).ents]
    assert got == [("Quý IV", "UNIT"), ("2024", "REF"), ("Sở Giáo dục", "UNIT")]


# --- the HTML page ------------------------------------------------------------------------------

_NETWORK = re.compile(r"""(?:src|href|action|data)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//|@import""",
                      re.IGNORECASE)


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_html_page_loads_nothing_from_the_network(path):
    page = kg_nlp.render_html(_record(path.name))
    assert page.lstrip().startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not _NETWORK.search(page)
    assert "<script" not in page.lower() and "<link" not in page.lower()


def test_html_page_shows_the_document_title():
    rec = _record(_seed("004").name)
    page = kg_nlp.render_html(rec)
    assert html.escape(rec["document"]["title"]) in page
    assert html.escape(rec["document"]["doc_type"]) in page


def test_html_ref_links_point_to_an_anchor_on_the_page():
    page = kg_nlp.render_html(_record(_seed("004").name))
    hrefs = set(re.findall(r'href="#(ref-[^"]+)"', page))
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert "ref-57-NQ-TW" in hrefs
    assert hrefs <= ids


def test_html_escapes_markup_in_the_text():
    rec = extract_text("KẾ HOẠCH\n<script>alert(1)</script>\nCăn cứ Quyết định số 12/QĐ-UBND ngày 01/02/2024;", "x.txt")
    page = kg_nlp.render_html(rec)
    assert "<script>" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="#ref-12-QD-UBND"' in page
