"""Plain, serialisable data shared by every stage.

Offsets (`start`, `end`) always point into `Article.raw`, the text as ingested, so any UI can
highlight the original. Stages add fields; they never reach into each other's internals.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (looked up once per class)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def to_dict(obj: Any) -> Any:
    """Recursively turn dataclasses (and lists/dicts of them) into JSON-ready data."""
    if type(obj) in _SCALARS:  # most values: nothing to turn (stored analyses hold hundreds of thousands)
        return obj
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {name: to_dict(getattr(obj, name)) for name in field_names(type(obj))}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


@dataclass
class Segment:
    """A piece of the raw text that cleaning removed, with why (so a user can see and undo it)."""

    text: str
    reason: str
    start: int = -1
    end: int = -1


@dataclass
class Article:
    """One outlet's report. `raw` is the text as ingested; `text` is what cleaning kept."""

    id: str
    source: str = ""
    raw: str = ""
    text: str = ""
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published: str | None = None  # ISO date (YYYY-MM-DD) or datetime
    published_inferred: bool = False
    stance: str | None = None  # outlet leaning (left / center / right) when known
    removed: list[Segment] = field(default_factory=list)
    # kept[i] = (start, end) in `raw` of the i-th kept block; `text` is the blocks joined by "\n"
    kept_spans: list[tuple[int, int]] = field(default_factory=list)
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    story: str | None = None
    content_hash: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def offset_maps(self) -> tuple[Callable[[int], int], Callable[[int], int]]:
        """(text -> raw, raw -> text) offset maps over `kept_spans`, each one bisect per call: the per-article stages
        ask them for every mention, token and sentence."""
        spans = self.kept_spans
        if not spans:
            return (lambda i: i), (lambda i: i)
        starts, pos = [], 0
        for s, e in spans:
            starts.append(pos)
            pos += (e - s) + 1  # the "\n" joining blocks
        raw_starts = [s for s, _ in spans]
        # per block: its last offset in the text and in raw, and raw - text
        text_ends = [t + (e - s) for t, (s, e) in zip(starts, spans)]
        raw_ends = [e for _, e in spans]
        shift = [s - t for t, (s, _) in zip(starts, spans)]

        def to_raw(i: int) -> int:
            k = bisect_right(starts, i) - 1
            return min(i, text_ends[k]) + shift[k] if k >= 0 else spans[0][0]

        def to_text(r: int) -> int:
            k = bisect_right(raw_starts, r) - 1
            return min(r, raw_ends[k]) - shift[k] if k >= 0 else 0

        return to_raw, to_text


@dataclass
class Mention:
    """A span of article text naming an entity."""

    article: str
    start: int
    end: int
    text: str


@dataclass
class Entity:
    """A canonical person, organisation or place with every alias and mention seen."""

    id: str
    name: str
    type: str  # PERSON | ORG | GPE | LOC | NORP | ...
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def articles(self) -> list[str]:
        return sorted({m.article for m in self.mentions})


@dataclass
class Speaker:
    """Who said a quote: the canonical entity and the mention that named (or pronoun-pointed to) it."""

    name: str
    entity: str | None = None
    start: int = -1
    end: int = -1
    mention: str = ""


@dataclass
class Reference:
    """A he/she (or an organisation's "it") in article text and the named entity it means, resolved from the
    sentences before it (the quotes stage's pronoun resolution); offsets into `Article.raw`."""

    start: int
    end: int
    text: str
    entity: str
    name: str


@dataclass
class Gloss:
    """Whom a pronoun in a brief line means, for a reader who sees the line without the sentences before it;
    offsets into the line's text."""

    start: int
    end: int
    name: str


@dataclass
class Quote:
    """A direct or indirect quote in one article; offsets into `Article.raw`."""

    article: str
    start: int
    end: int
    text: str
    direct: bool = True
    speaker: Speaker | None = None
    cue: str = ""
    sentence: str = ""


@dataclass
class Quantity:
    """A normalised number: value in `unit` (pint base/canonical unit), with its qualifier."""

    value: float
    unit: str = ""  # "" for counts; e.g. "kilometer", "USD", "square_kilometer", "ordinal"
    qualifier: str = ""  # "", "around", "more than", "up to", "less than", ...
    text: str = ""  # surface form, e.g. "2,500 km"
    start: int = -1
    end: int = -1
    original_value: float | None = None
    original_unit: str = ""


