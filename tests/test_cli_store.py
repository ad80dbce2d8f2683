"""Store-backed commands: ingest (with bad inputs and a crash midway), stories, show; clear one-line errors.

The crash test kills `newsfuse ingest` in a subprocess (`NEWSFUSE_TEST_CRASH_AFTER` makes it call
`os._exit(137)`), once among the articles, once while saving the streaming state and once among the
stories, and checks that what was stored is complete and that a re-run finishes the batch.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsfuse.cli import app
from newsfuse.store import open_store
from test_store import ARTICLES, db_url, fresh_db, write_corpus  # noqa: F401  # fixture shared with the store tests

runner = CliRunner()


def _ingest_subprocess(corpus: Path, db: str, crash_after: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSFUSE_TEST_CRASH_AFTER": crash_after}
    return subprocess.run(
        [sys.executable, "-m", "newsfuse", "ingest", str(corpus), "--db", db],
        env=env, capture_output=True, text=True, timeout=180,
    )


def _ingest_forked(corpus: Path, db: str, crash_after: str) -> int | None:
    """Run the CLI's ingest in a forked child (already warm: no interpreter start-up) and return its exit code."""

    def child() -> None:
        os.environ["NEWSFUSE_TEST_CRASH_AFTER"] = crash_after
        sys.argv = ["newsfuse", "ingest", str(corpus), "--db", db]
        from newsfuse.cli import main

        main()

    proc = multiprocessing.get_context("fork").Process(target=child)
    proc.start()
    proc.join(120)
    return proc.exitcode


def _assert_sound(db: str) -> dict[str, int]:
    """Every stored article is complete, every story points at stored articles and has a whole brief."""
    st = open_store(db)
    try:
        assert st.check() == []
        for a in st.articles():
            assert a.raw and a.text and a.content_hash
            assert st.analysis(a.id) is not None
        for sid, members in st.memberships().items():
            assert members and st.brief(sid) is not None
        return st.counts()
    finally:
        st.close()


def test_crash_mid_ingest_loses_nothing_and_rerun_completes(db_url, tmp_path, monkeypatch):
    monkeypatch.delenv("NEWSFUSE_TEST_CRASH_AFTER", raising=False)
    corpus = write_corpus(tmp_path / "in")
    if db_url.startswith("sqlite"):  # a real `python -m newsfuse ingest` once; a warm fork otherwise (speed)
        crashed = _ingest_subprocess(corpus, db_url, "3")
        assert crashed.returncode == 137, crashed.stderr
    else:
        assert _ingest_forked(corpus, db_url, "3") == 137
    counts = _assert_sound(db_url)
    assert counts["articles"] == counts["analyses"] == 3 and counts["stories"] == 0

    # dies inside the transaction saving the streaming state (after its first rows): none of it stays
    assert _ingest_forked(corpus, db_url, "state:1") == 137
    counts = _assert_sound(db_url)
    assert counts["articles"] == len(ARTICLES) and counts["stories"] == 0
    st = open_store(db_url)
    assert st.get_state("cluster") is None and st.get_rows("cluster") == {} and len(st.unplaced()) == len(ARTICLES)
    assert st.get_state("dedupe") is None and st.get_rows("dedupe") == {}
    st.close()

    # dies after the first story is written (forked rather than a fresh interpreter, to keep the test fast)
    assert _ingest_forked(corpus, db_url, "stories:1") == 137
    counts = _assert_sound(db_url)
    assert counts["articles"] == len(ARTICLES) and counts["stories"] == counts["briefs"] == 1

    done = runner.invoke(app, ["ingest", str(corpus), "--db", db_url])
    assert done.exit_code == 0, done.output
    assert f"0 new article(s) stored, {len(ARTICLES)} unchanged" in done.stdout
    counts = _assert_sound(db_url)
    st = open_store(db_url)
    members = st.memberships()
    st.close()
    assert sorted(a for ids in members.values() for a in ids) == sorted(p.split(".")[0] for p in ARTICLES)

    again = runner.invoke(app, ["ingest", str(corpus), "--db", db_url])
    assert again.exit_code == 0
    assert f"0 new article(s) stored, {len(ARTICLES)} unchanged, 0 story brief(s) updated" in again.stdout
    assert _assert_sound(db_url) == counts

    # the same stories as one clean run of the same batch
    kind = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    with fresh_db(kind, tmp_path) if kind == "postgresql" else nullcontext(f"sqlite:///{tmp_path / 'clean.db'}") as clean:
        assert runner.invoke(app, ["ingest", str(corpus), "--db", clean]).exit_code == 0
        st = open_store(clean)
        clean_members = st.memberships()
        st.close()
    assert sorted(map(sorted, members.values())) == sorted(map(sorted, clean_members.values()))


