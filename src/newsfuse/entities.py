"""Entities: people, organisations and places, canonical within an article and across a story.

PLACEHOLDER: to be replaced by the real implementation (issue 3).
"""

from __future__ import annotations

from .model import Analysis, Article, Entity


def extract(article: Article, doc) -> list[Entity]:
    """Article-local entities from spaCy NER on `article.text`; mention offsets into `article.raw`."""
    return []


def link(analyses: list[Analysis]) -> list[Entity]:
    """Merge article-local entities into story-wide canonical entities (updates ids in analyses)."""
    return [e for a in analyses for e in a.entities]
