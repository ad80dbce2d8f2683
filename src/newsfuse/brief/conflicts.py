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


# what a count counts: predicate classes found near the number ("people killed" vs "people missing")
_PREDICATES: dict[str, tuple[str, ...]] = {
    "dead": ("kill", "dead", "died", "die ", "dying", "death", "toll", "fatalit", "perish", "lost their lives", "lives lost"),
    "missing": ("missing", "unaccounted", "disappeared"),
    "injured": ("injur", "wounded", "hurt", "hospitali"),
    "displaced": ("evacuat", "displaced", "homeless", "shelter", "moved to", "relocat", "fled", "forced from",
                  "forcing", "forced out", "from their homes", "lost their homes"),
    "rescued": ("rescued", "lifted", "saved", "pulled from", "airlifted"),
    "arrested": ("arrest", "detained", "detain", "charged"),
}
_PEOPLE = {"people", "person", "persons", "resident", "residents", "civilian", "civilians", "victim", "victims",
           "child", "children", "adult", "adults", "worker", "workers", "passenger", "passengers", "soldier",
           "soldiers", "man", "men", "woman", "women", "citizen", "citizens", "individual", "individuals"}
_TRANSPARENT = {"", "number", "toll", "total", "figure", "count", "tally"}
# measures too generic to tell two lengths/amounts apart ("range" vs "distance")
_GENERIC = {"range", "distance", "length", "amount", "number", "total", "figure", "level", "area", "mass", "volume",
            "speed", "time", "duration", "share", "percent"}
_CLAUSE_BREAK = re.compile(r"[,;:()—–]|\s(?:and|but|after|while|where|before|although)\s", re.I)
_UPDATE_CUE = re.compile(r"\b(?:rose|risen|rises|climbed|climbs|increased|jumped|now|latest|updated|revised|"
                         r"has grown|grew|reached|fell|dropped|lowered)\b", re.I)


def count_measure(claim: Claim, q: Quantity, raw: str) -> str:
    """What a count counts, as 'people:<predicate>' for people (killed/missing/...) or the head noun.

    The predicate nearest the number within its clause decides ("Five people have died and eight are
    missing": five -> dead, eight -> missing); 'people:?' when none is found."""
    words = align_stage.measure_key(claim.measures).split()
    head = words[-1] if words else ""
    if head not in _PEOPLE and head not in _TRANSPARENT and not (len(words) > 1 and words[0] in _PEOPLE):
        return head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    s0, s1 = claim.start, max(claim.end, q.end)
    text = raw[s0:s1].lower() if 0 <= s0 < s1 <= len(raw) else claim.text.lower()
    pos = q.start - s0 if s0 <= q.start <= s1 else text.find(q.text.lower())
    if pos < 0:
        return "people:?"
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    lo = max((b for b in breaks if b < pos), default=0)
    hi = min((b for b in breaks if b > pos + len(q.text)), default=len(text))
    clause = text[lo:hi] + " "
    at = pos - lo
    best, dist = "?", 10**6
    for cls, cues in _PREDICATES.items():
        for cue in cues:
            for m in re.finditer(re.escape(cue), clause):
                d = abs(m.start() - at)
                if d < dist:
                    best, dist = cls, d
    return f"people:{best}"


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
    what: str = ""  # for counts: what is counted (`count_measure`)

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
            if dim == "count":
                cur.what = count_measure(c, q, article.raw)
            out.append(cur)
    return out


def _interval_overlap(figs: Sequence[Figure]) -> tuple[float, float]:
    return max(f.lo for f in figs), min(f.hi for f in figs)


def _fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.3g}"


def _unit_word(unit: str) -> str:
    words = {"kilometer": "km", "mile": "miles", "kilometre": "km", "meter": "m", "metre": "m", "foot": "feet",
             "inch": "inches", "yard": "yards", "": "", "ordinal": ""}
    return words.get(unit, unit.replace("_", " "))


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


def _claim_row(f: Figure, n: Stated | None = None) -> ConflictClaim:
    n = n or f.numbers[0]
    return ConflictClaim(
        article=f.article, text=f.claim.text, value=n.value, unit=n.unit, published=f.published
    )


def _outlets(figs: Sequence[Figure], ctx: _Ctx) -> list[str]:
    return sorted({f.source for f in figs})


_WHAT_TOPIC = {"dead": "people killed", "missing": "people missing", "injured": "people injured",
               "displaced": "people displaced", "rescued": "people rescued", "arrested": "people arrested"}


def _topic(figs: Sequence[Figure]) -> str:
    whats = {f.what for f in figs}
    if len(whats) == 1 and next(iter(whats)).split(":")[-1] in _WHAT_TOPIC:
        return _WHAT_TOPIC[next(iter(whats)).split(":")[-1]]
    measures = [f.claim.measures for f in figs if f.claim.measures]
    if measures:
        return max(set(measures), key=measures.count)
    return figs[0].primary.text


