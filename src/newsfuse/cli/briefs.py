"""Commands that fuse articles into briefs without a store: `brief` (print or write) and `run` (the main job).

Reads the corpus paths (and an outlet -> leaning CSV); adds briefs in JSON, Markdown and HTML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .console import OUTLET_HELP, STRICT_HELP, decoding_warnings, err, out, outcome, progress, read, report, tally

WORKERS_HELP = "Analyse articles on N Dask worker processes (N > 1; $NEWSFUSE_DASK_SCHEDULER for a cluster)."



def read_leanings(path: Path) -> dict[str, str]:
    """Read the outlet -> leaning CSV once, or exit 2 naming the file and line to fix."""
    from ..brief.coverage import LeaningsError, load_leanings

    try:
        return load_leanings(path)
    except LeaningsError as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None


def brief(
    paths: list[str] = typer.Argument(...),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write briefs here (default: print)."),
    fmt: str = typer.Option("md", "--format", help="md | html | json"),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) for undated articles."),
    summary_words: Optional[int] = typer.Option(None, "--summary-words", help="Cap the summary at N words (default 212, whole sentences)."),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
    workers: int = typer.Option(1, "--workers", min=1, help=WORKERS_HELP),
    outlet: str = typer.Option("", "--outlet", help=OUTLET_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
) -> None:
    """Ingest, clean, understand and fuse articles into one brief per story."""
    from .. import pipeline, render

    if fmt not in ("md", "html", "json"):
        err.print(f"error: unknown format {fmt!r} (md, html or json)")
        raise typer.Exit(2)
    articles, problems = read(paths, outlet=outlet)
    n_read, decoded = len(articles), decoding_warnings(articles)
    options = {}
    if summary_words:
        options["summary_words"] = summary_words
    if leanings:
        options["leanings"] = read_leanings(leanings)
    with progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers,
            problems=problems, **options
        )
    line = _tally(briefs, n_read, decoded, problems)
    if not briefs:
        report(problems)
        err.print("error: no readable articles")
        err.print(line, markup=False, highlight=False)
        raise typer.Exit(1)
    if out_dir:
        paths_written = render.write(briefs, out_dir, formats=[fmt])
        for p in paths_written:
            err.print(f"wrote {p}", highlight=False)
    elif fmt == "json":
        sys.stdout.write(json.dumps(render.to_json(briefs), ensure_ascii=False, indent=1) + "\n")
    elif fmt == "html":
        sys.stdout.write(render.to_html_document(briefs) + "\n")
    else:
        from rich.markdown import Markdown

        for b in briefs:
            text = render.to_markdown(b)
            if out.is_terminal:
                out.print(Markdown(text))
            else:
                sys.stdout.write(text + "\n")
    outcome(problems, line, strict=strict, produced=True)


def run(
    paths: list[str] = typer.Argument(..., help="The corpus (files or directories)."),
    out_dir: Path = typer.Option(Path("out"), "--out"),
    published: Optional[str] = typer.Option(None, "--published"),
    workers: int = typer.Option(1, "--workers", min=1, help=WORKERS_HELP),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
    outlet: str = typer.Option("", "--outlet", help=OUTLET_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
) -> None:
    """The main job: brief every story in PATHS in JSON, Markdown and HTML under --out."""
    from .. import pipeline, render

    options = {"leanings": read_leanings(leanings)} if leanings else {}
    articles, problems = read(paths, outlet=outlet)
    n_read, decoded = len(articles), decoding_warnings(articles)
    with progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers,
            problems=problems, **options
        )
    written = render.write(briefs, out_dir, formats=["json", "md", "html"])
    out.print(f"[bold green]{len(briefs)} brief(s) from {n_read} article(s)[/]; output:", highlight=False)
    for p in written:
        out.print(f"  {p}", highlight=False)
    outcome(problems, _tally(briefs, n_read, decoded, problems), strict=strict, produced=bool(briefs))


def _tally(briefs: list, n_read: int, decoded: int, problems: list) -> str:
    """The final tally of a fuse: articles read, briefed, duplicates among them, stories, errors."""
    briefed = [a for b in briefs for a in b.articles]
    return tally(read=n_read, stored=len(briefed), duplicates=sum(1 for a in briefed if a.duplicate_of),
                 stories=len(briefs), errors=len(problems), decoded=decoded, stored_word="briefed")
