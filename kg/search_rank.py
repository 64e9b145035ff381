"""The best rows of the search index for a query, best first, at a cost that does not grow with the
number of rows the query matches.

FTS5's bm25() scores every matching row and, before the first one, counts for each word every row
that holds it (for its idf); words such as "thực hiện" or "kế hoạch" match nearly every row, so both
costs grow with the corpus. Here the same scores come one of two ways, whichever costs less:
- FTS5 itself over every match (`_exact`), when the query's words are rare enough;
- Python over a bounded set of candidate rows (`_candidates`), with FTS5's formula and FTS5's own
  figures: rows per term and token totals counted at build time (kg/search_index.py), each row's
  size in tokens from FTS5's size table, and the words counted in the row's text (`Counter`). The
  candidates are the first rows FTS5 yields for the query in rowid order, which is shortest first
  (what bm25 favours for the same words), and as many among the rows whose titles hold every word
  (a title word weighs 8), within a budget of rows and of text. When the query matches fewer rows
  than that, every match is scored and the ranking is exactly FTS5's; beyond it, those rows stand
  for all the others.
"""
from __future__ import annotations

import math
import re
import sqlite3

from extract.letters import FOLD_TABLE

from .search_index import SHIFT

WEIGHTS = (8.0, 1.0)  # title, body: the weights given to FTS5's bm25()
K1, B = 1.2, 0.75  # FTS5's bm25 constants
SHORTEST, TITLED = 300, 400  # candidates when a query matches too many rows to score them all (`_candidates`)
TEXT_BUDGET = 250_000  # characters of candidate text read at most (longest rows come last)
MOST_WORDS = 6  # an any-word query of up to this many words also seeks rows with all words but one
# rough costs (ms) of the two ways, to pick the cheaper: FTS5 counts each row of each word and scores
# each match; Python reads and counts each candidate's text
COST_TERM_ROW, COST_MATCH, COST_ROW, COST_CHAR = 3e-5, 3e-3, 1e-2, 4e-5
EXACT_AFFORDABLE = 10.0  # ms: FTS5's exact ranking is used when it costs no more, even if Python's is cheaper


def parse(match: str) -> tuple[list[str], str]:
    """The tokens and operator of the FTS5 expression queries.search builds ("a" AND "b")."""
    toks = [t.replace('""', '"') for t in re.findall(r'"((?:[^"]|"")*)"', match or "")]
    op = "OR" if re.search(r'"\s+OR\s+"', match or "") else "AND"
    return toks, op


def statistics(conn: sqlite3.Connection) -> tuple[int, int] | None:
    """(rows, tokens) of the index; None for a store indexed before the statistics existed, which
    is then searched by FTS5 alone, as it was."""
    try:
        return conn.execute("SELECT rows, tokens FROM search_stats").fetchone()
    except sqlite3.OperationalError:
        return None


def top(conn: sqlite3.Connection, match: str, limit: int, kinds: list[str] | None = None) -> list[dict]:
    """The `limit` best rows for `match` by bm25 (ties by kind, key), each with its score."""
    toks, op = parse(match)
    if not toks or limit < 1:
        return []
    stats = statistics(conn)
    if not stats:
        return _exact(conn, match, limit, kinds)
    known = dict(conn.execute(f"SELECT term, rows FROM search_terms WHERE term IN ({_ph(len(toks))})", toks))
    hits = [known.get(t, 0) for t in toks]
    most = min(hits) if op == "AND" else sum(hits)  # rows the query can match at most
    if most == 0:
        return []
    ids, complete = _candidates(conn, match, toks, hits, op, kinds)
    exact_cost = COST_TERM_ROW * sum(hits) + COST_MATCH * (len(ids) if complete else most)
    if exact_cost <= (_cost(ids) if complete else EXACT_AFFORDABLE):
        return _exact(conn, match, limit, kinds)
    return _score(conn, ids, toks, hits, stats, limit)


def _ph(n: int) -> str:
    return ", ".join("?" * n)


