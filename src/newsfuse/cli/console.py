"""How every command talks to the user: the two consoles, warnings as one line, problems, progress, exit code.

Reads the paths a command was given (through `pipeline.read`: ingest + clean); adds `read` plus the shared reporting used by the
command modules: one line per problem on stderr, a progress bar on a terminal, exit code 1 when any input failed.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .. import ingest as ingest_stage

err = Console(stderr=True)
out = Console()


class _ProblemLog(logging.Handler):
    """Warnings from stages go to stderr as one plain line each."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/] {record.getMessage()}", markup=True, highlight=False, soft_wrap=True)


def setup_logging() -> None:
    """Send the stages' warnings to stderr, one plain line each (once per process)."""
    log = logging.getLogger("newsfuse")
    if not any(isinstance(h, _ProblemLog) for h in log.handlers):
        log.addHandler(_ProblemLog())
        log.setLevel(logging.WARNING)
        log.propagate = False


def report(problems: list[ingest_stage.Problem]) -> None:
    """Print each problem as one `error:` line on stderr."""
    for p in problems:
        err.print(f"[red]error:[/] {p}", markup=True, highlight=False, soft_wrap=True)


def read(paths: list[str], clean: bool = True) -> tuple[list, list[ingest_stage.Problem]]:
    """Read and clean the given files, directories, URLs or stdin through `pipeline.read`: (articles, problems).

    `clean=False` leaves cleaning to the caller's own `pipeline.clean_all` (the store cleans only what is new).
    """
    from .. import pipeline

    setup_logging()
    problems: list[ingest_stage.Problem] = []
    articles = pipeline.read(paths, problems) if clean else ingest_stage.ingest(paths, problems)
    return articles, problems


def progress() -> Progress:
    """A transient progress bar on stderr (off when stderr is not a terminal)."""
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


def emit_json_lines(rows: Iterable[dict]) -> None:
    """Write one JSON object per line to stdout."""
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def finish(problems: list) -> None:
    """Report the problems; exit 1 when there were any."""
    report(problems)
    if problems:
        raise typer.Exit(1)
