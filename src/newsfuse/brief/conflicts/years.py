"""Attribute years: "the dam, built in 1962" vs "the dam, built in 1958" (years are not claims)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ... import align as align_stage
from ...model import Analysis, Article, Conflict, ConflictClaim, Sentence


_ATTR_VERBS = ("built|constructed|completed|founded|established|opened|erected|commissioned|inaugurated|"
               "launched|created|formed|born|designed|installed|incorporated")
_ATTR_YEAR = re.compile(
    r"\b([A-Za-z][\w-]*)(?:,|\s+(?:was|were|is|had been|has been|first))?\s+(" + _ATTR_VERBS + r")\s+in\s+"
    r"((?:1[5-9]|20)\d\d)\b(?!\s*(?:-|–|to)\s*\d)"
)
# what every match of _ATTR_YEAR holds (a space, "in", a year): one quick search rules out nearly every sentence,
# where the full pattern tries each of its words
_IN_YEAR = re.compile(r"\sin\s+(?:1[5-9]|20)\d\d")
YEAR_SIM = 0.3


def attribute_years(
    articles: Sequence[Article], analyses: dict[str, Analysis], alignment: align_stage.Alignment, sources: dict[str, str]
) -> list[Conflict]:
    """Contradictions between years given for one fixed attribute of one thing ("dam ... built in YEAR").

    Matched on (noun, participle) and similar sentences; an outlet giving two years for it is ambiguous and skipped."""
    found: dict[tuple[str, str], dict[str, tuple[str, Sentence]]] = defaultdict(dict)
    ambiguous: set[tuple[str, str, str]] = set()
    for a in articles:
        an = analyses.get(a.id)
        if not an or a.duplicate_of:
            continue
        src = sources.get(a.id, a.id)
        for s in an.sentences:
            if not _IN_YEAR.search(s.text):
                continue
            for m in _ATTR_YEAR.finditer(s.text):
                noun = m.group(1).lower()
                if noun in _stop() or noun.isdigit():
                    continue
                key = (noun, m.group(2).lower())
                prev = found[key].get(src)
                if prev and prev[0] != m.group(3):
                    ambiguous.add((*key, src))
                found[key].setdefault(src, (m.group(3), s))
    pubs = {a.id: a.published for a in articles}
    out = []
    for key, by_src in found.items():
        items = [(src, y, s) for src, (y, s) in by_src.items() if (*key, src) not in ambiguous]
        if len({y for _, y, _ in items}) < 2:
            continue
        years: dict[str, list[tuple[str, Sentence]]] = defaultdict(list)
        for src, y, s in items:
            years[y].append((src, s))
        ys = sorted(years)
        # every pair of differing years must come from sentences about the same thing
        ok = all(
            any(alignment.similarity((s1.article, s1.index), (s2.article, s2.index)) >= YEAR_SIM
                for _, s1 in years[y1] for _, s2 in years[y2])
            for i, y1 in enumerate(ys) for y2 in ys[i + 1:]
        )
        if not ok:
            continue
        rows = " vs ".join(f"{y} ({', '.join(src for src, _ in years[y])})" for y in ys)
        topic = f"year {key[0]} {key[1]}"
        out.append(Conflict(
            id="", topic=topic, kind="contradiction", severity="medium",
            explanation=f"Outlets disagree on when the {key[0]} was {key[1]}: {rows}; the years cannot both be right.",
            claims=[ConflictClaim(s.article, s.text, float(y), "year", pubs.get(s.article)) for y in ys for _, s in years[y]],
            outlets=sorted(by_src),
        ))
    return out


def _stop() -> frozenset[str]:
    return frozenset({"the", "a", "an", "it", "which", "that", "and", "was", "were", "he", "she", "they", "who", "first"})
