"""Render: briefs as JSON (`newsfuse/brief-v1`, see schema/brief-v1.json), Markdown and self-contained HTML.

The JSON carries every item's evidence (article ids, offsets into the raw text). The HTML report is
one file (inline CSS, no external assets) rendered by Jinja2 with autoescape: article text is
always escaped.
"""

from __future__ import annotations

import bisect
import json
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from markupsafe import Markup, escape

from .model import Article, Brief, Entity, Gloss, Variant

SCHEMA_ID = "newsfuse/brief-v1"
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "none": 3}


# ----------------------------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------------------------


def schema() -> dict:
    """The JSON Schema of `newsfuse/brief-v1` (shipped in the package)."""
    return json.loads(resources.files("newsfuse").joinpath("schema/brief-v1.json").read_text(encoding="utf-8"))


def _article(a: Article) -> dict:
    return {
        "id": a.id,
        "source": a.source,
        "outlet": a.outlet,
        "title": a.title,
        "url": a.url,
        "author": a.author,
        "published": a.published,
        "published_inferred": a.published_inferred,
        "stance": a.stance,
        "duplicate_of": a.duplicate_of,
        "duplicate_similarity": a.duplicate_similarity,
        "story": a.story,
        "text": a.text,
        "removed": [{"text": s.text, "reason": s.reason, "start": s.start, "end": s.end} for s in a.removed],
    }


def _entity(e: Entity) -> dict:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "aliases": list(e.aliases),
        "articles": e.articles,
        "mentions": [{"article": m.article, "start": m.start, "end": m.end, "text": m.text} for m in e.mentions],
    }


def locate(raw: str, text: str) -> tuple[int, int] | None:
    """Where `text` stands in `raw` (exactly, else with any run of whitespace matching any other), or None."""
    if not text or not raw:
        return None
    at = raw.find(text)
    if at >= 0:
        return at, at + len(text)
    words = text.split()
    if not words:
        return None
    # the words joined by single spaces, found in `raw` with its whitespace runs squeezed to one space: the
    # leftmost match of `w1\s+w2...` without compiling a pattern per sentence
    squeezed, runs, removed = _squeezed(raw)
    at = squeezed.find(" ".join(words))
    if at < 0:
        return None
    last = at + sum(map(len, words)) + len(words) - 2  # the match's last character (never a space)
    return _raw_offset(at, runs, removed), _raw_offset(last, runs, removed) + 1


_LONG_SPACES = re.compile(r"\s{2,}")


@lru_cache(maxsize=64)
def _squeezed(raw: str) -> tuple[str, list[int], list[int]]:
    """`raw` with each whitespace run as one space, where its longer runs sit in it and how many characters were
    dropped up to each (memoised: one article's text is searched for many sentences)."""
    runs, removed, dropped = [], [], 0
    for m in _LONG_SPACES.finditer(raw):
        runs.append(m.start() - dropped)
        dropped += m.end() - m.start() - 1
        removed.append(dropped)
    return _one_space_runs(raw), runs, removed


def _one_space_runs(raw: str) -> str:
    """`re.sub(r"\\s+", " ", raw)` (str.split reads whitespace as \\s does), three times faster on an article."""
    words = raw.split()
    if not words:
        return " " if raw else ""
    out = " ".join(words)
    return (" " if raw[0].isspace() else "") + out + (" " if raw[-1].isspace() else "")


def _raw_offset(at: int, runs: list[int], removed: list[int]) -> int:
    """The offset in the raw text of a squeezed text's non-space character `at`."""
    k = bisect.bisect_right(runs, at) - 1
    return at + removed[k] if k >= 0 else at


# possessive run: backing off it never ends a sentence, and on a line without a stop it made each start quadratic
_SENTENCE = re.compile(r"[^\s][^.!?\n]*+(?:[.!?]+[\"'”’)]*|$)")