def _pub(f: Figure) -> str:
    return f.published or ""


def classify(figs: list[Figure], ctx: _Ctx) -> Conflict | None:
    """Classify a group of figures about one thing; None when they agree.

    Figures published at different times that move one way (or say "rose to", "now") are an `update`;
    only figures published together that cannot all be right are a `contradiction`."""
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
    flo, fhi = max(f.flo for f in figs), min(f.fhi for f in figs)
    if flo <= fhi and not any(f.vague for f in figs):
        return _rounding(figs, topic, flo, fhi, names)  # the numbers as written fit one value
    timed = all(f.published for f in figs) and len({_pub(f) for f in figs}) > 1
    if timed and _is_update(figs, ctx):
        return _update(figs, topic, names, ctx)
    if lo <= hi:
        return None  # "at least 5" and "7", "thousands" and "3,000": compatible
    if any(f.vague for f in figs) or any(n.qualifier in APPROX for f in figs for n in f.numbers):
        rows = "; ".join(f"{f.primary.text} ({names[f.article]})" for f in figs)
        return Conflict(
            id="", topic=topic, kind="soft", severity="low",
            explanation=f"Imprecise figures for {topic}: {rows}; they differ but at least one is vague.",
            claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
        )
    clash = [g for g in _by_time(figs) if len(g) > 1 and _interval_overlap(g)[0] > _interval_overlap(g)[1]]
    if timed and not clash:
        ordered = sorted(figs, key=_pub)
        rows = ", then ".join(f"{f.primary.text} ({names[f.article]}, {f.published})" for f in ordered)
        return Conflict(
            id="", topic=topic, kind="soft", severity="low",
            explanation=f"The figure for {topic} differs between reports published at different times ({rows}); "
                        "it may have been revised.",
            claims=[_claim_row(f) for f in ordered], outlets=_outlets(figs, ctx),
        )
    if clash:
        figs = max(clash, key=len)
    vals = [f.numbers[0].lo + f.numbers[0].hi for f in figs]
    spread = (max(vals) - min(vals)) / max(abs(max(vals)), 1e-9)
    rows = " vs ".join(f"{f.primary.text} ({names[f.article]})" for f in figs)
    return Conflict(
        id="", topic=topic, kind="contradiction", severity="high" if spread > 0.25 else "medium",
        explanation=f"Outlets disagree on {topic}: {rows}; the figures cannot all be right.",
        claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
    )


def _by_time(figs: Sequence[Figure]) -> list[list[Figure]]:
    """Figures grouped by identical publication time (date when no time is known), earliest first."""
    groups: dict[str, list[Figure]] = defaultdict(list)
    for f in figs:
        groups[_pub(f)].append(f)
    return [groups[k] for k in sorted(groups)]


def _is_update(figs: Sequence[Figure], ctx: _Ctx) -> bool:
    """True when figures published together agree and, in publication order, move one way only or
    the later reports say the figure changed ("rose to", "now", "latest")."""
    groups = _by_time(figs)
    for g in groups:
        glo, ghi = _interval_overlap(g)
        if glo > ghi:
            return False  # published together and incompatible: a contradiction, not an update
    vals = [[n.value * (dimension(n.unit) or ("", 1.0))[1] for f in g for n in f.numbers[:1]] for g in groups]
    up = all(max(a) <= min(b) for a, b in zip(vals, vals[1:]))
    down = all(min(a) >= max(b) for a, b in zip(vals, vals[1:]))
    if up or down:
        return True
    later = [f for g in groups[1:] for f in g]
    return bool(later) and all(_UPDATE_CUE.search(f.claim.text or "") for f in later)


def _update(figs: list[Figure], topic: str, names: dict[str, str], ctx: _Ctx) -> Conflict:
    """Breaking news revised over time: figures ordered by publication, the latest is current."""
    ordered = sorted(figs, key=_pub)
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
# attribute years: "the dam, built in 1962" vs "the dam, built in 1958" (years are not claims)
# ----------------------------------------------------------------------------------------------

_ATTR_VERBS = ("built|constructed|completed|founded|established|opened|erected|commissioned|inaugurated|"
               "launched|created|formed|born|designed|installed|incorporated")
_ATTR_YEAR = re.compile(
    r"\b([A-Za-z][\w-]*)(?:,|\s+(?:was|were|is|had been|has been|first))?\s+(" + _ATTR_VERBS + r")\s+in\s+"
    r"((?:1[5-9]|20)\d\d)\b(?!\s*(?:-|–|to)\s*\d)"
)
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
