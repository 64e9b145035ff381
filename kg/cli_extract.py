"""`kg extract` and `kg eval`: records in the gold format, and their scores against a gold folder."""
from __future__ import annotations

import json
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


def extract_many(paths, progress: bool = False) -> tuple[list[dict], list[tuple[str, str]]]:
    """Records for every readable input; one (path, problem) per skipped input."""
    files, bad = iter_inputs(paths)
    records = []
    it = files
    bar = None
    if progress and len(files) > 20 and sys.stderr.isatty():
        bar = click.progressbar(files, label="extract", file=sys.stderr)
        it = bar.__enter__()
    try:
        for f in it:
            try:
                records.append(extract_file(f))
            except InputError as e:
                bad.append((str(f), str(e)))
            except (OSError, UnicodeError) as e:
                bad.append((str(f), e.strerror if isinstance(e, OSError) and e.strerror else str(e)))
    finally:
        if bar:
            bar.__exit__(None, None, None)
    link_same(records)
    return records, bad


def report_skipped(bad) -> None:
    for path, problem in bad:
        click.echo(f"kg: skipped {path}: {problem}", err=True)


def public(rec: dict, with_text: bool = False) -> dict:
    out = dict(rec)
    if not with_text:
        out.pop("text", None)
    return out


@click.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per file (gold schema).")
@click.option("--text", "with_text", is_flag=True, help="Include the normalised text in the JSON.")
def extract_cmd(paths, as_json, with_text):
    """Extract records from files or folders (no store is written)."""
    records, bad = extract_many(paths, progress=True)
    report_skipped(bad)
    if as_json:
        sys.stdout.write(json.dumps([public(r, with_text) for r in records], ensure_ascii=False))
        sys.stdout.write("\n")
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
