"""The store keeps articles, analyses, stories and briefs safely on SQLite and PostgreSQL.

Every test runs on a fresh SQLite file and, when `NEWSFUSE_TEST_PG` is set (as `.ci/run` does), on a
fresh PostgreSQL schema that is dropped afterwards. The articles below are invented for these tests.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from newsfuse import ingest, pipeline
from newsfuse.model import (
    Analysis, Article, Claim, DateRef, Entity, Mention, Quantity, Quote, Segment, Sentence, Speaker, Story, to_dict,
)
from newsfuse.store import ArticleRejected, StoreError, open_store, resolve_url
from newsfuse.store import schema as S
from newsfuse.codec import from_dict
from newsfuse.store.update import ingest_articles

# Short invented reports of two invented events (a bridge closure and a library fire).
ARTICLES = {
    "denmere-gazette.txt": (
        "Denmere closes Harlow Bridge after inspectors find cracks\n"
        "Menu: News | Sport | Weather\n"
        "The town of Denmere closed the Harlow Bridge on Monday after inspectors found cracks in two of its piers.\n"
        "\"We cannot take any risk with a structure this old,\" said council engineer Ruth Okafor.\n"
        "About 12,000 vehicles cross the bridge every day, according to the council.\n"
        "Copyright 2024 Denmere Gazette. All rights reserved.\n"
    ),
    "valley-post.txt": (
        "Harlow Bridge shut as cracks spread\n"
        "Denmere council shut the Harlow Bridge on Monday. Inspectors found cracks in two piers.\n"
        "Ruth Okafor, the council engineer, said the town could not take any risk with the bridge.\n"
        "Roughly 11,500 vehicles use the crossing daily.\n"
        "Related: Denmere budget vote delayed\n"
    ),
    "wire-a.txt": (
        "Bridge closed in Denmere\n"
        "DENMERE - Officials closed the Harlow Bridge on Monday after cracks were found in two piers, the council said.\n"
        "Repairs could take up to six weeks.\n"
    ),
    "wire-b.txt": (
        "Bridge closed in Denmere\n"
        "DENMERE - Officials closed the Harlow Bridge on Monday after cracks were found in two piers, the council said.\n"
        "Repairs could take up to six weeks.\n"
    ),
    "north-herald.txt": (
        "Detour adds 20 minutes for Denmere commuters\n"
        "Drivers faced a 20-minute detour on Tuesday, a day after the Harlow Bridge was closed.\n"
        "Bus operator Lintway said it would add two extra services during the closure.\n"
    ),
    "castleford-times.txt": (
        "Fire damages Castleford library\n"
        "A fire broke out at the Castleford public library late on Saturday, destroying about 3,000 books.\n"
        "Fire chief Tomas Berg said the blaze started in a storage room.\n"
    ),
    "castleford-echo.txt": (
        "Library fire: thousands of books lost\n"
        "Around 3,000 books were lost when fire swept through Castleford library on Saturday night.\n"
        "\"The reading room was saved,\" said librarian Anna Lind.\n"
        "3 hours ago\n"
    ),
    "regional-news.txt": (
        "Castleford library to reopen in spring\n"
        "The Castleford library, damaged by a fire on Saturday, will reopen in the spring, the town said.\n"
        "Insurers estimate the damage at 1.2 million euros.\n"
    ),
}

PG_ENV = "NEWSFUSE_TEST_PG"


def write_corpus(directory: Path, names: list[str] | None = None) -> Path:
    """Write (some of) the invented articles into `directory`; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in names or list(ARTICLES):
        (directory / name).write_text(ARTICLES[name], encoding="utf-8")
    return directory


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def fresh_db(kind: str, directory: Path) -> Iterator[str]:
    """A fresh database URL: a SQLite file in `directory`, or a throwaway schema in $NEWSFUSE_TEST_PG's server."""
    if kind == "sqlite":
        yield f"sqlite:///{directory / 'store.db'}"
        return
    pg = os.environ.get(PG_ENV)
    if not pg:
        pytest.skip(f"PostgreSQL not configured: set {PG_ENV}=postgresql://user:pass@host/db (.ci/run does)")
    schema = f"nf_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(resolve_url(pg))
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {str(exc.orig).splitlines()[0]}")
    url = sa.engine.make_url(resolve_url(pg)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database per test, on each engine (PostgreSQL skipped with a reason when not configured)."""
    with fresh_db(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(db_url: str):
    st = open_store(db_url)
    yield st
    st.close()


def _article(aid: str = "a1", raw: str = "Line one.\nRelated: junk\nLine two.") -> Article:
    a = Article(id=aid, source=f"/in/{aid}.txt", raw=raw, title="T", outlet="Denmere Gazette", published="2024-03-04",
                content_hash=ingest.content_hash(raw), meta={"format": "text"})
    a.kept_spans = [(0, 9), (24, 33)]
    a.removed = [Segment("Related: junk", "earlier-link", 10, 23)]
    a.text = "Line one.\nLine two."
    return a


def _analysis(aid: str = "a1") -> Analysis:
    ent = Entity(f"{aid}#e0", "Ruth Okafor", "PERSON", ["Okafor"], [Mention(aid, 0, 4, "Ruth")])
    return Analysis(
        article=aid,
        sentences=[Sentence(aid, 0, 0, 9, "Line one.")],
        entities=[ent],
        quotes=[Quote(aid, 1, 5, "ine", True, Speaker("Ruth Okafor", ent.id, 0, 4, "Ruth"), "said")],
        claims=[Claim(aid, 0, 9, "Line one.", [Quantity(12000.0, "", "about", "12,000", 1, 7)], "vehicles", "",
                      [DateRef("Monday", "2024-03-04")])],
        dates=[DateRef("Monday", "2024-03-04", granularity="day")],
        warnings=["w"],
    )


def test_resolve_url_defaults_and_maps_postgres(monkeypatch):
    monkeypatch.delenv("NEWSFUSE_DB", raising=False)
    assert resolve_url() == "sqlite:///newsfuse.db"
    assert resolve_url("postgresql://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert resolve_url("some/file.db") == "sqlite:///some/file.db"
    monkeypatch.setenv("NEWSFUSE_DB", "postgresql://x@y/z")
    assert resolve_url() == "postgresql+psycopg://x@y/z"


def test_codec_round_trips_nested_analysis():
    an = _analysis()
    back = from_dict(Analysis, json.loads(json.dumps(to_dict(an))))
    assert back == an
    assert isinstance(back.quotes[0].speaker, Speaker) and isinstance(back.claims[0].quantities[0], Quantity)


def test_article_and_analysis_round_trip(store):
    a, an = _article(), _analysis()
    assert store.put_article(a, an) is True
    got = store.article("a1")
    assert got is not None
    for f in ("raw", "text", "title", "outlet", "published", "content_hash", "source"):
        assert getattr(got, f) == getattr(a, f)
    assert got.removed == a.removed and got.kept_spans == a.kept_spans
    assert got.meta["base_id"] == "a1" and got.meta["format"] == "text"
    assert store.analysis("a1") == an
    assert store.counts() == {"articles": 1, "analyses": 1, "stories": 0, "briefs": 0}


def test_same_text_is_a_noop_and_new_text_becomes_a_new_version(store):
    a = _article()
    store.put_article(a, _analysis())
    assert store.plan(_article()) is None  # same id, same text
    assert store.put_article(_article(), _analysis()) is False
    changed = _article(raw="Line one.\nRelated: junk\nLine two, corrected.")
    assert store.plan(changed) == "a1~2"
    changed.meta["base_id"], changed.id = "a1", "a1~2"
    assert store.put_article(changed, _analysis("a1~2")) is True
    assert [x.id for x in store.articles()] == ["a1", "a1~2"]
    assert store.article("a1").raw == a.raw  # the original is never overwritten
    assert store.plan(_article(raw="third text")) == "a1~3"


def test_id_clash_is_rejected_with_one_line(store):
    store.put_article(_article(), _analysis())
    clash = _article(raw="other text")
    clash.meta["base_id"] = "other"  # a different base id that asks for an id already taken
    with pytest.raises(ArticleRejected, match="^a1: cannot store"):
        store.put_article(clash, _analysis())
    assert store.counts()["articles"] == 1


def test_story_write_is_atomic(store):
    store.put_article(_article(), _analysis())
    with pytest.raises(sa.exc.IntegrityError):  # a member that does not exist: FK violation mid-transaction
        store.write_story(Story("s1", title="x"), [("a1", None, None), ("ghost", None, None)], {"schema": "x"})
    assert store.counts()["stories"] == 0 and store.counts()["briefs"] == 0
    assert store.article("a1").story is None
    store.write_story(Story("s1", title="x"), [("a1", None, None)], {"schema": "x"}, "# x", "<h1>x</h1>")
    assert store.memberships() == {"s1": ["a1"]} and store.rendered("s1", "md") == "# x"
    assert store.check() == []
    store.delete_story("s1")
    assert store.counts() == {"articles": 1, "analyses": 1, "stories": 0, "briefs": 0}
    assert store.article("a1").story is None


def test_ingest_builds_stories_and_reingest_is_noop(store, tmp_path):
    corpus = write_corpus(tmp_path / "in")
    report = ingest_articles(store, ingest.ingest([str(corpus)]))
    assert len(report.added) == len(ARTICLES) and not report.problems
    counts = store.counts()
    assert counts["articles"] == counts["analyses"] == len(ARTICLES)
    assert counts["stories"] >= 1 and counts["briefs"] == counts["stories"]
    members = store.memberships()
    assert sorted(a for ids in members.values() for a in ids) == sorted(a.id for a in store.articles())
    assert store.check() == []
    wire_b = store.article("wire-b")
    assert wire_b.duplicate_of == "wire-a"  # an exact wire copy is marked
    art = store.article("denmere-gazette")
    fresh = pipeline.clean_all(ingest.ingest([str(corpus / "denmere-gazette.txt")]))[0]
    assert (art.raw, art.text, art.removed, art.kept_spans) == (fresh.raw, fresh.text, fresh.removed, fresh.kept_spans)
    brief = store.brief(next(iter(members)))
    assert brief["schema"] == "newsfuse/brief-v1"

    again = ingest_articles(store, ingest.ingest([str(corpus)]))
    assert again.added == [] and len(again.unchanged) == len(ARTICLES) and again.stories_updated == []
    assert store.counts() == counts and store.memberships() == members


def test_story_ids_stay_stable_as_articles_arrive(store, tmp_path):
    first = write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt"])
    ingest_articles(store, ingest.ingest([str(first)]))
    before = store.memberships()
    owner = {a: s for s, ids in before.items() for a in ids}
    more = write_corpus(tmp_path / "two", ["wire-a.txt", "north-herald.txt"])
    ingest_articles(store, ingest.ingest([str(more)]))
    after = store.memberships()
    owner_after = {a: s for s, ids in after.items() for a in ids}
    assert owner_after["denmere-gazette"] == owner["denmere-gazette"]
    assert store.check() == []


def test_new_article_rebriefs_only_its_own_story(store, tmp_path):
    first = write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt", "castleford-times.txt"])
    ingest_articles(store, ingest.ingest([str(first)]))
    before = {s.id: s.updated_at for s in store.stories()}
    assert store.get_state("cluster") and store.get_state("dedupe")  # streaming state persisted
    more = write_corpus(tmp_path / "two", ["castleford-echo.txt"])
    report = ingest_articles(store, ingest.ingest([str(more)]))
    owner = store.article("castleford-echo").story
    assert report.stories_updated == [owner]
    for sid, stamp in before.items():
        if sid != owner:
            assert store.story(sid).updated_at == stamp
    assert store.check() == []


def test_an_old_article_in_a_new_batch_lands_in_a_written_story(store, tmp_path):
    """The stream's time window must not drop the old article's story before the batch is written."""
    first = ingest.ingest([str(write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt"]))])
    for a in first:
        a.published = "2024-03-04"
    ingest_articles(store, first)
    batch = ingest.ingest([str(write_corpus(tmp_path / "two", ["castleford-times.txt", "north-herald.txt"]))])
    old, new = sorted(batch, key=lambda a: a.id)  # castleford-times arrives first
    old.published, new.published = "2019-06-01", "2024-03-05"  # five years older than the stream's window
    ingest_articles(store, [old, new])
    placed = {a.id: a.story for a in store.articles()}
    assert all(placed.values()), placed
    assert placed["castleford-times"] != placed["denmere-gazette"]
    members = store.memberships()
    assert members[placed["castleford-times"]] == ["castleford-times"]
    assert store.brief(placed["castleford-times"]) is not None and store.check() == []


def test_older_schema_is_upgraded_at_open(db_url):
    old = open_store(db_url, migrate_to=1)
    assert old.schema_version() == 1
    with old.engine.begin() as conn:  # a row written by a version-1 newsfuse
        assert "articles_key" not in {c["name"] for c in sa.inspect(conn).get_columns("briefs")}
        conn.execute(sa.text(
            "INSERT INTO articles (id, base_id, content_hash, version, source, outlet, title, author, url,"
            " published_inferred, raw, text, removed, kept_spans, meta, ingested_at)"
            " VALUES ('old', 'old', 'h', 1, '', '', 'Old', '', '', false, 'Old raw.', 'Old raw.', '[]', '[]', '{}',"
            " '2024-01-01T00:00:00+00:00')"))
        conn.execute(sa.text("INSERT INTO analyses (article_id, data) VALUES ('old', '{\"article\": \"old\"}')"))
    old.close()
    st = open_store(db_url)
    try:
        assert st.schema_version() == S.LATEST == 5
        assert st.article("old").raw == "Old raw."  # data survives the upgrade
        with st.engine.connect() as conn:
            insp = sa.inspect(conn)
            assert {"state", "state_rows", "sentence_vectors"} <= set(insp.get_table_names())
            assert "articles_key" in {c["name"] for c in insp.get_columns("briefs")}
        st.write_story(Story("s-old"), [("old", None, None)], {"schema": "x"})
        assert st.check() == []
    finally:
        st.close()
    assert open_store(db_url).schema_version() == 5  # reopening is a no-op


def test_newer_schema_is_refused(db_url):
    st = open_store(db_url)
    with st.engine.begin() as conn:
        conn.execute(S.schema_version.update().values(version=99))
    st.close()
    with pytest.raises(StoreError, match="schema version 99, newer than"):
        open_store(db_url)


def test_locked_sqlite_gives_one_line_error(tmp_path):
    path = tmp_path / "locked.db"
    st = open_store(f"sqlite:///{path}", timeout=0.2)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError) as info:
            st.put_article(_article(), _analysis())
        msg = str(info.value)
        assert "busy" in msg and "\n" not in msg
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert st.put_article(_article(), _analysis()) is True  # works once the lock is gone
    st.close()


def test_unreachable_database_gives_one_line_error():
    with pytest.raises(StoreError) as info:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none", timeout=1)
    msg = str(info.value)
    assert msg.startswith("cannot use database postgresql+psycopg://nobody:***@127.0.0.1:1/none")
    assert "secret" not in msg and "\n" not in msg


class _Killed(BaseException):
    """Stands in for the process dying at a crash point (`os._exit`)."""


@pytest.mark.parametrize("crash", [False, True])
def test_recluster_merges_stored_stories_and_redirects(store, db_url, tmp_path, monkeypatch, crash):
    from newsfuse.cluster import StoryClusterer
    from newsfuse.cluster.stream import Reclustered
    from newsfuse.store import update
    from newsfuse.store.update import moved_to, refresh_stories

    monkeypatch.setattr(StoryClusterer, "decide", lambda self, scored: None)  # online stage never merges
    monkeypatch.setattr(StoryClusterer, "recluster", lambda self: Reclustered())
    first = write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt"])
    ingest_articles(store, ingest.ingest([str(first)]))
    split = store.memberships()
    assert len(split) == 2  # the same bridge story twice, as the online stage left it
    monkeypatch.undo()
    monkeypatch.setattr(StoryClusterer, "decide", lambda self, scored: None)
    more = write_corpus(tmp_path / "two", ["castleford-times.txt"])
    if crash:  # die after the first story write of the merging refresh, then run the refresh again
        monkeypatch.setenv("NEWSFUSE_TEST_CRASH_AFTER", "stories:1")
        monkeypatch.setattr(update.os, "_exit", lambda code: (_ for _ in ()).throw(_Killed()))
        with pytest.raises(_Killed):
            ingest_articles(store, ingest.ingest([str(more)]))
        monkeypatch.delenv("NEWSFUSE_TEST_CRASH_AFTER")
        updated = set(refresh_stories(store)[0])
    else:  # end of batch: the window re-clustering merges the two
        updated = set(ingest_articles(store, ingest.ingest([str(more)])).stories_updated)
    after = store.memberships()
    kept = store.article("denmere-gazette").story
    assert store.article("valley-post").story == kept and kept in split and (crash or kept in updated)
    (gone,) = set(split) - {kept}
    assert gone not in after and moved_to(store, gone) == kept and moved_to(store, kept) is None
    assert sorted(a for ids in after.values() for a in ids) == sorted(a.id for a in store.articles())
    assert store.check() == []
    if not crash:  # `newsfuse show OLD_ID` follows the merge instead of failing
        from typer.testing import CliRunner

        from newsfuse.cli import app

        res = CliRunner().invoke(app, ["show", gone, "--format", "json", "--db", db_url])
        assert res.exit_code == 0 and json.loads(res.stdout)["stories"][0]["id"] == kept


def _clusterer_state(store) -> str:
    """The stored clusterer, rebuilt from its head and rows, as canonical JSON."""
    from newsfuse.cluster import StoryClusterer

    head = json.loads(store.get_state("cluster"))
    assert head["rows"] and "stories" not in head and "df_keys" not in head  # the head is small
    return json.dumps(StoryClusterer.from_rows(head, store.get_rows("cluster")).state(), sort_keys=True)


def _spy_rows(monkeypatch, cls=None) -> list:
    """Record every `changed_rows` result the refreshes save, of the clusterer or of `cls`."""
    from newsfuse.cluster import StoryClusterer

    cls = cls or StoryClusterer
    seen: list = []
    orig = cls.changed_rows

    def spy(self):
        head, rows = orig(self)
        seen.append(rows)
        return head, rows

    monkeypatch.setattr(cls, "changed_rows", spy)
    return seen


FIRST = ["denmere-gazette.txt", "valley-post.txt", "castleford-times.txt", "regional-news.txt"]


def test_clusterer_saved_row_by_row_and_a_crash_mid_save_keeps_the_last_state(store, tmp_path, monkeypatch):
    from newsfuse.store import stages, update
    from newsfuse.store.update import refresh_stories

    first, more = write_corpus(tmp_path / "one", FIRST), write_corpus(tmp_path / "two", ["castleford-echo.txt"])
    with open_store(f"sqlite:///{tmp_path / 'ref.db'}") as ref:  # the same two batches without a crash
        ingest_articles(ref, ingest.ingest([str(first)]))
        ingest_articles(ref, ingest.ingest([str(more)]))
        ref_members, ref_state = ref.memberships(), _clusterer_state(ref)

    ingest_articles(store, ingest.ingest([str(first)]))
    before = store.memberships()
    head, rows = store.get_state("cluster"), store.get_rows("cluster")
    assert sorted(rows["story"]) == sorted(before) and len(rows["doc"]) == len(FIRST) and "base" in rows["df"]
    # die after the first state row of the next save (inside its transaction): nothing of it may remain
    monkeypatch.setattr(stages, "_CHUNK", 1)
    monkeypatch.setenv("NEWSFUSE_TEST_CRASH_AFTER", "state:1")
    monkeypatch.setattr(update.os, "_exit", lambda code: (_ for _ in ()).throw(_Killed()))
    with pytest.raises(_Killed):
        ingest_articles(store, ingest.ingest([str(more)]))
    monkeypatch.delenv("NEWSFUSE_TEST_CRASH_AFTER")
    assert store.get_state("cluster") == head and store.get_rows("cluster") == rows
    assert [a.id for a in store.unplaced()] == ["castleford-echo"]

    seen = _spy_rows(monkeypatch)
    refresh_stories(store)  # the re-run places the article and saves
    (saved,) = seen
    fire = store.article("castleford-echo").story
    assert not saved.replace and {k for kind, k, _v in saved.put if kind == "story"} == {fire}  # only its story
    assert {kind for kind, _k, _v in saved.put} == {"story", "doc", "df"} and len(before) == 2
    assert store.memberships() == ref_members and _clusterer_state(store) == ref_state
    assert store.check() == []


def test_whole_clusterer_state_from_before_rows_still_loads(store, tmp_path, monkeypatch):
    from newsfuse.cluster import StoryClusterer
    from newsfuse.staterows import Rows
    from newsfuse.store.update import moved_to

    ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "one", FIRST))]))
    whole = json.loads(_clusterer_state(store))
    store.save_state({"cluster": whole}, rows={"cluster": Rows(replace=True)})  # as a version-2 store left it
    assert store.get_rows("cluster") == {} and moved_to(store, next(iter(store.memberships()))) is None
    seen = _spy_rows(monkeypatch)
    ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "two", ["castleford-echo.txt"]))]))
    (saved,) = seen
    assert saved.replace  # the first save after loading a whole state writes every row
    members = store.memberships()
    assert sorted(store.get_rows("cluster")["story"]) == sorted(members)
    assert json.loads(_clusterer_state(store))["n_docs"] == len(FIRST) + 1
    assert StoryClusterer.from_state(whole).n_docs == len(FIRST) and store.check() == []


def _index_state(store) -> str:
    """The stored dedupe index, rebuilt from its head and rows, as JSON (the whole-state form)."""
    from newsfuse.dedupe import DuplicateIndex

    head = json.loads(store.get_state("dedupe"))
    assert head["rows"] and "articles" not in head  # the head is small
    return json.dumps(DuplicateIndex.from_rows(head, store.get_rows("dedupe")).state())


def _spy_index_rows(monkeypatch) -> list:
    """Record every dedupe `changed_rows` result the refreshes save."""
    from newsfuse.dedupe import DuplicateIndex

    return _spy_rows(monkeypatch, DuplicateIndex)


DEDUPE_FIRST = ["denmere-gazette.txt", "wire-a.txt", "castleford-times.txt"]
DEDUPE_MORE = ["wire-b.txt", "castleford-echo.txt"]


def test_dedupe_index_saved_row_by_row_and_a_crash_mid_save_keeps_the_last_state(store, tmp_path, monkeypatch):
    from newsfuse.store import stages, update
    from newsfuse.store.update import refresh_stories

    first, more = write_corpus(tmp_path / "one", DEDUPE_FIRST), write_corpus(tmp_path / "two", DEDUPE_MORE)
    with open_store(f"sqlite:///{tmp_path / 'ref.db'}") as ref:  # the same two batches without a crash
        ingest_articles(ref, ingest.ingest([str(first)]))
        ingest_articles(ref, ingest.ingest([str(more)]))
        ref_marks, ref_state = ref.marks(), _index_state(ref)

    ingest_articles(store, ingest.ingest([str(first)]))
    head, rows = store.get_state("dedupe"), store.get_rows("dedupe")
    assert sorted(rows["article"]) == sorted(a.removesuffix(".txt") for a in DEDUPE_FIRST)
    # die inside the save's transaction, after both new dedupe rows and the first clusterer row
    monkeypatch.setattr(stages, "_CHUNK", 1)
    monkeypatch.setenv("NEWSFUSE_TEST_CRASH_AFTER", f"state:{len(DEDUPE_MORE) + 1}")
    monkeypatch.setattr(update.os, "_exit", lambda code: (_ for _ in ()).throw(_Killed()))
    with pytest.raises(_Killed):
        ingest_articles(store, ingest.ingest([str(more)]))
    monkeypatch.delenv("NEWSFUSE_TEST_CRASH_AFTER")
    assert store.get_state("dedupe") == head and store.get_rows("dedupe") == rows
    assert sorted(a.id for a in store.unplaced()) == ["castleford-echo", "wire-b"]
    assert store.article("wire-b").duplicate_of is None  # the marks went with the rolled-back transaction

    seen = _spy_index_rows(monkeypatch)
    refresh_stories(store)  # the re-run places both articles and saves only their rows
    (saved,) = seen
    assert not saved.replace and not saved.delete
    assert sorted(k for _kind, k, _v in saved.put) == ["castleford-echo", "wire-b"]
    assert store.article("wire-b").duplicate_of == "wire-a"
    assert store.marks() == ref_marks and _index_state(store) == ref_state
    assert store.check() == []


def test_whole_dedupe_state_from_before_rows_still_loads(store, tmp_path, monkeypatch):
    from newsfuse.staterows import Rows
    from newsfuse.dedupe import DuplicateIndex

    ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "one", DEDUPE_FIRST))]))
    whole = json.loads(_index_state(store))
    store.save_state({"dedupe": whole}, rows={"dedupe": Rows(replace=True)})  # as a version-2 store left it
    assert store.get_rows("dedupe") == {}
    seen = _spy_index_rows(monkeypatch)
    ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "two", DEDUPE_MORE))]))
    (saved,) = seen
    assert saved.replace  # the first save after loading a whole state writes every row
    assert sorted(store.get_rows("dedupe")["article"]) == sorted(a.id for a in store.articles())
    assert store.article("wire-b").duplicate_of == "wire-a"
    assert json.loads(_index_state(store))["seq"] == len(DEDUPE_FIRST) + len(DEDUPE_MORE)
    assert len(DuplicateIndex.from_state(whole)) == len(DEDUPE_FIRST) and store.check() == []


def test_an_older_copy_re_marks_every_stored_copy(store):
    body = (
        "The town of Denmere closed the Harlow Bridge on Monday after inspectors found cracks in two of its piers. "
        "About 12,000 vehicles cross the bridge every day, according to the council, and a ferry will run instead. "
        "Council engineer Ruth Okafor said repairs could take until the spring and would cost at least 4 million pounds."
    )

    def art(aid: str, text: str, published: str) -> Article:
        return Article(id=aid, source=f"{aid}.txt", raw=text, published=published)

    ingest_articles(store, [art("late", body, "2024-05-03T09:00")])
    ingest_articles(store, [art("trimmed", body[:-40], "2024-05-03T12:00")])
    assert store.article("trimmed").duplicate_of == "late"
    ingest_articles(store, [art("earliest", body, "2024-05-02T08:00")])
    # the copy follows the new canonical instead of pointing at an article that is now a duplicate itself
    assert store.article("late").duplicate_of == "earliest"
    assert store.article("trimmed").duplicate_of == "earliest"
    assert store.article("trimmed").duplicate_similarity > 0.8
    assert store.article("earliest").duplicate_of is None


def test_a_brief_refresh_never_runs_the_model_on_stored_sentences(store, tmp_path, monkeypatch):
    from newsfuse import nlp

    first = write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt"])
    ingest_articles(store, ingest.ingest([str(first)]))
    from newsfuse.cluster.features import article_text

    # one MiniLM vector per article (what clustering compares); sentences get static vectors, never stored
    old = [article_text(store.article(aid), 1000) for aid in ("denmere-gazette", "valley-post")]
    stored = store.vectors(nlp.vectors.key(t) for t in old)
    assert len(stored) == 2
    assert all(np.allclose(stored[nlp.vectors.key(t)], nlp.embed([t])[0], atol=1e-6) for t in old)

    # a later process: nothing memoised; the new article joins the story, whose brief is rebuilt
    monkeypatch.setattr(nlp.vectors, "_MEMO", type(nlp.vectors._MEMO)())
    computed: list[str] = []
    real = nlp.vectors.embedder()
    monkeypatch.setattr(nlp.vectors, "embedder", lambda: lambda texts: computed.extend(texts) or real(texts))
    more = write_corpus(tmp_path / "two", ["north-herald.txt"])
    report = ingest_articles(store, ingest.ingest([str(more)]))
    assert report.stories_updated == [store.article("north-herald").story]
    assert computed and not set(computed) & set(old)  # only the new article's texts ran through the model


def test_ingest_stores_articles_when_the_vector_model_is_missing(store, tmp_path, monkeypatch, caplog):
    from newsfuse import nlp

    def missing():
        raise RuntimeError("no MiniLM model installed")

    monkeypatch.setattr(nlp.vectors, "_MEMO", type(nlp.vectors._MEMO)())
    monkeypatch.setattr(nlp.vectors, "embedder", missing)
    corpus = write_corpus(tmp_path / "one", ["castleford-times.txt", "castleford-echo.txt"])
    report = ingest_articles(store, ingest.ingest([str(corpus)]))
    assert sorted(report.added) == ["castleford-echo", "castleford-times"]
    assert "sentence vectors unavailable (RuntimeError: no MiniLM model installed)" in caplog.text


def test_a_duplicate_link_alone_never_joins_two_stored_stories(store, tmp_path, monkeypatch):
    """Say the regional library report shares a long boilerplate note with a bridge report and dedupe marks it a
    copy: its text and the other library reports say 'library', so it stays there, an original of that story."""
    from newsfuse import dedupe

    query = dedupe.DuplicateIndex.query

    def linked(self, article):
        got = query(self, article)
        return ("denmere-gazette", 0.71, *got[2:]) if article.id == "regional-news" else got

    monkeypatch.setattr(dedupe.DuplicateIndex, "query", linked)
    report = ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "in"))]))
    owner = {a: s for s, ids in store.memberships().items() for a in ids}
    assert owner["regional-news"] == owner["castleford-times"] == owner["castleford-echo"]
    assert owner["denmere-gazette"] == owner["valley-post"] != owner["castleford-times"]
    assert store.article("regional-news").duplicate_of is None  # a copy only within its story
    assert store.article("wire-b").duplicate_of == "wire-a"
    assert report.duplicates == 1 and not report.problems
    brief = store.brief(owner["regional-news"])
    assert any(a["id"] == "regional-news" and not a.get("duplicate_of") for a in brief["articles"])
    assert store.check() == []


def test_a_refresh_reads_story_memberships_once(store, tmp_path, monkeypatch):
    memberships, calls = type(store).memberships, []

    def counted(self):
        calls.append(1)
        return memberships(self)

    monkeypatch.setattr(type(store), "memberships", counted)
    ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "one", ["denmere-gazette.txt", "valley-post.txt"]))]))
    assert len(calls) == 1
    calls.clear()
    report = ingest_articles(store, ingest.ingest([str(write_corpus(tmp_path / "two", ["castleford-times.txt"]))]))
    assert len(calls) == 1 and report.placed == {"castleford-times": store.article("castleford-times").story}


def test_inferred_publication_dates_do_not_depend_on_the_batch_size(tmp_path, monkeypatch):
    """An undated article's day is inferred among the same input neighbours whether one process or Dask workers
    (bigger batches) analyse it: the store is the same with any number of workers."""
    from newsfuse.store import update

    texts = {
        "bridge": ("2024-03-01", "Mayor Imogen Okafor opened the Harlow footbridge over the Tamsin river. Okafor said "
                   "the Harlow crossing cost the town council far less than its engineers had planned."),
        "chess": ("2024-03-01", "The Castleford chess club won the county league after a tense final round against "
                  "Brinley. Club captain Rosalind Achebe praised her juniors for their calm play."),
        "berries": ("2024-06-20", "Farmers near Pellingham reported a record strawberry harvest as warm nights "
                    "ripened the fruit early. Growers hired extra pickers from neighbouring villages."),
        "walk": (None, "Imogen Okafor, the mayor, walked across the new Harlow footbridge with schoolchildren. "
                 "Okafor thanked the builders of the Tamsin crossing and the town council."),
    }

    def days(batch: int) -> dict[str, str | None]:
        monkeypatch.setattr(update, "CHUNK", 2)
        monkeypatch.setattr(update, "_batch_size", lambda workers: batch)
        st = open_store(f"sqlite:///{tmp_path / f'b{batch}.db'}")
        arts = [Article(id=k, source=f"/in/{k}.txt", raw=raw, title=k.title(), outlet=f"{k} news",
                        published=day) for k, (day, raw) in texts.items()]
        ingest_articles(st, arts)
        out = {a.id: a.published for a in st.articles()}
        st.close()
        return out

    one, more = days(2), days(4)
    assert one == more
    assert one["walk"] == "2024-03-01"  # the earlier batch's report of the same names, not its own batch's day
