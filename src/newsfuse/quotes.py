"""Quotes: direct, partial and indirect quotes with their speakers.

PLACEHOLDER: to be replaced by the real implementation (issue 3).
"""

from __future__ import annotations

from .model import Article, Entity, Quote


def extract(article: Article, doc, entities: list[Entity]) -> list[Quote]:
    """Quotes in `article` (offsets into `article.raw`), speakers resolved to `entities`."""
    return []
