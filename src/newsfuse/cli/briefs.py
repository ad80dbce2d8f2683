"""Commands that fuse articles into briefs without a store: `brief` (print or write) and `run` (the main job).

Reads the corpus paths (and an outlet -> leaning CSV); adds briefs in JSON, Markdown and HTML.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .. import pipeline
from .console import err, finish, out, progress, read, report

WORKERS_HELP = "Analyse articles on N Dask worker processes (N > 1; $NEWSFUSE_DASK_SCHEDULER for a cluster)."


def _load_leanings(path: Path) -> dict[str, str]:
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
    summary_words: Optional[int] = typer.Option(None, "--summary-words", help="Cap the summary at N words."),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
    workers: int = typer.Option(1, "--workers", min=1, help=WORKERS_HELP),
) -> None:
    """Ingest, clean, understand and fuse articles into one brief per story."""
    from .. import render

    if fmt not in ("md", "html", "json"):
        err.print(f"error: unknown format {fmt!r} (md, html or json)")
        raise typer.Exit(2)
    articles, problems = read(paths)
    options = {}
    if summary_words:
        options["summary_words"] = summary_words
    if leanings:
        options["leanings"] = _load_leanings(leanings)
    with progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers, **options
        )
    if not briefs:
        report(problems)
        err.print("error: no readable articles")
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
    finish(problems)


def run(
    paths: list[str] = typer.Argument(..., help="The corpus (files or directories)."),
    out_dir: Path = typer.Option(Path("out"), "--out"),
    published: Optional[str] = typer.Option(None, "--published"),
    workers: int = typer.Option(1, "--workers", min=1, help=WORKERS_HELP),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
) -> None:
    """The main job: brief every story in PATHS in JSON, Markdown and HTML under --out."""
    from .. import render

    options = {"leanings": _load_leanings(leanings)} if leanings else {}
    articles, problems = read(paths)
    with progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers, **options
        )
    written = render.write(briefs, out_dir, formats=["json", "md", "html"])
    report(problems)
    out.print(f"[bold green]{len(briefs)} brief(s) from {len(articles)} article(s)[/]; output:", highlight=False)
    for p in written:
        out.print(f"  {p}", highlight=False)
    if problems:
        raise typer.Exit(1)
