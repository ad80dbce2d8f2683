"""Entities: people, organisations and places, canonical within an article and across a story.

`extract` turns spaCy NER spans into article-local entities (titles, honorifics and possessives
stripped; a bare surname joins the full name it belongs to). `link` merges them across a story's
articles with transliteration-aware keys plus rapidfuzz, and rewrites ids inside each Analysis.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..model import Article, Entity, Mention
from .linking import link, _majority_type  # noqa: F401  (re-exported)
from .mentions import _Cluster, _find_person, gender_hints, _missed_surnames, offset_maps, _spans, TITLES  # noqa: F401  (re-exported)
from .names import similar, skeleton


def extract(article: Article, doc) -> list[Entity]:
    """Article-local entities from spaCy NER on `article.text`; mention offsets into `article.raw`."""
    to_raw = offset_maps(article)[0]
    spans = _spans(doc)
    # surnames of people named in full: NER often mislabels a bare surname as ORG/GPE/NORP
    surnames = {skeleton(s.text.split()[-1]) for s in spans if s.group == "PERSON" and len(s.text.split()) > 1}
    votes: dict[str, Counter] = defaultdict(Counter)
    for s in spans:
        votes[skeleton(s.text)][s.group] += 1
    for s in spans:
        key = skeleton(s.text)
        if key in surnames:
            s.group = "PERSON"
        elif len(s.text.split()) == 1 and votes[key][s.group] < max(votes[key].values()):
            s.group = votes[key].most_common(1)[0][0]  # NER disagrees with itself: the majority wins
            s.label = s.group
    spans.extend(_missed_surnames(doc, spans, surnames))
    spans.sort(key=lambda s: s.start)

    clusters: list[_Cluster] = []
    by_key: dict[tuple[str, str], _Cluster] = {}
    # full person names first, so a bare surname before its full name ("Zelensky" in a headline) still joins
    for s in sorted(spans, key=lambda s: (s.group != "PERSON" or len(s.text.split()) < 2, s.start)):
        c = None
        if s.group == "PERSON":
            c = _find_person(clusters, s.text)
        else:
            c = by_key.get((s.group, skeleton(s.text)))
            if c is None:
                for other in clusters:
                    if other.group == s.group and similar(other.full, s.text, 92):
                        c = other
                        break
        if c is None:
            c = _Cluster(s.group)
            clusters.append(c)
        c.spans.append(s)
        c.last_start = max(c.last_start, s.start)
        if s.group != "PERSON":
            by_key[(s.group, skeleton(s.text))] = c

    entities = []
    for n, c in enumerate(sorted(clusters, key=lambda c: min(s.start for s in c.spans))):
        spans_ = sorted(c.spans, key=lambda s: s.start)
        name = c.full
        aliases = sorted({s.text for s in spans_} - {name})
        etype = "PERSON" if c.group == "PERSON" else _majority_type(
            Counter("GPE" if s.label in ("GPE", "FAC") else s.label for s in spans_)
        )
        mentions = [Mention(article.id, to_raw(s.start), to_raw(s.end), s.text) for s in spans_]
        entities.append(Entity(f"{article.id}#e{n}", name, etype, aliases, mentions))
    return entities
