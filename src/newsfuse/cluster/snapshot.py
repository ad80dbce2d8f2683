"""Persisting the streaming clusterer: its whole state as JSON-able data and back.

Reads a `StoryClusterer` (frequencies, stories, window documents, merge map); adds `to_state` (lists,
dicts, numbers, strings; window texts zlib+base64, embeddings float16+base64) and `from_state`.
"""

from __future__ import annotations

import base64
import zlib
from collections import Counter
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from .batch import BatchConfig
from .centroid import Centroid
from .config import Config
from .window import WindowDoc

if TYPE_CHECKING:
    from .stream import Embedder, StoryClusterer


def _pack_text(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")


def _unpack_text(data: str) -> str:
    return zlib.decompress(base64.b64decode(data)).decode("utf-8")


def _pack_emb(emb: np.ndarray | None) -> str | None:
    return None if emb is None else base64.b64encode(np.asarray(emb, dtype="<f2").tobytes()).decode("ascii")


def _unpack_emb(data: str | None) -> np.ndarray | None:
    return None if data is None else np.frombuffer(base64.b64decode(data), dtype="<f2").astype(np.float32)


def head_state(sc: StoryClusterer) -> dict[str, Any]:
    """The small part of the state: config, counters and ids (no stories, window, frequencies or merges)."""
    return {
        "version": 2,
        "config": asdict(sc.config),
        "batch_config": asdict(sc.batch_config),
        "since_recluster": sc.since_recluster,
        "id_prefix": sc.id_prefix,
        "n_docs": sc.n_docs,
        "frozen_df": sc.frozen_df,
        "next_id": sc.next_id,
        "seq": sc.seq,
        "max_day": sc.max_day,
        "evicted": sc.evicted,
    }


def to_state(sc: StoryClusterer) -> dict[str, Any]:
    """Everything needed to resume, as JSON-able data (lists, dicts, numbers, strings)."""
    nz = np.flatnonzero(sc.df)
    return {
        **head_state(sc),
        "merged_into": sc.merged_into,
        # window documents: [id, title, zlib+base64 text, base64 float16 embedding, duplicate_of, day]
        "docs": [[a, *doc_state(d)] for a, d in sc.docs.items()],
        "df_keys": nz.tolist(),
        "df_counts": sc.df[nz].tolist(),
        "stories": [story_state(st) for st in sc.stories.values()],
    }


def doc_state(d: WindowDoc) -> list[Any]:
    """A window document as JSON-able data: [title, zlib+base64 text, base64 float16 embedding, duplicate_of, day]."""
    return [d.title, _pack_text(d.text), _pack_emb(d.emb), d.duplicate_of, d.day]


def story_state(st: Centroid) -> dict[str, Any]:
    """A story centroid as JSON-able data (exact: floats as they are, the embedding as a float32 list)."""
    return {
        "id": st.id, "articles": st.articles, "title": st.title, "seq": st.seq, "preset": st.preset,
        "words": [[k, v] for k, v in st.words.items()], "words_n2": st.words_n2,
        "entities": [[k, v] for k, v in st.entities.items()], "entities_n2": st.entities_n2,
        "emb": None if st.emb is None else st.emb.tolist(),
        "first_day": st.first_day, "last_day": st.last_day,
        "keys": [[k, v] for k, v in st.keys.items()],
    }


def from_state(
    cls: type[StoryClusterer], state: dict[str, Any], *, embedder: Embedder | None = None
) -> StoryClusterer:
    """Rebuild a clusterer of class `cls` from `to_state` output (version 1 states load with an empty window)."""
    sc = cls(
        Config(**state["config"]), embedder=embedder, id_prefix=state.get("id_prefix", "story-"),
        batch_config=BatchConfig(**state["batch_config"]) if "batch_config" in state else None,
    )
    sc.since_recluster = state.get("since_recluster", 0)
    sc.merged_into = dict(state.get("merged_into", {}))
    for a, title, text, emb, dup, day in state.get("docs", []):
        sc.docs[a] = WindowDoc(title, _unpack_text(text), _unpack_emb(emb), dup, day)
    sc.n_docs = state["n_docs"]
    sc.frozen_df = state.get("frozen_df", False)
    sc.df[np.asarray(state["df_keys"], dtype=np.int64)] = np.asarray(state["df_counts"], dtype=np.int32)
    sc.next_id, sc.seq, sc.max_day = state["next_id"], state["seq"], state["max_day"]
    sc.evicted = state.get("evicted", 0)
    for s in state["stories"]:
        st = Centroid(
            s["id"], list(s["articles"]), {int(k): v for k, v in s["words"]}, {int(k): v for k, v in s["entities"]},
            s["words_n2"], s["entities_n2"], None if s["emb"] is None else np.asarray(s["emb"], dtype=np.float32),
            s["first_day"], s["last_day"], Counter({int(k): v for k, v in s["keys"]}), s["title"], s["seq"], s["preset"],
        )
        sc.stories[st.id] = st
        for a in st.articles:
            sc.story_of[a] = st.id
        for t in st.keys:
            sc.index.setdefault(t, set()).add(st.id)
    return sc
