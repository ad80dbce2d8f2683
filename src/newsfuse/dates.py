"""Dates: explicit and relative expressions resolved against the publication date.

Detection is a regex pass (months, weekdays, "this week", "within two weeks", ...) plus spaCy DATE
entities it missed; resolution is rule-based for relative expressions and dateparser for explicit
ones. Every `DateRef.date` is a full ISO day (range start); `granularity` and `end_date` say how
precise it is. An article without `published` keeps anchor-dependent refs with `date == ""` until
`infer_published` gives it an anchor and re-resolves them (from the raw text, no spaCy needed).

`Analysis.dates` holds every resolved DateRef with `start`/`end` in raw, so the timeline can find
the sentence of a date that has no number; claims share the same DateRef objects.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Sequence

from .model import Analysis, Article, DateRef

Day = dt.date
_CACHE_KEY = "newsfuse.dates"  # Doc.user_data slot shared with claims (one resolution per Doc)

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
_NUMWORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3, "several": 3,
    "a couple of": 2, "couple of": 2,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_CNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several|a couple of)"
_PARTS = r"(?:\s+(?:morning|afternoon|evening|night))?"

# kind -> pattern; order matters (longest / most specific first). Case-sensitive for names.
_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
    ("mdy", rf"\b(?:{_WD},?\s+)?(?:\(?){_MONTH}\s+{_DAYNUM}(?:,?\s+{_YEAR})?\b(?!,?\s*\d)"),
    ("dmy", rf"\b(?:{_WD},?\s+)?{_DAYNUM}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"),
    ("part", rf"\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[- ]|[Tt]he\s+(?:end|beginning|start|middle)\s+of\s+){_MONTH}(?:,?\s+{_YEAR})?\b"),
    ("my", rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b"),
    # a preposition/modifier first, then the name (group "x" is the expression): fast to scan
    ("month", r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Bb]efore|[Aa]fter)\s"
              r"(?P<x>January|February|March|April|May|June|July|August|September|October|November|December)\b"
              r"|\b(?:January|February|April|June|July|August|September|October|November|December)\b"),
    ("year", rf"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|of|[Ee]arly|[Ll]ate|[Mm]id)[\s-](?P<x>{_YEAR})\b(?![-–]\d)"),
    ("weekday", rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier|[Ll]ater|[Ll]ate|[Ee]arly|[Pp]ast)\s+)?{_WD}{_PARTS}\b"),
    ("deictic", r"\b(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]omorrow|[Ll]ast\s+night|[Tt]his\s+(?:morning|afternoon|evening))\b"),
    ("period", r"\b(?:(?:[Ee]arlier|[Ll]ater)\s+this|[Tt]his|[Ll]ast|[Nn]ext|[Tt]he\s+past|[Tt]he\s+previous|[Tt]he\s+following)\s+(?:week(?:end)?|month|year)\b"),
    ("ago", rf"\b{_CNT}\s+(?:day|week|month|year)s?\s+ago\b"),
    ("ahead", rf"\b(?:[Ww]ithin|[Ii]n\s+the\s+(?:coming|next)|[Ii]n\s+the\s+next\s+(?:few|couple\s+of)|[Tt]he\s+(?:coming|next)\s+(?:few|couple\s+of)?"
              rf"|[Oo]ver\s+the\s+(?:coming|next)(?:\s+few)?|[Ii]n\s+recent|[Oo]ver\s+the\s+past(?:\s+few)?|[Ii]n\s+the\s+past(?:\s+few)?)"
              rf"\s+(?:{_CNT}\s+)?(?:day|week|month)s?\b|\b[Ii]n\s+{_CNT}\s+(?:day|week|month)s?(?:'|’)?\s*(?:time)?\b(?!\s+(?:of|after|before))"),
    ("offset", rf"\b(?:{_CNT}|[Tt]he)\s+days?\s+(?:after|before|later|earlier)\b|\b[Tt]he\s+(?:next|previous|following)\s+day\b"),
]
_RX = [(kind, re.compile(p)) for kind, p in _PATTERNS]
_FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|going\s+to|is\s+to|are\s+to|scheduled|expected|set\s+to|plans?\s+to|planned|planning"
    r"|due\s+to|hopes?\s+to|hoped\s+to|intends?\s+to|upcoming|would|could|to\s+meet|to\s+hold|to\s+visit|to\s+travel)\b|['’]ll\b",
    re.I,
)
# past-tense markers: a reported event ("she said late on Tuesday", "the dam was ...")
_PAST = re.compile(r"\b(?:said|says|told|added|was|were|had|did|announced|reported|confirmed|stated|noted|wrote)\b", re.I)
_ENT_HINT = re.compile(rf"{_MONTH}|{_WD}|\b{_YEAR}\b|\b\d{{1,2}}(?:st|nd|rd|th)\b", re.I)


def _anchor(published: str | None) -> Day | None:
    """The publication day of an ISO date/datetime string (None when missing or unreadable)."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _num(word: str) -> int:
    w = word.lower().strip()
    return int(w) if w.isdigit() else _NUMWORDS.get(w, 3)


