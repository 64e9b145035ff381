"""`kg bench generate` and `kg bench run`: a realistic generated corpus and the benchmark harness."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_extract import NullBar


@click.group("bench")
def bench() -> None:
    """Benchmarks: generate a realistic corpus, measure throughput, latency and memory."""


@bench.command("generate")
@click.option("--docs", type=click.IntRange(1, 10_000_000), required=True, help="How many documents.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.argument("out_dir", type=click.Path(file_okay=False))
def generate_cmd(docs, seed, out_dir):
    """Write DOCS generated plans to OUT_DIR/*.txt and their gold to OUT_DIR/gold/*.json."""
    from .generate import generate

    show = sys.stderr.isatty()
    with click.progressbar(length=docs, label="generate", file=sys.stderr) if show else NullBar() as bar:
        last = [0]

        def progress(done, total):
            bar.update(done - last[0])
            last[0] = done

        summary = generate(Path(out_dir), docs, seed, progress)
    click.echo(f"{summary['files']} văn bản, {summary['bytes'] / 1e6:.1f} MB, chuỗi dẫn xuất sâu nhất {summary['max_depth']} "
               f"bậc, trong {summary['seconds']:.1f} s -> {out_dir}")


@bench.command("run")
@click.option("--docs", default="1000,10000", show_default=True, help="Corpus sizes, comma-separated.")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Processes for the parallel ingest (default: all cores).")
@click.option("--queries", type=click.IntRange(10, 100_000), default=300, show_default=True, help="Queries per kind for latency.")
@click.option("--dir", "keep", type=click.Path(file_okay=False), default=None, help="Keep (and reuse) generated corpora here.")
@click.option("--json", "as_json", is_flag=True)
def run_cmd(docs, seed, workers, queries, keep, as_json):
    """Measure extraction, ingest, query latency and memory on generated corpora of each size."""
    import os

    from . import bench as b

    try:
        sizes = [int(x) for x in docs.split(",") if x.strip()]
    except ValueError:
        raise click.UsageError(f"--docs takes sizes separated by commas, not {docs!r}")
    if not sizes or min(sizes) < 10:
        raise click.UsageError("--docs needs sizes of at least 10 documents")
    workers = workers or min(os.cpu_count() or 1, 8)
    res = b.run(sizes, seed, workers, queries, Path(keep) if keep else None,
                progress=lambda msg: click.echo(msg, err=True))
    click.echo(b.to_json(res) if as_json else b.table(res))


def register(cli) -> None:
    cli.add_command(bench)
