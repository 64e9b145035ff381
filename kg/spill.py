"""A scratch file of marshalled values, read back by key: what an ingest keeps of each source that
is too big to hold for the whole corpus (texts, row facts, packed records).

The file is unlinked as soon as it is made, so a killed build leaves nothing behind."""
from __future__ import annotations

import marshal
import os
import tempfile


class Spill:
    def __init__(self, dir: str | None = None):
        self._f = tempfile.TemporaryFile(prefix="kg-ingest-", dir=dir)
        self._at: dict[str, tuple[int, int]] = {}
        self._end = 0
        self._dirty = False

    def put(self, key: str, value) -> None:
        data = marshal.dumps(value)
        self._f.write(data)
        self._at[key] = (self._end, len(data))
        self._end += len(data)
        self._dirty = True

    def get(self, key: str):
        if self._dirty:
            self._f.flush()
            self._dirty = False
        off, n = self._at[key]
        return marshal.loads(os.pread(self._f.fileno(), n, off))

    def __contains__(self, key: str) -> bool:
        return key in self._at

    def close(self) -> None:
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
