"""Streaming-stage state: the dedupe index and story clusterer, persisted between ingest runs.

Reads and writes the `state` table (one JSON value per stage key); adds `StageState`, which saves every
stage's state together with the duplicate marks it produced in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from . import schema as S
from .codec import json_default
from .db import Database, now


class StageState(Database):
    """`save_state` / `get_state` of the streaming stages (JSON in the `state` table)."""

    def save_state(self, states: dict[str, Any], duplicates: Iterable[tuple[str, str | None, float | None]] = ()) -> None:
        """Persist streaming-stage states (JSON) and the duplicate marks they produced, in one transaction."""
        stamp = now()
        with self._write() as conn:
            for key, value in states.items():
                data = json.dumps(value, default=json_default)
                if conn.execute(sa.select(S.state.c.key).where(S.state.c.key == key)).first():
                    conn.execute(S.state.update().where(S.state.c.key == key).values(value=data, updated_at=stamp))
                else:
                    conn.execute(S.state.insert().values(key=key, value=data, updated_at=stamp))
            for aid, dup, sim in duplicates:
                conn.execute(
                    S.articles.update().where(S.articles.c.id == aid).values(duplicate_of=dup, duplicate_similarity=sim)
                )

    def get_state(self, key: str) -> str | None:
        """Serialised state of a streaming stage (dedupe index, clusterer), or None."""
        with self._read() as conn:
            return conn.execute(sa.select(S.state.c.value).where(S.state.c.key == key)).scalar()
