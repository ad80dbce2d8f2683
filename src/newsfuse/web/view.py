"""What the reader's pages show, built from the store: a story's brief as sections with citation links,
an article's marks, relative times.

Reads brief-v1 documents and stored articles; adds plain dicts the templates render (no HTML here except
through `markup`). Every citation points at `/articles/{id}#s-START-END`, the anchor of the cited
sentence on the article page (with `?page=N` when the article is long enough to be paged).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

from .. import render
from ..model import Article
from ..store import Store
from .markup import PAGE_CHARS, Span, anchor, page_of, pages

LIST_OPEN = 8  # items of a long list shown before "N more"


def parse_time(value: str | None) -> dt.datetime | None:
    """An ISO date or datetime as an aware UTC datetime, or None."""
    if not value:
        return None
    text = str(value).strip().replace("Z", "+00:00")
    for cut in (None, 19, 16, 10):
        try:
            t = dt.datetime.fromisoformat(text if cut is None else text[:cut])
        except ValueError:
            continue
        return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)
    return None


def ago(value: str | None, now: dt.datetime | None = None) -> str:
    """'3 hours ago', 'yesterday', '4 years ago'; '' when there is no time."""
    t = parse_time(value)
    if t is None:
        return ""
    now = now or dt.datetime.now(dt.timezone.utc)
    secs = (now - t).total_seconds()
    future = secs < 0
    secs = abs(secs)
    for size, unit in ((31_557_600, "year"), (2_629_800, "month"), (604_800, "week"), (86_400, "day"),
                       (3_600, "hour"), (60, "minute")):
        if secs >= size:
            n = int(secs // size)
            if unit == "day" and n == 1:
                return "tomorrow" if future else "yesterday"
            word = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {word}" if future else f"{word} ago"
    return "just now"


def day(value: str | None) -> str:
    """An ISO stamp shown as '14 Mar 2024' (or '14 Mar 2024 16:20' when it has a time)."""
    t = parse_time(value)
    if t is None:
        return value or ""
    return t.strftime("%-d %b %Y %H:%M" if value and len(str(value)) > 10 else "%-d %b %Y")


def article_href(article_id: str, start: int | None = None, end: int | None = None, page: int = 1) -> str:
    """The article page, at the cited sentence when its offsets are known."""
    href = f"/articles/{quote(article_id, safe='')}"
    if page > 1:
        href += f"?page={page}"
    if start is not None and end is not None and 0 <= start < end:
        href += "#" + anchor(start, end)
    return href


def _short(title: str, words: int = 5) -> str:
    parts = (title or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def labels(arts: list[dict[str, Any]]) -> dict[str, str]:
    """A citation label per article: its outlet, told apart by a short title (or time) when the outlet has several."""
    by_outlet: dict[str, list[dict[str, Any]]] = {}
    for a in arts:
        by_outlet.setdefault(a.get("outlet") or a["id"], []).append(a)
    out = {}
    for outlet, group in by_outlet.items():
        for a in group:
            if len(group) == 1:
                out[a["id"]] = outlet
                continue
            titles = [g.get("title") or "" for g in group]
            extra = _short(a.get("title") or "") if a.get("title") and titles.count(a.get("title")) == 1 else ""
            extra = extra or day(a.get("published")) or a["id"]
            out[a["id"]] = f"{outlet} · {extra}"
    return out


class Citer:
    """Citation chips for one story: label and link per (article, offsets)."""

    def __init__(self, store: Store, arts: list[dict[str, Any]]) -> None:
        self.labels = labels(arts)
        self.outlet = {a["id"]: a.get("outlet") or a["id"] for a in arts}
        self._bounds: dict[str, list[tuple[int, int]]] = {}
        long_ids = [aid for aid, n in store.raw_lengths([a["id"] for a in arts]).items() if n > PAGE_CHARS]
        for art in store.articles(long_ids) if long_ids else []:
            self._bounds[art.id] = pages(art.raw)

    def chip(self, article_id: str, start: int = -1, end: int = -1) -> dict[str, str]:
        bounds = self._bounds.get(article_id)
        page = page_of(bounds, start) if bounds and start >= 0 else 1
        return {"label": self.labels.get(article_id, article_id), "href": article_href(article_id, start, end, page),
                "anchored": "1" if 0 <= start < end else ""}

    def chips(self, cites: list[dict[str, Any]] | None, articles: list[str]) -> list[dict[str, str]]:
        """One chip per article: anchored where `cites` gives its offsets."""
        where = {c["article"]: (c.get("start", -1), c.get("end", -1)) for c in cites or [] if isinstance(c, dict)}
        return [self.chip(aid, *where.get(aid, (-1, -1))) for aid in articles]


def story_view(store: Store, story_id: str, doc: dict[str, Any]) -> dict[str, Any]:
    """Everything the story page shows, section by section."""
    brief = render.story_of(doc)
    arts = [a for a in doc.get("articles") or [] if isinstance(a, dict) and a.get("id")]
    cite = Citer(store, arts)

    summary = [{"text": s.get("text", ""), "chips": cite.chips(s.get("cites"), s.get("articles") or [])}
               for s in brief.get("summary") or []]

    conflicts = []
    for c in brief.get("conflicts") or []:
        claims: OrderedDict[tuple[str, str], dict[str, Any]] = OrderedDict()
        for x in c.get("claims") or []:
            key = (x.get("article", ""), x.get("text", ""))
            row = claims.setdefault(key, {"text": key[1], "values": [], **cite.chip(key[0], x.get("start", -1), x.get("end", -1))})
            if x.get("value") is not None:
                v = f"{x['value']:g} {x.get('unit') or ''}".strip()
                if v not in row["values"]:
                    row["values"].append(v)
        conflicts.append({**{k: c.get(k) for k in ("id", "topic", "kind", "severity", "explanation")},
                          "claims": list(claims.values())})
    conflicts.sort(key=lambda c: {"high": 0, "medium": 1, "low": 2}.get(c.get("severity") or "", 3))

    facts = []
    for f in brief.get("facts") or []:
        chips = cite.chips(f.get("variants"), f.get("articles") or [])
        facts.append({"id": f.get("id"), "text": render.glossed(f.get("text", ""), f.get("means") or []), "support": f.get("support", 0), "chips": chips,
                      "articles": set(f.get("articles") or [])})

    speakers: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for q in brief.get("quotes") or []:
        variants = [{"text": v.get("text", ""), "direct": v.get("direct"), **cite.chip(v["article"], v.get("start", -1), v.get("end", -1))}
                    for v in q.get("variants") or [] if v.get("article")]
        speakers.setdefault(q.get("speaker") or "Unattributed", []).append(
            {"text": q.get("text", ""), "variants": variants, "outlets": len(set(q.get("outlets") or []))})

    cov = brief.get("coverage") or {}
    columns = [o for o in cov.get("outlets") or [] if isinstance(o, dict)]
    if not columns:
        seen: OrderedDict[str, list[str]] = OrderedDict()
        for a in arts:
            seen.setdefault(a.get("outlet") or a["id"], []).append(a["id"])
        columns = [{"outlet": k, "articles": v, "side": None} for k, v in seen.items()]
    matrix = [{"fact": f, "cells": [bool(f["articles"] & set(o.get("articles") or [])) for o in columns]} for f in facts]
    sides = render.leanings(brief)

    entities = [
        {"id": e["id"], "name": e.get("name") or e["id"], "type": e.get("type") or "", "articles": len(e.get("articles") or []),
         "href": "/entities/" + quote(str(e["id"]), safe="")}
        for e in brief.get("entities") or [] if isinstance(e, dict) and e.get("id")
    ]
    timeline = [{"date": t.get("date", ""), "week": t.get("granularity") == "week", "text": t.get("text", ""), "chips": cite.chips(t.get("cites"), t.get("articles") or [])}
                for t in brief.get("timeline") or []]
    single = [{"text": render.glossed(s.get("text", ""), s.get("means") or []), "why": s.get("why", ""), **cite.chip(s.get("article", ""), s.get("start", -1), s.get("end", -1))}
              for s in brief.get("single_source") or []]
    articles = [{**a, "label": cite.labels.get(a["id"], a["id"]), "href": article_href(a["id"]), "when": day(a.get("published")),
                 "ago": ago(a.get("published"))} for a in arts]
    articles.sort(key=lambda a: a.get("published") or "", reverse=True)
    return {
        "title": brief.get("title") or story_id, "updated_at": brief.get("updated_at"), "summary": summary,
        "conflicts": conflicts, "facts": facts, "speakers": speakers, "columns": columns, "matrix": matrix,
        "sides": sides, "entities": entities, "timeline": timeline, "single_source": single, "articles": articles,
        "outlets": sorted({a.get("outlet") for a in arts if a.get("outlet")}, key=str.lower),
    }


def article_spans(article: Article, doc: dict[str, Any] | None) -> list[Span]:
    """Everything to mark on an article page: removed furniture, and from its story's brief every sentence
    cited from it, its quotes and entity mentions."""
    aid, raw = article.id, article.raw
    spans = [Span(s.start, s.end, "removed", s.reason) for s in article.removed if 0 <= s.start < s.end <= len(raw)]
    brief = render.story_of(doc)
    cited: set[tuple[int, int]] = set()

    def add(x: dict[str, Any]) -> None:
        if x.get("article") == aid and isinstance(x.get("start"), int) and 0 <= x["start"] < x.get("end", -1) <= len(raw):
            cited.add((x["start"], x["end"]))

    for f in brief.get("facts") or []:
        for v in f.get("variants") or []:
            add(v)
    for s in brief.get("single_source") or []:
        add(s)
    for item in [*(brief.get("summary") or []), *(brief.get("timeline") or [])]:
        for c in item.get("cites") or []:
            add(c)
    for c in brief.get("conflicts") or []:
        for x in c.get("claims") or []:
            add(x)
    for q in brief.get("quotes") or []:
        for v in q.get("variants") or []:
            add(v)
            if v.get("article") == aid and v.get("direct") and 0 <= v.get("start", -1) < v.get("end", -1) <= len(raw):
                spans.append(Span(v["start"], v["end"], "quote", q.get("speaker") or "unattributed"))
    spans += [Span(a, b, "cite", "", anchor(a, b)) for a, b in cited]
    for e in brief.get("entities") or []:
        for m in e.get("mentions") or []:
            if m.get("article") == aid and 0 <= m.get("start", -1) < m.get("end", -1) <= len(raw):
                spans.append(Span(m["start"], m["end"], "entity", f"{e.get('type', '')}: {e.get('name', '')}",
                                  "/entities/" + quote(str(e.get("id")), safe="")))
    return spans
