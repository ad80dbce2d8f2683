"""Store: articles, analyses, stories and briefs in SQLite (default) or PostgreSQL, via SQLAlchemy 2 Core.

URL: `--db`, else `NEWSFUSE_DB`, else `sqlite:///newsfuse.db` in the current directory; a plain
`postgresql://` URL means psycopg 3. The schema is migrated at open (see `schema.MIGRATIONS`).

Policies (one place, so the CLI, the web UI and tests agree):
- Re-ingesting an article with the same id and the same content hash is a no-op.
- The same id with *different* text keeps both: the new text is stored as a new version with id
  `<id>~<n>` (n = 2, 3, ...), and is reported to the user. Nothing stored is ever overwritten.
- One transaction per article (+ its analysis) and one per story (+ its members and brief), so a
  crash loses nothing already committed and never leaves a half-written story or brief.
- Database trouble (busy/locked SQLite, unreachable server) raises `StoreError` with one line.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from ..model import Analysis, Article, Segment, Story, to_dict
from . import schema as S
from .codec import from_dict

DEFAULT_URL = "sqlite:///newsfuse.db"
VERSION_SEP = "~"  # new versions of an id: "<id>~2", "<id>~3", ...
_PG_LOCK = 0x6E667573  # advisory lock id serialising migrations on PostgreSQL

__all__ = [
    "ArticleRejected", "Store", "StoreError", "StoryRow", "from_dict", "members_key", "open_store", "resolve_url",
]


class StoreError(Exception):
    """The database cannot be used (locked, unreachable, too new); the message is one line for the user."""


class ArticleRejected(StoreError):
    """One article could not be stored (bad data or an id clash); the rest of the batch goes on."""


@dataclass
class StoryRow:
    """A story as listed: its id, title, last update, member articles and their outlets."""

    id: str
    title: str
    updated_at: str | None
    articles: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


def now() -> str:
    """The current UTC time, ISO 8601 to the second (how every timestamp is stored)."""
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def resolve_url(url: str | None = None) -> str:
    """The SQLAlchemy URL to use: explicit, else $NEWSFUSE_DB, else ./newsfuse.db; maps postgres(ql):// to psycopg."""
    url = (url or os.environ.get("NEWSFUSE_DB") or DEFAULT_URL).strip()
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    elif "://" not in url:  # a bare file path
        url = "sqlite:///" + url
    return url


def shown_url(url: str) -> str:
    """The URL with any password masked, for messages."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def members_key(members: Iterable[tuple[str, str | None]]) -> str:
    """Fingerprint of a story's membership ((article, duplicate_of) in order); a brief with another key is stale."""
    return hashlib.sha256(json.dumps([list(m) for m in members]).encode()).hexdigest()


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "tolist"):  # numpy arrays / scalars in cluster keys
        return obj.tolist()
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    return str(obj)


def dumps(obj: Any) -> str:
    """JSON text of `obj` (dataclasses via `to_dict`; numpy values become lists)."""
    return json.dumps(to_dict(obj), ensure_ascii=False, default=_json_default)


def _one_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