def nearest(raw: str, text: str, floor: float = 60.0) -> tuple[int, int] | None:
    """The sentence of `raw` closest in wording to `text` (an article's own telling of a fact it is cited
    for), or None when no sentence shares enough words (token-set ratio below `floor`)."""
    from rapidfuzz import fuzz, process, utils

    spans, sentences = _sentences(raw)
    if not spans or not text.strip():
        return None
    best = process.extractOne(text, sentences, scorer=fuzz.token_set_ratio,
                              processor=utils.default_process, score_cutoff=floor)
    return spans[best[2]] if best else None


@lru_cache(maxsize=64)
def _sentences(raw: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans and texts of `raw`'s sentences longer than 20 characters (memoised: an article is searched for
    every summary sentence it is cited for)."""
    spans = [(m.start(), m.end()) for m in _SENTENCE.finditer(raw) if m.end() - m.start() > 20]
    return spans, [raw[a:b] for a, b in spans]


def _citer(b: Brief):
    """`cites(text, article ids)`: each article's offsets of that sentence (a fact's or quote's variant when the
    sentence is one of its wordings, else the sentence found in the article's raw text, else the article's sentence
    nearest in wording); articles with none of these are left out."""
    raws = {a.id: a.raw for a in b.articles}
    wordings: dict[str, dict[str, tuple[int, int]]] = {}
    for group in [*b.facts, *b.quotes]:
        spans = {v.article: (v.start, v.end) for v in group.variants if 0 <= v.start < v.end}
        for t in {group.text, *(v.text for v in group.variants)}:
            wordings.setdefault(t, {}).update({k: v for k, v in spans.items() if k not in wordings.get(t, {})})

    def cites(text: str, articles: Sequence[str]) -> list[dict]:
        known = wordings.get(text, {})
        out = []
        for aid in articles:
            raw = raws.get(aid) or ""
            where = locate(raw, text) or known.get(aid) or nearest(raw, text)
            if where:
                out.append({"article": aid, "start": where[0], "end": where[1]})
        return out

    return cites


def _span(cites: list[dict]) -> dict:
    return {"start": cites[0]["start"], "end": cites[0]["end"]} if cites else {"start": -1, "end": -1}


def story_json(b: Brief) -> dict:
    """One brief as the `stories[]` item of `newsfuse/brief-v1`; summary, timeline and conflict-claim
    sentences carry offsets into their articles' raw text (`cites`, `start`/`end`) so readers can anchor them."""
    cites = _citer(b)
    return {
        "id": b.story.id,
        "title": b.title,
        "updated_at": b.story.updated_at,
        "articles": [a.id for a in b.articles] or list(b.story.articles),
        "outlets": sorted({a.outlet for a in b.articles if a.outlet}),
        "summary": [
            {"text": s.text, "articles": list(s.articles), "outlets": list(s.outlets), "cites": cites(s.text, s.articles)}
            for s in b.summary
        ],
        "facts": [
            {
                "id": f.id, "text": f.text, "articles": list(f.articles), "support": f.support,
                "outlets": list(f.outlets), "stances": list(f.stances),
                "variants": [{"article": v.article, "text": v.text, "start": v.start, "end": v.end} for v in f.variants],
                "means": [_gloss(g) for g in f.means],
            }
            for f in b.facts
        ],
        "single_source": [
            {"article": s.article, "text": s.text, "start": s.start, "end": s.end, "why": s.why,
             "means": [_gloss(g) for g in s.means]}
            for s in b.single_source
        ],
        "quotes": [
            {
                "id": q.id, "speaker": q.speaker, "text": q.text, "articles": list(q.articles),
                "outlets": list(q.outlets), "stances": list(q.stances),
                "variants": [
                    {"article": v.article, "text": v.text, "direct": bool(v.direct), "start": v.start, "end": v.end}
                    for v in q.variants
                ],
            }
            for q in b.quotes
        ],
        "conflicts": [
            {
                "id": c.id, "topic": c.topic, "kind": c.kind, "severity": c.severity, "explanation": c.explanation,
                "outlets": list(c.outlets), "stances": list(c.stances),
                "claims": [
                    {"article": x.article, "text": x.text, "value": x.value, "unit": x.unit, "published": x.published,
                     **_span(cites(x.text, [x.article]))}
                    for x in c.claims
                ],
            }
            for c in b.conflicts
        ],
        "timeline": [
            {"date": t.date, "granularity": t.granularity, "text": t.text, "articles": list(t.articles),
             "expression": t.expression, "inferred": t.inferred,
             "cites": cites(t.text, t.articles)}
            for t in b.timeline
        ],
        "entities": [_entity(e) for e in b.entities],
        "coverage": _jsonable(b.coverage),
    }


