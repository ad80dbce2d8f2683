"""Articles and their analyses: versioned storage of each text and its per-article analysis.

Reads the `articles` and `analyses` tables; adds `ArticleRows`: plan an id (same text: no-op, other text:
a new `<id>~<n>` version), store an article with its analysis in one transaction, and read them back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from ..model import Analysis, Article, Segment
from . import schema as S
from ..codec import dumps, from_dict
from .db import ArticleRejected, Database, now, one_line

VERSION_SEP = "~"  # new versions of an id: "<id>~2", "<id>~3", ...

# `put_article`'s statements, built once: building them per article cost SQLAlchemy more than running them
_SAME_TEXT = sa.select(S.articles.c.id).where(
    S.articles.c.base_id == sa.bindparam("base"), S.articles.c.content_hash == sa.bindparam("hash")
)
_INSERT_ARTICLE = S.articles.insert()
_INSERT_ANALYSIS = S.analyses.insert()


_PLAN_CHUNK = 500  # base ids per `plans` statement


def _planned(base: str, content_hash: str | None, rows: list[tuple[str, str]]) -> str | None:
    """The id a text with `content_hash` gets among the stored (id, content hash) rows of its base id."""
    if any(h == content_hash for _id, h in rows):
        return None
    if not rows:
        return base
    taken = {i for i, _h in rows}
    n = len(rows) + 1
    while f"{base}{VERSION_SEP}{n}" in taken:
        n += 1
    return f"{base}{VERSION_SEP}{n}"


class ArticleRows(Database):
    """Stored articles and analyses: `plan`/`plans`, `put_article`, `articles`, `analyses`, `unplaced`, `marks`."""

    def plan(self, article: Article) -> str | None:
        """The id `article` would be stored under, or None when this exact text is stored already.

        Same id + same content hash: None (a no-op). Same id + other text: the next free `<id>~<n>`.
        """
        return self.plans([article])[0]

    def plans(self, articles: list[Article]) -> list[str | None]:
        """`plan` of each article against the store as it is now (one read for all: nothing is stored between)."""
        bases = [a.meta.get("base_id") or a.id for a in articles]
        stored: dict[str, list[tuple[str, str]]] = {}
        wanted = list(dict.fromkeys(bases))
        q = sa.select(S.articles.c.id, S.articles.c.base_id, S.articles.c.content_hash)
        with self._read() as conn:
            for i in range(0, len(wanted), _PLAN_CHUNK):
                for r in conn.execute(q.where(S.articles.c.base_id.in_(wanted[i : i + _PLAN_CHUNK]))):
                    stored.setdefault(r.base_id, []).append((r.id, r.content_hash))
        return [_planned(base, a.content_hash, stored.get(base, [])) for base, a in zip(bases, articles)]

    def put_article(self, article: Article, analysis: Analysis, *, base_id: str | None = None) -> bool:
        """Store an article and its analysis in one transaction; False when this text is stored already."""
        base = base_id or article.meta.get("base_id") or article.id
        version = int(article.id.rsplit(VERSION_SEP, 1)[1]) if article.id != base and VERSION_SEP in article.id else 1
        meta = dict(article.meta)
        meta.setdefault("base_id", base)
        row = {
            "id": article.id, "base_id": base, "content_hash": article.content_hash, "version": version,
            "source": article.source or "", "outlet": article.outlet or "", "title": article.title or "",
            "author": article.author or "", "url": article.url or "", "published": article.published,
            "published_inferred": bool(article.published_inferred), "stance": article.stance,
            "raw": article.raw, "text": article.text, "removed": dumps(article.removed),
            "kept_spans": dumps(article.kept_spans), "duplicate_of": article.duplicate_of,
            "duplicate_similarity": article.duplicate_similarity, "story": None, "meta": dumps(meta),
            "ingested_at": now(),
        }
        try:
            with self._write() as conn:
                if conn.execute(_SAME_TEXT, {"base": base, "hash": article.content_hash}).first() is not None:
                    return False
                conn.execute(_INSERT_ARTICLE, row)
                conn.execute(_INSERT_ANALYSIS, {"article_id": article.id, "data": dumps(analysis)})
        except sa.exc.IntegrityError as exc:
            raise ArticleRejected(f"{article.id}: cannot store ({one_line(exc)})") from None
        except (sa.exc.DataError, ValueError) as exc:
            raise ArticleRejected(f"{article.id}: cannot store ({one_line(exc)})") from None
        return True

    @staticmethod
    def _article(row: Any) -> Article:
        return Article(
            id=row.id, source=row.source, raw=row.raw, text=row.text, title=row.title, outlet=row.outlet,
            author=row.author, url=row.url, published=row.published, published_inferred=bool(row.published_inferred),
            stance=row.stance, removed=[from_dict(Segment, s) for s in json.loads(row.removed)],
            kept_spans=[tuple(s) for s in json.loads(row.kept_spans)], duplicate_of=row.duplicate_of,
            duplicate_similarity=row.duplicate_similarity, story=row.story, content_hash=row.content_hash,
            meta=json.loads(row.meta),
        )

    def articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Stored articles in ingest order (all, or those with the given ids)."""
        q = sa.select(S.articles).order_by(S.articles.c.pk)
        if ids is not None:
            ids = list(ids)
            if not ids:
                return []
            q = q.where(S.articles.c.id.in_(ids))
        with self._read() as conn:
            return [self._article(r) for r in conn.execute(q)]

    def raw_lengths(self, ids: Iterable[str]) -> dict[str, int]:
        """The length of each given article's raw text, by id (without reading the texts)."""
        ids = list(ids)
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(sa.select(S.articles.c.id, sa.func.length(S.articles.c.raw)).where(S.articles.c.id.in_(ids)))
            return {r[0]: int(r[1] or 0) for r in rows}

    def article(self, article_id: str) -> Article | None:
        """One stored article, or None."""
        found = self.articles([article_id])
        return found[0] if found else None

    def analyses(self, ids: Iterable[str]) -> dict[str, Analysis]:
        """Stored analyses of the given articles, by article id."""
        ids = list(ids)
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(sa.select(S.analyses).where(S.analyses.c.article_id.in_(ids))).all()
        return {r.article_id: from_dict(Analysis, json.loads(r.data)) for r in rows}

    def analysis(self, article_id: str) -> Analysis | None:
        """One stored analysis, or None."""
        return self.analyses([article_id]).get(article_id)

    def unplaced(self) -> list[Article]:
        """Stored articles not yet in any story (new, or left by a crash), in ingest order."""
        q = sa.select(S.articles).where(S.articles.c.story.is_(None)).order_by(S.articles.c.pk)
        with self._read() as conn:
            return [self._article(r) for r in conn.execute(q)]

    def marks(self) -> dict[str, tuple[str | None, str | None]]:
        """Every stored article id with its (story, duplicate_of): the cheap view refreshes compare against."""
        q = sa.select(S.articles.c.id, S.articles.c.story, S.articles.c.duplicate_of)
        with self._read() as conn:
            return {r.id: (r.story, r.duplicate_of) for r in conn.execute(q)}
