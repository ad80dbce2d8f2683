"""Acts: the physical acts an article's sentences assert, with whom they hit and how many ("slapped a pair of
soldiers", "two men attacked a guard"), read off the article's own parse.

Only physical acts are kept: a manner verb ("slap", "punch": two manners describe one act two ways) or a generic one
that fits every manner ("hit", "attack"). Each act names one participant, its role (the one acted on, or the doer)
and the count the copy gives it: a numeral, "a"/"an", a vague word ("several"), a bare plural (two or more) or a
container ("a pair of"). Acts the copy does not assert ("did not punch", "threatened to hit", "could have hit"),
pronouns and one of a series ("another soldier") give nothing. `brief.conflicts.acts` compares them across outlets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from .. import nlp
from ..nlp import scan
from ..model import Act, Article, Sentence
from .numbers import NUMBER_WORDS, VAGUE_WORDS, parse_number

# manner verbs of a physical act, by the manner they name: two different manners describe one act two ways
MANNERS = {
    "slap": "slap", "punch": "punch", "kick": "kick", "bite": "bite", "stab": "stab", "knife": "stab",
    "shoot": "shoot", "push": "push", "shove": "push", "strangle": "choke", "choke": "choke", "throttle": "choke",
    "headbutt": "headbutt", "spit": "spit", "scratch": "scratch", "whip": "whip", "trample": "trample",
}
# verbs of a physical act that name no manner: they fit every manner ("hit" is a slap or a punch); outcomes
# ("injured", "wounded") are left out: an attack on several may wound one
GENERIC = {"hit", "strike", "beat", "attack", "assault", "smack", "whack", "thump", "batter", "manhandle"}
# heads under which an act is not asserted: denied ("denied punching", "without hitting", "refused to kick") or not
# (yet) done ("threatened to fire four missiles", "plans to hit")
_UNASSERTING = {"deny", "refuse", "without", "instead", "fail", "avoid", "rather", "decline", "not", "threaten", "plan",
                "want", "intend", "seek", "try", "attempt", "hope", "vow", "promise", "prepare", "aim", "expect",
                "propose", "plot", "urge", "order"}
# nouns that carry the count of the noun after "of": (lowest, highest) they may mean
_CONTAINERS = {"pair": (2, 2), "couple": (2, 3), "trio": (3, 3), "handful": VAGUE_WORDS["a handful"]}
_SERIES = {"another", "other", "new", "latest", "next", "last", "further", "more", "additional", "second", "third"}
# any inflection of a manner or generic verb, by a stem's prefix ("struck", "beaten", "knifed"): a sentence without
# one has no act to read (a word it merely opens, "bitter", costs a look, nothing else)
_HARM_STEMS = sorted({v.removesuffix("e") for v in set(MANNERS) | GENERIC} | {"shot", "spat", "struck", "stricken", "bit", "beat"})
# r"\b(?:stem|…)" under IGNORECASE, written to open with a character class (`nlp.scan`): 3x faster over whole texts
HARM_RX = re.compile("[{}]{}".format(*scan.openings(_HARM_STEMS, ignorecase=True)))


def extract(article: Article, doc, sentences: list[Sentence]) -> list[Act]:
    """The physical acts of `article` (parsed as `doc`), each placed in its sentence of `sentences` (raw offsets)."""
    if not sentences:
        return []
    starts = [s.start for s in sentences]
    to_raw = article.offset_maps()[0]

    def sentence_of(tok) -> int | None:
        raw = to_raw(tok.idx)
        k = bisect.bisect_right(starts, raw) - 1
        return sentences[k].index if k >= 0 and raw < sentences[k].end else None

    return read(doc, sentence_of)


def read(doc, sentence_of: Callable[[object], int | None] = lambda tok: 0) -> list[Act]:
    """The physical acts a parsed text asserts: a manner or generic verb with its noun object (conjoined verbs share
    it: "pushing, kicking and slapping the soldiers") or passive subject ("a soldier was slapped"), and its doer
    ("two men attacked"); `sentence_of(verb token)` places each (None: outside every kept sentence, skipped)."""
    out = []
    text = nlp.doc_text(doc)
    for m in HARM_RX.finditer(text):
        tok = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        tok = tok[0] if tok is not None and len(tok) else None
        if tok is None or tok.idx != m.start():
            continue
        lemma = tok.lemma_.lower()
        manner = MANNERS.get(lemma, "")
        if tok.pos_ != "VERB" or not (manner or lemma in GENERIC) or _unasserted(tok):
            continue
        sentence = sentence_of(tok)
        if sentence is None:
            continue
        objs = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if not objs:  # a conjunct shares the object of the conjunction's last verb
            objs = [c for t in _conjuncts(tok) if t is not tok for c in t.children if c.dep_ == "dobj"][:1]
        doers = [c for c in tok.children if c.dep_ == "nsubj"]
        for role, np in [("object", n) for n in objs[:1]] + [("doer", n) for n in doers[:1]]:
            if np.pos_ not in ("NOUN", "PROPN", "NUM"):
                continue  # a pronoun: whom it means is not known here
            head, count, numeral = _head_and_count(np)
            noun = head.lemma_.lower() if head.pos_ != "PROPN" else head.text.lower()
            lo, hi, phrase = count if count is not None else (None, None, "")
            out.append(Act(sentence, lemma, tok.text, manner, role, noun, _subject(tok) if role == "object" else "",
                           lo, None if hi == float("inf") else hi, phrase, numeral))
    return out


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
        v = parse_number(low)
        return pobj, ((v, v, _phrase(det, pobj)) if v is not None else None), v is not None
    if np.pos_ not in ("NOUN", "PROPN") or any(c.ent_type_ == "ORDINAL" or c.lower_ in _SERIES for c in np.children):
        return np, None, False  # "a sixth test", "another soldier": one of a series, not a count
    for c in np.children:
        if c.dep_ == "nummod" and (c.like_num or c.lower_ in NUMBER_WORDS) and (v := parse_number(c.lower_)) is not None:
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
    """The participant as printed, from its count word (or first modifier) to its head: "a pair of Israeli soldiers"."""
    doc = head.doc
    start = min([first.i] + [c.i for c in head.lefts if c.dep_ in ("amod", "compound", "nummod", "det")])
    start = min(start, first.i)
    return doc[start : head.i + 1].text


def _conjuncts(tok) -> list:
    """The verbs conjoined with `tok` ("pushing, kicking and slapping"), the first of them first."""
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
    """The doer's head noun lemma when the sentence names one (pronouns and unknown: '')."""
    for t in _conjuncts(tok)[:1] + [tok]:
        for c in t.children:
            if c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN"):
                return c.lemma_.lower()
        if t.dep_ in ("acl", "relcl") and t.head.pos_ in ("NOUN", "PROPN"):
            return t.head.lemma_.lower()
    return ""
