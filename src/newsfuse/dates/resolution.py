"""Date resolution: relative and explicit expressions turned into calendar days against an anchor."""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import functools
import re
from collections.abc import Sequence

from .. import nlp
from ..model import Article, DateRef
from .patterns import (
    CACHE_KEY, CNT, Day, find, FUTURE, MONTH, month_group, MONTHS, NUMWORDS, PAST, spacy_extra, UNIT_DAYS, WD,
    WEEKDAYS, YEAR,
)


def anchor(published: str | None) -> Day | None:
    """The publication day of an ISO date/datetime string (None when missing or unreadable)."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _num(word: str) -> int:
    w = word.lower().strip()
    return int(w) if w.isdigit() else NUMWORDS.get(w, 3)


def _month_end(y: int, m: int) -> Day:
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def is_future(text: str, s_start: int, e_start: int, e_end: int, s_end: int) -> bool:
    """Whether the clause around a date expression is future (will/scheduled/expected/...).

    The tense marker nearest before the date decides ("officials expect ..., she said late on Tuesday"
    is past); a quotation mark closes a clause, so a quote's "will" does not reach the reporting verb.
    """
    before = text[max(s_start, e_start - 110) : e_start].rstrip(" \"“‘'")  # the date's own opening mark ends nothing
    after = text[e_end : min(s_end, e_end + 20)]
    # only the clause holding the date: cut at the last clause break before it
    cut = max(before.rfind(". "), before.rfind("; "), before.rfind(" but "),
              *(before.rfind(q) for q in ('"', "\u201c", "\u201d")))
    if cut >= 0:
        before = before[cut + 1 :]
    fut = [m.end() for m in FUTURE.finditer(before)]
    past = [m.end() for m in PAST.finditer(before)]
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


# the plain forms dateparser reads the same way every time: "March 5, 2024", "5 March 2024", "March 5", "March 2024"
_PLAIN = re.compile(
    rf"{month_group()}\s+(\d{{1,2}})(?:,?\s+({YEAR}))?|(\d{{1,2}})\s+{month_group('m2')}(?:,?\s+({YEAR}))?"
    rf"|{month_group('m3')},?\s+({YEAR})"
)


def _plain(clean: str, base: Day) -> tuple[Day, str] | None:
    """(day, period) of a plain month-name date as dateparser gives it, without dateparser (about 1 ms a call);
    None for anything else, and for a day the month lacks (dateparser decides those). A year-less day comes in
    `base`'s year (callers place it by tense); a month-year as its first day."""
    m = _PLAIN.fullmatch(clean)
    if m is None:
        return None
    month_word, day_s, year_s, day2_s, _m2, year2_s, _m3, year3_s = m.groups()
    month_word = month_word or _m2 or _m3
    month = MONTHS[month_word.lower()]
    if _m3:
        return dt.date(int(year3_s), month, 1), "month"
    day, year = int(day_s or day2_s), year_s or year2_s
    y = int(year) if year else base.year
    if not 1 <= day <= calendar.monthrange(y, month)[1] or (not year and month == 2 and day == 29):
        return None
    return dt.date(y, month, day), "day"


@functools.lru_cache(maxsize=4096)
def _explicit(expr: str, base: Day, future: bool, past: bool = False) -> tuple[Day, Day | None, str] | None:
    """Month/day/year expressions via dateparser, year chosen by tense when the text omits it."""
    clean = re.sub(rf"^{WD},?\s*", "", expr.strip()).lstrip("(")
    clean = re.sub(r"\bof\b", " ", clean)
    clean = re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", clean).strip()
    has_year = re.search(rf"\b{YEAR}\b", clean) is not None
    plain = _plain(clean, base)
    if plain is not None:
        day, period = plain
    else:
        try:
            data = _parser(base).get_date_data(clean, date_formats=None)
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
            day = _closest_year(day, base, future, past)
        except ValueError:  # Feb 29 in a non-leap year
            return None
    return day, None, "day"


