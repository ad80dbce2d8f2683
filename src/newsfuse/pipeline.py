"""Pipeline: the only module that knows the order of the stages.

ingest -> clean -> nlp -> (entities, quotes, claims, dates) -> dedupe -> cluster -> brief.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from . import brief as brief_stage
from . import clean, cluster, dates, dedupe, ingest, scale
from .model import Article, Brief, Story
from .understand import analyze, vectorise

__all__ = ["analyze", "clean_all", "fuse", "fuse_articles", "fuse_many", "read", "vectorise", "with_text"]

log = logging.getLogger("newsfuse")

Progress = Callable[[int], None]


def clean_all(articles: Iterable[Article]) -> list[Article]:
    """Run the clean stage over every article not cleaned yet (one with neither kept nor removed text), then drop
    boilerplate those articles share with unrelated ones of the same batch."""
    articles = list(articles)
    fresh = [a for a in articles if not (a.kept_spans or a.removed)]
    for a in fresh:
        clean.clean(a)
    if fresh:
        clean.drop_shared_boilerplate(articles)
    return articles


def with_text(articles: list[Article], problems: list[ingest.Problem]) -> list[Article]:
    """The cleaned articles that kept some text; each of the others becomes a problem saying why."""
    for a in articles:
        if not a.text.strip():
            problems.append(ingest.Problem(a.source or a.id, f"{a.id}: {a.meta.get('not_article') or 'no article text left after cleaning'}"))
    return [a for a in articles if a.text.strip()]


def read(sources: Iterable[str], problems: list[ingest.Problem] | None = None, *, outlet: str = "") -> list[Article]:
    """Ingest and clean: the one path from input (files, pages, records, feeds, bundles, URLs, stdin) to
    clean text, shared by the CLI, the Python API and the benchmarks; bad inputs -> `problems`."""
    return clean_all(ingest.ingest(sources, problems, outlet=outlet))


def fuse_articles(
    articles: list[Article], *, published: str | None = None, progress: Progress | None = None, workers: int = 1,
    problems: list[ingest.Problem] | None = None, **options,
) -> list[Brief]:
    """Clean, understand, dedupe, cluster and brief already-ingested articles; one Brief per story.

    Every article ends in exactly one story, or in `problems` with why (nothing left after cleaning).
    `workers` > 1 runs the per-article stages on Dask (see `scale`); `$NEWSFUSE_CACHE` caches them.
    """
    problems = problems if problems is not None else []
    if published:
        for a in articles:
            if not a.published:
                a.published = published
    articles = with_text(clean_all(articles), problems)
    if scale.enabled(workers):
        analyses = scale.analyze_distributed(articles, workers, progress=progress, vectors=True)
    else:
        analyses = analyze(articles, progress)
    dates.infer_published(articles, analyses)  # also re-resolves relative dates against the inferred anchor
    dedupe.mark_duplicates(articles)
    # per-article sentence vectors (memoised; already there when workers computed them), so each story's
    # align/summary steps only look them up
    vectorise(articles, analyses)
    stories: list[Story] = cluster.cluster(articles)
    by_id = {a.id: a for a in articles}
    briefs = []
    for story in stories:
        arts = [by_id[i] for i in story.articles if i in by_id]
        briefs.append(brief_stage.build(story, arts, {i: analyses[i] for i in story.articles if i in analyses}, **options))
    placed = {i for b in briefs for i in b.story.articles}
    for a in articles:
        if a.id not in placed:  # the clusterer places every article; say so loudly if one ever slips out
            problems.append(ingest.Problem(a.source or a.id, f"{a.id}: placed in no story"))
    return briefs


def fuse_many(paths: Iterable[str], problems: list[ingest.Problem] | None = None, **options) -> list[Brief]:
    """Ingest `paths` and return one Brief per story found."""
    problems = problems if problems is not None else []
    return fuse_articles(read(paths, problems), problems=problems, **options)


def fuse(paths: Iterable[str] | str, **options) -> Brief:
    """Fuse the articles at `paths` into one Brief (the largest story when there are several)."""
    if isinstance(paths, str):
        paths = [paths]
    briefs = fuse_many(paths, **options)
    if not briefs:
        raise ValueError("no readable articles in the given paths")
    return max(briefs, key=lambda b: len(b.story.articles))
