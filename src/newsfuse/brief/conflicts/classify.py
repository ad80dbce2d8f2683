"""Classification of a group of figures: rounding, update, soft, different-measure or contradiction."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence

from ...model import Conflict, ConflictClaim
from .figures import APPROX, DOWN, RANGE, UP, Figure, Stated, dimension
from .pairing import Ctx, market_move


_UPDATE_CUE = re.compile(r"\b(?:rose|risen|rises|climbed|climbs|increased|jumped|now|latest|updated|revised|"
                         r"has grown|grew|reached|fell|dropped|lowered)\b", re.I)


# a figure of a settled past event ("the original offer", "an initial bid"): outlets giving two values disagree
_SETTLED = re.compile(r"\b(?:original|initial|first|previous|prior|earlier|last year's|opening)\b", re.I)


# qualifiers that change what a figure says ("more than 50" is not "50"); "about" and "up to" (a capacity) do not
_BOUNDS = DOWN | {"less than", "fewer than", "under", "below", "nearly", "almost"}


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


def _claim_row(f: Figure, n: Stated | None = None) -> ConflictClaim:
    n = n or f.numbers[0]
    return ConflictClaim(
        article=f.article, text=f.claim.text, value=n.value, unit=n.unit, published=f.published
    )


def _outlets(figs: Sequence[Figure], ctx: Ctx) -> list[str]:
    return sorted({f.source for f in figs})


_WHAT_TOPIC = {"dead": "people killed", "missing": "people missing", "injured": "people injured",
               "displaced": "people displaced", "rescued": "people rescued", "arrested": "people arrested",
               "abducted": "people abducted", "held": "people held", "freed": "people freed", "escaped": "people who escaped",
               "affected": "people affected"}


def _topic(figs: Sequence[Figure]) -> str:
    moves = {market_move(f.claim.text) for f in figs}
    if len(moves) == 1 and (move := moves.pop()):
        return f"the move in {_company(figs[0].claim.text, move[0])}’s share price"
    if {f.measure for f in figs} == {"value including debt"}:
        return "value including debt"  # what `figures` found the figures measure, not each sentence's noun ("amount")
    whats = {f.what for f in figs}
    if len(whats) == 1 and next(iter(whats)).split(":")[-1] in _WHAT_TOPIC:
        return _WHAT_TOPIC[next(iter(whats)).split(":")[-1]]
    measures = [f.claim.measures for f in figs if f.claim.measures]
    if measures:
        return max(measures, key=measures.count)  # ties: the first written, not set order
    return figs[0].primary.text


def _company(text: str, lowered: str) -> str:
    """The company name as the sentence writes it."""
    k = text.lower().find(lowered)
    return text[k : k + len(lowered)] if k >= 0 else lowered


def _pub(f: Figure) -> str:
    return f.published or ""


def classify(figs: list[Figure], ctx: Ctx) -> Conflict | None:
    """Classify a group of figures about one thing; None when they agree.

    A withdrawn figure is a `correction`; numbers that fit one value as written are `rounding` (qualifiers
    allowed: "51" and "more than 50"), a vague word or rough time that fits an exact figure is `precision`;
    figures published at different times that move one way (or say "rose to", "now") are an `update`;
    only figures that cannot all be right are a `contradiction`."""
    if any(f.corrected for f in figs):
        return _correction(figs, ctx)
    if figs[0].dim == "clock":  # every time an article gives (take-off, crash, alert), once each
        uniq = {(f.article, f.primary.value): f for f in figs}
        return _clock(list(uniq.values()), _topic(figs), {f.article: (f.source or f.article) for f in figs}, ctx)
    # keep one figure per article, so an article restating a number is not a conflict: the one other
    # articles state most often (an article's side figure, "$60 in cash" beside "$82 a share", stays out)
    votes = defaultdict(set)
    for f in figs:
        votes[round(f.primary.value, 6)].add(f.article)
    by_art: dict[str, Figure] = {}
    for f in figs:
        cur = by_art.get(f.article)
        if cur is None or len(votes[round(f.primary.value, 6)]) > len(votes[round(cur.primary.value, 6)]):
            by_art[f.article] = f
    # an article's own restatement at another precision ("almost 700,000" and "693,665") is shown beside it
    extra = [f for f in figs if by_art[f.article] is not f and f.primary.value != by_art[f.article].primary.value
             and abs(f.primary.value - by_art[f.article].primary.value) <= 0.02 * abs(by_art[f.article].primary.value)]
    figs = sorted(by_art.values(), key=lambda f: figs.index(f))
    if len(figs) < 2:
        return None
    c = _classify(figs, ctx)
    if c is not None and extra:
        c.claims += [_claim_row(f) for f in extra]
    return c


def _classify(figs: list[Figure], ctx: Ctx) -> Conflict | None:
    """`classify` for one figure per article."""
    stated_values = defaultdict(set)
    for f in figs:
        for n in f.numbers:
            # "about 10" and "10" say the same; "more than 10" and "10" do not
            stated_values[n.unit].add((round(n.value, 6), n.qualifier if n.qualifier in _BOUNDS else ""))
    differ = any(len(v) > 1 for v in stated_values.values())
    if not differ:
        return None
    topic = _topic(figs)
    lo, hi = _interval_overlap(figs)
    names = {f.article: (f.source or f.article) for f in figs}
    flo, fhi = max(f.flo for f in figs), min(f.fhi for f in figs)
    rough = any(f.rough for f in figs)
    if figs[0].dim == "clock":
        return _clock(figs, topic, names, ctx)
    if flo <= fhi and not rough:
        return _rounding(figs, topic, flo, fhi, names)  # the numbers as written fit one value
    timed = all(f.published for f in figs) and len({_pub(f) for f in figs}) > 1
    if timed and not rough and _is_update(figs, ctx):
        return _update(figs, topic, names, ctx)
    rows = "; ".join(f"{_shown(f)} ({names[f.article]})" for f in figs)
    if lo <= hi:  # compatible once qualifiers are read: "more than 50" and "51", "several" and "seven"
        if rough:
            return Conflict(
                id="", topic=topic, kind="precision", severity="low",
                explanation=f"Not a contradiction: the figures for {topic} ({rows}) fit together; some outlets are "
                            "less precise than others.",
                claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
            )
        return Conflict(
            id="", topic=topic, kind="rounding", severity="none",
            explanation=f"Not a contradiction: the figures for {topic} ({rows}) fit one value once “about”, "
                        "“more than” and the like are read.",
            claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
        )
    clash = [g for g in _by_time(figs) if len(g) > 1 and _interval_overlap(g)[0] > _interval_overlap(g)[1]]
    if timed and not clash and not rough and not all(_SETTLED.search(f.claim.text or "") for f in figs):
        ordered = sorted(figs, key=_pub)
        rows = _runs(ordered, names)
        return Conflict(
            id="", topic=topic, kind="update", severity="low",
            explanation=f"The figure for {topic} differs between reports published at different times ({rows}); "
                        "it may have been revised.",
            claims=[_claim_row(f) for f in ordered], outlets=_outlets(figs, ctx),
        )
    if clash:
        figs = max(clash, key=len)
    vals = [f.numbers[0].lo + f.numbers[0].hi for f in figs]
    spread = (max(vals) - min(vals)) / max(abs(max(vals)), 1e-9) if all(map(math.isfinite, vals)) else 1.0
    rows = " vs ".join(f"{_shown(f)} ({names[f.article]})" for f in figs)
    return Conflict(
        id="", topic=topic, kind="contradiction", severity="high" if spread > 0.25 else "medium",
        explanation=f"Outlets disagree on {topic}: {rows}; the figures cannot all be right.",
        claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
    )


def _clock(figs: list[Figure], topic: str, names: dict[str, str], ctx: Ctx) -> Conflict | None:
    """Times of day around one event: exact times of one step that differ contradict; rough times
    ("around noon") beside exact ones are precision; exact times of different steps are nothing."""
    if len({(f.numbers[0].value, f.numbers[0].qualifier) for f in figs}) < 2:
        return None  # every outlet gives the same time
    exact = [f for f in figs if not f.rough]
    by_step: dict[str, set[float]] = defaultdict(set)
    for f in exact:
        by_step[f.claim.measures].add(f.numbers[0].value)
    clash = [step for step, vals in by_step.items() if len(vals) > 1]
    rows = "; ".join(f"{_shown(f)} ({names[f.article]})" for f in figs)
    if clash:
        return Conflict(
            id="", topic=topic, kind="contradiction", severity="medium",
            explanation=f"Outlets give different times for {topic}: {rows}.",
            claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
        )
    if len(exact) == len(figs):
        return None  # exact times of different steps (take-off, crash, first alert): nothing to reconcile
    return Conflict(
        id="", topic=topic, kind="precision", severity="low",
        explanation=f"Not a contradiction: the times given ({rows}) fit one sequence of events; some outlets "
                    "give only a rough time.",
        claims=[_claim_row(f) for f in figs], outlets=_outlets(figs, ctx),
    )


def _correction(figs: list[Figure], ctx: Ctx) -> Conflict | None:
    """An outlet withdrew a figure ("An earlier version of this story said 14"): the corrected one stands."""
    wrong = [f for f in figs if f.corrected]
    right = [f for f in figs if not f.corrected and f.article in {w.article for w in wrong}]
    if not wrong or not right or {n.value for f in wrong for n in f.numbers} == {n.value for f in right for n in f.numbers}:
        return None
    topic = _topic(figs)
    src = wrong[0].source or wrong[0].article
    return Conflict(
        id="", topic=topic, kind="correction", severity="medium",
        explanation=f"{src} corrected itself: it first gave {_shown(wrong[0])} for {topic} and now says {_shown(right[0])}.",
        claims=[_claim_row(f) for f in wrong + right], outlets=_outlets(figs, ctx),
    )


def revised(past: list[Figure], now: list[Figure], ctx: Ctx) -> Conflict | None:
    """A figure the copy gives as a past state ("its previous offer of", "said in September") against today's."""
    pv = {round(f.numbers[0].value, 6) for f in past}
    nv = {round(f.numbers[0].value, 6) for f in now}
    if not pv or not nv or pv & nv:
        return None
    if len({f.article for f in past + now}) < 2 and len({f.sentence.index for f in past + now if f.sentence}) != 1:
        return None  # within one article, only a sentence that states its own update ("previously ..., now ...")
    topic = _topic(past + now)
    was = ", ".join(dict.fromkeys(_shown(f) for f in past))
    is_ = ", ".join(dict.fromkeys(_shown(f) for f in now))
    return Conflict(
        id="", topic=topic, kind="update", severity="low",
        explanation=f"Not a contradiction: {topic} was earlier given as {was} and is now {is_}; the story moved on.",
        claims=[_claim_row(f) for f in past + now], outlets=_outlets(past + now, ctx),
    )


