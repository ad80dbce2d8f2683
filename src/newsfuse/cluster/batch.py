"""Batch story clustering: average-link over neighbour-normalised TF-IDF (+ small MiniLM) similarity.

Raw cosines live on a different scale in every corpus (short wire copy vs long features), so each pair's
similarity is divided by the geometric mean of both documents' typical top-k neighbour similarity; one
cut on that scale-free similarity then fits corpora whose best raw thresholds differ by 2x.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from spacy.lang.en.stop_words import STOP_WORDS

from ..model import Article
from ..nlp.tfidf import tfidf_rows


@dataclass
class BatchConfig:
    """Knobs of the batch clusterer (one setting for all corpora, chosen on the dev splits only)."""

    body_chars: int = 2000  # characters of body text read per article (headline counted twice)
    w_embedding: float = 0.15  # weight of the MiniLM cosine; the rest is word 1-2-gram TF-IDF cosine
    scale_k: int = 3  # neighbours whose mean similarity is a document's local scale
    scale_floor: float = 0.05  # lowest local scale (isolated documents must not look close to everything)
    cut: float = 0.53  # average-link stops when the best normalised cluster similarity falls below this
    # then clusters still merge while their mean MiniLM cosine is this high: a corpus of one event (two wires'
    # copies, say) has no other story to set the scale against; no two dev events' articles average this close
    embedding_cut: float = 0.80
    dense_max: int = 2000  # up to this many articles all pairs are scored; above, sparse top-k neighbours
    top_k: int = 50  # neighbours kept per document in the sparse (large corpus) path
    # a duplicate link joins two clusters of several articles only when their other articles' mean link is at
    # least this share of `cut`, i.e. when they would pass the cut themselves (a shared boilerplate page or one
    # furniture-heavy copy is no evidence alone)
    link_agree: float = 1.0


def _text(a: Article, n: int) -> str:
    title = a.title or ""
    return f"{title}\n{title}\n{(a.text or a.raw or '')[:n]}"


def _unit_rows(E: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    return E / np.where(norms > 0, norms, 1.0)


_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def _terms(text: str) -> list[str]:
    """Lower-cased words of two or more characters, stop words out, and each adjacent pair of those left."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in STOP_WORDS]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _tfidf(articles: list[Article], cfg: BatchConfig) -> sparse.csr_matrix:
    return tfidf_rows([_terms(_text(a, cfg.body_chars)) for a in articles])


