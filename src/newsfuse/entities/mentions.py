"""Article-local mentions: NER span cleaning, person clusters and gender hints."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from .. import nlp
from ..nlp import scan
from ..model import Entity
from .firstnames import FEMALE, MALE, first_name_gender
from .names import name_words, same_person_names, similar, skeleton, surnames_of


LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "NORP": "NORP", "FAC": "GPE", "PRODUCT": "PRODUCT"}
"""spaCy labels kept, mapped to the group they are matched within (LOC and FAC link with GPE)."""

# Words that are never a name on their own, whatever NER says ("us" tagged GPE, "We" tagged ORG).
NOT_NAMES = frozenset(
    """
    i me my we us our you your he him his she her it its they them their this that these those who what
    here there today yesterday tomorrow photo photos image file video reuters ap afp getty
    """.split()
)
# The last word of a name that makes it a body, not a person ("Nature Air", "Hydro", "Acme Inc").
ORG_HEADS = frozenset(
    """
    air airlines airways aviation hydro energy power electric inc corp corporation co ltd llc plc lp llp ag sa nv
    group holdings bank bancorp capital partners management ventures fund trust insurance motors systems
    technologies technology software labs media news times post press broadcasting network telecom airport
    university college institute school academy hospital foundation association society agency ministry
    department office council committee commission party union league club federation army police court
    girls boys women men families herald tribune journal gazette telegraph chronicle inquirer zeitung store
    """.split()
)
# The last word of a name that makes it a place or facility ("Ofer Prison", "Punta Islita Airport").
PLACE_HEADS = frozenset(
    """
    prison jail airport airfield base street avenue road square bridge river lake valley mountain mountains
    island islands beach bay province county district region state village city town
    """.split()
)
# The first word of a name that makes it a natural feature, never a person ("Cape Erimo", "Mount Kenya").
PLACE_LEADS = frozenset("cape mount mt lake gulf sea strait isle peninsula desert glacier volcano".split())
# Nouns before "of" that make the next name a place: "the village of Nebi Saleh".
PLACE_OF = frozenset("village town city province region district county state capital area suburb island municipality".split())
# Lower-case particles inside personal names ("Paulino do Rego Barros").
PARTICLES = frozenset("da de do dos das del della di du van von der den la le bin ibn al el".split())
NAME_SUFFIXES = frozenset("jr sr ii iii iv".split())


# Titles and honorifics: words that precede a name but are not part of it (lower-cased, no dot).
TITLES = frozenset(
    """
    mr mrs ms miss mx dr sir dame lord lady madam president vice prime minister secretary senator sen
    rep representative congressman congresswoman gov governor mayor chancellor king queen prince
    princess pope general gen lt lieutenant col colonel major maj captain capt sgt sergeant officer
    judge justice chief deputy ambassador spokesman spokeswoman spokesperson professor prof rev
    reverend father councillor councilman councilwoman coun premier leader chairman chairwoman chair
    ceo director commissioner assistant superintendent inspector detective constable cst sheriff
    attorney foreign defence defense interior finance state former acting interim then-president
    speaker minority majority whip mp mep coach dean cardinal bishop rabbi imam sheikh emir crown
    ayatollah marshal admiral commander president-elect host star executive
    """.split()
)
CREDIT_WORDS = frozenset("photographer photo photos file credit staff".split())
_TITLE_OR_CREDIT = TITLES | CREDIT_WORDS
CREDITS = frozenset("Reuters AP AFP EPA Getty Bloomberg Shutterstock Alamy PA UPI".split())
"""Wire and picture agencies whose name is glued onto the next name at a caption's edge."""
MALE_TITLES = frozenset("mr sir lord king prince father".split())
FEMALE_TITLES = frozenset("mrs ms miss dame lady queen princess madam".split())
_HONORIFICS = MALE_TITLES | FEMALE_TITLES
_POSSESSIVE = re.compile(r"(?:['’‘]s|['’‘])$")
_DOTTED = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass
class MentionSpan:
    start: int  # char offsets in article.text
    end: int
    text: str
    group: str
    label: str
    tok_start: int
    tok_end: int
    gender: str = ""
    title: str = ""  # a title written before a person's name ("President"), kept as an alias
    org_evidence: bool = False  # its own words or the next word say it is a body, not a person


