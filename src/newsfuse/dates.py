"""Dates: explicit and relative expressions resolved against the publication date.

PLACEHOLDER: to be replaced by the real implementation (issue 3).
"""

from __future__ import annotations

from .model import Analysis, Article, DateRef


def resolve(article: Article, doc) -> list[DateRef]:
    """Date expressions in `article` resolved to calendar dates (anchor: `article.published`)."""
    return []


def infer_published(articles: list[Article], analyses: dict[str, Analysis]) -> None:
    """Give undated articles a publication date inferred from their text and their story."""
    return None
