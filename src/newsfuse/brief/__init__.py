"""Brief: corroboration, single-source claims, conflicts, timeline and the cited summary.

PLACEHOLDER: to be replaced by the real implementation (issue 4).
"""

from __future__ import annotations

from ..model import Analysis, Article, Brief, Story


def build(story: Story, articles: list[Article], analyses: dict[str, Analysis], **options) -> Brief:
    """The brief of one story from its articles and their analyses."""
    return Brief(story=story, title=story.title or (articles[0].title if articles else ""), articles=articles)
