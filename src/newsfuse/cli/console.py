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

OUTLET_HELP = "Outlet name for articles that name none (record, page, feed and URL come first)."
STRICT_HELP = "Exit 1 when any input or article had an error (default: only when nothing could be read)."

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


def read(paths: list[str], clean: bool = True, outlet: str = "") -> tuple[list, list[ingest_stage.Problem]]:
    """Read and clean the given files, directories, URLs or stdin through `pipeline.read`: (articles, problems).

    `clean=False` leaves cleaning to the caller's own `pipeline.clean_all` (the store cleans only what is new);
    `outlet` names the outlet of articles that name none.
    """
    from .. import pipeline

    setup_logging()
    problems: list[ingest_stage.Problem] = []
    if clean:
        articles = pipeline.read(paths, problems, outlet=outlet)
    else:
        articles = ingest_stage.ingest(paths, problems, outlet=outlet)
    return articles, problems


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


def tally(*, read: int, stored: int, duplicates: int, stories: int, errors: int, decoded: int,
          stored_word: str = "stored", unchanged: int | None = None) -> str:
    """The final line of `brief` and `ingest`: what was read and where every article went."""
    parts = [f"{read} read", f"{stored} {stored_word}"]
    if unchanged:
        parts.append(f"{unchanged} unchanged")
    parts += [_n(duplicates, "duplicate"), _n(stories, "story", "stories"), _n(errors, "error")]
    if decoded:
        parts.append(_n(decoded, "decoding warning"))
    return "tally: " + ", ".join(parts)


def decoding_warnings(articles: Iterable) -> int:
    """Articles whose bytes were replaced or re-decoded at ingest (each says so in its removed entries)."""
    return sum(1 for a in articles if a.meta.get("decoding"))


def outcome(problems: list, tally_line: str, *, strict: bool, produced: bool) -> None:
    """Report problems and the tally on stderr; exit 1 when nothing came out, or with `strict` on any error."""
    report(problems)
    err.print(tally_line, markup=False, highlight=False, soft_wrap=True)
    if not produced or (strict and problems):
        raise typer.Exit(1)


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
