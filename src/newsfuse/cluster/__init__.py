"""Cluster: group articles into stories, online (`StoryClusterer`) and in batch (`cluster`).

Same topic is not same story: words, entities and time must agree, not just the subject matter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from ..model import Article, Story
from . import features
from .stream import Config, Embedder, StoryClusterer

__all__ = ["Config", "StoryClusterer", "cluster", "default_embedder"]

log = logging.getLogger("newsfuse")


def default_embedder() -> Embedder | None:
    """MiniLM sentence embeddings when the model is installed, else None (clustering goes on without)."""
    try:
        from .. import nlp

        nlp._embedder()
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
) -> list[Story]:
    """Batch: re-cluster a corpus into stories; preset `article.story` (bundles) is kept.

    IDF is fitted on the whole corpus, articles are placed in date order, then reassignment passes
    move each article to its best story (the batch advantage over one online pass).
    """
    config = config or Config()
    if embedder == "default":
        embedder = default_embedder() if config.w_embedding > 0 and embeddings is None else None
    sc = StoryClusterer(config, embedder=None)
    feats = [features.extract(a) for a in articles]
    for f in feats:
        sc.observe(f)
    sc.frozen_df = True
    if embeddings is None and embedder is not None:
        todo = [i for i, a in enumerate(articles) if not (a.meta and a.meta.get("embedding") is not None)]
        embs: list = [None] * len(articles)
        if todo:
            got = embedder([features.article_text(articles[i], 1000) for i in todo])
            for i, e in zip(todo, got):
                embs[i] = e
        embeddings = embs
    docs = [sc.vectorise(a, f, None if embeddings is None else embeddings[i]) for i, (a, f) in enumerate(zip(articles, feats))]
    order = sorted(range(len(articles)), key=lambda i: (feats[i].day is None, feats[i].day or 0.0, i))
    for i in order:
        sc.place(articles[i], docs[i])
    for _ in range(config.refine_passes):
        moved = 0
        for i in order:
            a = articles[i]
            if a.story or (a.duplicate_of and a.duplicate_of in sc.story_of):
                continue
            cur = sc.story_of[a.id]
            sc.detach(docs[i], sc.stories[cur])  # leave-one-out: score against the others
            target = sc.decide(sc.scores(docs[i]))
            st = sc.stories[target] if target else sc._new_story()
            sc.attach(docs[i], st, a.title)
            moved += st.id != cur
        if not moved:
            break
    stories = []
    for st in sc.stories.values():
        stories.append(Story(id=st.id, articles=list(st.articles), title=st.title, keys={"size": len(st.articles)}))
    by_id = {a.id: a for a in articles}
    for s in stories:
        for aid in s.articles:
            if aid in by_id:
                by_id[aid].story = s.id
    return stories
