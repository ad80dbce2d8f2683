"""Conflicts: figures and dates about the same thing that disagree, classified and explained.

Claims from different sources are paired when they measure the same thing (same `measures`, or very
similar sentences) in compatible units; each group is then classified: `rounding` (every stated
number fits one true value within its rounding), `update` (figures change with publication time),
`soft` (vague quantities or different horizons), `different-measure` (counts of different things),
else `contradiction`. Precision first: ambiguous pairings are dropped, never reported.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from .. import align as align_stage
from ..model import Analysis, Article, Claim, Conflict, ConflictClaim, DateRef, Quantity, Sentence

# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "meter": ("length", 1.0), "metre": ("length", 1.0), "m": ("length", 1.0),
    "kilometer": ("length", 1000.0), "kilometre": ("length", 1000.0), "km": ("length", 1000.0),
    "centimeter": ("length", 0.01), "millimeter": ("length", 0.001),
    "mile": ("length", 1609.344), "mi": ("length", 1609.344), "nautical_mile": ("length", 1852.0),
    "foot": ("length", 0.3048), "feet": ("length", 0.3048), "ft": ("length", 0.3048),
    "inch": ("length", 0.0254), "yard": ("length", 0.9144),
    "square_kilometer": ("area", 1e6), "square_meter": ("area", 1.0), "square_mile": ("area", 2589988.11),
    "hectare": ("area", 1e4), "acre": ("area", 4046.8564224),
    "kilogram": ("mass", 1.0), "gram": ("mass", 0.001), "tonne": ("mass", 1000.0), "metric_ton": ("mass", 1000.0),
    "pound": ("mass", 0.45359237), "lb": ("mass", 0.45359237), "ounce": ("mass", 0.028349523125),
    "liter": ("volume", 1.0), "litre": ("volume", 1.0), "gallon": ("volume", 3.785411784), "barrel": ("volume", 158.987294928),
    "kilometer_per_hour": ("speed", 1 / 3.6), "mile_per_hour": ("speed", 0.44704), "meter_per_second": ("speed", 1.0),
    "knot": ("speed", 0.514444),
    "second": ("time", 1.0), "minute": ("time", 60.0), "hour": ("time", 3600.0), "day": ("time", 86400.0),
    "week": ("time", 604800.0), "month": ("time", 2629746.0), "year": ("time", 31556952.0),
    "percent": ("percent", 1.0), "%": ("percent", 1.0), "share": ("share", 1.0),
    "degree_Celsius": ("celsius", 1.0), "ordinal": ("ordinal", 1.0), "": ("count", 1.0),
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
REL_TOL = 0.05  # a round figure may be up to 5% off the true value
UP = {"up to", "at most", "less than", "under", "fewer than", "below", "no more than", "nearly", "almost"}
DOWN = {"more than", "over", "at least", "above", "exceeding", "no fewer than"}
APPROX = {"around", "about", "approximately", "roughly", "some", "an estimated", "estimated", "nearly", "almost"}


def dimension(unit: str) -> tuple[str, float] | None:
    """(dimension, factor to base) of a unit; currencies are their own dimension; None when unknown."""
    if unit in UNITS:
        return UNITS[unit]
    parts = unit.split()
    if len(parts) == 2 and parts[0] in _SCALES:  # "billion USD"
        return (f"currency:{parts[1]}", _SCALES[parts[0]])
    if re.fullmatch(r"[A-Z]{3}", unit):  # ISO currency
        return (f"currency:{unit}", 1.0)
    return (f"unit:{unit}", 1.0)


def rounding_step(v: float) -> float:
    """The coarsest 1·10^k or 5·10^k that `v` is a multiple of: how round the stated number is."""
    v = abs(v)
    if v == 0 or v != v:
        return 1.0
    if v != round(v):
        decimals = len(f"{v:.6g}".split(".")[1]) if "." in f"{v:.6g}" else 0
        return 10.0 ** -decimals
    step = 1.0
    k = 0
    while k < 15:
        for m in (5.0, 1.0):
            s = m * 10.0**k
            if s <= v and (v / s) == round(v / s):
                step = max(step, s)
        if (v / 10.0**k) != round(v / 10.0**k):
            break
        k += 1
    return step


@dataclass
class Stated:
    """One number as an article states it, with the interval of true values it is compatible with."""

    value: float
    unit: str
    text: str
    qualifier: str
    lo: float  # in the dimension's base unit, qualifiers applied ("up to 5" -> [0, 5])
    hi: float
    flo: float = 0.0  # the number itself within its rounding, qualifiers ignored
    fhi: float = 0.0


def stated(q: Quantity) -> Stated | None:
    """The quantity as written (original value/unit when given) and its plausible interval in base units."""
    value = q.original_value if q.original_value is not None else q.value
    unit = q.original_unit or q.unit
    dim = dimension(unit)
    if dim is None or not math.isfinite(value):
        return None
    factor = dim[1]
    step = rounding_step(value)
    exact_count = dim[0] in ("count", "ordinal") and abs(value) < 100
    tol = 0.0 if exact_count else min(step / 2, REL_TOL * abs(value))
    if q.qualifier in APPROX:
        tol = max(tol, 0.1 * abs(value))
    lo, hi = value - tol, value + tol
    flo, fhi = lo * factor, hi * factor
    if q.qualifier in UP:
        lo = 0.0 if q.qualifier not in ("nearly", "almost") else value * 0.85
    if q.qualifier in DOWN:
        hi = math.inf
    return Stated(value, unit, q.text or f"{value:g} {unit}".strip(), q.qualifier, lo * factor, hi * factor, flo, fhi)


@dataclass
class Figure:
    """A claim's number with its parenthetical conversions: "2,500 km (1,500 miles)" is one figure."""

    article: str
    claim: Claim
    dim: str
    numbers: list[Stated]
    primary: Quantity
    sentence: Sentence | None = None
    published: str | None = None
    source: str = ""
    measure: str = ""

    @property
    def lo(self) -> float:
        return max(n.lo for n in self.numbers)

    @property
    def hi(self) -> float:
        return min(n.hi for n in self.numbers)

    @property
    def flo(self) -> float:
        return max(n.flo for n in self.numbers)

    @property
    def fhi(self) -> float:
        return min(n.fhi for n in self.numbers)

    @property
    def vague(self) -> bool:
        return any(n.qualifier in align_stage.VAGUE for n in self.numbers)


