"""Facts: alignable sentences (units) with their entities, quantities and speakers, scored and merged."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from ..model import Analysis, Article, Claim, Entity, Fact, Quote, QuoteGroup, Sentence, Variant
from .speakerkeys import PRONOUNS, SpeakerResolver
from .sources import source_keys
from .spans import entities_in, entity_index, mention_texts, sentence_of
from .tokens import alignable, name_words, tokens
from .vectors import pair_dots, row_dot


ROUNDING = 0.1  # figures this close (relative) may be one figure rounded or converted: no disagreement
VAGUE = frozenset({"vague", "several", "some", "many", "dozens", "hundreds", "thousands", "millions", "few"})


@dataclass
class Unit:
    """One alignable sentence with what align learned about it."""

    article: str
    sentence: Sentence
    source: str
    entities: frozenset[str] = frozenset()
    quantities: frozenset[tuple[float, str]] = frozenset()
    measured: frozenset[tuple[float, str, str]] = frozenset()  # (value, unit, what it measures)
    figures: frozenset[tuple[float, str, str]] = frozenset()  # the same, small counts included (for disagreement)
    speakers: frozenset[str] = frozenset()  # speakers of quotes that make up most of the sentence
    direct: bool = False  # the sentence is mostly a direct quote
    quote_groups: frozenset[str] = frozenset()  # quote groups of the quotes making up most of the sentence
    names: frozenset[str] = frozenset()  # claim words (`tokens.claim_words`) of the entity names it writes


@dataclass
class Alignment:
    """Facts plus the evidence behind them, reusable by later brief steps (conflicts, timeline)."""

    units: list[Unit]
    E: np.ndarray
    X: sparse.csr_matrix
    facts: list[Fact]
    fact_of: dict[tuple[str, int], str] = field(default_factory=dict)  # (article, sentence index) -> fact id
    index: dict[tuple[str, int], int] = field(default_factory=dict)  # (article, sentence index) -> unit row
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # candidate (I, J, score)
    sources: dict[str, str] = field(default_factory=dict)
    check: object | None = None  # the story's `sameclaim.ClaimCheck` over `units`

    def apart(self, a: tuple[str, int], b: tuple[str, int]) -> bool:
        """Do two sentences (article id, sentence index) date what they tell to occasions a week or more apart
        (`ClaimCheck.apart`)? False when unknown."""
        i, j = self.index.get(a), self.index.get(b)
        return i is not None and j is not None and self.check is not None and self.check.apart(i, j)

    def similarity(self, a: tuple[str, int], b: tuple[str, int]) -> float:
        """Cosine of two sentences, identified by (article id, sentence index); 0 when unknown."""
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.E[i] @ self.E[j])

    def lexical(self, a: tuple[str, int], b: tuple[str, int]) -> float:
        """TF-IDF cosine of two sentences; 0 when unknown."""
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return row_dot(self.X, i, j)


def quantity_key(value: float, unit: str) -> tuple[float, str]:
    """A hashable key for a normalised quantity: 4 significant digits and its unit."""
    if value == 0 or not math.isfinite(value):
        return (0.0, unit)
    return (float(f"{value:.4g}"), unit)


def measure_key(measures: str) -> str:
    """What a claim measures, folded for matching: content words, plurals folded ("visits to X" ~ "visit to X")."""
    return " ".join(tokens(measures))


def _claim_quantities(claims: Sequence[Claim], sentences: Sequence[Sentence]) -> tuple[dict[int, set[tuple]], dict[int, set[tuple]]]:
    """Sentence index -> {(value, unit)} and {(value, unit, measure)} of its non-trivial quantities; and sentence
    index -> {(value, unit, measure)} of every precise figure, small counts included (for disagreement)."""
    out: dict[int, set[tuple]] = defaultdict(set)
    figures: dict[int, set[tuple]] = defaultdict(set)
    for c in claims:
        s = sentence_of(sentences, c.start)
        if s is None:
            continue
        for q in c.quantities:
            if c.measures and q.qualifier not in VAGUE and q.unit != "ordinal":
                figures[s.index].add((*quantity_key(q.value, q.unit), measure_key(c.measures)))
            if q.unit in ("", "ordinal") and abs(q.value) < 10:  # small counts are too common to align on
                continue
            if q.qualifier in VAGUE:  # "thousands", "several": not a figure anyone can corroborate
                continue
            k = quantity_key(q.value, q.unit)
            out[s.index].add(k)
            if c.measures:
                out[s.index].add((*k, measure_key(c.measures)))
    return out, figures


def _quote_speakers(quotes: Sequence[Quote], sentences: Sequence[Sentence], resolve) -> tuple[dict[int, set[str]], set[int]]:
    """Sentence index -> speakers of the quotes that make up most of that sentence; and which are mostly direct."""
    out: dict[int, set[str]] = defaultdict(set)
    direct: set[int] = set()
    starts = [s.start for s in sentences]  # sorted by start, as the caller passes them
    for q in quotes:
        s = sentence_of(sentences, q.start)
        if s is None or not q.speaker:
            continue
        # every sentence the quote covers: "“I'll miss the players. I'll miss the anthem,” he said." is two
        # sentences of one quote, and the second is no less the speaker's
        k = bisect_left(starts, s.start)
        while k < len(sentences) and sentences[k].start < q.end:
            s = sentences[k]
            if min(q.end, s.end) - max(q.start, s.start) >= 0.4 * max(s.end - s.start, 1):
                out[s.index].add(resolve(q)[0])
                if q.direct:
                    direct.add(s.index)
            k += 1
    return out, direct


def build_units(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    entities: Sequence[Entity] = (),
    sources: dict[str, str] | None = None,
) -> list[Unit]:
    """The story's alignable sentences, each with its entities, quantities and quote speakers."""
    sources = sources or source_keys(articles)
    ents = entity_index(entities)
    named = mention_texts(entities)
    resolve = SpeakerResolver(entities)
    units = []
    for a in articles:
        an = analyses.get(a.id)
        if an is None:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        qty, figs = _claim_quantities(an.claims, sents)
        spk, direct = _quote_speakers(an.quotes, sents, resolve)
        for s in sents:
            if not alignable(s.text):
                continue
            units.append(
                Unit(
                    article=a.id,
                    sentence=s,
                    source=sources.get(a.id, a.id),
                    entities=entities_in(ents.get(a.id, []), s.start, s.end),
                    quantities=frozenset(k for k in qty.get(s.index, ()) if len(k) == 2),
                    measured=frozenset(k for k in qty.get(s.index, ()) if len(k) == 3),
                    figures=frozenset(figs.get(s.index, ())),
                    speakers=frozenset(spk.get(s.index, ())),
                    direct=s.index in direct,
                    names=_name_words(named.get(a.id, []), s.start, s.end),
                )
            )
    return units


