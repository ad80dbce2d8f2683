"""Timeline: dated events from every outlet, merged when they tell the same thing on the same date."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from .. import align as align_stage
from ..clean.furniture import caption_or_credit
from ..dates.patterns import MONTH_NAMES
from ..model import Analysis, Article, TimelineEvent

VAGUE_EXPRESSIONS = ("recent", "this week", "earlier this", "coming", "next few", "within", "soon", "lately", "the day before",
                     "few", "several", "couple", "some")
_PART_OF_MONTH = re.compile(rf"\b(?:early|mid|late|end of|beginning of)[\s-]+(?:{'|'.join(MONTH_NAMES)})\b", re.I)
# "his third visit since January", "the largest attack since 2022": a counting window, not an event
_COUNT_SINCE = re.compile(
    r"\b(?:first|second|third|fourth|fifth|sixth|seventh|\d+(?:st|nd|rd|th)|only|most|best|worst|\w+iest|largest|"
    r"biggest|highest|lowest|longest|strongest|fastest|greatest|latest)\b[^.;:]{0,40}"
    r"\bsince\s+(?:the\s+)?$", re.I)
# "later this month": the rest of the month, not the day after publication that its range starts on
_WITHIN_A_MONTH = re.compile(r"\blater\s+this\s+month\b", re.I)
MERGE_COS = 0.45  # sentences on one date at least this similar are one event


def _headline(text: str) -> bool:
    """A short line with no closing stop: a headline or teaser, not a reported event."""
    return len(text.split()) <= 12 and align_stage.open_line(text)


def _no_event(text: str) -> bool:
    """A line that reports no event: a headline, a table's or list's "…:" introduction, or a line with no closing
    stop that a caption, credit or embedded post signs (a slideshow widget, a tweet). A long sentence that only
    lost its full stop in the scrape stays."""
    t = text.rstrip()
    return _headline(t) or t.endswith(":") or (align_stage.open_line(t) and caption_or_credit(t))


MAX_EVENTS = 40


def build(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    alignment: align_stage.Alignment | None = None,
    sources: dict[str, str] | None = None,
) -> list[TimelineEvent]:
    """Dated events sorted by date; one event per (date, statement), listing every article that dates it."""
    sources = sources or align_stage.source_keys(articles)
    by_date: dict[tuple[str, str], list[tuple[str, int, str, str, bool]]] = defaultdict(list)
    centre = _centre(alignment)  # once per story: leads are checked against it
    for a in articles:
        an = analyses.get(a.id)
        if not an:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        seen = set()
        for d in an.dates:
            if not d.date or d.granularity == "year":
                continue  # a bare year dates nothing precisely enough for a timeline
            if d.granularity in ("range", "week") and any(v in d.expression.lower() for v in VAGUE_EXPRESSIONS):
                continue
            if _COUNT_SINCE.search(a.raw[max(0, d.start - 60) : d.start]):
                continue  # when a count began, not an event the sentence reports
            s = align_stage.sentence_of(sents, d.start)
            if s is None or (d.date, s.index) in seen or _no_event(s.text):
                continue
            seen.add((d.date, s.index))
            month = d.granularity == "month" or (d.granularity == "range" and (
                _PART_OF_MONTH.search(d.expression) or _WITHIN_A_MONTH.search(d.expression)))
            key = (d.date[:7] if month else d.date, d.granularity)  # "late January" is January, not the 21st
            by_date[key].append((a.id, s.index, s.text, d.expression, d.inferred))
        lead = _undated_lead(a, sents, {i for _, i in seen})
        if lead is not None and _on_topic(lead, alignment, centre) and _told_elsewhere(lead, alignment):  # what the report's lead tells, on the day it was published
            by_date[(a.published[:10], "published")].append((a.id, lead.index, lead.text, "published", a.published_inferred))
    events: list[TimelineEvent] = []
    for (day, gran), items in by_date.items():
        for group in _merge(items, alignment):
            arts = sorted({i[0] for i in group})
            lead = _lead(group, alignment)
            events.append(
                TimelineEvent(date=day, text=lead[2], articles=arts, expression=lead[3], inferred=all(i[4] for i in group),
                              granularity="month" if len(day) == 7 else "day" if gran == "published" else gran)
            )
    # the most corroborated events survive a cap; then chronological
    events.sort(key=lambda e: (-len({sources.get(x, x) for x in e.articles}), e.expression == "published", e.date))
    events = events[:MAX_EVENTS]
    events.sort(key=lambda e: (e.date, -len(e.articles)))
    return events


LEAD_SENTS = 2  # a report's lead: its first sentences
_LEAD_MIN_WORDS = 8


def _undated_lead(a: Article, sents: list, dated: set[int]):
    """The first sentence of a report whose lead dates nothing: its news happened when it was published
    (a report's "now"). None when the lead carries its own date, or the article has no publication day."""
    if not a.published or len(a.published) < 10 or a.published_inferred:
        return None
    lead = sents[:LEAD_SENTS]
    if not lead or any(s.index in dated for s in lead):
        return None
    first = lead[0]
    if _headline(first.text) or len(first.text.split()) < _LEAD_MIN_WORDS or first.text.lstrip()[:1] in "“\"'‘":
        return None
    return first


LEAD_ON_TOPIC = 0.5  # a lead this far from the story's centre is another story's page furniture


def _on_topic(s, alignment: align_stage.Alignment | None, centre: np.ndarray | None) -> bool:
    """Is sentence `s` about the story (cosine to `centre`, the mean of the story's sentence vectors)?"""
    if alignment is None or centre is None:
        return True
    i = alignment.index.get((s.article, s.index))
    return i is not None and float(alignment.E[i] @ centre) >= LEAD_ON_TOPIC


def _centre(alignment: align_stage.Alignment | None) -> np.ndarray | None:
    """The unit-length mean of the story's sentence vectors (None without an alignment)."""
    if alignment is None or not len(alignment.units):
        return None
    c = alignment.E.mean(0)
    return c / max(float(np.linalg.norm(c)), 1e-9)


def _told_elsewhere(s, alignment: align_stage.Alignment | None) -> bool:
    """Does another article tell what sentence `s` tells (it belongs to a fact)? A lead no one else carries
    may be a teaser of another story left on the page."""
    return alignment is None or (s.article, s.index) in alignment.fact_of


def _merge(items: list, alignment: align_stage.Alignment | None) -> list[list]:
    """Greedy single pass: an item joins the first group whose lead it resembles (or shares a fact with)."""
    groups: list[list] = []
    for it in items:
        for g in groups:
            if any(x[0] == it[0] for x in g):
                continue
            if alignment is None:
                if align_stage.tokens(g[0][2])[:6] == align_stage.tokens(it[2])[:6]:
                    g.append(it)
                    break
                continue
            ka, kb = (g[0][0], g[0][1]), (it[0], it[1])
            fa = alignment.fact_of.get(ka)
            if (fa and fa == alignment.fact_of.get(kb)) or alignment.similarity(ka, kb) >= MERGE_COS:
                g.append(it)
                break
        else:
            groups.append([it])
    return groups


def _lead(group: list, alignment: align_stage.Alignment | None):
    """The event's wording: the most central sentence of the group, shorter on ties."""
    if alignment is None or len(group) == 1:
        return min(group, key=lambda i: len(i[2]))
    def centrality(i):
        return sum(alignment.similarity((i[0], i[1]), (j[0], j[1])) for j in group) - len(i[2]) / 2000
    return max(group, key=centrality)
