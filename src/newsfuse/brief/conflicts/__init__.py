"""Conflicts: figures and dates about the same thing that disagree, classified and explained.

Claims from different sources are paired when they measure the same thing (what is counted, with its
predicate, group and region, or the measured noun; similar sentences) in compatible units. Each group is
classified: `correction` (an outlet withdrew a figure), `rounding` (the numbers fit one value once rounding
and "more than" are read), `precision` (a vague word or rough time fits an exact figure), `update` (figures
move with publication time, or the copy gives one as a past state), `different-measure` (a group's count vs a
total), else `contradiction`. Near-copies take part: a copy that changes a figure still disagrees.
Precision first: ambiguous pairings are dropped, never reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ... import align as align_stage
from ...model import Analysis, Article, Conflict
from . import acts
from .classify import different_measure, classify, merge, revised
from .figures import figures, rounding_step, stated  # noqa: F401  (rounding_step, stated: public helpers)
from .horizons import horizons, slips
from .pairing import candidate_pairs, Ctx, related
from .years import attribute_years


def _split_sentence(a: set, b: set) -> bool:
    """Would joining these groups put two different figures of one sentence together ("$82 ... $60 in cash")?"""
    seen = {(x, s): v for x, s, v in a}
    return any((x, s) in seen and seen[(x, s)] != v for x, s, v in b)


def _apart(a: set, b: set, alignment: align_stage.Alignment | None, sent_of: dict[tuple[str, int], int]) -> bool:
    """Would joining these groups put figures of occasions a week or more apart together (one launch's range
    with another's)? Pairs are checked one by one; a group grows through them, so its ends may be far apart."""
    if alignment is None:
        return False
    keys_a = {(x, sent_of[(x, s)]) for x, s, _ in a if (x, s) in sent_of}
    keys_b = {(x, sent_of[(x, s)]) for x, s, _ in b if (x, s) in sent_of}
    return any(alignment.apart(p, q) for p in keys_a for q in keys_b)


def find(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    alignment: align_stage.Alignment | None = None,
    sources: dict[str, str] | None = None,
) -> list[Conflict]:
    """Every conflict in the story, most severe first."""
    sources = sources or align_stage.source_keys(articles)
    ctx = Ctx({a.id: a for a in articles}, sources, alignment)
    for a in articles:  # near-copies too: a copy that changes a figure still disagrees (`related` pairs them)
        an = analyses.get(a.id)
        if an:
            sents = sorted(an.sentences, key=lambda s: s.start)
            ctx.figs += figures(a, an.claims, sents, sources.get(a.id, a.id))
    pairs = candidate_pairs(ctx.figs)
    sent_of = {(f.article, f.claim.start): f.sentence.index for f in ctx.figs if f.sentence}
    same: dict[int, int] = {i: i for i in range(len(ctx.figs))}

    def find_root(x: int) -> int:
        while same[x] != x:
            same[x] = same[same[x]]
            x = same[x]
        return x

    # (article, sentence start, value) per group: one sentence's two different figures never join one group
    members = {i: {(f.article, f.claim.start, f.primary.value)} for i, f in enumerate(ctx.figs)}
    others, earlier = [], []
    for i, j in pairs:
        rel = related(ctx.figs[i], ctx.figs[j], ctx)
        if rel == "none":
            continue
        if rel == "earlier":
            earlier.append((i, j))
        elif rel == "same":
            ri, rj = find_root(i), find_root(j)
            if ri != rj and not _split_sentence(members[ri], members[rj]) and not _apart(members[ri], members[rj], alignment, sent_of):
                lo_, hi_ = min(ri, rj), max(ri, rj)
                same[hi_] = lo_
                members[lo_] |= members.pop(hi_)
        elif rel == "other":
            others.append((i, j))
    groups: dict[int, list] = defaultdict(list)
    for i in range(len(ctx.figs)):
        groups[find_root(i)].append(ctx.figs[i])
    out: list[Conflict] = []
    for figs in groups.values():
        if len({f.article for f in figs}) < 2 and not any(f.corrected for f in figs):
            continue
        c = classify(figs, ctx)
        if c:
            out.append(c)
    done = set()
    # (past group, now group, article) where the article itself relates its past figure to its current one
    own = {(find_root(i), find_root(j), ctx.figs[i].article) for p in earlier for i, j in (p, p[::-1])
           if ctx.figs[i].article == ctx.figs[j].article}
    for i, j in earlier:  # a past figure and the current one: the story moved on
        ri, rj = find_root(i), find_root(j)
        past, now = (ri, rj) if ctx.figs[i].earlier else (rj, ri)
        if (past, now) in done:
            continue
        done.add((past, now))
        # a past figure whose own article gives today's figure apart from it, never as its earlier state, tells of
        # something else ("a breach that affected 78.8 million people" in June beside this one's 145.5 million)
        now_arts = {f.article for f in groups[now]}
        before = [f for f in groups[past] if f.article not in now_arts or (past, now, f.article) in own]
        c = revised(before, groups[now], ctx)
        if c:
            out.append(c)
    seen = set()

    def likeness(p: tuple[int, int]) -> float:
        a, b = ctx.figs[p[0]], ctx.figs[p[1]]
        if alignment is None or not (a.sentence and b.sentence):
            return 0.0
        return alignment.similarity((a.article, a.sentence.index), (b.article, b.sentence.index))

    for i, j in sorted(others, key=lambda p: -likeness(p)):  # the closest-worded pair speaks for its kind
        a, b = ctx.figs[i], ctx.figs[j]
        if find_root(i) == find_root(j) or a.primary.value == b.primary.value:
            continue
        # one note per pair of figures, however each sentence words what it counts ("12 killed, including 10 US
        # citizens" and "10 of the 12 victims" say one thing); ordinals ("third visit" vs "sixth meeting") once per story
        key = "ordinal" if a.dim == "ordinal" else frozenset(((a.dim, a.primary.value), (b.dim, b.primary.value)))
        if key in seen:
            continue
        seen.add(key)
        out.append(different_measure(a, b, ctx))
    if alignment is not None:
        out += horizons(articles, analyses, alignment, sources)
        out += slips(articles, analyses, alignment, sources)
        out += attribute_years(articles, analyses, alignment, sources)
        out += acts.find(alignment, sources, analyses)
    out = merge(out)
    rank = {"high": 0, "medium": 1, "low": 2, "none": 3}
    out.sort(key=lambda c: (rank.get(c.severity, 4), c.kind))
    for n, c in enumerate(out, 1):
        c.id = f"c{n}"
    return out
