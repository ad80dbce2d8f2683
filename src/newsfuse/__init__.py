"""newsfuse: fuse many outlets' reports of one news event into one cross-checked brief."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import Article, Brief, Claim, Conflict, Entity, Fact, Quote, QuoteGroup, Story

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import fuse, read

__version__ = "0.1.0"
__all__ = ["fuse", "read", "Article", "Brief", "Claim", "Conflict", "Entity", "Fact", "Quote", "QuoteGroup", "Story"]


def __getattr__(name: str) -> Any:
    """`fuse` and `read` import the pipeline (spaCy, every stage) on first use, so commands that only read a store
    or serve the web reader start without it."""
    if name in ("fuse", "read"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'newsfuse' has no attribute {name!r}")
