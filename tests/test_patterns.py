"""The pattern builders of extract/ are checked against the plain regexes they stand for, on random
names and texts (hypothesis) and on the real tables: the same matches at the same places."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import tables
from extract.lines import AtLineStart
from extract.trie import alternation

NAMES = st.lists(st.text(alphabet="abĐđ ", min_size=1, max_size=6).map(str.strip).filter(bool), min_size=1, max_size=8)
TEXTS = st.text(alphabet="abĐđ \n\t.", max_size=60)


def _plain(names, sep=None, not_after=None) -> str:
    """The alternation spelled out: every name, longest first (single-spaced length with `sep`)."""
    def one(n):
        return sep.join(re.escape(w) for w in n.split()) if sep else re.escape(n)
    key = (lambda n: -len(" ".join(n.split()))) if sep else (lambda n: -len(n))
    guard = rf"(?<!{not_after})" if not_after else ""
    return guard + "(?:" + "|".join(one(n) for n in sorted(set(names), key=key)) + ")"


def _spans(pattern: str, text: str):
    return [(m.start(), m.end()) for m in re.finditer(pattern, text)]


@settings(max_examples=400, deadline=None)
@given(NAMES, TEXTS)
def test_trie_alternation_matches_as_the_names_longest_first(names, text):
    assert _spans(alternation(names), text) == _spans(_plain(names), text)


@settings(max_examples=400, deadline=None)
@given(NAMES, TEXTS)
def test_trie_alternation_with_spaces_and_a_guard_before(names, text):
    tail = r"(?![^\W\d_])"
    got = _spans(alternation(names, sep=r"\s+", not_after=r"[^\W\d_]") + tail, text)
    assert got == _spans(_plain(names, sep=r"\s+", not_after=r"[^\W\d_]") + tail, text)


def test_trie_alternation_of_the_real_signer_titles_finds_what_the_list_finds():
    names = [u for u, _ in tables.signer_titles()]
    text = "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Văn A\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nGIÁM ĐỐC SỞ\n"
    got = _spans(alternation(names, not_after="[A-ZĐÀ-Ỹ]"), text)
    assert got == _spans(_plain(names, not_after="[A-ZĐÀ-Ỹ]"), text)
    assert text[got[0][0]:got[0][1]] == "CHỦ TỊCH"


LINE_PATTERNS = [(r"[ \t]*\|[ \t]*$", re.M), (r"(?:STT|TT|Số TT)[ \t]*\n\|", 0), (r"[ab]+\n?", 0), (r"\d+\.", re.I)]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LINE_PATTERNS), st.text(alphabet="ab|1. \t\nSTT", max_size=80), st.integers(0, 80))
def test_at_line_start_finds_what_a_caret_under_multiline_finds(pattern, text, lo):
    source, flags = pattern
    lo = min(lo, len(text))
    want = [(m.start(), m.end()) for m in re.compile(f"^(?:{source})", re.M | flags).finditer(text, lo)]
    assert [(pos, m.end()) for pos, m in AtLineStart(source, flags).finditer(text, lo)] == want
