"""Entities: people, organisations and places, canonical within an article and across a story.

`extract` turns spaCy NER spans into article-local entities (titles, honorifics and possessives
stripped; a bare surname joins the full name it belongs to). `link` merges them across a story's
articles with transliteration-aware keys plus rapidfuzz, and rewrites ids inside each Analysis.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .model import Analysis, Article, Entity, Mention

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


@functools.lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Transliteration-folded key: no diacritics/case/punctuation; y/i/ie/iy/ij and doubles folded."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9 ]+", "", s.replace("-", " "))
    s = re.sub(r"^the ", "", s)
    s = s.replace("kh", "h").replace("ph", "f").replace("w", "v").replace("y", "i").replace("j", "i")
    s = s.replace("ie", "i")
    s = re.sub(r"(.)\1+", r"\1", s)  # ii -> i, nn -> n
    return s.strip()


@functools.lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """A looser key for Cyrillic-origin names: the skeleton with h/g, ts/tz/c, ks/x, e/ye folded
    (Holubets ~ Golubets ~ Golubetz); used only where a second signal guards (first names, length)."""
    s = skeleton(name)
    s = s.replace("tz", "c").replace("ts", "c").replace("cz", "c").replace("ks", "x").replace("g", "h")
    s = re.sub(r"(?<=[aeiou])ie|\bie", "e", s)
    return re.sub(r"(.)\1+", r"\1", s)


def similar(a: str, b: str, threshold: float = 90) -> bool:
    """Same skeleton, same transliteration key (names of 5+ letters), or near-identical skeletons
    (rapidfuzz ratio) for names long enough to trust."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if min(len(ka), len(kb)) >= 5 and translit_key(a) == translit_key(b):
        return True
    return min(len(ka), len(kb)) >= 6 and fuzz.ratio(ka, kb) >= threshold


class _Blocks:
    """Keys indexed by exact value, transliteration key and 3-letter prefix/suffix, so fuzzy matching
    only compares a name with the few keys that could match it (linear instead of quadratic)."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}
        self.index: dict[str, set[str]] = defaultdict(set)

    @staticmethod
    def _codes(key: str) -> list[str]:
        k = key.replace(" ", "")
        return ["=" + key, "t" + translit_key(key), "p" + k[:3], "s" + k[-3:]]

    def add(self, key: str) -> None:
        if key not in self.order:
            self.order[key] = len(self.order)
            for c in self._codes(key):
                self.index[c].add(key)

    def candidates(self, name: str) -> list[str]:
        """Known keys that may match `name` (a superset of those `similar` accepts), oldest first."""
        key = skeleton(name)
        found: set[str] = set()
        for c in self._codes(key):
            found |= self.index.get(c, set())
        return sorted(found, key=self.order.__getitem__)


def _first_names_compatible(a: str, b: str) -> bool:
    """Two first names that can be the same person: equal, transliteration variants, or an initial."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return True
    if len(ka) == 1 or len(kb) == 1:
        return ka[0] == kb[0]
    return ka == kb or (min(len(ka), len(kb)) >= 4 and fuzz.ratio(ka, kb) >= 80)


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
        doc_text = ent.doc.text
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


def _spans(doc) -> list[_Span]:
    """NER spans of the kept labels, cleaned, in text order."""
    out = []
    doc_text = doc.text
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


def _person_parts(name: str) -> tuple[str, str]:
    words = name.split()
    return (words[0] if len(words) > 1 else "", words[-1])


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


def _missed_surnames(doc, spans: list[_Span], surnames: set[str]) -> list[_Span]:
    """Capitalised tokens NER missed that are the surname of a person named in full in the article."""
    if not surnames:
        return []
    covered = set()
    for s in spans:
        covered.update(range(s.tok_start, s.tok_end))
    out = []
    for tok in doc:
        if tok.i in covered or not tok.text[:1].isupper() or len(tok.text) < 3 or tok.pos_ not in ("PROPN", "NOUN", "ADJ", "VERB"):
            continue
        if skeleton(tok.text) in surnames:
            out.append(_Span(tok.idx, tok.idx + len(tok.text), tok.text, "PERSON", "PERSON", tok.i, tok.i + 1))
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


# ---------------------------------------------------------------- linking across a story


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
