"""Story centroids as the streaming clusterer keeps them: sparse hashed-term vectors summed per story.

Reads a `Doc` (an article's top-k normalised word/entity vectors, embedding, day); adds `Centroid`, the
running sums, squared norms, time span and index keys of one story, and the sparse arithmetic on them.
"""

from __future__ import annotations

import heapq
import itertools
import math
import operator
from collections import Counter
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Doc:
    """A document as the clusterer keeps it: normalised sparse vectors, embedding, day."""

    id: str
    words: dict[int, float]
    entities: dict[int, float]
    emb: np.ndarray | None
    day: float | None
    keys: list[int] = field(default_factory=list)


@dataclass
class Centroid:
    """One story in the clusterer: member ids, summed vectors with their squared norms, time span, index keys."""

    id: str
    articles: list[str] = field(default_factory=list)
    words: dict[int, float] = field(default_factory=dict)
    entities: dict[int, float] = field(default_factory=dict)
    words_n2: float = 0.0
    entities_n2: float = 0.0
    emb: np.ndarray | None = None
    first_day: float | None = None
    last_day: float | None = None
    keys: Counter = field(default_factory=Counter)
    title: str = ""
    seq: int = 0  # arrival counter of the last update (for LRU eviction of undated stories)
    preset: bool = False


def dot(a: dict[int, float], b: dict[int, float]) -> float:
    """Dot product of two sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(map(operator.mul, a.values(), map(b.get, a, itertools.repeat(0.0))))  # the generator's sum, in C


def add_into(target: dict[int, float], vec: dict[int, float], sign: float = 1.0) -> float:
    """Add `vec` into `target` in place; return 2*target.vec (before) + |vec|^2 (the change of |target|^2)."""
    cross = 0.0
    n2 = 0.0
    for k, v in vec.items():
        old = target.get(k, 0.0)
        cross += old * v
        n2 += v * v
        new = old + sign * v
        if abs(new) < 1e-9:
            target.pop(k, None)
        else:
            target[k] = new
    return sign * 2.0 * cross + n2


def top_norm(vec: dict[int, float], k: int) -> dict[int, float]:
    """The `k` largest entries of a sparse vector, L2-normalised."""
    if len(vec) > k:
        vec = dict(heapq.nlargest(k, vec.items(), key=operator.itemgetter(1)))
    n = math.sqrt(sum(map(operator.mul, vec.values(), vec.values()))) or 1.0
    return {t: v / n for t, v in vec.items()}
