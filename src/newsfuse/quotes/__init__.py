"""Quotes: direct, partial and indirect quotes with their speakers.

Direct quotes come from one linear scan of quote marks per paragraph (an unclosed quote ends at
the paragraph end); indirect ones from the dependency parse (the clause a speech verb reports,
"according to X", "…, X said" parentheticals). Speakers are the subject of the cue verb (appositives
followed, he/she resolved to the latest compatible named person); an unattributed quote inherits
the speaker of the quote before it in the paragraph (or the previous one, when it opens a paragraph).
"""

from __future__ import annotations

import re

from bisect import bisect_right

from .. import nlp
from ..entities.mentions import PLACE_LEADS
from ..model import Article, Entity, Quote, Reference, Speaker
from .attribution import attribute_direct, inherit, heading_lines
from .indirect import drop_nested, indirect_quotes
from .marks import MIN_DIRECT_WORDS, OPENERS, WORD, direct_spans, QuoteDoc, overlap, paragraphs, QuoteSpan
from .scorer import FEATURES, MODEL_PATH, candidates, speaker_model, score  # noqa: F401  (re-exported)
from .speakers import Speakers


def extract(article: Article, doc, entities: list[Entity]) -> list[Quote]:
    """Quotes in `article` (offsets into `article.raw`), speakers resolved to `entities`."""
    return _extract(article, doc, entities, speaker_model())


def read(article: Article, doc, entities: list[Entity]) -> tuple[list[Quote], list[Reference]]:
    """`extract`'s quotes, and whom each he/she of the article means (the same resolution their speakers use)."""
    refs: list[Reference] = []
    return _extract(article, doc, entities, speaker_model(), refs=refs), refs


def speaker_candidates(article: Article, doc, entities: list[Entity]) -> list[tuple[Quote, list[tuple[Speaker | None, list[float]]]]]:
    """Rule-based quotes with their speaker candidates and features (training data for the scorer)."""
    collect: list = []
    quotes = _extract(article, doc, entities, None, collect)
    return list(zip(quotes, collect))


_LEAD_SPACE = re.compile(r"\s*")
_DATELINE_END = re.compile(r"^[^\n]{0,60}?(?:\s[—–-]{1,2}\s|\((?:AP|AFP|Reuters|CNN|UPI|dpa)\))")


def _dateline_place(speaker: Speaker, text: str, raw: str, entities: list[Entity]) -> bool:
    """Is the speaker only the place of the report's dateline ("SAN JOSE, Costa Rica —", "RAMALLAH (AP) —"), at the
    text's start or opening the line that names it (a dateline after a photo caption)?"""
    if not speaker.mention:
        return False
    lead = _LEAD_SPACE.match(text).end()  # (slices of 80 characters, not copies of the whole text per quote)
    heads = [text[lead : lead + 80]]
    if 0 <= speaker.start < len(raw):
        line = raw.rfind("\n", 0, speaker.start) + 1
        heads.append(raw[line : line + 80].lstrip())
    place = {e.id: e.type for e in entities}.get(speaker.entity or "", "") in ("GPE", "LOC", "FAC")
    mention = speaker.mention.lower()
    for n, head in enumerate(heads):
        m = _DATELINE_END.match(head)
        if not m:
            continue
        dateline = head[: m.end()].lower()
        if n == 0 and place and mention in dateline and head.lower().startswith(mention[:4]):
            return True  # (a line further down with a dash in it is no dateline: "Seoul replied - the first …")
        if dateline.rstrip(" —–-").strip() == mention:  # "TEMPE, Ariz. —" taken whole for a name
            return True
    return False


PLACE_TYPES = ("GPE", "LOC", "FAC")
NATURAL_FEATURES = PLACE_LEADS | frozenset(
    "river lake valley mountain mountains island islands beach bay ocean sea coast peninsula strait gulf".split())
"""Words that make a name a natural feature ("Cape Erimo", "Sea of Japan", "Pacific Ocean"): it never speaks."""


def _mute_place(speaker: Speaker, sp: Speakers) -> bool:
    """A place that cannot be this quote's speaker. A natural feature (a cape, a sea, a mountain) never
    speaks. A country, city or region (GPE, LOC, FAC) speaks for its government ("Japan said", "the North
    said", "the Kremlin said"), but only where the text names it as the speaker: never through a pronoun,
    a description ("the French paper") or a mere nearby mention the scorer picked."""
    e = sp.ents.get(speaker.entity or "")
    if e is None or e.type not in PLACE_TYPES:
        return False
    if any(w.lower().strip(".,") in NATURAL_FEATURES for w in e.name.split()):
        return True
    named = speaker.start >= 0 and speaker.mention.strip().lower() in {
        m.text.strip().lower() for m in e.mentions} | {e.name.lower(), *(a.lower() for a in e.aliases)}
    return not named


def _closes_as_speech(text: str, q) -> bool:
    """A short quote is set off as speech when it ends in , ! or ? or a comma follows it ("“No,” she said"); a
    term in quote marks runs on into its sentence ("issued a “travel advisory” in October warning …")."""
    inner = text[q.start : q.end].rstrip("\"”’' ")
    return inner[-1:] in (",", "!", "?") or text[q.end : q.end + 3].lstrip()[:1] == ","


