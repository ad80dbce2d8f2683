"""Cluster: group articles into stories, online (`StoryClusterer`) and in batch (`cluster`).

Same topic is not same story: words, entities and time must agree, not just the subject matter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..model import Article, Story
from . import features
from .batch import BatchConfig, average_link, embedding_merge, similarity_graph
from .config import Config
from .stream import Embedder, StoryClusterer

__all__ = ["BatchConfig", "Config", "StoryClusterer", "cluster", "default_embedder"]

log = logging.getLogger("newsfuse")


def default_embedder() -> Embedder | None:
    """MiniLM sentence embeddings when the model is installed, else None (clustering goes on without)."""
    try:
        from .. import nlp

        nlp.load_embedder()
        return nlp.embed
    except Exception as exc:  # model missing or broken: words and entities still cluster well
        log.warning("sentence embeddings unavailable for clustering (%s); using words and entities only", exc)
        return None


def cluster(
    articles: list[Article],
    *,
    config: Config | None = None,
    embedder: Embedder | None | str = "default",
    embeddings: Sequence[np.ndarray] | np.ndarray | None = None,
    batch_config: BatchConfig | None = None,
) -> list[Story]:
    """Batch: re-cluster a corpus into stories; preset `article.story` (bundles) is kept.

    Average-link over neighbour-normalised TF-IDF (+ small MiniLM) similarity with one scale-free cut
    (see `batch`); a duplicate joins its original's story unless the rest of its story points elsewhere (then
    the link joins nothing and its `duplicate_of` is cleared: a copy is one only within its story); two bundles
    never merge. `config` is the streaming config: its `w_embedding == 0` turns embeddings off here too.
    """
    config = config or Config()
    bc = batch_config or BatchConfig()
    if not articles:
        return []
    if embeddings is None:
        stored = [a.meta.get("embedding") if a.meta else None for a in articles]
        if all(e is not None for e in stored):
            embeddings = stored
        elif embedder == "default":
            embedder = default_embedder() if config.w_embedding > 0 and bc.w_embedding > 0 else None
        if embeddings is None and embedder is not None and not isinstance(embedder, str):
            todo = [i for i, e in enumerate(stored) if e is None]
            got = embedder([features.article_text(articles[i], 1000) for i in todo]) if todo else []
            for i, e in zip(todo, got):
                stored[i] = e
            embeddings = stored
    if config.w_embedding <= 0:
        embeddings = None
    embs = None if embeddings is None else np.vstack([np.asarray(e, dtype=np.float32) for e in embeddings])
    I, J, V = similarity_graph(articles, embs, bc)
    pos = {a.id: i for i, a in enumerate(articles)}
    links = [(i, pos[a.duplicate_of]) for i, a in enumerate(articles) if a.duplicate_of in pos]
    bundles: dict[str, list[int]] = {}
    for i, a in enumerate(articles):
        if a.story:
            bundles.setdefault(a.story, []).append(i)
    groups = [g for g in bundles.values() if len(g) > 1]
    locked = [a.story for a in articles]
    parts = average_link(len(articles), I, J, V, bc.cut, groups, locked, links, bc.link_agree)
    if embs is not None:
        parts = embedding_merge(parts, embs, bc, locked)
    days = [features.day_of(a.published) for a in articles]
    parts.sort(key=lambda p: min((days[i] is None, days[i] or 0.0, i) for i in p))
    stories: list[Story] = []
    used = set(bundles)
    n = 0
    for p in parts:
        p.sort(key=lambda i: (days[i] is None, days[i] or 0.0, i))
        sid = next((articles[i].story for i in p if articles[i].story), None)
        if sid is None:
            n += 1
            while f"story-{n}" in used:
                n += 1
            sid = f"story-{n}"
        title = next((articles[i].title for i in p if articles[i].title), "")
        stories.append(Story(id=sid, articles=[articles[i].id for i in p], title=title, keys={"size": len(p)}))
        for i in p:
            articles[i].story = sid
    for a in articles:
        if a.duplicate_of in pos and articles[pos[a.duplicate_of]].story != a.story:
            a.duplicate_of, a.duplicate_similarity = None, None
    return stories
