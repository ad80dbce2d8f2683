"""Entities: people, organisations and places, canonical within an article and across a story.

`extract` turns spaCy NER spans into article-local entities (spans repaired for real copy; titles,
honorifics and possessives stripped; a bare surname joins the full name it belongs to; an acronym
stated in brackets joins its name). `link` settles types by a story-wide vote and merges entities
across a story's articles with transliteration-aware keys plus rapidfuzz, and rewrites ids inside
each Analysis.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..model import Article, Entity, Mention
from .linking import link, majority_type  # noqa: F401  (re-exported)
from .mentions import Cluster, find_person, gender_hints, missed_surnames, MentionSpan, ner_spans, stated_acronyms, TITLES  # noqa: F401  (re-exported)
from .names import name_words, similar, skeleton, surnames_of


def extract(article: Article, doc) -> list[Entity]:
    """Article-local entities from spaCy NER on `article.text`; mention offsets into `article.raw`."""
    to_raw = article.offset_maps()[0]
    spans = ner_spans(doc)
    # "68-year-old Kawamura": an age makes a person of a name NER typed otherwise, and of its other mentions
    text = article.text
    aged = {skeleton(s.text.split()[-1]) for s in spans if s.group != "PRODUCT" and _AGED_BEFORE.search(
        text[max(0, s.start - 24) : s.start]) and not (s.tok_end < len(doc) and doc[s.tok_end].pos_ in ("NOUN", "PROPN"))}
    # (not "a 30-year-old Ford truck": a name modifying a noun is no one)
    for s in spans:
        if s.group != "PERSON" and aged and skeleton(s.text.split()[-1]) in aged and len(s.text.split()) <= 3:
            s.group = s.label = "PERSON"
    # surnames of people named in full: NER often mislabels a bare surname as ORG/GPE/NORP
    full_people = [s for s in spans if s.group == "PERSON" and len(name_words(s.text)) > 1]
    surnames = {skeleton(w) for s in full_people for w in surnames_of(s.text)}
    given = {skeleton(name_words(s.text)[0]) for s in full_people}
    votes: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        votes[skeleton(s.text)][s.group] += 1
    bodies = {skeleton(s.text) for s in spans if s.org_evidence}  # "Kora Ulan fighters": every "Kora Ulan" is the group
    places = {skeleton(s.text) for s in spans if _in_place(doc, s)} - surnames - given  # "in Kyiv" tagged a person
    for s in spans:
        key = skeleton(s.text)
        if key in bodies and key not in surnames and s.group in ("PERSON", "ORG"):
            s.group = s.label = "ORG"  # (an ORG tag stays: a vote of mistaken PERSON tags never outweighs the evidence)
        elif key in places and s.group == "PERSON":
            s.group = s.label = "GPE"
        elif (key in surnames and not s.text.isupper()) or (key in given and s.group in ("ORG", "NORP", "PRODUCT") and len(s.text.split()) == 1):
            s.group = "PERSON"
        elif len(s.text.split()) == 1 and votes[key][s.group] < max(votes[key].values()):
            s.group = votes[key].most_common(1)[0][0]  # NER disagrees with itself: the majority wins
            s.label = s.group
    spans.extend(missed_surnames(doc, spans, surnames))
    acronyms = stated_acronyms(doc, spans)
    spans = [s for s in spans if (s.start, s.end) not in acronyms]
    spans.sort(key=lambda s: s.start)

    clusters: list[Cluster] = []
    by_group: dict[str, list[Cluster]] = defaultdict(list)  # the clusters of each group, in the order of `clusters`
    by_key: dict[tuple[str, str], Cluster] = {}
    # full person names first, so a bare surname before its full name ("Zelensky" in a headline) still joins
    for s in sorted(spans, key=lambda s: (s.group != "PERSON" or len(s.text.split()) < 2, s.start)):
        c = None
        if s.group == "PERSON":
            c = find_person(clusters, s.text, s.start)
        else:
            c = by_key.get((s.group, skeleton(s.text)))
            if c is None:
                for other in by_group[s.group]:
                    if similar(other.full, s.text, 92):
                        c = other
                        break
        if c is None:
            c = Cluster(s.group)
            clusters.append(c)
            by_group[s.group].append(c)
        c.spans.append(s)
        c.last_start = max(c.last_start, s.start)
        if s.group != "PERSON":
            by_key[(s.group, skeleton(s.text))] = c
    # "Judicial Investigation Agency (OIJ)": the acronym is a mention of the name it follows
    for (start, end), (owner, text) in sorted(acronyms.items()):
        c = next((c for c in clusters if owner in c.spans), None)
        if c is None:
            continue
        c.spans.append(MentionSpan(start, end, text, c.group, "ACRONYM", -1, -1))
        other = by_key.get((c.group, skeleton(text)))
        if other is not None and other is not c and other in clusters:  # the acronym alone, seen before
            c.spans.extend(other.spans)
            clusters.remove(other)
        by_key[(c.group, skeleton(text))] = c

    entities = []
    for n, c in enumerate(sorted(clusters, key=lambda c: min(s.start for s in c.spans))):
        spans_ = sorted(c.spans, key=lambda s: s.start)
        name = c.full
        aliases = {s.text for s in spans_} | {f"{s.title} {s.text}" for s in spans_ if s.title}
        aliases = sorted(aliases - {name})
        etype = "PERSON" if c.group == "PERSON" else majority_type(
            Counter("GPE" if s.label in ("GPE", "FAC") else s.label for s in spans_ if s.label != "ACRONYM")
            or Counter([c.group])
        )
        mentions = [Mention(article.id, to_raw(s.start), to_raw(s.end), s.text) for s in spans_]
        entities.append(Entity(f"{article.id}#e{n}", name, etype, aliases, mentions))
    return entities


_AGED_BEFORE = re.compile(r"\b\d{1,3}-year-old\s+$")


def _in_place(doc, s) -> bool:
    """A one-word "person" written as a place: "in Kyiv" (never "in Lee's view")."""
    if s.group != "PERSON" or " " in s.text or s.tok_start < 1 or s.tok_start >= len(doc):
        return False
    nxt = doc[s.tok_end] if s.tok_end < len(doc) else None
    return doc[s.tok_start - 1].lower_ in ("in", "near", "outside") and not (nxt is not None and nxt.text in ("'s", "’s", "'"))