def _gloss(g: Gloss) -> dict:
    return {"start": g.start, "end": g.end, "name": g.name}


def glossed(text: str, means: Sequence[Gloss | dict]) -> str:
    """The line with whom its he/she means set in brackets after the pronoun ("he [Ann Lee] said"); the article's
    words stay as written. `means` holds `Gloss`es or their JSON form."""
    for g in sorted(filter(None, map(_as_gloss, means)), key=lambda g: -g.start):
        if 0 <= g.start < g.end <= len(text) and g.name:
            end = g.end + len(m.group()) if (m := _CONTRACTION.match(text, g.end)) else g.end  # "he’s [Ann Lee]"
            text = f"{text[:end]} [{g.name}]{text[end:]}"
    return text


def _as_gloss(x: Gloss | dict) -> Gloss | None:
    """A gloss, or its JSON form as a stored brief holds it (None when malformed: the line shows without it)."""
    if isinstance(x, Gloss):
        return x
    try:
        return Gloss(int(x["start"]), int(x["end"]), str(x["name"]))
    except (KeyError, TypeError, ValueError):
        return None


_CONTRACTION = re.compile(r"[’'](?:s|d|ll|re|ve)\b", re.I)


def _jsonable(x: Any) -> Any:
    """Coverage and other free-form parts made JSON-safe (dataclasses, sets, tuples)."""
    from .model import to_dict

    x = to_dict(x)
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (str, int, float, bool)) or x is None:
        return x
    return str(x)


def to_json(briefs: Sequence[Brief]) -> dict:
    """The `newsfuse/brief-v1` document for one or more briefs: every article once, then the stories."""
    arts: dict[str, dict] = {}
    for b in briefs:
        for a in b.articles:
            row = _article(a)
            row["story"] = row["story"] or b.story.id
            arts.setdefault(a.id, row)
    return {"schema": SCHEMA_ID, "articles": list(arts.values()), "stories": [story_json(b) for b in briefs]}


def story_of(doc: Any) -> dict:
    """The (first) story of a brief-v1 document, or the document itself when it is one story's JSON ({} if neither)."""
    if not isinstance(doc, dict):
        return {}
    stories = doc.get("stories")
    if isinstance(stories, list) and stories and isinstance(stories[0], dict):
        return stories[0]
    return doc


def leanings(story: dict) -> dict[str, int]:
    """Outlets per known side (left, center, right...) in a story's JSON coverage; {} when no leaning is known."""
    out: dict[str, int] = {}
    for o in (story.get("coverage") or {}).get("outlets") or []:
        side = o.get("side") if isinstance(o, dict) else None
        if side:
            out[side] = out.get(side, 0) + 1
    return out


# ----------------------------------------------------------------------------------------------
# Markdown
# ----------------------------------------------------------------------------------------------


def _labels(b: Brief) -> dict[str, str]:
    """Short citation labels per article: outlet when known (numbered if repeated), else the article id."""
    out, used = {}, {}
    for a in b.articles:
        base = a.outlet or a.id
        used[base] = used.get(base, 0) + 1
        out[a.id] = base if used[base] == 1 else f"{base} {used[base]}"
    return out


