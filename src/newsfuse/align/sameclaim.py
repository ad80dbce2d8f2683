"""Same claim: whether two sentences state one thing, read from their structure, not their topic.

Sentence vectors say two sentences are about the same story; in a story every sentence is. Two sentences state
the same claim when they share what is distinctive in them (names, the predicate, the figure: content words
weighted by how rare they are in the story), give no different figure in one unit, and date what they tell to
the same day where both give one. `ClaimCheck` is built once per story and answers for pairs of units.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from ..model import DateRef, Sentence
from .facts import ROUNDING
from .spans import sentence_of
from .tokens import claim_words

COS_WEIGHT = 0.5  # the sentence vectors' say in the blend: cover + COS_WEIGHT * (cosine - COS_FLOOR)
COS_FLOOR = 0.5  # static vectors of two sentences of one story sit about here: only closer ones add
FIGURE_BONUS = 0.15  # both state one significant figure ("197 girls"): strong evidence of one claim
SPECIFIC = 0.05  # words in more than this share of the story's sentences (at least 3) are its topic, not a claim's
COPIED = 1.5  # a word whose count a wire's copies multiply this much is counted once per statement for SPECIFIC
SAME = 0.1  # the blend at which two sentences state one claim (dev: fusion gold and supports judged)
APART_DAYS = 7  # two sentences dating what they tell this many days apart tell of different occasions
# relative spans and reporting times ("two years ago", "since Monday") date a backdrop, not the claim's occasion
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_REPORTED = re.compile(r"\b(?:said|says|announced|reported|told|confirmed|disclosed|revealed|added|stated|estimated|"
                       r"acknowledged|admitted)\b(?:\s+\w+){0,2}\s+(?:on|late|early|this)?\s*$", re.I)
_BACKDROP = ("ago", "since", "last", "past", "next", "within", "earlier", "later", "until", "by ", "today", "yesterday",
             "tonight", "this ")


# "SEOUL, South Korea —", "TOKYO/SEOUL (Reuters) -", "(CNN)": where a report was filed, not what it says
_DATELINE = re.compile(r"^\s*(?:\(\w+\)\s*)?(?:[A-Z][A-Z./' ]+(?:,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*)*)?\s*(?:\([^)]{1,30}\))?\s*[-—–]+\s*)?")


class ClaimCheck:
    """Distinctive-word overlap, figure and date compatibility of a story's sentences (`units` of align)."""

    def __init__(self, units: Sequence, dates: dict[tuple[str, int], frozenset[tuple[int, int]]] | None = None) -> None:
        self.units = units
        # content words and canonical entities ("Kim" and "Kim Jong Un" are one name), weighted by rarity
        self.words = [claim_words(_DATELINE.sub("", u.sentence.text)) | {f"@{e}" for e in u.entities} for u in units]
        df = Counter(chain.from_iterable(self.words))
        n = max(len(units), 1)
        # squared idf: a story's topic words ("missile", "launch") weigh next to nothing beside its rare ones
        weight = {c: math.log((n + 1) / (c + 0.5)) ** 2 for c in set(df.values())}  # one log per count, not per word
        self.idf = {w: weight[c] for w, c in df.items()}
        self.mass = [sum(map(self.idf.__getitem__, ws)) for ws in self.words]
        limit = max(3.0, SPECIFIC * n)
        rare = {w for w, c in df.items() if c <= limit}
        # nor do a wire's copies make its words the story's topic: five outlets running one sentence of one source
        # state it once (one quote that independent outlets each report is said in each); counted so, a word is specific
        # where copies multiply its count by COPIED or more (not where a copy or two tip it over the limit)
        told = {(u.source, ws): ws for u, ws in zip(units, self.words)}
        if len(told) < len(self.words):
            limit = max(3.0, SPECIFIC * len(told))
            rare.update(w for w, c in Counter(chain.from_iterable(told.values())).items()
                        if c <= limit and df[w] >= COPIED * c)
        self.specific = [ws & rare for ws in self.words]
        self.shares = _sharing(self.specific)
        self.names = [u.names for u in units]
        self.qunits = [frozenset(q for _, q in u.quantities) for u in units]
        self.dates = [(dates or {}).get((u.article, u.sentence.index), frozenset()) for u in units]
        digits = {w for w in df if w[:1].isdigit()}
        figures = [ws & digits for ws in self.words]  # most sentences write none
        self.numbers = [_numbers(ws) for ws in figures]
        self.significant = [_significant(ws) for ws in figures]
        self._memo: dict[tuple[int, int], float] = {}
        self._clash: dict[tuple[int, int], bool] = {}
        self._score: dict[tuple[int, int], float] = {}

    def cover(self, i: int, j: int) -> float:
        """The distinctive weight (squared idf) the two sentences share, over the geometric mean of their weights."""
        k = (i, j) if i < j else (j, i)
        c = self._memo.get(k)
        if c is None:
            shared = self.words[i] & self.words[j]
            # against both sentences' weight (geometric mean): a three-word heading is not "covered" by any
            # sentence that repeats its one rare word
            low = math.sqrt(self.mass[i] * self.mass[j])
            c = sum(map(self.idf.__getitem__, shared)) / low if low > 0 else 0.0
            self._memo[k] = c
        return c

    def clash(self, i: int, j: int) -> bool:
        """Different figures in one unit with none in common, or different days for what both tell."""
        k = (i, j) if i < j else (j, i)
        c = self._clash.get(k)
        if c is None:
            a, b = self.units[i], self.units[j]
            c = self.apart(i, j) or bool(self.qunits[i] & self.qunits[j]) and _figures_clash(
                a.quantities, b.quantities, self.numbers[i], self.numbers[j])
            self._clash[k] = c
        return c

    def score(self, i: int, j: int, cos: float) -> float:
        """How surely units i and j state one claim: the distinctive weight they share (`cover`), a bonus when
        they state one significant figure, and their vectors' cosine above the story's usual at half weight;
        -inf when they clash or share nothing beyond the story's topic words."""
        k = (i, j) if i < j else (j, i)
        c = self._score.get(k)  # a pair's cosine is one number: its score is too
        if c is None:
            if not self.share(i, j) or self.clash(i, j):
                c = -math.inf  # another figure or day, or nothing in common beyond the story's topic
            else:
                c = self.cover(i, j) + COS_WEIGHT * (cos - COS_FLOOR)
                if self.significant[i] & self.significant[j] or _figures_shared(
                        self.units[i].quantities, self.units[j].quantities):
                    c += FIGURE_BONUS
            self._score[k] = c
        return c

    def share(self, i: int, j: int) -> bool:
        """Do units i and j share a word beyond the story's topic (their `specific` words)?"""
        if self.shares is not None:
            return bool(self.shares[i, j])
        return bool(self.specific[i] & self.specific[j])

    def beyond_names(self, i: int, j: int) -> bool:
        """Do units i and j share a specific word that is no part of a name either writes? Two sentences sharing
        only a name ("the United Nations Security Council would meet Friday" / "... passed new sanctions") tell two
        things about it."""
        names = self.names[i] | self.names[j]
        return any(w[0] != "@" and w not in names for w in self.words[i] & self.words[j])

    def apart(self, i: int, j: int) -> bool:
        """Do the two sentences date what they tell to occasions a week or more apart?"""
        da, db = self.dates[i], self.dates[j]
        return bool(da and db) and min(max(b0 - a1, a0 - b1) for a0, a1 in da for b0, b1 in db) >= APART_DAYS

    def same(self, i: int, j: int, cos: float) -> bool:
        """Do units i and j state one claim (`score` at least SAME)?"""
        return self.score(i, j, cos) >= SAME


