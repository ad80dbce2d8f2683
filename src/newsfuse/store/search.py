"""Finding stories: the story list's index, filters and full-text search (SQLite FTS5, PostgreSQL tsvector).

Reads each story's brief-v1 document as it is written (`index_story`, in the story's own transaction);
adds the `story_index` row the list shows (title, first summary sentence, first/last publication, counts,
outlets, leanings), the `story_terms` the filters and entity pages use (outlets, entity ids), and the
full-text row over title, summary and entity names (`story_fts`). `StorySearch.search_stories` answers the
list and the API: filters by outlet, entity, date range and conflicts, newest news first (best match first
when there is a query), with the total for pagination.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from .. import render
from . import schema as S
from .db import Database

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class StoryEntry:
    """A story as the list shows it."""

    id: str
    title: str
    summary: str
    first_published: str | None
    last_published: str | None
    n_articles: int
    n_outlets: int
    n_conflicts: int
    outlets: list[str] = field(default_factory=list)
    leanings: dict[str, int] = field(default_factory=dict)
    updated_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "summary": self.summary, "first_published": self.first_published,
            "last_published": self.last_published, "articles": self.n_articles, "outlets": self.outlets,
            "conflicts": self.n_conflicts, "leanings": self.leanings, "updated_at": self.updated_at,
        }


def create_fulltext(conn: Connection) -> None:
    """The full-text table of the connection's dialect (FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            "CREATE TABLE IF NOT EXISTS story_fts (story_id VARCHAR(255) PRIMARY KEY "
            "REFERENCES stories(id) ON DELETE CASCADE, doc TSVECTOR NOT NULL)"
        ))
        conn.execute(sa.text("CREATE INDEX IF NOT EXISTS ix_story_fts_doc ON story_fts USING GIN (doc)"))
    else:
        conn.execute(sa.text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS story_fts USING fts5("
            "story_id UNINDEXED, title, summary, entities, tokenize = 'porter unicode61 remove_diacritics 2')"
        ))


def backfill(conn: Connection) -> None:
    """Index every stored brief (the migration that adds the index)."""
    for sid, data in conn.execute(sa.select(S.briefs.c.story_id, S.briefs.c.data)).all():
        try:
            doc = json.loads(data)
        except ValueError:
            continue
        index_story(conn, sid, doc)


# `index_story`'s and `unindex_story`'s statements, built once per process, not per story
_INSERT_INDEX = S.story_index.insert()
_INSERT_TERM = S.story_terms.insert()
_INSERT_FTS = sa.text("INSERT INTO story_fts (story_id, title, summary, entities) VALUES (:sid, :t, :s, :e)")
_DROP_INDEX = S.story_index.delete().where(S.story_index.c.story_id == sa.bindparam("sid"))
_DROP_TERMS = S.story_terms.delete().where(S.story_terms.c.story_id == sa.bindparam("sid"))
_DROP_FTS = sa.text("DELETE FROM story_fts WHERE story_id = :sid")


def index_story(conn: Connection, story_id: str, doc: dict[str, Any]) -> None:
    """(Re)write the list row, terms and full-text row of one story from its brief-v1 document."""
    unindex_story(conn, story_id)
    story = render.story_of(doc)
    arts = [a for a in doc.get("articles") or [] if isinstance(a, dict)]
    dates = sorted(str(a["published"]) for a in arts if a.get("published"))
    outlets = sorted({a.get("outlet") or "" for a in arts} - {""}, key=str.lower)
    leanings = render.leanings(story)
    conflicts = [c for c in story.get("conflicts") or [] if isinstance(c, dict) and c.get("severity") != "none"]
    summary = [s.get("text") or "" for s in story.get("summary") or [] if isinstance(s, dict)]
    entities = [e for e in story.get("entities") or [] if isinstance(e, dict) and e.get("id")]
    conn.execute(_INSERT_INDEX, dict(
        story_id=story_id, title=story.get("title") or "", summary=summary[0] if summary else "",
        first_published=dates[0] if dates else None, last_published=dates[-1] if dates else None,
        n_articles=len(arts) or len(story.get("articles") or []), n_outlets=len(outlets), n_conflicts=len(conflicts),
        outlets=json.dumps(outlets), leanings=json.dumps(leanings), updated_at=story.get("updated_at"),
    ))
    terms: dict[tuple[str, str], str] = {}
    for o in outlets:
        terms.setdefault(("outlet", o.lower()[:255]), o)
    for e in entities:
        terms.setdefault(("entity", str(e["id"])[:255]), e.get("name") or str(e["id"]))
    if terms:
        conn.execute(_INSERT_TERM, [
            {"story_id": story_id, "kind": k, "value": v, "label": label} for (k, v), label in terms.items()
        ])
    names = " ".join(" ".join([e.get("name") or "", *(e.get("aliases") or [])]) for e in entities)
    title, text = story.get("title") or "", " ".join(summary)
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(
            "INSERT INTO story_fts (story_id, doc) VALUES (:sid, "
            "setweight(to_tsvector('english', :title), 'A') || setweight(to_tsvector('english', :names), 'B') || "
            "setweight(to_tsvector('english', :text), 'C'))"
        ), {"sid": story_id, "title": title, "names": names, "text": text})
    else:
        conn.execute(_INSERT_FTS, {"sid": story_id, "t": title, "s": text, "e": names})


