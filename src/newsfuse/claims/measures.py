"""Claim measures: what a quantity counts or measures, and its subject, from the parse."""

from __future__ import annotations

import bisect
import re

from .. import nlp
from ..dates.patterns import month_group
from .numbers import Found


_PEOPLE = {"people", "person", "civilian", "soldier", "child", "resident", "migrant", "worker", "troop",
           "student", "refugee", "passenger", "victim", "patient", "prisoner", "hostage", "protester", "fighter"}
_EVENT_NOUNS = {"visit", "trip", "meeting", "summit", "call", "talk", "attack", "strike", "time", "round", "encounter",
                "election", "day", "week", "month", "year", "session", "conversation", "term", "quarter", "wave",
                "ceasefire", "deal", "tour", "game", "match", "win", "victory", "defeat", "loss", "increase", "cut",
                "hike", "rise", "drop", "decline", "straight", "consecutive"}
_LEVEL_VERBS = {"rise", "fall", "reach", "climb", "stand", "total", "hit", "increase", "drop", "jump", "grow", "top",
                "exceed", "surpass", "be", "decline", "soar", "double", "number"}


def token_at(doc, char: int):
    """The spaCy token covering character offset `char` (None past the end)."""
    i = bisect.bisect_right(nlp.doc_starts(doc), char) - 1  # (token offsets, read once per Doc)
    return nlp.doc_tokens(doc)[i] if 0 <= i < len(doc) else None


def _noun_run(doc, i: int, end: int) -> tuple[str, str, int]:
    """From token i: skip determiners/adjectives, return (noun phrase lemma, possessor, next index)."""
    toks = nlp.doc_tokens(doc)
    nouns: list = []
    possessor = ""
    while i < end:
        t = toks[i]
        if t.text == "-" and nouns and not t.whitespace_ and not toks[i - 1].whitespace_ and i + 1 < end \
                and toks[i + 1].pos_ in ("NOUN", "PROPN"):
            i += 1  # "class-action lawsuits": a hyphenated compound goes on to its head noun
            continue
        if t.pos_ in ("DET", "NUM") or (t.pos_ == "ADJ" and not nouns) or t.text in ("-", "–") or (t.pos_ == "ADV" and not nouns and t.dep_ == "advmod"):
            if nouns:
                break
            i += 1
            continue
        if t.pos_ == "PROPN" and i + 1 < end and toks[i + 1].tag_ == "POS":
            possessor = " ".join(x.text for x in nouns + [t]) if nouns and nouns[-1].pos_ == "PROPN" else t.text
            nouns = []
            i += 2
            continue
        if t.tag_ == "PRP$":
            i += 1
            continue
        if t.pos_ in ("NOUN", "PROPN"):
            nouns.append(t)
            i += 1
            continue
        break
    if not nouns:
        return "", possessor, i
    head = nouns[-1]
    words = [x.text.lower() for x in nouns[:-1] if x.pos_ == "NOUN"] + [head.lemma_.lower() if head.pos_ == "NOUN" else head.text.lower()]
    return " ".join(words), possessor, i


# the death family folds to "killed" so "five died", "five dead" and "five killed" count the same thing
_CASUALTY = {"kill": "killed", "injure": "injured", "wound": "wounded", "die": "killed", "dead": "killed",
             "evacuate": "evacuated", "displace": "displaced", "arrest": "arrested", "rescue": "rescued",
             "detain": "detained", "hospitalize": "hospitalized", "hospitalise": "hospitalised", "miss": "missing",
             "missing": "missing", "unaccounted": "missing", "strand": "stranded", "escape": "escaped"}
# predicates clear enough to name what a bare number subject counts ("eight are still missing")
_BARE_PREDICATES = {"kill", "dead", "die", "miss", "missing", "unaccounted", "injure", "wound", "evacuate", "rescue", "arrest", "escape"}
_COMPLEMENTS = ("acomp", "oprd", "attr", "xcomp")


def _casualty(tok, allowed=None) -> str:
    """The casualty word of `tok` ("killed" for killed/died/dead), checking lemma and surface form."""
    for w in (tok.lemma_.lower(), tok.lower_):
        if w in _CASUALTY and (allowed is None or w in allowed):
            return _CASUALTY[w]
    return ""