@dataclass
class DateRef:
    """A date expression resolved to the calendar."""

    expression: str
    date: str  # ISO YYYY-MM-DD (or YYYY-MM / range start)
    end_date: str | None = None  # for ranges ("within two weeks", "next month")
    granularity: str = "day"  # day | week | month | year | range
    inferred: bool = False  # True when the anchor (publication date) itself was inferred
    start: int = -1
    end: int = -1
    past: bool = False  # governed by a past-tense verb ("talks broke down on March 30"): a year-less date is not ahead


@dataclass
class Claim:
    """A sentence-level statement with its numbers and dates, offsets into `Article.raw`."""

    article: str
    start: int
    end: int
    text: str
    quantities: list[Quantity] = field(default_factory=list)
    measures: str = ""  # what the number counts, e.g. "range", "visit to Washington"
    subject: str = ""  # entity or phrase the claim is about
    dates: list[DateRef] = field(default_factory=list)


@dataclass
class Sentence:
    """A kept sentence of an article (the unit align and summary work on)."""

    article: str
    index: int
    start: int
    end: int
    text: str


@dataclass
class Act:
    """A physical act a sentence asserts ("slapped a soldier", "two men attacked"), read off the article's parse so
    that conflicts compare wordings without parsing again: the verb (lemma, as printed), the manner it names ('' for
    a generic "hit"), one participant (head noun lemma, "object" or "doer"), the doer named with an object, and the
    count the copy gives the participant (`count_hi` None: no upper bound, "troops"; `count_lo` None: no count)."""

    sentence: int  # index into `Analysis.sentences`
    verb: str
    said: str
    manner: str
    role: str
    obj: str
    subj: str = ""
    count_lo: float | None = None
    count_hi: float | None = None
    count_phrase: str = ""
    numeral: bool = False


@dataclass
class Analysis:
    """Everything the per-article stages learned about one article."""

    article: str
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)  # article-local entities
    quotes: list[Quote] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    dates: list[DateRef] = field(default_factory=list)
    acts: list[Act] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Story:
    """A group of articles about one event."""

    id: str
    articles: list[str] = field(default_factory=list)
    title: str = ""
    updated_at: str | None = None
    keys: dict[str, Any] = field(default_factory=dict)


@dataclass
class Variant:
    """One article's wording of a fact or quote."""

    article: str
    text: str
    start: int = -1
    end: int = -1
    direct: bool | None = None


@dataclass
class Fact:
    """A statement several outlets make; `support` counts independent outlets (wire copies once)."""

    id: str
    text: str
    articles: list[str] = field(default_factory=list)
    support: int = 0
    variants: list[Variant] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    stances: list[str] = field(default_factory=list)
    means: list[Gloss] = field(default_factory=list)


@dataclass
class SingleSource:
    """A newsworthy statement only one outlet reports."""

    article: str
    text: str
    start: int = -1
    end: int = -1
    why: str = ""
    means: list[Gloss] = field(default_factory=list)


@dataclass
class QuoteGroup:
    """The same statement by the same speaker, however each outlet worded it."""

    id: str
    speaker: str | None
    text: str
    articles: list[str] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    stances: list[str] = field(default_factory=list)


@dataclass
class ConflictClaim:
    article: str
    text: str
    value: float | None = None
    unit: str = ""
    published: str | None = None


@dataclass
class Conflict:
    """Claims about the same thing that disagree, classified and explained in one sentence."""

    id: str
    topic: str
    kind: str  # contradiction | rounding | precision | different-measure | soft | update | correction
    severity: str  # high | medium | low | none
    explanation: str
    claims: list[ConflictClaim] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    stances: list[str] = field(default_factory=list)


@dataclass
class TimelineEvent:
    date: str
    text: str
    articles: list[str] = field(default_factory=list)
    expression: str = ""
    inferred: bool = False
    granularity: str = "day"  # day | week | month | range: how precisely the text dates it ("last week": week)


@dataclass
class SummarySentence:
    text: str
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


@dataclass
class Brief:
    """The fused, cross-checked account of one story; serialised as `newsfuse/brief-v1`."""

    story: Story
    title: str = ""
    summary: list[SummarySentence] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    single_source: list[SingleSource] = field(default_factory=list)
    quotes: list[QuoteGroup] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    coverage: dict[str, Any] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
