"""Clean: drop page furniture from an article's raw text, recording every removal with a reason.

Reads `Article.raw`; sets `Article.text` (kept blocks joined by newlines), `kept_spans` (their
offsets in `raw`) and `removed` (each dropped block with its reason).
"""

from __future__ import annotations

import re

from .model import Article, Segment

_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("navigation", re.compile(r"^(categories|tags|filed under|home|menu)\s*:", re.I)),
    ("related-list", re.compile(r"^(recent posts|related( stories| articles)?|read more|more from)\s*$", re.I)),
    ("timestamp", re.compile(r"^\d+\s+(second|minute|hour|day)s?\s+ago$", re.I)),
    ("earlier-link", re.compile(r"^(earlier|read also|see also|related)\s*:", re.I)),
    ("legal-notice", re.compile(r"^(legal warning|all rights reserved|copyright|©)", re.I)),
    ("feed-disclaimer", re.compile(r"generated from an automated news agency feed", re.I)),
]


def _blocks(raw: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of raw."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", raw) if m.group().strip()]


def clean(article: Article) -> Article:
    """Fill `text`, `kept_spans` and `removed` from `raw` (the article is changed and returned)."""
    kept: list[tuple[int, int]] = []
    removed: list[Segment] = []
    for start, end in _blocks(article.raw):
        line = article.raw[start:end].strip()
        reason = next((name for name, rx in _RULES if rx.search(line)), None)
        if reason:
            removed.append(Segment(article.raw[start:end], reason, start, end))
        else:
            kept.append((start, end))
    article.kept_spans = kept
    article.removed = removed
    article.text = "\n".join(article.raw[s:e] for s, e in kept)
    return article
