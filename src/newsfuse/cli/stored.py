"""Commands over the store: ingest, stories, show, serve, export.

Reads the database named by `--db` (else $NEWSFUSE_DB, else ./newsfuse.db); adds stored articles, stories
and briefs (`ingest`), listings and briefs on stdout, the web UI, and Parquet tables.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from .console import OUTLET_HELP, STRICT_HELP, decoding_warnings, err, out, outcome, progress, read, report, tally

WORKERS_HELP = (
    "Run the per-article stages (analysis, sentence vectors) on N Dask worker processes "
    "(N > 1; $NEWSFUSE_DASK_SCHEDULER for an existing cluster)."
)
DB_HELP = "Database URL (default: $NEWSFUSE_DB, else sqlite:///newsfuse.db here); postgresql://… works too."


def _open_store(db: Optional[str]):
    """Open the store or exit 1 with the one-line reason."""
    from ..store import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories, URLs or - for stdin."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    outlet: str = typer.Option("", "--outlet", help=OUTLET_HELP),
    strict: bool = typer.Option(False, "--strict", help=STRICT_HELP),
    workers: int = typer.Option(1, "--workers", min=1, help=WORKERS_HELP),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning (coverage, the list's leaning bar)."),
) -> None:
    """Add articles to the store: clean, analyse, store, dedupe, cluster and refresh affected briefs."""
    from ..store import StoreError
    from ..store.update import ingest_articles
    from .briefs import read_leanings

    options = {"leanings": read_leanings(leanings)} if leanings else {}

    articles, problems = read(paths, clean=False, outlet=outlet)  # ingest_articles cleans only what is not stored yet
    decoded = decoding_warnings(articles)
    st = _open_store(db)
    try:
        with progress() as prog:
            task = prog.add_task("ingesting", total=len(articles))
            done = ingest_articles(st, articles, progress=lambda n: prog.advance(task, n), workers=workers, **options)
    except StoreError as exc:
        report(problems)
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        st.close()
    problems = problems + done.problems
    out.print(done.summary(), highlight=False)
    line = tally(read=len(articles), stored=len(done.added), unchanged=len(done.unchanged), duplicates=done.duplicates,
                 stories=done.stories, errors=len(problems), decoded=decoded)
    outcome(problems, line, strict=strict, produced=bool(articles))


def stories(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """List stored stories: id, title, outlets, article count and last update."""
    from rich.table import Table

    from ..store import StoreError

    st = _open_store(db)
    try:
        rows = st.stories()
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        st.close()
    if not rows:
        err.print("no stories yet: run `newsfuse ingest PATH…` first", markup=False, highlight=False)
        return
    table = Table("story", "title", "outlets", "articles", "last update")
    for r in rows:
        table.add_row(r.id, r.title, ", ".join(r.outlets), str(len(r.articles)), r.updated_at or "")
    out.print(table, markup=False, highlight=False)


def show(
    story: str = typer.Argument(..., help="A story id (see `newsfuse stories`)."),
    fmt: str = typer.Option("md", "--format", help="md | html | json"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Print a stored story's brief as Markdown, HTML or brief-v1 JSON."""
    from ..store import StoreError

    if fmt not in ("md", "html", "json"):
        err.print(f"error: unknown format {fmt!r} (md, html or json)", markup=False, highlight=False)
        raise typer.Exit(2)
    st = _open_store(db)
    try:
        doc = st.brief(story)
        if doc is None:
            from ..store.update import moved_to

            target = moved_to(st, story)
            if target:
                err.print(f"note: story {story} was merged into {target}; showing {target}", markup=False, highlight=False)
                story, doc = target, st.brief(target)
        text = st.rendered(story, fmt) if doc is not None and fmt != "json" else None
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        st.close()
    if doc is None:
        err.print(f"error: no such story: {story} (see `newsfuse stories`)", markup=False, highlight=False)
        raise typer.Exit(1)
    if fmt == "json":
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    elif fmt == "md" and text and out.is_terminal:
        from rich.markdown import Markdown

        out.print(Markdown(text))
    else:
        sys.stdout.write((text or "").rstrip("\n") + "\n")


def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Serve the web reader (search, stories, articles, entities) and the API (/api/v1, docs at /api/v1/docs).

    Adding articles over HTTP (POST /api/v1/articles) needs NEWSFUSE_TOKEN set; without it the server is read-only."""
    import os

    import uvicorn

    from ..web import create_app

    st = _open_store(db)
    from ..store import shown_url

    mode = "ingest allowed with the bearer token" if os.environ.get("NEWSFUSE_TOKEN") else "read-only (set NEWSFUSE_TOKEN to allow ingest)"
    err.print(f"serving {shown_url(st.url)} on http://{host}:{port}/ (API docs: /api/v1/docs; {mode})",
              markup=False, highlight=False)
    uvicorn.run(create_app(st), host=host, port=port, log_level="warning")


def export(
    parquet: Path = typer.Option(..., "--parquet", help="Folder for articles/facts/quotes/conflicts .parquet files."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Export the store's articles, facts, quotes and conflicts as Parquet tables for analysts."""
    from sqlalchemy.engine import make_url

    from ..scale import export_parquet
    from ..store import StoreError, resolve_url

    url = resolve_url(db)
    path = make_url(url).database if url.startswith("sqlite") else None
    if path and path != ":memory:" and not Path(path).exists():  # exporting must not create an empty store
        err.print(f"error: no such database: {path} (run `newsfuse ingest` first)", markup=False, highlight=False)
        raise typer.Exit(1)
    st = _open_store(db)
    try:
        written = export_parquet(st, parquet)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    except OSError as exc:
        err.print(f"error: cannot write {parquet}: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        st.close()
    for path, rows in written.values():
        err.print(f"wrote {path} ({rows} rows)", markup=False, highlight=False)
