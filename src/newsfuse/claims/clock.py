"""Clock times ("12:10 p.m.", "6.04am", "just after noon"): when something happened, as minutes after midnight.

A time of day is a claim like a count: outlets give the moment of a crash or an alert, precisely or roughly,
and disagree. Unit "clock"; the qualifier says how rough ("around", "just after", "just before")."""

from __future__ import annotations

import re

from ..model import Quantity
from ..nlp import scan
from .measures import token_at

_CLOCK = re.compile(
    r"(?<![\w:.])(?:(?P<qual>just after|shortly after|soon after|just before|shortly before|around|about|approximately|"
    r"roughly|at about|at around|after|before)\s+)?"
    r"(?:(?P<h>\d{1,2})(?:[:.](?P<m>[0-5]\d))?\s?(?P<ap>[ap])\.?\s?m\b\.?|(?P<word>noon|midday|midnight)\b)",
    re.I,
)
# every place a match of _CLOCK can start (and more), one character each, by a scan that skips other positions:
# a digit, or a word opening a qualifier or "noon"/"midday"/"midnight" (`nlp.scan`)
_CLOCK_STARTS = re.compile(r"[\d{}](?:(?<![\w:.].)(?<=\d)|{})".format(*scan.openings(
    ["just", "shortly", "soon", "around", "about", "approximately", "roughly", "at", "after", "before", "noon", "midday",
     "midnight"], ignorecase=True, ahead=True)))
_QUAL = {"just after": "just after", "shortly after": "just after", "soon after": "just after", "after": "just after",
         "just before": "just before", "shortly before": "just before", "before": "just before"}


def clock_times(text: str, doc) -> list[tuple[int, int, Quantity, str]]:
    """(start, end, quantity, what happened then) for each time of day in `text` (offsets into `text`)."""
    out = []
    for m in scan.matches(_CLOCK, _CLOCK_STARTS, text):
        if m.group("word"):
            if not m.group("qual") and not re.search(r"\b(?:at|by|on|until|till|from|past)\s+$", text[max(0, m.start() - 8) : m.start()]):
                continue  # "the midnight blue car": a colour, not a time
            minutes = 0 if m.group("word").lower() == "midnight" else 720
        else:
            h, mi = int(m.group("h")), int(m.group("m") or 0)
            if not 1 <= h <= 12:
                continue
            minutes = (h % 12) * 60 + mi + (720 if m.group("ap").lower() == "p" else 0)
        qual = (m.group("qual") or "").lower().replace("at ", "")
        qualifier = _QUAL.get(qual, "around" if qual in ("around", "about", "approximately", "roughly") else "")
        out.append((m.start(), m.end(), Quantity(float(minutes), "clock", qualifier, m.group().strip()), _event(doc, m.start())))
    return out


def _event(doc, char: int) -> str:
    """The verb the time belongs to ("crashed at 12:10" -> "crash"; "took off at" -> "take off")."""
    tok = token_at(doc, char) if doc is not None else None
    for _ in range(6):
        if tok is None or tok.pos_ in ("VERB", "AUX") or tok.head is tok:
            break
        tok = tok.head
    if tok is None or tok.pos_ not in ("VERB", "AUX"):
        return ""
    prt = next((c.lower_ for c in tok.children if c.dep_ == "prt"), "")
    return f"{tok.lemma_.lower()} {prt}".strip()