def clean_span(ent, doc_text: str | None = None) -> tuple[int, int, str, str] | None:
    """Strip titles, honorifics, leading determiners and possessives from an NER span.

    Returns (start_char, end_char, text, gender hint from an honorific) or None when nothing is left.
    Pass `doc_text` (the Doc's text, computed once): `Doc.text` rebuilds the whole string per call.
    """
    if doc_text is None:
        doc_text = nlp.doc_text(ent.doc)
    toks = list(ent)
    person = ent.label_ == "PERSON"  # (a Span's label_ is a string-store lookup on each access)
    gender = ""
    # a title right before the span ("Mr" outside the entity) still tells the gender
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None:
        p = prev.lower_.rstrip(".")
        gender = "m" if p in MALE_TITLES else "f" if p in FEMALE_TITLES else ""
    while toks:
        t = toks[0]
        w = t.lower_.rstrip(".")
        if len(toks) > 1 and (t.is_punct or (person and t.is_alpha and t.text.islower() and t.text not in PARTICLES)):
            toks.pop(0)  # "s Ann Lee" (a split possessive): a name never starts lower-case but for "de", "van"
            continue
        if len(toks) > 1 and t.text in CREDITS:  # "Reuters Acme" at a caption's edge
            toks.pop(0)
            continue
        # titles are stripped from people only: "State Department" keeps "State"
        if (w in TITLES and person) or w in ("the", "a", "an") or not t.text.strip() or (
            person and t.pos_ == "ADJ" and len(toks) > 1
        ):
            if w in MALE_TITLES:
                gender = "m"
            elif w in FEMALE_TITLES:
                gender = "f"
            toks.pop(0)
            continue
        if person and len(toks) > 1 and _sentence_gerund(t):
            toks.pop(0)  # "Tranquilizing Kibo would have …": a gerund opening the sentence, no given name
            continue
        # "Ukrainian President Volodymyr Zelenskiy": a nationality adjective before a title
        if person and len(toks) > 2 and toks[1].lower_.rstrip(".") in TITLES:
            toks.pop(0)
            continue
        break
    # a name never ends in a lower-case word ("Saturn V moon", "credit bureaus fail"), nor a person's in a
    # title or a caption's credit word ("Ann Lee Photographer")
    while toks and (toks[-1].text in ("'s", "’s", "‘s", "'", "’", "‘") or not toks[-1].text.strip() or toks[-1].is_punct
                    or (len(toks) > 1 and toks[-1].is_alpha and toks[-1].text.islower())
                    or (len(toks) > 2 and person and toks[-1].lower_ in _TITLE_OR_CREDIT)):
        toks.pop()
    if not toks:
        return None
    start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
    text = doc_text[start:end]
    m = _POSSESSIVE.search(text)
    if m and m.start() > 0:
        end -= len(m.group())
        text = text[: m.start()]
    stripped = _EDGE_JUNK.sub("", text)
    if not stripped:
        return None
    lead = text.find(stripped)
    start += lead
    end = start + len(stripped)
    if _DOTTED.fullmatch(stripped) and doc_text[end : end + 1] == ".":
        end += 1  # keep the last dot of "U.S."
        stripped += "."
    return start, end, stripped, gender


@functools.lru_cache(maxsize=1)
def _verb_bases() -> frozenset[str]:
    """Base forms of English verbs, from the pipeline lemmatizer's index (empty when it has none)."""
    try:
        pipeline = nlp.load()
    except Exception:  # no model: the rule that needs it stays off
        return frozenset()
    for _, proc in pipeline.pipeline:
        lookups = getattr(getattr(proc, "lemmatizer", proc), "lookups", None)
        if lookups is not None and lookups.has_table("lemma_index"):
            return frozenset(lookups.get_table("lemma_index").get("verb", ()))
    return frozenset()


def _sentence_gerund(tok) -> bool:
    """A capitalised -ing form of a verb opening a sentence or clause ("Tranquilizing", "Shooting"), which NER
    glued onto the name after it; a given name that looks like one ("Sterling", "Irving") is no verb."""
    w = tok.lower_
    if not (w.endswith("ing") and len(w) >= 6 and tok.text[:1].isupper()) or first_name_gender(tok.text):
        return False
    prev = tok.doc[tok.i - 1] if tok.i > 0 else None
    if not (prev is None or tok.is_sent_start or prev.is_punct or prev.is_space or "\n" in prev.whitespace_):
        return False
    stem = w[:-3]
    verbs = _verb_bases()
    return stem in verbs or stem + "e" in verbs or (len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in verbs)


PERSON_TITLES = frozenset(
    "chief mayor premier senator sen governor gov councillor mp mla rep dr prof sgt lt cst constable "
    "detective inspector superintendent sheriff rabbi imam reverend rev".split()
)
"""Titles that only ever precede a person's name (unlike "General" in General Motors)."""


