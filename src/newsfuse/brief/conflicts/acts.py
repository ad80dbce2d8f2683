"""Acts: what aligned sentences say was done to whom, and to how many ("slapped soldiers" vs "punched a soldier").

Sentences of different sources aligned as one fact (or closely alike and naming the same entities) are parsed; each
act is a verb with a participant's head noun and the count the copy gives it ("a pair of soldiers": 2, "an Israeli
soldier": 1, "troops": 2 or more). Two manner verbs of one physical act that exclude each other ("slapped" vs
"punched"; "hit", "attacked" fit any manner) on one object are a `contradiction`; counts of one participant of a
physical act (whom it hit, who hit) that cannot both hold are a `different-measure` note (all involved vs the one
charged, or an error). Counts of other acts stay out: a story of launches or tests repeats them ("fired a missile"
on one date, "three missiles" on another). So do acts the copy does not assert ("did not punch", "threatened to
hit"), pronouns, one of a series ("a sixth test") and two numerals (the figures step's work): precision first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from ... import align as align_stage
from ...claims.numbers import NUMBER_WORDS, VAGUE_WORDS, _parse_number
from ...model import Conflict, ConflictClaim, Sentence
from .pairing import _SYNONYMS

# manner verbs of a physical act, by the manner they name: two different manners describe one act two ways
MANNERS = {
    "slap": "slap", "punch": "punch", "kick": "kick", "bite": "bite", "stab": "stab", "knife": "stab",
    "shoot": "shoot", "push": "push", "shove": "push", "strangle": "choke", "choke": "choke", "throttle": "choke",
    "headbutt": "headbutt", "spit": "spit", "scratch": "scratch", "whip": "whip", "trample": "trample",
}
# verbs of a physical act that name no manner: they fit every manner ("hit" is a slap or a punch); outcomes
# ("injured", "wounded") are left out: an attack on several may wound one
GENERIC = {"hit", "strike", "beat", "attack", "assault", "smack", "whack", "thump", "batter", "manhandle"}
_HARM = "harm"  # the act key manner and generic verbs share, for counting their objects and doers
# verbs whose nouns are the story's sources or audience, not its participants ("told reporters", "an official said")
_REPORTING = {"say", "tell", "quote", "cite", "inform", "brief", "ask", "add", "note", "write", "post", "tweet",
              "publish", "interview", "contact", "thank"}
# heads under which an act is not asserted: denied ("denied punching", "without hitting", "refused to kick") or not
# (yet) done ("threatened to fire four missiles", "plans to hit")
_UNASSERTING = {"deny", "refuse", "without", "instead", "fail", "avoid", "rather", "decline", "not", "threaten", "plan",
                "want", "intend", "seek", "try", "attempt", "hope", "vow", "promise", "prepare", "aim", "expect",
                "propose", "plot", "urge", "order"}
# nouns that carry the count of the noun after "of": (lowest, highest) they may mean
_CONTAINERS = {"pair": (2, 2), "couple": (2, 3), "trio": (3, 3), "handful": VAGUE_WORDS["a handful"]}
# a manner verb in any inflection ("slapped", "shot", "spat"): which sentences are worth parsing
_MANNER_RX = re.compile(r"\b(?:" + "|".join(sorted({m.removesuffix("e") for m in MANNERS} | {"shot", "spat"})) + r")\w*", re.I)
# any inflection of a manner or generic verb (a stem's prefix: "struck", "beaten", "knifed"; a word it merely opens,
# "bitter", costs a parse, nothing else)
_HARM_RX = re.compile(r"\b(?:" + "|".join(sorted({v.removesuffix("e") for v in set(MANNERS) | GENERIC}
                                                  | {"shot", "spat", "struck", "stricken", "bit", "beat"})) + r")", re.I)
_SERIES = {"another", "other", "new", "latest", "next", "last", "further", "more", "additional", "second", "third"}
_IRREGULAR = {"men": "man", "women": "woman", "children": "child", "people": "person"}
_PAIR_SIM = 0.6  # sentences not aligned as one fact must be this alike (and share an entity) to be compared


@dataclass(frozen=True)
class Act:
    """One act a sentence reports: verb lemma, its manner class ('' for generic / non-physical), a participant's
    head noun and role, its count (lowest, highest, phrase; None when the copy gives none), and whether a numeral."""

    verb: str
    said: str  # the verb as printed ("slapping")
    manner: str
    key: str  # what two acts must share to be one act: the harm class, else the verb lemma
    role: str  # whom `obj` names: "object" (the one acted on) or "doer" (of a physical act: "two men attacked")
    obj: str
    subj: str
    count: tuple[float, float, str] | None
    numeral: bool


@dataclass(frozen=True)
class _Said:
    act: Act
    article: str
    source: str
    sentence: Sentence


def _norm(lemma: str) -> str:
    lemma = lemma.lower()
    return _SYNONYMS.get(lemma, lemma)


def _unasserted(tok) -> bool:
    """The copy does not say the act happened: a negation or a modal on its verb ("did not punch", "could hit"), or
    a head above it in its clause that negates, denies or plans it ("denied punching", "threatened to fire"); a
    modal higher up qualifies another verb ("could face prison after assaulting": the assault is told as done)."""
    t = tok
    for _ in range(6):
        if any(c.dep_ == "neg" or (c.tag_ == "MD" and t is tok) for c in t.children) or t.lemma_.lower() in _UNASSERTING:
            return True
        if t.head is t or (t is not tok and t.dep_ in ("relcl", "ccomp", "advcl")):
            return False  # the clause ends: a negation above it negates another verb
        t = t.head
    return False


def _head_and_count(np) -> tuple[object, tuple[float, float, str] | None, bool]:
    """(noun head, count, numeral?) of a participant noun: a numeral, "a"/"an", a vague word ("several"), a bare
    plural (two or more), or a container that counts the noun after "of" ("a pair of soldiers", "four of the men")."""
    of = next((c for c in np.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    low = np.lower_
    if pobj is not None and pobj.tag_ in ("NNS", "NNPS") and (low in _CONTAINERS or np.pos_ == "NUM" or low in VAGUE_WORDS):
        det = next((c for c in np.children if c.dep_ == "det"), np)
        if low in _CONTAINERS or low in VAGUE_WORDS:
            lo, hi = _CONTAINERS.get(low) or VAGUE_WORDS[low]
            return pobj, (lo, hi, _phrase(det, pobj)), False
        v = _parse_number(low)
        return pobj, ((v, v, _phrase(det, pobj)) if v is not None else None), v is not None
    if np.pos_ not in ("NOUN", "PROPN") or any(c.ent_type_ == "ORDINAL" or c.lower_ in _SERIES for c in np.children):
        return np, None, False  # "a sixth test", "another soldier": one of a series, not a count
    for c in np.children:
        if c.dep_ == "nummod" and (c.like_num or c.lower_ in NUMBER_WORDS) and (v := _parse_number(c.lower_)) is not None:
            return np, (v, v, _phrase(c, np)), True
    for c in np.children:
        if c.dep_ in ("amod", "det") and c.lower_ in VAGUE_WORDS and np.tag_ == "NNS":
            lo, hi = VAGUE_WORDS[c.lower_]
            return np, (lo, hi, _phrase(c, np)), False
    dets = [c for c in np.children if c.dep_ in ("det", "poss", "nummod", "predet")]
    if np.tag_ == "NN" and [d.lower_ for d in dets] in (["a"], ["an"]):
        return np, (1, 1, _phrase(dets[0], np)), False
    if np.tag_ == "NNS" and not dets and np.dep_ != "compound":
        return np, (2, float("inf"), _phrase(np, np)), False  # a bare plural: more than one
    return np, None, False


def _phrase(first, head) -> str:
    """The object as printed, from its count word (or first modifier) to its head: "a pair of Israeli soldiers"."""
    doc = head.doc
    start = min([first.i] + [c.i for c in head.lefts if c.dep_ in ("amod", "compound", "nummod", "det")])
    start = min(start, first.i)
    return doc[start : head.i + 1].text


def acts(doc) -> list[Act]:
    """The acts a parsed sentence asserts: verbs with a noun object (conjoined verbs share it: "pushing, kicking and
    slapping the soldiers") or a passive subject ("a soldier was slapped"), and a physical act's doer ("two men
    attacked"). Reporting verbs ("told reporters") are no acts of the story."""
    out = []
    for tok in doc:
        lemma = tok.lemma_.lower()
        if tok.pos_ != "VERB" or lemma in _REPORTING or _unasserted(tok):
            continue
        manner = MANNERS.get(lemma, "")
        key = _HARM if manner or lemma in GENERIC else lemma
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if not objs:  # a conjunct shares the object of the conjunction's last verb
            objs = [c for t in _conjuncts(tok) if t is not tok for c in t.children if c.dep_ == "dobj"][:1]
        doers = [c for c in tok.children if c.dep_ == "nsubj"] if key == _HARM else []
        for role, np in [("object", n) for n in objs[:1]] + [("doer", n) for n in doers[:1]]:
            if np.pos_ not in ("NOUN", "PROPN", "NUM"):
                continue  # a pronoun: whom it means is not known here
            head, count, numeral = _head_and_count(np)
            noun = _norm(head.lemma_) if head.pos_ != "PROPN" else head.text.lower()
            out.append(Act(lemma, tok.text, manner, key, role, noun, _subject(tok) if role == "object" else "", count, numeral))
    return out


def _conjuncts(tok) -> list:
    root = tok
    while root.dep_ == "conj" and root.head is not root:
        root = root.head
    out, todo = [], [root]
    while todo:
        t = todo.pop()
        out.append(t)
        todo += [c for c in t.children if c.dep_ == "conj" and c.pos_ == "VERB"]
    return out


def _subject(tok) -> str:
    """The doer's head noun when the sentence names one (pronouns and unknown: '')."""
    for t in _conjuncts(tok)[:1] + [tok]:
        for c in t.children:
            if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN"):
                return _norm(c.lemma_)
        if t.dep_ in ("acl", "relcl") and t.head.pos_ in ("NOUN", "PROPN"):
            return _norm(t.head.lemma_)
    return ""


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


def find(alignment: align_stage.Alignment, sources: dict[str, str]) -> list[Conflict]:
    """Contradicting manners of one act and disagreeing counts of its participants, between sources' aligned sentences."""
    from ...nlp import loading  # the parser, only when a story has sentences to compare

    # only sentences naming a physical act can take part: a regex look first, so pairing reads a handful of them
    by_key = {(u.article, u.sentence.index): u for u in alignment.units if _HARM_RX.search(u.sentence.text)}
    if len(by_key) < 2:
        return []
    pairs = [(x, y) for x, y in _aligned_pairs(alignment, set(by_key)) if by_key[x].source != by_key[y].source]
    texts = {k: by_key[k].sentence.text for p in pairs for k in p}
    pairs = [(x, y) for x, y in pairs if _worth_parsing(texts[x], texts[y])]
    keys = sorted({k for p in pairs for k in p})
    if not keys:
        return []
    docs = loading.parse([by_key[k].sentence.text for k in keys])
    said = {k: [_Said(a, k[0], by_key[k].source, by_key[k].sentence) for a in acts(d)] for k, d in zip(keys, docs)}
    return _manner_conflicts(pairs, said, sources) + _count_conflicts(pairs, said, sources)


def _numbers(text: str) -> dict[str, str]:
    """Word (singular guess, through the synonyms) -> 's' or 'p' (singular / plural form seen; 'b' both)."""
    out: dict[str, str] = {}
    for w in re.findall(r"[a-z]+", text.lower()):
        if w in _IRREGULAR:
            k, n = _IRREGULAR[w], "p"
        elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
            k, n = w[:-1], "p"
        else:
            k, n = w, "s"
        k = _norm(k)
        out[k] = n if out.get(k, n) == n else "b"
    return out


def _worth_parsing(a: str, b: str) -> bool:
    """A cheap look before the parser: both sentences name a physical act (a manner or generic verb: only those
    acts' manners and counts are compared), and both name a manner, or one word is singular in one sentence and
    plural in the other ("an Israeli soldier" / "Israeli troops"), or one gives a container count ("a pair of")."""
    if not (_HARM_RX.search(a) and _HARM_RX.search(b)):
        return False
    if _MANNER_RX.search(a) and _MANNER_RX.search(b):
        return True
    na, nb = _numbers(a), _numbers(b)
    if any({na[k], nb[k]} == {"s", "p"} for k in na.keys() & nb.keys()):
        return True
    return any(c in na or c in nb for c in _CONTAINERS)


def _what(a: Act) -> tuple[str, str, str]:
    """What a count is of: one act's participant in one role."""
    return a.key, a.role, a.obj


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
                if a.act.key != _HARM or (a.act.numeral and b.act.numeral) or not _same_doer(a.act, b.act):
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
            noun = _plural(what[2])
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
