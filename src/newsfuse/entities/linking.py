"""Linking across a story: canonical entities merged over articles, ids rewritten in each Analysis."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict

from rapidfuzz import fuzz

from ..model import Analysis, Entity, Mention
from .firstnames import first_name_gender
from .names import Blocks, name_words, same_person_names, similar, skeleton, strip_legal, surnames_of


def _slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "x"


def link(analyses: list[Analysis]) -> list[Entity]:
    """Merge article-local entities into story-wide canonical entities (updates ids in analyses).

    Types are first settled by a story-wide vote per name (NER calls "Acme" a person in one article
    and a company in four). People merge on surname skeleton with compatible first names, or when one
    full name is the other with words left out; a bare surname joins the single full name it matches
    (never one of two different people sharing it). Places, bodies and products merge on normalised
    keys (legal suffixes, "Ministry of X" = "X Ministry", a country qualifier, spacing), stated
    acronyms, transliteration variants, and a shorter name that is part of exactly one longer name.
    The canonical name is the most complete, then most frequent, form.
    """
    locals_: list[tuple[str, Entity]] = [(an.article, e) for an in analyses for e in an.entities]
    retype = _story_types(locals_)
    groups: list[list[tuple[str, Entity]]] = []
    person_full: dict[str, list[int]] = defaultdict(list)  # surname skeleton -> group indices
    other_key: dict[tuple[str, str], int] = {}
    other_blocks: dict[str, Blocks] = defaultdict(Blocks)
    etype = {id(e): retype.get(id(e), e.type) for _, e in locals_}

    def group_of(e: Entity) -> str:
        # places and bodies share one key space: NER often calls "White House" or "Kyiv" either
        return _family(etype[id(e)])

    persons = [(a, e) for a, e in locals_ if etype[id(e)] == "PERSON"]
    full = [(a, e) for a, e in persons if len(name_words(e.name)) > 1]
    bare = [(a, e) for a, e in persons if len(name_words(e.name)) <= 1]
    blocks = Blocks()
    for a, e in full:
        target = None
        for sur in surnames_of(e.name):
            for key in blocks.candidates(sur):
                for gi in person_full[key]:
                    if any(same_person_names(e.name, o.name) for _, o in groups[gi] if len(name_words(o.name)) > 1):
                        target = gi
                        break
                if target is not None:
                    break
            if target is not None:
                break
        if target is None:
            groups.append([])
            target = len(groups) - 1
        for sur in surnames_of(e.name):
            if target not in person_full[skeleton(sur)]:
                person_full[skeleton(sur)].append(target)
            blocks.add(skeleton(sur))
        groups[target].append((a, e))

    places = {k for a, e in locals_ if etype[id(e)] in ("GPE", "NORP") for k in _name_keys(e.name, "GPE")}
    others = sorted((ae for ae in locals_ if etype[id(ae[1])] != "PERSON"), key=lambda ae: etype[id(ae[1])] == "NORP")
    for a, e in others:
        g = group_of(e)
        t = etype[id(e)]
        # a surname NER typed as ORG/GPE in an article that never named the person in full
        if t not in ("GPE", "LOC", "FAC", "PRODUCT") or len(e.name.split()) == 1:
            pm = {gi for key in blocks.candidates(e.name) if key == skeleton(e.name) for gi in person_full[key]}
            if len(pm) == 1 and t not in ("GPE", "LOC", "FAC") and not e.name.isupper() and len(skeleton(e.name)) >= 3:
                groups[pm.pop()].append((a, e))
                continue
        keys = [k for n in [e.name, *e.aliases] for k in _name_keys(n, t)]
        # a NORP that is a body's name ("Acme" tagged NORP) joins it; "Israeli" never matches "Israel"
        spaces = [g] if g != "NORP" else ["PLACE_ORG", "NORP"]
        gi = next((other_key[(sp, k)] for k in keys for sp in spaces if (sp, k) in other_key), None)
        if gi is None and g != "NORP":
            k1 = keys[0] if keys else skeleton(e.name)
            for kk in other_blocks[g].candidates(k1):
                if _variant(kk, k1):
                    gi = other_key[(g, kk)]
                    break
        if gi is None:
            groups.append([(a, e)])
            gi = len(groups) - 1
        else:
            groups[gi].append((a, e))
        for k in keys or [skeleton(e.name)]:
            other_key.setdefault((g, k), gi)
            other_blocks[g].add(k)

    full_in: dict[str, set[int]] = defaultdict(set)  # article -> groups of the full names it writes
    for gi, members in enumerate(groups):
        for art, o in members:
            full_in[art].add(gi)
    for a, e in bare:
        matches = {gi for key in blocks.candidates(e.name) if similar(key, e.name) for gi in person_full[key]}
        if not matches:  # a family name written first ("Kim Jong Un" ... "Kim"): a full name of its own article
            word = skeleton(e.name)
            own = {gi for gi in full_in[a]
                   if any(art == a and any(skeleton(w) == word for w in name_words(o.name)) for art, o in groups[gi])}
            gi = _named_before(a, e, own, groups)
            if gi is not None:
                groups[gi].append((a, e))
                continue
        if len(matches) == 1:
            groups[matches.pop()].append((a, e))
            continue
        if len(matches) > 1:  # two people share this surname: the one its own article named in full before it
            gi = _named_before(a, e, matches, groups)
            if gi is not None:
                groups[gi].append((a, e))
            else:  # neither or both: don't guess
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
    _merge_misspelt_bodies(groups, etype, other_key, other_blocks["PLACE_ORG"])
    _merge_qualified(groups, etype, places)
    _merge_acronyms(groups, etype)
    _merge_part_names(groups, etype)
    _merge_codes(groups, etype)
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
            types[etype[id(e)]] += max(1, len(e.mentions))
        # a person when full person names carry at least as many mentions as place/body tags ("Kyiv" tagged
        # a person stays a place; "Boko Harm" tagged a person once does not make the group a person)
        named = sum(max(1, len(e.mentions)) for _, e in members if etype[id(e)] == "PERSON" and len(e.name.split()) > 1)
        rest = Counter({t: n for t, n in types.items() if t != "PERSON"})
        ctype = "PERSON" if named and named >= sum(rest.values()) else majority_type(rest or types)
        if ctype == "PERSON":
            # the fullest form, but not a name run into itself ("Justin Timberlake Justin Timberlake": a caption)
            name = max(counts, key=lambda t: (len(set(t.split())) == len(t.split()), len(t.split()), counts[t], -len(t)))
        else:  # a body or place by the form outlets use most ("Acme" over "Acme Holdings Ltd"), not an acronym
            name = max(counts, key=lambda t: (not _is_acronym(t), counts[t], len(t.split()), -len(t)))
        base = f"{ctype.lower()}:{_slug(name)}"
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
        if ctype != "PERSON":  # "Acme Holdings Ltd" is also plain "Acme Holdings"
            aliases.update(b for n in list(aliases) if (b := strip_legal(n)) != n and b)
        name_map[cid] = name
        canon.append(Entity(cid, name, ctype, sorted(aliases - {name}), sorted(mentions, key=lambda m: (m.article, m.start))))

    retyped = {(a, m.start): id_map[(a, e.id)] for a, e in locals_ if e.type != "PERSON" and etype[id(e)] == "PERSON"
               for m in e.mentions if (a, e.id) in id_map}
    _case_variant_mentions(analyses, canon)
    _spelling_variant_mentions(analyses, canon)
    name_map.update({e.id: e.name for e in canon})
    ctypes = {e.id: e.type for e in canon}
    for an in analyses:
        for e in an.entities:
            new = id_map.get((an.article, e.id))
            if new:
                if e.name != name_map[new]:  # keep the article's own spelling, so linking again finds it
                    e.aliases = sorted({*e.aliases, e.name})
                e.id, e.name = new, name_map[new]
        for q in an.quotes:
            sp = q.speaker
            if sp and sp.entity:
                new = id_map.get((an.article, sp.entity))
                if new:
                    sp.entity, sp.name = new, name_map[new]
        _link_references(an, id_map, name_map, ctypes)
    _repair_pronoun_speakers(analyses, canon, retyped)
    canon.sort(key=lambda e: (-len(e.mentions), e.name))
    return canon


def _named_before(article: str, bare: Entity, matches: set[int], groups: list[list[tuple[str, Entity]]]) -> int | None:
    """The one group among `matches` whose full name the same article writes before its bare surname ("Kim Jong
    Un ... Kim said"), when exactly one does; else None."""
    first = min((m.start for m in bare.mentions), default=-1)
    hits = {gi for gi in matches for art, o in groups[gi]
            if art == article and len(name_words(o.name)) > 1 and any(m.start < first for m in o.mentions)}
    return hits.pop() if len(hits) == 1 else None


def _link_references(an: Analysis, id_map: dict[tuple[str, str], str], name_map: dict[str, str],
                     ctypes: dict[str, str]) -> None:
    """The article's he/she/it references pointed at the story's entities; a he/she the story shows is no person, or
    an "it" no organisation, goes."""
    kept = []
    for r in an.references:
        new = id_map.get((an.article, r.entity))
        if new and ctypes.get(new) == ("ORG" if r.text.lower() == "it" else "PERSON"):
            r.entity, r.name = new, name_map[new]
            kept.append(r)
    an.references = kept


_PRONOUN_REACH = 600  # characters back from a "he said" within which the person meant is named


def _repair_pronoun_speakers(analyses: list[Analysis], canon: list[Entity],
                             retyped: dict[tuple[str, int], str] | None = None) -> None:
    """A "he"/"she" resolved to what the story shows is not a person (NER called "Qualcomm" a person in
    one article) means the person named just before: re-pointed there, or left as the bare pronoun. One
    resolved past a person the article's NER took for a body ("NPR's Ofeibea Quist-Arcton") goes to that person."""
    kinds = {e.id: e.type for e in canon}
    names = {e.id: e.name for e in canon}
    people: dict[str, list[tuple[int, Entity]]] = defaultdict(list)
    for e in canon:
        if e.type == "PERSON":
            for m in e.mentions:
                people[m.article].append((m.start, e))
    for an in analyses:
        for q in an.quotes:
            sp = q.speaker
            if not (sp and sp.entity and (sp.mention or "").lower() in ("he", "she")):
                continue
            at = sp.start if sp.start is not None and sp.start >= 0 else q.start
            if kinds.get(sp.entity, "PERSON") == "PERSON":
                named = [s for s, e in people.get(an.article, ()) if e.id == sp.entity and s < at]
                late = [(s, cid) for (art, s), cid in (retyped or {}).items()
                        if art == an.article and max(named, default=-1) < s < at and at - s <= _PRONOUN_REACH]
                if late:
                    cid = max(late)[1]
                    sp.entity, sp.name = cid, names[cid]
                continue
            before = [(s, e) for s, e in people.get(an.article, ()) if at - _PRONOUN_REACH <= s < at]
            if before:
                e = max(before, key=lambda x: x[0])[1]
                sp.entity, sp.name = e.id, e.name
            else:
                sp.entity, sp.name = None, sp.mention


def majority_type(counts: Counter) -> str:
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
                e = forms.get(m.group().lower())
                if e is None:  # re.I folds letters lower() keeps apart ("KYİV", "ſ"): the form the pattern matched
                    e = next(v for f, v in forms.items() if re.fullmatch(re.escape(f), m.group(), re.I))
                e.mentions.append(Mention(an.article, s, t, m.group()))
                e.mentions.sort(key=lambda x: (x.article, x.start))


# Words too general to identify a body on their own: "Ministry" or "State Department" alone is no
# evidence that two names are one body (a country qualifier is handled separately).
GENERIC = frozenset(
    """
    the of and for a an ministry department office agency bureau service services council committee commission
    board authority court police army military force forces navy government state national federal public
    general international united new north south east west central senate house congress parliament assembly
    party union group university college school institute bank company corporation holdings news media
    foundation association society club league center centre
    """.split()
)
GENERIC = frozenset(skeleton(w) for w in GENERIC)  # compared with skeleton words ("ministri")
_PLACE_DESCRIPTORS = frozenset(skeleton(w) for w in "state province region county district governorate oblast prefecture".split())
_OF_HEADS = frozenset(skeleton(w) for w in "ministry department office bureau agency university institute".split())


def _name_keys(name: str, etype: str) -> list[str]:
    """Keys one name links by: its skeleton, plus (bodies) the name without legal suffix, with
    "Ministry of X" read as "X Ministry", and without spaces; (places) without a trailing "state"/"province".
    A leading country qualifier is handled apart (`_merge_qualified`)."""
    base = skeleton(name)
    if not base:
        return []
    keys = [base]
    forces = _FORCES.match(name)
    if forces and etype == "ORG":  # "Israeli army" = "Israeli military" = "Israeli armed forces"
        keys.append(f"{skeleton(forces.group(1))} military")
    if etype in ("ORG", "PRODUCT", "NORP"):
        k = _body_key(name)
        words = k.split()
        keys.append(k)
        if len(k.replace(" ", "")) >= 5:
            keys.append(k.replace(" ", ""))  # "Space X" / "SpaceX"
    elif etype in ("GPE", "LOC", "FAC"):
        words = base.split()
        if len(words) >= 2 and words[-1] in _PLACE_DESCRIPTORS:
            keys.append(" ".join(words[:-1]))  # "Borno State" / "Borno"
    return list(dict.fromkeys(keys))


_FORCES = re.compile(r"^(?:the\s+)?([A-Z][a-z]+)\s+(?:army|military|armed forces)$")
_COUNTRY_QUALIFIERS = frozenset({"us", "u s", "uk", "eu", "un"})


def _variant(a: str, b: str) -> bool:
    """Two keys of one place or body: near-identical long keys, or one vowel apart (Brenivka / Brenovka)."""
    if min(len(a), len(b)) >= 8 and fuzz.ratio(a, b) >= 92:
        return True
    if len(a) == len(b) >= 6 and a[0] == b[0]:
        diff = [(x, y) for x, y in zip(a, b) if x != y]
        return len(diff) == 1 and diff[0][0] in "aeiou" and diff[0][1] in "aeiou"
    return False


def _story_types(locals_: list[tuple[str, Entity]]) -> dict[int, str]:
    """Types settled by a story-wide vote per name: id(entity) -> the type it should have.

    NER is inconsistent across articles ("Acme" a person in one, a company in four); the family with
    most mentions of that exact name wins. A full name whose first word is a common given name stays a person.
    """
    fam = _family
    votes: dict[str, Counter] = defaultdict(Counter)
    concrete: dict[str, Counter] = defaultdict(Counter)
    one_word: set[str] = set()
    for _, e in locals_:
        k = skeleton(e.name).replace(" ", "")  # "Space X" is "SpaceX"
        votes[k][fam(e.type)] += max(1, len(e.mentions))
        if " " not in e.name.strip():
            one_word.add(k)
        concrete[k][e.type] += max(1, len(e.mentions))
    # a one-word "person" who is nobody's surname or given name in the story is a place or body when
    # NER ever says so ("Kyiv" tagged a person in most articles)
    named = {skeleton(w) for _, e in locals_ if e.type == "PERSON" and len(name_words(e.name)) > 1
             for w in [*surnames_of(e.name), name_words(e.name)[0]]}
    for k, v in votes.items():
        if "PERSON" in v and len(v) > 1 and k not in named and k in one_word:
            del v["PERSON"]
    out: dict[int, str] = {}
    for _, e in locals_:
        k = skeleton(e.name).replace(" ", "")
        (top, n), *rest = votes[k].most_common()
        if top == fam(e.type) or (rest and rest[0][1] == n) or votes[k][fam(e.type)] >= n:
            continue
        if e.type == "PERSON" and first_name_gender(e.name):
            continue
        pool = Counter({t: c for t, c in concrete[k].items() if fam(t) == top})
        out[id(e)] = majority_type(pool)
    # "NPR's Ofeibea Quist-Arcton" tagged a body while the story calls her "Ofeibea" (a person) elsewhere
    bodies = {skeleton(e.name) for _, e in locals_ if e.type != "PERSON" and " " not in e.name.strip()}
    given = {skeleton(e.name) for _, e in locals_ if e.type == "PERSON" and " " not in e.name.strip()} - bodies
    for _, e in locals_:
        words = e.name.split()
        if (e.type == "ORG" and id(e) not in out and 2 <= len(words) <= 3 and all(w[:1].isupper() for w in words)
                and strip_legal(e.name) == e.name and not {skeleton(w) for w in words} & GENERIC
                and skeleton(words[0]) in given):
            out[id(e)] = "PERSON"
    return out


def _family(t: str) -> str:
    """The key space a type links in: places, bodies and products share one (NER mixes them up)."""
    return "PLACE_ORG" if t in ("GPE", "LOC", "FAC", "ORG", "PRODUCT") else t


# "I" and "X" are left alone: too often a letter ("Space X")
_ROMAN = {"II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9"}


def _body_key(name: str) -> str:
    """A body's or product's name as compared word by word: no legal suffix, "X Ministry" order, model
    numbers as numbers ("Saturn V" = "Saturn 5", "Falcon 9s" = "Falcon 9")."""
    raw = strip_legal(name).split()
    raw = raw[:1] + [_ROMAN.get(w, w) for w in raw[1:]]
    words = [w[:-1] if w[:-1].isdigit() and w.endswith("s") else w for w in skeleton(" ".join(raw)).split()]
    if len(words) >= 3 and words[0] in _OF_HEADS and words[1] == "of":
        words = words[2:] + [words[0]]
    return " ".join(words)


DESCRIPTORS = frozenset(
    """
    electronics semiconductor semiconductors management technologies technology systems holdings group motors
    airlines airways air pharmaceuticals energy financial services communications networks industries
    international global corp inc
    """.split()
)
DESCRIPTORS = frozenset(skeleton(w) for w in DESCRIPTORS)
"""Words a company's full name adds to its short one ("Acme" / "Acme Electronics")."""


def _part_of(part: tuple, whole: tuple) -> bool:
    """`part` names what `whole` names: its last words ("Safety Ministry" / "Public Safety Ministry"),
    or its first words followed only by descriptors ("Acme" / "Acme Electronics"; not "Acme Roadster")."""
    n = len(part)
    if n >= len(whole):
        return False
    if whole[-n:] == part:
        return True
    return whole[:n] == part and all(w in DESCRIPTORS for w in whole[n:])


def _unqualified(name: str, places: set[str]) -> str:
    """A body's name without a leading country or nationality the story names ("US State Department" ->
    "state department"), or "" when it has none."""
    words = _body_key(name).split()
    for cut in (2, 1):
        if len(words) - cut >= 2 and " ".join(words[:cut]) in places | _COUNTRY_QUALIFIERS:
            return " ".join(words[cut:])
    return ""


def _merge_qualified(groups, etype, places: set[str]) -> None:
    """"State Department" joins "US State Department" when that is the only qualified body so named; a
    "Foreign Ministry" beside a Chinese and a Korean one joins neither, and those two never merge."""
    qualified: dict[str, set[int]] = defaultdict(set)
    plain: dict[str, set[int]] = defaultdict(set)
    for gi, members in enumerate(groups):
        for _, e in members:
            if etype[id(e)] not in ("ORG", "PRODUCT"):
                continue
            rest = _unqualified(e.name, places)
            if rest:
                qualified[rest].add(gi)
            else:
                plain[_body_key(e.name)].add(gi)
    # a story naming several countries' ministries (or departments ...) leaves a plain one ambiguous
    heads = Counter(rest.split()[-1] for rest, owners in qualified.items() for _ in owners)
    for rest, owners in qualified.items():
        if len(owners) != 1 or heads[rest.split()[-1]] > 1:
            continue
        gj = next(iter(owners))
        for gi in plain.get(rest, ()):
            if gi != gj and groups[gi] and groups[gj]:
                groups[gj].extend(groups[gi])
                groups[gi] = []


def _merge_misspelt_bodies(groups, etype, other_key, blocks: Blocks) -> None:
    """A "person" seen once or twice whose name is a misspelling or another transliteration of a place
    or body in the story ("Kora Ulanbk" for "Kora Ulanbek", "Nebi Salim" for the village "Nabi Salim") is
    that place or body; a name with a common given name never is."""
    for gi, members in enumerate(groups):
        if not members or any(etype[id(e)] != "PERSON" for _, e in members):
            continue
        if sum(len(e.mentions) for _, e in members) > 2 or any(first_name_gender(e.name) for _, e in members):
            continue
        key = skeleton(members[0][1].name)
        for kk in blocks.candidates(key):
            gj = other_key.get(("PLACE_ORG", kk))
            if gj is not None and gj != gi and groups[gj] and min(len(kk), len(key)) >= 8 and _variant(kk, key):
                body = Counter(etype[id(o)] for _, o in groups[gj]).most_common(1)[0][0]
                for _, e in members:
                    etype[id(e)] = body
                groups[gj].extend(members)
                groups[gi] = []
                break


def _merge_part_names(groups: list[list[tuple[str, Entity]]], etype: dict[int, str]) -> None:
    """A body or product named in part ("Samsung", "Safety Ministry") joins the one longer name that
    holds all its words ("Samsung Electronics", "Public Safety Ministry"); never when two names hold them."""
    words_of: dict[int, set[frozenset]] = defaultdict(set)
    index: dict[str, set[int]] = defaultdict(set)
    seqs: dict[int, set[tuple]] = defaultdict(set)
    product: set[int] = set()
    single_person: set[int] = set()  # "The Caravan" tagged a person: may join the one product named with it
    for gi, members in enumerate(groups):
        if members and all(etype[id(e)] == "PERSON" and len(e.name.split()) == 1 for _, e in members):
            single_person.add(gi)
        for _, e in members:
            if etype[id(e)] not in ("ORG", "PRODUCT") and gi not in single_person:
                continue
            product.update([gi] if etype[id(e)] == "PRODUCT" else [])
            seq = tuple(_body_key(e.name).split())
            w = frozenset(seq)
            words_of[gi].add(w)
            seqs[gi].add(seq)
            for x in w:
                index[x].add(gi)
    parent = list(range(len(groups)))
    for gi, names in words_of.items():
        for w in names:
            if not (w - GENERIC):
                continue
            cands = set.intersection(*(index[x] for x in w)) - {gi}
            part = next(q for q in seqs[gi] if frozenset(q) == w)
            supers = {gj for gj in cands if any(_part_of(part, q2) for q2 in seqs[gj]) and not any(w2 <= w for w2 in words_of[gj])}
            if len(supers) > 1:  # "the Heavy" and two rockets so named: the one named in each of its articles
                arts = {a for a, _ in groups[gi]}
                supers = {gj for gj in supers if arts <= {a for a, _ in groups[gj]}
                          and not any(arts & {a for a, _ in groups[gk]} for gk in supers - {gj})}
            if gi in single_person:
                supers = {gj for gj in supers if gj in product} if len(supers) == 1 else set()
            if len(supers) == 1:
                parent[gi] = supers.pop()
                break
    for gi in range(len(groups)):
        root = gi
        seen = set()
        while parent[root] != root and root not in seen:
            seen.add(root)
            root = parent[root]
        if root != gi and groups[gi]:
            groups[root].extend(groups[gi])
            groups[gi] = []


def _is_acronym(name: str) -> bool:
    compact = name.replace(".", "").replace(" ", "")
    return compact.isupper() and len(compact) <= 6


def _initials(name: str) -> str:
    """Capitalised initials of a name without its legal suffix and small words ("Acme Media Corp" -> "am")."""
    name = re.sub(r"\b(?:of|the|and|for)\b", "", strip_legal(name))
    return "".join(w[0] for w in re.findall(r"[A-Za-z]+", name) if w[0].isupper()).lower()


def _merge_acronyms(groups: list[list[tuple[str, Entity]]], etype: dict[int, str]) -> None:
    """"US"/"U.S." <-> "United States", "EU" <-> "European Union": an acronym joins the one place or body
    whose capitalised initials it is. A two-letter acronym also needs the name in at least half of the
    articles that use it ("US" in ten articles is no "United Synagogue" named in two); acronyms the copy
    states in brackets were joined in `extract`."""
    by_initials: dict[str, set[int]] = defaultdict(set)
    acronyms: dict[int, str] = {}
    for gi, members in enumerate(groups):
        for _, e in members:
            if etype[id(e)] == "PERSON" or etype[id(e)] == "NORP":
                continue
            compact = e.name.replace(".", "")
            if compact.isupper() and compact.isalpha() and 2 <= len(compact) <= 5:
                acronyms.setdefault(gi, compact.lower())
            elif " " in e.name:
                ini = _initials(e.name)
                if len(ini) >= 2:
                    by_initials[ini].add(gi)
    for gi, acr in acronyms.items():
        cands = {gj for gj in by_initials.get(acr, ()) if gj != gi and groups[gj]}
        if len(cands) != 1 or not groups[gi]:
            continue
        gj = cands.pop()
        arts_acr, arts_exp = {a for a, _ in groups[gi]}, {a for a, _ in groups[gj]}
        if len(acr) == 2 and 2 * len(arts_acr & arts_exp) < len(arts_acr):
            continue
        groups[gj].extend(groups[gi])
        groups[gi] = []


_CODE = re.compile(r"\d{1,4}[A-Z]{1,2}")


def _merge_codes(groups: list[list[tuple[str, Entity]]], etype: dict[int, str]) -> None:
    """Short names that end in one alphanumeric code ("LC-39A", "Pad 39A", "Launch Complex 39A") are one
    site or product: NER types them at random, the code is what identifies them. Never two full names."""
    by_code: dict[str, set[int]] = defaultdict(set)
    for gi, members in enumerate(groups):
        for _, e in members:
            words = e.name.replace("-", " ").split()
            if words and len(e.name.split()) <= 3 and _CODE.fullmatch(words[-1]):
                by_code[words[-1]].add(gi)
    for gis in by_code.values():
        live = sorted(gi for gi in gis if groups[gi])
        for gj in live[1:]:
            groups[live[0]].extend(groups[gj])
            groups[gj] = []


_ARABIC = {v: k for k, v in _ROMAN.items()}


def _variant_pattern(name: str) -> str | None:
    """A regex for other spellings of a body or product name: a Roman numeral as digits or back ("Saturn V" /
    "Saturn 5", "Delta IV Heavy" / "Delta 4-Heavy"), hyphens as spaces, a hashtag's words run together or
    apart ("#BringBackOurGirls" / "Bring Back Our Girls"); None when the name has no such variant."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    if len(words) == 1 and re.fullmatch(r"(?:[A-Z][a-z]+){3,}", words[0]):  # a hashtag's CamelCase run
        parts = re.findall(r"[A-Z][a-z]+", words[0])
        return r"#?" + r"[\s-]*".join(parts)
    if len(words) < 2 or not words[0][:1].isupper():
        return None
    alt = False
    out = [re.escape(words[0])]
    for w in words[1:]:
        if w in _ROMAN:
            out.append(f"(?:{w}|{_ROMAN[w]})")
            alt = True
        elif w in _ARABIC:
            out.append(f"(?:{w}|{_ARABIC[w]})")
            alt = True
        else:
            out.append(re.escape(w))
    return r"[\s-]+".join(out) if alt else None


def _spelling_variant_mentions(analyses: list[Analysis], canon: list[Entity]) -> None:
    """Mentions NER missed because the copy spells a known body or product another way (see `_variant_pattern`):
    each such spelling found in a sentence becomes a mention and an alias of the entity."""
    pats = []
    for e in canon:
        if e.type in ("PERSON", "NORP", "GPE"):
            continue
        for n in (e.name, *e.aliases):
            p = _variant_pattern(n)
            if p:
                pats.append((re.compile(r"(?<![\w#])" + p + r"(?![\w])"), e))
    if not pats:
        return
    known = {n for e in canon for n in (e.name, *e.aliases)}
    named = set(known)  # a spelling NER already knows: where it left one untagged, it chose to
    for an in analyses:
        taken = {(m.start, m.end) for e in canon for m in e.mentions if m.article == an.article}
        for sent in an.sentences:
            for pat, e in pats:
                for m in pat.finditer(sent.text):
                    s, t = sent.start + m.start(), sent.start + m.end()
                    if m.group() in named or any(a < t and s < b for a, b in taken):
                        continue
                    taken.add((s, t))
                    e.mentions.append(Mention(an.article, s, t, m.group()))
                    if m.group() not in known:
                        known.add(m.group())
                        if " " in m.group() and re.fullmatch(r"(?:[A-Z][a-z]+){3,}", e.name):
                            e.name, e.aliases = m.group(), sorted({*e.aliases, e.name})  # prose over hashtag
                        e.aliases = sorted({*e.aliases, m.group()} - {e.name})
    for e in canon:
        e.mentions.sort(key=lambda x: (x.article, x.start))