def _titled_name(ent):
    """The 1-2 proper nouns that end a non-person NER span right after a person title, else None."""
    toks = list(ent)
    for k in range(len(toks) - 2, -1, -1):
        if toks[k].lower_.rstrip(".") in PERSON_TITLES and toks[k].text[:1].isupper():
            rest = toks[k + 1 :]
            if 1 <= len(rest) <= 2 and all(t.pos_ == "PROPN" and t.lower_.rstrip(".") not in TITLES for t in rest):
                return ent.doc[rest[0].i : rest[-1].i + 1]
            return None
    return None


def ner_spans(doc) -> list[MentionSpan]:
    """NER spans of the kept labels, repaired and cleaned, in text order.

    Repairs for real copy: a span across a paragraph break is cut at it ("Credit/Agency\nAcme"); a
    person span takes a given name or particles NER left out ("Ahed" + "Tamimi"); a possessive
    inside a person span splits it ("Israel's Shin Bet"); pronouns, lower-case words, URLs are dropped.
    """
    out: list[MentionSpan] = []
    doc_text = nlp.doc_text(doc)
    for ent in nlp.doc_ents(doc):
        group = LABELS.get(ent.label_)
        if not group:
            continue
        if ent.label_ == "PERSON":
            ent = _widen_person(ent)
        model = _with_model_number(ent)
        if model is not None:  # "Falcon" + "9": a model designation; no person's name holds a number
            ent, group = model, ("PRODUCT" if group == "PERSON" else group)
        for part in _parts(ent, doc_text):
            span = _one_span(part, group, doc_text)
            if span is not None:
                out.append(span)
    out.extend(_based_bodies(doc, out))
    out = _national_bodies(doc, out)
    out.extend(_quoted_names(doc, out))
    out.sort(key=lambda s: s.start)
    return _split_glued(out)


# a nationality before one of these lower-case nouns names a body: "the Israeli army", "Nigerian military"
_NATIONAL_BODY_NOUNS = {"army": 1, "military": 1, "navy": 1, "police": 1, "armed": 2, "air": 2, "security": 2}


def _national_bodies(doc, spans: list[MentionSpan]) -> list[MentionSpan]:
    """"Israeli army", "Nigerian military": NER tags only the nationality; the phrase is an organisation."""
    text = nlp.doc_text(doc)
    out = []
    for s in spans:
        nxt = doc[s.tok_end] if s.group == "NORP" and s.tok_end < len(doc) else None
        width = _NATIONAL_BODY_NOUNS.get(nxt.text) if nxt is not None else None
        if width == 2 and not (s.tok_end + 1 < len(doc) and doc[s.tok_end + 1].text in ("forces", "force")):
            width = None  # "armed forces", "air force", "security forces" only
        if width:
            last = doc[s.tok_end + width - 1]
            end = last.idx + len(last.text)
            out.append(MentionSpan(s.start, end, text[s.start:end], "ORG", "ORG", s.tok_start, s.tok_end + width))
        else:
            out.append(s)
    return out


# "the 'Of Course I Still Love You' drone ship", "the “Bring Back Our Girls” movement": a quoted title-case name
# between a determiner and the common noun it names
# (`\b(?:the|a|…)|['’]s` written to open with a character class, `nlp.scan`: the engine skips to the places it names)
_QUOTED_NAME = re.compile("[{}'’](?:(?<=['’])s|{})".format(*scan.openings(["the", "a", "an", "its", "their", "his", "her"]))
                          + r"\s+[‘'“\"]((?:[A-Z0-9][\w'’-]*)(?:\s+[A-Z0-9][\w'’-]*){1,7})[’'”\"]\s+([a-z]{3,})")
_QUOTED_BODY_NOUNS = {"movement", "campaign", "group", "coalition", "party", "organisation", "organization", "network"}


def _quoted_names(doc, spans: list[MentionSpan]) -> list[MentionSpan]:
    """Names NER leaves out because they are quoted phrases: a ship, a programme, a campaign (see `_QUOTED_NAME`)."""
    text = nlp.doc_text(doc)
    covered = [(s.start, s.end) for s in spans]
    out = []
    for m in _QUOTED_NAME.finditer(text):
        start, end = m.span(1)
        if any(a < end and start < b for a, b in covered):
            continue
        sp = doc.char_span(start, end, alignment_mode="expand")
        if sp is None or not len(sp) or any(t.pos_ == "VERB" and t.i > sp.start for t in sp[:1]):
            continue
        label = "ORG" if m.group(2) in _QUOTED_BODY_NOUNS else "PRODUCT"
        out.append(MentionSpan(start, end, text[start:end], label, label, sp.start, sp.end))
        covered.append((start, end))
    return out