def _month_end(y: int, m: int) -> Day:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _future(text: str, s_start: int, e_start: int, e_end: int, s_end: int) -> bool:
    """Whether the clause around a date expression is future (will/scheduled/expected/...).

    The tense marker nearest before the date decides ("officials expect ..., she said late on Tuesday"
    is past); a quotation mark closes a clause, so a quote's "will" does not reach the reporting verb.
    """
    before = text[max(s_start, e_start - 70) : e_start]
    after = text[e_end : min(s_end, e_end + 20)]
    # only the clause holding the date: cut at the last clause break before it
    cut = max(before.rfind(". "), before.rfind("; "), before.rfind(" but "),
              *(before.rfind(q) for q in ('"', "\u201c", "\u201d")))
    if cut >= 0:
        before = before[cut + 1 :]
    fut = [m.end() for m in _FUTURE.finditer(before)]
    past = [m.end() for m in _PAST.finditer(before)]
    if fut or past:
        return bool(fut) and (not past or fut[-1] > past[-1])
    return bool(re.match(r"\s*(?:will|is\s+expected)\b", after))


@functools.lru_cache(maxsize=64)
def _parser(base: Day):
    """A dateparser (English only: faster, no false friends) anchored on `base`."""
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day, 12),
        # year-less dates land in the anchor's year; _shift_year then applies the tense
        "PREFER_DATES_FROM": "current_period",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=["en"], settings=settings)


@functools.lru_cache(maxsize=4096)
def _explicit(expr: str, base: Day, future: bool) -> tuple[Day, Day | None, str] | None:
    """Month/day/year expressions via dateparser, year chosen by tense when the text omits it."""
    clean = re.sub(rf"^{_WD},?\s*", "", expr.strip()).lstrip("(")
    clean = re.sub(r"\bof\b", " ", clean)
    clean = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", clean).strip()
    has_year = re.search(rf"\b{_YEAR}\b", clean) is not None
    parser = _parser(base)
    try:
        data = parser.get_date_data(clean, date_formats=None)
    except Exception:
        return None
    if not data or not data.date_obj:
        return None
    day, period = data.date_obj.date(), data.period or "day"
    if period == "month":
        day = day.replace(day=1)
        if not has_year:
            day = _shift_year(day, base, future, slack=0 if future else 31)
        return day, _month_end(day.year, day.month), "month"
    if period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31), "year"
    if not has_year:
        try:
            day = _closest_year(day, base, future)
        except ValueError:  # Feb 29 in a non-leap year
            return None
    return day, None, "day"


