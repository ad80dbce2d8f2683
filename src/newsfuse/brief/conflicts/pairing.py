"""Pairing: which figures from different sources measure the same thing (or look alike but don't)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ... import align as align_stage
from ...claims.numbers import NUMBER_WORDS, parse_number
from ...model import Article
from .figures import Figure


# measures too generic to tell two lengths/amounts apart ("range" vs "distance")
_GENERIC = {"range", "distance", "length", "amount", "number", "total", "figure", "level", "area", "mass", "volume",
            "speed", "time", "duration", "share", "percent", "stock", "cash", "unit", "head", "flight", "year", "day",
            "month", "week", "value", "price"}


@dataclass
class Ctx:
    articles: dict[str, Article]
    sources: dict[str, str]
    alignment: align_stage.Alignment | None
    figs: list[Figure] = field(default_factory=list)


# counted periods and rounds: a count of them names a stretch of time, which differs with the stretch meant
_PERIODS = {"season", "year", "month", "week", "day", "decade", "term", "game", "match", "round", "quarter", "inning",
            "lap", "time", "hour", "minute", "night", "century", "generation", "cycle", "session", "stage"}
SYNONYMS = {"cargo": "payload", "load": "payload", "bid": "offer", "approach": "offer", "takeover": "offer",
             "lawsuit": "suit", "action": "suit", "troop": "soldier"}


def _base(f: Figure) -> float:
    """A figure's size in its dimension's base unit (a vague figure by its lowest reading)."""
    n = f.numbers[0]
    return n.lo if f.vague else (n.flo + n.fhi) / 2


def _copies(a: Figure, b: Figure, ctx: Ctx) -> bool:
    """One article is a near-copy of the other (or both of one original): its differing figures still count."""
    x, y = ctx.articles.get(a.article), ctx.articles.get(b.article)
    if x is None or y is None:
        return False
    return x.duplicate_of == y.id or y.duplicate_of == x.id or (bool(x.duplicate_of) and x.duplicate_of == y.duplicate_of)


def related(a: Figure, b: Figure, ctx: Ctx) -> str | None:
    """How two figures relate: 'same' (same thing measured), 'other' (different things that look alike),
    'earlier' (the same thing, one given as a past state), or None."""
    if a.dim != b.dim:
        return None
    if a.article == b.article:
        # only an outlet's withdrawn figure and its corrected one are compared within an article
        if a.corrected != b.corrected and a.what == b.what and a.measure == b.measure and a.group == b.group:
            return "same"
        if _restated(a, b) or _still_held(a, b):
            return "earlier"  # "previously said up to 100,000 ..., now about 8,000": the copy states its own update
        if a.dim == "count" and a.earlier == b.earlier and a.sentence != b.sentence and _one_count(a, b):
            return "same"  # "almost 700,000" in the lede, "693,665" in the quote: one figure, read with its rounding
        return None
    if a.corrected or b.corrected:
        return None
    if a.source == b.source and (a.published or "") == (b.published or "") and not _copies(a, b, ctx):
        return None
    av, bv = a.vague, b.vague  # read once: a property over the figure's numbers
    va, vb = _base(a), _base(b)
    if a.dim != "clock" and not (av or bv) and min(va, vb) > 0 and max(va, vb) / min(va, vb) > 3:
        return None  # an order apart: not two readings of one figure
    if av != bv:
        v, x = (a, b) if av else (b, a)
        if not v.numbers[0].lo / 3 <= _base(x) <= v.numbers[0].hi * 3:
            return None  # "thousands" and "200" are not two readings of one count
    sim = lex = 0.0
    fact = False
    if ctx.alignment and a.sentence and b.sentence:
        ka, kb = (a.article, a.sentence.index), (b.article, b.sentence.index)
        sim, lex = ctx.alignment.similarity(ka, kb), ctx.alignment.lexical(ka, kb)
        fact = ka in ctx.alignment.fact_of and ctx.alignment.fact_of.get(ka) == ctx.alignment.fact_of.get(kb)
        if not fact and ctx.alignment.apart(ka, kb):
            return None  # one thing on occasions a week or more apart (another launch): no conflict
    subj_a, subj_b = a.claim.subject.lower(), b.claim.subject.lower()
    if subj_a and subj_b and subj_a != subj_b and not fact and sim < 0.6:
        return None
    when = _same_occasion(a, b) and sim >= 0.4
    close = fact or (sim >= 0.75 and lex >= 0.2) or when
    same = "same"
    if a.earlier != b.earlier and not when:  # a past state against today's figure: only for closely worded sentences
        same = "earlier" if (fact or sim >= 0.6) else "none"
    if (av or bv) and not (fact or sim >= 0.5 or when):
        return None  # "several", "dozens": only against a figure stated in a like sentence
    if av and bv and not fact:
        return None  # "hundreds of billions" of trade and "millions" drained: two vague sizes, two things
    if a.dim == "clock":
        if fact or sim >= 0.5 or (a.measure == b.measure and a.measure != "time" and sim >= 0.3):
            return same
        return None
    if a.dim == "count":
        # a count is compared only with a count of the same thing: head noun plus predicate
        if SYNONYMS.get(a.what, a.what) != SYNONYMS.get(b.what, b.what):
            if a.what.startswith("people:") and b.what.startswith("people:") and "people:?" not in (a.what, b.what):
                return None  # killed vs missing: different measures, nothing worth saying
            if "people:?" in (a.what, b.what) and a.what.startswith("people:") and b.what.startswith("people:") \
                    and _one_count(a, b) and not _counterpart(a, b):
                return same  # "693,665 consumers" (no verb near) and "almost 700,000 UK consumers affected"
            return "other" if (sim >= 0.8 and subj_a and subj_a == subj_b and not (av or bv)) else None
        if a.what == "people:?" and not close and not _one_count(a, b):
            return None  # "180,000 people" vs "4,000 people": unknown, only when aligned
        if not a.what.startswith("people:") and not (fact or sim >= 0.5 or lex >= 0.3):
            return None  # "two boosters" vs "three boosters" in unrelated sentences
        if a.what in _PERIODS and not close:
            return None  # "the past two seasons" vs "five seasons together": spans of different stretches
        if not (sim >= 0.35 or fact or lex >= 0.1):
            return None
        if a.rest != b.rest:
            return None  # "19 other defendants" leaves out the one named: not the same count as "23 defendants"
        (ra, ga), (rb, gb) = a.group, b.group
        narrower = (ra != rb and "" in (ra, rb)) or (ga != gb and "" in (ga, gb))
        if narrower and a.what.startswith("people:") and not _overlap(a, b) and (_subset(a, b) or _subset(b, a)):
            return "other"  # "10 Americans" within "12 killed": a group within a total
        if (ra == rb or narrower) and (ga == gb or not (ga and gb)) and not _counterpart(a, b):
            return same
        return None
    if a.measure.endswith(" total") != b.measure.endswith(" total"):
        return None  # "a total of 45 years" over several cases vs one case's 25 years
    if (a.measure == "value including debt") != (b.measure == "value including debt"):
        return None  # a deal's value with the debt assumed ("$149 billion including debt") is not its price ("$121 billion")
    if a.dim == "percent" and (move := market_move(a.claim.text)) and move == market_move(b.claim.text):
        return same  # "Acme shares fell 1.5%" at 9:34, "fell 4.3%" by mid-afternoon: one day's move as it went
    ma, mb = SYNONYMS.get(a.measure, a.measure), SYNONYMS.get(b.measure, b.measure)
    generic = {ma, mb} & _GENERIC or not (ma and mb)
    if not generic:
        ta, tb = {SYNONYMS.get(w, w) for w in ma.split()}, {SYNONYMS.get(w, w) for w in mb.split()}
        if ta & tb and (len(ta & tb) / len(ta | tb) >= 0.5 or ma.split()[-1] == mb.split()[-1]):
            return same if (sim >= 0.35 or fact or lex >= 0.1) and not _counterpart(a, b) else None
        if a.dim == "ordinal" and sim >= 0.45:
            return "other"  # "third visit" vs "sixth meeting": looks alike, counts different things
        return None
    near = a.dim in ("percent", "share") or max(va, vb) <= 1.25 * min(va, vb)  # moves in percent vary widely
    if close and not _counterpart(a, b) and not (a.siblings or b.siblings) and near:
        return same  # like sentences, one figure each, near in size: the same thing
    if a.numbers[0].unit == b.numbers[0].unit and a.numbers[0].value == b.numbers[0].value and sim >= 0.4 and lex >= 0.1:
        return same  # one number restated, e.g. with different conversions: at worst a rounding note
    return None


_MOVE = re.compile(r"\b([A-Z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*)(?:\s*\([A-Z.:]+\))?(?:['’]s)?\s+(?:shares|stock|share price)"
                   r"\s+(?:\w+\s+)?(fell|dropped|slid|declined|lost|tumbled|sank|slumped|dipped|were down|was down|rose|"
                   r"gained|climbed|jumped|rallied|surged|were up|was up|edged up|edged down|edged lower|edged higher)\b")
_DOWN_WORDS = {"fell", "dropped", "slid", "declined", "lost", "tumbled", "sank", "slumped", "dipped", "were down", "was down",
               "edged down", "edged lower"}


def _same_occasion(a: Figure, b: Figure) -> bool:
    """Both sentences date what they tell to the same past month or day, weeks before either report ("in August, a
    video showed dozens of the girls" / "a video in August shows 50 girls")."""
    def dated(f: Figure) -> set[str]:
        pub = (f.published or "")[:10]
        out = set()
        for d in f.claim.dates:
            if d.inferred or d.granularity not in ("day", "month") or not pub:
                continue
            key = d.date[:10] if d.granularity == "day" else d.date[:7]
            if key < pub and _days_apart(key if len(key) == 10 else key + "-28", pub) > 20:
                out.add(key)
        return out

    return bool(dated(a) & dated(b))


def _days_apart(a: str, b: str) -> int:
    """Days between two ISO dates (0 when either does not parse)."""
    from datetime import date

    try:
        return abs((date.fromisoformat(a[:10]) - date.fromisoformat(b[:10])).days)
    except ValueError:
        return 0


def market_move(text: str) -> tuple[str, str] | None:
    """(company, 'down'/'up') of a sentence reporting a share-price move ("Acme (ACM) shares fell 6.6%"), else None."""
    m = _MOVE.search(text)
    if not m:
        return None
    return m.group(1).lower(), "down" if m.group(2) in _DOWN_WORDS else "up"


# figures and number words, as claims reads them ("twenty", "a dozen")
_NUM_RX = re.compile(r"\b(?:\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True))
                     + r")\b", re.I)


def _head(f: Figure) -> str:
    words = f.measure.split()
    w = words[-1] if words else ""
    return w[:-1] if w.endswith("s") and not w.endswith("ss") else w


def _one_count(a: Figure, b: Figure) -> bool:
    """Two counts of people that can only be one figure read twice: the same counted noun, compatible groups,
    and large exact-looking numbers within rounding of each other ("693,665" and "almost 700,000")."""
    ha, hb = _head(a), _head(b)
    if a.vague or b.vague or not (ha and hb) or (ha != hb and "people" not in (ha, hb)):
        return False  # "people" is anyone: "145.5 million people" may be "roughly 145 million Americans"
    (ra, ga), (rb, gb) = a.group, b.group
    if (ra and rb and ra != rb) or (ga and gb and ga != gb):
        return False
    va, vb = a.numbers[0].value, b.numbers[0].value
    return min(va, vb) >= 1000 and abs(va - vb) <= 0.02 * max(va, vb)


def _restated(a: Figure, b: Figure) -> bool:
    """One sentence gives a count as a past state and another as today's, for the same people or thing."""
    if a.earlier == b.earlier or a.dim != "count" or not (a.sentence and b.sentence):
        return False
    if a.sentence.index != b.sentence.index or a.rest or b.rest or a.vague or b.vague:
        return False
    (ra, ga), (rb, gb) = a.group, b.group
    if a.what.startswith("people:") and b.what.startswith("people:"):
        return ra == rb and ga == gb and bool(ga or ra or _head(a) == _head(b))
    return a.what == b.what


# states a count of people stays in until it changes: captive, missing (not an event such as an abduction, whose
# dated count is another occasion's, nor a toll)
_STANDING = {"people:held", "people:missing"}


def _still_held(a: Figure, b: Figure) -> bool:
    """One article gives the count still held (or missing) as of a past date in one sentence and today's in another
    ("said in September 218 remained captive" ... "the 197 who remain"): its own update of one standing count."""
    if a.earlier == b.earlier or a.dim != "count" or a.what != b.what or a.what not in _STANDING:
        return False
    if not (a.sentence and b.sentence) or a.sentence.index == b.sentence.index:
        return False  # one sentence: `_restated`
    if a.rest or b.rest or a.vague or b.vague or a.group != b.group or _head(a) != _head(b):
        return False
    va, vb = a.numbers[0].value, b.numbers[0].value
    return va != vb and min(va, vb) > 0 and max(va, vb) <= 1.5 * min(va, vb)


def _subset(part: Figure, whole: Figure) -> bool:
    """`part` counts a group within `whole`'s total: the total's sentence names the part ("12 killed, including
    10 Americans") or the part's sentence adds up to the total ("10 Americans and two pilots")."""
    p, w = part.numbers[0].value, whole.numbers[0].value
    if not 0 < p < w:
        return False
    if part.primary.text and part.primary.text.lower() in whole.claim.text.lower():
        return True
    others = [parse_number(m.group()) for m in _NUM_RX.finditer(part.claim.text)]
    return any(x is not None and abs(p + x - w) < 1e-6 for x in others)


def _counterpart(a: Figure, b: Figure) -> bool:
    """Either sentence also states the other's number: that is its counterpart, these two measure different things."""
    if a.primary.value == b.primary.value:
        return False
    ta, tb = a.primary.text.strip("() ").lower(), b.primary.text.strip("() ").lower()
    return bool(ta and ta in b.claim.text.lower()) or bool(tb and tb in a.claim.text.lower())


def _overlap(a: Figure, b: Figure) -> bool:
    return max(a.lo, b.lo) <= min(a.hi, b.hi)


def candidate_pairs(figs: Sequence[Figure], cap: int = 40) -> list[tuple[int, int]]:
    """Pairs of figures worth comparing: same dimension and (same measure head word or same fact sentence neighbourhood).

    Buckets by (dimension, measure head) and caps each bucket, so cost stays linear in figures."""
    buckets: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(figs):
        head = f.what if f.dim == "count" else (f.measure.split()[-1] if f.measure else "")
        buckets[(f.dim, head)].append(i)
        if head:
            buckets[(f.dim, "")].append(i)  # measure-less figures may still match by sentence
        if f.dim == "count" and f.what.startswith("people:"):
            buckets[(f.dim, "people " + _head(f))].append(i)  # one count read with and without its verb
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
