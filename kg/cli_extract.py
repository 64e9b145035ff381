"""`kg extract` and `kg eval`: records in the gold format, and their scores against a gold folder;
and the extraction side of `kg build`: files to records (or to their digests, kg/digest.py) in
worker processes, streamed to the caller in input order."""
from __future__ import annotations

import collections
import concurrent.futures
import functools
import hashlib
import json
import os
import sys
from pathlib import Path

import click

from extract.decode import InputError
from extract.document import SCHEMA_VERSION as EXTRACT_VERSION
from extract.document import extract_file
from extract import scoring

from .digest import digest
from .inputs import iter_inputs
from extract.same import HEAD_CHARS, link_same, mark_same


class Skipped(click.ClickException):
    exit_code = 1


def _worker_init() -> None:
    """Workers die with their parent: a killed `kg build` must not leave extraction processes behind."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _extract_one(path: Path) -> tuple[str, object]:
    """One file -> ("ok", record) or ("skip", problem); runs in worker processes too."""
    try:
        return "ok", extract_file(path)
    except InputError as e:
        return "skip", str(e)
    except (OSError, UnicodeError) as e:
        return "skip", e.strerror if isinstance(e, OSError) and e.strerror else str(e)


PARALLEL_MIN_FILES = 64
# files per task handed to a worker, and tasks in flight per worker: workers run ahead of the
# consumer by a bounded window, so results never pile up in memory
CHUNK = 8
AHEAD = 4


def default_workers() -> int:
    """All cores (at most 8), or KG_WORKERS when set (the benchmark compares 1 with all)."""
    env = os.environ.get("KG_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 8))


def _run_chunk(fn, items: list) -> list[tuple[str, object]]:
    return [fn(item) for item in items]


def _digest_one(path: Path) -> tuple[str, object]:
    """One file -> ("ok", (summary, facts, packed record)) or ("skip", problem): extraction and
    the store's per-record work, both where the record is (a worker, for large inputs)."""
    status, value = _extract_one(path)
    return (status, digest(value)) if status == "ok" else (status, value)


def _digest_unless_stored(job: tuple[Path, tuple | None]) -> tuple[str, object]:
    """_digest_one, or ("stored", (sha256, version)) when the store already holds this very file
    from this extraction version (same bytes): its record would be the stored one, so it is not
    extracted again."""
    path, stored = job
    if stored is not None:
        try:
            data = path.read_bytes()
        except OSError:
            pass  # extraction reports it
        else:
            same = (hashlib.sha256(data).hexdigest(), EXTRACT_VERSION)
            if same == tuple(stored):
                return "stored", same
    return _digest_one(path)


def iter_results(items: list, fn, workers: int):
    """(item, status, value) of fn(item) for every item, in input order, as soon as each is ready.
    Large inputs go to worker processes that run a bounded window ahead of the caller, so the
    caller's work on one result overlaps the extraction of the next ones."""
    if workers <= 1 or len(items) < PARALLEL_MIN_FILES:
        for item in items:
            yield (item, *fn(item))
        return
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
        pending: collections.deque = collections.deque()
        nxt = 0
        try:
            while pending or nxt < len(chunks):
                while nxt < len(chunks) and len(pending) < workers * AHEAD:
                    pending.append((chunks[nxt], pool.submit(_run_chunk, fn, chunks[nxt])))
                    nxt += 1
                chunk, fut = pending.popleft()
                for item, (status, value) in zip(chunk, fut.result()):
                    yield item, status, value
        finally:
            for _chunk, fut in pending:
                fut.cancel()


def extract_many(paths, progress: bool = False, workers: int | None = None) -> tuple[list[dict], list[tuple[str, str]]]:
    """Records for every readable input, in input order; one (path, problem) per skipped input.

    Large inputs are spread over worker processes (extraction is CPU-bound pure Python)."""
    files, bad = iter_inputs(paths)
    records = _gather(files, _extract_one, workers, progress, bad)
    link_same(records)
    return records, bad


def _gather(files: list[Path], fn, workers: int | None, progress: bool, bad: list) -> list:
    """fn's value for every file it reads, in input order; (path, problem) added to bad for the others."""
    workers = default_workers() if workers is None else max(1, workers)
    values: list = []
    show = progress and len(files) > 20 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="extract", file=sys.stderr) if show else NullBar() as bar:
        for f, status, value in iter_results(files, fn, workers):
            _collect(f, status, value, values, bad)
            bar.update(1)
    return values


def _extract_serialised(path: Path, with_text: bool = False) -> tuple[str, object]:
    """One file -> ("ok", (file, document, start of text, [(field, JSON)])): every field but the
    document serialised where the record is (a worker, for large inputs), so the parent neither
    unpickles nor serialises the bulk of a record. The document's JSON waits for same_as, which
    needs the whole run."""
    status, rec = _extract_one(path)
    if status != "ok":
        return status, rec
    fields = [(k, None if k == "document" else json.dumps(v, ensure_ascii=False)) for k, v in public(rec, with_text).items()]
    return "ok", (rec["file"], rec["document"], rec.get("text", "")[:HEAD_CHARS], fields)