def _closest_year(day: Day, base: Day, future: bool) -> Day:
    """A year-less day-month in the year that puts it closest to `base` (always within about six months);
    tense breaks a near tie (a date about six months either side)."""
    cands = []
    for y in (base.year - 1, base.year, base.year + 1):
        try:
            cands.append(day.replace(year=y))
        except ValueError:  # 29 February outside a leap year
            continue
    if not cands:
        raise ValueError("no such day")
    cands.sort(key=lambda d: abs((d - base).days))
    best = cands[0]
    if len(cands) > 1 and abs(abs((cands[1] - base).days) - abs((best - base).days)) <= 14:
        later, earlier = max(best, cands[1]), min(best, cands[1])
        best = later if future else earlier
    return best


def _shift_year(day: Day, base: Day, future: bool, slack: int) -> Day:
    """Move a year-less date to the year that fits the tense: past on/before base, future on/after."""
    day = day.replace(year=base.year)
    if not future and day > base + dt.timedelta(days=slack):
        day = day.replace(year=base.year - 1)
    elif future and day < base - dt.timedelta(days=slack or 7) and day.month < base.month:
        day = day.replace(year=base.year + 1)
    return day


def _week(day: Day) -> tuple[Day, Day]:
    start = day - dt.timedelta(days=day.weekday())
    return start, start + dt.timedelta(days=6)


def _add_months(day: Day, n: int) -> Day:
    m = day.month - 1 + n
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


Resolved = tuple[Day, Day | None, str]