def _based_bodies(doc, spans: list[MentionSpan]) -> list[MentionSpan]:
    """Bodies NER missed in "<place>-based <Name>" ("a Denver-based Acme"): the name is an organisation."""
    text = nlp.doc_text(doc)
    hits = [m.start() + 1 for m in re.finditer(r"-based\b", text, re.I)]
    if not hits:
        return []
    covered = {i for s in spans for i in range(s.tok_start, s.tok_end)}
    out = []
    for at in hits:
        tok = doc.char_span(at, at + 5, alignment_mode="expand")
        tok = tok[-1] if tok is not None and len(tok) else None
        if tok is None or tok.lower_ != "based" or tok.i < 1 or doc[tok.i - 1].text != "-" or tok.i + 1 >= len(doc):
            continue
        end = tok.i + 1
        while end < len(doc) and end - tok.i <= 4 and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() \
                and end not in covered and doc[end].lower_.rstrip(".") not in TITLES:
            end += 1
        if end > tok.i + 1:
            first, last = doc[tok.i + 1], doc[end - 1]
            out.append(MentionSpan(first.idx, last.idx + len(last.text), text[first.idx : last.idx + len(last.text)],
                             "ORG", "ORG", tok.i + 1, end))
    return out


def _parts(ent, doc_text: str) -> list:
    """The span cut at paragraph breaks, "(" and (in people) a possessive: the pieces that are names."""
    doc = ent.doc
    pieces, cur = [], []
    for t in ent:
        cut = "\n" in t.text or "\n" in t.whitespace_ or t.text == "("
        if t.text == "(" or not t.text.strip():
            if cur:
                pieces.append(cur)
            cur = []
            if t.text == "(":
                break  # "World Sport Body (WSB": the acronym is read by the caller of extract
            continue
        cur.append(t)
        if cut:
            pieces.append(cur)
            cur = []
        elif ent.label_ == "PERSON" and t.i + 1 < ent.end and doc[t.i + 1].text in ("'s", "’s", "‘s"):
            pieces.append(cur)
            cur = []
    if cur:
        pieces.append(cur)
    out = []
    for toks in pieces:
        toks = [t for t in toks if t.text not in ("'s", "’s", "‘s")] if ent.label_ == "PERSON" and len(pieces) > 1 else toks
        if toks:
            whole = toks[0].i == ent.start and toks[-1].i == ent.end - 1
            out.append(ent if whole else _relabel(doc, toks[0].i, toks[-1].i + 1, ent.label_))
    return out


def _relabel(doc, start: int, end: int, label: str):
    from spacy.tokens import Span

    return Span(doc, start, end, label=label)


_ROMAN = re.compile(r"^(?:I{1,3}|IV|VI{0,3}|IX|X)$")
_NOT_MODEL = frozenset("percent per pct million billion trillion times years days hours minutes people".split())


def _with_model_number(ent):
    """The span with the model number written right after it ("Falcon 9", "Saturn V", "Falcon 9s"), or None."""
    doc = ent.doc
    if ent.label_ not in ("ORG", "PRODUCT", "PERSON") or ent.end >= len(doc) or ent[-1].whitespace_ != " ":
        return None
    nxt = doc[ent.end]
    after = doc[ent.end + 1] if ent.end + 1 < len(doc) else None
    digits = re.fullmatch(r"\d{1,4}s?", nxt.text)
    if digits and len(nxt.text.rstrip("s")) == 4 and nxt.text[:2] in ("19", "20"):
        return None  # a year
    roman = _ROMAN.match(nxt.text) and ent.label_ != "PERSON"  # "Henry VIII" is a person
    if not (digits or roman) or (after is not None and (after.lower_ in _NOT_MODEL or after.text == "%")):
        return None
    return _relabel(doc, ent.start, ent.end + 1, ent.label_ if ent.label_ != "PERSON" else "PRODUCT")


