"""The NLP runtime: spaCy loading and batching (`loading`), its faster rule components (`fastpipes`), the
distilled NER head (`fastner`) and sentence vectors (`vectors`). Training and distillation live in
`newsfuse.training`, which nothing here imports.
"""

from .loading import (
    BATCH_SIZE, MAX_CHARS, SPACY_MODELS, blas_threads, doc_ents, doc_lower, doc_pos, doc_sents, doc_starts, doc_text, doc_tokens, forget, load, parse, pipe, sentences,
    span_ents, threads,
)
from . import vectors
from .vectors import MEMO_MAX, embed, load_embedder, static_embed

__all__ = [
    "BATCH_SIZE", "MAX_CHARS", "MEMO_MAX", "SPACY_MODELS", "blas_threads", "doc_ents", "doc_lower", "doc_pos", "doc_sents", "doc_starts", "doc_text", "doc_tokens", "embed", "forget", "load", "load_embedder", "parse", "pipe",
    "sentences", "span_ents", "static_embed", "threads",
]
