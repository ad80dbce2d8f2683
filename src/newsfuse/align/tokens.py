"""Content tokens for lexical overlap: lowercased, de-comma'd numbers, stop words out, plurals folded."""

from __future__ import annotations

import re

from .tuning import MIN_WORDS


_WORD = re.compile(r"\d+(?:\.\d+)?|[a-z0-9]+(?:['’][a-z]+)?")
_NUM_COMMA = re.compile(r"(?<=\d)[,\u202f\u00a0](?=\d{3}\b)")
_STOP: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        try:
            from spacy.lang.en.stop_words import STOP_WORDS

            _STOP = frozenset(STOP_WORDS) | {"said", "says", "say", "told", "according", "mr", "ms", "mrs"}
        except ImportError:  # pragma: no cover
            _STOP = frozenset()
    return _STOP


def tokens(text: str) -> list[str]:
    """Content tokens for lexical overlap: lowercased, numbers de-comma'd, stop words out, plurals folded."""
    stop = _stop_words()
    out = []
    text = _NUM_COMMA.sub("", text.lower().replace("’", "'")).replace("%", " percent")
    for w in _WORD.findall(text):
        w = w.split("'")[0] if w.endswith(("'s", "'")) else w
        if not w or w in stop:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss") and not w.isdigit():
            w = w[:-1]
        out.append(w)
    return out


_DATELINE_ONLY = re.compile(r"[-–—]\s*$")  # "PLACE, March 12 (Agency) -": the line opening a report, no statement


_OPEN_END = re.compile(r"[^.!?…\"”’')\]]\s*$")


def open_line(text: str) -> bool:
    """A line with no closing stop: a headline, teaser, caption or bullet rather than a sentence of the body."""
    return bool(_OPEN_END.search(text))


def _alignable(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS and not _DATELINE_ONLY.search(text)