def write_json_array(paths, out, with_text: bool = False, workers: int | None = None, progress: bool = False) -> list:
    """`kg extract --json`: the JSON array of the records, written as extract_many's records would
    be by json.dumps, to the byte; returns the skipped inputs."""
    files, bad = iter_inputs(paths)
    items = _gather(files, functools.partial(_extract_serialised, with_text=with_text), workers, progress, bad)
    mark_same([it[1] for it in items], [it[0] for it in items], lambda i: items[i][2])
    out.write("[")
    for n, (_file, doc, _head, fields) in enumerate(items):
        if n:
            out.write(",\n")
        body = ", ".join(f"{json.dumps(k)}: {json.dumps(doc, ensure_ascii=False) if v is None else v}" for k, v in fields)
        out.write("{" + body + "}")
    out.write("]\n")
    return bad


class ExtractionFailed(Exception):
    """Extraction itself failed (a bug, not a bad input): nothing may be written."""


class DigestStream:
    """The digests (kg.digest) of every readable input, in input order, for `Store.ingest_digests`.

    Inputs skipped on the way are added to `bad` and reported on stderr (one line each) as soon as
    the last file is read, before the store is written. With `stored` ({file name: (sha256,
    extraction version)} of a store), a file the store holds unchanged is not extracted: its item
    is a summary that names it, with no facts (the store uses what it has)."""

    def __init__(self, paths, progress: bool = False, workers: int | None = None, stored: dict | None = None):
        self.files, self.bad = iter_inputs(paths)
        self.workers = default_workers() if workers is None else max(1, workers)
        self.progress = progress
        self.stored = stored or {}

    def __iter__(self):
        show = self.progress and len(self.files) > 20 and sys.stderr.isatty()
        jobs = [(f, self.stored.get(f.name)) for f in self.files]
        try:
            with click.progressbar(length=len(self.files), label="extract", file=sys.stderr) if show else NullBar() as bar:
                for (f, _), status, value in iter_results(jobs, _digest_unless_stored, self.workers):
                    if status == "ok":
                        yield value
                    elif status == "stored":
                        yield {"file": f.name, "sha256": value[0], "version": value[1], "stored": True}, None, None
                    else:
                        self.bad.append((str(f), value))
                    bar.update(1)
        except Exception as e:  # a bug in extraction must not leave a half-told story: nothing is written
            raise ExtractionFailed(f"{type(e).__name__}: {e}") from e
        report_skipped(self.bad)


def _collect(f, status, value, records, bad) -> None:
    if status == "ok":
        records.append(value)
    else:
        bad.append((str(f), value))


class NullBar:
    """A progress bar that shows nothing (no TTY, or small inputs)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


def report_skipped(bad) -> None:
    """One stderr line per skipped input (control characters in a name are escaped, so it stays one)."""
    for path, problem in bad:
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(path))
        click.echo(f"kg: skipped {shown}: {problem}", err=True)


def public(rec: dict, with_text: bool = False) -> dict:
    out = dict(rec)
    if not with_text:
        out.pop("text", None)
    return out


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per file (gold schema).")
@click.option("--text", "with_text", is_flag=True, help="Include the normalised text in the JSON.")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes (default: all cores for large inputs).")
def extract_cmd(paths, as_json, with_text, workers):
    """Extract records from files or folders (no store is written)."""
    if as_json:
        bad = write_json_array(paths, sys.stdout, with_text, workers, progress=True)
        report_skipped(bad)
    else:
        records, bad = extract_many(paths, progress=True, workers=workers)
        report_skipped(bad)
        for r in records:
            d = r["document"]
            click.echo(f"{r['file']}: {d['doc_type'] or '?'} {d['number'] or '(không số)'} — "
                       f"{len(r['references'])} văn bản được dẫn, {len(r['tasks'])} nhiệm vụ, {len(r['footnotes'])} chú thích")
    if bad:
        sys.exit(1)


@click.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--corpus", "corpus_dir", required=True, type=click.Path(exists=True, file_okay=False),
              help="Folder holding the source files named in the gold files.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--per-file", is_flag=True, help="Also print each file's table.")
@click.option("--min-f1", type=float, default=None, help="Exit 1 if any category's F1 is below this.")
def eval_cmd(gold_dir, corpus_dir, as_json, per_file, min_f1):
    """Score extraction against gold annotations (precision, recall, F1 per category)."""
    golds = sorted(Path(gold_dir).glob("*.json"))
    if not golds:
        raise click.UsageError(f"no gold files (*.json) in {gold_dir}")
    sources, missing = [], []
    gold_docs = []
    for g in golds:
        gd = json.loads(g.read_text(encoding="utf-8"))
        src = Path(corpus_dir) / gd.get("file", g.with_suffix(".txt").name)
        if not src.exists():
            missing.append((str(src), "source of gold file not found"))
            continue
        sources.append(src)
        gold_docs.append(gd)
    records, bad = extract_many(sources)
    report_skipped(missing + bad)
    by_name = {r["file"]: r for r in records}
    pairs = [(gd, by_name[gd["file"]]) for gd in gold_docs if gd["file"] in by_name]
    report = scoring.score_corpus(pairs)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(report.table(per_file=per_file))
    if min_f1 is not None and any(c.f1 < min_f1 for c in report.overall.values()):
        sys.exit(1)
    if missing or bad:
        sys.exit(1)
