"""Integrity checks: counts of stored rows and the problems a sound store must not have.

Reads every table; adds `Checks`: `counts()` and `check()` (incomplete articles, broken stories, stale briefs).
"""

from __future__ import annotations

import json

import sqlalchemy as sa

from . import schema as S
from .db import Database
from .stories import members_key


class Checks(Database):
    """`counts` and `check` over the whole store."""

    def counts(self) -> dict[str, int]:
        """How many articles, analyses, stories and briefs are stored."""
        with self._read() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one())
                for t in (S.articles, S.analyses, S.stories, S.briefs)
            }

    def check(self) -> list[str]:
        """Integrity problems, one line each (empty when sound): incomplete articles, broken stories, stale briefs."""
        problems: list[str] = []
        with self._read() as conn:
            arts = {r.id: r for r in conn.execute(sa.select(S.articles.c.id, S.articles.c.raw, S.articles.c.duplicate_of))}
            analysed = set(conn.execute(sa.select(S.analyses.c.article_id)).scalars())
            sids = set(conn.execute(sa.select(S.stories.c.id)).scalars())
            links = conn.execute(sa.select(S.story_articles).order_by(S.story_articles.c.position)).all()
            keys = dict(conn.execute(sa.select(S.briefs.c.story_id, S.briefs.c.articles_key)).all())
            datas = dict(conn.execute(sa.select(S.briefs.c.story_id, S.briefs.c.data)).all())
        for aid, r in arts.items():
            if not r.raw:
                problems.append(f"article {aid}: no raw text")
            if aid not in analysed:
                problems.append(f"article {aid}: no analysis")
        members: dict[str, list[str]] = {s: [] for s in sids}
        for link in links:
            if link.article_id not in arts:
                problems.append(f"story {link.story_id}: references missing article {link.article_id}")
            members.setdefault(link.story_id, []).append(link.article_id)
        for sid, ids in members.items():
            if sid not in sids:
                problems.append(f"story {sid}: member links without a story")
            elif not ids:
                problems.append(f"story {sid}: no articles")
            if sid not in keys:
                problems.append(f"story {sid}: no brief")
                continue
            try:
                json.loads(datas[sid])
            except ValueError:
                problems.append(f"story {sid}: brief is not valid JSON")
            want = members_key((a, arts[a].duplicate_of if a in arts else None) for a in ids)
            if keys[sid] != want:
                problems.append(f"story {sid}: brief is stale (built for other articles)")
        return problems
