"""Claims: sentences with numbers, normalised with units and qualifiers.

PLACEHOLDER: to be replaced by the real implementation (issue 3).
"""

from __future__ import annotations

from .model import Article, Claim


def extract(article: Article, doc) -> list[Claim]:
    """Numeric claims of `article` (offsets into `article.raw`)."""
    return []
