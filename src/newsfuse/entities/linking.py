"""Linking across a story: canonical entities merged over articles, ids rewritten in each Analysis."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict

from rapidfuzz import fuzz

from ..model import Analysis, Entity, Mention
from .names import _Blocks, _first_names_compatible, _person_parts, similar, skeleton


def _slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def link(analyses: list[Analysis]) -> list[Entity]:
    """Merge article-local entities into story-wide canonical entities (updates ids in analyses).

    People merge on surname skeleton with compatible first names; a bare surname joins the single
    full name it matches (never one of two different people sharing it). Places and organisations
    merge on skeleton equality or a high rapidfuzz ratio. The canonical name is the most complete,
    then most frequent, form.
    """
    locals_: list[tuple[str, Entity]] = [(an.article, e) for an in analyses for e in an.entities]
    groups: list[list[tuple[str, Entity]]] = []
    person_full: dict[str, list[int]] = defaultdict(list)  # surname skeleton -> group indices
    other_key: dict[tuple[str, str], int] = {}
    other_blocks: dict[str, _Blocks] = defaultdict(_Blocks)

    def group_of(e: Entity) -> str:
        # places and bodies share one key space: NER often calls "White House" or "Kyiv" either
        return "PLACE_ORG" if e.type in ("GPE", "LOC", "FAC", "ORG") else e.type

    persons = [(a, e) for a, e in locals_ if e.type == "PERSON"]
    full = [(a, e) for a, e in persons if len(e.name.split()) > 1]
    bare = [(a, e) for a, e in persons if len(e.name.split()) <= 1]
    blocks = _Blocks()
    for a, e in full:
        first, last = _person_parts(e.name)
        target = None
        for key in blocks.candidates(last):
            if not similar(key, last):
                continue
            for gi in person_full[key]:
                gfirst = _person_parts(groups[gi][0][1].name)[0]
                if _first_names_compatible(first, gfirst):
                    target = gi
                    break
            if target is not None:
                break
        if target is None:
            groups.append([])
            target = len(groups) - 1
            person_full[skeleton(last)].append(target)
            blocks.add(skeleton(last))
        groups[target].append((a, e))
    for a, e in locals_:
        if e.type == "PERSON":
            continue
        g = group_of(e)
        # a surname NER typed as ORG/GPE in an article that never named the person in full
        if e.type not in ("GPE", "LOC", "FAC") or len(e.name.split()) == 1:
            pm = set(person_full.get(skeleton(e.name), ()))
            if len(pm) == 1 and not _looks_like_place(e):
                groups[pm.pop()].append((a, e))
                continue
        k = (g, skeleton(e.name))
        gi = other_key.get(k)
        if gi is None and g == "PLACE_ORG":
            gi = _acronym_match(e.name, other_key)
        if gi is None and len(k[1]) >= 8:
            for kk in other_blocks[g].candidates(k[1]):
                if min(len(kk), len(k[1])) >= 8 and fuzz.ratio(kk, k[1]) >= 92:
                    gi = other_key[(g, kk)]
                    break
        if gi is None:
            groups.append([(a, e)])
            other_key[k] = len(groups) - 1
            other_blocks[g].add(k[1])
        else:
            groups[gi].append((a, e))

    for a, e in bare:
        matches = {gi for key in blocks.candidates(e.name) if similar(key, e.name) for gi in person_full[key]}
        if len(matches) == 1:
            groups[matches.pop()].append((a, e))
            continue
        if len(matches) > 1:  # two different people share this surname: don't guess
            groups.append([(a, e)])
            continue
        k = ("PERSON", skeleton(e.name))
        place = other_key.get(("PLACE_ORG", k[1]))
        if place is not None:  # NER called a place (or body) a person: "Kyiv" as PERSON
            groups[place].append((a, e))
        elif k in other_key:
            groups[other_key[k]].append((a, e))
        else:
            groups.append([(a, e)])
            other_key[k] = len(groups) - 1
    canon: list[Entity] = []
    id_map: dict[tuple[str, str], str] = {}
    name_map: dict[str, str] = {}
    used: set[str] = set()
    for members in groups:
        if not members:
            continue
        counts: Counter[str] = Counter()
        for _, e in members:
            counts[e.name] += max(1, len(e.mentions))
        types: Counter[str] = Counter()
        for _, e in members:
            types[e.type] += max(1, len(e.mentions))
        etype = "PERSON" if any(e.type == "PERSON" and len(e.name.split()) > 1 for _, e in members) else (
            _majority_type(Counter({t: n for t, n in types.items() if t != "PERSON"}) or types)
        )
        name = max(counts, key=lambda t: (len(t.split()), counts[t], -len(t)))
        base = f"{etype.lower()}:{_slug(name)}"
        cid, n = base, 2
        while cid in used:
            cid, n = f"{base}-{n}", n + 1
        used.add(cid)
        aliases: set[str] = set()
        mentions: list[Mention] = []
        for art, e in members:
            aliases.add(e.name)
            aliases.update(e.aliases)
            mentions.extend(e.mentions)
            id_map[(art, e.id)] = cid
        name_map[cid] = name
        canon.append(Entity(cid, name, etype, sorted(aliases - {name}), sorted(mentions, key=lambda m: (m.article, m.start))))

    _case_variant_mentions(analyses, canon)
    for an in analyses:
        for e in an.entities:
            new = id_map.get((an.article, e.id))
            if new:
                e.id, e.name = new, name_map[new]
        for q in an.quotes:
            sp = q.speaker
            if sp and sp.entity:
                new = id_map.get((an.article, sp.entity))
                if new:
                    sp.entity, sp.name = new, name_map[new]
    canon.sort(key=lambda e: (-len(e.mentions), e.name))
    return canon


def _majority_type(counts: Counter) -> str:
    """The most frequent type, except that a name NER also tagged GPE is a place, not an ORG."""
    top = counts.most_common(1)[0][0]
    return "GPE" if top == "ORG" and counts.get("GPE", 0) > 0 else top


def _case_variant_mentions(analyses: list[Analysis], canon: list[Entity]) -> None:
    """Add mentions of known places written in another case ("kyiv" for "Kyiv"), word-bounded.

    NER misses a lower-cased place name; once the story names the place properly, a
    case-insensitive match of that name (or an alias) in any article's sentences is a mention.
    """
    forms: dict[str, Entity] = {}
    for e in canon:
        if e.type not in ("GPE", "LOC", "FAC"):
            continue
        for n in (e.name, *e.aliases):
            if len(n) >= 4 and any(c.isupper() for c in n):
                forms.setdefault(n.lower(), e)
    if not forms:
        return
    known = {n for e in forms.values() for n in (e.name, *e.aliases)}
    pat = re.compile(r"(?<![^\W_])(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")(?![^\W_])", re.I)
    for an in analyses:
        taken = sorted((m.start, m.end) for e in canon for m in e.mentions if m.article == an.article)
        starts = [s for s, _ in taken]
        for sent in an.sentences:
            for m in pat.finditer(sent.text):
                if m.group() in known:
                    continue  # exact case: NER saw it (or chose not to tag it); only case variants join
                s, t = sent.start + m.start(), sent.start + m.end()
                k = bisect_right(starts, s) - 1
                if (k >= 0 and taken[k][1] > s) or (k + 1 < len(taken) and taken[k + 1][0] < t):
                    continue
                e = forms[m.group().lower()]
                e.mentions.append(Mention(an.article, s, t, m.group()))
                e.mentions.sort(key=lambda x: (x.article, x.start))


def _looks_like_place(e: Entity) -> bool:
    return e.type in ("GPE", "LOC", "FAC")


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()).lower()


def _acronym_match(name: str, keys: dict[tuple[str, str], int]) -> int | None:
    """"US"/"U.S." <-> "United States", "EU" <-> "European Union": acronym = capitalised initials."""
    compact = name.replace(".", "")
    if compact.isupper() and 2 <= len(compact) <= 5:
        for (g, k), gi in keys.items():
            if g == "PLACE_ORG" and " " in k and "".join(w[0] for w in k.split() if w not in ("of", "the", "and", "for")) == compact.lower():
                return gi
    elif " " in name:
        ini = _initials(name)
        if len(ini) >= 2:
            return keys.get(("PLACE_ORG", skeleton(ini)))
    return None
