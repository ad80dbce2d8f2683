"""Speaker keys: one story-wide key and display name per speaker, whatever spelling each outlet used."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from ..clean.furniture import caption_or_credit
from ..model import Entity, Quote
from .spans import entities_in, entity_index


_TITLES = re.compile(r"^(?:(?:u\.?s\.?|us|vice|prime|former|president|minister|mr|mrs|ms|dr|sen|rep|gov|secretary|general|chancellor|king|queen|pope|alhaji|mallam|sheikh|rev|rabbi|father|sir|lord|lady|dame)\.?\s+)+", re.I)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}


class SpeakerResolver:
    """Map a quote's speaker to a story-wide key: canonical entity id, else a normalised surname."""

    def __init__(self, entities: Sequence[Entity] = ()) -> None:
        self.ids = {e.id: e for e in entities}
        self.mentions = entity_index(entities)
        self.by_name: dict[str, str] = {}
        for e in entities:
            for name in [e.name, *e.aliases]:
                self.by_name.setdefault(_norm_name(name), e.id)

    def kind(self, key: str) -> str:
        """Entity type behind a speaker key ("" for a name no entity holds)."""
        e = self.ids.get(key[2:]) if key.startswith("e:") else None
        return e.type if e else ""

    def __call__(self, q: Quote) -> tuple[str, str]:
        """(key, display name) of the quote's speaker; ("?", "") when unknown."""
        key, name = self._resolve(q)
        return key, clean_name(name)

    def _resolve(self, q: Quote) -> tuple[str, str]:
        sp = q.speaker
        if sp is None:
            return ("?", "")
        if sp.entity and sp.entity in self.ids and not caption_or_credit(self.ids[sp.entity].name, within=True):
            e = self.ids[sp.entity]
            return (f"e:{e.id}", e.name)
        if sp.start >= 0:
            hits = entities_in(self.mentions.get(q.article, []), sp.start, max(sp.end, sp.start + 1))
            # "the Israeli army" names no entity: a nationality or place inside a description is a modifier
            hits = {h for h in hits if (self.ids[h].type not in ("NORP", "GPE", "LOC")
                    or _norm_name(self.ids[h].name) == _norm_name(sp.name)) and not caption_or_credit(self.ids[h].name, within=True)}
            if len(hits) == 1:
                e = self.ids[next(iter(hits))]
                return (f"e:{e.id}", e.name)
        name = _norm_name(sp.name)
        if name in self.by_name and not caption_or_credit(self.ids[self.by_name[name]].name, within=True):
            e = self.ids[self.by_name[name]]
            return (f"e:{e.id}", e.name)
        if not name or name in PRONOUNS:
            return ("?", sp.name)
        return (f"n:{name.split()[-1]}", sp.name)


def clean_name(name: str) -> str:
    """A display name from scraped copy: the last line of a name NER ran across a break
    ("Scroll down for video\nAnn Lee" -> "Ann Lee")."""
    lines = [x.strip() for x in (name or "").split("\n") if x.strip()]
    return lines[-1] if lines else ""


def unify_speakers(stmts: list, resolve: SpeakerResolver) -> None:
    """One key per person across articles, shown by the fullest name the story gives them.

    "Lai Mohammed" and "Alhaji Lai Mohammed" are one speaker (titles dropped); a name of two words or
    more joins the one longer name it ends or begins ("Luis Guillermo" -> "Luis Guillermo Solis"); a lone
    surname joins the one full name that ends with it ("Shehu" -> "Garba Shehu"; "Tamimi" with two
    Tamimis stays apart). The story's people count as candidates even when they say nothing."""
    names: dict[str, str] = {}
    for st in stmts:
        if st.speaker != "?" and st.name:
            names.setdefault(st.speaker, st.name)
    for eid, e in resolve.ids.items():
        if e.type == "PERSON":
            names.setdefault(f"e:{eid}", clean_name(e.name))
    words = {k: _norm_name(n).split() for k, n in names.items()}
    words = {k: w for k, w in words.items() if w and w[0] not in PRONOUNS and not DESCRIBED.match(names[k])}
    parent = {k: k for k in words}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, w in sorted(words.items(), key=lambda kv: len(kv[1])):
        n = len(w)
        longer = [k2 for k2, w2 in words.items() if k2 != k and len(w2) >= n and (
            w2[-n:] == w or (n > 1 and w2[:n] == w))]
        if n == 1:
            longer = [k2 for k2 in longer if resolve.kind(k2) in ("PERSON", "")] if resolve.kind(k) in ("PERSON", "") else []
        roots = {find(k2) for k2 in longer}
        if len(roots) == 1 and (n > 1 or len({" ".join(words[k2]) for k2 in longer}) == 1):
            parent[find(k)] = roots.pop()
    classes: dict[str, list[str]] = defaultdict(list)
    for k in parent:
        classes[find(k)].append(k)
    full = {root: max((names[k] for k in ks), key=lambda nm: (len(nm.split()) <= 4, len(nm.split()), len(nm)))
            for root, ks in classes.items() if len(ks) > 1}
    for st in stmts:
        if st.speaker in parent:
            root = find(st.speaker)
            st.speaker = root
            st.name = full.get(root, st.name)


def _norm_name(name: str) -> str:
    name = _TITLES.sub("", name.strip().lower().replace("’", "'"))
    name = re.sub(r"'s$", "", name)
    return " ".join(re.findall(r"[\w-]+", name))


DESCRIBED = re.compile(r"(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\b|[^A-Z]")  # "the company", "a statement"