def _name_words(mentions: list[tuple[int, int, str]], start: int, end: int) -> frozenset[str]:
    """The claim words of the names mentioned in raw span start..end ("United Nations Security Council": unit,
    nation, secur, council and their pairs)."""
    k = bisect_left(mentions, (start, -1, ""))
    out: set[str] = set()
    while k < len(mentions) and mentions[k][0] < end:
        out |= name_words(mentions[k][2])
        k += 1
    return frozenset(out)


_YEAR = re.compile(r"(?<![\d,.$€£])(?:19[5-9]\d|20[0-4]\d)(?!\d|,\d)")
_SLOT = re.compile(r"([a-z]+)\W+(?:(?:in|of|since|from|by)\s+)?(?:(?:early|late|mid)[\s-]+)?$")


@lru_cache(maxsize=16384)
def _year_slots(text: str) -> dict[str, frozenset[str]]:
    """Each year a sentence names, by the word written before it ("pick by Toledo in 2004" -> toledo: {2004}).
    Memoised: candidate pairs share sentences; callers only read the result."""
    out: dict[str, set[str]] = defaultdict(set)
    for m in _YEAR.finditer(text):
        slot = _SLOT.search(text[max(0, m.start() - 40) : m.start()].lower())
        if slot:
            out[slot.group(1)].add(m.group())
    return {k: frozenset(v) for k, v in out.items()}


def years_clash(a: str, b: str) -> bool:
    """The same thing dated to different years ("the No. 1 pick by Toledo in 2004" / "by Toledo in 2003"):
    neither supports the other. Years in other places of the sentences ("formed in 2002") do not clash."""
    ya, yb = _year_slots(a), _year_slots(b)
    if not ya or not yb or set().union(*ya.values()) & set().union(*yb.values()):
        return False
    return any(ya[k] != yb[k] for k in ya.keys() & yb.keys())


