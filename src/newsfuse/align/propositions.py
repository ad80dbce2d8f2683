"""Propositions: facts several outlets state in different sentences, found through what the sentences share.

Outlets rarely agree sentence for sentence: one lead says the crash "killed everyone on board", another opens on
the victims and states the toll in its third paragraph. Sentence clusters (`facts`) find close paraphrases; this
step adds a fact for each anchor (a figure, a named thing, a distinctive phrase) that sentences of several
independent sources carry in a similar statement: each other article's closest sentence holding the anchor joins
when it states the same claim (`sameclaim`: what is distinctive in both, no other figure or day; the sentence
vectors only help), shares a word beyond the names both write (two things said of one organisation are two
claims) and states no different figure for the same measure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from scipy import sparse

from ..model import Fact, Variant
from .facts import Unit, disagree, years_clash
from .sameclaim import SAME, ClaimCheck
from .tokens import DIGITS, claim_words

NEAR_SAME = 0.6  # a proposition whose sentences mostly belong to an earlier fact adds nothing
MAX_PER_ANCHOR = 2  # propositions read off one anchor (a name can head two different statements)
DENSE_MAX = 4000  # up to this many sentences the story's cosine and shared-anchor matrices are computed once
MAX_ROWS = 60  # nor in more sentences than this, whatever the story's size (keeps the step near-linear)
# a sentence joins a proposition only when it shares this much of what is distinctive with it (`ClaimCheck.cover`),
# whatever the vectors say: on the six dev events' facts of 3+ articles, blind-judged, propositions' supports were
# 39 % right (the vectors carried pairs sharing one anchor and the story's names); 0.06 drops 26 % of the wrong
# ones for 5 % of the right (fusion gold -0.01); 0.12 drops 75 % for 28 % (gold -0.04). Kept at 0.06: of the 8 gold
# agreements a 0.08 floor loses, read one by one, 5 lose supports an editor would merge (the same claim in other
# words: "The maximum sentence appears unlikely.", "equivalent to 18 747s jetliners") and only 2 lose supports an
# editor would not (another claim sharing one word), 1 is mixed; 0.12 loses 18, most of them right paraphrases
MIN_COVER = 0.06
SPECIFIC = 0.1  # anchors in more than this share of the story's sentences are no anchor ("crash", the main actors)

@lru_cache(maxsize=1 << 16)
def _anchors(text: str) -> frozenset[str]:
    """A sentence's anchors: its claim words (content words, number words as digits, adjacent pairs) of four letters
    or more, and numbers; memoised (a story asks for each sentence's anchors many times)."""
    return frozenset(w for w in claim_words(text) if " " in w or len(w) >= 4 or DIGITS.match(w))


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
    # the story's main actors are in every other sentence: only specific anchors make or join a proposition
    limit = max(min(SPECIFIC * n, MAX_ROWS), 3)
    order = {aid: i for i, aid in enumerate(dict.fromkeys(u.article for u in units))}
    art = np.array([order[u.article] for u in units])  # article ids as stable numbers (str hashes vary by run)
    measured = np.array([bool(u.figures) for u in units])
    ordered = bool((np.diff(art) >= 0).all())  # units come article by article: anchors' rows need no sort
    S_all = E @ E.T if n <= DENSE_MAX else None  # one product beats one per anchor; larger stories pay per anchor
    sources = [u.source for u in units]
    asked = [(anchor, rows) for anchor, rows in _holders(anchors, 2, limit)
             if len({sources[r] for r in rows}) >= min_support and len({units[r].article for r in rows}) >= 2]
    # the claim score of every pair of other articles' sentences some anchor groups (0 within an article), all
    # at once: anchors share sentences, so most pairs recur, and reading them back as a block beats a lookup a pair
    M_all = _claim_scores(_grouped([rows for _, rows in asked], n), art, S_all, check) if S_all is not None else None
    found: list[tuple[float, list[int], str]] = []
    seen: dict[tuple[int, int], bool] = {}
    best_of: dict[tuple[int, ...], tuple[float, list[int]] | None] = {}  # anchors often hold the very same sentences
    for anchor, rows in asked:
        left = np.array(rows)
        for _ in range(MAX_PER_ANCHOR):
            held = tuple(left.tolist())
            if held not in best_of:
                best_of[held] = _best_group(left, units, E, art, measured, seen, check, M_all, ordered)
            group = best_of[held]
            if group is None:
                break
            found.append((group[0], list(group[1]), anchor))
            taken_rows = set(group[1])
            left = np.array([r for r in left.tolist() if r not in taken_rows])
            if len({sources[r] for r in left.tolist()}) < min_support:
                break
    found.sort(key=lambda g: -g[0])
    key = lambda m: (units[m].article, units[m].sentence.start)  # noqa: E731
    row = {key(m): m for m in range(n)}
    owner: dict[tuple[str, int], Fact] = {}
    for f in facts:
        for v in f.variants:
            owner.setdefault((v.article, v.start), f)
    taken = [({(v.article, v.start) for v in f.variants}, f) for f in facts]
    holding: dict[tuple[str, int], list[int]] = defaultdict(list)  # sentence -> the `taken` entries holding it
    empty = {k for k, (t, _) in enumerate(taken) if not t}  # a fact without sentences is "within" any group
    for k, (t, _) in enumerate(taken):
        for x in t:
            holding[x].append(k)
    out: list[Fact] = []
    for _, members, anchor in found:
        keys = {key(m) for m in members}
        host = owner.get(key(members[0]))
        if host is not None and anchor in _anchors(host.text):
            lead = _lead(host, row, members[0])
            _extend(host, [m for m in members if units[m].article not in set(host.articles)
                           and _joins(check, m, lead, float(E[m] @ E[lead]))], units)
            continue
        # the first entry of `taken` sharing enough sentences (one sharing none never does unless it has none)
        within = next((taken[k][1] for k in sorted(empty.union(*(holding.get(x, ()) for x in keys)))
                       if len(keys & taken[k][0]) >= NEAR_SAME * min(len(keys), len(taken[k][0]))), None)
        if within is not None:  # mostly an earlier fact's sentences: its other articles' sentences join that fact
            lead = _lead(within, row, members[0])
            _extend(within, [m for m in members if units[m].article not in set(within.articles)
                             and _joins(check, m, lead, float(E[m] @ E[lead]))], units)
            continue
        # one sentence already in a proposition of the same figure ("killed more than 20,000 people" joined
        # by a sentence that also backs "claimed more than 20,000 lives"): the rest extend that proposition
        near = next((owner[k] for k in map(key, members) if k in owner
                     and _figures(owner[k].text) & _figures(units[members[0]].sentence.text)), None)
        if near is not None:
            lead = _lead(near, row, members[0])
            _extend(near, [m for m in members if units[m].article not in set(near.articles)
                           and _joins(check, m, lead, float(E[m] @ E[lead]))], units)
            continue
        f = _fact(members, units)
        for x in keys:
            holding[x].append(len(taken))
        taken.append((keys, f))
        out.append(f)
        for k in keys:
            owner.setdefault(k, f)
    return out


def _holders(anchors: list[frozenset[str]], lo: int, hi: float) -> list[tuple[str, list[int]]]:
    """The anchors `lo` to `hi` sentences hold, each with those sentences' rows (ascending), in the order the
    sentences first hold them (alphabetical within one sentence: a set's order varies with the hash seed, and
    ties between anchors' groups must not)."""
    rows_of: dict[str, list[int]] = {}
    for r, held in enumerate(anchors):
        for a in held:
            got = rows_of.get(a)
            if got is None:
                rows_of[a] = [r]
            else:
                got.append(r)
    keep = [(a, rows) for a, rows in rows_of.items() if lo <= len(rows) <= hi]
    keep.sort(key=lambda ar: (ar[1][0], ar[0]))
    return keep


def _lead(f: Fact, row: dict[tuple[str, int], int], default: int) -> int:
    """The unit row of fact `f`'s lead sentence (`default` when it is not a unit)."""
    return next((row[(v.article, v.start)] for v in f.variants if v.text == f.text and (v.article, v.start) in row),
                default)


def _grouped(groups: list[list[int]], n: int) -> np.ndarray:
    """n x n: do sentences i and j share one of `groups`? One sparse product for all the story's anchors."""
    cols = [r for rows in groups for r in rows]
    indptr = np.cumsum([0] + [len(rows) for rows in groups])
    H = sparse.csr_matrix((np.ones(len(cols), dtype=np.int32), cols, indptr), shape=(len(groups), n))
    return (H.T @ H).toarray() > 0


def _claim_scores(pairs: np.ndarray, art: np.ndarray, S: np.ndarray, check: ClaimCheck,
                  index: np.ndarray | None = None) -> np.ndarray:
    """`check`'s score of each of `pairs` that joins two articles (with the cosine from the lower-numbered article's
    row) where it states one claim (at least SAME, MIN_COVER shared), else 0. Rows: the units `index` names (every
    unit when None), as `art` and the cosines `S` give them."""
    n = len(art)
    M = np.zeros((n, n), dtype=S.dtype)
    pairs = pairs & (art[:, None] < art[None, :])
    if check.shares is not None:
        pairs &= check.shares if index is None else check.shares[np.ix_(index, index)]
    I, J = np.nonzero(pairs)
    if not len(I):
        return M
    ui, uj = (I, J) if index is None else (index[I], index[J])
    # a pair sharing less than MIN_COVER states no one claim whatever its score: only the others are scored
    keep = np.array([check.cover(i, j) >= MIN_COVER and check.beyond_names(i, j) for i, j in zip(ui.tolist(), uj.tolist())],
                    dtype=bool)
    I, J, ui, uj = I[keep], J[keep], ui[keep], uj[keep]
    got = np.array([check.score(i, j, c) for i, j, c in zip(ui.tolist(), uj.tolist(), S[I, J].tolist())], dtype=S.dtype)
    got[~(got >= SAME)] = 0.0
    M[I, J] = M[J, I] = got
    return M


def _best_group(rows: np.ndarray, units: Sequence[Unit], E: np.ndarray, art: np.ndarray, measured: np.ndarray,
                seen: dict[tuple[int, int], bool], check: ClaimCheck,
                M_all: np.ndarray | None = None, ordered: bool = False) -> tuple[float, list[int]] | None:
    """The lead sentence whose anchor-holding neighbours in other articles agree with it most, and those neighbours.
    `M_all` (n x n, from `_claim_scores`) holds the pair scores that state one claim, else 0; without it (a story
    past DENSE_MAX) `rows`' pairs are scored here, the same way. `ordered`: `rows` (ascending) are in article order."""
    if not ordered:
        rows = rows[np.argsort(art[rows], kind="stable")]
    a = art[rows]
    if a[0] == a[-1]:
        return None  # one article
    if M_all is None:
        M = _claim_scores(np.ones((len(rows), len(rows)), dtype=bool), a, E[rows] @ E[rows].T, check, rows)
    else:
        M = M_all.take(rows, 0).take(rows, 1)
    if not M.any():
        return None  # no pair states one claim: every lead scores 0
    al = a.tolist()
    starts = [k for k in range(len(al)) if k == 0 or al[k] != al[k - 1]]
    spans = list(zip(starts, starts[1:] + [len(al)]))
    scores = np.maximum.reduceat(M, starts, axis=1).sum(1)  # lead x best per article, before figure checks
    rl = rows.tolist()
    best: tuple[float, list[int]] | None = None
    for lead in np.argsort(-scores)[:3].tolist():
        if scores[lead] <= 0 or (best and scores[lead] <= best[0]):
            break
        row = M[lead].tolist()
        members, score = [rl[lead]], 0.0
        for s0, s1 in spans:
            for c in _by_score(row, s0, s1, M[lead]):
                if row[c] <= 0:
                    break
                if measured[rl[lead]] and measured[rl[c]] and _disagree(rl[lead], rl[c], units, seen):
                    continue  # another figure for the same thing: no support
                if years_clash(units[rl[lead]].sentence.text, units[rl[c]].sentence.text):
                    continue  # another year: another time, or a disagreement
                members.append(rl[c])
                score += row[c]
                break
        if len({units[m].source for m in members}) >= 2 and (best is None or score > best[0]):
            best = (score, members)
    return best


def _by_score(row: list[float], s0: int, s1: int, M_row: np.ndarray) -> list[int]:
    """Columns s0..s1-1 of a lead's row, highest score first (numpy's order where two positive scores tie)."""
    seg = row[s0:s1]
    if max(seg) <= 0:
        return []  # the caller stops at the first score that is not positive
    positive = [v for v in seg if v > 0]
    if len(set(positive)) < len(positive):
        return (s0 + np.argsort(-M_row[s0:s1])).tolist()
    return sorted(range(s0, s1), key=lambda c: -row[c])


def _joins(check: ClaimCheck, m: int, lead: int, cos: float) -> bool:
    """Does sentence `m` state the claim of `lead` (`check.same`) on distinctive words shared, not vectors alone?"""
    return check.same(m, lead, cos) and check.cover(m, lead) >= MIN_COVER and check.beyond_names(m, lead)


def _disagree(x: int, y: int, units: Sequence[Unit], seen: dict[tuple[int, int], bool]) -> bool:
    """`disagree` (strict), remembered per pair: anchors share sentences, so pairs recur."""
    k = (x, y) if x < y else (y, x)
    if k not in seen:
        seen[k] = disagree(units[x], units[y], strict=True)
    return seen[k]


def _extend(f: Fact, members: list[int], units: Sequence[Unit]) -> None:
    """Add other articles' sentences to an existing fact (its lead wording stays)."""
    absorb(f, [Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
                for m in members], {units[m].source for m in members})


def absorb(f: Fact, variants: list[Variant], outlets: set[str]) -> None:
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


@lru_cache(maxsize=1 << 14)
def _figures(text: str) -> frozenset[str]:
    """The significant figures a sentence states (as `_anchors` reads them): no small counts, no years; memoised
    (asked of a fact's lead for each proposition it meets)."""
    out = set()
    for t in _anchors(text):
        if DIGITS.match(t):
            v = float(t)
            if v >= 13 and not (1900 <= v <= 2100 and v.is_integer()):
                out.add(t)
    return frozenset(out)


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
        absorb(facts[x], facts[y].variants, set(facts[y].outlets))
        host_of[y] = x
    gone = set(host_of)
    return [f for k, f in enumerate(facts) if k not in gone]