def figures(article: Article, claims: Sequence[Claim], sentences: Sequence[Sentence], source: str) -> list[Figure]:
    """A claim's quantities grouped into figures: a quantity in brackets right after another converts it."""
    out: list[Figure] = []
    for c in claims:
        qs = sorted(c.quantities, key=lambda q: (q.start, q.end))
        cur: Figure | None = None
        cur_end = -1
        for q in qs:
            st = stated(q)
            if st is None:
                continue
            dim = dimension(st.unit)[0]
            between = article.raw[cur_end : q.start] if 0 <= cur_end <= q.start else ""
            conv = cur is not None and cur.dim == dim and (q.text.lstrip().startswith("(") or "(" in between[:4])
            cur_end = q.end
            if conv:
                cur.numbers.append(st)
                continue
            cur = Figure(
                article=article.id, claim=c, dim=dim, numbers=[st], primary=q,
                sentence=align_stage.sentence_of(sentences, c.start),
                published=article.published, source=source, measure=align_stage.measure_key(c.measures),
            )
            out.append(cur)
    return out


def _interval_overlap(figs: Sequence[Figure]) -> tuple[float, float]:
    return max(f.lo for f in figs), min(f.hi for f in figs)


def _fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:g}"


def _unit_word(unit: str) -> str:
    return {"kilometer": "km", "mile": "miles", "kilometre": "km", "": "", "ordinal": ""}.get(unit, unit.replace("_", " "))


@dataclass
class _Ctx:
    articles: dict[str, Article]
    sources: dict[str, str]
    alignment: align_stage.Alignment | None
    figs: list[Figure] = field(default_factory=list)


