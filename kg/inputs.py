"""Which files a command reads: files and folders given, document files only (gold/ and the like skipped)."""
from __future__ import annotations

from pathlib import Path

DOC_SUFFIXES = {".txt", ".text", ".md"}
SKIP_DIRS = {"gold", ".git", ".kg", "__pycache__", "node_modules"}


def iter_inputs(paths) -> tuple[list[Path], list[tuple[str, str]]]:
    """(files to read, [(path, problem)] for paths that cannot be read at all)."""
    files, bad = [], []
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if any(part in SKIP_DIRS for part in f.relative_to(p).parts[:-1]):
                    continue
                if f.is_file() and f.suffix.lower() in DOC_SUFFIXES and not f.name.startswith(".") and f.name.upper() != "README.MD":
                    files.append(f)
        elif p.is_file():
            files.append(p)
        elif p.exists():
            bad.append((str(p), "not a regular file"))
        else:
            bad.append((str(p), "no such file or directory"))
    return files, bad
