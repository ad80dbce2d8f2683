"""newsfuse: fuse many outlets' reports of one news event into one cross-checked brief."""

from __future__ import annotations

from .model import Article, Brief, Claim, Conflict, Entity, Fact, Quote, QuoteGroup, Story
from .pipeline import fuse, read

__version__ = "0.1.0"
__all__ = ["fuse", "read", "Article", "Brief", "Claim", "Conflict", "Entity", "Fact", "Quote", "QuoteGroup", "Story"]
