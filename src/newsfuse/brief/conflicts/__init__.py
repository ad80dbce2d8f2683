"""Conflicts: figures and dates about the same thing that disagree, classified and explained.

Claims from different sources are paired when they measure the same thing (same `measures`, or very
similar sentences) in compatible units; each group is then classified: `rounding` (every stated
number fits one true value within its rounding), `update` (figures change with publication time),
`soft` (vague quantities or different horizons), `different-measure` (counts of different things),
else `contradiction`. Precision first: ambiguous pairings are dropped, never reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ... import align as align_stage
from ...model import Analysis, Article, Conflict
from .classify import _different_measure, classify
from .figures import figures, rounding_step, stated  # noqa: F401  (rounding_step, stated: public helpers)
from .horizons import horizons
from .pairing import _candidate_pairs, _Ctx, _related
from .years import attribute_years


def find(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    alignment: align_stage.Alignment | None = None,
    sources: dict[str, str] | None = None,
) -> list[Conflict]:
    """Every conflict in the story, most severe first."""
    sources = sources or align_stage.source_keys(articles)
    ctx = _Ctx({a.id: a for a in articles}, sources, alignment)
    for a in articles:
        if a.duplicate_of:  # a wire copy adds no figure of its own
            continue
        an = analyses.get(a.id)
        if an:
            sents = sorted(an.sentences, key=lambda s: s.start)
            ctx.figs += figures(a, an.claims, sents, sources.get(a.id, a.id))
    pairs = _candidate_pairs(ctx.figs)
    same: dict[int, int] = {i: i for i in range(len(ctx.figs))}

    def find_root(x: int) -> int:
        while same[x] != x:
            same[x] = same[same[x]]
            x = same[x]
        return x

    others = []
    for i, j in pairs:
        rel = _related(ctx.figs[i], ctx.figs[j], ctx)
        if rel == "same":
            ri, rj = find_root(i), find_root(j)
            if ri != rj:
                same[max(ri, rj)] = min(ri, rj)
        elif rel == "other":
            others.append((i, j))
    groups: dict[int, list[Figure]] = defaultdict(list)
    for i in range(len(ctx.figs)):
        groups[find_root(i)].append(ctx.figs[i])
    out: list[Conflict] = []
    for figs in groups.values():
        if len({f.source for f in figs}) < 2 and len({f.published for f in figs}) < 2:
            continue
        c = classify(figs, ctx)
        if c:
            out.append(c)
    seen = set()
    for i, j in others:
        a, b = ctx.figs[i], ctx.figs[j]
        if find_root(i) == find_root(j) or a.primary.value == b.primary.value:
            continue
        key = frozenset(((a.source, a.primary.value), (b.source, b.primary.value)))
        if key in seen:
            continue
        seen.add(key)
        out.append(_different_measure(a, b, ctx))
    if alignment is not None:
        out += horizons(articles, analyses, alignment, sources)
        out += attribute_years(articles, analyses, alignment, sources)
    rank = {"high": 0, "medium": 1, "low": 2, "none": 3}
    out.sort(key=lambda c: (rank.get(c.severity, 4), c.kind))
    for n, c in enumerate(out, 1):
        c.id = f"c{n}"
    return out
