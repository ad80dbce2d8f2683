"""The streaming clusterer's knobs: `Config`, one configuration for all corpora (tuned on dev splits only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Config:
    """Every knob of the clusterer, one configuration for all corpora (tuned on dev splits only)."""

    w_words: float = 0.45  # weight of the word/bigram TF-IDF cosine
    w_entities: float = 0.30  # weight of the capitalised-phrase entity cosine
    w_embedding: float = 0.25  # weight of the MiniLM cosine (topic-level signal, kept small)
    threshold: float = 0.20  # absolute floor a story's similarity must reach (large stories)
    threshold_single: float = 0.20  # floor against a one-article story (a single document's cosine runs lower)
    relative: float = 0.0  # adaptive part: also beat `relative` x the doc's background similarity
    background: int = 5  # how many runner-up stories form a document's background similarity
    margin: float = 0.05  # best story must beat the second best by this much when below `confident`
    confident: float = 0.45  # above this similarity, join without the margin test
    time_scale_days: float = 30.0  # similarity is divided by (1 + gap / time_scale_days)
    window_days: float = 730.0  # stories idle this long (in stream time) leave the active set (dev events span 622 d)
    max_active: int = 50_000  # cap on active stories for undated streams (least recently updated go)
    doc_terms: int = 200  # kept word terms per document vector
    doc_entities: int = 60  # kept entity terms per document vector
    query_terms: int = 25  # top terms of a new document used to look up candidate stories
    index_terms: int = 12  # top terms of each member document posted to the story index
    max_candidates: int = 40  # stories scored per new document
    refine_passes: int = 2  # unused since batch mode moved to `batch` (kept so saved states still load)
    recluster_every: int = 200  # K: re-cluster the window with the batch algorithm every K new articles (0: never)
    window_articles: int = 2000  # cap on articles re-clustered at once (most recently updated stories first)
