"""A list of names as one regex whose cost does not grow with the list: the names share their
prefixes (a trie), so the engine follows one branch per character instead of trying every name in
turn, and a pattern that opens with literals lets it skip in C to where a name can start."""
from __future__ import annotations

import re

_END, _SEP = "", None  # the end of a name; a run of spaces inside a name (when `sep` is given)


def alternation(names, sep: str | None = None, not_after: str | None = None) -> str:
    """Regex source matching, at any position and whatever follows it in the pattern, the name that
    `(?:n1|n2|...)` with the names sorted longest first would (case-sensitive patterns only).

    Why it is the same: names that match at one position are prefixes of one another, and the trie
    tries a longer name before a name ending earlier on the same branch; its branches start with
    different characters, so at most one of them can match. With `sep` (e.g. r"\\s+") each run of
    spaces in a name stands for `sep`, and names are ranked by their single-spaced length.
    `not_after` is a character class the character before the name must not be (a negative
    lookbehind); it is checked after the letters all names share, or after the first one, so that
    the pattern still opens with literals."""
    root: dict = {}
    for name in names:
        node = root
        for i, word in enumerate(name.split() if sep else [name]):
            if i:
                node = node.setdefault(_SEP, {})
            for c in word:
                node = node.setdefault(c, {})
        node[_END] = {}
    shared, node = "", root
    while len(node) == 1 and next(iter(node)) not in (_END, _SEP):
        c = next(iter(node))
        shared, node = shared + c, node[c]
    if shared:
        return "(?:" + re.escape(shared) + _guard(not_after, len(shared)) + _emit(node, sep) + ")"
    alts = [re.escape(c) + _guard(not_after, 1) + _emit(child, sep) for c, child in sorted(root.items()) if c != _END]
    return "(?:" + "|".join(alts) + ")"


def _guard(not_after: str | None, width: int) -> str:
    """The lookbehind checking the character before a name once `width` of its characters are read."""
    return rf"(?<!{not_after}[\s\S]{{{width}}})" if not_after else ""


def _emit(node: dict, sep: str | None) -> str:
    alts = [(sep if atom is _SEP else re.escape(atom)) + _emit(child, sep)
            for atom, child in node.items() if atom != _END]
    if not alts:
        return ""
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    # greedy: the longer names first, then the name ending here
    return "(?:" + body + ")?" if _END in node else body