_COMPATIBLE = ("rounding", "precision")


def merge(conflicts: list[Conflict]) -> list[Conflict]:
    """Fold a conflict whose sentences all sit in a larger one into it ("fell 1.5% to $65.09": one move, two figures)."""
    out: list[Conflict] = []
    for c in sorted(conflicts, key=lambda c: -len(c.claims)):
        keys = {(x.article, x.text) for x in c.claims}
        host = next((o for o in out if keys <= {(x.article, x.text) for x in o.claims} and o.kind == c.kind), None)
        if host is None and c.kind in _COMPATIBLE and c.topic.startswith("people "):
            # two compatible readings of one count ("hundreds" ~ "more than 200"; "276" ~ "more than 270"): one note
            host = next((o for o in out if o.topic == c.topic and o.kind in _COMPATIBLE), None)
            if host is not None and "precision" in (c.kind, host.kind):
                host.kind, host.severity = "precision", "low"
                host.explanation = (f"Not a contradiction: the figures for {host.topic} fit together; some outlets give "
                                    "a vague or rounded amount, others an exact one.")
            if host is not None:
                host.outlets = sorted(set(host.outlets) | set(c.outlets))
        if host is None:
            out.append(c)
            continue
        have = {(x.article, x.text, x.value) for x in host.claims}
        host.claims += [x for x in c.claims if (x.article, x.text, x.value) not in have]
    return out