def single_source_cites(b: Brief) -> list[list[str]]:
    """Per single-source item, the articles to cite: the article plus its wire copies that carry the sentence."""
    out = []
    for s in b.single_source:
        key = " ".join(s.text.split())
        copies = [a.id for a in b.articles if a.duplicate_of == s.article and key in " ".join((a.text or a.raw).split())]
        out.append([s.article, *copies])
    return out


_MARKS = "“”\"‘’„«»"
_DOUBLE = "“”\"„«»"


def _unquote(text: str | None) -> str:
    """A quote's words without its own outer quote marks (the renderers add their own).

    Each " … "-joined part loses its outer pair only when no double mark is left inside, so
    `“Fine” and “good”` or a reported clause ending in a quoted phrase keep every mark they need."""
    return " … ".join(_unquote_part(p) for p in (text or "").split(" … "))


def _unquote_part(t: str) -> str:
    t = t.strip().rstrip(" ,")
    while len(t) >= 2 and (t[0] in _MARKS and t[-1] in _MARKS or t[0] == t[-1] == "'" and t[1].isalnum()) \
            and not any(c in _DOUBLE for c in t[1:-1]):
        t = t[1:-1].strip().rstrip(" ,")
    # a lone mark at one end (the copy closes the quote in a later sentence, or never): no pair left to keep
    if t[:1] in _DOUBLE and not any(c in _DOUBLE for c in t[1:]):
        t = t[1:].lstrip()
    elif t[-1:] in _DOUBLE and not any(c in _DOUBLE for c in t[:-1]):
        t = t[:-1].rstrip(" ,")
    return t


def when(date: str, granularity: str = "day") -> str:
    """A timeline date as a reader takes it: a week is "week of" its Monday, not that Monday."""
    return f"week of {date}" if granularity == "week" else date


def _dated_by(expression: str) -> str:
    """What dated a timeline line, where a reader cannot see it in the date: "(reported)" for a report's own day,
    the words of a relative date ("(“last week”)", "(“Thursday”)"); nothing for a date written out in digits."""
    if expression == "published":
        return " (reported)"
    if expression and not any(c.isdigit() for c in expression):
        return f" ({_md('“' + expression.strip() + '”')})"
    return ""


def _md(text: str) -> str:
    """Article text made inert for Markdown (no links, emphasis or HTML from the source)."""
    text = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        if ch in text:
            text = text.replace(ch, "\\" + ch)
    return text



def _claim_rows(c) -> list[dict]:
    """A conflict's claims, one row per (article, sentence) with the figures it states."""
    rows: dict[tuple[str, str], list[str]] = {}
    for x in c.claims:
        vals = rows.setdefault((x.article, x.text), [])
        if x.value is not None:
            vals.append(f"{x.value:g} {x.unit}".strip())
    return [{"article": k[0], "text": k[1], "values": v} for k, v in rows.items()]

def _support(f) -> str:
    """'3 sources', or '1 source in 3 articles' for one wire's copy run by several outlets."""
    if f.support >= 2:
        return f"{f.support} sources"
    return f"1 source in {len(f.articles)} articles"


MD_SINGLE_SOURCE = 30  # single-source items a Markdown brief lists before it says how many more there are


