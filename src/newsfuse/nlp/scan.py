"""Fast regex scans of article text: word alternations written to open with a character class.

`re` skips ahead to the next position holding one of a pattern's opening characters only when the pattern opens
with a character class it can read (no leading `\\b` or lookbehind, no letters under IGNORECASE); otherwise it tries
the whole pattern at every position. `openings` rewrites `\\b(?:alt|...)` into that form, `matches` runs a pattern
only where such a scan finds a place it can start. Same matches as the plain patterns (tests/test_scan.py). It pays
where few characters open a match (harm verbs: 0.14 -> 0.04 CPU s over the 1.2M characters of news_cluster); with
most letters in the class (quantities, date openings) the class test costs what the assertion did, and nothing is won.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# characters, other than a letter's two cases, that IGNORECASE matches to an ASCII letter (Python's case folding)
FOLDS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}


def openings(alts: Iterable[str], *, ignorecase: bool = False, ahead: bool = False) -> tuple[str, str]:
    """`\\b(?:a1|a2|…)` (each alternative a regex opening with a literal word character) as (chars, rest):
    `"[" + chars + "]" + rest` matches what it matches, where it does; alternatives keep their order.
    `ahead`: `rest` only looks ahead, so each match is the opening character alone (`\\b(?=a1|a2|…)`)."""
    groups: dict[str, list[str]] = {}
    for alt in alts:
        first = alt[0]
        if not re.fullmatch(r"\w", first):
            raise ValueError(f"{alt!r} opens with no literal word character")
        groups.setdefault(first.lower() if ignorecase else first, []).append(alt[1:])
    chars = []
    for first in groups:
        chars += [first, first.upper(), *FOLDS.get(first, "")] if ignorecase else [first]
    wrap = "(?=" if ahead else "(?:"
    body = "|".join(f"(?<={re.escape(first)}){wrap}{'|'.join(rest)})" for first, rest in groups.items())
    # the opening character is a word character: "no word character before it" is "not two in a row" one later
    return "".join(re.escape(c) for c in dict.fromkeys(chars)), r"(?<!\w.)" + ("(?i:" if ignorecase else "(?:") + body + ")"


def matches(rx: re.Pattern, starts: re.Pattern, text: str) -> Iterator[re.Match]:
    """The matches `rx.finditer(text)` gives (`rx` never matches the empty string), `rx` tried only where `starts`
    matches: one character long, at least at every place a match of `rx` can start (a fast scan for what it opens with)."""
    pos = 0
    for s in starts.finditer(text):
        p = s.start()
        if p < pos:
            continue
        m = rx.match(text, p)
        if m is not None:
            yield m
            pos = m.end()