def _closest_year(day: Day, base: Day, future: bool, past: bool = False) -> Day:
    """A year-less day-month in the year that puts it closest to `base` (always within about six months);
    tense breaks a near tie (a date about six months either side), and a past-tense verb rules out a
    date more than a day ahead of `base`."""
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
    if past and not future and best > base + dt.timedelta(days=1):
        best = max((d for d in cands if d <= base + dt.timedelta(days=1)), default=best)
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


def interpret(kind: str, expr: str, base: Day | None, future: bool, ref: Day | None, past: bool = False) -> Resolved | None:
    """Resolve one expression of a known kind; `ref` is the day a relative offset counts from."""
    e = expr.lower().strip()
    if kind == "iso":
        return dt.date.fromisoformat(e), None, "day"
    if kind == "year":
        y = int(e)
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year"
    if kind in ("my", "mdy", "dmy", "spacy") and re.search(rf"\b{YEAR}\b", e):
        return _explicit(expr, base or dt.date.today(), future)
    if base is None:
        return None  # anchor-dependent: wait for infer_published
    if kind in ("mdy", "dmy", "spacy"):
        return _explicit(expr, base, future, past)
    if kind in ("month", "part"):
        m = re.search(MONTH, expr)
        if not m:
            return None
        month = MONTHS[m.group().lower().rstrip(".")]
        y = re.search(rf"\b{YEAR}\b", e)
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
        wd = WEEKDAYS[re.search(WD, expr).group().lower()]
        back = (base.weekday() - wd) % 7  # days since the most recent such day (0 = today)
        if e.startswith("last ") or e.startswith("past "):
            return base - dt.timedelta(days=back or 7), None, "day"
        if e.startswith("next "):
            return base + dt.timedelta(days=((wd - base.weekday()) % 7) or 7), None, "day"
        if e.startswith("this ") and future:
            return base + dt.timedelta(days=(wd - base.weekday()) % 7), None, "day"
        if future and back != 0:
            return base + dt.timedelta(days=(wd - base.weekday()) % 7), None, "day"
        if back == 6:
            # the day after publication, not six days back: the place it happened is ahead of the stamp's clock
            # ("early Tuesday" in Asia is a Monday evening in New York) or the copy was updated after its stamp;
            # a day six days gone is written "last Tuesday"
            return base + dt.timedelta(days=1), None, "day"
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
        m = re.match(rf"({CNT})\s+(day|week|month|year)", e)
        if re.match(r"(?:a\s+)?few|several|some|many|couple", m.group(1)):
            return None  # "several months ago", "a few days ago": too vague to place on a calendar
        n, unit = _num(m.group(1)), m.group(2)
        day = base - dt.timedelta(days=n * UNIT_DAYS[unit])
        return day, None, "day" if unit == "day" else unit if unit != "year" else "year"
    if kind == "ahead":
        m = re.search(rf"(?:({CNT})\s+)?(day|week|month)s?", e)
        unit = m.group(2)
        n = _num(m.group(1)) if m.group(1) else 3
        span = dt.timedelta(days=n * UNIT_DAYS[unit])
        if re.match(r"(in recent|over the past|in the past)", e):
            return base - span, base, "range"
        if re.match(r"in\s", e) and not re.match(r"in the", e):  # "in two weeks" = about then
            return base + span, None, "day" if unit == "day" else "range"
        return base, base + span, "range"
    if kind == "offset":
        if future:
            return None  # "a week after <a future event>": no calendar anchor
        m = re.match(rf"({CNT}|the)\s+days?\s+(after|before|later|earlier)", e)
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


class _Item:
    """A found expression with what resolution needs (text coordinates)."""

    __slots__ = ("kind", "start", "end", "expr", "sent", "future", "past", "year")

    def __init__(self, kind: str, start: int, end: int, expr: str, sent: int, future: bool, past: bool = False,
                 year: str | None = None) -> None:
        self.kind, self.start, self.end, self.expr, self.sent, self.future = kind, start, end, expr, sent, future
        self.past, self.year = past, year


# an ordinal or superlative before "in N months" makes it a span ("the deadliest attack in two years")
_SPAN_OF = re.compile(r"\b(?:first|second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th)|only|latest|worst|deadliest|"
                      r"biggest|largest|highest|lowest|most|least)\b[^.;]{0,50}$", re.I)