def to_markdown(b: Brief) -> str:
    """A readable Markdown brief: summary with citations, facts, quotes, conflicts, single-source, timeline."""
    lab = _labels(b)

    cited = {i: f"[{_md(label)}]" for i, label in lab.items()}

    def cite(ids: Sequence[str]) -> str:
        return " ".join([cited.get(i) or f"[{_md(i)}]" for i in ids])

    lines = [f"# {_md(b.title or b.story.id)}", ""]
    outlets = sorted({a.outlet for a in b.articles if a.outlet})
    lines.append(f"*{len(b.articles)} articles" + (f" from {len(outlets)} outlets" if outlets else "") + "*")
    lines.append("")

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.extend([f"## {title}", "", *rows, ""])

    section("Summary", [f"- {_md(s.text)} {cite(s.articles)}" for s in b.summary])
    section("Corroborated facts", [f"- **{_support(f)}** — {_md(glossed(f.text, f.means))} {cite(f.articles)}" for f in b.facts if f.support >= 2])
    section("Carried by several outlets from one source", [
        f"- **{_support(f)}** — {_md(glossed(f.text, f.means))} {cite(f.articles)}" for f in b.facts if f.support < 2])
    if b.conflicts:
        lines += ["## Conflicts", ""]
        for c in sorted(b.conflicts, key=lambda c: SEVERITY_ORDER.get(c.severity, 9)):
            sev = "" if c.severity == "none" else f" ({c.severity})"  # "none": the explanation says it is no contradiction
            lines.append(f"- **{c.kind}**{sev} — {_md(c.explanation)}")
            for x in _claim_rows(c):
                vals = f" *({_md('; '.join(x['values']))})*" if x["values"] else ""
                lines.append(f"  - {cite([x['article']])} {_md(x['text'])}{vals}")
        lines.append("")
    quotes = [q for q in b.quotes if len(q.articles) > 1] or b.quotes[:10]
    if b.quotes:
        lines += ["## Quotes", ""]
        for q in quotes:
            lead = next((v for v in q.variants if v.text == q.text), None)
            if lead is None or lead.direct:
                lines.append(f"- **{_md(q.speaker or 'Unattributed')}**: “{_md(_unquote(q.text))}” {cite(q.articles)}")
            else:  # reported speech is the outlet's wording: no quotation marks around it
                lines.append(f"- **{_md(q.speaker or 'Unattributed')}** (reported): {_md(q.text)} {cite(q.articles)}")
            for v in q.variants:
                form = "direct" if v.direct else "reported"
                lines.append(f"  - {cite([v.article])} ({form}) {_md(v.text)}")
        rest = len(b.quotes) - len(quotes)
        if rest > 0:
            lines.append(f"- … and {rest} more quotes reported by one outlet each")
        lines.append("")
    solo = [f"- {_md(glossed(s.text, s.means))} {cite(ids)} — *{_md(s.why)}*" for s, ids in zip(b.single_source, single_source_cites(b))]
    if len(solo) > MD_SINGLE_SOURCE:  # the most newsworthy first; the JSON brief holds every item
        solo = solo[:MD_SINGLE_SOURCE] + [f"- … and {len(solo) - MD_SINGLE_SOURCE} more in the JSON brief"]
    section("Reported by one source only", solo)
    section("Timeline", [f"- **{when(t.date, t.granularity)}**{_dated_by(t.expression)} {_md(t.text)} {cite(t.articles)}"
                         for t in b.timeline])
    if b.entities:
        section("Who and what", [", ".join(f"{_md(e.name)} ({e.type}, {len(e.articles)})" for e in b.entities[:30])])
    lines += ["## Sources", ""]
    for a in b.articles:
        dup = f" — copy of {a.duplicate_of}" if a.duplicate_of else ""
        pub = f", {a.published}{' (inferred)' if a.published_inferred else ''}" if a.published else ""
        lines.append(f"- [{_md(lab[a.id])}] {_md(a.title or a.id)}{pub}{dup}")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("newsfuse", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "html.j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["unquote"] = _unquote
    env.filters["glossed"] = glossed
    env.filters["when"] = when
    env.filters["chips"] = _chips
    return env


def _chips(ids: Sequence[str], chip: dict[str, str]) -> Markup:
    """The report's citation chips for `ids` (`chip`: each article's, from `_view`). A filter, not a Jinja macro:
    the report writes thousands, and the macro calls cost as much as the rest of the page."""
    return Markup("".join([chip.get(a) or _chip(a, a) for a in ids]))


def _chip(aid: str, label: str) -> str:
    """One citation chip: a link to the article's card, labelled."""
    return f'<a class="chip" href="#art-{escape(aid)}" title="{escape(aid)}">{escape(label)}</a>'


def _view(b: Brief) -> dict:
    """What the HTML template needs: the brief plus labels, the facts x outlets matrix, quotes by speaker."""
    lab = _labels(b)
    sources: list[str] = []
    for f in b.facts:
        for o in f.outlets:
            if o not in sources:
                sources.append(o)
    art_source = {}
    for f in b.facts:
        for v in f.variants:
            art_source.setdefault(v.article, None)
    columns = []
    for a in b.articles:
        if a.duplicate_of:
            continue
        columns.append(a)
    copies: dict[str, list[str]] = {}  # article -> the articles marked copies of it
    for x in b.articles:
        copies.setdefault(x.duplicate_of, []).append(x.id)
    matrix = []
    for f in b.facts:
        arts = set(f.articles)
        first: dict[str, Variant] = {}  # each article's first variant of the fact
        for v in f.variants:
            first.setdefault(v.article, v)
        row = []
        for a in columns:
            variant = first.get(a.id)
            copy = any(i in arts for i in copies.get(a.id, ()))
            row.append({"article": a.id, "variant": variant, "wire": copy and variant is None})
        matrix.append({"fact": f, "cells": row})
    speakers: dict[str, list] = {}
    for q in b.quotes:
        speakers.setdefault(q.speaker or "Unattributed", []).append(q)
    by_speaker = sorted(speakers.items(), key=lambda kv: (-sum(len(q.articles) for q in kv[1]), kv[0]))
    conflict_rows = {c.id: _claim_rows(c) for c in b.conflicts}
    cov = ""
    if b.coverage:
        from .brief.coverage import coverage_html

        try:
            cov = coverage_html(b.coverage)
        except Exception:  # a malformed coverage dict must not sink the report
            cov = ""
    return {
        "b": b,
        "coverage_html": cov,
        "single_source": list(zip(b.single_source, single_source_cites(b))),
        "conflict_rows": conflict_rows,
        "lab": lab,
        "chip": {a: _chip(a, label) for a, label in lab.items()},
        "columns": columns,
        "matrix": matrix,
        "by_speaker": by_speaker,
        "conflicts": sorted(b.conflicts, key=lambda c: SEVERITY_ORDER.get(c.severity, 9)),
        "articles_by_id": {a.id: a for a in b.articles},
    }


def to_html(b: Brief) -> str:
    """One self-contained HTML report of a brief (inline CSS, no external assets, all text escaped)."""
    return _env().get_template("brief_report.html.j2").render(briefs=[_view(b)], title=b.title or b.story.id)


def to_html_document(briefs: Sequence[Brief]) -> str:
    """One self-contained HTML page holding several briefs."""
    title = briefs[0].title if len(briefs) == 1 else f"{len(briefs)} stories"
    return _env().get_template("brief_report.html.j2").render(briefs=[_view(b) for b in briefs], title=title)


def write(briefs: Sequence[Brief], out_dir, formats=("json", "md", "html")) -> list[str]:
    """Write `brief.json` (all stories) and one .md/.html per story into out_dir; return the paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    if "json" in formats:
        p = os.path.join(out_dir, "brief.json")
        with open(p, "w", encoding="utf-8") as fh:
            json.dump(to_json(briefs), fh, ensure_ascii=False, indent=1)
        paths.append(p)
    for b in briefs:
        for fmt, fn in (("md", to_markdown), ("html", to_html)):
            if fmt in formats:
                p = os.path.join(out_dir, f"{_safe(b.story.id)}.{fmt}")
                with open(p, "w", encoding="utf-8") as fh:
                    fh.write(fn(b))
                paths.append(p)
    return paths


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) or "story"