def _opens_as_speech(text: str, q, para_start: int) -> bool:
    """A short quote set off as speech opens its clause (“No,” she said. / He paused: “Never.”); one inside the
    narrator's clause is a term or a name ("would remain closed “until further notice,”", "behind the “Panama Papers”,")."""
    before = text[para_start : q.start].rstrip()
    return not before or before[-1] in ".!?:;,—–-(…\"”’'"


TITLE_SMALL = frozenset(
    "a an the of in on at to for and or nor but by with from as is are be vs via per into onto over up off out "
    "de la le du del von van".split())
"""Words a title leaves lower-case ("Man of the Woods", "Western Education is Forbidden")."""
TITLE_LEADS = frozenset(
    "song songs album albums single singles track tracks film films movie movies book books novel memoir poem "
    "play series show documentary anthem hit slogan hashtag headline titled entitled dubbed so-called "
    "nicknamed".split())
"""Words right before a quote mark that make what follows a name or a title (the song “…”, so-called “…”). Not
"called": "what Prince once called “the most demonic thing imaginable”" quotes him."""


_LINKING_VERBS = frozenset("look looks looked seem seems seemed sound sounds sounded appear appears appeared feel feels felt "
                           "become becomes became".split())


def _title(text: str, q) -> bool:
    """A quote that names something: a title or a term, not speech. Its words are title-cased or in capitals
    (“Cry Me a River,”, "REALITY, NOT A THREAT"), or a title word leads into it (the album “…”, dubbed “…”), or
    a letter follows the closing mark ("laughs and “what did he say”s"). A cry (! or ?) is speech however cased."""
    inner = text[q.start : q.end]
    if re.search(r"[!?](?!,)", inner):  # (“Can’t Stop the Feeling!,” is a song's)
        return False
    lead = text[max(0, q.start - 14) : q.start].split()
    if lead and lead[-1].lower().strip("“\"'‘(") in TITLE_LEADS:
        return True
    if re.match(r"s\b", text[q.end : q.end + 2]):
        return True
    if lead and lead[-1].lower() in _LINKING_VERBS:
        return False  # a description of someone: they look “Arab or North African.”
    words = WORD.findall(inner)
    capital = sum(w[:1].isupper() for w in words)
    return capital >= 2 and all(not w[:1].islower() or w.lower() in TITLE_SMALL for w in words)


def _modifier(d: QuoteDoc, q) -> bool:
    """A quote inside a noun phrase, between a determiner, possessive or adjective and its noun: a label, not a
    statement ("Arians’ “no risk it, no biscuit” offense", "the “Truth About Tech” ad campaign"); an adjective phrase
    there is a speaker's description and stays."""
    text = d.text
    inner = text[q.start : q.end].rstrip("\"”’' ")
    if not inner or not inner[-1].isalnum() or q.end >= len(text) or text[q.end] != " ":
        return False
    first, after = d.tok_at(q.start), d.tok_from(q.end)
    if first == 0 or after >= len(d.doc):
        return False
    words = [t for t in d.doc[first : after] if not (t.is_punct or t.is_space)]
    if all(t.pos_ in ("ADJ", "ADV", "CCONJ") for t in words):
        return False  # a description someone gave: a “most serious and grave” threat
    nxt = d.doc[after]
    if not (nxt.pos_ == "NOUN" or nxt.dep_ in ("amod", "compound") and nxt.head.i > after and nxt.head.pos_ == "NOUN"):
        return False
    if text[: q.start].rstrip().endswith(("’", "'", "’s", "'s")):
        return True  # a possessive (the parser is often lost among the marks)
    before = d.doc[first - 1]
    if before.text in OPENERS:
        before = d.doc[first - 2] if first >= 2 else before
    return before.pos_ in ("DET", "ADJ") or before.tag_ in ("POS", "PRP$")


def _speech(d: QuoteDoc, q, para_start: int) -> bool:
    """Is a direct quote no attribution vouches for (`q.by` unset) speech, not a title, a label or a scare-quoted
    phrase? A short one is speech only when set off as such (“Fire!” he shouted)."""
    text = d.text
    if _title(text, q) or _modifier(d, q):
        return False
    if len(WORD.findall(text[q.start : q.end])) >= MIN_DIRECT_WORDS:
        return True
    return bool(q.tail) and _closes_as_speech(text, q) and _opens_as_speech(text, q, para_start)