# "the following month", "the previous year": counted from the date the copy just gave, not from publication
_ANAPHORIC = re.compile(r"^the\s+(?:following|previous)\s", re.I)
ANAPHORA_SENTS = 3
# "today" that means nowadays, not the day of the report: "the most powerful rocket in use today", "the fund
# continues today", "today's biggest companies"
_NOWADAYS_BEFORE = re.compile(r"\b(?:in\s+(?:use|service|operation|existence|production|circulation)|out\s+there|"
                              r"on\s+the\s+market|in\s+the\s+world|available|alive|exists?|existing|continues?|still|even|"
                              r"than\s+any(?:\s+other)?(?:\s+\w+){0,2})\s+$", re.I)
_NOWADAYS_AFTER = re.compile(r"^['’]s\s+(?:most\b|(?!latest\b)[a-z]+est\b)")
# a year-less month or day joined to a dated one takes its year: "in May and July of 2016", "March 5 and April 2, 2016"
_SHARED_YEAR = re.compile(rf",?\s+(?:and|or|to|through|until|-|–)\s+(?:(?:early|mid|late)[- ])?{MONTH}"
                          rf"(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+(?:of\s+)?({YEAR})\b")


def _not_a_day(kind: str, text: str, start: int, end: int, sent_start: int) -> bool:
    """A deictic word that names no day: a title or name ("USA Today", "the Today programme", "Why Today's Kids"),
    or "today" meaning nowadays."""
    if kind != "deictic":
        return False
    word = text[start:end]
    before = text[max(sent_start, start - 40) : start]
    if word[:1].isupper() and re.search(r"[\w’'][\s]+$", before) and not re.search(r"[:;—–-]\s*$", before):
        return True  # capitalised after a word inside the sentence: part of a name
    if word.lower() != "today":
        return False
    return bool(_NOWADAYS_BEFORE.search(before) or _NOWADAYS_AFTER.match(text[end : end + 20]))


def date_items(text: str, sents: Sequence[tuple[int, int]], found: list[tuple[str, int, int]], doc=None) -> list[_Item]:
    starts = [s for s, _ in sents]
    out = []
    for kind, s, e in sorted(found, key=lambda x: x[1]):
        i = max(0, bisect.bisect_right(starts, s) - 1)
        ss, se = sents[i] if sents else (0, len(text))
        expr = text[s:e].lstrip("(")
        s += len(text[s:e]) - len(expr)
        if kind == "ahead" and expr.lower().startswith("in ") and _SPAN_OF.search(text[max(ss, s - 60) : s]):
            continue  # "the second crash in four months": a stretch of time, not a date ahead
        if _not_a_day(kind, text, s, e, ss):
            continue
        year = None
        if kind in ("month", "part", "mdy", "dmy") and not re.search(rf"\b{YEAR}\b", expr):
            m = _SHARED_YEAR.match(text, e, min(len(text), e + 60))
            year = m.group(1) if m else None
        past = doc is not None and _past_verb(doc, s, e)
        future = is_future(text, ss, s, e, se) or (doc is not None and not past and _modal_future(doc, s, e))
        if kind == "weekday" and not future and not past and doc is not None and _present_verb(doc, s, e):
            future = True  # "when it launches on Tuesday", "remains go for launch Tuesday": the coming one
        out.append(_Item(kind, s, e, expr, i, future, past, year))
    return out


