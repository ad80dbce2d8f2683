"""Article-local mentions: NER span cleaning, person clusters, gender hints and offset maps."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field

from .. import nlp
from ..model import Article, Entity
from .names import _first_names_compatible, _person_parts, similar, skeleton


LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "GPE", "NORP": "NORP", "FAC": "GPE"}
"""spaCy labels kept, mapped to the group they are matched within (LOC and FAC link with GPE)."""


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
    ayatollah marshal admiral commander president-elect host star
    """.split()
)
MALE_TITLES = frozenset("mr sir lord king prince father".split())
FEMALE_TITLES = frozenset("mrs ms miss dame lady queen princess madam".split())
_POSSESSIVE = re.compile(r"(?:['’‘]s|['’‘])$")
_DOTTED = re.compile(r"(?:[A-Z]\.)+[A-Z]")
_EDGE_JUNK = re.compile(r"^[\W_]+|[\W_]+$")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass
class _Span:
    start: int  # char offsets in article.text
    end: int
    text: str
    group: str
    label: str
    tok_start: int
    tok_end: int
    gender: str = ""


def clean_span(ent, doc_text: str | None = None) -> tuple[int, int, str, str] | None:
    """Strip titles, honorifics, leading determiners and possessives from an NER span.

    Returns (start_char, end_char, text, gender hint from an honorific) or None when nothing is left.
    Pass `doc_text` (the Doc's text, computed once): `Doc.text` rebuilds the whole string per call.
    """
    if doc_text is None:
        doc_text = nlp.doc_text(ent.doc)
    toks = list(ent)
    gender = ""
    # a title right before the span ("Mr" outside the entity) still tells the gender
    prev = ent.doc[ent.start - 1] if ent.start > 0 else None
    if prev is not None:
        p = prev.lower_.rstrip(".")
        gender = "m" if p in MALE_TITLES else "f" if p in FEMALE_TITLES else ""
    while toks:
        t = toks[0]
        w = t.lower_.rstrip(".")
        if w in TITLES or w in ("the", "a", "an") or not t.text.strip() or (
            ent.label_ == "PERSON" and t.pos_ == "ADJ" and len(toks) > 1
        ):
            if w in MALE_TITLES:
                gender = "m"
            elif w in FEMALE_TITLES:
                gender = "f"
            toks.pop(0)
            continue
        # "Ukrainian President Volodymyr Zelenskiy": a nationality adjective before a title
        if ent.label_ == "PERSON" and len(toks) > 2 and toks[1].lower_.rstrip(".") in TITLES:
            toks.pop(0)
            continue
        break
    while toks and (toks[-1].text in ("'s", "’s", "‘s", "'", "’", "‘") or not toks[-1].text.strip() or toks[-1].is_punct):
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


def _spans(doc) -> list[_Span]:
    """NER spans of the kept labels, cleaned, in text order."""
    out = []
    doc_text = nlp.doc_text(doc)
    for ent in doc.ents:
        group = LABELS.get(ent.label_)
        if not group:
            continue
        cleaned = clean_span(ent, doc_text)
        if not cleaned:
            continue
        start, end, text, gender = cleaned
        if not any(c.isalpha() for c in text) or len(text) > 80:
            continue
        named = _titled_name(ent) if group != "PERSON" else None
        if named is not None:  # "Hereditary Chief Ann Lee" tagged ORG: the person after the title
            start, end = named.start_char, named.end_char
            text, group = doc_text[start:end], "PERSON"
        out.append(_Span(start, end, text, group, ent.label_, ent.start, ent.end, gender))
    return out


@dataclass
class _Cluster:
    group: str
    spans: list[_Span] = field(default_factory=list)
    last_start: int = -1

    @property
    def full(self) -> str:
        """The longest name seen (most tokens, then most frequent)."""
        counts = Counter(s.text for s in self.spans)
        return max(counts, key=lambda t: (len(t.split()), counts[t], -len(t)))


def _find_person(clusters: list[_Cluster], name: str) -> _Cluster | None:
    """The most recent person cluster `name` can belong to (a full name or a bare surname)."""
    first, last = _person_parts(name)
    best = None
    for c in clusters:
        if c.group != "PERSON":
            continue
        cfirst, clast = _person_parts(c.full)
        if not similar(last, clast):
            # a bare surname may also be a first-name-less mention of a double-barrelled name
            continue
        if first and cfirst and not _first_names_compatible(first, cfirst):
            continue
        if best is None or c.last_start > best.last_start:
            best = c
    return best


def _missed_surnames(doc, spans: list[_Span], surnames: set[str]) -> list[_Span]:
    """Capitalised tokens NER missed that are the surname of a person named in full in the article."""
    if not surnames:
        return []
    covered = set()
    for s in spans:
        covered.update(range(s.tok_start, s.tok_end))
    out = []
    for tok in doc:
        word = tok.text.rstrip(_INVISIBLE)  # "Lee\u200b": a zero-width space glued to the name
        if tok.i in covered or not word[:1].isupper() or len(word) < 3 or tok.pos_ not in ("PROPN", "NOUN", "ADJ", "VERB", "PUNCT"):
            continue
        if skeleton(word) in surnames:
            out.append(_Span(tok.idx, tok.idx + len(word), word, "PERSON", "PERSON", tok.i, tok.i + 1))
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
    for tok in doc[:-1]:
        w = tok.lower_.rstrip(".")
        if w in MALE_TITLES or w in FEMALE_TITLES:
            nxt = doc[tok.i + 1]
            eid = starts.get(to_raw(nxt.idx))
            if eid and eid not in out:
                out[eid] = "m" if w in MALE_TITLES else "f"
    return out


def offset_maps(article: Article) -> tuple:
    """(text->raw, raw->text) offset functions in O(log blocks), equivalent to `Article.raw_offset`."""
    spans = article.kept_spans
    if not spans:
        return (lambda i: i), (lambda i: i)
    starts, pos = [], 0
    for s, e in spans:
        starts.append(pos)
        pos += (e - s) + 1
    raw_starts = [s for s, _ in spans]

    def to_raw(i: int) -> int:
        k = max(0, bisect_right(starts, i) - 1)
        s, e = spans[k]
        return s + max(0, min(i - starts[k], e - s))

    def to_text(r: int) -> int:
        k = max(0, bisect_right(raw_starts, r) - 1)
        s, e = spans[k]
        return starts[k] + max(0, min(r - s, e - s))

    return to_raw, to_text