def _interpret(kind: str, expr: str, base: Day | None, future: bool, ref: Day | None) -> Resolved | None:
    """Resolve one expression of a known kind; `ref` is the day a relative offset counts from."""
    e = expr.lower().strip()
    if kind == "iso":
        return dt.date.fromisoformat(e), None, "day"
    if kind == "year":
        y = int(e)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    if kind in ("my", "mdy", "dmy", "spacy") and re.search(rf"\b{_YEAR}\b", e):
        return _explicit(expr, base or dt.date.today(), future)
    if base is None:
        return None  # anchor-dependent: wait for infer_published
    if kind in ("mdy", "dmy", "spacy"):
        return _explicit(expr, base, future)
    if kind in ("month", "part"):
        m = re.search(_MONTH, expr)
        if not m:
            return None
        month = _MONTHS[m.group().lower().rstrip(".")]
        y = re.search(rf"\b{_YEAR}\b", e)
        first = dt.date(int(y.group()) if y else base.year, month, 1)
        if not y:
            this_month = base.replace(day=1)
            if e.startswith("last "):
                first = first.replace(year=base.year - 1) if first >= this_month else first
            elif e.startswith("next ") or future:
                first = first.replace(year=base.year + 1) if first < this_month else first
            elif first > base:
                first = first.replace(year=base.year - 1)
        last = _month_end(first.year, first.month)
        if kind == "month":
            return first, last, "month"
        if e.startswith("early"):
            return first, first.replace(day=10), "range"
        if e.startswith("mid") or "middle" in e:
            return first.replace(day=11), first.replace(day=20), "range"
        if e.startswith("late") or "end of" in e:
            return first.replace(day=21), last, "range"
        return first, first.replace(day=10), "range"  # the beginning/start of
    if kind == "weekday":
        wd = _WEEKDAYS[re.search(_WD, expr).group().lower()]
        back = (base.weekday() - wd) % 7  # days since the most recent such day (0 = today)
        if e.startswith("last ") or e.startswith("past "):
            return base - dt.timedelta(days=back or 7), None, "day"
        if e.startswith("next "):
            return base + dt.timedelta(days=((wd - base.weekday()) % 7) or 7), None, "day"
        if e.startswith("this ") and future:
            return base + dt.timedelta(days=(wd - base.weekday()) % 7), None, "day"
        if future and back != 0:
            return base + dt.timedelta(days=(wd - base.weekday()) % 7), None, "day"
        return base - dt.timedelta(days=back), None, "day"
    if kind == "deictic":
        off = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(re.sub(r"\s+", " ", e), 0)
        return base + dt.timedelta(days=off), None, "day"
    if kind == "period":
        unit = re.search(r"(weekend|week|month|year)$", e).group(1)
        step = -1 if re.match(r"(last|the past|the previous)\b", e) else 1 if re.match(r"(next|the following)\b", e) else 0
        if unit in ("week", "weekend"):
            s, f = _week(base + dt.timedelta(days=7 * step))
            if unit == "weekend":
                return s + dt.timedelta(days=5), f, "range"
            if e.startswith("earlier this"):
                return s, max(s, base - dt.timedelta(days=1)), "range"
            if e.startswith("later this"):
                return min(f, base + dt.timedelta(days=1)), f, "range"
            return s, f, "week"
        if unit == "month":
            first = _add_months(base.replace(day=1), step)
            last = _month_end(first.year, first.month)
            if e.startswith("earlier this"):
                return first, max(first, base - dt.timedelta(days=1)), "range"
            if e.startswith("later this"):
                return min(last, base + dt.timedelta(days=1)), last, "range"
            return first, last, "month"
        y = base.year + step
        if e.startswith("earlier this"):
            return dt.date(y, 1, 1), base, "range"
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    if kind == "ago":
        m = re.match(rf"({_CNT})\s+(day|week|month|year)", e)
        n, unit = _num(m.group(1)), m.group(2)
        day = base - dt.timedelta(days=n * _UNIT_DAYS[unit])
        return day, None, "day" if unit == "day" else unit if unit != "year" else "year"
    if kind == "ahead":
        m = re.search(rf"(?:({_CNT})\s+)?(day|week|month)s?", e)
        unit = m.group(2)
        n = _num(m.group(1)) if m.group(1) else 3
        span = dt.timedelta(days=n * _UNIT_DAYS[unit])
        if re.match(r"(in recent|over the past|in the past)", e):
            return base - span, base, "range"
        if re.match(r"in\s", e) and not re.match(r"in the", e):  # "in two weeks" = about then
            return base + span, None, "day" if unit == "day" else "range"
        return base, base + span, "range"
    if kind == "offset":
        if future:
            return None  # "a week after <a future event>": no calendar anchor
        m = re.match(rf"({_CNT}|the)\s+days?\s+(after|before|later|earlier)", e)
        if not m:  # "the next day" / "the previous day"
            return (ref + dt.timedelta(days=1 if re.search("next|following", e) else -1), None, "day") if ref else None
        count, word = m.group(1), m.group(2)
        if count == "the":  # "the day before" = the day before the date just mentioned (or publication)
            start = ref or base
            return start + dt.timedelta(days=1 if word in ("after", "later") else -1), None, "day"
        if count in ("few", "a few", "several") :
            return None  # too vague to place on a calendar
        n = _num(count)
        if word in ("later", "earlier"):  # counted from the date just mentioned; none -> unknown
            return (ref + dt.timedelta(days=n if word == "later" else -n), None, "day") if ref else None
        # "a day after <event>": the sentence's date (or publication) is n days after the event
        start = ref or base
        return start + dt.timedelta(days=-n if word == "after" else n), None, "day"
    return None