_COLS = ("id", "kind", "node", "key", "title", "body", "boost", "score")


def _exact(conn: sqlite3.Connection, match: str, limit: int, kinds: list[str] | None) -> list[dict]:
    """FTS5's own ranking over every match; the text of only the rows kept is read."""
    where, args = "", [match]
    if kinds:
        where, args = f" AND k.kind IN ({_ph(len(kinds))})", args + list(kinds)
    sql = ("SELECT s.id, s.kind, s.node, s.key, s.title, s.body, s.boost, r.score FROM "
           "(SELECT search.rowid AS id, -bm25(search, 8.0, 1.0) AS score, k.kind AS kind, k.key AS key "
           f"FROM search JOIN search_items k ON k.id = search.rowid WHERE search MATCH ?{where} "
           "ORDER BY score DESC, k.kind, k.key LIMIT ?) r "
           "JOIN search_items s ON s.id = r.id ORDER BY r.score DESC, r.kind, r.key")
    return [dict(zip(_COLS, row)) for row in conn.execute(sql, [*args, limit])]


def _chars(rowid: int) -> float:
    """The most characters a row of this rowid's length class holds (kg/search_index.py)."""
    return 2 ** (((rowid >> SHIFT) + 1) / 8)


def _cost(ids: list[int]) -> float:
    return sum(COST_ROW + COST_CHAR * _chars(i) for i in ids)


