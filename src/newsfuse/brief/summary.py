"""Summary: a fused, cited, extractive summary of one story.

PLACEHOLDER: to be replaced by the real implementation (issue 6).
"""

from __future__ import annotations

from ..model import Analysis, Article, Fact, SummarySentence


def summarize(
    articles: list[Article],
    analyses: dict[str, Analysis],
    *,
    facts: list[Fact] | None = None,
    max_sentences: int = 10,
    max_words: int | None = None,
) -> list[SummarySentence]:
    """5-10 article sentences (lightly trimmed, never invented), each citing every supporting article."""
    out = []
    for a in articles:
        an = analyses.get(a.id)
        if an and an.sentences:
            out.append(SummarySentence(text=an.sentences[0].text, articles=[a.id], outlets=[a.outlet]))
    return out[:max_sentences]
