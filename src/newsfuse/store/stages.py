"""Streaming-stage state: the dedupe index and story clusterer, persisted between ingest runs.

Reads and writes the `state` table (one JSON value per stage key) and `state_rows` (a stage's state row
by row); adds `StageState`, which saves every stage's state, its changed rows and the duplicate marks
they produced in one transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, Protocol

import sqlalchemy as sa

from . import schema as S
from ..codec import json_default
from .db import Database, now

_CHUNK = 200  # rows per statement


class StageRows(Protocol):
    """One stage's row changes: `replace` drops all its rows first, `clear` whole kinds; then deletes, then puts."""

    replace: bool
    clear: list[str]
    put: list[tuple[str, str, str]]  # (kind, key, JSON value)
    delete: list[tuple[str, str]]  # (kind, key)


class StageState(Database):
    """`save_state` / `get_state` / `get_rows` of the streaming stages (JSON in `state` and `state_rows`)."""

    def save_state(
        self,
        states: dict[str, Any],
        duplicates: Iterable[tuple[str, str | None, float | None]] = (),
        rows: dict[str, StageRows] | None = None,
        after_rows: Callable[[int], None] | None = None,
    ) -> None:
        """Persist streaming-stage states (JSON), their changed rows and the duplicate marks, in one transaction.

        `after_rows(n)` is called as rows are written (n so far, all stages together, in the order of `rows`),
        inside the transaction (a test crash hook).
        """
        stamp = now()
        with self._write() as conn:
            for key, value in states.items():
                data = json.dumps(value, default=json_default)
                if conn.execute(sa.select(S.state.c.key).where(S.state.c.key == key)).first():
                    conn.execute(S.state.update().where(S.state.c.key == key).values(value=data, updated_at=stamp))
                else:
                    conn.execute(S.state.insert().values(key=key, value=data, updated_at=stamp))
            written = 0
            for stage, changes in (rows or {}).items():
                written = self._write_rows(conn, stage, changes, written, after_rows)
            for aid, dup, sim in duplicates:
                conn.execute(
                    S.articles.update().where(S.articles.c.id == aid).values(duplicate_of=dup, duplicate_similarity=sim)
                )

    @staticmethod
    def _write_rows(
        conn: Any, stage: str, changes: StageRows, written: int, after_rows: Callable[[int], None] | None
    ) -> int:
        """Apply one stage's row changes; returns `written` plus the rows it put."""
        t = S.state_rows
        if changes.replace:
            conn.execute(t.delete().where(t.c.stage == stage))
        for kind in changes.clear:
            conn.execute(t.delete().where(t.c.stage == stage, t.c.kind == kind))
        gone: dict[str, list[str]] = defaultdict(list)
        for kind, key in changes.delete:
            gone[kind].append(key)
        fresh = set(changes.clear)
        for kind, key, _value in changes.put:
            if not changes.replace and kind not in fresh:
                gone[kind].append(key)  # an update: delete, then insert (portable upsert)
        for kind, keys in gone.items():
            for i in range(0, len(keys), _CHUNK):
                conn.execute(t.delete().where(t.c.stage == stage, t.c.kind == kind, t.c.key.in_(keys[i : i + _CHUNK])))
        for i in range(0, len(changes.put), _CHUNK):
            chunk = changes.put[i : i + _CHUNK]
            conn.execute(t.insert(), [{"stage": stage, "kind": k, "key": key, "value": v} for k, key, v in chunk])
            if after_rows is not None:
                after_rows(written + i + len(chunk))
        return written + len(changes.put)

    def get_state(self, key: str) -> str | None:
        """Serialised state of a streaming stage (dedupe index, clusterer), or None."""
        with self._read() as conn:
            return conn.execute(sa.select(S.state.c.value).where(S.state.c.key == key)).scalar()

    def get_rows(self, stage: str, kind: str | None = None) -> dict[str, dict[str, str]]:
        """A stage's stored rows as {kind: {key: JSON value}} (one kind only when given)."""
        t = S.state_rows
        q = sa.select(t.c.kind, t.c.key, t.c.value).where(t.c.stage == stage)
        if kind is not None:
            q = q.where(t.c.kind == kind)
        out: dict[str, dict[str, str]] = {}
        with self._read() as conn:
            for r in conn.execute(q):
                out.setdefault(r.kind, {})[r.key] = r.value
        return out
