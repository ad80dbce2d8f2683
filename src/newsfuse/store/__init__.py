"""Store: articles, analyses, stories and briefs in SQLite (default) or PostgreSQL, via SQLAlchemy 2 Core.

URL: `--db`, else `NEWSFUSE_DB`, else `sqlite:///newsfuse.db` in the current directory; a plain
`postgresql://` URL means psycopg 3. The schema is migrated at open (see `schema.MIGRATIONS`).

Policies (one place, so the CLI, the web UI and tests agree):
- Re-ingesting an article with the same id and the same content hash is a no-op.
- The same id with *different* text keeps both: the new text is stored as a new version with id
  `<id>~<n>` (n = 2, 3, ...), and is reported to the user. Nothing stored is ever overwritten.
- One transaction per article (+ its analysis) and one per story (+ its members and brief), so a
  crash loses nothing already committed and never leaves a half-written story or brief.
- Streaming-stage state is saved in one transaction with the duplicate marks it produced; the story
  clusterer and the dedupe index row by row (`state_rows`), so a save rewrites only the rows that changed.
- Database trouble (busy/locked SQLite, unreachable server) raises `StoreError` with one line.
"""

from __future__ import annotations

import os

from .articles import VERSION_SEP, ArticleRows
from .check import Checks
from ..codec import dumps, from_dict
from .db import DEFAULT_URL, ArticleRejected, StoreError, now, resolve_url, shown_url
from .search import StoryEntry, StorySearch
from .stages import StageState
from .stories import StoryRow, StoryRows, members_key
from .vectors import VectorRows

__all__ = [
    "DEFAULT_URL", "VERSION_SEP", "ArticleRejected", "Store", "StoreError", "StoryEntry", "StoryRow", "dumps", "from_dict",
    "members_key", "now", "open_store", "resolve_url", "shown_url",
]


class Store(ArticleRows, StoryRows, StorySearch, StageState, VectorRows, Checks):
    """A handle on one database; cheap to share (a connection pool). Use `open_store` to get one.

    Parts by concern: `db.Database` (engine, transactions, migrations, lock), `articles`, `stories`,
    `search` (the story list, filters, full-text search), `stages` (streaming-stage state), `vectors`
    (sentence vectors) and `check`.
    """


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