def disagree(a: Unit, b: Unit, strict: bool = False) -> bool:
    """Both give a figure for one measure (the same unit, a shared word in what they count) and the figures differ:
    neither may stand as support for the other. `strict`: any two figures in one unit, when they share none."""
    if years_clash(a.sentence.text, b.sentence.text):
        return True
    va_all = {(v, u) for v, u, _ in a.figures}
    vb_all = {(v, u) for v, u, _ in b.figures}
    b_words = [(vb, ub, set(mb.split())) for vb, ub, mb in b.figures]
    for va, ua, ma in a.figures:
        wa = set(ma.split())
        for vb, ub, wb in b_words:
            if ua != ub or abs(va - vb) <= ROUNDING * max(abs(va), abs(vb)) or not (strict or wa & wb):
                continue  # 2,500 km and 1,500 miles are one range, rounded
            if (vb, ub) not in va_all and (va, ua) not in vb_all:
                return True
    return False


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def fact_scores(units: Sequence[Unit], X: sparse.csr_matrix, I: np.ndarray, J: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Pair scores: cosine + 0.5·TF-IDF + 0.15·entity Jaccard + a bonus when both state one quantity
    (0.2; 0.45 when it also measures the same thing); -inf when both are mostly quotes by different speakers."""
    lex = pair_dots(X, I, J)
    out = C + 0.5 * lex
    for t, (i, j) in enumerate(zip(I.tolist(), J.tolist())):
        ui, uj = units[i], units[j]
        if ui.entities and uj.entities:
            out[t] += 0.15 * _jaccard(ui.entities, uj.entities)
        if ui.measured & uj.measured:
            out[t] += 0.45
        elif ui.quantities & uj.quantities:
            out[t] += 0.2
        if ui.speakers and uj.speakers and not (ui.speakers & uj.speakers):
            out[t] = -np.inf
    return out


def attach_quote_groups(units: list[Unit], analyses: dict[str, Analysis], groups: Sequence[QuoteGroup]) -> None:
    """Mark each sentence that is mostly a quote with the quote group(s) of that quote."""
    if not groups:
        return
    row = {(u.article, u.sentence.index): u for u in units}
    sents = {aid: sorted(an.sentences, key=lambda s: s.start) for aid, an in analyses.items()}
    for g in groups:
        for v in g.variants:
            s = sentence_of(sents.get(v.article, []), v.start)
            if s is None or (v.end - v.start) < 0.4 * max(s.end - s.start, 1):
                continue
            u = row.get((v.article, s.index))
            if u is not None:
                u.quote_groups = u.quote_groups | {g.id}


def first_position(f: Fact, units: Sequence[Unit]) -> float:
    return min((v.start for v in f.variants), default=0)


def make_fact(members: list[int], units: Sequence[Unit], E: np.ndarray, score) -> Fact:
    """A fact from its sentences: the most central, most complete wording leads."""
    if len(members) > 1:
        sims = E[members] @ E[members].T
        central = (sims.sum(1) - 1) / (len(members) - 1)
    else:
        central = np.ones(1)
    best, best_score = members[0], -1e9
    for k, m in enumerate(members):
        words = len(units[m].sentence.text.split())
        completeness = min(words, 25) / 25 - max(words - 30, 0) / 20 + 0.05 * min(len(units[m].entities), 4)
        head = units[m].sentence.text.lstrip()
        quoted = 0.1 if head.startswith(("“", '"')) else 0.0
        pronoun = 0.1 if head.split(" ", 1)[0].lower() in PRONOUNS | {"his", "their", "this", "that"} else 0.0
        s = central[k] + 0.15 * completeness - quoted - pronoun
        if s > best_score:
            best, best_score = m, s
    variants = [
        Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
        for m in sorted(members, key=lambda m: (units[m].article, units[m].sentence.start))
    ]
    sources = sorted({units[m].source for m in members})
    return Fact(
        id="",
        text=units[best].sentence.text,
        articles=sorted({units[m].article for m in members}),
        support=len(sources),
        variants=variants,
        outlets=sources,
    )