def _related(a: Figure, b: Figure, ctx: _Ctx) -> str | None:
    """How two figures relate: 'same' (same thing measured), 'other' (different things), or None."""
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
    if a.measure and b.measure:
        ta, tb = set(a.measure.split()), set(b.measure.split())
        if ta & tb and (len(ta & tb) / len(ta | tb) >= 0.5 or a.measure.split()[-1] == b.measure.split()[-1]):
            return "same" if (sim >= 0.35 or fact or lex >= 0.1) else None
        if a.dim in ("ordinal", "count") and sim >= 0.45:
            return "other"
        return None
    if fact or (sim >= 0.75 and lex >= 0.2):
        return "same"
    return None


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
    rank = {"high": 0, "medium": 1, "low": 2, "none": 3}
    out.sort(key=lambda c: (rank.get(c.severity, 4), c.kind))
    for n, c in enumerate(out, 1):
        c.id = f"c{n}"
    return out


def _candidate_pairs(figs: Sequence[Figure], cap: int = 40) -> list[tuple[int, int]]:
    """Pairs of figures worth comparing: same dimension and (same measure head word or same fact sentence neighbourhood).

    Buckets by (dimension, measure head) and caps each bucket, so cost stays linear in figures."""
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(figs):
        head = f.measure.split()[-1] if f.measure else ""
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


def _claim_row(f: Figure, n: Stated | None = None) -> ConflictClaim:
    n = n or f.numbers[0]
    return ConflictClaim(
        article=f.article, text=f.claim.text, value=n.value, unit=n.unit, published=f.published
    )


def _outlets(figs: Sequence[Figure], ctx: _Ctx) -> list[str]:
    return sorted({f.source for f in figs})


def _topic(figs: Sequence[Figure]) -> str:
    measures = [f.claim.measures for f in figs if f.claim.measures]
    if measures:
        return max(set(measures), key=measures.count)
    return figs[0].primary.text


def classify(figs: list[Figure], ctx: _Ctx) -> Conflict | None:
    """Classify a group of figures about one thing; None when they agree."""
    # keep one figure per article (its first), so an article restating a number is not a conflict
    by_art: dict[str, Figure] = {}
    for f in figs:
        by_art.setdefault(f.article, f)
    figs = list(by_art.values())
    if len(figs) < 2:
        return None
    stated_values = defaultdict(set)
    for f in figs:
        for n in f.numbers:
            stated_values[n.unit].add(round(n.value, 6))
    differ = any(len(v) > 1 for v in stated_values.values())
    if not differ:
        return None
    topic = _topic(figs)
    lo, hi = _interval_overlap(figs)
    names = {f.article: (f.source or f.article) for f in figs}
    pubs = [f.published or "" for f in figs]
    timed = all(pubs) and len(set(pubs)) == len(pubs)
    flo, fhi = max(f.flo for f in figs), min(f.fhi for f in figs)
    if flo <= fhi and not any(f.vague for f in figs):
        return _rounding(figs, topic, flo, fhi, names)  # the numbers as written fit one value
    if lo <= hi:
        if any(f.vague for f in figs):
            return None  # "thousands" vs "3,000": compatible, nothing to say
        if not timed:
            return None  # "at least 5" and "7" can both be true
        return _update(figs, topic, names, ctx)
    if any(f.vague for f in figs) or any(n.qualifier in APPROX for f in figs for n in f.numbers):
        rows = "; ".join(f"{f.primary.text} ({names[f.article]})" for f in figs)
        return Conflict(
            id="", topic=topic, kind="soft", severity="low",
            explanation=f"Imprecise figures for {topic}: {rows}; they differ but at least one is vague.",
            claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
        )
    if timed:
        return _update(figs, topic, names, ctx)
    vals = [f.numbers[0].lo + f.numbers[0].hi for f in figs]
    spread = (max(vals) - min(vals)) / max(abs(max(vals)), 1e-9)
    rows = " vs ".join(f"{f.primary.text} ({names[f.article]})" for f in figs)
    return Conflict(
        id="", topic=topic, kind="contradiction", severity="high" if spread > 0.25 else "medium",
        explanation=f"Outlets disagree on {topic}: {rows}; the figures cannot all be right.",
        claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
    )