def _extract(article: Article, doc, entities: list[Entity], model, collect: list | None = None,
             refs: list[Reference] | None = None) -> list[Quote]:
    text = nlp.doc_text(doc)
    if not text.strip() or len(doc) == 0:
        return []
    paras = paragraphs(text)
    para_starts = [s for s, _ in paras]

    def para_of(char: int) -> int:
        return max(0, bisect_right(para_starts, char) - 1)

    direct = direct_spans(text, paras)
    d = QuoteDoc(doc, direct)
    d.text = text
    sp = Speakers(article, d, entities)
    if refs is not None:
        refs.extend(sp.references())
    indirect = indirect_quotes(d, sp, text, para_of)

    # a reported clause that is mostly a direct quote's own content is that quote, not a second one
    kept_ind = []
    di = 0
    for q in sorted(indirect, key=lambda q: q.start):
        while di < len(direct) and direct[di].end <= q.start:
            di += 1
        inside = 0
        j = di
        while j < len(direct) and direct[j].start < q.end:
            if len(WORD.findall(text[direct[j].start : direct[j].end])) >= MIN_DIRECT_WORDS:
                inside += overlap(q, direct[j])  # a short partial quote is no quote of its own: the clause stays
            j += 1
        if inside < 0.6 * (q.end - q.start):
            kept_ind.append(q)
    indirect = drop_nested(kept_ind)

    # a partial quote the clause stops just short of ("is “the most important thing.”"): extend to it
    di = 0
    for q in indirect:
        while di < len(direct) and direct[di].end <= q.start:
            di += 1
        j = di
        while j < len(direct) and direct[j].start < q.end:
            if direct[j].start >= q.start and q.end < direct[j].end <= q.end + 3:
                q.end = direct[j].end
            j += 1
    # direct quotes inside a reported clause are partial quotes: the clause covers them
    ii = 0
    spans: list[QuoteSpan] = []
    for q in direct:
        while ii < len(indirect) and indirect[ii].end <= q.start:
            ii += 1
        covered = any(overlap(q, indirect[j]) >= 0.8 * (q.end - q.start) for j in range(ii, min(ii + 3, len(indirect))))
        if not covered:
            spans.append(q)

    # attribute direct quotes in text order (previous quote end bounds the head search)
    all_spans = sorted(spans + indirect, key=lambda q: q.start)
    headings = heading_lines(text, paras)  # line indices, as `q.para`
    d.headings = {d.para[d.tok_from(paras[p][0])] for p in headings if d.tok_from(paras[p][0]) < len(doc)}  # token paragraphs
    talk_paras = {para_of(doc[i].idx) for i, _ in sp.talkers}
    runs_on = {q.para for q in spans if q.unclosed}  # a quote left open at its paragraph's end goes on below
    last_speaker: dict[int, Speaker | None] = {}
    prev_end = 0
    for k, q in enumerate(all_spans):
        if q.by is not None:
            q.speaker = sp.named(*q.by)
        elif q.direct:
            nxt = all_spans[k + 1].start if k + 1 < len(all_spans) else len(text)
            if not attribute_direct(q, d, sp, text, prev_end, nxt, paras[q.para][0]):
                q.speaker = inherit(q, last_speaker, paras, text, headings, talk_paras, runs_on)
        if q.speaker is not None:
            last_speaker[q.para] = q.speaker
        prev_end = max(prev_end, q.end)

    # a quote running on into the next paragraph shares the speaker named there ("…” Ortiz said.)
    for k in range(len(all_spans) - 2, -1, -1):
        q, nxt = all_spans[k], all_spans[k + 1]
        if q.direct and q.unclosed and q.speaker is None and nxt.direct and nxt.para == q.para + 1 and nxt.speaker:
            q.speaker = nxt.speaker

    out = []
    prev_sp: Speaker | None = None
    prev_para, prev_open = 0, False
    for q in all_spans:
        if not prev_open and any(prev_para < p < q.para for p in headings):
            prev_sp = None  # a heading between: the last section's speaker is no candidate
        qtext = text[q.start : q.end]
        if q.direct and q.by is None and not _speech(d, q, paras[q.para][0]):
            continue
        rule_sp = q.speaker
        if q.by is None and (model is not None or collect is not None):
            cands = candidates(q, d, sp, prev_sp)
            if collect is not None:
                collect.append(cands)
            if model is not None and cands:
                q.speaker = max(cands, key=lambda c: score(model, c[1]))[0]
        prev_sp = rule_sp  # the rule pick (as in training)
        prev_para, prev_open = q.para, q.unclosed
        if q.speaker is not None and _dateline_place(q.speaker, text, article.raw or text, entities):
            q.speaker = None  # "RAMALLAH, West Bank —" opens the report; the place said nothing
        elif q.speaker is not None and _mute_place(q.speaker, sp):
            m = q.speaker  # "the Spanish paper said" resolved to a country: the paper, as described, speaks
            described = m.start >= 0 and m.mention.split()[:1] and m.mention.split()[0].lower() in ("the", "a", "an")
            q.speaker = Speaker(m.mention, None, m.start, m.end, m.mention) if described else None
        rs, re_ = sp.to_raw(q.start), sp.to_raw(q.end)
        lo, hi = d.clip(d.tok_at(q.start))
        last = doc[max(lo, hi - 1)]
        sentence = text[doc[lo].idx : last.idx + len(last.text)].strip()
        out.append(Quote(article.id, rs, re_, qtext, q.direct, q.speaker, q.cue, sentence))
    return out
