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

from ..claims.numbers import NUMBER_WORDS
from ..model import Fact, Variant
from .facts import Unit, disagree, years_clash
from .tokens import tokens

JOIN_COS = 0.50  # a sentence holding the anchor joins the proposition at this cosine to its lead sentence
JOIN_COS_ONE = 0.65  # ... or needs this when it shares only the anchor itself with the lead
NEAR_SAME = 0.6  # a proposition whose sentences mostly belong to an earlier fact adds nothing
MAX_PER_ANCHOR = 2  # propositions read off one anchor (a name can head two different statements)
DENSE_MAX = 4000  # up to this many sentences the story's cosine and shared-anchor matrices are computed once
MAX_ROWS = 60  # nor in more sentences than this, whatever the story's size (keeps the step near-linear)
JOIN_COS_FIGURE = 0.35  # ... or only this when both state one figure of one thing ("197 girls"), worded apart
SPECIFIC = 0.1  # anchors in more than this share of the story's sentences are no anchor ("crash", the main actors)

# one-word number words as the digits `tokens` gives ("ten" -> "10", "dozen" -> "12")
_NUMBER_WORDS = {w: f"{v:g}" for w, v in NUMBER_WORDS.items() if " " not in w and v < 1000}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_DIGITS = re.compile(r"^\d+(?:\.\d+)?$")
_FIGURE_NOUN = re.compile(r"^(\d+(?:\.\d+)?) [a-z]{3,}$")


def _figure_noun(anchor: str) -> bool:
    """A number with the noun it counts ("197 girl"), not a small count or a year: one fact's own figure."""
    m = _FIGURE_NOUN.match(anchor)
    if not m:
        return False
    v = float(m.group(1))
    return v >= 13 and not (1900 <= v <= 2100 and v.is_integer())


def _stem(word: str) -> str:
    """Fold inflections so 'debated' meets 'debate' and 'filming' meets 'filmed' (anchors only, not shown)."""
    for suffix in ("ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.isdigit():
            return word[: -len(suffix)]
    return word


def _anchors(text: str) -> set[str]:
    """A sentence's anchors: content words, adjacent content-word pairs and numbers (number words as digits)."""
    # number words become digits before stop words go ("ten" is one to spaCy)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    toks = [t if _DIGITS.match(t) else _stem(t) for t in tokens(text)]
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
    holders: dict[str, list[int]] = defaultdict(list)
    for i, an in enumerate(anchors):
        for a in an:
            holders[a].append(i)
    # the story's main actors are in every other sentence: only specific anchors make or join a proposition
    limit = max(min(SPECIFIC * n, MAX_ROWS), 3)
    specific = {a for a, rows in holders.items() if len(rows) <= limit}
    spec = [frozenset(an & specific) for an in anchors]
    order = {aid: i for i, aid in enumerate(dict.fromkeys(u.article for u in units))}
    art = np.array([order[u.article] for u in units])  # article ids as stable numbers (str hashes vary by run)
    measured = np.array([bool(u.figures) for u in units])
    S_all = E @ E.T if n <= DENSE_MAX else None  # one product beats one per anchor; larger stories pay per anchor
    found: list[tuple[float, list[int], str]] = []
    seen: dict[tuple[int, int], bool] = {}
    for anchor, rows in holders.items():
        if anchor not in specific:
            continue
        if len({units[r].source for r in rows}) < min_support or len({units[r].article for r in rows}) < 2:
            continue
        left = np.array(rows)
        for _ in range(MAX_PER_ANCHOR):
            group = _best_group(left, units, E, spec, art, measured, S_all, seen)
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
    taken = [{(v.article, v.start) for v in f.variants} for f in facts]
    out: list[Fact] = []
    for _, members, anchor in found:
        keys = {key(m) for m in members}
        host = owner.get(key(members[0]))
        if host is not None and anchor in _anchors(host.text):
            lead = next((row[(v.article, v.start)] for v in host.variants
                         if v.text == host.text and (v.article, v.start) in row), members[0])
            _extend(host, [m for m in members if units[m].article not in set(host.articles)
                           and _close(float(E[m] @ E[lead]), spec[m] & spec[lead])], units)
            continue
        if any(len(keys & t) >= NEAR_SAME * min(len(keys), len(t)) for t in taken):
            continue
        # one sentence already in a proposition of the same figure ("killed more than 20,000 people" joined
        # by a sentence that also backs "claimed more than 20,000 lives"): the rest extend that proposition
        near = next((owner[k] for k in keys if k in owner
                     and _figures(owner[k].text) & _figures(units[members[0]].sentence.text)), None)
        if near is not None:
            _extend(near, [m for m in members if units[m].article not in set(near.articles)], units)
            continue
        taken.append(keys)
        f = _fact(members, units)
        out.append(f)
        for k in keys:
            owner.setdefault(k, f)
    return out


def _close(cos: float, shared: frozenset[str]) -> bool:
    """Close enough to state the lead's fact: by meaning, or by meaning and the same counted figure."""
    if cos >= JOIN_COS:
        return True
    return cos >= JOIN_COS_FIGURE and len(shared) >= 2 and any(_figure_noun(t) for t in shared)


def _best_group(rows: np.ndarray, units: Sequence[Unit], E: np.ndarray, spec: list[frozenset[str]], art: np.ndarray,
                measured: np.ndarray, S_all: np.ndarray | None,
                seen: dict[tuple[int, int], bool]) -> tuple[float, list[int]] | None:
    """The lead sentence whose anchor-holding neighbours in other articles agree with it most, and those neighbours."""
    rows = rows[np.argsort(art[rows], kind="stable")]
    a = art[rows]
    if len(set(a.tolist())) < 2:
        return None
    S = S_all[np.ix_(rows, rows)] if S_all is not None else E[rows] @ E[rows].T
    other = a[:, None] != a[None, :]
    ok = (S >= JOIN_COS) & other
    # between the two bars a sentence must share a second specific anchor with the lead
    for x, y in zip(*np.nonzero(ok & (S < JOIN_COS_ONE))):
        if len(spec[rows[x]] & spec[rows[y]]) < 2:
            ok[x, y] = False
    # below them, sentences stating one figure of one thing ("197 girls remain" / "the 197 girls who remain")
    for x, y in zip(*np.nonzero(other & (S >= JOIN_COS_FIGURE) & (S < JOIN_COS))):
        ok[x, y] = _close(float(S[x, y]), spec[rows[x]] & spec[rows[y]])
    M = np.where(ok, S, 0.0)
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    ends = np.r_[starts[1:], len(rows)]
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


def merge_near_duplicates(facts: list[Fact], units: Sequence[Unit], E: np.ndarray) -> list[Fact]:
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
        _absorb(facts[x], facts[y].variants, set(facts[y].outlets))
        host_of[y] = x
    gone = set(host_of)
    return [f for k, f in enumerate(facts) if k not in gone]