def resolve_items(items: list[_Item], base: Day | None) -> list[Resolved | None]:
    """Resolve items in text order; offsets ("the day before") count from the last date seen nearby."""
    out: list[Resolved | None] = []
    last: tuple[int, Day] | None = None  # (sentence index, day) of the last non-offset day-level date
    seen: tuple[int, Day] | None = None  # (sentence index, start) of the last date of any precision
    for it in items:
        ref = last[1] if last and it.sent - last[0] <= 1 else None
        anaphoric = it.kind == "period" and bool(_ANAPHORIC.match(it.expr))
        try:
            if anaphoric:  # "filed in May 2016 ... dismissed the following month": from May 2016, else unknown
                near = seen if seen and it.sent - seen[0] <= ANAPHORA_SENTS else None
                r = interpret(it.kind, it.expr, near[1], False, None, True) if near else None
            else:
                r = interpret(it.kind, f"{it.expr} {it.year}" if it.year else it.expr, base, it.future, ref, it.past)
        except (ValueError, AttributeError, OverflowError):
            r = None
        out.append(r)
        if r and r[2] == "day" and it.kind != "offset":
            last = (it.sent, r[0])
        if r and not anaphoric:
            seen = (it.sent, r[0])
    return out


def _modal_future(doc, start: int, end: int) -> bool:
    """Whether the verb the expression modifies takes "will"/"would" ("starting in May, … it would no longer
    tour": the May after the report it is told in), climbing past a participle that only frames the date."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(5):
        if (tok.pos_ in ("VERB", "AUX") and not (tok.tag_ == "VBG" and tok.dep_ in ("advcl", "prep"))) or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    aux = [c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")]
    return any(a in ("will", "would", "'ll", "shall") for a in aux) and "have" not in aux


def _past_verb(doc, start: int, end: int) -> bool:
    """Whether the verb governing the expression is in the simple past (or a past perfect/passive)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(4):  # climb from the date to the verb it modifies
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX") or any(c.tag_ == "MD" for c in tok.children):
        return False
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    return tok.tag_ == "VBD" or (tok.tag_ == "VBN" and bool(aux & {"had", "was", "were"}))


_REPORTING = frozenset("say tell add announce report confirm state note write claim insist argue explain".split())


def _present_verb(doc, start: int, end: int) -> bool:
    """Whether the verb governing the expression is a present-tense event verb (not a reporting verb:
    "says Tuesday" reports what was said that day)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() in _REPORTING:
        return False
    aux = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    if aux & {"had", "was", "were", "has", "have", "did"}:
        return False
    return tok.tag_ in ("VBZ", "VBP") or (tok.tag_ == "VBG" and bool(aux & {"is", "are", "am"}))


def depends_on_anchor(kind: str, expr: str) -> bool:
    return not (kind in ("iso", "year", "my") or re.search(rf"\b{YEAR}\b", expr) and kind != "period")


def _to_refs(article: Article, items: list[_Item], res: list[Resolved | None], keep_pending: bool, inferred: bool) -> list[DateRef]:
    refs = []
    to_raw = article.offset_maps()[0]
    for it, r in zip(items, res):
        if r is None and not (keep_pending and depends_on_anchor(it.kind, it.expr)):
            continue
        day, end, gran = r if r else (None, None, "day")
        refs.append(DateRef(
            expression=it.expr,
            date=day.isoformat() if day else "",
            end_date=end.isoformat() if end else None,
            granularity=gran,
            inferred=bool(inferred and r and depends_on_anchor(it.kind, it.expr)),
            start=to_raw(it.start),
            end=to_raw(it.end),
            past=it.past,
        ))
    return refs


def resolve(article: Article, doc) -> list[DateRef]:
    """Date expressions in `article` resolved to calendar dates (anchor: `article.published`).

    Without a publication date, anchor-dependent expressions come back with `date == ""`;
    `infer_published` fills them in later.
    """
    cache = getattr(doc, "user_data", None)
    if cache is not None and CACHE_KEY in cache:
        return cache[CACHE_KEY]
    text = nlp.doc_text(doc) if doc is not None else article.text
    sents = [(s.start_char, s.end_char) for s in nlp.doc_sents(doc)] if doc is not None and doc.has_annotation("SENT_START") else []
    found = find(text)
    if cache is not None:
        cache[CACHE_KEY + ".found"] = list(found)
    if doc is not None:
        found += spacy_extra(doc, found)
    items = date_items(text, sents, found, doc)
    base = anchor(article.published)
    refs = _to_refs(article, items, resolve_items(items, base), keep_pending=base is None, inferred=article.published_inferred)
    if cache is not None:
        cache[CACHE_KEY] = refs
    return refs