def _update(figs: list[Figure], topic: str, names: dict[str, str], ctx: _Ctx) -> Conflict:
    """Breaking news revised over time: figures ordered by publication, the latest is current."""
    ordered = sorted(figs, key=lambda f: f.published or "")
    rows = ", then ".join(f"{f.primary.text} ({names[f.article]}, {f.published})" for f in ordered)
    latest = ordered[-1]
    return Conflict(
        id="", topic=topic, kind="update", severity="low",
        explanation=f"The figure for {topic} changed as reports came in: {rows}; the latest is {latest.primary.text}.",
        claims=[_claim_row(f) for f in ordered], outlets=_outlets(figs, ctx),
    )


def _rounding(figs: list[Figure], topic: str, lo: float, hi: float, names: dict[str, str]) -> Conflict:
    """Every figure fits one value: say which, in each unit the outlets used."""
    # the common value: the most precise primary number, else the middle of the overlap
    ref = min((n for f in figs for n in f.numbers), key=lambda n: (n.fhi - n.flo) / max(abs(n.value), 1e-9))
    base = (ref.flo + ref.fhi) / 2
    base = min(max(base, lo), hi) if math.isfinite(hi) else base
    dim = dimension(ref.unit)
    units_seen = []
    for f in figs:
        for n in f.numbers:
            if n.unit not in units_seen:
                units_seen.append(n.unit)
    in_units = []
    for u in units_seen:
        d = dimension(u)
        if d and dim and d[0] == dim[0]:
            in_units.append(f"{_fmt(base / d[1])} {_unit_word(u)}".strip())
    differing = []
    for u in units_seen:
        vals = [(n.value, f"{n.text.strip('() ')} ({names[f.article]})") for f in figs for n in f.numbers if n.unit == u]
        if len({v for v, _ in vals}) > 1:
            differing += [t for _, t in vals]
    common = " ≈ ".join(in_units)
    listed = ", ".join(differing[:-1]) + " and " + differing[-1] if len(differing) > 1 else "the figures"
    both = "both" if len(differing) == 2 else "all"
    explanation = f"Not a contradiction: {listed} {both} round the same value, {common}, within the precision given."
    return Conflict(
        id="", topic=topic, kind="rounding", severity="none", explanation=explanation,
        claims=[_claim_row(f, n) for f in figs for n in f.numbers], outlets=sorted({f.source for f in figs}),
    )


def _different_measure(a: Figure, b: Figure, ctx: _Ctx) -> Conflict:
    """Two counts that look alike but count different things (e.g. visits vs meetings)."""
    na, nb = ctx.sources.get(a.article, a.article), ctx.sources.get(b.article, b.article)
    explanation = (
        f"Not a contradiction: “{a.primary.text}” ({na}) counts {a.claim.measures or 'one thing'} while "
        f"“{b.primary.text}” ({nb}) counts {b.claim.measures or 'another'}: different events, different counts."
    )
    return Conflict(
        id="", topic=f"{a.claim.measures} / {b.claim.measures}", kind="different-measure", severity="none",
        explanation=explanation, claims=[_claim_row(a), _claim_row(b)], outlets=sorted({na, nb}),
    )


# ----------------------------------------------------------------------------------------------
# horizons: vague future dates that differ ("within two weeks" vs "next month")
# ----------------------------------------------------------------------------------------------


def _interval(d: DateRef) -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(d.date[:10]) if len(d.date) >= 10 else date.fromisoformat(d.date[:7] + "-01")
        end = date.fromisoformat(d.end_date[:10]) if d.end_date else start
    except ValueError:
        return None
    return start, end


