"""Questions over the store: trace, impact, tasks, cites, footnotes, search, show."""
