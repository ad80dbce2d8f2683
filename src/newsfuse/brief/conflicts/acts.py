"""Acts: what aligned sentences say was done to whom, and to how many ("slapped soldiers" vs "punched a soldier").

Each article's physical acts come with its analysis (`claims.acts`: a manner or generic verb, a participant's head
noun, the count the copy gives it: "a pair of soldiers": 2, "an Israeli soldier": 1, "troops": 2 or more). Sentences
of different sources aligned as one fact (or closely alike and naming the same entities) are compared: two manner
verbs of one act that exclude each other ("slapped" vs "punched"; "hit", "attacked" fit any manner) on one object
are a `contradiction`; counts of one participant (whom it hit, who hit) that cannot both hold are a
`different-measure` note (all involved vs the one charged, or an error). Two numerals are the figures step's work.
Analyses stored before acts were read carry none: their stories show no wording conflicts until re-ingested.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ... import align as align_stage
from ...model import Act as _Stored
from ...model import Analysis, Conflict, ConflictClaim, Sentence
from .pairing import SYNONYMS

_PAIR_SIM = 0.6  # sentences not aligned as one fact must be this alike (and share an entity) to be compared


@dataclass(frozen=True)
class Act:
    """A stored act as compared here: its participant and doer through the synonyms ("troop" = "soldier"), its count
    as (lowest, highest, phrase) or None."""

    verb: str
    said: str  # the verb as printed ("slapping")
    manner: str
    role: str  # whom `obj` names: "object" (the one acted on) or "doer" ("two men attacked")
    obj: str
    subj: str
    count: tuple[float, float, str] | None
    numeral: bool

    @classmethod
    def of(cls, a: _Stored) -> Act:
        count = None if a.count_lo is None else (a.count_lo, float("inf") if a.count_hi is None else a.count_hi,
                                                 a.count_phrase)
        return cls(a.verb, a.said, a.manner, a.role, _norm(a.obj), _norm(a.subj) if a.subj else "", count,
                   a.numeral)


@dataclass(frozen=True)
class _Said:
    act: Act
    article: str
    source: str
    sentence: Sentence


def _norm(lemma: str) -> str:
    lemma = lemma.lower()
    return SYNONYMS.get(lemma, lemma)


def _aligned_pairs(alignment: align_stage.Alignment, keys: set[tuple[str, int]]) -> Iterator[tuple[tuple[str, int], tuple[str, int]]]:
    """Pairs among `keys` (article, sentence index) that tell one fact: one fact of the alignment, or candidate
    neighbours at least `_PAIR_SIM` alike that name a shared entity and are not dated a week or more apart."""
    rows = {alignment.index[k]: k for k in keys if k in alignment.index}
    seen = set()
    by_fact: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for k in keys:
        if k in alignment.fact_of:
            by_fact[alignment.fact_of[k]].append(k)
    for members in by_fact.values():
        for x in members:
            for y in members:
                if x < y:
                    seen.add((x, y))
    if alignment.pairs is not None:
        for i, j in zip(alignment.pairs[0].tolist(), alignment.pairs[1].tolist()):
            if i in rows and j in rows:
                x, y = sorted((rows[i], rows[j]))
                if (x, y) in seen or alignment.apart(x, y) or alignment.similarity(x, y) < _PAIR_SIM:
                    continue
                if alignment.units[i].entities & alignment.units[j].entities:
                    seen.add((x, y))
    yield from sorted(seen)


def find(alignment: align_stage.Alignment, sources: dict[str, str], analyses: dict[str, Analysis]) -> list[Conflict]:
    """Contradicting manners of one act and disagreeing counts of its participants, between sources' aligned
    sentences (the acts come with each article's analysis: nothing is parsed here)."""
    stored: dict[tuple[str, int], list[_Stored]] = defaultdict(list)
    for aid, an in analyses.items():
        for act in an.acts:
            stored[(aid, act.sentence)].append(act)
    by_key = {(u.article, u.sentence.index): u for u in alignment.units if (u.article, u.sentence.index) in stored}
    if len(by_key) < 2:
        return []
    pairs = [(x, y) for x, y in _aligned_pairs(alignment, set(by_key)) if by_key[x].source != by_key[y].source]
    said = {k: [_Said(Act.of(a), k[0], by_key[k].source, by_key[k].sentence) for a in stored[k]]
            for k in sorted({k for p in pairs for k in p})}
    return _manner_conflicts(pairs, said, sources) + _count_conflicts(pairs, said, sources)


def _what(a: Act) -> tuple[str, str]:
    """What a count is of: one physical act's participant in one role."""
    return a.role, a.obj


def _same_doer(a: Act, b: Act) -> bool:
    return not (a.subj and b.subj) or a.subj == b.subj


def _manner_conflicts(pairs, said, sources) -> list[Conflict]:
    """Two sources' manner verbs for one act on one object, with no manner in common ("slapped" vs "punched")."""
    edges: dict[str, list[tuple[list[_Said], list[_Said]]]] = defaultdict(list)
    for x, y in pairs:
        mx = [s for s in said[x] if s.act.manner and s.act.role == "object"]
        my = [s for s in said[y] if s.act.manner and s.act.role == "object"]
        for obj in sorted({s.act.obj for s in mx} & {s.act.obj for s in my}):  # sorted: the same order whatever the hash seed
            sx = [s for s in mx if s.act.obj == obj]
            sy = [s for s in my if s.act.obj == obj]
            if not any(_same_doer(a.act, b.act) for a in sx for b in sy):
                continue
            if {s.act.manner for s in sx} & {s.act.manner for s in sy}:
                continue  # one names a manner the other names too: more detail, no contradiction
            edges[obj].append((sx, sy))
    out = []
    for obj, found in edges.items():
        verbs: dict[tuple[str, str], list[_Said]] = {}  # (source, sentence) -> its manner verbs, once each
        for s in (s for sx, sy in found for s in sx + sy):
            told = verbs.setdefault((s.source, s.sentence.text), [])
            if s.act.said not in [v.act.said for v in told]:
                told.append(s)
        rows: dict[tuple[str, str], list[_Said]] = {}  # (source, wording) -> its first sentence: a wire's copies once
        for told in verbs.values():
            rows.setdefault((told[0].source, ", ".join(v.act.said.lower() for v in told)), told)
        by_words: dict[str, set[str]] = defaultdict(set)
        for told in rows.values():
            by_words[", ".join(v.act.said for v in told)].add(sources.get(told[0].article, told[0].source))
        shown = " vs ".join(f"“{w}” ({', '.join(sorted(srcs))})" for w, srcs in by_words.items())
        noun = _plural(obj)
        out.append(Conflict(
            id="", topic=f"what was done to the {noun}", kind="contradiction", severity="medium",
            explanation=f"Outlets describe one act against the {noun} differently: {shown}; it cannot be all of these.",
            claims=[ConflictClaim(t[0].article, t[0].sentence.text, None, ", ".join(v.act.said for v in t)) for t in rows.values()],
            outlets=sorted({sources.get(t[0].article, t[0].source) for t in rows.values()}),
        ))
    return out


def _count_conflicts(pairs, said, sources) -> list[Conflict]:
    """Counts of one participant of one physical act that cannot both hold ("a pair of soldiers" vs "an Israeli
    soldier"); the mentions that agree with either side join its note, so every count given for it is shown."""
    parent: dict[tuple, tuple] = {}

    def root(m):
        parent.setdefault(m, m)
        while parent[m] != m:
            parent[m] = parent[parent[m]]
            m = parent[m]
        return m

    clash: dict[tuple, list] = defaultdict(list)  # lists, not sets: notes come out in one order whatever the hash seed
    mention = {}
    for x, y in pairs:
        for a in said[x]:
            for b in said[y]:
                if a.act.count is None or b.act.count is None or _what(a.act) != _what(b.act):
                    continue
                if (a.act.numeral and b.act.numeral) or not _same_doer(a.act, b.act):
                    continue  # two numerals are the figures step's; another doer is another act
                ma, mb = (x, a.act), (y, b.act)
                mention[ma], mention[mb] = a, b
                parent[root(ma)] = root(mb)
                (lo1, hi1, _), (lo2, hi2, _) = a.act.count, b.act.count
                if max(lo1, lo2) > min(hi1, hi2):
                    clash[_what(a.act)].append(ma)
    out = []
    done = set()
    for what, ms in clash.items():
        for m in ms:
            r = root(m)
            if r in done:
                continue
            done.add(r)
            group = [mention[k] for k in mention if root(k) == r]
            rows = _rows(group, by=lambda s: s.act.count[2].lower())
            shown = defaultdict(set)
            for s in rows:
                shown[s.act.count[2]].add(sources.get(s.article, s.source))
            told = " vs ".join(f"“{p}” ({', '.join(sorted(srcs))})" for p, srcs in shown.items())
            noun = _plural(what[1])
            out.append(Conflict(
                id="", topic=f"number of {noun}", kind="different-measure", severity="low",
                explanation=f"Outlets give different numbers of {noun} for the same act: {told}; they may count "
                            "different people or things (all involved vs one), or one of them is wrong.",
                claims=[ConflictClaim(s.article, s.sentence.text, None, s.act.count[2]) for s in rows],
                outlets=sorted({sources.get(s.article, s.source) for s in rows}),
            ))
    return out


def _rows(found: list[_Said], by) -> list[_Said]:
    """One sentence per (source, wording), in the order first met: a wire's copies are cited once."""
    rows, seen = [], set()
    for s in found:
        k = (s.source, by(s))
        if k not in seen:
            seen.add(k)
            rows.append(s)
    return rows


def _plural(noun: str) -> str:
    return noun if noun.endswith("s") else noun + "s"
