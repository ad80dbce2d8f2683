"""Date patterns: month/weekday vocabularies, expression regexes and finding date spans in text."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .. import nlp


Day = dt.date
CACHE_KEY = "newsfuse.dates"  # Doc.user_data slot shared with claims (one resolution per Doc)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {d.lower(): i for i, d in enumerate(calendar.day_name)}
NUMWORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3, "several": 3,
    "a couple of": 2, "couple of": 2,
}
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}

_MONTH_WORDS = tuple(w.capitalize() for w in MONTHS)  # names, then abbreviations
# the month table's words as regex alternatives, an abbreviation before its own prefix ("Sept" before "Sep")
MONTH_NAMES = _MONTH_WORDS[:12]
_MONTH_ABBREVS = tuple(sorted(_MONTH_WORDS[12:], key=lambda w: (MONTHS[w.lower()], -len(w))))
MONTH = "(?:" + "|".join(MONTH_NAMES + tuple(w + r"\.?" for w in _MONTH_ABBREVS)) + ")"  # an abbreviation's dot inside


def month_group(name: str = "") -> str:
    """A month name or abbreviation as a capturing group (named `name` if given), a trailing dot outside it."""
    return f"({'?P<' + name + '>' if name else ''}{'|'.join(MONTH_NAMES + _MONTH_ABBREVS)})" + r"\.?"


WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
YEAR = r"(?:1[89]\d\d|20\d\d)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
CNT = r"(?:\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several|a couple of)"
_PARTS = r"(?:\s+(?:morning|afternoon|evening|night))?"

# kind -> pattern; order matters (longest / most specific first). Case-sensitive for names.
_PATTERNS: list[tuple[str, str]] = [
    ("iso", rf"\b{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b"),
    ("mdy", rf"\b(?:{WD},?\s+)?(?:\(?){MONTH}\s+{_DAYNUM}(?:,?\s+{YEAR})?\b(?!,?\s*\d)"),
    ("dmy", rf"\b(?:{WD},?\s+)?{_DAYNUM}\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?\b"),
    ("part", rf"\b(?:(?:[Ee]arly|[Mm]id|[Ll]ate)[- ]|[Tt]he\s+(?:end|beginning|start|middle)\s+of\s+){MONTH}(?:,?\s+{YEAR})?\b"),
    ("my", rf"\b{MONTH}\s+(?:of\s+)?{YEAR}\b"),
    # a preposition/modifier first, then the name (group "x" is the expression): fast to scan
    ("month", r"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Ll]ast|[Tt]his|[Nn]ext|[Ee]arly|[Ll]ate|[Bb]efore|[Aa]fter"
              r"|[Bb]etween|[Tt]hrough)\s"
              rf"(?P<x>{'|'.join(MONTH_NAMES)})\b"
              rf"|\b(?:{'|'.join(m for m in MONTH_NAMES if m not in ('March', 'May'))})\b"),  # alone, "march" and "may" are verbs
    ("year", rf"\b(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Dd]uring|[Bb]efore|[Aa]fter|of|[Ee]arly|[Ll]ate|[Mm]id)[\s-](?P<x>{YEAR})\b(?![-–]\d)"),
    ("weekday", rf"\b(?:(?:[Ll]ast|[Nn]ext|[Tt]his|[Ee]arlier|[Ll]ater|[Ll]ate|[Ee]arly|[Pp]ast)\s+)?{WD}{_PARTS}\b"),
    ("deictic", r"\b(?:[Yy]esterday|[Tt]oday|[Tt]onight|[Tt]omorrow|[Ll]ast\s+night|[Tt]his\s+(?:morning|afternoon|evening))\b"),
    ("period", r"\b(?:(?:[Ee]arlier|[Ll]ater)\s+this|[Tt]his|[Ll]ast|[Nn]ext|[Tt]he\s+past|[Tt]he\s+previous|[Tt]he\s+following)\s+(?:week(?:end)?|month|year)\b"),
    ("ago", rf"\b{CNT}\s+(?:day|week|month|year)s?\s+ago\b"),
    ("ahead", rf"\b(?:[Ww]ithin|[Ii]n\s+the\s+(?:coming|next)|[Ii]n\s+the\s+next\s+(?:few|couple\s+of)|[Tt]he\s+(?:coming|next)\s+(?:few|couple\s+of)?"
              rf"|[Oo]ver\s+the\s+(?:coming|next)(?:\s+few)?|[Ii]n\s+recent|[Oo]ver\s+the\s+past(?:\s+few)?|[Ii]n\s+the\s+past(?:\s+few)?)"
              rf"\s+(?:{CNT}\s+)?(?:day|week|month)s?\b|\b[Ii]n\s+{CNT}\s+(?:day|week|month)s?(?:'|’)?\s*(?:time)?\b(?!\s+(?:of|after|before))"),
    ("offset", rf"\b(?:{CNT}|[Tt]he)\s+days?\s+(?:after|before|later|earlier)\b|\b[Tt]he\s+(?:next|previous|following)\s+day\b"),
]
_RX = [(kind, re.compile(p)) for kind, p in _PATTERNS]
FUTURE = re.compile(
    r"\b(?:will|won['’]t|shall|going\s+to|is\s+to|are\s+to|scheduled|expected|set\s+to|plans?\s+to|planned|planning"
    r"|due\s+to|hopes?\s+to|hoped\s+to|intends?\s+to|promise[sd]?\s+to|vows?\s+to|pledges?\s+to|aims?\s+to|upcoming"
    r"|would(?!\s+(?:not\s+)?have\b)|could(?!\s+(?:not\b|have\b))|to\s+meet|to\s+hold|to\s+visit|to\s+travel)\b|['’]ll\b",
    re.I,
)
# past-tense markers: a reported event ("she said late on Tuesday", "the dam was ...")
PAST = re.compile(r"\b(?:said|says|told|added|was|were|had|did|announced|reported|confirmed|stated|noted|wrote)\b", re.I)
_YEAR_SPAN = re.compile(rf"\b{YEAR}\s*[-–/]\s*(?:\d\d|{YEAR})\b(?![-–/]\d)")
_ENT_HINT = re.compile(rf"{MONTH}|{WD}|\b{YEAR}\b|\b\d{{1,2}}(?:st|nd|rd|th)\b", re.I)


def _cased(*words: str) -> tuple[str, ...]:
    """Each word as written and with its first letter upper-cased ("in" -> "in", "In")."""
    return tuple(dict.fromkeys(w2 for w in words for w2 in (w, w[:1].upper() + w[1:])))


_WD_WORDS = tuple(calendar.day_name)
_CNT_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "few",
              "several")
_DIGIT, _PAREN = "0", "("
# kind -> the whole words a match of it can open with (each is followed by a non-word character in the pattern);
# _DIGIT: a digit after a word boundary, _PAREN: "(" right after a word
_STARTS: dict[str, tuple[str, ...]] = {
    "iso": (_DIGIT,),
    "mdy": _WD_WORDS + (_PAREN,) + _MONTH_WORDS,
    "dmy": _WD_WORDS + (_DIGIT,),
    "part": _cased("early", "mid", "late", "the"),
    "my": _MONTH_WORDS,
    "month": _cased("in", "since", "by", "until", "from", "during", "last", "this", "next", "early", "late", "before", "after",
                    "between", "through") + _MONTH_WORDS[:12],
    "year": _cased("in", "since", "by", "until", "from", "during", "before", "after", "early", "late", "mid") + ("of",),
    "weekday": _cased("last", "next", "this", "earlier", "later", "late", "early", "past") + _WD_WORDS,
    "deictic": _cased("yesterday", "today", "tonight", "tomorrow", "last", "this"),
    "period": _cased("earlier", "later", "this", "last", "next", "the"),
    "ago": _CNT_WORDS + (_DIGIT,),
    "ahead": _cased("within", "in", "the", "over"),
    "offset": _CNT_WORDS + (_DIGIT,) + _cased("the"),
}
_BY_START: dict[str, list[tuple[str, re.Pattern]]] = {}
for _kind, _rx in _RX:
    for _w in _STARTS[_kind]:
        _BY_START.setdefault(_w, []).append((_kind, _rx))


def _word_trie(words: list[str]) -> str:
    """A regex matching any of `words`, written as a trie (words sharing first letters share one branch): the engine
    tests a place against a few letters instead of every word in turn."""
    groups: dict[str, list[str]] = {}
    for w in words:
        groups.setdefault(w[:1], []).append(w[1:])
    alts = [re.escape(c) + _word_trie(rest) if c else "" for c, rest in sorted(groups.items(), key=lambda g: g[0] == "")]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


# what must follow the commonest opening words (and a digit) for any of their patterns to match there: tested in the
# scan, so their many other places ("the", "of", "a", every number) never reach the patterns (news_cluster: 41k places
# -> 13k, `find` 0.104 -> 0.080 CPU s)
_THE_NEXT = r"\s+(?:end|beginning|start|middle|past|previous|following|coming|next|day)"
_GUARDS = {"the": _THE_NEXT, "The": _THE_NEXT, "of": rf"[\s-]{YEAR}", "a": r"\s+(?:day|week|month|year|few|couple)",
           "an": r"\s+(?:day|week|month|year)"}
_DIGIT_GUARD = r"\d{4}-|\d\d?(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Z]|\d\d?\s+(?:day|week|month|year)"
_OPENERS = (_word_trie([w for w in _BY_START if w[0].isalpha() and w not in _GUARDS]) + r"\b|"
            + "|".join(rf"{w}\b(?={g})" for w, g in _GUARDS.items()) + rf"|(?=(?:{_DIGIT_GUARD}))(?P<d>\d)")
# every place a match can start: a listed whole word or a digit opening a word, found by the non-word character before
# it (a pattern opening with a character class lets the engine skip to the next space or mark), the text's start
# apart; "(" after a word by its own scan
_START = re.compile(r"\W(?:" + _OPENERS + ")")
_FIRST = re.compile(_OPENERS)
_PAREN_AFTER_WORD = re.compile(r"(?<=\w)\(")


def _starts(text: str) -> list[tuple[int, str]]:
    """(offset, `_BY_START` key) of each place in `text` where a listed word, a digit opening a word or a "(" right
    after a word stands, in text order."""
    m = _FIRST.match(text)
    out = [] if m is None else [(0, _DIGIT if m.group("d") else m.group())]
    out += [(w.start() + 1, _DIGIT if w.group("d") else w.group()[1:]) for w in _START.finditer(text)]
    if "(" in text:
        out += [(p.start(), _PAREN) for p in _PAREN_AFTER_WORD.finditer(text)]
        out.sort()
    return out


def find(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every date expression in `text`, overlaps resolved to the longest.

    Each pattern is tried only where one of its opening words stands (`_starts`), in text order and from the end
    of its last match on: the matches `finditer` gives, for a fraction of the regex work."""
    hits = []
    last_end: dict[str, int] = {}
    by_start = _BY_START
    for p, key in _starts(text):
        for kind, rx in by_start[key]:
            if p < last_end.get(kind, 0):
                continue
            m = rx.match(text, p)
            if m is None:
                continue
            last_end[kind] = m.end()
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
    found = doc.user_data.get(CACHE_KEY + ".found") if doc is not None else None
    return [(s, e) for _, s, e in (found if found is not None else find(text))]


def spacy_extra(doc, taken: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """spaCy DATE entities the regex pass missed that name a calendar day ("Oct. 17th")."""
    extra = []
    spans = [(s, e) for _, s, e in taken]
    for ent in nlp.doc_ents(doc):  # built once per Doc (`Doc.ents` rebuilds them on each access)
        if ent.label_ != "DATE" or not _ENT_HINT.search(ent.text):
            continue
        s, e = ent.start_char, ent.end_char
        if any(s < te and ts < e for ts, te in spans):
            continue
        if re.fullmatch(rf"(?:the\s+)?\d{{1,2}}(?:st|nd|rd|th)|{YEAR}", ent.text.strip(), re.I):
            continue  # a bare day or year out of context
        if _YEAR_SPAN.search(ent.text):
            continue  # "in 2010-11", "the 2015/16 season": two years, not a year and a month
        extra.append(("spacy", s, e))
    return extra
