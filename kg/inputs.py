"""Which files a command reads: files and folders given; in folders, document files only (plain text,
and the PDF, DOCX and HTML files extract.formats reads), gold/ and the like skipped.

The walk decides what can be read before anything is read, and says why not in a few words, one
(path, problem) per input: a file over the size limit (`KG_MAX_FILE_MB`, default 50 MB; checked with
stat, so a huge file costs nothing), a file or folder without read permission, a file name that is
not valid UTF-8 (the store names sources by file name), two files with the same name (the second
would replace the first in the store), a .doc/.odt/.rtf file or an image in a folder, a broken symbolic
link, a symbolic link that loops back to a folder being walked, a path that vanishes during the
walk. Symbolic links to folders are followed; a file or folder reached twice (given twice, or
through a link) is read once."""
from __future__ import annotations

import errno
import math
import os
import stat
import sys
from pathlib import Path

try:  # the formats extract_file reads besides plain text (PDF, DOCX, saved web pages)
    from extract.formats import SUFFIXES as FORMAT_SUFFIXES
except ImportError:  # pragma: no cover - an extract/ without formats
    FORMAT_SUFFIXES = set()

DOC_SUFFIXES = {".txt", ".text", ".md"} | set(FORMAT_SUFFIXES)
SKIP_DIRS = {"gold", ".git", ".kg", "__pycache__", "node_modules"}

# Files people keep next to the documents of an archive that cannot be read: in a folder they are
# reported, not read (other suffixes -- .json, .csv, .py -- are passed over in silence).
_OCR = "image without text: OCR it first"
NOT_TEXT_SUFFIXES = {
    ".doc": "Word 97-2003 document: save it as DOCX or plain text first",
    ".odt": "OpenDocument text: save it as DOCX or plain text first",
    ".rtf": "RTF document: save it as DOCX or plain text first",
    **{s: _OCR for s in (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp")},
}
NOT_TEXT_SUFFIXES = {k: v for k, v in NOT_TEXT_SUFFIXES.items() if k not in DOC_SUFFIXES}

MAX_FILE_ENV = "KG_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 50.0
_MB = 1024 * 1024


def _fmt_mb(n: float) -> str:
    return f"{n:g}"


def max_file_mb() -> float | None:
    """The size limit in MB from KG_MAX_FILE_MB (default 50; 0 = no limit). A value that is not a
    number is reported on stderr and the default is used."""
    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_FILE_MB
    try:
        mb = float(raw)
        if mb != mb or mb < 0:
            raise ValueError
    except ValueError:
        print(f"kg: ignoring {MAX_FILE_ENV}={raw!r} (not a number of MB); using {_fmt_mb(DEFAULT_MAX_FILE_MB)} MB",
              file=sys.stderr)
        return DEFAULT_MAX_FILE_MB
    return mb or None


def _oserror(e: OSError, vanished: str = "vanished during the walk") -> str:
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if e.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if e.errno == errno.ENOENT:
        return vanished
    return (e.strerror or str(e)).lower()


class _Walk:
    def __init__(self):
        self.limit = max_file_mb()
        self.files: list[Path] = []
        self.bad: list[tuple[str, str]] = []
        self.seen: set[tuple[int, int]] = set()   # (device, inode) of files taken
        self.dirs: set[tuple[int, int]] = set()   # folders walked (one reached again is not walked again)
        self.names: dict[str, Path] = {}          # file name -> path taken (the store's key)

    def skip(self, path, problem: str) -> None:
        self.bad.append((str(path), problem))

    def file(self, f: Path, st: os.stat_result) -> None:
        """A regular file (`st` follows links): take it, or say why not."""
        key = (st.st_dev, st.st_ino)
        if key in self.seen:
            return  # the same file reached again (a link, or named twice)
        try:
            f.name.encode("utf-8")
        except UnicodeEncodeError:
            return self.skip(f, "file name is not valid UTF-8 (legacy encoding?): rename it, "
                                "e.g. convmv -f cp1258 -t utf8")
        if self.limit is not None and st.st_size > self.limit * _MB:
            size = math.ceil(st.st_size / _MB * 10) / 10  # rounded up: never "50 MB > 50 MB"
            return self.skip(f, f"file too large ({_fmt_mb(size)} MB > {_fmt_mb(self.limit)} MB limit; "
                                f"set {MAX_FILE_ENV})")
        if not os.access(f, os.R_OK):
            return self.skip(f, "permission denied")
        if f.name in self.names:
            return self.skip(f, f"same file name as {self.names[f.name]} (sources are stored by file name; "
                                f"rename one of them)")
        self.seen.add(key)
        self.names[f.name] = f
        self.files.append(f)

    def listing(self, d: Path):
        """The entries of a folder sorted by name (the order of sorted(rglob)), or None if unreadable."""
        try:
            with os.scandir(d) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as e:
            denied = e.errno in (errno.EACCES, errno.EPERM)
            self.skip(d, _oserror(e) + (" (cannot list the folder)" if denied else ""))
            return None

    def folder(self, root: Path, root_key: tuple[int, int]) -> None:
        """Depth first, without recursion (a deep tree cannot exhaust the stack)."""
        if root_key in self.dirs:
            return  # the same folder given twice
        self.dirs.add(root_key)
        entries = self.listing(root)
        if entries is None:
            return
        stack = [(iter(entries), frozenset({root_key}))]
        while stack:
            it, ancestors = stack[-1]
            e = next(it, None)
            if e is None:
                stack.pop()
                continue
            p = Path(e.path)
            suffix = p.suffix.lower()
            quiet = e.name.startswith(".") or e.name.upper() == "README.MD"  # hidden files, README
            try:
                st = os.stat(e.path)  # follows symbolic links
            except OSError as err:
                if quiet:
                    continue
                if err.errno == errno.ENOENT and e.is_symlink():
                    if suffix in DOC_SUFFIXES:
                        self.skip(p, "broken symbolic link (its target does not exist)")
                elif err.errno == errno.ELOOP or suffix in DOC_SUFFIXES:
                    self.skip(p, _oserror(err))
                continue
            if stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if e.name in SKIP_DIRS:
                    continue
                if key in ancestors:
                    self.skip(p, "symbolic link loop (points back to a folder being read)")
                    continue
                if key in self.dirs:
                    continue  # reached again through a link: its files are taken already
                self.dirs.add(key)
                sub = self.listing(p)
                if sub is not None:
                    stack.append((iter(sub), ancestors | {key}))
                continue
            if quiet:
                continue
            if suffix in NOT_TEXT_SUFFIXES:
                self.skip(p, NOT_TEXT_SUFFIXES[suffix])
            elif suffix not in DOC_SUFFIXES:
                continue
            elif not stat.S_ISREG(st.st_mode):
                self.skip(p, "not a regular file")
            else:
                self.file(p, st)

    def top(self, p: Path) -> None:
        try:
            st = p.stat()
        except OSError as e:
            if e.errno == errno.ENOENT:
                return self.skip(p, "broken symbolic link (its target does not exist)" if p.is_symlink()
                                 else "no such file or directory")
            return self.skip(p, _oserror(e))
        if stat.S_ISDIR(st.st_mode):
            self.folder(p, (st.st_dev, st.st_ino))
        elif stat.S_ISREG(st.st_mode):
            self.file(p, st)
        else:
            self.skip(p, "not a regular file")


def iter_inputs(paths) -> tuple[list[Path], list[tuple[str, str]]]:
    """(files to read, [(path, problem)] for paths that cannot be read at all)."""
    w = _Walk()
    for p in map(Path, paths):
        w.top(p)
    return w.files, w.bad