def _widen_person(ent):
    """Take in a given name NER left just outside a one-word person span ("Ahed" + "Tamimi"), and
    a name's particles with the word before them ("Paulino" "do" + "Rego Barros")."""
    doc = ent.doc
    start = ent.start
    while start > 1:
        prev, before = doc[start - 1], doc[start - 2]
        if prev.text in PARTICLES and before.text[:1].isupper() and before.pos_ == "PROPN" and "\n" not in before.whitespace_:
            start -= 2
            continue
        break
    if start == ent.start and len(ent) == 1 and start > 0:
        prev = doc[start - 1]
        w = prev.lower_.rstrip(".")
        if (prev.pos_ == "PROPN" and prev.text.istitle() and prev.text.isalpha() and "\n" not in prev.whitespace_
                and w not in TITLES and w not in NOT_NAMES and prev.ent_type_ in ("", "PRODUCT")):
            start -= 1
    return ent if start == ent.start else _relabel(doc, start, ent.end, ent.label_)


def _one_span(ent, group: str, doc_text: str) -> MentionSpan | None:
    """One cleaned span, retyped where its own words or context say what it is; None if not a name."""
    cleaned = clean_span(ent, doc_text)
    if not cleaned:
        return None
    start, end, text, gender = cleaned
    if not any(c.isalpha() for c in text) or len(text) > 80 or not any(c.isupper() for c in text):
        return None
    if all(w.lower().rstrip(".") in TITLES for w in text.split()):
        return None  # a title alone ("State" out of "Secretary of State") names no one
    if text.lower() in NOT_NAMES and not text.isupper() or "@" in text or "://" in text or text.lower().startswith("www."):
        return None
    if "/" in text and " " in text[: text.index("/")]:  # "Safety Ministry/AP": a photo credit glued on ("AC/DC" is a name)
        text = text[: text.index("/")].rstrip()
        end = start + len(text)
    label = ent.label_
    title = ""
    evidence = False
    named = _titled_name(ent) if group != "PERSON" else None
    if named is not None:  # "Hereditary Chief Ann Lee" tagged ORG: the person after the title
        start, end = named.start_char, named.end_char
        text, group, label = doc_text[start:end], "PERSON", "PERSON"
    if group == "PERSON":
        title = _title_before(ent.doc, doc_text, start)
        words = [w.lower().rstrip(".") for w in text.split()]
        if len(words) > 1 and (re.fullmatch(r"[A-Z]|\d\w*", text.split()[-1]) or any(c.isdigit() for c in text)):
            group, label = "PRODUCT", "PRODUCT"  # "Acme Model S", "Zephyr 300": no person's name
        elif len(words) > 1 and first_name_gender(text) is None:
            if words[-1] in ORG_HEADS:  # "Nature Air", "Lakeside Hydro"
                group = label = "ORG"
                evidence = True
            elif words[-1] in PLACE_HEADS:  # "Ofer Prison"
                group, label = "GPE", "FAC"
            elif words[0] in PLACE_LEADS:  # "Cape Erimo", "Mount Kenya": a place, whatever NER said
                group, label = "GPE", "LOC"
        if group == "PERSON" and _after_place_noun(ent.doc, start):  # "the village of Nebi Saleh"
            group, label = "GPE", "GPE"
        elif group == "PERSON" and (_CAMEL.search(text) or _before_group_noun(ent.doc, end) or _traded(doc_text, end)):
            group = label = "ORG"  # "BrandX", "#SaveOurPark"; "Kora Ulan fighters"; "Acme (ACM) shares"
            evidence = True
    elif group == "GPE" and _traded(doc_text, end, ticker_only=True):
        group = label = "ORG"  # "Quorvel (QRVL) shares"
        evidence = True
    elif group == "GPE":
        end, text = _with_descriptor(ent.doc, doc_text, start, end, text)
    elif group == "ORG" and _traded(doc_text, end):
        evidence = True  # its other mentions, tagged a person or a place, are the company too
    tok = ent.doc.char_span(start, end, alignment_mode="expand")
    ts, te = (tok.start, tok.end) if tok is not None else (ent.start, ent.end)
    return MentionSpan(start, end, text, group, label, ts, te, gender, title, evidence)


