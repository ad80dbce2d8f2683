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

from .patterns import Day, spans
from .resolution import resolve, Resolved
from .infer import infer_published
