"""Scale: Dask analysis equals the serial path, the content-hash cache is hit on a re-run, Parquet export reads back.

The articles are invented here (a fictional harbour fire told by six outlets). The Dask test starts
a real two-process LocalCluster (a few seconds); it is marked `slow` only so `-m "not slow"` can skip it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from newsfuse import pipeline, scale
from newsfuse.ingest import content_hash
from newsfuse.model import Analysis, Article, Story, to_dict

TEXTS = {
    "harbour-wire": (
        "Fire breaks out at Port Almeric warehouse",
        "A fire broke out on Tuesday at a grain warehouse in Port Almeric, officials said. "
        "About 40 firefighters fought the blaze for six hours. "
        '"The fire is now under control," said fire chief Mara Delacourt. '
        "No injuries were reported, according to the harbour authority.",
    ),
    "coastal-daily": (
        "Port Almeric blaze contained after six hours",
        "Firefighters contained a large fire at a Port Almeric grain store on Tuesday. "
        "Chief Mara Delacourt told reporters that more than 45 crews had been deployed. "
        "The warehouse, owned by Belvane Shipping, held 3,000 tonnes of wheat.",
    ),
    "almeric-post": (
        "Warehouse fire shuts harbour for a day",
        "The harbour of Port Almeric was closed on Wednesday after a fire destroyed a warehouse. "
        "Belvane Shipping said the loss could reach 12 million euros. "
        'Harbour master Tomas Ek said: "We expect to reopen by Thursday morning."',
    ),
    "north-herald": (
        "Investigators look into cause of Almeric fire",
        "Investigators began examining the burnt warehouse in Port Almeric on Wednesday. "
        "Police spokesperson Ilse Varga said an electrical fault was the likeliest cause. "
        "The blaze started shortly after 3 p.m. on Tuesday.",
    ),
    "river-times": (
        "Grain prices edge up after harbour fire",
        "Wheat prices rose 2 percent in regional markets after the Port Almeric fire. "
        "Traders said about 3,000 tonnes of grain were lost. "
        "Belvane Shipping has promised to compensate local farmers within two weeks.",
    ),
    "valley-echo": (
        "Town council meets on fire safety",
        "The Port Almeric town council will meet on Friday to review fire safety at the docks. "
        'Mayor Helena Rusk said the council "will not wait for the next disaster." '
        "The meeting is open to the public.",
    ),
}


def make_articles() -> list[Article]:
    """Six cleaned articles (fresh objects each call)."""
    arts = [
        Article(id=aid, source=f"{aid}.txt", raw=f"{title}\n\n{body}\n", title=title, outlet=aid.replace("-", " ").title(),
                published="2031-05-13", content_hash=content_hash(f"{title}\n\n{body}\n"), meta={"format": "text"})
        for aid, (title, body) in TEXTS.items()
    ]
    return pipeline.clean_all(arts)


@pytest.fixture(scope="module")
def serial() -> dict[str, Analysis]:
    return pipeline.analyze(make_articles())


def test_chunks_are_even_and_cover_every_worker() -> None:
    arts = [Article(id=str(i)) for i in range(100)]
    parts = scale.chunks(arts, 2)
    assert [len(p) for p in parts] == [25, 25, 25, 25]
    assert [a.id for p in parts for a in p] == [a.id for a in arts]
    assert len(scale.chunks(arts[:6], 2)) == 2
    assert scale.chunks([], 2) == []


@pytest.mark.slow
def test_distributed_equals_serial(serial: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfuse import nlp

    monkeypatch.setattr(nlp.vectors, "_MEMO", type(nlp.vectors._MEMO)())
    arts = make_articles()
    got = scale.analyze_distributed(arts, 2, cache=False, vectors=True)
    assert list(got) == list(serial)
    assert to_dict(got) == to_dict(serial)
    assert any(an.quotes for an in got.values()) and any(an.claims for an in got.values())
    # the workers' MiniLM vectors (one per article) came back: the very vectors this process computes
    shipped = dict(nlp.vectors._MEMO)
    assert len(shipped) == len(arts)
    here = nlp.vectors.embedder()(list(shipped))
    assert all(np.array_equal(v, here[i]) for i, v in enumerate(shipped.values()))
    computed: list[str] = []
    real = nlp.vectors.embedder()
    monkeypatch.setattr(nlp.vectors, "embedder", lambda: lambda texts: computed.extend(texts) or real(texts))
    assert pipeline.vectorise(arts, got) == len(arts) and computed == []


def test_cache_hit_on_second_run(tmp_path: Path, serial: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch) -> None:
    cache = scale.AnalysisCache(tmp_path / "cache")
    first = scale.analyze_distributed(make_articles(), 1, cache=cache)
    assert (cache.hits, cache.misses) == (0, 6)
    assert to_dict(first) == to_dict(serial)

    def boom(*_a, **_k):
        raise AssertionError("analysed again despite the cache")

    monkeypatch.setattr(scale, "analyze", boom)
    second = scale.analyze_distributed(make_articles(), 1, cache=cache)
    assert (cache.hits, cache.misses) == (6, 6)
    assert list(second) == list(serial) and second == first

    # another input that analysis reads (the publication date) is another key: a miss, not a stale hit
    changed = make_articles()
    changed[0].published = "2031-06-01"
    assert cache.get(changed[0]) is None


def test_cache_from_environment_used_by_fuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(scale.CACHE_ENV, str(tmp_path / "c"))
    assert scale.enabled(1) and scale.enabled(3)
    monkeypatch.delenv(scale.CACHE_ENV)
    assert not scale.enabled(1) and scale.enabled(2)


def test_cli_brief_workers_goes_through_scale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsfuse.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for aid, (title, body) in list(TEXTS.items())[:3]:
        (corpus / f"{aid}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    seen = []
    real = scale.analyze_distributed

    def spy(articles, workers, client=None, **kw):
        seen.append(workers)
        return real(articles, 1, client, cache=False, **kw)  # no cluster here: the wiring is what is tested

    monkeypatch.setattr(scale, "analyze_distributed", spy)
    res = CliRunner().invoke(app, ["brief", str(corpus), "--workers", "2", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert seen == [2]


def test_export_parquet_round_trip(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from newsfuse.cli import app
    from newsfuse.store import open_store

    db = f"sqlite:///{tmp_path / 'nf.db'}"
    arts = make_articles()[:3]
    arts[1].duplicate_of = arts[0].id
    story = Story(id="s1", articles=[a.id for a in arts], title="Harbour fire")
    doc = {"schema": "newsfuse/brief-v1", "articles": [], "stories": [{
        "id": "s1", "title": "Harbour fire",
        "facts": [{"id": "f1", "text": "A fire broke out at a grain warehouse.", "articles": ["harbour-wire", "coastal-daily"],
                   "support": 2, "outlets": ["Harbour Wire", "Coastal Daily"], "variants": [{"article": "harbour-wire"}, {"article": "coastal-daily"}]}],
        "quotes": [{"id": "q1", "speaker": "Mara Delacourt", "text": "The fire is now under control", "articles": ["harbour-wire"],
                    "outlets": ["Harbour Wire"], "variants": [{"article": "harbour-wire", "direct": True}]}],
        "conflicts": [{"id": "c1", "topic": "firefighters", "kind": "contradiction", "severity": "medium",
                       "explanation": "About 40 vs more than 45 crews.", "outlets": ["Harbour Wire", "Coastal Daily"],
                       "claims": [{"article": "harbour-wire", "text": "About 40 firefighters", "value": 40, "unit": "", "published": "2031-05-13"},
                                  {"article": "coastal-daily", "text": "more than 45 crews", "value": 45.0, "unit": "", "published": None}]}],
    }]}
    st = open_store(db)
    try:
        for a in arts:
            assert st.put_article(a, Analysis(article=a.id))
        st.write_story(story, [(a.id, a.duplicate_of, None) for a in arts], doc)
    finally:
        st.close()

    out = tmp_path / "parquet"
    res = CliRunner().invoke(app, ["export", "--db", db, "--parquet", str(out)])
    assert res.exit_code == 0, res.output

    articles = pq.read_table(out / "articles.parquet").to_pylist()
    assert [r["id"] for r in articles] == [a.id for a in arts]
    first = articles[0]
    assert first["story"] == "s1" and first["outlet"] == "Harbour Wire" and first["published"] == "2031-05-13"
    assert first["text_length"] == len(arts[0].text) and first["removed_count"] == len(arts[0].removed)
    assert articles[1]["duplicate_of"] == "harbour-wire"
    facts = pq.read_table(out / "facts.parquet").to_pylist()
    assert facts == [{"story": "s1", "id": "f1", "text": "A fire broke out at a grain warehouse.", "support": 2,
                      "articles": ["harbour-wire", "coastal-daily"], "outlets": ["Harbour Wire", "Coastal Daily"], "variants": 2}]
    quotes = pq.read_table(out / "quotes.parquet").to_pylist()
    assert quotes[0]["speaker"] == "Mara Delacourt" and quotes[0]["direct"] is True
    conflicts = pq.read_table(out / "conflicts.parquet").to_pylist()
    assert len(conflicts) == 1 and conflicts[0]["kind"] == "contradiction"
    assert conflicts[0]["articles"] == ["harbour-wire", "coastal-daily"]
    assert [c["value"] for c in conflicts[0]["claims"]] == [40.0, 45.0]


def test_export_empty_store_writes_typed_empty_tables(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    from newsfuse.store import open_store

    st = open_store(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        written = scale.export_parquet(st, tmp_path / "out")
    finally:
        st.close()
    assert {k: n for k, (_p, n) in written.items()} == {"articles": 0, "facts": 0, "quotes": 0, "conflicts": 0}
    assert "text_length" in pq.read_table(tmp_path / "out" / "articles.parquet").column_names



def test_export_missing_sqlite_is_one_line_error(tmp_path: Path) -> None:
    from newsfuse.cli import app

    res = CliRunner().invoke(app, ["export", "--db", f"sqlite:///{tmp_path / 'nope.db'}", "--parquet", str(tmp_path / "o")])
    assert res.exit_code == 1 and "no such database" in res.output
    assert not (tmp_path / "nope.db").exists()


def test_scheduler_from_environment(serial: dict[str, Analysis], monkeypatch: pytest.MonkeyPatch) -> None:
    # an in-process (threads) cluster stands in for a remote one: cheap, and spaCy is already loaded here
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        monkeypatch.setenv(scale.SCHEDULER_ENV, cluster.scheduler_address)
        got = scale.analyze_distributed(make_articles(), 2, cache=False)
        assert cluster.scheduler.clients.keys() - {"fire-and-forget"} == set()  # our client was closed
    assert to_dict(got) == to_dict(serial)


def test_cache_key_changes_with_the_ner_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    # the distilled head and the teacher NER give different entities: their analyses must not be shared
    monkeypatch.delenv("NEWSFUSE_FAST_NER", raising=False)
    scale.stage_fingerprint.cache_clear()
    head = scale.stage_fingerprint()
    monkeypatch.setenv("NEWSFUSE_FAST_NER", "0")
    scale.stage_fingerprint.cache_clear()
    teacher = scale.stage_fingerprint()
    scale.stage_fingerprint.cache_clear()
    assert head != teacher


def test_local_workers_start_method(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forked on Linux unless $NEWSFUSE_DASK_START names another method; a name that is no method is ignored."""
    import multiprocessing
    import sys

    monkeypatch.delenv(scale.START_ENV, raising=False)
    assert scale._start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
    monkeypatch.setenv(scale.START_ENV, "spawn")
    assert scale._start_method() == "spawn"
    monkeypatch.setenv(scale.START_ENV, "teleport")
    assert scale._start_method() in multiprocessing.get_all_start_methods()
    assert scale._start_method() != "teleport"


def test_forked_child_builds_its_own_minilm_session() -> None:
    """The parent's MiniLM session is not reused in a forked child (its threads are not there); vectors agree."""
    import os

    from newsfuse import nlp
    from newsfuse.nlp import vectors

    text = "Crews reopened the coast road after the flood."
    parent = vectors.embedder()
    want = parent([text])[0]
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a new session, the same vector
        try:
            os.close(r)
            fresh = vectors.embedder()
            ok = fresh is not parent and parent in vectors._FORKED_AWAY
            got = fresh([text])[0]
            os.write(w, b"1" if ok and float(got @ want) > 0.9999 else b"0")
        finally:
            os._exit(0)
    os.close(w)
    verdict = os.read(r, 1)
    os.waitpid(pid, 0)
    assert verdict == b"1"
    assert nlp.embed is not None
