"""Date inference: publication dates inferred for undated articles, then their refs re-resolved."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from ..model import Analysis, Article
from .patterns import Day, find, WD, YEAR
from .resolution import anchor, depends_on_anchor, is_future, interpret, date_items, resolve_items


def _raw_sentences(article: Article, analysis: Analysis | None) -> list[tuple[int, int]]:
    if analysis and analysis.sentences:
        return [(s.start, s.end) for s in analysis.sentences]
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]*", article.raw)]


def _re_resolve(article: Article, analysis: Analysis) -> None:
    """Resolve `analysis.dates` (and the claims' copies) again against the article's new anchor."""
    base = anchor(article.published)
    raw = article.raw
    sents = _raw_sentences(article, analysis)
    refs = list(analysis.dates)
    for c in analysis.claims:  # claims normally share the objects; pick up any copies too
        refs += [d for d in c.dates if all(d is not r for r in refs)]
    found = []
    for d in refs:
        w0 = max(0, d.start - 12)  # room for the preposition some patterns start with
        kind = next((k for k, s, e in find(raw[w0 : d.end]) if (s + w0, e + w0) == (d.start, d.end)), "spacy")
        found.append((kind, d.start, d.end))
    items = date_items(raw, sents, found)
    past = {(d.start, d.end) for d in refs if d.past}  # found by the parse; the raw text alone cannot tell
    for it in items:
        it.past = (it.start, it.end) in past
    by_pos = {(it.start, it.end): r for it, r in zip(items, resolve_items(items, base))}
    for d in refs:
        r = by_pos.get((d.start, d.end))
        if r is None:
            continue
        dependent = depends_on_anchor(next((it.kind for it in items if it.start == d.start), ""), d.expression)
        d.date, d.end_date, d.granularity = r[0].isoformat(), r[1].isoformat() if r[1] else None, r[2]
        d.inferred = bool(article.published_inferred and dependent)
    analysis.dates = [d for d in analysis.dates if d.date]
    for c in analysis.claims:
        c.dates = [d for d in c.dates if d.date]


def _own_text_date(article: Article, analysis: Analysis | None, year: int) -> Day | None:
    """The event day an undated article states in its lead ("on October 17"), if it states one."""
    raw = article.raw
    sents = _raw_sentences(article, analysis)
    lead_end = sents[min(2, len(sents) - 1)][1] if sents else min(len(raw), 600)
    weekdays = {m.group().lower() for m in re.finditer(WD, raw)}
    best: tuple[int, Day] | None = None
    for kind, s, e in find(raw[:lead_end]):
        if kind not in ("mdy", "dmy", "iso"):
            continue
        expr = raw[s:e].lstrip("(")
        i = max(0, bisect.bisect_right([a for a, _ in sents], s) - 1)
        ss, se = sents[i] if sents else (0, lead_end)
        if is_future(raw, ss, s, e, se):
            continue
        r = interpret(kind, expr, dt.date(year, 12, 31), False, None, past=True)  # a reported day of `year`
        if not r or r[2] != "day":
            continue
        score = 2 if calendar.day_name[r[0].weekday()].lower() in weekdays else 1
        if best is None or score > best[0]:
            best = (score, r[0])
    return best[1] if best else None


def _words(article: Article) -> frozenset[str]:
    return _capitalised(article.text or article.raw)


@lru_cache(maxsize=512)  # an ingest's inference context (256) and batch, not a whole store's texts
def _capitalised(text: str) -> frozenset[str]:
    """The capitalised words of a text (memoised: an ingest asks again for the context articles' words)."""
    return frozenset(re.findall(r"\b[A-Z][a-z]{2,}\b", text))


def _crawl_stamps(articles: list[Article]) -> list[Article]:
    """Articles whose stamp is a crawl or index time, not a publication time: several different articles
    (different titles) of one outlet stamped with the same time of day to the second. A day-only or
    midnight stamp says nothing of the kind (many outlets stamp every article of a day so)."""
    groups: dict[tuple[str, str], list[Article]] = {}
    for a in articles:
        p = (a.published or "").strip()
        if len(p) < 16 or p[11:19] in ("00:00:00", "00:00") or not a.outlet:
            continue
        groups.setdefault((a.outlet.lower(), p[:19]), []).append(a)
    return [a for g in groups.values() if len({(x.title or x.text[:200]).strip().lower() for x in g}) > 1 for a in g]


STALE_DAYS = 30
_RECENT = re.compile(rf"(?i)^(?:(?:early|late|on|last)\s+)?{WD}|^(?:yesterday|today|tonight|last night)$")


def _stale_stamp(article: Article, analysis: Analysis | None) -> Day | None:
    """The day the text itself dates a report to when its stamp is months later (a crawl or re-index date):
    the latest date the text names with its year is a full day ("May 28, 2016") more than STALE_DAYS before
    the stamp, and the text speaks of that day's weekday bare ("on Saturday": a report from that week)."""
    base = anchor(article.published)
    if base is None or analysis is None:
        return None
    full, latest = [], None
    for d in analysis.dates:
        if not d.date or not re.search(rf"\b{YEAR}\b", d.expression):
            continue
        day = dt.date.fromisoformat(d.date)
        latest = max(latest or day, day)
        if d.granularity == "day":
            full.append(day)
    if not full or latest is None or max(full) < latest or (base - max(full)).days <= STALE_DAYS:
        return None  # the text dates something later than its last full day, or that day is near the stamp
    day = max(full)
    said = {m.group().lower() for d in analysis.dates if _RECENT.search(d.expression.strip())
            for m in [re.search(WD, d.expression)] if m}
    return day if calendar.day_name[day.weekday()].lower() in said else None


def _story_agrees(article: Article, day: Day, articles: list[Article], words: dict[str, set[str]]) -> bool:
    """Whether the articles that share names with `article` were published near `day` (within STALE_DAYS)
    and none near its own stamp: the story backs the text's day against the stamp."""
    stamp = anchor(article.published)
    near_day = near_stamp = False
    for other in articles:
        when = anchor(other.published)
        if other is article or when is None:
            continue
        w1, w2 = words[article.id], words[other.id]
        if len(w1 & w2) / max(1, len(w1 | w2)) < 0.1:
            continue
        near_day |= abs((when - day).days) <= STALE_DAYS
        near_stamp |= stamp is not None and abs((when - stamp).days) <= STALE_DAYS
    return near_day and not near_stamp


def infer_published(articles: list[Article], analyses: dict[str, Analysis], context: Sequence[Article] = ()) -> None:
    """Give undated articles a publication date inferred from their text and their story.

    Own text first (an explicit day in the lead); else the most common known publication day of
    the batch's articles (and the dated `context` articles, which are left as they are) that share names with it. Refs are re-resolved and marked `inferred`.
    A stamp that is a crawl time (`_crawl_stamps`) or months after the day the text reports (`_stale_stamp`)
    is no publication date (the latter only where the articles sharing its names were published near the text's
    day, none near the stamp): those articles count as undated (the stamp is kept in `meta["crawl_stamp"]`).
    """
    for a in _crawl_stamps(articles):
        a.meta["crawl_stamp"] = a.published
        a.published = None
    stale = {}
    words = {a.id: _words(a) for a in articles}
    for a in articles:
        day = _stale_stamp(a, analyses.get(a.id))
        if day is not None and _story_agrees(a, day, articles, words):
            a.meta["crawl_stamp"] = a.published
            a.published = None
            stale[a.id] = day
    undated = [a for a in articles if not anchor(a.published)]
    if not undated:
        return
    batch = {a.id for a in articles}
    others = [a for a in context if a.id not in batch and anchor(a.published)]
    known = {a.id: anchor(a.published) for a in [*articles, *others] if anchor(a.published)}
    years = Counter(d.year for d in known.values())
    if not years:  # the latest explicit year the batch mentions (not in the future)
        this_year = dt.date.today().year
        for an in analyses.values():
            for d in an.dates:
                if d.date and re.search(rf"\b{YEAR}\b", d.expression) and int(d.date[:4]) <= this_year:
                    years[int(d.date[:4])] += 1
    year = max(years) if years and not known else (years.most_common(1)[0][0] if years else dt.date.today().year)
    inferred: dict[str, Day] = {}
    for a in undated:
        day = stale.get(a.id) or _own_text_date(a, analyses.get(a.id), year)
        if day:
            inferred[a.id] = day
    pool = {**known, **inferred}
    words = {a.id: _words(a) for a in [*articles, *others]}
    for a in undated:
        if a.id in inferred or not pool:
            continue
        votes: Counter[Day] = Counter()
        for other, day in pool.items():
            if other == a.id:
                continue
            w1, w2 = words[a.id], words.get(other, set())
            sim = len(w1 & w2) / max(1, len(w1 | w2))
            if sim >= 0.1:
                votes[day] += 1 + sim
        if not votes:
            votes.update(pool.values())
        inferred[a.id] = max(votes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    for a in undated:
        if a.id in inferred:
            a.published = inferred[a.id].isoformat()
            a.published_inferred = True
        an = analyses.get(a.id)
        if an is not None:
            _re_resolve(a, an)
