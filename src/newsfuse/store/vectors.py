"""Sentence vectors in the store: one row per distinct text (key = hex SHA-256 of the text), float32 bytes.

Reads and writes the `sentence_vectors` table; adds `VectorRows`, which `store.update` hands to
`nlp.vectors.backed_by` so a brief refresh looks stored sentences up instead of running the model again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import sqlalchemy as sa

from . import schema as S
from .db import Database

_CHUNK = 500  # keys per statement


class VectorRows(Database):
    """`vectors(keys)` and `put_vectors({key: vector})` over the `sentence_vectors` table."""

    def vectors(self, keys: Iterable[str]) -> dict[str, np.ndarray]:
        """The stored vectors of `keys` (those present), as float32 arrays."""
        keys = list(dict.fromkeys(keys))
        out: dict[str, np.ndarray] = {}
        t = S.sentence_vectors
        with self._read() as conn:
            for i in range(0, len(keys), _CHUNK):
                for k, blob in conn.execute(sa.select(t.c.key, t.c.vector).where(t.c.key.in_(keys[i : i + _CHUNK]))):
                    out[k] = np.frombuffer(blob, dtype="<f4").copy()
        return out

    def _stored_keys(self, keys: Iterable[str]) -> set[str]:
        """Which of `keys` are stored (keys only: no vector is read)."""
        keys = list(dict.fromkeys(keys))
        t = S.sentence_vectors
        have: set[str] = set()
        with self._read() as conn:
            for i in range(0, len(keys), _CHUNK):
                have.update(conn.execute(sa.select(t.c.key).where(t.c.key.in_(keys[i : i + _CHUNK]))).scalars())
        return have

    def put_vectors(self, vectors: Mapping[str, np.ndarray]) -> int:
        """Store vectors not stored yet (one transaction); returns how many were new."""
        if not vectors:
            return 0
        have = self._stored_keys(vectors)
        rows = [{"key": k, "vector": np.asarray(v, dtype="<f4").tobytes()} for k, v in vectors.items() if k not in have]
        if rows:
            with self._write() as conn:
                for i in range(0, len(rows), _CHUNK):
                    conn.execute(S.sentence_vectors.insert(), rows[i : i + _CHUNK])
        return len(rows)
