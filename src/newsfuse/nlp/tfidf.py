"""TF-IDF rows over tokenised texts (sublinear tf, smoothed idf, L2-normalised), as sparse rows.

One weighting for every caller that compares texts by their distinctive words: align's story-local sentence
rows and batch clustering's article rows; each caller brings its own tokens. Hand-rolled because scikit-learn's
vectoriser costs ~0.7 s of import in every process that clusters.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import chain

import numpy as np
from scipy import sparse


def tfidf_rows(docs: Sequence[Sequence[str]], background: Sequence[Sequence[str]] = ()) -> sparse.csr_matrix:
    """One L2-normalised row per token list: (1 + ln tf) * (ln((n + 1) / (df + 1)) + 1), float32, sorted indices.

    Document frequencies count `docs` plus `background` (token lists that weigh words but get no row)."""
    df = Counter(chain.from_iterable(map(set, chain(docs, background))))  # one C-level count for all the texts
    n = max(len(docs) + len(background), 1)
    vocab: dict[str, int] = {}
    idf: dict[str, float] = {}
    log, sqrt = math.log, math.sqrt
    indptr, cols, vals = [0], [], []
    for d in docs:
        counts = Counter(d)
        js = [vocab.setdefault(w, len(vocab)) for w in counts]
        weights = []
        for w, cnt in counts.items():
            f = idf.get(w)
            if f is None:
                f = idf[w] = log((n + 1) / (df[w] + 1)) + 1
            weights.append(f if cnt == 1 else (1 + log(cnt)) * f)  # 1 + ln 1 is 1.0: the same float
        norm = sqrt(sum([v * v for v in weights])) or 1.0
        cols += js
        vals += [v / norm for v in weights]
        indptr.append(len(cols))
    X = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), np.array(cols, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(docs), max(len(vocab), 1)),
    )
    X.sort_indices()
    return X
