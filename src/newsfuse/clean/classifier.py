"""The learned line classifier (a logistic regression stored as JSON) and the body decoder.

The model file `newsfuse/data/clean-lines.json` holds feature means/scales, weights and the
decoder's thresholds; `python -m newsfuse.clean.train` rebuilds it from the benchmark's dev split.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "clean-lines.json"

DEFAULT_DECODE = {"bias": 0.0, "inside": -2.0, "outside": 3.0}


class LineModel:
    """Standardise features, then a linear score: the log-odds that a unit belongs to the body."""

    def __init__(self, spec: dict) -> None:
        self.names: list[str] = spec["features"]
        self.mean = np.array(spec["mean"], dtype=float)
        self.scale = np.array(spec["scale"], dtype=float)
        self.coef = np.array(spec["coef"], dtype=float)
        self.intercept = float(spec["intercept"])
        self.decode = {**DEFAULT_DECODE, **spec.get("decode", {})}

    def logits(self, x: np.ndarray) -> np.ndarray:
        if len(x) == 0:
            return np.zeros(0)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept


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
