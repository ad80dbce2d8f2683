"""Propositions: facts several outlets state in different sentences, found through what the sentences share.

Outlets rarely agree sentence for sentence: one lead says the crash "killed everyone on board", another opens on
the victims and states the toll in its third paragraph. Sentence clusters (`facts`) find close paraphrases; this
step adds a fact for each anchor (a figure, a named thing, a distinctive phrase) that sentences of several
independent sources carry in a similar statement: each other article's closest sentence holding the anchor joins
when it states the same claim (`sameclaim`: what is distinctive in both, no other figure or day; the sentence
vectors only help) and states no different figure for the same measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..model import Fact, Variant
from .facts import Unit, disagree, years_clash
from .sameclaim import SAME, ClaimCheck
from .tokens import _DIGITS, claim_words

NEAR_SAME = 0.6  # a proposition whose sentences mostly belong to an earlier fact adds nothing
MAX_PER_ANCHOR = 2  # propositions read off one anchor (a name can head two different statements)
DENSE_MAX = 4000  # up to this many sentences the story's cosine and shared-anchor matrices are computed once
MAX_ROWS = 60  # nor in more sentences than this, whatever the story's size (keeps the step near-linear)
SPECIFIC = 0.1  # anchors in more than this share of the story's sentences are no anchor ("crash", the main actors)

@lru_cache(maxsize=1 << 16)
def _anchors(text: str) -> frozenset[str]:
    """A sentence's anchors: its claim words (content words, number words as digits, adjacent pairs) of four letters
    or more, and numbers; memoised (a story asks for each sentence's anchors many times)."""
    return frozenset(w for w in claim_words(text) if " " in w or len(w) >= 4 or _DIGITS.match(w))


def propositions(units: Sequence[Unit], E: np.ndarray, facts: list[Fact], min_support: int = 2,
                 check: ClaimCheck | None = None) -> list[Fact]:
    """Facts beyond the sentence clusters `facts`: one per anchor that several independent sources state alike.

    A proposition led by a sentence of an existing fact extends that fact with its other articles' sentences
    instead. Reads the units (with sources, figures) and their embeddings; `check` (a `ClaimCheck` of the units)
    keeps out sentences on the topic that state another claim. Returns the new facts."""
    n = len(units)
    if n < 2:
        return []
    check = check or ClaimCheck(units)
    anchors = [_anchors(u.sentence.text) for u in units]
    holders: dict[str, list[int]] = defaultdict(list)
    for i, an in enumerate(anchors):
        for a in sorted(an):  # a set's order varies with the hash seed; ties between anchors' groups must not
            holders[a].append(i)
    # the story's main actors are in every other sentence: only specific anchors make or join a proposition
    limit = max(min(SPECIFIC * n, MAX_ROWS), 3)
    specific = {a for a, rows in holders.items() if len(rows) <= limit}
    order = {aid: i for i, aid in enumerate(dict.fromkeys(u.article for u in units))}
    art = np.array([order[u.article] for u in units])  # article ids as stable numbers (str hashes vary by run)
    measured = np.array([bool(u.figures) for u in units])
    S_all = E @ E.T if n <= DENSE_MAX else None  # one product beats one per anchor; larger stories pay per anchor
    # each pair's claim score as the anchors' groups first ask for it (NaN: not asked yet); anchors share
    # sentences, so most pairs recur, and reading them back as a block beats one lookup a pair
    B_all = np.full((n, n), np.nan, dtype=S_all.dtype) if S_all is not None else None
    found: list[tuple[float, list[int], str]] = []
    seen: dict[tuple[int, int], bool] = {}
    for anchor, rows in holders.items():
        if anchor not in specific:
            continue
        if len({units[r].source for r in rows}) < min_support or len({units[r].article for r in rows}) < 2:
            continue
        left = np.array(rows)
        for _ in range(MAX_PER_ANCHOR):
            group = _best_group(left, units, E, art, measured, S_all, seen, check, B_all)
            if group is None:
                break
            found.append((*group, anchor))
            left = np.array([r for r in left if r not in group[1]])
            if len({units[r].source for r in left}) < min_support:
                break
    found.sort(key=lambda g: -g[0])
    key = lambda m: (units[m].article, units[m].sentence.start)  # noqa: E731
    row = {key(m): m for m in range(n)}
    owner: dict[tuple[str, int], Fact] = {}
    for f in facts:
        for v in f.variants:
            owner.setdefault((v.article, v.start), f)
    taken = [({(v.article, v.start) for v in f.variants}, f) for f in facts]
    out: list[Fact] = []
    for _, members, anchor in found:
        keys = {key(m) for m in members}
        host = owner.get(key(members[0]))
        if host is not None and anchor in _anchors(host.text):
            lead = _lead(host, row, members[0])
            _extend(host, [m for m in members if units[m].article not in set(host.articles)
                           and check.same(m, lead, float(E[m] @ E[lead]))], units)
            continue
        within = next((f for t, f in taken if len(keys & t) >= NEAR_SAME * min(len(keys), len(t))), None)
        if within is not None:  # mostly an earlier fact's sentences: its other articles' sentences join that fact
            lead = _lead(within, row, members[0])
            _extend(within, [m for m in members if units[m].article not in set(within.articles)
                             and check.same(m, lead, float(E[m] @ E[lead]))], units)
            continue
        # one sentence already in a proposition of the same figure ("killed more than 20,000 people" joined
        # by a sentence that also backs "claimed more than 20,000 lives"): the rest extend that proposition
        near = next((owner[k] for k in map(key, members) if k in owner
                     and _figures(owner[k].text) & _figures(units[members[0]].sentence.text)), None)
        if near is not None:
            lead = _lead(near, row, members[0])
            _extend(near, [m for m in members if units[m].article not in set(near.articles)
                           and check.same(m, lead, float(E[m] @ E[lead]))], units)
            continue
        f = _fact(members, units)
        taken.append((keys, f))
        out.append(f)
        for k in keys:
            owner.setdefault(k, f)
    return out


def _lead(f: Fact, row: dict[tuple[str, int], int], default: int) -> int:
    """The unit row of fact `f`'s lead sentence (`default` when it is not a unit)."""
    return next((row[(v.article, v.start)] for v in f.variants if v.text == f.text and (v.article, v.start) in row),
                default)


def _best_group(rows: np.ndarray, units: Sequence[Unit], E: np.ndarray, art: np.ndarray,
                measured: np.ndarray, S_all: np.ndarray | None,
                seen: dict[tuple[int, int], bool], check: ClaimCheck,
                B_all: np.ndarray | None = None) -> tuple[float, list[int]] | None:
    """The lead sentence whose anchor-holding neighbours in other articles agree with it most, and those neighbours.
    `B_all` (n x n, NaN where not asked yet) keeps the pair scores `check` gave across calls."""
    rows = rows[np.argsort(art[rows], kind="stable")]
    a = art[rows]
    if len(set(a.tolist())) < 2:
        return None
    block = np.ix_(rows, rows)
    S = S_all[block] if S_all is not None else E[rows] @ E[rows].T
    other = a[:, None] != a[None, :]
    # on the topic is not the same claim: the two must share what is distinctive in them (cosine only helps)
    if B_all is None:
        B = np.zeros_like(S)
        for x, y in zip(*np.nonzero(np.triu(other, 1))):
            B[x, y] = B[y, x] = check.score(int(rows[x]), int(rows[y]), float(S[x, y]))
    else:  # the same scores, each pair asked of `check` once (its first ask, with the same cosine, sets it)
        B = B_all[block]
        xs, ys = np.nonzero(other & np.isnan(B))
        xs, ys = xs[xs < ys], ys[xs < ys]  # the upper triangle, in the same (row-major) order
        if len(xs):
            I, J = rows[xs], rows[ys]
            got = np.full(len(xs), -np.inf, dtype=B.dtype)  # what `score` gives a pair sharing no specific word
            ask = check.shares[I, J] if check.shares is not None else np.ones(len(xs), dtype=bool)
            got[ask] = [check.score(i, j, c) for i, j, c in zip(I[ask].tolist(), J[ask].tolist(), S[xs[ask], ys[ask]].tolist())]
            B_all[I, J] = B_all[J, I] = B[xs, ys] = B[ys, xs] = got
        B[~other] = 0.0
    ok = other & (B >= SAME)
    if not ok.any():
        return None  # no pair states one claim: every lead scores 0
    M = np.where(ok, B, 0.0)
    starts = np.flatnonzero(np.concatenate(([True], a[1:] != a[:-1])))
    ends = np.append(starts[1:], len(rows))
    scores = np.maximum.reduceat(M, starts, axis=1).sum(1)  # lead x best per article, before figure checks
    best: tuple[float, list[int]] | None = None
    for lead in np.argsort(-scores)[:3]:
        if scores[lead] <= 0 or (best and scores[lead] <= best[0]):
            break
        members, score = [int(rows[lead])], 0.0
        for s0, s1 in zip(starts, ends):
            for c in s0 + np.argsort(-M[lead, s0:s1]):
                if M[lead, c] <= 0:
                    break
                if measured[rows[lead]] and measured[rows[c]] and _disagree(int(rows[lead]), int(rows[c]), units, seen):
                    continue  # another figure for the same thing: no support
                if years_clash(units[rows[lead]].sentence.text, units[rows[c]].sentence.text):
                    continue  # another year: another time, or a disagreement
                members.append(int(rows[c]))
                score += float(M[lead, c])
                break
        if len({units[m].source for m in members}) >= 2 and (best is None or score > best[0]):
            best = (score, members)
    return best


def _disagree(x: int, y: int, units: Sequence[Unit], seen: dict[tuple[int, int], bool]) -> bool:
    """`disagree` (strict), remembered per pair: anchors share sentences, so pairs recur."""
    k = (x, y) if x < y else (y, x)
    if k not in seen:
        seen[k] = disagree(units[x], units[y], strict=True)
    return seen[k]


def _extend(f: Fact, members: list[int], units: Sequence[Unit]) -> None:
    """Add other articles' sentences to an existing fact (its lead wording stays)."""
    _absorb(f, [Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
                for m in members], {units[m].source for m in members})


def _absorb(f: Fact, variants: list[Variant], outlets: set[str]) -> None:
    """Add sentences (and the outlets behind them) to fact `f`; a sentence it holds already is not added twice."""
    if not variants:
        return
    have = {(v.article, v.start) for v in f.variants}
    f.variants = sorted(f.variants + [v for v in variants if (v.article, v.start) not in have],
                        key=lambda v: (v.article, v.start))
    f.articles = sorted({*f.articles, *(v.article for v in variants)})
    f.outlets = sorted({*f.outlets, *outlets})
    f.support = len(f.outlets)


def _fact(members: list[int], units: Sequence[Unit]) -> Fact:
    lead = members[0]
    variants = [Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
                for m in sorted(members, key=lambda m: (units[m].article, units[m].sentence.start))]
    sources = sorted({units[m].source for m in members})
    return Fact(id="", text=units[lead].sentence.text, articles=sorted({units[m].article for m in members}),
                support=len(sources), variants=variants, outlets=sources)


def _figures(text: str) -> set[str]:
    """The significant figures a sentence states (as `_anchors` reads them): no small counts, no years."""
    out = set()
    for t in _anchors(text):
        if _DIGITS.match(t):
            v = float(t)
            if v >= 13 and not (1900 <= v <= 2100 and v.is_integer()):
                out.add(t)
    return out


SAME_FACT = 0.93  # two facts whose lead sentences are this close in meaning state one thing (0.86-0.91 still
# pairs different statements that share a dateline or a toll)


def merge_near_duplicates(facts: list[Fact], units: Sequence[Unit], E: np.ndarray,
                          check: ClaimCheck | None = None) -> list[Fact]:
    """One statement found twice (a sentence cluster and a proposition, one wire's sentence in two outlets'
    copies, or two clusters split by wording: "relatives on holiday" / "on vacation") is one fact: the
    better-supported keeps its lead and takes the other's sentences. Leads with different figures never merge."""
    at = {(u.article, u.sentence.start): i for i, u in enumerate(units)}
    leads = []
    for f in facts:
        v = next((v for v in f.variants if v.text == f.text and (v.article, v.start) in at), None)
        leads.append(at[(v.article, v.start)] if v else None)
    rows = [k for k, i in enumerate(leads) if i is not None]
    if len(rows) < 2:
        return facts
    L = E[[leads[k] for k in rows]]
    S = L @ L.T
    rank = {k: n for n, k in enumerate(sorted(rows, key=lambda k: (-facts[k].support, -len(facts[k].articles), k)))}
    close = [(rows[i], rows[j]) for i, j in zip(*np.nonzero(S >= SAME_FACT)) if i < j]  # only near pairs, not all
    host_of: dict[int, int] = {}
    for x, y in sorted(close, key=lambda p: min(rank[p[0]], rank[p[1]])):
        x, y = (x, y) if rank[x] < rank[y] else (y, x)
        x = host_of.get(x, x)
        if y in host_of or x == y or disagree(units[leads[x]], units[leads[y]], strict=True):
            continue
        if check is not None and not check.same(leads[x], leads[y], float(E[leads[x]] @ E[leads[y]])):
            continue
        _absorb(facts[x], facts[y].variants, set(facts[y].outlets))
        host_of[y] = x
    gone = set(host_of)
    return [f for k, f in enumerate(facts) if k not in gone]
