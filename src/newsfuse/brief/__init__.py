"""Brief: the fused, cross-checked account of one story.

Align sentences into facts and quotes into groups (`newsfuse.align`), then: corroboration and
single-source statements, conflicts, timeline, the cited summary (`brief.summary`), the story's
canonical entities and coverage, and whom a line's he/she means (`brief.referents`). Each step lives in its own module and sees only model types.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import threading
from collections.abc import Iterator, Sequence

import numpy as np

from .. import align as align_stage
from .. import entities as entities_stage
from ..model import Analysis, Article, Brief, Entity, Fact, Story
from . import conflicts as conflicts_step
from . import corroboration, coverage, datelines, referents, summary, timeline

log = logging.getLogger("newsfuse")


def build(story: Story, articles: list[Article], analyses: dict[str, Analysis], **options) -> Brief:
    """The brief of one story from its articles and their analyses (BLAS kept to one thread: its
    small matrix products only lose time to thread hand-offs on a shared CPU; the cyclic GC paused)."""
    with cyclic_gc_paused(), _one_blas_thread():
        return _build(story, articles, analyses, **options)


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Every loaded BLAS limited to one thread while a brief is built (none to limit without threadpoolctl)."""
    controller = _blas_libraries()
    return controller.limit(limits=1, user_api="blas") if controller is not None else contextlib.nullcontext()


@functools.lru_cache(maxsize=1)
def _blas_libraries():
    """threadpoolctl's view of the BLAS libraries loaded by the first brief (numpy's, scipy's, spaCy's), made once:
    finding them walks every loaded shared library, ~2 % of the fuse CPU when redone per brief."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover
        return None
    return ThreadpoolController()


_pause = threading.Lock()
_paused = [0, False]  # builds under way, whether the collector was on when the first began


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a brief is built: its many short-lived containers made it re-scan
    everything alive (~15 % of the fuse CPU on news_cluster) for next to no cycles (< 30 objects per brief)."""
    with _pause:
        if not _paused[0]:
            _paused[1] = gc.isenabled()
            gc.disable()
        _paused[0] += 1
    try:
        yield
    finally:
        with _pause:
            _paused[0] -= 1
            if not _paused[0] and _paused[1]:
                gc.enable()


def _build(story: Story, articles: list[Article], analyses: dict[str, Analysis], **options) -> Brief:
    """The brief of one story from its articles and their analyses.

    Options: `entities` (story-wide canonical entities; linked here when absent), `summary_words`,
    `summary_sentences`, `leanings` (passed to coverage), `memo` (an `align.Embeddings`).
    """
    memo = options.get("memo") or align_stage.EMBEDDINGS
    ents: list[Entity] | None = options.get("entities")
    if ents is None:
        ents = _link(analyses)
    sources = align_stage.source_keys(articles)
    quotes = align_stage.group_quotes(articles, analyses, ents, memo=memo, sources=sources)
    alignment = align_stage.align(articles, analyses, ents, memo=memo, quote_groups=quotes)
    facts = alignment.facts
    brief = Brief(story=story, articles=articles, facts=facts, entities=_story_entities(ents, articles))
    brief.quotes = quotes
    brief.single_source = corroboration.single_source(articles, analyses, alignment, ents)
    brief.conflicts = conflicts_step.find(articles, analyses, alignment, sources)
    brief.timeline = timeline.build(articles, analyses, alignment, sources)
    try:
        brief.summary = summary.summarize(
            articles, analyses, facts=facts,
            max_sentences=int(options.get("summary_sentences") or 10),
            max_words=options.get("summary_words"),
        )
    except Exception as exc:  # the summary must not sink the brief
        log.warning("%s: summary failed (%s: %s)", story.id, type(exc).__name__, exc)
    # a bundle's own title, else the most central headline: the story's provisional label (its earliest
    # article's headline, from clustering) may be an old report's
    brief.title = _bundle_title(articles) or title(articles, facts, memo) or story.title
    brief.coverage = _coverage(brief, articles, analyses, options)
    _drop_datelines(brief)
    try:
        referents.gloss(brief, analyses)
    except Exception as exc:  # a gloss is a reading aid: its failure must not sink the brief
        log.warning("%s: pronoun glosses failed (%s: %s)", story.id, type(exc).__name__, exc)
    return brief


def _drop_datelines(brief: Brief) -> None:
    """Wire datelines ("SAN JOSE, Dec 31 (Reuters) - ") cut from every line that opens an article: page furniture,
    not what anyone reported (a variant's offsets move with its text)."""
    for item in [*brief.facts, *brief.quotes, *brief.single_source, *brief.timeline,
                 *(x for c in brief.conflicts for x in c.claims)]:
        cut = datelines.dateline_length(item.text)
        if cut:
            item.text = item.text[cut:]
            if getattr(item, "start", -1) >= 0:
                item.start += cut
        for v in getattr(item, "variants", ()):
            cut = datelines.dateline_length(v.text)
            if cut:
                v.text = v.text[cut:]
                if v.start >= 0:
                    v.start += cut


def _bundle_title(articles: Sequence[Article]) -> str:
    """The title a story bundle gives its articles, when they all come from one bundle that has one."""
    titles = {(a.meta.get("bundle") or {}).get("title") or "" for a in articles}
    return titles.pop() if len(titles) == 1 else ""


def _link(analyses: dict[str, Analysis]) -> list[Entity]:
    """Story-wide canonical entities (the entities stage's `link`)."""
    try:
        return entities_stage.link(list(analyses.values()))
    except Exception as exc:  # entity linking failing must not sink the brief
        log.warning("entity linking failed (%s: %s)", type(exc).__name__, exc)
        return []


def _story_entities(ents: Sequence[Entity], articles: Sequence[Article]) -> list[Entity]:
    """The story's entities, most widely reported first."""
    ids = {a.id for a in articles}
    keep = [e for e in ents if any(m.article in ids for m in e.mentions) or not e.mentions]
    return sorted(keep, key=lambda e: (-len(e.articles), -len(e.mentions), e.name))


def title(articles: Sequence[Article], facts: Sequence[Fact], memo: align_stage.Embeddings | None = None) -> str:
    """The story's title: the most central headline among the articles' titles, else the best fact."""
    titles = list(dict.fromkeys(a.title.strip() for a in articles if a.title and a.title.strip()))
    if len(titles) == 1:
        return titles[0]
    if titles:
        memo = memo or align_stage.EMBEDDINGS
        E = memo(titles)
        centre = E.mean(0)
        return titles[int(np.argmax(E @ centre))]
    if facts:
        return facts[0].text
    return articles[0].text.strip().split("\n")[0][:120] if articles else ""


def _coverage(brief: Brief, articles: Sequence[Article], analyses: dict[str, Analysis], options: dict) -> dict:
    """Coverage by outlet and leaning (the coverage step; it also fills outlets/stances on items)."""
    try:
        return coverage.coverage(
            list(articles), brief.facts, brief.quotes, brief.conflicts, leanings=options.get("leanings")
        )
    except Exception as exc:  # coverage must not sink the brief
        log.warning("%s: coverage failed (%s: %s)", brief.story.id, type(exc).__name__, exc)
        outlets: dict[str, list[str]] = {}
        for a in articles:
            outlets.setdefault(a.outlet or a.id, []).append(a.id)
        return {"outlets": [{"outlet": k, "articles": v} for k, v in outlets.items()]}
