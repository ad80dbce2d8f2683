"""Cluster: group articles into stories (online and batch).

PLACEHOLDER: to be replaced by the real implementation (issue 5).
"""

from __future__ import annotations

from .model import Article, Story


def cluster(articles: list[Article]) -> list[Story]:
    """Batch: every article into a story; articles with a preset `story` (bundles) keep it."""
    stories: dict[str, Story] = {}
    for a in articles:
        sid = a.story or "story-1"
        a.story = sid
        stories.setdefault(sid, Story(id=sid)).articles.append(a.id)
    return list(stories.values())
