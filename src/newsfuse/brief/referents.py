"""Referents: whom a brief line's "he", "she" or an organisation's "it" means, when the line stands without the
sentences that named it.

Reads the facts' leads and the single-source statements with the articles' `Analysis.references` (he/she/it resolved
by the quotes stage, linked to the story's entities) and adds `means` glosses ("he [Ann Lee] said"). The line's own
text is left verbatim: renderers show the gloss beside the pronoun.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence

from ..entities import TITLES
from ..model import Analysis, Brief, Entity, Gloss, Reference


def gloss(brief: Brief, analyses: dict[str, Analysis]) -> None:
    """Add to each fact lead and single-source statement the person its first he/she means, unless the line names
    that person before the pronoun (then whom it means is plain) or the article last named him too far back."""
    story = _Story(brief.entities, analyses)
    for f in brief.facts:
        lead = next((v for v in f.variants if v.text == f.text and v.start >= 0), None)
        if lead is not None:
            f.means = story.gloss(lead.article, lead.start, f.text)
    for s in brief.single_source:
        if s.start >= 0:
            s.means = story.gloss(s.article, s.start, s.text)


REACH = 2  # sentences back from a he/she within which the article names (or he/she-s) the person meant


class _Story:
    """The story's he/she references and name mentions, indexed by article."""

    def __init__(self, entities: Sequence[Entity], analyses: dict[str, Analysis]) -> None:
        self.entities = {e.id: e for e in entities}
        self.words: dict[str, re.Pattern | None] = {}  # entity -> `_name_words`, compiled when a gloss first asks
        self.refs: dict[str, list[Reference]] = {}
        self.speakers: dict[str, dict[int, tuple[str, str]]] = {}
        self.sentences: dict[str, list[int]] = {}
        self.chain: dict[tuple[str, str], list[int]] = defaultdict(list)  # (entity, article) -> offsets naming him
        for e in entities:
            for m in e.mentions:
                self.chain[(e.id, m.article)].append(m.start)
        for aid, an in analyses.items():
            if not an.references:
                continue
            self.refs[aid] = sorted(an.references, key=lambda r: r.start)
            self.speakers[aid] = _speakers(an)
            self.sentences[aid] = sorted(s.start for s in an.sentences)
            for r in an.references:
                entity = self.speakers[aid].get(r.start, (r.entity, ""))[0]
                self.chain[(entity, aid)].append(r.start)
        for offsets in self.chain.values():
            offsets.sort()

    def gloss(self, article: str, start: int, text: str) -> list[Gloss]:
        """The gloss of the line's first resolved he/she (at most one: later ones follow the first)."""
        found = self.refs.get(article, [])
        i = bisect_left([r.start for r in found], start)
        if i >= len(found) or found[i].start >= start + len(text):
            return []
        r = found[i]
        rel = r.start - start
        if text[rel : rel + len(r.text)].lower() != r.text.lower():
            return []  # the line's text is not the article's at these offsets: nothing safe to point at
        # the speaker a quote's attribution settled on (the scorer may overrule the pronoun rule)
        entity, name = self.speakers[article].get(r.start, (r.entity, r.name))
        chain = self.chain.get((entity, article), [])
        k = bisect_left(chain, r.start)
        own = self._name_words(entity)
        if (k and chain[k - 1] >= start) or (own and own.search(_QUOTED.sub(" ", text[:rel]))):
            return []  # "Lee said … and he added": the line names him itself (NER may have missed the name there)
        sents = self.sentences[article]
        if not k or bisect_right(sents, r.start) - bisect_right(sents, chain[k - 1]) > REACH:
            return []  # named long before: a "he" of a person only described since ("the police chief") is likelier
        return [Gloss(rel, rel + len(r.text), name)]

    def _name_words(self, entity: str) -> re.Pattern | None:
        """`_name_words` of a story entity, compiled once (None for an id that is no story entity)."""
        if entity not in self.words:
            e = self.entities.get(entity)
            self.words[entity] = _name_words(e) if e is not None else None
        return self.words[entity]


def _speakers(an: Analysis) -> dict[int, tuple[str, str]]:
    """(entity, name) of each quote speaker named by a pronoun, by the pronoun's offset."""
    out = {}
    for q in an.quotes:
        sp = q.speaker
        if sp and sp.entity and sp.start >= 0 and (sp.mention or "").lower() in ("he", "she"):
            out[sp.start] = (sp.entity, sp.name)
    return out


_QUOTED = re.compile(r'“[^”]{0,400}”|"[^"]{0,400}"')  # a name inside quote marks is someone's words, not the line naming him


def _name_words(e: Entity) -> re.Pattern | None:
    """A pattern finding any capitalised word of the entity's name or aliases ("Lee" of "Ann Lee")."""
    ws = {w for n in [e.name, *e.aliases] for w in re.findall(r"\w[\w'’-]+", n)
          if w[:1].isupper() and len(w) > 2 and w.lower() not in TITLES}
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(ws))) + r")\b") if ws else None
