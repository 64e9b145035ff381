"""The `kg` command: parses arguments and prints; the work is done by extract/, kg/ and queries/."""
from __future__ import annotations

import importlib
import sys

import click

from .cli_extract import eval_cmd, extract_cmd

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vn-legal-kg")
def cli() -> None:
    """Knowledge graph of Vietnamese legal documents: extract, build, trace, search."""


cli.add_command(extract_cmd)
cli.add_command(eval_cmd)

# Each group of commands lives in its own module with a register(cli) function.
for _name in ("cli_graph", "cli_neo4j", "cli_web", "cli_bench"):
    try:
        _mod = importlib.import_module(f".{_name}", __package__)
    except ModuleNotFoundError as _e:
        if _e.name != f"{__package__}.{_name}":
            raise
        continue
    _mod.register(cli)


def main() -> None:
    # a file name or argument that is not valid UTF-8 is shown escaped, never a traceback
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError):
            pass
    try:
        rv = cli.main(standalone_mode=False)
    except click.exceptions.UsageError as e:
        e.show()
        sys.exit(EXIT_USAGE)
    except click.exceptions.Abort:
        sys.exit(130)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    # commands return (or ctx.exit with) 1 when inputs were skipped: that code must reach the shell
    sys.exit(rv if isinstance(rv, int) else EXIT_OK)
