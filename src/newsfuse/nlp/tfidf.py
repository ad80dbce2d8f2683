"""TF-IDF rows over tokenised texts (sublinear tf, smoothed idf, L2-normalised), as sparse rows.

One weighting for every caller that compares texts by their distinctive words: align's story-local sentence
rows and batch clustering's article rows; each caller brings its own tokens. Hand-rolled because scikit-learn's
vectoriser costs ~0.7 s of import in every process that clusters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy import sparse


def tfidf_rows(docs: Sequence[Sequence[str]], background: Sequence[Sequence[str]] = ()) -> sparse.csr_matrix:
    """One L2-normalised row per token list: (1 + ln tf) * (ln((n + 1) / (df + 1)) + 1), float32, sorted indices.

    Document frequencies count `docs` plus `background` (token lists that weigh words but get no row)."""
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    for d in background:
        df.update(set(d))
    n = max(len(docs) + len(background), 1)
    idf: dict[str, float] = {}
    indptr, cols, vals = [0], [], []
    for d in docs:
        weights = {}
        for w, cnt in Counter(d).items():
            j = vocab.setdefault(w, len(vocab))
            f = idf.get(w)
            if f is None:
                f = idf[w] = math.log((n + 1) / (df[w] + 1)) + 1
            weights[j] = (1 + math.log(cnt)) * f
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        cols.extend(weights)
        vals.extend(v / norm for v in weights.values())
        indptr.append(len(cols))
    X = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), np.array(cols, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(docs), max(len(vocab), 1)),
    )
    X.sort_indices()
    return X