def _title_before(doc, doc_text: str, start: int) -> str:
    """The capitalised title written right before a person's name ("Prime Minister", "Mr."), else ""."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None:
        return ""
    i = tok.start
    while i > 0 and tok.start - i < 4:
        prev = doc[i - 1]
        if prev.lower_ == "of" and i > 1 and i < tok.start and doc[i - 2].lower_.rstrip(".") in TITLES:
            i -= 1  # "Secretary of State"
            continue
        if not (prev.text[:1].isupper() and prev.lower_.rstrip(".") in TITLES and "\n" not in prev.whitespace_):
            break
        i -= 1
    while i < tok.start and doc[i].lower_ == "of":
        i += 1
    return doc_text[doc[i].idx : doc[tok.start - 1].idx + len(doc[tok.start - 1].text)] if i < tok.start else ""


_CAMEL = re.compile(r"^(?!(?:Mc|Mac|De|Di|Da|La|Le|Van|Von|O')[A-Z])[A-Z]?[a-z]+[A-Z]\w*$")
# Collective nouns that follow the name of an armed group or other body, never a person's name.
GROUP_NOUNS = frozenset("militants fighters insurgents insurgency extremists jihadists rebels gunmen terrorists militia faction".split())
_DESCRIPTORS = frozenset("state province region county district governorate".split())


def _before_group_noun(doc, end: int) -> bool:
    tok = doc.char_span(end - 1, end, alignment_mode="expand")
    return tok is not None and tok.end < len(doc) and doc[tok.end].lower_ in GROUP_NOUNS


# what follows a listed company's name, never a person's or a country's: its ticker ("Acme (ACM)", "(NYSE: ACM)"),
# or nouns of its owners ("Acme stockholders"); not "shares" alone ("Lee shares concerns", "China shares fell")
_TICKER = r"\s*\((?:(?:NYSE|NASDAQ|Nasdaq|LSE|TSX|HKEX)\s*:\s*)?[A-Z]{2,5}(?:\.[A-Z]{1,2})?\)\s+(?:shares|stock)\b"
_TRADED = re.compile(rf"{_TICKER}|\s+(?:stockholders|shareholders)\b")
_LISTED = re.compile(_TICKER)


def _traded(doc_text: str, end: int, ticker_only: bool = False) -> bool:
    """The name at `end` is a listed company's (`ticker_only`: by its ticker, for names NER took for places)."""
    return bool((_LISTED if ticker_only else _TRADED).match(doc_text, end))


def _with_descriptor(doc, doc_text: str, start: int, end: int, text: str) -> tuple[int, str]:
    """A place name with the "state"/"province" NER left out ("Borno state,"): (end, text) taken in,
    unless the word goes on to name something else ("Texas state officials")."""
    tok = doc.char_span(end - 1, end, alignment_mode="expand")
    if tok is None or tok.end >= len(doc):
        return end, text
    nxt = doc[tok.end]
    after = doc[tok.end + 1] if tok.end + 1 < len(doc) else None
    if nxt.lower_ in _DESCRIPTORS and doc_text[end:nxt.idx] == " " and (after is None or after.pos_ not in ("NOUN", "PROPN", "ADJ")):
        end = nxt.idx + len(nxt.text)
        return end, doc_text[start:end]
    return end, text


def _after_place_noun(doc, start: int) -> bool:
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None or tok.start < 2:
        return False
    return doc[tok.start - 1].lower_ == "of" and doc[tok.start - 2].lower_ in PLACE_OF


def _two_names(text: str, seen: dict) -> bool:
    """"Acme Safety Authority and Beta Data Office" is two bodies ("Marks and Spencer" is one): each side
    capitalised, and each of two words or more, or named on its own in the article."""
    a, b = text.split(" and ", 1)
    if not (a[:1].isupper() and b[:1].isupper()):
        return False
    return (len(a.split()) >= 2 and len(b.split()) >= 2) or a in seen or b in seen


_GLUED_POSSESSIVE = re.compile(r"^(.+?)['’]s (.+)$")


