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

from ..entities.names import forms_pattern, name_forms
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
        self.refs: dict[str, list[Reference]] = {}
        self.starts: dict[str, list[int]] = {}  # each article's reference offsets, for bisecting
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
            self.starts[aid] = [r.start for r in self.refs[aid]]
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
        i = bisect_left(self.starts.get(article, []), start)
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
        own = self._naming(entity)
        if (k and chain[k - 1] >= start) or (own and own.search(_QUOTED.sub(" ", text[:rel]).lower())):
            return []  # "Lee said … and he added": the line names him itself (NER may have missed the name there)
        sents = self.sentences[article]
        if not k or bisect_right(sents, r.start) - bisect_right(sents, chain[k - 1]) > REACH:
            return []  # named long before: a "he" of a person only described since ("the police chief") is likelier
        return [Gloss(rel, rel + len(r.text), name)]

    def _naming(self, entity: str) -> re.Pattern | None:
        """A pattern of the forms a line may name a story entity by (`name_forms`; None for no story entity)."""
        e = self.entities.get(entity)
        forms = name_forms(e.name, e.aliases, e.type == "PERSON") if e is not None else []
        return forms_pattern(tuple(forms)) if forms else None


def _speakers(an: Analysis) -> dict[int, tuple[str, str]]:
    """(entity, name) of each quote speaker named by a pronoun, by the pronoun's offset."""
    out = {}
    for q in an.quotes:
        sp = q.speaker
        if sp and sp.entity and sp.start >= 0 and (sp.mention or "").lower() in ("he", "she"):
            out[sp.start] = (sp.entity, sp.name)
    return out


_QUOTED = re.compile(r'“[^”]{0,400}”|"[^"]{0,400}"')  # a name inside quote marks is someone's words, not the line naming him
