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
    log, sqrt = math.log, math.sqrt
    weight = {c: log((n + 1) / (c + 1)) + 1 for c in set(df.values())}  # one log per document count, not per word
    idf = {w: weight[c] for w, c in df.items()}
    vocab: dict[str, int] = {}
    indptr, cols, vals = [0], [], []
    for d in docs:
        counts = Counter(d)
        cols += [vocab.setdefault(w, len(vocab)) for w in counts]
        # 1 + ln 1 is 1.0: a word said once weighs its idf, the same float
        weights = [idf[w] if c == 1 else (1 + log(c)) * idf[w] for w, c in counts.items()]
        norm = sqrt(sum([v * v for v in weights])) or 1.0
        vals += [v / norm for v in weights]
        indptr.append(len(cols))
    X = sparse.csr_matrix(
        (np.array(vals, dtype=np.float32), np.array(cols, dtype=np.int32), np.array(indptr, dtype=np.int32)),
        shape=(len(docs), max(len(vocab), 1)),
    )
    X.sort_indices()
    return X