def _split_glued(spans: list[MentionSpan]) -> list[MentionSpan]:
    """Spans that are two names run together, cut where the article names each part on its own:
    a person span "Acme Acme" or "Wire Acme" (a caption's edge), and "Acme's Rocket One"."""
    seen: dict[str, set[str]] = {}
    for s in spans:
        seen.setdefault(s.text, set()).add(s.group)
    out = []
    for s in spans:
        words = s.text.split(" ")
        poss = _GLUED_POSSESSIVE.match(s.text) if "s " in s.text else None
        if s.group == "PERSON" and len(words) == 2 and (
            words[0] == words[1] or all(w in seen and "PERSON" not in seen[w] for w in words)
        ):
            a, b = words
            ga = next(iter(seen.get(a, {"ORG"}) - {"PERSON"}), "ORG")
            gb = next(iter(seen.get(b, {"ORG"}) - {"PERSON"}), "ORG")
            out.append(MentionSpan(s.start, s.start + len(a), a, ga, ga, s.tok_start, s.tok_start + 1))
            out.append(MentionSpan(s.end - len(b), s.end, b, gb, gb, s.tok_end - 1, s.tok_end))
        elif " and " in s.text and s.group in ("ORG", "GPE") and _two_names(s.text, seen):
            a, b = s.text.split(" and ", 1)
            out.append(MentionSpan(s.start, s.start + len(a), a, s.group, s.label, s.tok_start, s.tok_start + len(a.split())))
            out.append(MentionSpan(s.end - len(b), s.end, b, s.group, s.label, s.tok_end - len(b.split()), s.tok_end))
        elif s.group == "PERSON" and len(words) > 1 and words[0].isupper() and words[0] in seen and "PERSON" not in seen[words[0]]:
            a, b = words[0], " ".join(words[1:])  # "NBC Ann Lee": a broadcaster's credit glued on
            out.append(MentionSpan(s.start, s.start + len(a), a, next(iter(seen[a])), "ORG", s.tok_start, s.tok_start + 1))
            out.append(MentionSpan(s.end - len(b), s.end, b, "PERSON", "PERSON", s.tok_start + 1, s.tok_end))
        elif len(words) > 1 and words[0].isupper() and len(words[0]) >= 4 and words[1].istitle() and \
                " ".join(words[1:]) in seen:  # a shouted headline word glued on: "WATCHED Acme"
            b = " ".join(words[1:])
            out.append(MentionSpan(s.end - len(b), s.end, b, s.group, s.label, s.tok_start + 1, s.tok_end))
        elif ", " in s.text and s.group in ("ORG", "GPE") and all(p in seen for p in s.text.split(", ", 1)):
            a, b = s.text.split(", ", 1)  # "Abuja, Borno": two places the article also names apart
            out.append(MentionSpan(s.start, s.start + len(a), a, next(iter(seen[a])), s.label, s.tok_start, s.tok_start + len(a.split())))
            out.append(MentionSpan(s.end - len(b), s.end, b, next(iter(seen[b])), s.label, s.tok_end - len(b.split()), s.tok_end))
        elif poss and poss.group(1) in seen and s.group != "PERSON":
            a, b = poss.group(1), poss.group(2)
            ga = next(iter(seen[a]))
            out.append(MentionSpan(s.start, s.start + len(a), a, ga, ga, s.tok_start, s.tok_start + 1))
            out.append(MentionSpan(s.end - len(b), s.end, b, s.group, s.label, s.tok_start + 1, s.tok_end))
        else:
            out.append(s)
    return out


@dataclass
class Cluster:
    group: str
    spans: list[MentionSpan] = field(default_factory=list)  # only ever grows (append, extend)
    last_start: int = -1
    _full: tuple[int, str] | None = field(default=None, repr=False, compare=False)  # (len(spans), full)
    _surnames: tuple[int, list[str]] | None = field(default=None, repr=False, compare=False)  # (len(spans), words)
    _fulls: tuple[int, list[str]] | None = field(default=None, repr=False, compare=False)

    @property
    def first_start(self) -> int:
        return min(s.start for s in self.spans)

    def names(self) -> set[str]:
        return {s.text for s in self.spans}

    def full_names(self) -> list[str]:
        """Its names of two words or more; kept until a span joins (see `surname_words`)."""
        n = len(self.spans)
        if self._fulls is None or self._fulls[0] != n:
            self._fulls = (n, [t for t in self.names() if len(name_words(t)) > 1])
        return self._fulls[1]

    def surname_words(self) -> list[str]:
        """The words a bare surname may be of this cluster: each full name's surnames, a one-word name itself;
        kept until a span joins (clustering asks it of every person for every bare name)."""
        n = len(self.spans)
        if self._surnames is None or self._surnames[0] != n:
            self._surnames = (n, [w for t in self.names() for w in (surnames_of(t) if len(name_words(t)) > 1 else [t])])
        return self._surnames[1]

    @property
    def full(self) -> str:
        """The longest name seen (most tokens, then most frequent); kept until a span joins (clustering asks it
        of every cluster for every mention)."""
        n = len(self.spans)
        if self._full is None or self._full[0] != n:
            counts = Counter(s.text for s in self.spans)
            self._full = (n, max(counts, key=lambda t: (len(t.split()), counts[t], -len(t))))
        return self._full[1]


