"""Claims: numbers in sentences, normalised (pint units, currency codes) with qualifier and measure.

One Claim per stated quantity (its sentence span, `measures` = the counted/measured noun phrase,
`subject` when clear). A parenthetical conversion ("2,500 km (1,500 miles)") stays in the same
Claim as a second Quantity whose `text` starts with "(" so rounding can be told from conflict.
Conventions: lengths in kilometer, areas in square_kilometer, money as ISO code with the value in
units (9e10 USD), percentages and fractions as unit "share" (0.52; `original_unit` "percent"),
ordinals as unit "ordinal", vague amounts ("thousands of") with qualifier "vague" and the lower
bound as value. Years and dates are not quantities; their DateRefs come from `dates`.
"""

from __future__ import annotations

import bisect
import re

from .. import dates as dates_stage
from .. import nlp
from . import acts  # noqa: F401  (claims.acts: physical acts, read in the same per-article pass)
from ..model import Article, Claim
from .clock import clock_times
from .numbers import conversion, QTY, qualifier_before, quantity
from .measures import describe, ordinal_ok, skip_reference, split_at_newline


# social-media embeds ("A post shared by X (@x) on Feb 4 at 9:50pm") and editors' notes ("Update, Nov. 15, 4pm:")
_STAMP = re.compile(r"\b(?:post|photo|video) shared by\b|\(@\w+\)|^\W*(?:Update|Updated|Editor'?s note)\b[^:]{0,40}:", re.I)


_DIGIT = re.compile(r"\d")
_SPAN_WORDS = re.compile(r"\b(?:hours?|minutes?|days?|weeks?|months?|years?|decades?)\b", re.I)  # a stretch of time, no date


def extract(article: Article, doc) -> list[Claim]:
    """Numeric claims of `article` (offsets into `article.raw`), one per stated quantity."""
    text = nlp.doc_text(doc)
    if not text.strip():
        return []
    to_raw = article.offset_maps()[0]
    refs = dates_stage.resolve(article, doc)  # cached on the Doc; the same objects end in Analysis.dates
    ref_spans = sorted((r.start, r.end, r) for r in refs)
    date_ents = [(e.start_char, e.end_char) for e in nlp.doc_ents(doc) if e.label_ in ("DATE", "TIME") and
                 _DIGIT.search(e.text) and not _SPAN_WORDS.search(e.text)]
    found_spans = dates_stage.spans(text, doc) + date_ents
    found_spans.sort()
    starts = [s for s, _ in found_spans]
    sents = nlp.doc_sents(doc)
    sent_starts = [s.start_char for s in sents]
    claims: list[Claim] = []
    pos = 0
    raw_starts = [s for s, _, _ in ref_spans]
    for m in QTY.finditer(text):
        if m.start() < pos:
            continue
        f = quantity(m, text)
        if f is None:
            continue
        i = bisect.bisect_right(starts, f.start) - 1
        if i >= 0 and found_spans[i][0] <= f.start < found_spans[i][1]:
            continue  # part of a date ("October 17", "since 2022", "within two weeks")
        si = bisect.bisect_right(sent_starts, f.start) - 1
        if si < 0:
            continue
        sent = sents[si]
        if skip_reference(text, f):
            continue
        if f.kind == "ordinal" and not ordinal_ok(doc, text, f, sent.end_char):
            continue
        q_start = f.start
        if not f.qty.qualifier:
            f.qty.qualifier, q_start = qualifier_before(text, f.start, sent.start_char)
        conv = conversion(text, f, sent.end_char)
        measures, subject = describe(f, doc, sent.start, sent.end, sent, q_start, conv.end if conv else None)
        if f.kind in ("count", "vague") and not measures:
            continue  # a bare number: nothing to compare it with
        qs = [f.qty]
        if conv:
            conv.qty.qualifier = conv.qty.qualifier or f.qty.qualifier
            qs.append(conv.qty)
            pos = conv.end
        for q, x in zip(qs, [f] + ([conv] if conv else [])):
            q.start, q.end = to_raw(x.start), to_raw(x.end)
        cs, ce = split_at_newline(text, sent.start_char, sent.end_char, f.start)
        rs, re_ = to_raw(cs), to_raw(ce)
        lo = bisect.bisect_left(raw_starts, rs)
        hi = bisect.bisect_left(raw_starts, re_)
        claims.append(Claim(article=article.id, start=rs, end=re_, text=text[cs:ce], quantities=qs,
                            measures=measures, subject=subject, dates=[r for _, _, r in ref_spans[lo:hi]]))
    for s0, e0, q, event in clock_times(text, doc):
        si = bisect.bisect_right(sent_starts, s0) - 1
        if si < 0:
            continue
        cs, ce = split_at_newline(text, sents[si].start_char, sents[si].end_char, s0)
        if _STAMP.search(text[cs:ce]):
            continue  # a post's or an update's time stamp, not when something happened
        q.start, q.end = to_raw(s0), to_raw(e0)
        claims.append(Claim(article=article.id, start=to_raw(cs), end=to_raw(ce), text=text[cs:ce],
                            quantities=[q], measures=f"time {event}".strip()))
    claims.sort(key=lambda c: (c.start, c.quantities[0].start))
    return claims
