"""Tables of the store and the ordered migrations that build them; `migrate` runs at every open.

Each migration step runs in its own transaction together with the `schema_version` bump, so an
interrupted upgrade leaves the database at the previous version, never half-way. Steps spell out
their own DDL (not the current `Table`s) so an old database is upgraded exactly as it was built.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

# The current schema (what the queries use). Keep in step with the last migration.
schema_version = sa.Table("schema_version", metadata, sa.Column("version", sa.Integer, nullable=False))

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),  # ingest order
    sa.Column("id", sa.String(255), nullable=False, unique=True),  # stored id (base id, or base~N)
    sa.Column("base_id", sa.String(255), nullable=False, index=True),  # the id ingest gave it
    sa.Column("content_hash", sa.String(64), nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("source", sa.Text, nullable=False, default=""),
    sa.Column("outlet", sa.Text, nullable=False, default=""),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("author", sa.Text, nullable=False, default=""),
    sa.Column("url", sa.Text, nullable=False, default=""),
    sa.Column("published", sa.String(40)),
    sa.Column("published_inferred", sa.Boolean, nullable=False, default=False),
    sa.Column("stance", sa.String(40)),
    sa.Column("raw", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("removed", sa.Text, nullable=False),  # JSON [Segment]
    sa.Column("kept_spans", sa.Text, nullable=False),  # JSON [[start, end]]
    sa.Column("duplicate_of", sa.String(255)),
    sa.Column("duplicate_similarity", sa.Float),
    sa.Column("story", sa.String(255)),
    sa.Column("meta", sa.Text, nullable=False),  # JSON
    sa.Column("ingested_at", sa.String(40), nullable=False),
)

analyses = sa.Table(
    "analyses",
    metadata,
    sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # JSON of model.Analysis
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(255), primary_key=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.String(40)),
    sa.Column("keys", sa.Text, nullable=False),  # JSON
)

story_articles = sa.Table(
    "story_articles",
    metadata,
    # an article belongs to at most one story; FKs make a dangling reference impossible
    sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
)

briefs = sa.Table(
    "briefs",
    metadata,
    sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("data", sa.Text, nullable=False),  # JSON newsfuse/brief-v1 document of this story
    sa.Column("markdown", sa.Text),
    sa.Column("html", sa.Text),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("articles_key", sa.String(64), nullable=False, default=""),  # v2: which membership it describes
)

state = sa.Table(  # v2: serialised state of streaming stages (dedupe index, clusterer)
    "state",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

state_rows = sa.Table(  # v3: streaming-stage state saved row by row (only changed rows are rewritten)
    "state_rows",
    metadata,
    sa.Column("stage", sa.String(100), primary_key=True),  # the `state` key whose head these rows belong to
    sa.Column("kind", sa.String(20), primary_key=True),  # e.g. story, doc, merged, df; article (dedupe)
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),  # JSON
)

sentence_vectors = sa.Table(  # v4: sentence vectors by text hash, computed once per text and never again
    "sentence_vectors",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),  # hex SHA-256 of the model tag and text (nlp.vectors.key)
    sa.Column("vector", sa.LargeBinary, nullable=False),  # float32 little-endian, 384 values
)

story_index = sa.Table(  # v5: what the story list shows and filters on, one row per story (see store/search.py)
    "story_index",
    metadata,
    sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),  # the brief's first summary sentence
    sa.Column("first_published", sa.String(40)),
    sa.Column("last_published", sa.String(40), index=True),  # the news order of the list
    sa.Column("n_articles", sa.Integer, nullable=False),
    sa.Column("n_outlets", sa.Integer, nullable=False),
    sa.Column("n_conflicts", sa.Integer, nullable=False),
    sa.Column("outlets", sa.Text, nullable=False),  # JSON [name]
    sa.Column("leanings", sa.Text, nullable=False),  # JSON {side: outlets}
    sa.Column("updated_at", sa.String(40)),
)

story_terms = sa.Table(  # v5: outlets and entities a story names (filters, entity pages)
    "story_terms",
    metadata,
    sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(20), primary_key=True),  # outlet | entity
    sa.Column("value", sa.String(255), primary_key=True),  # outlet name, lower-cased | entity id
    sa.Column("label", sa.Text, nullable=False),  # as shown
    sa.Index("ix_story_terms_kind_value", "kind", "value"),
)


def _v1(conn: Connection) -> None:
    """Articles, their analyses, stories with their members, and briefs."""
    md = sa.MetaData()
    sa.Table(
        "articles", md,
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(255), nullable=False, unique=True),
        sa.Column("base_id", sa.String(255), nullable=False, index=True),
        sa.Column("content_hash", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        *(sa.Column(c, sa.Text, nullable=False) for c in ("source", "outlet", "title", "author", "url")),
        sa.Column("published", sa.String(40)),
        sa.Column("published_inferred", sa.Boolean, nullable=False),
        sa.Column("stance", sa.String(40)),
        *(sa.Column(c, sa.Text, nullable=False) for c in ("raw", "text", "removed", "kept_spans")),
        sa.Column("duplicate_of", sa.String(255)),
        sa.Column("duplicate_similarity", sa.Float),
        sa.Column("story", sa.String(255)),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("ingested_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "analyses", md,
        sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    sa.Table(
        "stories", md,
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40)),
        sa.Column("keys", sa.Text, nullable=False),
    )
    sa.Table(
        "story_articles", md,
        sa.Column("article_id", sa.String(255), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    sa.Table(
        "briefs", md,
        sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("markdown", sa.Text),
        sa.Column("html", sa.Text),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)


def _v2(conn: Connection) -> None:
    """Briefs remember which article set they describe (stale-brief detection); streaming-stage state."""
    conn.execute(sa.text("ALTER TABLE briefs ADD COLUMN articles_key VARCHAR(64) NOT NULL DEFAULT ''"))
    md = sa.MetaData()
    sa.Table(
        "state", md,
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)


def _v3(conn: Connection) -> None:
    """Streaming-stage state row by row, so a save rewrites only what changed."""
    md = sa.MetaData()
    sa.Table(
        "state_rows", md,
        sa.Column("stage", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    md.create_all(conn)


def _v4(conn: Connection) -> None:
    """Sentence vectors stored by text hash, so a brief refresh never runs the model on a stored sentence."""
    md = sa.MetaData()
    sa.Table(
        "sentence_vectors", md,
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("vector", sa.LargeBinary, nullable=False),
    )
    md.create_all(conn)


def _v5(conn: Connection) -> None:
    """The story list's index: one row per story, its outlets and entities, and full-text search
    (SQLite FTS5, PostgreSQL tsvector); filled from the briefs already stored."""
    from . import search

    md = sa.MetaData()
    sa.Table("stories", md, sa.Column("id", sa.String(255), primary_key=True))  # referenced only, exists
    index = sa.Table(
        "story_index", md,
        sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        *(sa.Column(c, sa.Text, nullable=False) for c in ("title", "summary")),
        sa.Column("first_published", sa.String(40)),
        sa.Column("last_published", sa.String(40), index=True),
        *(sa.Column(c, sa.Integer, nullable=False) for c in ("n_articles", "n_outlets", "n_conflicts")),
        *(sa.Column(c, sa.Text, nullable=False) for c in ("outlets", "leanings")),
        sa.Column("updated_at", sa.String(40)),
    )
    terms = sa.Table(
        "story_terms", md,
        sa.Column("story_id", sa.String(255), sa.ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(255), primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
        sa.Index("ix_story_terms_kind_value", "kind", "value"),
    )
    md.create_all(conn, tables=[index, terms])
    search.create_fulltext(conn)
    search.backfill(conn)


# Ordered; append only. Version N is reached by running step N on a version N-1 database.
MIGRATIONS: list[tuple[int, str, Callable[[Connection], None]]] = [
    (1, "articles, analyses, stories, story_articles, briefs", _v1),
    (2, "briefs.articles_key; state table", _v2),
    (3, "state_rows table", _v3),
    (4, "sentence_vectors table", _v4),
    (5, "story_index, story_terms and full-text search of stories", _v5),
]
LATEST = MIGRATIONS[-1][0]