SHARES_MAX = 4000  # up to this many sentences, which pairs share a specific word is one n x n table


def _sharing(specific: Sequence[frozenset[str]]) -> np.ndarray | None:
    """n x n: does sentence i share a specific word with sentence j? One sparse product for the story, so
    pairs with nothing distinctive in common are ruled out in bulk (None for very large stories)."""
    n = len(specific)
    if n > SHARES_MAX:
        return None
    vocab = {w: k for k, w in enumerate(set().union(*specific))}  # column order is immaterial to the answer
    cols = [vocab[w] for ws in specific for w in ws]
    indptr = np.cumsum([0] + [len(ws) for ws in specific])
    A = sparse.csr_matrix((np.ones(len(cols), dtype=np.int32), cols, indptr), shape=(n, max(len(vocab), 1)))
    return (A @ A.T).toarray() > 0


def _numbers(words: Iterable[str]) -> frozenset[float]:
    """Every number a sentence writes."""
    out = set()
    for w in words:
        if w[:1].isdigit():
            try:
                out.add(float(w))
            except ValueError:
                continue
    return frozenset(out)


def _significant(words: Iterable[str]) -> set[str]:
    """The figures among a sentence's words that identify a claim: 13 and up, not a year ("197", "20000")."""
    out = set()
    for w in words:
        if w[:1].isdigit():
            try:
                v = float(w)
            except ValueError:
                continue
            if v >= 13 and not (1900 <= v <= 2100 and v.is_integer()):
                out.add(w)
    return out