def _by_time(figs: Sequence[Figure]) -> list[list[Figure]]:
    """Figures grouped by identical publication time (date when no time is known), earliest first."""
    groups: dict[str, list[Figure]] = defaultdict(list)
    for f in figs:
        groups[_pub(f)].append(f)
    return [groups[k] for k in sorted(groups)]


def _shown(f: Figure) -> str:
    """A figure as quoted in an explanation: spelled-out numbers lower-cased ("Five" opens a sentence)."""
    text = f.numbers[0].text if f.numbers[0].qualifier == RANGE else f.primary.text  # "40 to 60 percent"
    return text.lower() if text.replace("-", "").replace(" ", "").isalpha() else text


def _is_update(figs: Sequence[Figure], ctx: Ctx) -> bool:
    """True when figures published together agree and, in publication order, move one way only or
    the later reports say the figure changed ("rose to", "now", "latest")."""
    groups = _by_time(figs)
    for g in groups:
        glo, ghi = _interval_overlap(g)
        if glo > ghi:
            return False  # published together and incompatible: a contradiction, not an update
    vals = [[n.value * (dimension(n.unit) or ("", 1.0))[1] for f in g for n in f.numbers[:1]] for g in groups]
    if all(_SETTLED.search(f.claim.text or "") for f in figs):
        return False  # "the original $105 billion offer" / "an initial $103 billion offer": a past figure does not move
    later = [f for g in groups[1:] for f in g]
    cued = bool(later) and all(_UPDATE_CUE.search(f.claim.text or "") for f in later)
    lo, hi = _interval_overlap(figs)
    if lo <= hi and not cued and len({f.numbers[0].qualifier for f in figs}) > 1:
        return False  # "well over a third" then "almost half": one value read with its qualifiers, not a revision
        # (a toll given "at least 3", then "at least 5", then "at least 7" still rises)
    up = all(max(a) <= min(b) for a, b in zip(vals, vals[1:]))
    down = all(min(a) >= max(b) for a, b in zip(vals, vals[1:]))
    return up or down or cued


