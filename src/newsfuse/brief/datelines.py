"""Datelines: the wire dateline opening a report's first sentence ("SAN JOSE, Dec 31 (Reuters) - "), page furniture
that every brief line (summary, facts, quotes, single-source, conflicts, timeline) leaves out."""

from __future__ import annotations

import re

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’\- ]+(?:,\s*[A-Z][A-Za-z0-9.'’\- ]+){0,2}\s*)?"  # PLACE, PLACE, State, PLACE, Dec 31 or both
    r"(?:\((?:AP|Reuters|AFP|CNN|UPI|Bloomberg|dpa|CNBC|NBC|ABC|CBS|The Hill|Xinhua)\)\s*)"
    r"(?:[-–—]+\s*)?"
    r"|^[A-Z][A-Z.'’\-]+(?:\s[A-Z][A-Z.'’\-]+)*(?:,\s*[A-Z][A-Za-z.]+(?:\s(?:of\s|de\s|del\s)?[A-Z][A-Za-z.]+){0,3})?\s*[-–—]+\s+"
)
_HEAD = 200  # a dateline is short: the pattern never reads further (long runs of spaces cost it quadratic time)


def dateline_length(text: str) -> int:
    """How many characters a wire dateline opening `text` takes ("SAN JOSE, Dec 31 (Reuters) - ", "(CNN) "):
    0 when there is none, or when no sentence that opens with a capital follows it."""
    end = dateline_end(text)
    if not end or len(text) - end <= 20 or not re.match(r"[A-Z0-9\"“‘']", text[end:]):
        return 0
    return end


def dateline_end(text: str) -> int:
    """Where a dateline's shape opening `text` ends (0: none), whatever follows it."""
    m = _DATELINE.match(text[:_HEAD])
    return m.end() if m else 0
