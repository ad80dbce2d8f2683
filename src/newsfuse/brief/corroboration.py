"""Corroboration: which newsworthy statements only one independent source makes, and why they stand out."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from .. import align as align_stage
from ..clean.features import lowered as key_text, may_match
from ..dates.patterns import MONTHS
from ..entities.names import forms_pattern, name_forms
from ..model import Analysis, Article, Entity, SingleSource
from .datelines import dateline_length

NEWS_TYPES = {"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "NORP"}
_QUOTED_NAME = re.compile(r"[“\"]((?:[A-Z][\w'’-]*)(?:\s+(?:[A-Z][\w'’-]*|of|the|and|for|de))*)[”\"]")
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?:[$€£]\s?)?\d[\d,.]*(?:\s?(?:%|percent|million|billion|trillion|km|kilometers|miles))?")
MAX_ITEMS = 100  # a fact-checker wants every uncorroborated claim; the Markdown brief shows the first ones
PER_SOURCE = 30  # items from one source at most, so one long feature does not fill the list
UNIQUE_SHARE = 0.4  # ... or, in a short sentence no other source echoes, this share of its words (at least two)
UNIQUE_WORDS = 3  # a corroborated sentence is still single-source for the details it alone gives: this many words
_DULL_UNITS = {"ordinal", "second", "minute", "hour", "day", "week", "month", "year"}
_MONTHS = tuple(MONTHS)  # names and abbreviations, lower-cased
# not a claim: the sentence's own question (a teaser headline, a rhetorical aside; a quoted one may be news)
# or a pointer to page layout ("Below is ...")
_NOT_A_CLAIM = re.compile(r"^[^“\"]*\?[\"'”’)]*\s*$|^\W*(?:below|above|here)(?:\s+(?:is|are)|'s|’s)\b|"
                          r"\b(?:see|shown|pictured|listed)\s+(?:below|above)\b|"
                          r"\bcontributed (?:reporting )?(?:to )?(?:this|the) (?:post|report|story|article)\b", re.I)
_NOT_A_CLAIM_KEYS = ("?", "below", "above", "here", "contributed")  # one is in every text it matches (`may_match`)
ON_TOPIC = 0.05  # cosine to the story centroid below which a sentence is off-topic (page junk, asides); static
# sentence vectors put on-topic sentences as low as 0.06-0.2 ("authorities would begin identifying the remains
# through DNA testing", 0.06), so the bar that suited MiniLM (0.2) dropped them
ELSEWHERE = 0.80  # a sentence this close (pair score) to another source's is reported elsewhere


def single_source(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    alignment: align_stage.Alignment,
    entities: Sequence[Entity] = (),
) -> list[SingleSource]:
    """Newsworthy sentences (a figure, a quoted name, a name no other source uses) that only one source reports."""
    units, E = alignment.units, alignment.E
    if not units:
        return []
    sources = alignment.sources
    n_sources = len(set(sources.values()))
    if n_sources < 2:
        return []
    centroid = E.mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    on_topic = E @ centroid
    # best pair score to any other source's sentence
    best = np.full(len(units), -np.inf)
    if alignment.pairs is not None:
        I, J, S = alignment.pairs
        code = {s: k for k, s in enumerate(dict.fromkeys(u.source for u in units))}
        src = np.array([code[u.source] for u in units], dtype=np.int64)
        other = src[I] != src[J]
        # fmax: a NaN score never replaces a best, as max(best, nan) keeps it
        np.fmax.at(best, I[other], S[other])
        np.fmax.at(best, J[other], S[other])
    # which sources state each quantity, use each entity, and write each quoted name
    qty_sources: dict[tuple, set[str]] = defaultdict(set)
    for u in units:
        for k in u.quantities:
            qty_sources[k].add(u.source)
    ent_sources: dict[str, set[str]] = defaultdict(set)
    ent_type = {e.id: e.type for e in entities}
    ent_name = {e.id: e.name for e in entities}
    for e in entities:
        for m in e.mentions:
            ent_sources[e.id].add(sources.get(m.article, m.article))
    by_id = {e.id: e for e in entities}
    elsewhere: dict[tuple[str, str], bool] = {}  # (entity, source) -> another source writes its name, NER or not

    def named_elsewhere(e: str, source: str) -> bool:
        if (e, source) not in elsewhere:
            forms = name_forms(by_id[e].name, by_id[e].aliases, by_id[e].type == "PERSON") if e in by_id else []
            elsewhere[(e, source)] = _written_elsewhere(forms, source, lowered)
        return elsewhere[(e, source)]
    lowered = {}
    for a in articles:
        lowered.setdefault(sources.get(a.id, a.id), []).append(a.text.lower() or a.raw.lower())
    # every content word each source uses anywhere (what "no other source says" is checked against)
    vocab: dict[str, set[str]] = defaultdict(set)
    for src, texts in lowered.items():
        for t in texts:
            vocab[src].update(align_stage.tokens(t))
    word_sources: dict[str, int] = defaultdict(int)
    for words in vocab.values():
        for w in words:
            word_sources[w] += 1
    number_sources: dict[tuple, set[str]] = defaultdict(set)
    numbers_of = [_numbers(u.sentence.text) for u in units]  # read twice: for every unit here, for candidates below
    for u, found in zip(units, numbers_of):
        for _, key in found:
            number_sources[key].add(u.source)

    # a fact of one wire's copies (support 1) is still uncorroborated
    corroborated = {f.id for f in alignment.facts if f.support >= 2}
    items = []
    for i, u in enumerate(units):
        if on_topic[i] < ON_TOPIC:
            continue
        shared = alignment.fact_of.get((u.article, u.sentence.index)) in corroborated or best[i] >= ELSEWHERE
        if u.direct:  # mostly a direct quote: quote groups show it
            continue
        text = u.sentence.text
        if align_stage.open_line(text) or may_match(_NOT_A_CLAIM_KEYS, key_text(text)) and _NOT_A_CLAIM.search(text):
            # a claim is a sentence, not a teaser
            continue
        reasons = []
        names = [n for n in _QUOTED_NAME.findall(text) if len(n) > 3]
        for name in names:
            others = [s for s, texts in lowered.items() if s != u.source and any(name.lower() in t for t in texts)]
            if not others:
                reasons.append(f"only this source names “{name}”")
        figs = [k for k in _in_text_order(analyses.get(u.article), u)
                if qty_sources[k] == {u.source} and k[1] not in _DULL_UNITS]
        nums = [raw for raw, key in numbers_of[i] if number_sources[key] == {u.source}]
        if figs or nums:
            shown = ", ".join(nums[:3]) if nums else ", ".join(_as_written(analyses.get(u.article), u, figs[:3]))
            reasons.append(f"figures no other source gives ({shown})")
        solo = [
            ent_name[e] for e in u.entities
            if ent_type.get(e) in NEWS_TYPES - {"NORP", "GPE"} and ent_sources[e] == {u.source}
            and not named_elsewhere(e, u.source)
        ]
        if solo:
            reasons.append("names no other source mentions: " + ", ".join(sorted(set(solo))[:3]))
        body = text[dateline_length(text):]  # "JERUSALEM (Reuters) -" is no detail the outlet adds
        distinct = list(dict.fromkeys(align_stage.tokens(body)))
        own = [w for w in distinct if len(w) >= 5 and not w.isdigit() and word_sources.get(w, 0) == 1 and w in vocab[u.source]]
        content = [w for w in distinct if not w.isdigit()]
        if len(own) >= UNIQUE_WORDS or (len(own) >= 2 and len(own) >= UNIQUE_SHARE * len(content) and not shared):
            reasons.append("details no other source gives (" + ", ".join(own[:4]) + ")")
        if not reasons:
            continue
        if shared:  # the sentence is corroborated; its own details are not
            reasons = [r for r in reasons if not r.startswith("only")]
            if not reasons:
                continue
            reasons = ["adds to a corroborated statement: " + r for r in reasons]
        score = sum(2.0 if r.startswith("only") else 1.5 if r.startswith("figures") else 1.0 for r in reasons)
        score += float(on_topic[i]) - u.sentence.index / 200 - (0.5 if shared else 0.0)
        items.append((score, u, "; ".join(reasons)))
    # a wire copy repeats its original's sentences: one item per (source, sentence), citing the original
    copy = {a.id for a in articles if a.duplicate_of}
    items.sort(key=lambda x: (-x[0], x[1].article in copy))
    seen: set[tuple[str, str]] = set()
    kept = []
    for it in items:
        key = (it[1].source, " ".join(it[1].sentence.text.lower().split()))
        if key not in seen:
            seen.add(key)
            kept.append(it)
    per: dict[str, int] = defaultdict(int)
    capped = []
    for it in kept:
        if per[it[1].source] < PER_SOURCE:
            per[it[1].source] += 1
            capped.append(it)
    outlet = {a.id: a.outlet for a in articles}
    out = []
    for _, u, why in capped[:MAX_ITEMS]:
        # named by the item's own outlet: its source's label lists every outlet of a wire family
        out.append(
            SingleSource(article=u.article, text=u.sentence.text, start=u.sentence.start, end=u.sentence.end,
                         why=f"{outlet.get(u.article) or u.source}: {why}")
        )
    return out


def _in_text_order(an: Analysis | None, u) -> list[tuple]:
    """The unit's quantity keys in the order its sentence states them (a set's order varies by run)."""
    if not u.quantities:
        return []  # most sentences state none: the article's claims are not read
    at: dict[tuple, int] = {}
    for c in (an.claims if an else ()):
        if u.sentence.start <= c.start < u.sentence.end:
            for q in c.quantities:
                at.setdefault(align_stage.quantity_key(q.value, q.unit), q.start if q.start >= 0 else c.start)
    return sorted(u.quantities, key=lambda k: (at.get(k, 1 << 30), repr(k)))


def _as_written(an: Analysis | None, u, keys: list[tuple]) -> list[str]:
    """The figures `keys` (normalised (value, unit)) as the sentence writes them ("three foot", not "0.000914
    kilometer"); a figure not found written is shown by its value and unit."""
    written: dict[tuple, str] = {}
    for c in (an.claims if an else ()):
        if u.sentence.start <= c.start < u.sentence.end:
            for q in c.quantities:
                if q.text:
                    written.setdefault(align_stage.quantity_key(q.value, q.unit), q.text.strip(" ().,;"))
    return [written.get(k) or f"{k[0]:g} {k[1]}".strip() for k in keys]


_COUNTED = re.compile(r"\s*(?:million|billion|thousand|percent|per cent|%)?\s*([a-z]+)?", re.I)


def _numbers(text: str) -> list[tuple[str, tuple]]:
    """Significant numbers in a sentence with what they count: (as written, (value, next word's stem)), so
    "18 launches" is not "18 Boeing 747s"; years, dates and small counts left out."""
    out = []
    if not _DIGIT.search(text):
        return out  # most sentences write no digit: one scan for one, not the figure pattern at every character
    for m in _NUMBER.finditer(text):
        before = text[max(0, m.start() - 11) : m.start()].strip().lower()
        if before.endswith(_MONTHS):  # "August 15" is a date, not a figure
            continue
        raw = m.group(0).strip().rstrip(".,")
        digits = re.sub(r"[^\d.]", "", raw).strip(".")
        if not digits:
            continue
        try:
            v = float(digits)
        except ValueError:
            continue
        scale = re.search(r"(million|billion|trillion)$", raw.lower())
        if scale:  # "4.8 million" is no small count
            v *= {"million": 1e6, "billion": 1e9, "trillion": 1e12}[scale.group(1)]
        if v < 10 or (1900 <= v <= 2100 and "." not in digits and not raw.startswith(("$", "€", "£"))):
            continue
        word = (_COUNTED.match(text, m.end()).group(1) or "").lower()
        out.append((raw, (v, align_stage.tokens(word)[0] if align_stage.tokens(word) else "")))
    return out


def _written_elsewhere(forms: Sequence[str], source: str, lowered: dict[str, list[str]]) -> bool:
    """Does a source other than `source` write any of the name's forms (as whole words)?"""
    pattern = None
    for s, texts in lowered.items():
        if s == source:
            continue
        for t in texts:
            # a text holding no form at all holds no whole-word one: the pattern (made once needed) reads only the others
            if any(f in t for f in forms):
                pattern = pattern or forms_pattern(tuple(forms))
                if pattern.search(t):
                    return True
    return False
