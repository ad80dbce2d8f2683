"""Propositions: facts several outlets state in different sentences, found through what the sentences share.

Outlets rarely agree sentence for sentence: one lead says the crash "killed everyone on board", another opens on
the victims and states the toll in its third paragraph. Sentence clusters (`facts`) find close paraphrases; this
step adds a fact for each anchor (a figure, a named thing, a distinctive phrase) that sentences of several
independent sources carry in a similar statement: each other article's closest sentence holding the anchor joins
when it is close enough in meaning and states no different figure for the same measure.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from scipy import sparse

from ..model import Fact, Variant
from .facts import Unit, disagree
from .tokens import tokens

JOIN_COS = 0.58  # a sentence holding the anchor joins the proposition at this cosine to its lead sentence
JOIN_COS_ONE = 0.70  # ... or needs this when it shares only the anchor itself with the lead
NEAR_SAME = 0.6  # a proposition whose sentences mostly belong to an earlier fact adds nothing
MAX_PER_ANCHOR = 2  # propositions read off one anchor (a name can head two different statements)
DENSE_MAX = 4000  # up to this many sentences the story's cosine and shared-anchor matrices are computed once
COMMON = 0.5  # unigrams in more than this share of the story's sentences are no anchor ("crash", "police")

_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())}
_NUMBER_WORDS["dozen"] = "12"
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


def _stem(word: str) -> str:
    """Fold inflections so 'debated' meets 'debate' and 'filming' meets 'filmed' (anchors only, not shown)."""
    for suffix in ("ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.isdigit():
            return word[: -len(suffix)]
    return word


def _anchors(text: str) -> set[str]:
    """A sentence's anchors: content words, adjacent content-word pairs and numbers (number words as digits)."""
    toks = [_NUMBER_WORDS.get(t) or _stem(t) for t in tokens(text)]
    out = {t for t in toks if len(t) >= 4 or _DIGITS.match(t)}
    out |= {f"{a} {b}" for a, b in zip(toks, toks[1:])}
    return out


def propositions(units: Sequence[Unit], E: np.ndarray, facts: list[Fact], min_support: int = 2) -> list[Fact]:
    """Facts beyond the sentence clusters `facts`: one per anchor that several independent sources state alike.

    A proposition led by a sentence of an existing fact extends that fact with its other articles' sentences
    instead. Reads the units (with sources, figures) and their embeddings; returns the new facts."""
    n = len(units)
    if n < 2:
        return []
    anchors = [_anchors(u.sentence.text) for u in units]
    vocab: dict[str, int] = {}
    holders: dict[str, list[int]] = defaultdict(list)
    rows_, cols_ = [], []
    for i, an in enumerate(anchors):
        for a in an:
            holders[a].append(i)
            rows_.append(i)
            cols_.append(vocab.setdefault(a, len(vocab)))
    A = sparse.csr_matrix((np.ones(len(rows_), dtype=np.float32), (rows_, cols_)), shape=(n, max(1, len(vocab))))
    art = np.array([hash(u.article) for u in units])
    measured = np.array([bool(u.figures) for u in units])
    if n <= DENSE_MAX:  # one product each beats one per anchor; larger stories pay per anchor
        S_all, shared_all = E @ E.T, (A @ A.T).toarray()
    else:
        S_all = shared_all = None
    found: list[tuple[float, list[int]]] = []
    for anchor, rows in holders.items():
        if " " not in anchor and not _DIGITS.match(anchor) and len(rows) > COMMON * n:
            continue
        if len({units[r].source for r in rows}) < min_support or len({units[r].article for r in rows}) < 2:
            continue
        left = np.array(rows)
        for _ in range(MAX_PER_ANCHOR):
            group = _best_group(left, units, E, A, art, measured, S_all, shared_all)
            if group is None:
                break
            found.append(group)
            left = np.array([r for r in left if r not in group[1]])
            if len({units[r].source for r in left}) < min_support:
                break
    found.sort(key=lambda g: -g[0])
    key = lambda m: (units[m].article, units[m].sentence.start)  # noqa: E731
    owner: dict[tuple[str, int], Fact] = {}
    for f in facts:
        for v in f.variants:
            owner.setdefault((v.article, v.start), f)
    taken = [{(v.article, v.start) for v in f.variants} for f in facts]
    out: list[Fact] = []
    for _, members in found:
        keys = {key(m) for m in members}
        host = owner.get(key(members[0]))
        if host is not None:
            _extend(host, [m for m in members if units[m].article not in set(host.articles)], units)
            continue
        if any(len(keys & t) >= NEAR_SAME * min(len(keys), len(t)) for t in taken):
            continue
        taken.append(keys)
        f = _fact(members, units)
        out.append(f)
        for k in keys:
            owner.setdefault(k, f)
    return out


def _best_group(rows: np.ndarray, units: Sequence[Unit], E: np.ndarray, A: sparse.csr_matrix, art: np.ndarray,
                measured: np.ndarray, S_all: np.ndarray | None, shared_all: np.ndarray | None,
                ) -> tuple[float, list[int]] | None:
    """The lead sentence whose anchor-holding neighbours in other articles agree with it most, and those neighbours."""
    rows = rows[np.argsort(art[rows], kind="stable")]
    a = art[rows]
    if len(set(a.tolist())) < 2:
        return None
    if S_all is not None and shared_all is not None:
        S, shared = S_all[np.ix_(rows, rows)], shared_all[np.ix_(rows, rows)]
    else:
        sub = A[rows]
        S, shared = E[rows] @ E[rows].T, (sub @ sub.T).toarray()
    ok = (S >= np.where(shared >= 2, JOIN_COS, JOIN_COS_ONE)) & (a[:, None] != a[None, :])
    m = measured[rows]
    for x, y in zip(*np.nonzero(ok & m[:, None] & m[None, :])):
        if disagree(units[rows[x]], units[rows[y]]):
            ok[x, y] = False
    M = np.where(ok, S, 0.0)
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    best_per_art = np.maximum.reduceat(M, starts, axis=1)  # lead x article
    scores = best_per_art.sum(1)
    order = np.argsort(-scores)
    for lead in order[:3]:
        if scores[lead] <= 0:
            break
        members = [int(rows[lead])]
        for k, s0 in enumerate(starts):
            s1 = starts[k + 1] if k + 1 < len(starts) else len(rows)
            if best_per_art[lead, k] > 0:
                members.append(int(rows[s0 + int(np.argmax(M[lead, s0:s1]))]))
        if len({units[m].source for m in members}) >= 2:
            return float(scores[lead]), members
    return None


def _extend(f: Fact, members: list[int], units: Sequence[Unit]) -> None:
    """Add other articles' sentences to an existing fact (its lead wording stays)."""
    if not members:
        return
    f.variants += [Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
                   for m in members]
    f.variants.sort(key=lambda v: (v.article, v.start))
    f.articles = sorted(set(f.articles) | {units[m].article for m in members})
    f.outlets = sorted(set(f.outlets) | {units[m].source for m in members})
    f.support = len(f.outlets)


def _fact(members: list[int], units: Sequence[Unit]) -> Fact:
    lead = members[0]
    variants = [Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
                for m in sorted(members, key=lambda m: (units[m].article, units[m].sentence.start))]
    sources = sorted({units[m].source for m in members})
    return Fact(id="", text=units[lead].sentence.text, articles=sorted({units[m].article for m in members}),
                support=len(sources), variants=variants, outlets=sources)
