"""Pairing: which figures from different sources measure the same thing (or look alike but don't)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ... import align as align_stage
from ...model import Article
from .figures import Figure


# measures too generic to tell two lengths/amounts apart ("range" vs "distance")
_GENERIC = {"range", "distance", "length", "amount", "number", "total", "figure", "level", "area", "mass", "volume",
            "speed", "time", "duration", "share", "percent"}


@dataclass
class _Ctx:
    articles: dict[str, Article]
    sources: dict[str, str]
    alignment: align_stage.Alignment | None
    figs: list[Figure] = field(default_factory=list)


def _related(a: Figure, b: Figure, ctx: _Ctx) -> str | None:
    """How two figures relate: 'same' (same thing measured), 'other' (different things that look alike), or None."""
    if a.dim != b.dim or a.article == b.article:
        return None
    if a.source == b.source and (a.published or "") == (b.published or ""):
        return None
    sim = lex = 0.0
    fact = False
    if ctx.alignment and a.sentence and b.sentence:
        ka, kb = (a.article, a.sentence.index), (b.article, b.sentence.index)
        sim, lex = ctx.alignment.similarity(ka, kb), ctx.alignment.lexical(ka, kb)
        fact = ka in ctx.alignment.fact_of and ctx.alignment.fact_of.get(ka) == ctx.alignment.fact_of.get(kb)
    subj_a, subj_b = a.claim.subject.lower(), b.claim.subject.lower()
    if subj_a and subj_b and subj_a != subj_b and not fact:
        return None
    close = fact or (sim >= 0.75 and lex >= 0.2)
    if a.dim == "count":
        # a count is compared only with a count of the same thing: head noun plus predicate
        if a.what != b.what:
            if a.what.startswith("people:") and b.what.startswith("people:") and "people:?" not in (a.what, b.what):
                return None  # killed vs missing: different measures, nothing worth saying
            return "other" if (sim >= 0.8 and subj_a and subj_a == subj_b) else None
        if a.what == "people:?":
            return "same" if close else None  # "180,000 people" vs "4,000 people": unknown, only when aligned
        return "same" if (sim >= 0.35 or fact or lex >= 0.1) else None
    generic = {a.measure, b.measure} & _GENERIC or not (a.measure and b.measure)
    if not generic:
        ta, tb = set(a.measure.split()), set(b.measure.split())
        if ta & tb and (len(ta & tb) / len(ta | tb) >= 0.5 or a.measure.split()[-1] == b.measure.split()[-1]):
            return "same" if (sim >= 0.35 or fact or lex >= 0.1) else None
        if a.dim == "ordinal" and sim >= 0.45:
            return "other"  # "third visit" vs "sixth meeting": looks alike, counts different things
        return None
    if close:
        return "same"
    if a.numbers[0].unit == b.numbers[0].unit and a.numbers[0].value == b.numbers[0].value and sim >= 0.4 and lex >= 0.1:
        return "same"  # one number restated, e.g. with different conversions: at worst a rounding note
    return None


def _candidate_pairs(figs: Sequence[Figure], cap: int = 40) -> list[tuple[int, int]]:
    """Pairs of figures worth comparing: same dimension and (same measure head word or same fact sentence neighbourhood).

    Buckets by (dimension, measure head) and caps each bucket, so cost stays linear in figures."""
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(figs):
        head = f.what if f.dim == "count" else (f.measure.split()[-1] if f.measure else "")
        buckets[(f.dim, head)].append(i)
        if head:
            buckets[(f.dim, "")].append(i)  # measure-less figures may still match by sentence
    pairs = set()
    for key, idx in buckets.items():
        if key[1] == "" and key[0] not in ("ordinal", "count"):
            # measure-less: only figures of one (dimension) compare, capped
            pass
        idx = idx[:cap]
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                pairs.add((idx[x], idx[y]))
    return sorted(pairs)
