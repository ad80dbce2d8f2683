"""Stories and their briefs: membership, the brief-v1 JSON with its renderings, and the listing.

Reads the `stories`, `story_articles`, `briefs` (and `articles`) tables; adds `StoryRows`: write or delete a
story with its members and brief in one transaction, list stories, fetch briefs; `members_key` marks stale briefs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from ..model import Story
from . import schema as S
from ..codec import dumps
from .db import Database, now
from .search import index_story, unindex_story


@dataclass
class StoryRow:
    """A story as listed: its id, title, last update, member articles and their outlets."""

    id: str
    title: str
    updated_at: str | None
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


def members_key(members: Iterable[tuple[str, str | None]]) -> str:
    """Fingerprint of a story's membership ((article, duplicate_of) in order); a brief with another key is stale."""
    return hashlib.sha256(json.dumps([list(m) for m in members]).encode()).hexdigest()


# `write_story`'s statements, built once (SQLAlchemy's building them cost about as much as running them)
_SID = sa.bindparam("sid")
_STORY_ID = sa.select(S.stories.c.id).where(S.stories.c.id == _SID)
_UPDATE_STORY = S.stories.update().where(S.stories.c.id == _SID)
_INSERT_STORY = S.stories.insert()
_DROP_MEMBERS = S.story_articles.delete().where(S.story_articles.c.story_id == _SID)
_INSERT_MEMBER = S.story_articles.insert()
_UNLINK_ARTICLES = S.articles.update().where(S.articles.c.story == _SID).values(story=None)
_LINK_ARTICLE = (S.articles.update().where(S.articles.c.id == sa.bindparam("aid"))
                 .values(story=sa.bindparam("sid"), duplicate_of=sa.bindparam("dup"), duplicate_similarity=sa.bindparam("sim")))
_BRIEF_ID = sa.select(S.briefs.c.story_id).where(S.briefs.c.story_id == _SID)
_UPDATE_BRIEF = S.briefs.update().where(S.briefs.c.story_id == _SID)
_INSERT_BRIEF = S.briefs.insert()


class StoryRows(Database):
    """Stored stories and briefs: `write_story`, `delete_story`, `stories`, `brief`, `rendered`, `memberships`."""

    def memberships(self) -> dict[str, list[str]]:
        """Every story's member article ids, in order."""
        out: dict[str, list[str]] = {}
        with self._read() as conn:
            sids = conn.execute(sa.select(S.stories.c.id)).scalars().all()
            for sid in sids:
                out[sid] = []
            rows = conn.execute(
                sa.select(S.story_articles).order_by(S.story_articles.c.story_id, S.story_articles.c.position)
            ).all()
        for r in rows:
            out.setdefault(r.story_id, []).append(r.article_id)
        return out

    def brief_keys(self) -> dict[str, str]:
        """The membership key each stored brief was built for, by story id."""
        with self._read() as conn:
            return dict(conn.execute(sa.select(S.briefs.c.story_id, S.briefs.c.articles_key)).all())

    def write_story(
        self,
        story: Story,
        members: list[tuple[str, str | None, float | None]],
        brief: dict[str, Any],
        markdown: str | None = None,
        html: str | None = None,
    ) -> None:
        """Store a story, its members (article, duplicate_of, similarity) and its brief in one transaction."""
        ids = [m[0] for m in members]
        key = members_key((m[0], m[1]) for m in members)
        stamp = now()
        with self._write() as conn:
            srow = {"title": story.title or "", "updated_at": story.updated_at or stamp, "keys": dumps(story.keys or {})}
            if conn.execute(_STORY_ID, {"sid": story.id}).first():
                conn.execute(_UPDATE_STORY, {**srow, "sid": story.id})
            else:
                conn.execute(_INSERT_STORY, {**srow, "id": story.id})
            conn.execute(_DROP_MEMBERS, {"sid": story.id})
            if ids:
                conn.execute(S.story_articles.delete().where(S.story_articles.c.article_id.in_(ids)))
                conn.execute(
                    _INSERT_MEMBER, [{"article_id": a, "story_id": story.id, "position": i} for i, a in enumerate(ids)]
                )
            conn.execute(_UNLINK_ARTICLES, {"sid": story.id})
            if members:  # one statement for all members (executemany), not one round trip each
                conn.execute(_LINK_ARTICLE, [{"aid": aid, "sid": story.id, "dup": dup, "sim": sim} for aid, dup, sim in members])
            brow = {"data": dumps(brief), "markdown": markdown, "html": html, "updated_at": stamp, "articles_key": key}
            if conn.execute(_BRIEF_ID, {"sid": story.id}).first():
                conn.execute(_UPDATE_BRIEF, {**brow, "sid": story.id})
            else:
                conn.execute(_INSERT_BRIEF, {**brow, "story_id": story.id})
            index_story(conn, story.id, brief)

    def delete_story(self, story_id: str) -> None:
        """Remove a story (its brief and member links; the articles stay) in one transaction."""
        with self._write() as conn:
            unindex_story(conn, story_id)
            conn.execute(S.briefs.delete().where(S.briefs.c.story_id == story_id))
            conn.execute(S.story_articles.delete().where(S.story_articles.c.story_id == story_id))
            conn.execute(S.articles.update().where(S.articles.c.story == story_id).values(story=None))
            conn.execute(S.stories.delete().where(S.stories.c.id == story_id))

    def stories(self) -> list[StoryRow]:
        """Every story with its members and outlets, most recently updated first."""
        with self._read() as conn:
            srows = conn.execute(sa.select(S.stories.c.id, S.stories.c.title, S.stories.c.updated_at)).all()
            links = conn.execute(
                sa.select(S.story_articles.c.story_id, S.story_articles.c.article_id, S.articles.c.outlet)
                .join(S.articles, S.articles.c.id == S.story_articles.c.article_id)
                .order_by(S.story_articles.c.story_id, S.story_articles.c.position)
            ).all()
        rows = {r.id: StoryRow(r.id, r.title, r.updated_at) for r in srows}
        for link in links:
            row = rows.get(link.story_id)
            if row is None:
                continue
            row.articles.append(link.article_id)
            if link.outlet and link.outlet not in row.outlets:
                row.outlets.append(link.outlet)
        return sorted(rows.values(), key=lambda r: (r.updated_at or "", r.id), reverse=True)

    def story(self, story_id: str) -> StoryRow | None:
        """One story as listed, or None."""
        return next((r for r in self.stories() if r.id == story_id), None)

    def brief(self, story_id: str) -> dict[str, Any] | None:
        """The stored brief-v1 JSON document of a story, or None."""
        with self._read() as conn:
            data = conn.execute(sa.select(S.briefs.c.data).where(S.briefs.c.story_id == story_id)).scalar()
        return json.loads(data) if data is not None else None

    def rendered(self, story_id: str, fmt: str) -> str | None:
        """The stored Markdown (`md`) or HTML (`html`) rendering of a story's brief, or None."""
        col = {"md": S.briefs.c.markdown, "html": S.briefs.c.html}[fmt]
        with self._read() as conn:
            return conn.execute(sa.select(col).where(S.briefs.c.story_id == story_id)).scalar()
