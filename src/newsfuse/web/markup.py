"""An article's raw text as escaped HTML with its marks: removed furniture, cited sentences, quotes, entities.

Reads the raw text and the spans to mark (offsets into it, from the article's cleaning and its story's
brief); adds one HTML string where every character of the text is escaped and each span is an element.
Spans may nest or overlap: where they overlap, the later one is closed and reopened around the
boundary, and only its first piece carries its `id`. Long texts are cut into pages (`pages`) so no page
of the reader grows past about 2 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model import Article, Segment

PAGE_CHARS = 250_000  # characters of raw text per article page (escaped and marked, well under 2 MB)
_PRIORITY = {"removed": 0, "cite": 1, "quote": 2, "entity": 3}  # outer first when two spans coincide


@dataclass(frozen=True)
class Span:
    """One mark: `kind` is removed | cite | quote | entity; `label` its reason/type; `ref` its anchor or link."""

    start: int
    end: int
    kind: str
    label: str = ""
    ref: str = ""

    def open(self, first: bool) -> str:
        label = escape(self.label)
        if self.kind == "removed":
            return f'<span class="removed" title="removed: {label}">'
        if self.kind == "cite":
            anchor = f' id="{escape(self.ref)}"' if first else ""
            return f'<mark class="cite" data-cite="{escape(self.ref)}"{anchor}>'
        if self.kind == "quote":
            return f'<span class="quote" title="quote: {label}">'
        if self.ref:
            return f'<a class="ent" href="{escape(self.ref)}" title="{label}">'
        return f'<span class="ent" title="{label}">'

    def close(self) -> str:
        return "</mark>" if self.kind == "cite" else "</a>" if self.kind == "entity" and self.ref else "</span>"


def anchor(start: int, end: int) -> str:
    """The id of a cited sentence on the article page (`/articles/{id}#s-START-END`)."""
    return f"s-{start}-{end}"


def pieces(article: Article) -> tuple[list[tuple[str, str | None]], list[Segment]]:
    """The raw text cut into (text, removal reason or None) runs, and removed segments with no usable offsets."""
    raw = article.raw
    placed = sorted((s for s in article.removed if 0 <= s.start < s.end <= len(raw)), key=lambda s: s.start)
    unplaced = [s for s in article.removed if s not in placed]
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s in placed:
        if s.start < pos:  # overlapping removals: show the rest of this one only
            if s.end <= pos:
                continue
            out.append((raw[pos : s.end], s.reason))
            pos = s.end
            continue
        if s.start > pos:
            out.append((raw[pos : s.start], None))
        out.append((raw[s.start : s.end], s.reason))
        pos = s.end
    if pos < len(raw):
        out.append((raw[pos:], None))
    return out, unplaced


def pages(raw: str, size: int = PAGE_CHARS) -> list[tuple[int, int]]:
    """Page bounds over `raw`: about `size` characters each, cut at a line break (else a space) when one is near."""
    if len(raw) <= size:
        return [(0, len(raw))]
    out, pos = [], 0
    while pos < len(raw):
        end = min(len(raw), pos + size)
        if end < len(raw):
            cut = raw.rfind("\n", pos + size // 2, end)
            if cut < 0:
                cut = raw.rfind(" ", pos + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        out.append((pos, end))
        pos = end
    return out


def page_of(bounds: list[tuple[int, int]], offset: int) -> int:
    """The 1-based page holding `offset`."""
    for i, (lo, hi) in enumerate(bounds, 1):
        if lo <= offset < hi:
            return i
    return 1


def mark(raw: str, spans: list[Span], lo: int = 0, hi: int | None = None) -> Markup:
    """`raw[lo:hi]` escaped, with every span (clipped to the range) as an element; nesting kept valid."""
    hi = len(raw) if hi is None else hi
    clipped = []
    for s in spans:
        a, b = max(s.start, lo), min(s.end, hi)
        if 0 <= a < b:
            clipped.append(Span(a, b, s.kind, s.label, s.ref) if (a, b) != (s.start, s.end) else s)
    order = {id(s): (s.start, -s.end, _PRIORITY.get(s.kind, 9)) for s in clipped}
    starts: dict[int, list[Span]] = {}
    for s in clipped:
        starts.setdefault(s.start, []).append(s)
    bounds = sorted({lo, hi, *(s.start for s in clipped), *(s.end for s in clipped)})
    out: list[str] = []
    stack: list[Span] = []
    active: list[Span] = []
    opened: set[int] = set()
    for a, b in zip(bounds, bounds[1:]):
        active = [s for s in active if s.end > a] + starts.get(a, [])
        want = sorted(active, key=lambda s: order[id(s)])
        keep = 0
        while keep < len(stack) and keep < len(want) and stack[keep] is want[keep]:
            keep += 1
        for s in reversed(stack[keep:]):
            out.append(s.close())
        for s in want[keep:]:
            out.append(s.open(id(s) not in opened))
            opened.add(id(s))
        stack = want
        out.append(str(escape(raw[a:b])))
    for s in reversed(stack):
        out.append(s.close())
    return Markup("".join(out))