def unindex_story(conn: Connection, story_id: str) -> None:
    """Drop a story's list row, terms and full-text row."""
    conn.execute(_DROP_INDEX, {"sid": story_id})
    conn.execute(_DROP_TERMS, {"sid": story_id})
    conn.execute(_DROP_FTS, {"sid": story_id})


def fts5_query(q: str) -> str | None:
    """A user's words as a safe FTS5 expression: every word must match, the last one as a prefix; None when no word."""
    words = _WORD.findall(q or "")
    if not words:
        return None
    return " ".join(f'"{w}"' for w in words[:-1]) + (" " if len(words) > 1 else "") + f'"{words[-1]}"*'


def tsquery(q: str) -> str | None:
    """A user's words as a safe PostgreSQL tsquery: every word must match, the last one as a prefix."""
    words = _WORD.findall(q or "")
    if not words:
        return None
    return " & ".join([*words[:-1], words[-1] + ":*"])


def _day_end(until: str) -> str:
    """An 'until' date taken to the end of that day (dates compare as ISO strings)."""
    return until + "T99" if len(until) <= 10 else until


def _entry(r: Any) -> StoryEntry:
    return StoryEntry(
        r.story_id, r.title, r.summary, r.first_published, r.last_published, r.n_articles, r.n_outlets,
        r.n_conflicts, json.loads(r.outlets), json.loads(r.leanings), r.updated_at,
    )


class StorySearch(Database):
    """The story list: `search_stories`, `entity_stories`, `outlet_names`."""

    def search_stories(
        self, q: str | None = None, *, outlet: str | None = None, entity: str | None = None,
        since: str | None = None, until: str | None = None, has_conflicts: bool | None = None,
        limit: int = 20, offset: int = 0,
    ) -> tuple[list[StoryEntry], int]:
        """Stories matching every filter given, newest news first (best match first with `q`), and their total."""
        t = S.story_index
        conds: list[Any] = []
        if outlet:
            conds.append(t.c.story_id.in_(sa.select(S.story_terms.c.story_id).where(
                S.story_terms.c.kind == "outlet", S.story_terms.c.value == outlet.strip().lower())))
        if entity:
            conds.append(t.c.story_id.in_(sa.select(S.story_terms.c.story_id).where(
                S.story_terms.c.kind == "entity",
                sa.or_(S.story_terms.c.value == entity, sa.func.lower(S.story_terms.c.label) == entity.strip().lower()))))
        if since:
            conds.append(t.c.last_published >= since)
        if until:
            conds.append(t.c.first_published <= _day_end(until))
        if has_conflicts is not None:
            conds.append(t.c.n_conflicts > 0 if has_conflicts else t.c.n_conflicts == 0)
        rank = None
        if q and q.strip():
            if self.engine.dialect.name == "postgresql":
                expr = tsquery(q)
                if expr is None:
                    return [], 0
                fts = sa.table("story_fts", sa.column("story_id"), sa.column("doc"))
                tsq = sa.func.to_tsquery("english", expr)
                hits = sa.select(fts.c.story_id, sa.func.ts_rank(fts.c.doc, tsq).label("rank")).where(
                    fts.c.doc.op("@@")(tsq)).subquery()
                rank = sa.desc(hits.c.rank)
            else:
                expr = fts5_query(q)
                if expr is None:
                    return [], 0
                hits = sa.select(
                    sa.column("story_id"), sa.literal_column("bm25(story_fts, 0, 10.0, 2.0, 5.0)").label("rank")
                ).select_from(sa.table("story_fts")).where(sa.text("story_fts MATCH :m").bindparams(m=expr)).subquery()
                rank = hits.c.rank
            base = sa.select(t).join(hits, hits.c.story_id == t.c.story_id)
        else:
            base = sa.select(t)
        if conds:
            base = base.where(*conds)
        order = [sa.desc(sa.func.coalesce(t.c.last_published, "")), t.c.story_id]
        query = base.order_by(*([rank] if rank is not None else []), *order).limit(max(0, limit)).offset(max(0, offset))
        with self._read() as conn:
            rows = conn.execute(query).all()
            total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar_one()
        return [_entry(r) for r in rows], int(total)

    def story_entries(self, ids: list[str]) -> dict[str, StoryEntry]:
        """List rows of the given stories, by id."""
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(sa.select(S.story_index).where(S.story_index.c.story_id.in_(ids))).all()
        return {r.story_id: _entry(r) for r in rows}

    def entity_label(self, entity_id: str) -> str | None:
        """How an entity is shown (its name in the latest story naming it), or None when no story names it."""
        with self._read() as conn:
            return conn.execute(sa.select(S.story_terms.c.label).where(
                S.story_terms.c.kind == "entity", S.story_terms.c.value == entity_id).limit(1)).scalar()

    def outlet_names(self) -> list[str]:
        """Every outlet some story has, as shown, alphabetically."""
        with self._read() as conn:
            labels = conn.execute(sa.select(S.story_terms.c.label).where(S.story_terms.c.kind == "outlet").distinct()).scalars().all()
        return sorted(set(labels), key=str.lower)

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever an article or brief is written (what the web cache keys on)."""
        with self._read() as conn:
            a = conn.execute(sa.select(sa.func.count(), sa.func.max(S.articles.c.pk))).one()
            b = conn.execute(sa.select(sa.func.count(), sa.func.max(S.briefs.c.updated_at))).one()
        return (*a, *b)
