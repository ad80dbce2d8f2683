"""The `newsfuse` command (Typer + Rich). Each command is a thin wrapper over a stage's public function.

Bad inputs are reported one line each on stderr; the batch goes on; the exit code is 1 when any
input failed (2 for usage errors).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import ingest as ingest_stage
from . import pipeline
from .model import to_dict

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Fuse many outlets' reports of one event into one cross-checked brief.")
err = Console(stderr=True)
out = Console()


class _ProblemLog(logging.Handler):
    """Warnings from stages go to stderr as one plain line each."""

    def emit(self, record: logging.LogRecord) -> None:
        err.print(f"[yellow]warning:[/] {record.getMessage()}", markup=True, highlight=False, soft_wrap=True)


def _setup_logging() -> None:
    log = logging.getLogger("newsfuse")
    if not any(isinstance(h, _ProblemLog) for h in log.handlers):
        log.addHandler(_ProblemLog())
        log.setLevel(logging.WARNING)
        log.propagate = False


def _report(problems: list[ingest_stage.Problem]) -> None:
    for p in problems:
        err.print(f"[red]error:[/] {p}", markup=True, highlight=False, soft_wrap=True)


def _read(paths: list[str]) -> tuple[list, list[ingest_stage.Problem]]:
    _setup_logging()
    problems: list[ingest_stage.Problem] = []
    articles = ingest_stage.ingest(paths, problems)
    return articles, problems


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


def _emit_json_lines(rows) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


def _exit(problems: list, had_output: bool = True) -> None:
    _report(problems)
    if problems:
        raise typer.Exit(1)


@app.command()
def clean(
    paths: list[str] = typer.Argument(..., help="Files, directories, URLs or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per article per line."),
) -> None:
    """Print each article's cleaned text (page furniture removed)."""
    articles, problems = _read(paths)
    articles = pipeline.clean_all(articles)
    if as_json:
        _emit_json_lines(
            {
                "id": a.id, "text": a.text,
                "removed": [{"text": s.text, "reason": s.reason} for s in a.removed],
                "title": a.title, "outlet": a.outlet, "published": a.published, "url": a.url,
            }
            for a in articles
        )
    else:
        for a in articles:
            out.print(f"[bold]== {a.id}[/] {a.title}", highlight=False)
            sys.stdout.write(a.text.rstrip() + "\n\n")
    _exit(problems)


def _analyse(paths: list[str]):
    articles, problems = _read(paths)
    articles = pipeline.clean_all(articles)
    with _progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        analyses = pipeline.analyze(articles, lambda n: prog.advance(task, n))
    return articles, analyses, problems