def _predicate(h, allowed=None) -> str:
    """Casualty word of a predicate head or its complement: "killed", "are missing", "confirmed dead",
    "listed as missing"."""
    if h.pos_ in ("VERB", "AUX", "ADJ"):
        w = _casualty(h, allowed)
        if w:
            return w
    for c in h.children:
        if c.dep_ in _COMPLEMENTS:
            w = _casualty(c, allowed)
            if w:
                return w
        elif c.dep_ == "prep" and c.lower_ == "as":
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp", "amod", "acomp"):
                    w = _casualty(g, allowed)
                    if w:
                        return w
    return ""


def _people_verb(tok) -> str:
    """'people' alone says little: add what happened to them ("killed", "injured") when the parse says."""
    for c in tok.children:
        if (c.dep_ == "amod" and c.i < tok.i) or (c.dep_ == "acl" and c.i > tok.i):  # "injured people", "people killed"
            w = _casualty(c)
            if w:
                return w
    h = tok.head
    if h is not tok:
        return _predicate(h)
    return ""


def _bare_subject(tok) -> str:
    """'eight are still missing', 'five were killed': a bare cardinal subject of a casualty predicate."""
    if not (tok.pos_ == "NUM" or tok.like_num or tok.lower_ in ("dozens", "scores", "hundreds", "thousands", "several")) or \
            tok.dep_ not in ("nsubj", "nsubjpass") or tok.head is tok:
        return ""
    w = _predicate(tok.head, _BARE_PREDICATES)
    return f"people {w}" if w else ""


_TALLY_NOUNS = {"number", "toll", "tally", "count", "total"}


def _tally(subj) -> str:
    """"the number of people killed" -> "people killed"; "the death toll" -> "people killed"."""
    lemma = subj.lemma_.lower()
    if lemma not in _TALLY_NOUNS:
        return ""
    if lemma == "toll" and any(c.lower_ in ("death", "casualty") for c in subj.lefts):
        return "people killed"
    for c in subj.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"), None)
            if obj is not None:
                comp = [x.text.lower() for x in obj.lefts if x.dep_ == "compound" and x.pos_ == "NOUN"]
                phrase = " ".join(comp + [obj.lemma_.lower()])
                verb = _people_verb(obj) if obj.lemma_.lower() in _PEOPLE else ""
                return f"{phrase} {verb}" if verb else phrase
    return ""


def _subject_of(tok, sent) -> str:
    """The nsubj of the verb governing `tok`, when it names something (proper noun)."""
    h = tok
    for _ in range(6):
        if h.pos_ in ("VERB", "AUX") or h.head is h:
            break
        h = h.head
    for _ in range(4):
        for c in h.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PROPN":
                ent = next((e for e in nlp.span_ents(sent) if e.start <= c.i < e.end), None)
                return ent.text if ent else c.text
        if h.head is h:
            break
        h = h.head
    return ""


def _head_noun(tok, doc, sent_end_tok: int) -> tuple[str, int] | None:
    """(lemma phrase, next index) of the noun a number/ordinal modifies: "28 ballistic missiles" -> "missile"."""
    h = tok.head
    if tok.dep_ not in ("nummod", "amod", "quantmod", "compound") or h.pos_ != "NOUN" or h.i <= tok.i or h.i >= sent_end_tok:
        return None
    if any((t.pos_ == "VERB" and t.dep_ != "amod") or h not in t.ancestors for t in doc[tok.i + 1 : h.i]):
        return None
    comp = [c.text.lower() for c in h.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i > tok.i]
    return " ".join(comp + [h.lemma_.lower()]), h.i + 1