def _find(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every date expression in `text`, overlaps resolved to the longest."""
    hits = []
    for kind, rx in _RX:
        for m in rx.finditer(text):
            s, e = m.span("x") if "x" in rx.groupindex and m.group("x") else m.span()
            hits.append((s, -(e - s), kind, e))
    hits.sort()
    out: list[tuple[str, int, int]] = []
    last_end = -1
    for start, _neg, kind, end in hits:
        if start < last_end:
            continue
        out.append((kind, start, end))
        last_end = end
    return out


def spans(text: str, doc=None) -> list[tuple[int, int]]:
    """(start, end) of the date expressions in `text`: numbers inside them are not quantities."""
    found = doc.user_data.get(_CACHE_KEY + ".found") if doc is not None else None
    return [(s, e) for _, s, e in (found if found is not None else _find(text))]


def _spacy_extra(doc, taken: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """spaCy DATE entities the regex pass missed that name a calendar day ("Oct. 17th")."""
    extra = []
    spans = [(s, e) for _, s, e in taken]
    for ent in getattr(doc, "ents", ()):
        if ent.label_ != "DATE" or not _ENT_HINT.search(ent.text):
            continue
        s, e = ent.start_char, ent.end_char
        if any(s < te and ts < e for ts, te in spans):
            continue
        if re.fullmatch(rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)|{_YEAR}", ent.text.strip(), re.I):
            continue  # a bare day or year out of context
        extra.append(("spacy", s, e))
    return extra


class _Item:
    """A found expression with what resolution needs (text coordinates)."""

    __slots__ = ("kind", "start", "end", "expr", "sent", "future")

    def __init__(self, kind: str, start: int, end: int, expr: str, sent: int, future: bool) -> None:
        self.kind, self.start, self.end, self.expr, self.sent, self.future = kind, start, end, expr, sent, future


def _items(text: str, sents: Sequence[tuple[int, int]], found: list[tuple[str, int, int]]) -> list[_Item]:
    starts = [s for s, _ in sents]
    out = []
    for kind, s, e in sorted(found, key=lambda x: x[1]):
        i = max(0, bisect.bisect_right(starts, s) - 1)
        ss, se = sents[i] if sents else (0, len(text))
        expr = text[s:e].lstrip("(")
        s += len(text[s:e]) - len(expr)
        out.append(_Item(kind, s, e, expr, i, _future(text, ss, s, e, se)))
    return out


def _resolve_items(items: list[_Item], base: Day | None) -> list[Resolved | None]:
    """Resolve items in text order; offsets ("the day before") count from the last date seen nearby."""
    out: list[Resolved | None] = []
    last: tuple[int, Day] | None = None  # (sentence index, day) of the last non-offset day-level date
    for it in items:
        ref = last[1] if last and it.sent - last[0] <= 1 else None
        try:
            r = _interpret(it.kind, it.expr, base, it.future, ref)
        except (ValueError, AttributeError, OverflowError):
            r = None
        out.append(r)
        if r and r[2] == "day" and it.kind != "offset":
            last = (it.sent, r[0])
    return out


def _depends_on_anchor(kind: str, expr: str) -> bool:
    return not (kind in ("iso", "year", "my") or re.search(rf"\b{_YEAR}\b", expr) and kind != "period")


def _to_refs(article: Article, items: list[_Item], res: list[Resolved | None], keep_pending: bool, inferred: bool) -> list[DateRef]:
    refs = []
    for it, r in zip(items, res):
        if r is None and not (keep_pending and _depends_on_anchor(it.kind, it.expr)):
            continue
        day, end, gran = r if r else (None, None, "day")
        refs.append(DateRef(
            expression=it.expr,
            date=day.isoformat() if day else "",
            end_date=end.isoformat() if end else None,
            granularity=gran,
            inferred=bool(inferred and r and _depends_on_anchor(it.kind, it.expr)),
            start=article.raw_offset(it.start),
            end=article.raw_offset(it.end),
        ))
    return refs


def resolve(article: Article, doc) -> list[DateRef]:
    """Date expressions in `article` resolved to calendar dates (anchor: `article.published`).

    Without a publication date, anchor-dependent expressions come back with `date == ""`;
    `infer_published` fills them in later.
    """
    cache = getattr(doc, "user_data", None)
    if cache is not None and _CACHE_KEY in cache:
        return cache[_CACHE_KEY]
    text = doc.text if doc is not None else article.text
    sents = [(s.start_char, s.end_char) for s in doc.sents] if doc is not None and doc.has_annotation("SENT_START") else []
    found = _find(text)
    if cache is not None:
        cache[_CACHE_KEY + ".found"] = list(found)
    if doc is not None:
        found += _spacy_extra(doc, found)
    items = _items(text, sents, found)
    base = _anchor(article.published)
    refs = _to_refs(article, items, _resolve_items(items, base), keep_pending=base is None, inferred=article.published_inferred)
    if cache is not None:
        cache[_CACHE_KEY] = refs
    return refs


def _raw_sentences(article: Article, analysis: Analysis | None) -> list[tuple[int, int]]:
    if analysis and analysis.sentences:
        return [(s.start, s.end) for s in analysis.sentences]
    return [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]*", article.raw)]


def _re_resolve(article: Article, analysis: Analysis) -> None:
    """Resolve `analysis.dates` (and the claims' copies) again against the article's new anchor."""
    base = _anchor(article.published)
    raw = article.raw
    sents = _raw_sentences(article, analysis)
    refs = list(analysis.dates)
    for c in analysis.claims:  # claims normally share the objects; pick up any copies too
        refs += [d for d in c.dates if all(d is not r for r in refs)]
    found = []
    for d in refs:
        w0 = max(0, d.start - 12)  # room for the preposition some patterns start with
        kind = next((k for k, s, e in _find(raw[w0 : d.end]) if (s + w0, e + w0) == (d.start, d.end)), "spacy")
        found.append((kind, d.start, d.end))
    items = _items(raw, sents, found)
    by_pos = {(it.start, it.end): r for it, r in zip(items, _resolve_items(items, base))}
    for d in refs:
        r = by_pos.get((d.start, d.end))
        if r is None:
            continue
        dependent = _depends_on_anchor(next((it.kind for it in items if it.start == d.start), ""), d.expression)
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
    weekdays = {m.group().lower() for m in re.finditer(_WD, raw)}
    best: tuple[int, Day] | None = None
    for kind, s, e in _find(raw[:lead_end]):
        if kind not in ("mdy", "dmy", "iso"):
            continue
        expr = raw[s:e].lstrip("(")
        i = max(0, bisect.bisect_right([a for a, _ in sents], s) - 1)
        ss, se = sents[i] if sents else (0, lead_end)
        if _future(raw, ss, s, e, se):
            continue
        r = _interpret(kind, expr, dt.date(year, 12, 31), False, None)
        if not r or r[2] != "day":
            continue
        score = 2 if calendar.day_name[r[0].weekday()].lower() in weekdays else 1
        if best is None or score > best[0]:
            best = (score, r[0])
    return best[1] if best else None


def _words(article: Article) -> set[str]:
    return set(re.findall(r"\b[A-Z][a-z]{2,}\b", article.text or article.raw))


def infer_published(articles: list[Article], analyses: dict[str, Analysis]) -> None:
    """Give undated articles a publication date inferred from their text and their story.

    Own text first (an explicit day in the lead); else the most common known publication day of
    the batch's articles that share names with it. Refs are re-resolved and marked `inferred`.
    """
    undated = [a for a in articles if not _anchor(a.published)]
    if not undated:
        return
    known = {a.id: _anchor(a.published) for a in articles if _anchor(a.published)}
    years = Counter(d.year for d in known.values())
    if not years:  # the latest explicit year the batch mentions (not in the future)
        this_year = dt.date.today().year
        for an in analyses.values():
            for d in an.dates:
                if d.date and re.search(rf"\b{_YEAR}\b", d.expression) and int(d.date[:4]) <= this_year:
                    years[int(d.date[:4])] += 1
    year = max(years) if years and not known else (years.most_common(1)[0][0] if years else dt.date.today().year)
    inferred: dict[str, Day] = {}
    for a in undated:
        day = _own_text_date(a, analyses.get(a.id), year)
        if day:
            inferred[a.id] = day
    pool = {**known, **inferred}
    words = {a.id: _words(a) for a in articles}
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
