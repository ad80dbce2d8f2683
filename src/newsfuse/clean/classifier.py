"""The learned line classifier (gradient-boosted trees, or a linear model, stored as JSON) and the body decoder.

The model file `newsfuse/data/clean-lines.json` holds the trees (or weights) and the decoder's
thresholds; `python -m newsfuse.clean.train` rebuilds it from the benchmark's dev split.
JSON rather than pickle: nothing executable ships inside the package.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "clean-lines.json"

DEFAULT_DECODE = {"bias": 0.0, "inside": -2.0, "outside": 3.0}


class LineModel:
    """The log-odds that a unit belongs to the body: boosted regression trees or a linear score."""

    def __init__(self, spec: dict) -> None:
        self.names: list[str] = spec["features"]
        self.intercept = float(spec["intercept"])
        self.decode = {**DEFAULT_DECODE, **spec.get("decode", {})}
        self.trees = [
            tuple(np.array(t[k], dtype=float if k in ("threshold", "value") else int)
                  for k in ("feature", "threshold", "left", "right", "value"))
            for t in spec.get("trees", [])
        ]
        self.rate = float(spec.get("learning_rate", 1.0))
        if not self.trees:
            self.mean = np.array(spec["mean"], dtype=float)
            self.scale = np.array(spec["scale"], dtype=float)
            self.coef = np.array(spec["coef"], dtype=float)

    def logits(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        if not self.trees:
            return ((x - self.mean) / self.scale) @ self.coef + self.intercept
        x = x.astype(np.float32)  # sklearn's trees split on float32 features
        rows = np.arange(len(x))
        total = np.full(len(x), self.intercept)
        for feature, threshold, left, right, value in self.trees:
            node = np.zeros(len(x), dtype=int)
            while True:
                inner = left[node] >= 0
                if not inner.any():
                    break
                f = np.where(inner, feature[node], 0)
                go_left = x[rows, f] <= threshold[node]
                node = np.where(inner, np.where(go_left, left[node], right[node]), node)
            total += self.rate * value[node]
        return total


@lru_cache(maxsize=1)
def load(path: str | None = None) -> LineModel:
    """The shipped model (cached)."""
    with open(path or MODEL_PATH, encoding="utf-8") as fh:
        return LineModel(json.load(fh))


def decode(z: np.ndarray, weights: np.ndarray, bias: float, inside: float, outside: float) -> np.ndarray:
    """Keep-mask: the best contiguous span by weighted log-odds, minus strong junk inside it,
    plus units outside it that are very likely body."""
    n = len(z)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    vals = weights * (z + bias)
    best, span = -np.inf, (0, -1)
    cur, start = 0.0, 0
    for i, v in enumerate(vals):
        if cur <= 0:
            cur, start = v, i
        else:
            cur += v
        if cur > best:
            best, span = cur, (start, i)
    if best > 0:
        keep[span[0] : span[1] + 1] = True
        keep &= ~(z < inside)
    keep |= z > outside
    return keep