def find_person(clusters: list[Cluster], name: str, at: int = -1) -> Cluster | None:
    """The person cluster `name` (a full name, a bare surname or a bare given name) belongs to.

    A full name joins a cluster of the same person (`same_person_names`). A bare surname joins the
    cluster named nearest before it (the first after it when none is before); a bare given name joins
    only the one person in the article with that given name and no one with it as a surname.
    """
    people = [c for c in clusters if c.group == "PERSON"]
    words = name_words(name)
    if len(words) > 1:
        for c in people:
            full = c.full_names()
            if any(same_person_names(name, t) for t in full) or (not full and any(similar(words[-1], t) for t in c.names())):
                return c
        return None
    by_surname = [c for c in people if any(similar(name, w) for w in c.surname_words())]
    if by_surname:
        before = [c for c in by_surname if c.first_start < at]
        if before:
            return max(before, key=lambda c: max(s.start for s in c.spans if s.start < at))
        return min(by_surname, key=lambda c: c.first_start)
    if name.lower() not in MALE | FEMALE:
        return None  # only a common given name says a bare word is someone's first name ("Acme" of "Acme Cash" is not)
    key = skeleton(name)
    given = [c for c in people if any(
        len(name_words(t)) > 1 and (skeleton(name_words(t)[0]) == key or (len(key) >= 4 and skeleton(name_words(t)[0]).startswith(key)))
        for t in c.names())]
    return given[0] if len(given) == 1 else None


_ACRONYM = re.compile(r"\s*\((?:[A-Z]{2,8}:\s*)?([A-Z][A-Za-z0-9&\-]{1,9}?)(?:\.[A-Z]{1,2})?\)")
_WIRES = frozenset("ap afp pa upi dpa efe ansa aap cp ians pti".split())


def stated_acronyms(doc, spans: list[MentionSpan]) -> dict[tuple[int, int], tuple[MentionSpan, str]]:
    """Acronyms and tickers the copy states in brackets right after a body's name: "Agency (OIJ)",
    "Acme Ltd (ACME.O)", "(NASDAQ: ACME)". (start, end) of the acronym -> (the name's span, acronym)."""
    text = nlp.doc_text(doc)
    places = {(s.start, s.end) for s in spans if s.group in ("GPE", "NORP")}
    out = {}
    for s in spans:
        # not after places: "NEW YORK (CNN)" is a dateline
        if s.group not in ("ORG", "PRODUCT") or s.label == "ACRONYM":
            continue
        m = _ACRONYM.match(text, s.end)
        if not m:
            continue
        acr = m.group(1)
        if sum(c.isupper() for c in acr) < 2 or acr.lower() in _WIRES or (m.start(1), m.end(1)) in places:
            continue
        if any(ch.isspace() for ch in acr) or acr.lower() == s.text.lower():
            continue
        out[(m.start(1), m.end(1))] = (s, acr)
    return out


def missed_surnames(doc, spans: list[MentionSpan], surnames: set[str]) -> list[MentionSpan]:
    """Capitalised tokens NER missed that are the surname of a person named in full in the article."""
    if not surnames:
        return []
    covered = set()
    for s in spans:
        covered.update(range(s.tok_start, s.tok_end))
    out = []
    toks, text, starts = nlp.doc_tokens(doc), nlp.doc_text(doc), nlp.doc_starts(doc)
    for i, pos in enumerate(nlp.doc_pos(doc)):  # (the part of speech and first letter first: most tokens go unread)
        if pos not in ("PROPN", "NOUN", "ADJ", "VERB", "PUNCT") or not text[starts[i]].isupper() or i in covered:
            continue
        tok = toks[i]
        word = tok.text.rstrip(_INVISIBLE)  # "Lee\u200b": a zero-width space glued to the name
        if not word[:1].isupper() or word.isupper() or len(word) < 3:
            continue
        if skeleton(word) in surnames:
            out.append(MentionSpan(tok.idx, tok.idx + len(word), word, "PERSON", "PERSON", tok.i, tok.i + 1))
    return out


def gender_hints(doc, entities: list[Entity], to_raw) -> dict[str, str]:
    """Gender from honorifics next to mentions ("Mr Zelensky", "Ms Ardern"): entity id -> "m" | "f"."""
    starts = {}
    for e in entities:
        if e.type == "PERSON":
            for m in e.mentions:
                starts[m.start] = e.id
    out: dict[str, str] = {}
    if not starts:
        return out
    toks, lower = nlp.doc_tokens(doc), nlp.doc_lower(doc)
    for i in [i for i, w in enumerate(lower[:-1]) if w.rstrip(".") in _HONORIFICS]:
        eid = starts.get(to_raw(toks[i + 1].idx))
        if eid and eid not in out:
            out[eid] = "m" if lower[i].rstrip(".") in MALE_TITLES else "f"
    return out