def _near(a: float, b: float) -> bool:
    return abs(a - b) <= ROUNDING * max(abs(a), abs(b))


def _figures_shared(qa: frozenset, qb: frozenset) -> bool:
    return any(ua == ub and _near(va, vb) for va, ua in qa for vb, ub in qb)


def _figures_clash(qa: frozenset, qb: frozenset, na: frozenset = frozenset(), nb: frozenset = frozenset()) -> bool:
    """Both give figures in some unit within a factor of three, and none of those figures is one the other gives
    (within rounding). Counts: 13 and up, no years; a number the other sentence writes anywhere (`na`, `nb`: claims
    may miss one, as in "21 of the more than 200") is one it gives."""
    for unit in {u for _, u in qa} & {u for _, u in qb}:
        va = [v for v, u in qa if u == unit and (unit or _counted(v))]
        vb = [v for v, u in qb if u == unit and (unit or _counted(v))]
        if not any(_comparable(x, y) for x in va for y in vb):
            continue
        if not unit:
            va, vb = va + [v for v in na if _counted(v)], vb + [v for v in nb if _counted(v)]
        if not any(_near(x, y) for x in va for y in vb):
            return True
    return False


def _comparable(a: float, b: float) -> bool:
    """Within a factor of three: two readings of one measure could differ so; "$121 billion" and "$82" a share
    measure different things."""
    lo, hi = sorted((abs(a), abs(b)))
    return lo > 0 and hi <= 3 * lo


def _counted(v: float) -> bool:
    return v >= 13 and not (1900 <= v <= 2100 and v.is_integer())


def occasion_days(sentences: Sequence[Sentence], dates: Sequence[DateRef]) -> dict[int, frozenset[tuple[int, int]]]:
    """Sentence index -> the spans of days (first, last ordinal) its occasion dates resolve to: a named day, date
    or month with its year ("Friday", "August 29", "July 2017"), not a relative span or the time of reporting
    ("two years ago", "today", "last month", "said on Monday")."""
    out: dict[int, set[tuple[int, int]]] = {}
    for d in dates:
        if d.granularity not in ("day", "month") or d.start < 0 or any(w in d.expression.lower() for w in _BACKDROP):
            continue
        if d.granularity == "month" and not _YEAR.search(d.expression):
            continue  # "in May" alone may be last May or next May as each article reads it
        s = sentence_of(sentences, d.start)
        if s is not None and _REPORTED.search(s.text[max(0, d.start - s.start - 30) : max(0, d.start - s.start)]):
            continue  # "Equifax said on Monday ...": when it was said, not when it happened (a revised toll is one)
        try:
            first = datetime.date.fromisoformat(d.date[:10]).toordinal()
            last = datetime.date.fromisoformat(d.end_date[:10]).toordinal() if d.end_date else first
        except ValueError:
            continue
        if d.granularity == "month" and not d.end_date:
            last = first + 30
        if s is not None:
            out.setdefault(s.index, set()).add((first, max(first, last)))
    return {k: frozenset(v) for k, v in out.items()}