def _runs(ordered: Sequence[Figure], names: dict[str, str]) -> str:
    """Figures in publication order, a run of one value said once: "143 million (a, b; from 2017-09-07), then ..."."""
    runs: list[list[Figure]] = []
    for f in ordered:
        if runs and runs[-1][0].numbers[0].value == f.numbers[0].value:
            runs[-1].append(f)
        else:
            runs.append([f])
    parts = []
    for run in runs:
        outlets = ", ".join(dict.fromkeys(names[f.article] for f in run))
        when = (run[0].published or "")[:16].replace("T", " ")
        parts.append(f"{_shown(run[0])} ({outlets}; {'from ' if len(run) > 1 else ''}{when})")
    return ", then ".join(parts)


def _update(figs: list[Figure], topic: str, names: dict[str, str], ctx: Ctx) -> Conflict:
    """Breaking news revised over time: figures ordered by publication, the latest is current."""
    ordered = sorted(figs, key=_pub)
    rows = _runs(ordered, names)
    latest = ordered[-1]
    return Conflict(
        id="", topic=topic, kind="update", severity="low",
        explanation=f"The figure for {topic} changed as reports came in: {rows}; the latest is {_shown(latest)}.",
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
    hedges = sorted({n.qualifier for f in figs for n in f.numbers if n.qualifier and n.qualifier != "vague"})
    if hedges:  # "roughly 130 miles" fits 143 miles by its hedge, not by rounding
        read = " and ".join(f"“{h}”" for h in hedges)
        explanation = f"Not a contradiction: {listed} {both} fit one value, {common}, once rounding and {read} are read."
    else:
        explanation = f"Not a contradiction: {listed} {both} round the same value, {common}, within the precision given."
    return Conflict(
        id="", topic=topic, kind="rounding", severity="none", explanation=explanation,
        claims=[_claim_row(f, n) for f in figs for n in f.numbers], outlets=sorted({f.source for f in figs}),
    )


def different_measure(a: Figure, b: Figure, ctx: Ctx) -> Conflict:
    """Two counts that look alike but count different things (visits vs meetings; U.S. citizens vs everyone killed)."""
    na, nb = ctx.sources.get(a.article, a.article), ctx.sources.get(b.article, b.article)
    wa, wb = _counted(a), _counted(b)
    explanation = (
        f"Not a contradiction: “{a.primary.text}” ({na}) counts {wa} while “{b.primary.text}” ({nb}) counts {wb}; "
        "they measure different things."
    )
    return Conflict(
        id="", topic=f"{wa} / {wb}", kind="different-measure", severity="none",
        explanation=explanation, claims=[_claim_row(a), _claim_row(b)], outlets=sorted({na, nb}),
    )


def _counted(f: Figure) -> str:
    """What a figure counts, in words: "people killed", "U.S. citizens killed", "visits to Paris"."""
    role, region = f.group
    what = f.what.split(":")[-1] if f.what.startswith("people:") else ""
    noun = (f.claim.measures or "").split(" ")[0] if f.what.startswith("people:") else f.claim.measures
    noun = noun or "people"
    if region and region.upper() in ("US", "UK"):
        noun = f"{region.upper()} {noun}"
    elif region:
        noun = f"{region.title()} {noun}"
    verb = _WHAT_TOPIC.get(what, "").split(" ")[-1] if what and what != "?" else ""
    return f"{noun} {verb}".strip() or "one thing"
