"""Sentence vectors: static vectors distilled from MiniLM (`nlp.static_embed`), and story-local TF-IDF rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from .. import nlp
from ..nlp.tfidf import tfidf_rows
from .tokens import cached_tokens


class Embeddings:
    """Sentence vectors for texts: the static table distilled from MiniLM (`nlp.static_embed`: a lookup and a
    mean, computed when asked, cheaper than reading stored vectors back); an object so callers can pass their
    own (e.g. precomputed, or MiniLM's `nlp.embed`)."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), dim), L2-normalised."""
        return nlp.static_embed(list(texts))


EMBEDDINGS = Embeddings()


def tfidf_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """Story-local TF-IDF rows of align's content tokens (`nlp.tfidf`): distinctive words weigh most."""
    return tfidf_rows([cached_tokens(t) for t in texts])


def pair_dots(X: sparse.csr_matrix, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Row-pair dot products X[I]·X[J] (cosines for L2-normalised rows) without the full product."""
    if len(I) == 0:
        return np.zeros(0, dtype=np.float32)
    if len(I) <= 64:  # few pairs: sparse fancy indexing costs more than it saves
        return np.array([row_dot(X, int(i), int(j)) for i, j in zip(I, J)], dtype=np.float32)
    return np.asarray(X[I].multiply(X[J]).sum(axis=1)).ravel().astype(np.float32)


def row_dot(X: sparse.csr_matrix, i: int, j: int) -> float:
    """Dot product of two CSR rows: their shared columns' values, in column order, through one `np.dot` (a
    row holds a sentence's few words: matching them in a dict beats numpy's set routines)."""
    a0, a1, b0, b1 = X.indptr[i : i + 2].tolist() + X.indptr[j : j + 2].tolist()
    if a0 == a1 or b0 == b1:
        return 0.0
    cols = X.indices[a0:a1].tolist()
    at = {c: k for k, c in enumerate(X.indices[b0:b1].tolist())}
    ia = [k for k, c in enumerate(cols) if c in at]
    if not ia:
        return 0.0
    ib = [at[cols[k]] for k in ia]
    return float(np.dot(X.data[a0:a1][ia], X.data[b0:b1][ib]))
