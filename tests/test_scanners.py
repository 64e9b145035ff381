"""The hand-written scanners that replaced whole-text regex scans must find exactly what the regexes
found: the regexes stay here as their specification, checked on real text and on random strings made
of the characters that matter."""
from __future__ import annotations

import random
import re

import pytest

from extract.footnotes import marker_candidates
from extract.same import link_same
from extract.text import _SENT_LEFT, last_sentence_break

from .shared_paths import CORPUS, DEV

MARKER_SPEC = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][”\"’)])|(?<=\b(?:19|20)\d\d))(\d{1,3})(?!\d)"  # glued
    r"|(?<=[^\W\d_]) (\d{1,3})(?=[.,;:]\s)"                                      # "hướng dẫn 11."
    r"|\[(\d{1,3})\]")                                                             # "[1]"


def _spec_markers(body: str) -> list[tuple[int, str, int]]:
    out = []
    for m in MARKER_SPEC.finditer(body):
        g = 1 if m.group(1) else 2 if m.group(2) else 3
        out.append((m.start(g), m.group(g), g))
    return out


def _spec_last_break(src: str, lo: int, hi: int):
    last = None
    for m in _SENT_LEFT.finditer(src, lo, hi):
        last = m
    return last


def _real_texts() -> list[str]:
    files = sorted(CORPUS.glob("*.txt")) + sorted(DEV.glob("*.txt"))[:20]
    return [p.read_text(encoding="utf-8", errors="replace") for p in files]


def test_marker_candidates_match_the_pattern_on_real_text():
    for text in _real_texts():
        assert list(marker_candidates(text)) == _spec_markers(text)


@pytest.mark.parametrize("seed", range(4))
def test_marker_candidates_match_the_pattern_on_random_strings(seed):
    rnd = random.Random(seed)
    pieces = ["a", "Đ", "ế", "1", "2", "0", "9", "19", "20", "2024", "năm ", " ", "\n", "[", "]", ".", ",", ";", ":",
              "”", '"', "’", ")", "_", "²", "١", "½", "\u0301", "\u00a0", "QĐ-UBND"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 12)))
        assert list(marker_candidates(s)) == _spec_markers(s), s


def test_last_sentence_break_matches_finditer_on_real_text():
    rnd = random.Random(7)
    for text in _real_texts():
        for _ in range(200):
            hi = rnd.randint(0, len(text))
            lo = max(0, hi - 600)
            a, b = _spec_last_break(text, lo, hi), last_sentence_break(text, lo, hi)
            assert (a and a.span()) == (b and b.span())


@pytest.mark.parametrize("seed", range(4))
def test_last_sentence_break_matches_finditer_on_random_strings(seed):
    rnd = random.Random(seed)
    pieces = [".", ";", "!", "?", "\n", " ", "\t", "-", "a", ")", "1", "2", "I", "V", "đ", "•", "Căn cứ ", "Thực hiện ",
              "\n1.2. ", "\na) ", "\n- "]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20)))
        lo = rnd.randint(0, len(s))
        hi = rnd.randint(lo, len(s))
        a, b = _spec_last_break(s, lo, hi), last_sentence_break(s, lo, hi)
        assert (a and a.span()) == (b and b.span()), (s, lo, hi)


def _rec(file, number=None, title="", doc_type="Kế hoạch", issuer=None, text=""):
    return {"file": file, "text": text, "document": {"number": number, "title": title, "doc_type": doc_type,
                                                      "issuer": issuer, "same_as": None}}


def test_link_same_blocks_compare_only_likely_pairs_but_find_the_same_documents():
    body = "Căn cứ Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành phố. " * 20
    title = "Kế hoạch triển khai chuyển đổi số trong ngành giáo dục năm học 2024 - 2025"
    recs = [
        _rec("a.txt", "6526/KH-SGDĐT", title, text=body),
        _rec("b.txt", None, title.replace("2024", "2O24"), text=body),   # one typo: same title, same text
        _rec("c.txt", "6526/KH-SGDĐT", "", text="khác"),                 # same number: same document
        _rec("d.txt", "100/KH-SGDĐT", title, text=body),                 # another number than a and c, but b states none
        _rec("e.txt", None, "Kế hoạch tuyên truyền pháp luật năm 2025", text=body),
    ]
    link_same(recs)
    same = {r["file"]: r["document"]["same_as"] for r in recs}
    assert same == {"a.txt": "b.txt", "b.txt": "a.txt", "c.txt": "a.txt", "d.txt": "b.txt", "e.txt": None}
    d = next(r for r in recs if r["file"] == "d.txt")
    assert d["document"]["same_as"] != "a.txt"  # two stated numbers that differ are never the same document


def _spec_nfc(raw: str):
    """The specification of nfc_with_map: one step per character."""
    import unicodedata
    if unicodedata.is_normalized("NFC", raw):
        return raw, None
    out, to_raw, i, n = [], [], 0, len(raw)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(raw[j]):
            j += 1
        seg = unicodedata.normalize("NFC", raw[i:j])
        out.append(seg)
        to_raw.extend([i] * len(seg))
        i = j
    to_raw.append(n)
    return "".join(out), to_raw


@pytest.mark.parametrize("seed", range(3))
def test_nfc_with_map_matches_the_per_character_loop(seed):
    from extract.text import nfc_with_map
    rnd = random.Random(seed)
    # Vietnamese tone and vowel marks, a singleton (Ω sign), a composition exclusion (Devanagari qa),
    # Hangul jamo, characters special inside a regex class
    pieces = ["a", "e", "o", "u", "Đ", "ế", " ", "\n", "\u0301", "\u0300", "\u0303", "\u0309", "\u0323", "\u0302",
              "\u0306", "\u031b", "\u2126", "\u0958", "\u1100", "\u1161", "\u0344", "\u212b", "[", "]", "\\", "^", "-"]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 12)))
        assert nfc_with_map(s) == _spec_nfc(s), s


def test_nfc_with_map_on_real_text_in_nfd():
    import unicodedata
    from extract.text import nfc_with_map
    for text in _real_texts()[:8]:
        nfd = unicodedata.normalize("NFD", text)
        assert nfc_with_map(nfd) == _spec_nfc(nfd)


@pytest.mark.parametrize("seed", range(3))
def test_last_segment_end_matches_finditer(seed):
    from extract.relations import _SEGMENT_END, last_segment_end
    rnd = random.Random(seed)
    pieces = [";", ".", ":", "\n", " ", "\t", "-", "+", "•", "a", "1", "\n- ", "\n\t• ", ": \n", ". "]
    for _ in range(20000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 20)))
        lo = rnd.randint(0, len(s))
        hi = rnd.randint(lo, len(s))
        last = None
        for m in _SEGMENT_END.finditer(s, lo, hi):
            last = m
        got = last_segment_end(s, lo, hi)
        assert (last and (last.span(), last.group(0))) == (got and (got.span(), got.group(0))), (s, lo, hi)