def test_ingest_stories_show(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    corpus = write_corpus(tmp_path / "in", ["denmere-gazette.txt", "valley-post.txt", "castleford-times.txt"])
    missing = tmp_path / "missing.txt"
    res = runner.invoke(app, ["ingest", str(corpus), str(missing), "--db", db])
    assert res.exit_code == 0  # the good inputs are stored; the bad one is said, and counted in the tally
    assert res.stderr.strip().splitlines() == [
        f"error: {missing}: no such file or directory",
        "tally: 3 read, 3 stored, 0 duplicates, 2 stories, 1 error",
    ]
    assert "3 new article(s) stored" in res.stdout
    strict = runner.invoke(app, ["ingest", str(corpus), str(missing), "--db", db, "--strict"])
    assert strict.exit_code == 1
    assert strict.stderr.strip().splitlines()[-1] == "tally: 3 read, 0 stored, 3 unchanged, 0 duplicates, 2 stories, 1 error"
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(app, ["ingest", str(empty), "--db", db])
    assert nothing.exit_code == 1 and f"error: {empty}: no files in this directory" in nothing.stderr

    st = open_store(db)
    sid = st.stories()[0].id
    st.close()
    listing = runner.invoke(app, ["stories", "--db", db], env={"COLUMNS": "200"})
    assert listing.exit_code == 0 and sid in listing.stdout and "last update" in listing.stdout

    as_json = runner.invoke(app, ["show", sid, "--format", "json", "--db", db])
    assert as_json.exit_code == 0 and json.loads(as_json.stdout)["schema"] == "newsfuse/brief-v1"
    for fmt in ("md", "html"):
        shown = runner.invoke(app, ["show", sid, "--format", fmt, "--db", db])
        assert shown.exit_code == 0 and shown.stdout.strip()
    nope = runner.invoke(app, ["show", "no-such-story", "--db", db])
    assert nope.exit_code == 1 and nope.stderr.strip() == "error: no such story: no-such-story (see `newsfuse stories`)"
    assert runner.invoke(app, ["show", sid, "--format", "xml", "--db", db]).exit_code == 2


def test_locked_database_is_one_clear_line(tmp_path, monkeypatch):
    path = tmp_path / "busy.db"
    open_store(f"sqlite:///{path}").close()
    corpus = write_corpus(tmp_path / "in", ["wire-a.txt"])
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setenv("NEWSFUSE_DB_TIMEOUT", "0.2")
    try:
        res = runner.invoke(app, ["ingest", str(corpus), "--db", f"sqlite:///{path}"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines() == [
        f"error: database sqlite:///{path} is busy (locked by another process); try again"
    ]


def test_unreachable_database_is_one_clear_line(monkeypatch):
    monkeypatch.setenv("NEWSFUSE_DB_TIMEOUT", "1")
    res = runner.invoke(app, ["stories", "--db", "postgresql://u:secret@127.0.0.1:1/x"])
    assert res.exit_code == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot use database postgresql+psycopg://u:***@127.0.0.1:1/x")


@pytest.mark.slow
def test_ingest_with_two_workers_stores_what_one_process_stores(tmp_path):
    """`ingest --workers 2` (a local Dask cluster for the per-article stages) gives the same stories, briefs and
    stored MiniLM vectors (one per article) as one process."""
    corpus = write_corpus(tmp_path / "corpus")
    got = {}
    for w in (1, 2):
        db = f"sqlite:///{tmp_path / f'w{w}.db'}"
        res = runner.invoke(app, ["ingest", str(corpus), "--db", db, "--workers", str(w)])
        assert res.exit_code == 0, res.output
        st = open_store(db)
        try:
            briefs = {tuple(m): json.dumps(st.brief(s), sort_keys=True) for s, m in st.memberships().items()}
            with st.engine.connect() as conn:
                n_vectors = conn.exec_driver_sql("SELECT count(*) FROM sentence_vectors").scalar()
            got[w] = (briefs, n_vectors)
        finally:
            st.close()
    assert 0 < got[1][1] <= len(list(corpus.iterdir()))  # one vector an article at most; sentence vectors are static
    assert set(got[1][0]) == set(got[2][0]) and got[1][1] == got[2][1]

    def timeless(x):  # a story's `updated_at` is when it was written
        if isinstance(x, dict):
            return {k: timeless(v) for k, v in x.items() if k != "updated_at"}
        return [timeless(v) for v in x] if isinstance(x, list) else x

    assert {k: timeless(json.loads(v)) for k, v in got[1][0].items()} == {k: timeless(json.loads(v)) for k, v in got[2][0].items()}
