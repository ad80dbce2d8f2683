"""The learned line classifier (gradient-boosted trees, or a linear model, stored as JSON) and the body decoder.

Two stages: the first scores each unit from its own features; the optional second re-scores it from
the first-stage scores of a wider neighbourhood (`features.context_features`). The decoder is either
the best contiguous span or a 2-state (body/furniture) Viterbi path with learned switch penalties.
The model file `newsfuse/data/clean-lines.json` holds the trees (or weights) and the decoder's
parameters; `python -m newsfuse.training.clean` rebuilds it from the benchmark's dev split.
JSON rather than pickle: nothing executable ships inside the package.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from .features import dense_run, word_count

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "clean-lines.json"

DEFAULT_DECODE = {"method": "span", "bias": 0.0, "inside": -2.0, "outside": 3.0}


class LineModel:
    """The log-odds that a unit belongs to the body: boosted regression trees or a linear score."""

    def __init__(self, spec: dict) -> None:
        self.names: list[str] = spec["features"]
        self.intercept = float(spec["intercept"])
        dec = spec.get("decode", {})
        self.decode = dict(dec) if dec.get("method") == "viterbi" else {**DEFAULT_DECODE, **dec}
        self.stage2 = LineModel(spec["stage2"]) if spec.get("stage2") else None
        self.trees = [
            tuple(np.array(t[k], dtype=float if k in ("threshold", "value") else int)
                  for k in ("feature", "threshold", "left", "right", "value"))
            for t in spec.get("trees", [])
        ]
        self.rate = float(spec.get("learning_rate", 1.0))
        if self.trees:
            # all trees padded into (trees x nodes) arrays, walked level by level at once
            width = max(len(t[0]) for t in self.trees)
            pad = lambda k, fill, dt: np.array([np.pad(t[k], (0, width - len(t[k])), constant_values=fill)  # noqa: E731
                                                for t in self.trees], dtype=dt)
            self._feature, self._threshold = pad(0, 0, np.intp), pad(1, 0.0, float)
            self._left, self._right, self._value = pad(2, -1, np.intp), pad(3, -1, np.intp), pad(4, 0.0, float)
            # the same tables flat, a node as tree * width + node: one-axis lookups in the walk
            self._width = width
            self._flat = tuple(a.ravel() for a in (self._feature, self._threshold, self._left, self._right))
        else:
            self.mean = np.array(spec["mean"], dtype=float)
            self.scale = np.array(spec["scale"], dtype=float)
            self.coef = np.array(spec["coef"], dtype=float)

    def scores(self, x: np.ndarray, us: list) -> np.ndarray:
        """Final log-odds: first stage, then (when the model has one) the second stage over its context."""
        from .features import context_features

        z = self.logits(x)
        return self.stage2.logits(context_features(z, x, us)) if self.stage2 is not None and len(z) else z

    def logits(self, x: np.ndarray) -> np.ndarray:
        """First-stage log-odds, one per row of the feature matrix."""
        if len(x) == 0:
            return np.zeros(0)
        if not self.trees:
            return ((x - self.mean) / self.scale) @ self.coef + self.intercept
        x = x.astype(np.float32)  # sklearn's trees split on float32 features
        n_trees = len(self.trees)
        tree = np.arange(n_trees)[None, :]
        feature, threshold, left_of, right_of = self._flat
        flat_x = x.ravel()
        row_base = (np.arange(len(x)) * x.shape[1])[:, None]
        base = tree * self._width
        node = np.broadcast_to(base, (len(x), n_trees))  # each row at each tree's root, as flat indices
        while True:
            left = left_of[node]
            inner = left >= 0
            if not inner.any():
                break
            go_left = flat_x[row_base + feature[node]] <= threshold[node]
            node = np.where(inner, base + np.where(go_left, left, right_of[node]), node)
        return self.intercept + self.rate * self._value[tree, node - base].sum(axis=1)


@lru_cache(maxsize=1)
def load(path: str | None = None) -> LineModel:
    """The shipped model (cached)."""
    with open(path or MODEL_PATH, encoding="utf-8") as fh:
        return LineModel(json.load(fh))


def unit_weights(us) -> np.ndarray:
    """How much each unit counts in decoding: longer lines weigh more (log of their words). Training uses this too."""
    return np.array([np.log1p(word_count(u.text)) + 0.5 for u in us])


def decode(z: np.ndarray, weights: np.ndarray, method: str = "span", **params: float) -> np.ndarray:
    """Keep-mask from log-odds with the named decoder ("span" or "viterbi") and its parameters."""
    return viterbi(z, weights, **params) if method == "viterbi" else span(z, weights, **params)


def viterbi(z: np.ndarray, weights: np.ndarray, bias: float, enter: float, leave: float) -> np.ndarray:
    """Keep-mask: the best body/furniture labelling, each unit scoring weight*(log-odds+bias) as body,
    with a penalty for each switch into the body (`enter`) and out of it (`leave`)."""
    n = len(z)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    e = weights * (z + bias)
    body, junk = float(e[0]), 0.0
    from_body_b = np.zeros(n, dtype=bool)  # best predecessor of (i, body) is body
    from_body_j = np.zeros(n, dtype=bool)  # best predecessor of (i, junk) is body
    for i in range(1, n):
        bb, jb = body, junk - enter
        bj, jj = body - leave, junk
        from_body_b[i], from_body_j[i] = bb >= jb, bj > jj
        body, junk = max(bb, jb) + float(e[i]), max(bj, jj)
    state = body > junk
    for i in range(n - 1, -1, -1):
        keep[i] = state
        state = bool(from_body_b[i]) if state else bool(from_body_j[i])
    return keep


def span(z: np.ndarray, weights: np.ndarray, bias: float, inside: float, outside: float) -> np.ndarray:
    """Keep-mask: the best contiguous span by weighted log-odds, minus strong junk inside it,
    plus units outside it that are very likely body."""
    n = len(z)
    keep = np.zeros(n, dtype=bool)
    if n == 0:
        return keep
    first, last = dense_run(list(weights * (z + bias)))
    if last >= first:
        keep[first : last + 1] = True
        keep &= ~(z < inside)
    keep |= z > outside
    return keep