def horizons(
    articles: Sequence[Article], analyses: dict[str, Analysis], alignment: align_stage.Alignment, sources: dict[str, str]
) -> list[Conflict]:
    """Soft conflicts between forward-looking date ranges of aligned sentences that don't overlap."""
    refs = []  # (article, sentence index, DateRef, interval)
    for a in articles:
        an = analyses.get(a.id)
        if not an or a.duplicate_of:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        pub = (a.published or "")[:10]
        for d in an.dates:
            if d.granularity == "day" or not d.end_date:
                continue
            iv = _interval(d)
            if iv is None or (pub and iv[0].isoformat() < pub):
                continue  # began before publication: not a horizon
            s = align_stage.sentence_of(sents, d.start)
            if s is not None:
                refs.append((a.id, s.index, d, iv, _clause(a.raw, s, d)))
    # compare only refs whose sentences are aligned neighbours (candidate pairs or one fact): linear in pairs
    rows: dict[int, list[int]] = defaultdict(list)
    for n, r in enumerate(refs):
        row = alignment.index.get((r[0], r[1]))
        if row is not None:
            rows[row].append(n)
    cand: set[tuple[int, int]] = set()
    if alignment.pairs is not None:
        for i, j in zip(alignment.pairs[0].tolist(), alignment.pairs[1].tolist()):
            if i in rows and j in rows:
                cand.update((min(x, y), max(x, y)) for x in rows[i] for y in rows[j])
    by_fact: dict[str, list[int]] = defaultdict(list)
    for n, r in enumerate(refs):
        f = alignment.fact_of.get((r[0], r[1]))
        if f:
            by_fact[f].append(n)
    for members in by_fact.values():
        cand.update((x, y) for x in members for y in members if x < y)
    out, seen = [], set()
    for x, y in sorted(cand):
        if True:
            a, b = refs[x], refs[y]
            if sources.get(a[0]) == sources.get(b[0]):
                continue
            ka, kb = (a[0], a[1]), (b[0], b[1])
            same_fact = ka in alignment.fact_of and alignment.fact_of.get(ka) == alignment.fact_of.get(kb)
            if not same_fact and not (alignment.similarity(ka, kb) >= 0.6 and _shared_entities(alignment, ka, kb)):
                continue
            ea, eb = align_stage.EMBEDDINGS([a[4], b[4]])
            if float(ea @ eb) < CLAUSE_COS:
                continue  # the dates qualify different plans ("teams meet next week" vs "summit next month")
            (s1, e1), (s2, e2) = a[3], b[3]
            if s1 <= e2 and s2 <= e1:
                continue  # overlapping horizons agree
            key = frozenset((a[2].expression.lower(), b[2].expression.lower()))
            if key in seen:
                continue
            seen.add(key)
            na, nb = sources.get(a[0], a[0]), sources.get(b[0], b[0])
            out.append(
                Conflict(
                    id="", topic="timing", kind="soft", severity="low",
                    explanation=(
                        f"Different horizons for the same plan: “{a[2].expression}” ({na}) vs “{b[2].expression}” ({nb}); "
                        "both are vague, so this is imprecision rather than a contradiction."
                    ),
                    claims=[
                        ConflictClaim(a[0], _sentence_text(analyses, a[0], a[1]), None, a[2].expression),
                        ConflictClaim(b[0], _sentence_text(analyses, b[0], b[1]), None, b[2].expression),
                    ],
                    outlets=sorted({na, nb}),
                )
            )
    return out


CLAUSE_COS = 0.5


def _clause(raw: str, s: Sentence, d: DateRef) -> str:
    """The clause a date qualifies: from the last clause break before it (in its sentence) to its end."""
    head = raw[s.start : d.start] if s.start <= d.start <= s.end else ""
    cut = max(head.rfind(ch) for ch in (",", ";", ":", "—", " – ", "(")) if head else -1
    clause = head[cut + 1 :] if cut >= 0 and len(head) - cut > 25 else head[-120:]
    return (clause + raw[d.start : d.end]).strip()


def _shared_entities(alignment: align_stage.Alignment, ka: tuple[str, int], kb: tuple[str, int]) -> bool:
    i, j = alignment.index.get(ka), alignment.index.get(kb)
    return i is not None and j is not None and bool(alignment.units[i].entities & alignment.units[j].entities)


def _sentence_text(analyses: dict[str, Analysis], article: str, index: int) -> str:
    for s in analyses[article].sentences:
        if s.index == index:
            return s.text
    return ""
