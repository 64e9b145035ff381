"""`kg extract` and `kg eval`: records in the gold format, and their scores against a gold folder."""
from __future__ import annotations

import concurrent.futures
import json
import os
import sys
from pathlib import Path

import click

from extract.decode import InputError
from extract.document import extract_file
from extract.same import link_same
from extract import scoring

from .inputs import iter_inputs


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


def default_workers() -> int:
    """All cores (at most 8), or KG_WORKERS when set (the benchmark compares 1 with all)."""
    env = os.environ.get("KG_WORKERS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 8))


def extract_many(paths, progress: bool = False, workers: int | None = None) -> tuple[list[dict], list[tuple[str, str]]]:
    """Records for every readable input, in input order; one (path, problem) per skipped input.

    Large inputs are spread over worker processes (extraction is CPU-bound pure Python)."""
    files, bad = iter_inputs(paths)
    workers = default_workers() if workers is None else max(1, workers)
    records = []
    show = progress and len(files) > 20 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="extract", file=sys.stderr) if show else NullBar() as bar:
        if workers > 1 and len(files) >= PARALLEL_MIN_FILES:
            with concurrent.futures.ProcessPoolExecutor(max_workers=workers, initializer=_worker_init) as pool:
                results = pool.map(_extract_one, files, chunksize=16)
                for f, (status, value) in zip(files, results):
                    _collect(f, status, value, records, bad)
                    bar.update(1)
        else:
            for f in files:
                _collect(f, *_extract_one(f), records, bad)
                bar.update(1)
    link_same(records)
    return records, bad


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
    records, bad = extract_many(paths, progress=True, workers=workers)
    report_skipped(bad)
    if as_json:
        out = sys.stdout
        out.write("[")
        for i, r in enumerate(records):  # streamed: no second copy of a large corpus in memory
            if i:
                out.write(",\n")
            out.write(json.dumps(public(r, with_text), ensure_ascii=False))
        out.write("]\n")
    else:
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
