"""Questions over the store: trace, impact, tasks, cites, footnotes, search, show, stats.

One function per question; each takes a backend (see `queries.backend.Backend`) and returns plain
dicts/lists, whichever backend answers."""
from .backend import Ambiguous, Backend, BadQuery, NotFound, QueryError
from .card import show
from .cites import cites, footnotes
from .lineage import impact, trace
from .registry import match_unit, unit_tasks, units
from .resolve import resolve, resolve_document
from .search import search
from .stats import stats

__all__ = ["Ambiguous", "Backend", "BadQuery", "NotFound", "QueryError", "show", "cites", "footnotes", "impact",
           "trace", "match_unit", "unit_tasks", "units", "resolve", "resolve_document", "search", "stats"]