def describe(f: Found, doc, sent_start_tok: int, sent_end_tok: int, sent, q_start: int, end: int | None = None) -> tuple[str, str]:
    """(measures, subject) for a found quantity using the parse around it (`end`: past its conversion, if any)."""
    toks = nlp.doc_tokens(doc)
    first = token_at(doc, f.start)
    last = token_at(doc, max(f.start, (end or f.end) - 1))
    if first is None or last is None:
        return "", ""
    j = last.i + 1
    while j < sent_end_tok and toks[j].text in (")", "(") or (j < sent_end_tok and f.kind != "ordinal" and toks[j].is_punct and toks[j].text == ")"):
        j += 1
    # the noun before "of <qty>" / "worth <qty>": "a range of 2,500 km", "a deal worth $90 billion"
    qtok = token_at(doc, q_start) or first
    k = min(first.i, qtok.i) - 1
    while k >= sent_start_tok and toks[k].lower_ in ("a", "an", "just"):
        k -= 1
    before = ""
    p = k - 1
    while p > sent_start_tok and toks[p].is_quote:
        p -= 1
    if p >= sent_start_tok and toks[k].lower_ in ("of", "worth", "at", "totaling", "totalling") and toks[p].pos_ in ("NOUN", "PROPN"):
        before = toks[p].lemma_.lower() if toks[p].pos_ == "NOUN" else toks[p].text.lower()
    after, possessor, nxt = "", "", j
    if f.kind in ("count", "vague", "fraction", "percent", "duration", "unit", "money"):
        if j < sent_end_tok and toks[j].lower_ in ("of", "into", "in") and f.kind not in ("unit",):
            after, possessor, nxt = _noun_run(doc, j + 1, sent_end_tok)
        elif f.kind in ("count", "money", "ordinal", "vague"):
            after, possessor, nxt = _noun_run(doc, j, sent_end_tok)
    if f.kind in ("count", "ordinal"):
        hn = _head_noun(last, doc, sent_end_tok)
        if hn:
            after, nxt = hn
        elif f.kind == "ordinal":
            after, possessor, nxt = _noun_run(doc, j, sent_end_tok)
    if f.kind == "ordinal":
        if after and nxt < sent_end_tok - 1 and toks[nxt].lower_ in ("to", "with", "in") and toks[nxt + 1].pos_ == "PROPN":
            ent = next((e for e in nlp.span_ents(sent) if e.start == nxt + 1), None)
            after += f" {toks[nxt].lower_} {ent.text if ent else toks[nxt + 1].text}"
        if not after:  # "the meeting, their sixth since ..." -> the noun before the comma
            k = first.i - 1
            while k >= sent_start_tok and (toks[k].pos_ in ("DET", "PRON") or toks[k].tag_ == "PRP$"):
                k -= 1
            if k >= sent_start_tok + 1 and toks[k].text == "," and toks[k - 1].pos_ == "NOUN":
                after = toks[k - 1].lemma_.lower()
    measures = ""
    if f.kind == "money":
        measures = after or before
    elif f.kind == "unit":
        dim_word = _dimension_word(nlp.doc_text(doc), f)
        measures = (dim_word if dim_word != "distance away" else "") or before
        if not measures and f.adjective and j < sent_end_tok:  # "a 32-metre dam": the dam
            measures = _noun_run(doc, j, sent_end_tok)[0]
        if not measures and f.dimension == "length" and re.search(r"\b(?:range|strik(?:e|es|ing)|reach|missiles?|rockets?|fly|flies)\b", sent.text, re.I):
            measures = "range"
        if not measures and dim_word:
            measures = dim_word
        if not measures and j < sent_end_tok and toks[j].tag_ == "VBN":
            measures = f"{f.dimension} {toks[j].text.lower()}"
        if not measures and j < sent_end_tok and toks[j].lower_ == "of":
            measures, possessor, _ = _noun_run(doc, j + 1, sent_end_tok)
    elif f.kind in ("duration", "percent", "fraction"):
        if not after and f.kind == "fraction" and j < sent_end_tok and toks[j].pos_ == "DET":  # "half the population"
            after = _noun_run(doc, j, sent_end_tok)[0]
        measures = after or before
    else:
        measures = after or (before if f.kind != "count" else "")
    head_tok = next((t for t in doc[j:nxt] if t.pos_ == "NOUN"), None) if after else None
    if head_tok is not None and measures.split(" ")[-1] in _PEOPLE:
        verb = _people_verb(toks[nxt - 1])
        if verb:
            measures = f"{measures} {verb}"
    if not measures and f.kind in ("count", "vague"):
        measures = _bare_subject(last)
    if not measures and f.kind in ("count", "percent", "money", "duration"):
        # "the death toll rose to 12": the governing verb's subject, for verbs that state a level
        h = first
        for _ in range(5):
            if h.pos_ in ("VERB", "AUX") or h.head is h:
                break
            h = h.head
        level = h.lemma_.lower() in _LEVEL_VERBS or f.kind != "count"
        subj = None if not level else next((c for c in h.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"), None)
        if subj is not None:
            comp = [c.text.lower() for c in subj.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
            measures = _tally(subj) or " ".join(comp + [subj.lemma_.lower()])
    if not measures and f.kind in ("money", "unit", "duration"):
        measures = {"money": "amount", "length": "distance"}.get(f.dimension, f.dimension)
    subject = possessor or _subject_of(first, sent)
    if not subject and f.kind == "ordinal" and re.match(r"(?:his|her|its)\b", toks[max(sent_start_tok, first.i - 1)].lower_):
        # "his third visit": the nearest named person/organisation before it
        prior = [e for e in nlp.span_ents(sent) if e.end <= first.i and e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
        people = [e for e in prior if e.label_ == "PERSON"]
        subject = (people or prior)[-1].text if prior else ""
    return measures, subject


_DIM_AFTER = re.compile(r"\s*(?:\([^)]{0,40}\)\s*)?(tall|high|long|wide|across|abreast|deep|away|(?:north|south|east|west|"
                        r"northwest|northeast|southwest|southeast|north-west|north-east|south-west|south-east)\s+of)\b", re.I)
_DIM_WORDS = {"tall": "height", "high": "height", "long": "length", "wide": "width", "across": "width", "abreast": "width",
              "deep": "depth", "away": "distance away"}
_DIM_LABEL = re.compile(r"\b([A-Za-z]+)(?:\s+(?:to|of|at)\s+[\w-]+)?\s*:\s*$")  # a fact box: "Payload to LEO: 63,800kg"


def _dimension_word(text: str, f: Found) -> str:
    """What a length measures from the words around it: "230 feet tall" -> height, "130 miles northwest of" -> distance from."""
    if f.dimension not in ("length", "mass"):
        return ""
    m = _DIM_AFTER.match(text, f.end, f.end + 60)
    if m and f.dimension == "length":
        w = m.group(1).lower()
        return _DIM_WORDS.get(w, "distance from place")
    m = _DIM_LABEL.search(text[max(0, f.start - 20) : f.start])
    return m.group(1).lower() if m else ""


def skip_reference(text: str, f: Found) -> bool:
    """'the two leaders', 'one of its largest': numbers that refer rather than claim."""
    if f.kind != "count":
        return False
    word = f.qty.text.lower()
    before = text[max(0, f.start - 12) : f.start].lower()
    if re.match(r"[-–]\d", text[f.end : f.end + 2]) or re.search(r"\d[-–]$", text[max(0, f.start - 2) : f.start]):
        return True  # a record or score ("went 7-8-1", "won 3-2"), not a count
    if word in ("one", "a dozen") or f.qty.value == 1 and not word[0].isdigit():
        return True
    if word.isdigit() and re.search(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w-]*\s$", text[max(0, f.start - 20) : f.start]) and \
            not re.search(rf"\b{month_group()}\s$", text[max(0, f.start - 12) : f.start]):
        return True  # a model or name ("Boeing 747", "Falcon 9", "Route 66"), not a count
    if not word[0].isdigit() and re.search(r"\b(the|these|those|both|their|its|his|her|our|all|of)\s+$", before):
        return True
    if re.match(r"\s*(?:of|or)\s+(?:the|them|those|these)\b", text[f.end : f.end + 12]) and not word[0].isdigit():
        return True
    return False


def ordinal_ok(doc, text: str, f: Found, sent_end: int) -> bool:
    """Ordinals count events ("third visit since January"), not list positions or dates."""
    tok = token_at(doc, f.start)
    if tok is None or tok.pos_ not in ("ADJ", "NOUN", "NUM", "PROPN"):
        return False
    tail = text[f.end : min(sent_end, f.end + 60)].lower()
    if re.match(r"\W*(?:[a-z-]+\s+){0,4}?(?:since|in a row|straight|consecutive|ever|this year|in \d+ years)\b", tail):
        return True
    nxt = tok.nbor(1) if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.lemma_.lower() in _EVENT_NOUNS:
        return True
    return False


def split_at_newline(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    """The part of sentence [s, e) holding `pos` that lies in one kept block (blocks end at '\\n')."""
    a = text.rfind("\n", s, pos)
    b = text.find("\n", pos, e)
    s2 = a + 1 if a >= 0 else s
    e2 = b if b >= 0 else e
    while s2 < e2 and text[s2].isspace():
        s2 += 1
    while e2 > s2 and text[e2 - 1].isspace():
        e2 -= 1
    return s2, e2
