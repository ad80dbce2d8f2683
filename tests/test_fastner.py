"""The distilled NER head: it replaces the teacher, finds the entities the teacher finds, and decodes
only well-formed entities."""

from __future__ import annotations

import numpy as np
import pytest
import spacy
import spacy.tokens

from newsfuse import nlp
from newsfuse.nlp import fastner

TEXT = (
    "Governor Elena Markovic told reporters in Lviv on Tuesday that the European Commission had pledged "
    "$2.4 billion. \"We will rebuild every bridge,\" Markovic said, adding that the World Bank would send "
    "engineers next month. Mayor Tomas Herrera of Velykodar said about 1,200 people had left the city."
)


@pytest.fixture(scope="module")
def pipeline():
    model = nlp.load()
    if fastner.HEAD_NAME not in model.pipe_names:
        pytest.skip("the distilled head is switched off (NEWSFUSE_FAST_NER=0 or NEWSFUSE_STOCK_SPACY=1)")
    return model


def test_head_replaces_the_teacher(pipeline):
    assert "ner" not in pipeline.pipe_names  # disabled, not run twice
    assert pipeline.pipe_names[-1] == fastner.HEAD_NAME


def test_head_finds_the_people_places_and_figures(pipeline):
    ents = {(e.text, e.label_) for e in pipeline(TEXT).ents}
    for expected in [("Elena Markovic", "PERSON"), ("Lviv", "GPE"), ("Tuesday", "DATE"),
                     ("the European Commission", "ORG"), ("$2.4 billion", "MONEY"), ("Tomas Herrera", "PERSON"),
                     ("about 1,200", "CARDINAL")]:
        assert expected in ents, (expected, sorted(ents))


def test_head_agrees_with_the_teacher_on_the_example_corpus(pipeline, examples_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(examples_dir.glob("*"))]
    teacher = next(spacy.load(name) for name in nlp.SPACY_MODELS if spacy.util.is_package(name))
    gold = {(i, e.start, e.end, e.label_) for i, d in enumerate(teacher.pipe(texts)) for e in d.ents}
    pred = {(i, e.start, e.end, e.label_) for i, d in enumerate(pipeline.pipe(texts)) for e in d.ents}
    people = {g for g in gold if g[3] == "PERSON"}
    assert len(gold) > 100
    assert 2 * len(gold & pred) / (len(gold) + len(pred)) >= 0.85
    assert len(people & pred) / len(people) >= 0.85


def test_decoder_repairs_ill_formed_move_sequences():
    head = fastner.FastNER()
    names = head.moves.names
    # per token, the best move alone would read "I-PERSON L-PERSON O U-GPE I-ORG": no entity may open with I
    best = ["I-PERSON", "L-PERSON", "O", "U-GPE", "I-ORG"]
    logp = np.full((len(best), len(names)), np.log(1e-4))
    for t, move in enumerate(best):
        logp[t, names.index(move)] = np.log(0.6)
    logp[0, names.index("B-PERSON")] = np.log(0.3)
    logp[4, names.index("U-ORG")] = np.log(0.2)
    assert head._decode(logp, 0, len(best)) == [(0, 2, "PERSON"), (3, 4, "GPE"), (4, 5, "ORG")]


def test_whitespace_never_opens_or_closes_an_entity(monkeypatch):
    head = fastner.FastNER()
    names = head.moves.names
    logp = np.full((3, len(names)), np.log(1e-4), dtype=np.float32)
    logp[:, names.index("O")] = np.log(0.3)
    logp[1, names.index("U-GPE")] = np.log(0.7)  # the middle token, a line break, looks like a place
    monkeypatch.setattr(head, "scores", lambda x: logp.copy())
    x = np.zeros((3, 4), dtype=np.float32)
    assert head.entities(x) == [(1, 2, "GPE")]
    assert head.entities(x, np.array([False, True, False])) == []


def test_long_texts_are_scored_in_blocks_with_the_same_result(monkeypatch):
    head = fastner.FastNER()
    x = np.random.default_rng(0).normal(size=(300, head.w1.shape[0] // (2 * head.window + 1))).astype(np.float32)
    whole = head.scores(x)
    monkeypatch.setattr(fastner, "BLOCK", 64)
    assert np.allclose(head.scores(x), whole, atol=1e-4)


def test_head_refuses_a_teacher_it_was_not_distilled_from(pipeline):
    head = fastner.FastNER()
    head.teacher = "0" * 16
    with pytest.raises(ValueError):
        head.bind(pipeline.get_pipe("ner"))


def test_entities_set_before_the_head_are_kept(pipeline):
    with pipeline.select_pipes(disable=[fastner.HEAD_NAME]):
        doc = pipeline(TEXT)
    doc.ents = [spacy.tokens.Span(doc, 1, 3, label="ORG")]  # "Elena Markovic", forced by a rule
    doc = pipeline.get_pipe(fastner.HEAD_NAME)(doc)
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("Elena Markovic", "ORG") in ents and ("Lviv", "GPE") in ents


def test_install_keeps_a_teacher_whose_weights_differ(pipeline):
    fresh = next(spacy.load(name) for name in nlp.SPACY_MODELS if spacy.util.is_package(name))
    inner = next(n for n in fresh.get_pipe("ner").model.get_ref("tok2vec").walk() if "embed" in n.ref_names)
    table = next(n for n in inner.walk() if n.has_param("E"))
    table.set_param("E", table.get_param("E") * 1.01)  # a retrained teacher: same labels, other weights
    assert fastner.install(fresh) is False
    assert "ner" in fresh.pipe_names and fastner.HEAD_NAME not in fresh.component_names


def test_stretches_decoded_together_match_each_decoded_alone():
    head = fastner.FastNER()
    rng = np.random.default_rng(7)
    logp = np.log(rng.dirichlet(np.full(len(head.moves.names), 0.3), size=120)).astype(np.float32)
    stretches = [(0, 1), (1, 6), (9, 10), (12, 40), (41, 43), (50, 51), (60, 119)]
    alone = sorted(span for s, e in stretches for span in head._decode_all(logp, [(s, e)]))
    assert head._decode_all(logp, stretches) == alone
    assert any(e - s > 1 for s, e, _ in alone)  # multi-token entities decoded, not only single tokens
