"""Commands that print one stage's output for the given articles: clean, quotes, entities, claims, cluster.

Reads files, directories, URLs or stdin (a JSONL file for `cluster`); adds each stage's result as text or
JSON on stdout, nothing stored.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from ..model import to_dict
from .console import emit_json_lines, err, finish, out, progress, read, setup_logging


def clean(
    paths: list[str] = typer.Argument(..., help="Files, directories, URLs or - for stdin."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per article per line."),
) -> None:
    """Print each article's cleaned text (page furniture removed)."""
    articles, problems = read(paths)
    if as_json:
        emit_json_lines(
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
    finish(problems)


def _analyse(paths: list[str]) -> tuple[list, dict, list]:
    """Read (ingest + clean) and analyse: (articles, analyses, problems)."""
    from .. import pipeline

    articles, problems = read(paths)
    with progress() as prog:
        task = prog.add_task("analysing", total=len(articles))
        analyses = pipeline.analyze(articles, lambda n: prog.advance(task, n))
    return articles, analyses, problems


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
    finish(problems)


def entities(paths: list[str] = typer.Argument(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Canonical entities across the given articles, with aliases and mentions."""
    from .. import entities as ent_stage

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
    finish(problems)


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
    finish(problems)


def cluster_cmd(
    paths: list[str] = typer.Argument(..., help="Files, directories, URLs or - for stdin (records, pages, feeds, …)."),
    as_json: bool = typer.Option(False, "--json", help="Print {article_id: story_id} as JSON."),
) -> None:
    """Batch story clustering (read and cleaned like every command, near-duplicates marked first; no store)."""
    from .. import cluster as cluster_stage
    from .. import dedupe, pipeline

    articles, problems = read(paths)
    articles = pipeline.with_text(articles, problems)
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
    finish(problems)