def similarity_graph(
    articles: list[Article], embeddings: np.ndarray | None, cfg: BatchConfig
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges (i, j, normalised similarity) with i < j: all pairs for small corpora, top-k neighbours for large."""
    n = len(articles)
    X = _tfidf(articles, cfg)
    we = cfg.w_embedding if embeddings is not None else 0.0
    E = _unit_rows(np.asarray(embeddings, dtype=np.float32)) if embeddings is not None else None
    if n <= cfg.dense_max:
        S = (X @ X.T).toarray() * (1.0 - we)
        if E is not None:
            S += we * (E @ E.T)
        np.fill_diagonal(S, -np.inf)
        I, J = np.triu_indices(n, 1)
        V = S[I, J]
        k = min(cfg.scale_k, n - 1)
        scale = np.sort(S, axis=1)[:, -k:].mean(axis=1) if k > 0 else np.ones(n)
    else:
        I, J, V = _sparse_topk(X, E, we, cfg)
        # local scale from the kept neighbours (the top-k contain the top scale_k)
        best: list[list[float]] = [[] for _ in range(n)]
        for i, j, v in zip(I.tolist(), J.tolist(), V.tolist()):
            best[i].append(v)
            best[j].append(v)
        scale = np.array([np.mean(sorted(b)[-cfg.scale_k :]) if b else 0.0 for b in best])
    scale = np.maximum(scale, cfg.scale_floor)
    V = V / np.sqrt(scale[I] * scale[J])
    keep = V > 0
    return I[keep], J[keep], V[keep]


def _sparse_topk(
    X: sparse.csr_matrix, E: np.ndarray | None, we: float, cfg: BatchConfig, block: int = 256
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-k neighbours per document, scored in row blocks (memory linear in n; numpy time ~n^2/blocks)."""
    n = X.shape[0]
    XT = X.T.tocsr()
    k = min(cfg.top_k, n - 1)
    rows, cols, vals = [], [], []
    for start in range(0, n, block):
        stop = min(n, start + block)
        S = (X[start:stop] @ XT).toarray() * (1.0 - we)
        if E is not None:
            S += we * (E[start:stop] @ E.T)
        S[np.arange(stop - start), np.arange(start, stop)] = -np.inf
        top = np.argpartition(-S, k - 1, axis=1)[:, :k]
        rows.append(np.repeat(np.arange(start, stop), k))
        cols.append(top.ravel())
        vals.append(np.take_along_axis(S, top, axis=1).ravel())
    I, J, V = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    lo, hi = np.minimum(I, J), np.maximum(I, J)
    key = lo.astype(np.int64) * n + hi
    _, first = np.unique(key, return_index=True)
    return lo[first], hi[first], V[first]


def embedding_merge(parts: list[list[int]], embeddings: np.ndarray, cfg: BatchConfig,
                    locked: Sequence[str | None] | None = None) -> list[list[int]]:
    """Average-link the clusters on raw MiniLM cosine alone, down to `cfg.embedding_cut` (corpus-independent)."""
    n = len(embeddings)
    if cfg.embedding_cut <= 0 or len(parts) < 2 or n > cfg.dense_max:
        return parts
    E = _unit_rows(np.asarray(embeddings, dtype=np.float32))
    I, J = np.triu_indices(n, 1)
    C = (E @ E.T)[I, J]
    keep = C > 0
    return average_link(n, I[keep], J[keep], C[keep], cfg.embedding_cut, parts, locked)


def average_link(
    n: int, I: np.ndarray, J: np.ndarray, V: np.ndarray, cut: float,
    groups: Sequence[Sequence[int]] = (), locked: Sequence[str | None] | None = None,
    links: Sequence[tuple[int, int]] = (), agree: float = 1.0,
) -> list[list[int]]:
    """Average-link agglomeration over a sparse graph (missing pairs count as 0) until the best link < cut.

    `groups` start merged (bundles); clusters holding two different `locked` labels never merge, not even
    through a group or a link. `links` (copy, original) are applied after the agglomeration: a copy left alone
    joins its original's cluster (and an original left alone its copy's), but two clusters of several articles
    merge through a link only when their other articles agree (mean link at least `agree` x `cut`), so one
    furniture-heavy copy never joins two stories.
    """
    root = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    label: dict[int, str | None] = {i: (locked[i] if locked else None) for i in range(n)}
    for g in groups:
        g = list(g)
        for x in g[1:]:
            a, b = root[g[0]], root[x]
            if a != b and not (label[a] and label[b] and label[a] != label[b]):  # a given grouping is a fact
                members[a].extend(members.pop(b))
                label[a] = label[a] or label.pop(b)
                for m in members[a]:
                    root[m] = a
    link: dict[int, dict[int, float]] = {c: {} for c in members}
    for i, j, v in zip(I.tolist(), J.tolist(), V.tolist()):
        a, b = root[i], root[j]
        if a != b:
            link[a][b] = link[a].get(b, 0.0) + v
            link[b][a] = link[b].get(a, 0.0) + v
    # only pairs at or above the cut go on the heap: one below it would only end the loop, which an empty heap does
    heap = [(-avg, a, b) for a in link for b, s in link[a].items()
            if a < b and (avg := s / (len(members[a]) * len(members[b]))) >= cut]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < cut:
            break
        if a not in members or b not in members or b not in link[a]:
            continue
        avg = link[a][b] / (len(members[a]) * len(members[b]))
        if abs(avg + neg) > 1e-12:
            continue  # stale entry: the pair's average changed since it was pushed
        if label[a] and label[b] and label[a] != label[b]:
            continue
        if len(members[a]) < len(members[b]):
            a, b = b, a
        members[a].extend(members.pop(b))
        label[a] = label[a] or label.pop(b)
        lb = link.pop(b)
        lb.pop(a, None)
        link[a].pop(b, None)
        for c, s in lb.items():
            link[c].pop(b, None)
            link[a][c] = link[a].get(c, 0.0) + s
            link[c][a] = link[a][c]
        na = len(members[a])
        for c, s in link[a].items():
            if (avg := s / (na * len(members[c]))) >= cut:
                heapq.heappush(heap, (-avg, min(a, c), max(a, c)))
    if links:
        _apply_links(members, label, I, J, V, cut * agree, links)
    return list(members.values())


def _apply_links(
    members: dict[int, list[int]], label: dict[int, str | None], I: np.ndarray, J: np.ndarray, V: np.ndarray,
    floor: float, links: Sequence[tuple[int, int]],
) -> None:
    """Merge the clusters of each (copy, original) link when one is the copy or original alone, or when
    the two clusters' other articles have a mean link of at least `floor` (in place)."""
    root = {m: r for r, ms in members.items() for m in ms}
    pair = {(int(i), int(j)): float(v) for i, j, v in zip(I.tolist(), J.tolist(), V.tolist())}
    for i, j in links:
        a, b = root[i], root[j]
        if a == b or (label[a] and label[b] and label[a] != label[b]):
            continue
        if min(len(members[a]), len(members[b])) > 1:
            xs, ys = [m for m in members[a] if m != i], [m for m in members[b] if m != j]
            total = sum(pair.get((min(x, y), max(x, y)), 0.0) for x in xs for y in ys)
            if total / (len(xs) * len(ys)) < floor:
                continue  # the rest of each story points elsewhere: the link alone joins nothing
        if len(members[a]) < len(members[b]):
            a, b = b, a
        for m in members[b]:
            root[m] = a
        members[a].extend(members.pop(b))
        label[a] = label[a] or label.pop(b)
