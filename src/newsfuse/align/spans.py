"""Offset lookups: the sentence, or the canonical entities, at a raw-text span."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..model import Entity, Sentence


def sentence_of(sentences: Sequence[Sentence], start: int, end: int | None = None) -> Sentence | None:
    """The sentence containing raw offset `start` (sentences sorted by start); None when outside all."""
    import bisect

    if not sentences or start < 0:
        return None
    starts = [s.start for s in sentences]
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and sentences[i].start <= start < max(sentences[i].end, sentences[i].start + 1):
        return sentences[i]
    return None


def entity_index(entities: Sequence[Entity]) -> dict[str, list[tuple[int, int, str]]]:
    """article id -> sorted (start, end, entity id) mentions, for finding the entities in a span."""
    return _by_article(entities, lambda e, m: e.id)


def mention_texts(entities: Sequence[Entity]) -> dict[str, list[tuple[int, int, str]]]:
    """article id -> sorted (start, end, text) of every entity mention: the names an article writes, where."""
    return _by_article(entities, lambda e, m: m.text)


def _by_article(entities: Sequence[Entity], label) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in entities:
        for m in e.mentions:
            out[m.article].append((m.start, m.end, label(e, m)))
    for v in out.values():
        v.sort()
    return out


def entities_in(mentions: list[tuple[int, int, str]], start: int, end: int) -> frozenset[str]:
    import bisect

    if not mentions:
        return frozenset()
    i = bisect.bisect_left(mentions, (start, -1, ""))
    out = set()
    while i < len(mentions) and mentions[i][0] < end:
        out.add(mentions[i][2])
        i += 1
    return frozenset(out)