class Store:
    """A handle on one database; cheap to share (a connection pool). Use `open_store` to get one."""

    def __init__(self, url: str | None = None, *, timeout: float = 10.0, migrate_to: int | None = None) -> None:
        self.url = resolve_url(url)
        self.timeout = timeout
        self.is_sqlite = self.url.startswith("sqlite")
        try:
            self.engine = self._make_engine()
        except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ValueError) as exc:
            raise StoreError(f"bad database URL {shown_url(self.url)!r}: {_one_line(exc)}") from None
        self._migrate(S.LATEST if migrate_to is None else migrate_to)

    # ------------------------------------------------------------------ plumbing

    def _make_engine(self) -> Engine:
        if self.is_sqlite:
            engine = sa.create_engine(self.url, connect_args={"timeout": self.timeout, "check_same_thread": False})
            busy_ms = int(self.timeout * 1000)

            @event.listens_for(engine, "connect")
            def _sqlite_connect(dbapi_conn, _rec) -> None:  # noqa: ANN001
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
                cur = dbapi_conn.cursor()
                cur.execute(f"PRAGMA busy_timeout={busy_ms}")
                cur.execute("PRAGMA foreign_keys=ON")
                try:
                    cur.execute("PRAGMA journal_mode=WAL")  # readers (web) do not block the writer (ingest)
                except Exception:  # noqa: BLE001  # e.g. read-only media: the default journal still works
                    pass
                cur.close()

            @event.listens_for(engine, "begin")
            def _sqlite_begin(conn: Connection) -> None:
                # writers take the write lock up front, so the busy timeout applies instead of a deadlock
                conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("nf_write") else "BEGIN")

            return engine
        args = {"connect_timeout": max(1, int(self.timeout))} if self.url.startswith("postgresql") else {}
        return sa.create_engine(self.url, connect_args=args, pool_pre_ping=True)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn driver errors about the database itself into one-line `StoreError`s."""
        try:
            yield
        except sa.exc.OperationalError as exc:
            msg = _one_line(exc)
            if "locked" in msg or "busy" in msg:
                raise StoreError(f"database {shown_url(self.url)} is busy (locked by another process); try again") from None
            raise StoreError(f"cannot use database {shown_url(self.url)}: {msg}") from None
        except sa.exc.InterfaceError as exc:
            raise StoreError(f"cannot use database {shown_url(self.url)}: {_one_line(exc)}") from None

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction: committed on success, rolled back on any error."""
        with self._errors(), self.engine.connect() as conn:
            conn.execution_options(nf_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction (a consistent snapshot)."""
        with self._errors(), self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ migrations

    def _lock(self, conn: Connection) -> None:
        if self.engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})

    def _migrate(self, target: int) -> None:
        with self._read() as conn:  # the common case (already current) takes no write lock
            if sa.inspect(conn).has_table("schema_version"):
                current = conn.execute(sa.select(S.schema_version.c.version)).scalar()
                if current is not None and current >= target:
                    if current > S.LATEST:
                        raise StoreError(
                            f"database {shown_url(self.url)} has schema version {current}, newer than this "
                            f"newsfuse knows ({S.LATEST}); upgrade newsfuse"
                        )
                    return
        with self._write() as conn:
            self._lock(conn)
            S.schema_version.create(conn, checkfirst=True)
            if conn.execute(sa.select(S.schema_version.c.version)).scalar() is None:
                conn.execute(S.schema_version.insert().values(version=0))
        current = self.schema_version()
        if current > S.LATEST:
            raise StoreError(
                f"database {shown_url(self.url)} has schema version {current}, newer than this newsfuse knows "
                f"({S.LATEST}); upgrade newsfuse"
            )
        for version, _desc, step in S.MIGRATIONS:
            if version > target:
                break
            with self._write() as conn:
                self._lock(conn)
                if conn.execute(sa.select(S.schema_version.c.version)).scalar_one() >= version:
                    continue  # someone else got there first
                step(conn)
                conn.execute(S.schema_version.update().values(version=version))

    def schema_version(self) -> int:
        """The schema version the database is at."""
        with self._read() as conn:
            return int(conn.execute(sa.select(S.schema_version.c.version)).scalar_one())

    # ------------------------------------------------------------------ articles

    def plan(self, article: Article) -> str | None:
        """The id `article` would be stored under, or None when this exact text is stored already.

        Same id + same content hash: None (a no-op). Same id + other text: the next free `<id>~<n>`.
        """
        base = article.meta.get("base_id") or article.id
        h = article.content_hash
        with self._read() as conn:
            rows = conn.execute(
                sa.select(S.articles.c.id, S.articles.c.content_hash).where(S.articles.c.base_id == base)
            ).all()
        if any(r.content_hash == h for r in rows):
            return None
        if not rows:
            return base
        taken = {r.id for r in rows}
        n = len(rows) + 1
        while f"{base}{VERSION_SEP}{n}" in taken:
            n += 1
        return f"{base}{VERSION_SEP}{n}"

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
                same = conn.execute(
                    sa.select(S.articles.c.id).where(
                        S.articles.c.base_id == base, S.articles.c.content_hash == article.content_hash
                    )
                ).first()
                if same is not None:
                    return False
                conn.execute(S.articles.insert().values(**row))
                conn.execute(S.analyses.insert().values(article_id=article.id, data=dumps(analysis)))
        except sa.exc.IntegrityError as exc:
            raise ArticleRejected(f"{article.id}: cannot store ({_one_line(exc)})") from None
        except (sa.exc.DataError, ValueError) as exc:
            raise ArticleRejected(f"{article.id}: cannot store ({_one_line(exc)})") from None
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

    # ------------------------------------------------------------------ stories and briefs

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
            if conn.execute(sa.select(S.stories.c.id).where(S.stories.c.id == story.id)).first():
                conn.execute(S.stories.update().where(S.stories.c.id == story.id).values(**srow))
            else:
                conn.execute(S.stories.insert().values(id=story.id, **srow))
            conn.execute(S.story_articles.delete().where(S.story_articles.c.story_id == story.id))
            if ids:
                conn.execute(S.story_articles.delete().where(S.story_articles.c.article_id.in_(ids)))
                conn.execute(
                    S.story_articles.insert(),
                    [{"article_id": a, "story_id": story.id, "position": i} for i, a in enumerate(ids)],
                )
            conn.execute(S.articles.update().where(S.articles.c.story == story.id).values(story=None))
            for aid, dup, sim in members:
                conn.execute(
                    S.articles.update().where(S.articles.c.id == aid)
                    .values(story=story.id, duplicate_of=dup, duplicate_similarity=sim)
                )
            brow = {"data": dumps(brief), "markdown": markdown, "html": html, "updated_at": stamp, "articles_key": key}
            if conn.execute(sa.select(S.briefs.c.story_id).where(S.briefs.c.story_id == story.id)).first():
                conn.execute(S.briefs.update().where(S.briefs.c.story_id == story.id).values(**brow))
            else:
                conn.execute(S.briefs.insert().values(story_id=story.id, **brow))

    def delete_story(self, story_id: str) -> None:
        """Remove a story (its brief and member links; the articles stay) in one transaction."""
        with self._write() as conn:
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

    # ------------------------------------------------------------------ state and checks

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

    def save_state(self, states: dict[str, Any], duplicates: Iterable[tuple[str, str | None, float | None]] = ()) -> None:
        """Persist streaming-stage states (JSON) and the duplicate marks they produced, in one transaction."""
        stamp = now()
        with self._write() as conn:
            for key, value in states.items():
                data = json.dumps(value, default=_json_default)
                if conn.execute(sa.select(S.state.c.key).where(S.state.c.key == key)).first():
                    conn.execute(S.state.update().where(S.state.c.key == key).values(value=data, updated_at=stamp))
                else:
                    conn.execute(S.state.insert().values(key=key, value=data, updated_at=stamp))
            for aid, dup, sim in duplicates:
                conn.execute(
                    S.articles.update().where(S.articles.c.id == aid).values(duplicate_of=dup, duplicate_similarity=sim)
                )

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Serialise story refreshes across processes (PostgreSQL advisory lock; a lock file next to SQLite)."""
        if self.engine.dialect.name == "postgresql":
            with self._errors(), self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK + 1})
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK + 1})
                    conn.commit()
            return
        path = self.engine.url.database
        if not self.is_sqlite or not path or path == ":memory:":
            yield
            return
        import fcntl

        with open(path + ".lock", "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def get_state(self, key: str) -> str | None:
        """Serialised state of a streaming stage (dedupe index, clusterer), or None."""
        with self._read() as conn:
            return conn.execute(sa.select(S.state.c.value).where(S.state.c.key == key)).scalar()

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


def open_store(url: str | None = None, *, timeout: float | None = None, migrate_to: int | None = None) -> Store:
    """Open (creating and migrating as needed) the store at `url`; `StoreError` when it cannot be used.

    `timeout` (seconds to wait for a busy database or a connection) defaults to $NEWSFUSE_DB_TIMEOUT, else 10.
    """
    if timeout is None:
        try:
            timeout = float(os.environ.get("NEWSFUSE_DB_TIMEOUT") or 10.0)
        except ValueError:
            raise StoreError("NEWSFUSE_DB_TIMEOUT must be a number of seconds") from None
    return Store(url, timeout=timeout, migrate_to=migrate_to)
