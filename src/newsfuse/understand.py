"""Understand: the per-article analysis, one cleaned article at a time (spaCy batched).

Reads cleaned `Article`s; adds one `Analysis` each (sentences, entities, quotes, claims, dates). Both the
single-process pipeline and the Dask workers of `scale` call `analyze`, so it imports neither of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from . import claims, dates, entities, nlp, quotes
from .model import Analysis, Article

log = logging.getLogger("newsfuse")

Progress = Callable[[int], None]


def analyze(articles: list[Article], progress: Progress | None = None) -> dict[str, Analysis]:
    """Per-article understanding: sentences, entities, quotes, claims and dates (spaCy batched)."""
    out: dict[str, Analysis] = {}
    texts = []
    for a in articles:
        if len(a.text) > nlp.MAX_CHARS:
            log.warning("%s: article text is %d characters; only the first %d are analysed", a.id, len(a.text), nlp.MAX_CHARS)
        texts.append(a.text)
    nlp_ = nlp.load()
    nlp_.max_length = max(nlp_.max_length, nlp.MAX_CHARS + 1)
    docs = nlp_.pipe((t[: nlp.MAX_CHARS] for t in texts), batch_size=nlp.BATCH_SIZE)
    for a, doc in zip(articles, docs):
        an = Analysis(article=a.id)
        try:
            an.sentences = nlp.sentences(a.id, doc, a.raw_offset)
            an.entities = entities.extract(a, doc)
            an.quotes = quotes.extract(a, doc, an.entities)
            an.claims = claims.extract(a, doc)
            an.dates = dates.resolve(a, doc)
            if not an.sentences:
                an.warnings.append("no sentences found")
        except Exception as exc:  # one bad article must not sink the batch
            log.warning("%s: analysis failed (%s: %s)", a.id, type(exc).__name__, exc)
            an.warnings.append(f"analysis failed: {type(exc).__name__}: {exc}")
        out[a.id] = an
        if progress:
            progress(1)
    return out