def _candidates(conn: sqlite3.Connection, match: str, toks: list[str], hits: list[int], op: str,
                kinds: list[str] | None) -> tuple[list[int], bool]:
    """Rows to score, and whether they are every row that matches: the first SHORTEST rows that
    match (rowid order is shortest first), then the first TITLED rows beyond those whose titles
    match (a title word weighs 8, so a longer row with the words in its title, or twice, still
    competes); at most TEXT_BUDGET characters of text in all. When any word may match (no row has
    them all), rows with more of the words are sought the same way, as bm25 adds up the words a
    row has: rows with every word the index knows, or else with all words but one."""
    ids = _stream(conn, "search", match, kinds, 0, SHORTEST)
    complete = len(ids) < SHORTEST
    if not complete:
        ids += _stream(conn, "search_titles", match, kinds, ids[-1] + 1, TITLED)
        if op == "OR":
            for words in _fuller(conn, toks, hits, kinds):
                more = " AND ".join(_quote(t) for t in words)
                got = _stream(conn, "search", more, kinds, 0, SHORTEST // 2)
                ids += got + _stream(conn, "search_titles", more, kinds, got[-1] + 1 if got else 0, TITLED // 2)
        ids = sorted(set(ids))
    chars = 0.0
    for n, i in enumerate(ids):
        chars += _chars(i)
        if chars > TEXT_BUDGET:
            return ids[:n], False
    return ids, complete


def _fuller(conn: sqlite3.Connection, toks: list[str], hits: list[int], kinds: list[str] | None) -> list[list[str]]:
    """Word sets of an any-word query whose rows hold more of its words: the words the index knows
    when some are unknown (a typo, a number not in the store) and they are found together; else all
    words but one, for a query of at most MOST_WORDS words."""
    known = list(dict.fromkeys(t for t, h in zip(toks, hits) if h))
    if 2 <= len(known) < len(set(toks)):
        if _stream(conn, "search", " AND ".join(map(_quote, known)), kinds, 0, 1):
            return [known]
    if 3 <= len(known) <= MOST_WORDS:
        return [[t for t in known if t != out] for out in known]
    return []


def _quote(tok: str) -> str:
    return '"' + tok.replace('"', '""') + '"'


def _stream(conn: sqlite3.Connection, table: str, match: str, kinds: list[str] | None, lo: int, n: int) -> list[int]:
    """The first `n` rowids from `lo` on that match, in rowid order: FTS5 seeks to `lo` and stops after `n`."""
    where, args = [f"{table} MATCH ?", f"{table}.rowid >= ?"], [match, lo]
    join = ""
    if kinds:
        join = f" JOIN search_items k ON k.id = {table}.rowid"
        where.append(f"k.kind IN ({_ph(len(kinds))})")
        args += kinds
    sql = f"SELECT {table}.rowid FROM {table}{join} WHERE {' AND '.join(where)} ORDER BY {table}.rowid LIMIT ?"
    return [r[0] for r in conn.execute(sql, (*args, n))]


def _score(conn: sqlite3.Connection, ids: list[int], toks: list[str], hits: list[int],
           stats: tuple[int, int], limit: int) -> list[dict]:
    """The `limit` best candidates by FTS5's bm25 score (ties by kind, key)."""
    n_rows, n_tokens = stats
    idf = [_idf(n_rows, h) for h in hits]
    avgdl = n_tokens / n_rows
    count = Counter(toks)
    scored = []
    for i in range(0, len(ids), 500):
        ch = ids[i:i + 500]
        for row in conn.execute("SELECT s.id, s.kind, s.node, s.key, s.title, s.body, s.boost, d.sz FROM search_items s "
                                f"JOIN search_docsize d ON d.id = s.id WHERE s.id IN ({_ph(len(ch))})", ch):
            f = [WEIGHTS[0] * a + WEIGHTS[1] * b for a, b in zip(count(row[4]), count(row[5]))]
            scored.append((-bm25(f, idf, float(_size(row[7])), avgdl), row[1], row[3], row))
    scored.sort(key=lambda x: x[:3])
    return [dict(zip(_COLS, (*row[:7], -neg))) for neg, _k, _key, row in scored[:limit]]


def _idf(n_rows: int, n_hit: int) -> float:
    idf = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
    return idf if idf > 0.0 else 1e-6


def bm25(freq: list[float], idf: list[float], size: float, avgdl: float) -> float:
    """FTS5's bm25() of one row from the weighted hits of each phrase and the row's size in tokens:
    the operations of fts5_aux.c in the same order, so the same double."""
    score = 0.0
    norm = K1 * (1 - B + B * size / avgdl)
    for f, w in zip(freq, idf):
        score += w * ((f * (K1 + 1.0)) / (f + norm))
    return score


def _size(blob: bytes) -> int:
    """A row's size in tokens from FTS5's size table: one SQLite varint per column, summed."""
    if max(blob, default=0) < 0x80:  # every column under 128 tokens: each byte is one count
        return sum(blob)
    total, i = 0, 0
    while i < len(blob):
        v = 0
        for k in range(9):
            x = blob[i]
            i += 1
            if k == 8:
                v = (v << 8) | x
                break
            v = (v << 7) | (x & 0x7F)
            if x < 0x80:
                break
        total += v
    return total


_ALIKE: dict[str, set[str]] = {}
for _code, _folded in FOLD_TABLE.items():
    _ALIKE.setdefault(_folded, set()).add(chr(_code))


class Counter:
    """Counts each query token as a whole word in a text as it is, without folding the text: each
    folded letter stands for every character that folds to it (e -> e, é, ế, Ê, ...), so the count
    is the count FTS5 finds in the folded text. One pattern per distinct token, starting with its
    first letter, which lets the regex engine skip ahead (a leading look-behind would not)."""

    def __init__(self, toks: list[str]):
        distinct = list(dict.fromkeys(toks))
        self.at = [distinct.index(t) for t in toks]
        self.patterns = [re.compile(f"{self._letter(t[0])}(?<![^\\W_].){''.join(map(self._letter, t[1:]))}"
                                    "(?![^\\W_])" if t else "(?!)") for t in distinct]

    @staticmethod
    def _letter(c: str) -> str:
        alike = _ALIKE.get(c)
        if not alike:
            return re.escape(c)
        return "[" + "".join(re.escape(x) for x in sorted(alike | {c})) + "]"

    def __call__(self, text: str | None) -> list[int]:
        """Occurrences of each query token (in query order, repeats included) in `text`."""
        if not text:
            return [0] * len(self.at)
        n = [len(p.findall(text)) for p in self.patterns]
        return [n[i] for i in self.at]