@app.command()
def quotes(
    paths: list[str] = typer.Argument(...),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Quotes with their speakers: {article_id: [{start, end, text, direct, speaker}]}."""
    articles, analyses, problems = _analyse(paths)
    result = {}
    for a in articles:
        rows = []
        for q in analyses[a.id].quotes:
            sp = q.speaker
            rows.append({
                "start": q.start, "end": q.end, "text": q.text, "direct": q.direct,
                "speaker": {"name": sp.name, "start": sp.start, "end": sp.end, "entity": sp.entity} if sp else None,
                "cue": q.cue,
            })
        result[a.id] = rows
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for aid, rows in result.items():
            out.print(f"[bold]== {aid}[/]", highlight=False)
            for r in rows:
                who = r["speaker"]["name"] if r["speaker"] else "?"
                out.print(f"  {who}: {'“' if r['direct'] else '('}{r['text']}{'”' if r['direct'] else ')'}", highlight=False)
    _exit(problems)


@app.command()
def entities(paths: list[str] = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Canonical entities across the given articles, with aliases and mentions."""
    from . import entities as ent_stage

    articles, analyses, problems = _analyse(paths)
    ents = ent_stage.link(list(analyses.values()))
    rows = [
        {"id": e.id, "name": e.name, "type": e.type, "aliases": e.aliases, "articles": e.articles,
         "mentions": [{"article": m.article, "start": m.start, "end": m.end, "text": m.text} for m in e.mentions]}
        for e in ents
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
    else:
        for r in rows:
            out.print(f"{r['id']:>6}  {r['type']:<6} {r['name']}  [dim]{', '.join(r['aliases'])}[/]", highlight=False)
    _exit(problems)


@app.command()
def claims(paths: list[str] = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Numeric claims (normalised quantities, qualifiers) and resolved dates per article."""
    articles, analyses, problems = _analyse(paths)
    result = {a.id: {"claims": to_dict(analyses[a.id].claims), "dates": to_dict(analyses[a.id].dates)} for a in articles}
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        for aid, r in result.items():
            out.print(f"[bold]== {aid}[/]", highlight=False)
            for c in r["claims"]:
                qs = "; ".join(f"{q['qualifier']} {q['value']:g} {q['unit']}".strip() for q in c["quantities"])
                out.print(f"  [{qs}] {c['text']}", highlight=False)
            for d in r["dates"]:
                out.print(f"  {d['expression']!r} -> {d['date']}", highlight=False)
    _exit(problems)


_WORKERS_HELP = "Analyse articles on N Dask worker processes (N > 1; $NEWSFUSE_DASK_SCHEDULER for a cluster)."


def _load_leanings(path: Path) -> dict[str, str]:
    """Read the outlet -> leaning CSV once, or exit 2 naming the file and line to fix."""
    from .brief.coverage import LeaningsError, load_leanings

    try:
        return load_leanings(path)
    except LeaningsError as exc:
        err.print(f"error: {exc}", highlight=False)
        raise typer.Exit(2) from None


@app.command()
def brief(
    paths: list[str] = typer.Argument(...),
    out_dir: Optional[Path] = typer.Option(None, "--out", help="Write briefs here (default: print)."),
    fmt: str = typer.Option("md", "--format", help="md | html | json"),
    published: Optional[str] = typer.Option(None, "--published", help="Publication date (YYYY-MM-DD) for undated articles."),
    summary_words: Optional[int] = typer.Option(None, "--summary-words", help="Cap the summary at N words."),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
    workers: int = typer.Option(1, "--workers", min=1, help=_WORKERS_HELP),
) -> None:
    """Ingest, clean, understand and fuse articles into one brief per story."""
    from . import render

    if fmt not in ("md", "html", "json"):
        err.print(f"error: unknown format {fmt!r} (md, html or json)")
        raise typer.Exit(2)
    articles, problems = _read(paths)
    options = {}
    if summary_words:
        options["summary_words"] = summary_words
    if leanings:
        options["leanings"] = _load_leanings(leanings)
    with _progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers, **options
        )
    if not briefs:
        _report(problems)
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
    _exit(problems)


@app.command()
def run(
    paths: list[str] = typer.Argument(..., help="The corpus (files or directories)."),
    out_dir: Path = typer.Option(Path("out"), "--out"),
    published: Optional[str] = typer.Option(None, "--published"),
    workers: int = typer.Option(1, "--workers", min=1, help=_WORKERS_HELP),
    leanings: Optional[Path] = typer.Option(None, "--leanings", help="CSV mapping outlet -> leaning."),
) -> None:
    """The main job: brief every story in PATHS in JSON, Markdown and HTML under --out."""
    from . import render

    options = {"leanings": _load_leanings(leanings)} if leanings else {}
    articles, problems = _read(paths)
    with _progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        briefs = pipeline.fuse_articles(
            articles, published=published, progress=lambda n: prog.advance(task, n), workers=workers, **options
        )
    written = render.write(briefs, out_dir, formats=["json", "md", "html"])
    _report(problems)
    out.print(f"[bold green]{len(briefs)} brief(s) from {len(articles)} article(s)[/]; output:", highlight=False)
    for p in written:
        out.print(f"  {p}", highlight=False)
    if problems:
        raise typer.Exit(1)


_DB_HELP = "Database URL (default: $NEWSFUSE_DB, else sqlite:///newsfuse.db here); postgresql://… works too."


def _open_store(db: Optional[str]):
    """Open the store or exit 1 with the one-line reason."""
    from .store import StoreError, open_store

    try:
        return open_store(db)
    except StoreError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories, URLs or - for stdin."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Add articles to the store: clean, analyse, store, dedupe, cluster and refresh affected briefs."""
    from .store import StoreError
    from .store.update import ingest_articles

    articles, problems = _read(paths)
    st = _open_store(db)
    try:
        with _progress() as prog:
            task = prog.add_task("ingesting", total=len(articles))
            report = ingest_articles(st, articles, progress=lambda n: prog.advance(task, n))
    except StoreError as exc:
        _report(problems)
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        st.close()
    problems = problems + report.problems
    _report(problems)
    out.print(report.summary(), highlight=False)
    if problems:
        raise typer.Exit(1)


@app.command()
def stories(db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP)) -> None:
    """List stored stories: id, title, outlets, article count and last update."""
    from rich.table import Table

    from .store import StoreError

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


@app.command()
def show(
    story: str = typer.Argument(..., help="A story id (see `newsfuse stories`)."),
    fmt: str = typer.Option("md", "--format", help="md | html | json"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Print a stored story's brief as Markdown, HTML or brief-v1 JSON."""
    from .store import StoreError

    if fmt not in ("md", "html", "json"):
        err.print(f"error: unknown format {fmt!r} (md, html or json)", markup=False, highlight=False)
        raise typer.Exit(2)
    st = _open_store(db)
    try:
        doc = st.brief(story)
        if doc is None:
            from .store.update import moved_to

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


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Serve the web UI (stories, briefs, articles) over the store."""
    import uvicorn

    from .web import create_app

    st = _open_store(db)
    from .store import shown_url

    err.print(f"serving {shown_url(st.url)} on http://{host}:{port}/", markup=False, highlight=False)
    uvicorn.run(create_app(st), host=host, port=port, log_level="warning")


@app.command("cluster")
def cluster_cmd(
    path: Path = typer.Argument(..., help="JSONL: one record a line with id and text (optional title, date_publish)."),
    as_json: bool = typer.Option(False, "--json", help="Print {article_id: story_id} as JSON."),
) -> None:
    """Batch story clustering of a JSONL file (near-duplicates marked first; no store)."""
    from . import cluster as cluster_stage
    from . import dedupe
    from .model import Article

    _setup_logging()
    articles, problems = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            articles.append(Article(
                id=str(rec["id"]), source=str(path), text=str(rec["text"]), raw=str(rec["text"]),
                title=str(rec.get("title") or ""), published=rec.get("date_publish") or rec.get("published"),
            ))
        except (ValueError, KeyError, TypeError) as exc:
            problems.append(f"{path}:{n}: bad record ({type(exc).__name__}: {exc})")
    dedupe.mark_duplicates(articles)
    stories = cluster_stage.cluster(articles)
    mapping = {a.id: a.story for a in articles}
    if as_json:
        sys.stdout.write(json.dumps(mapping, ensure_ascii=False) + "\n")
    else:
        for st in stories:
            out.print(f"[bold]{st.id}[/] ({len(st.articles)}) {st.title}", highlight=False)
            for aid in st.articles:
                out.print(f"  {aid}", highlight=False)
    for p in problems:
        err.print(f"[red]error:[/] {p}", markup=True, highlight=False, soft_wrap=True)
    if problems:
        raise typer.Exit(1)


@app.command()
def export(
    parquet: Path = typer.Option(..., "--parquet", help="Folder for articles/facts/quotes/conflicts .parquet files."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Export the store's articles, facts, quotes and conflicts as Parquet tables for analysts."""
    from sqlalchemy.engine import make_url

    from .scale import export_parquet
    from .store import StoreError, resolve_url

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


def main() -> None:
    """Entry point of the `newsfuse` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
