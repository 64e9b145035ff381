"""Patterns that hold at a line start (what "^" says under re.M), found from the newline before the
line: a scan for one character runs in C, where a leading "^" makes the engine stop at every position."""
from __future__ import annotations

import re


class AtLineStart:
    def __init__(self, source: str, flags: int = 0):
        self._at = re.compile(source, flags)
        self._after_newline = re.compile(r"\n(?:" + source + ")", flags)

    def finditer(self, text: str, lo: int = 0, hi: int | None = None):
        """(line start, match) of the matches that re.compile(f"^(?:{source})", re.M | flags).finditer(text,
        lo, hi) finds, for a pattern that never matches empty (a match found from its newline starts there)."""
        hi = len(text) if hi is None else hi
        pos = lo
        while True:
            m = self._at.match(text, pos, hi) if pos == 0 or text[pos - 1] == "\n" else None
            if m:
                yield pos, m
                pos = m.end()
                continue
            for m in self._after_newline.finditer(text, pos, hi):
                yield m.start() + 1, m
                if text[m.end() - 1] == "\n":  # it ends at a line start, where the next match may begin
                    pos = m.end()
                    break
            else:
                return
