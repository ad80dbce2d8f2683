"""Understand: the per-article stages, one cleaned article at a time (spaCy batched).

Reads cleaned `Article`s; `analyze` adds one `Analysis` each (sentences, entities, quotes, claims, dates, physical acts, pronoun references),
`vectorise` the sentence vectors every later stage asks for. Both the single-process pipeline, the store's
ingest and the Dask workers of `scale` call them, so this module imports none of those.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from . import claims, dates, entities, nlp, quotes
from .clean.furniture import headline_caption
from .cluster import features as cluster_features
from .model import Analysis, Article

log = logging.getLogger("newsfuse")

Progress = Callable[[int], None]


def analyze(articles: list[Article], progress: Progress | None = None) -> dict[str, Analysis]:
    """Per-article understanding: sentences, entities, quotes, claims, dates and physical acts (spaCy batched)."""
    out: dict[str, Analysis] = {}
    texts = []
    for a in articles:
        if len(a.text) > nlp.MAX_CHARS:
            log.warning("%s: article text is %d characters; only the first %d are analysed", a.id, len(a.text), nlp.MAX_CHARS)
        texts.append(a.text)
    for a, doc in zip(articles, nlp.pipe(texts)):
        an = Analysis(article=a.id)
        try:
            an.sentences = nlp.sentences(a.id, doc, a.offset_maps()[0], furniture=headline_caption)  # (O(log blocks) a call)
            an.entities = entities.extract(a, doc)
            an.quotes, an.references = quotes.read(a, doc, an.entities)
            an.claims = claims.extract(a, doc)
            an.dates = dates.resolve(a, doc)
            an.acts = claims.acts.extract(a, doc, an.sentences)
            if not an.sentences:
                an.warnings.append("no sentences found")
        except Exception as exc:  # one bad article must not sink the batch
            log.warning("%s: analysis failed (%s: %s)", a.id, type(exc).__name__, exc)
            an.warnings.append(f"analysis failed: {type(exc).__name__}: {exc}")
        nlp.forget(doc)  # its token lists hold it: freed now, not at the collector's next full pass
        out[a.id] = an
        if progress:
            progress(1)
    return out


def vectorise(articles: list[Article], analyses: dict[str, Analysis]) -> int:
    """Per-article MiniLM vector: one per article, of the text clustering compares (headline and the start of
    the body), through `nlp.embed`'s memo (and the store behind it), so clustering only looks it up. Sentence
    vectors (align, quotes, summary) are static (`nlp.static_embed`): computed when a brief asks, a lookup
    cheaper than reading them back. Returns how many texts were asked for."""
    texts = [cluster_features.article_text(a, 1000) for a in articles if a.id in analyses]
    nlp.embed(texts)
    return len(texts)
