"""Dedupe: near-duplicate (wire copy) detection with MinHash-LSH.

PLACEHOLDER: to be replaced by the real implementation (issue 5).
"""

from __future__ import annotations

from .model import Article


def mark_duplicates(articles: list[Article]) -> None:
    """Set `duplicate_of` (earliest copy) and `duplicate_similarity` on near-duplicate articles."""
    seen: dict[str, str] = {}
    for a in articles:
        if a.content_hash in seen:
            a.duplicate_of, a.duplicate_similarity = seen[a.content_hash], 1.0
        else:
            seen[a.content_hash] = a.id
