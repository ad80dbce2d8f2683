"""Candidate pairs (exact blocked top-k or a random-projection forest) and best-edge-first grouping."""

from __future__ import annotations

import numpy as np

from .tuning import EXACT_MAX, MIN_COS, TOP_K


def neighbour_pairs(
    E: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    k: int = TOP_K,
    min_cos: float = MIN_COS,
    exact_max: int = EXACT_MAX,
    trees: int = 6,
    leaf: int = 64,
    seed: int = 13,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, cosine) among rows of E: each row's top-k with cos >= min_cos.

    Rows sharing a `groups` value (same article) are never paired. Exact (blocked matrix product)
    up to `exact_max` rows; above, a random-projection forest: O(n log n) to build and O(n * leaf)
    to search per tree.
    """
    n = len(E)
    if n < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=np.float32)
    groups = np.arange(n) if groups is None else np.asarray(groups)
    if n <= exact_max:
        blocks = [np.arange(n)]
    else:
        rng = np.random.default_rng(seed)
        blocks = []
        for _ in range(trees):
            blocks += _rp_leaves(E, rng, leaf)
    codes: list[np.ndarray] = []
    for idx in blocks:
        sub = E[idx]
        M = sub @ sub.T
        M[groups[idx][:, None] == groups[idx][None, :]] = -1.0
        kk = min(k, len(idx) - 1)
        if kk <= 0:
            continue
        top = np.argpartition(-M, kk - 1, axis=1)[:, :kk]
        rows = np.repeat(np.arange(len(idx)), kk)
        cols = top.ravel()
        keep = M[rows, cols] >= min_cos
        a, b = idx[rows[keep]], idx[cols[keep]]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        codes.append(lo.astype(np.int64) * n + hi)
    if not codes:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=np.float32)
    uniq = np.unique(np.concatenate(codes))
    I, J = uniq // n, uniq % n
    S = np.einsum("ij,ij->i", E[I], E[J])
    return I, J, S


def _rp_leaves(E: np.ndarray, rng: np.random.Generator, leaf: int) -> list[np.ndarray]:
    """One random-projection tree: split each node at the median along the line between two random members."""
    leaves = []
    stack = [np.arange(len(E))]
    while stack:
        idx = stack.pop()
        if len(idx) <= leaf:
            leaves.append(idx)
            continue
        a, b = rng.choice(len(idx), 2, replace=False)
        d = E[idx[a]] - E[idx[b]]
        if not np.any(d):
            d = rng.standard_normal(E.shape[1]).astype(E.dtype)
        order = np.argsort(E[idx] @ d, kind="stable")
        half = len(idx) // 2
        stack += [idx[order[:half]], idx[order[half:]]]
    return leaves


def merge_edges(
    n: int,
    I: np.ndarray,
    J: np.ndarray,
    S: np.ndarray,
    *,
    link: float,
    cannot: callable,
    guard: callable,
) -> list[list[int]]:
    """Best-edge-first merging: edges >= `link` merge two groups unless a cannot-link or the guard forbids it."""
    members = {i: [i] for i in range(n)}
    owner = list(range(n))
    order = np.argsort(-S, kind="stable")
    for t in order.tolist():
        if S[t] < link:
            break
        a, b = owner[int(I[t])], owner[int(J[t])]
        if a == b:
            continue
        A, B = members[a], members[b]
        if any(cannot(x, y) for x in A for y in B):
            continue
        if not guard(A, B):
            continue
        if len(A) < len(B):
            a, b, A, B = b, a, B, A
        A.extend(B)
        for x in B:
            owner[x] = a
        del members[b]
    return [sorted(m) for m in members.values()]
