"""The fast ruler/lemmatizer and the numpy-BLAS networks must annotate exactly like stock spaCy.

Entities come from the distilled head (tests/test_fastner.py); with the teacher NER switched back on,
the whole pipeline must match stock spaCy, entities included.
"""

from __future__ import annotations

import pytest
import spacy

from newsfuse import nlp
from newsfuse.nlp import fastner

TEXTS = [
    # invented text with the contractions and multi-token rules the ruler's exceptions cover
    "Y'all gonna see it, the mayor said. Let's go, c'mon! There's no way they ain't coming; "
    "we gotta leave and I'd rather not. It's what you'd do.",
    "There are 14 villages under water, officials said on Tuesday.\n\n  \"We have lost everything,\" "
    "said Marta Koval, 52, who fled with her two sons. She added: \u201cNobody warned us.\u201d",
    "",
    "   ",
    "UPDATED 10:42 GMT \u2014 The ministry's figures were revised twice; 7 dead, 3 missing.",
]


def _signature(doc, ents: bool = True) -> list[tuple]:
    return [
        (t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.is_sent_start)
        + ((t.ent_iob_, t.ent_type_) if ents else ())
        for t in doc
    ]


def test_fast_pipeline_swaps_components():
    names = nlp.load().pipe_names
    assert "newsfuse_attribute_ruler" in names and "newsfuse_lemmatizer" in names
    assert "attribute_ruler" not in names and "lemmatizer" not in names  # disabled, not run twice


def test_fast_pipeline_annotates_like_stock_spacy(examples_dir):
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(examples_dir.glob("*"))]
    stock = None
    for name in nlp.SPACY_MODELS:
        try:
            stock = spacy.load(name)
            break
        except OSError:
            continue
    fast = nlp.load()
    assert len(texts) > 6
    stock_docs = list(stock.pipe(texts))
    for text, a, b in zip(texts, stock_docs, fast.pipe(texts)):
        assert _signature(a, ents=False) == _signature(b, ents=False), text[:60]
    with fastner.teacher(fast):
        for text, a, b in zip(texts, stock_docs, fast.pipe(texts)):
            assert _signature(a) == _signature(b), text[:60]


def test_blis_avx2_kernels_parse_like_its_generic_ones():
    import ctypes

    import blis.cy

    from newsfuse.nlp import loading

    model = nlp.load()
    if not loading.blis_kernels():
        pytest.skip("BLIS picked its own kernels for this CPU (or it lacks AVX2/FMA)")
    lib = ctypes.CDLL(blis.cy.__file__)
    lib.bli_gks_query_cntx.restype = ctypes.c_void_p
    context = ctypes.c_void_p(lib.bli_gks_query_cntx())
    texts = [" ".join(TEXTS)] * 3 + TEXTS  # a batch whose states end at different steps
    fast = [_signature(d) for d in model.pipe(texts)]
    lib.bli_cntx_init_generic(context)
    try:
        generic = [_signature(d) for d in model.pipe(texts)]
    finally:
        assert loading.blis_kernels()
    assert fast == generic and any(t[5] == "nsubj" for doc in fast for t in doc)
