"""Keep the store current: add new articles (clean, analyse, store each in its own transaction), then
place them with the streaming `dedupe.DuplicateIndex` and `cluster.StoryClusterer` (their state lives
in the store), re-cluster the clusterer's recent window at the end of each batch, and re-brief only the
stories whose membership changed. Both stages are saved row by row: of the clusterer (`cluster.rows`) only
the stories, window documents, merges and frequencies that changed are rewritten, of the dedupe index only
the articles added, re-pointed to an older copy or pruned. Story ids are the clusterer's and are
never reused; a story merged away by re-clustering is deleted and `moved_to` says where it went.
`NEWSFUSE_TEST_CRASH_AFTER` (`N` articles, `state:N` state rows or `stories:N`) makes the process die
(`os._exit(137)`) at that point, for crash tests.
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import brief as brief_stage
from .. import cluster, dates, dedupe, nlp, pipeline, render, scale
from ..cluster import rows as cluster_rows
from ..cluster import stream
from ..ingest import Problem, content_hash
from ..model import Analysis, Article, Story
from . import ArticleRejected, Store, StoreError, now

log = logging.getLogger("newsfuse")
CHUNK = 16  # articles analysed per spaCy batch before their (one-by-one) commits
CONTEXT = 256  # dated articles of the same ingest, just before a batch, that help infer its undated ones' days
KEEP_ANALYSES = 1024  # analyses of this ingest kept in memory for its briefs (the rest are read back from the store)
DEDUPE_KEY, CLUSTER_KEY = "dedupe", "cluster"  # rows of the `state` table


@dataclass
class IngestReport:
    """What one `ingest_articles` call did."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)  # (id as ingested, id stored)
    problems: list[Problem] = field(default_factory=list)
    stories_updated: list[str] = field(default_factory=list)
    duplicates: int = 0  # articles of this batch marked a copy of another
    stories: int = 0  # stories that hold this batch's articles
    placed: dict[str, str | None] = field(default_factory=dict)  # each stored article of this batch: its story

    def summary(self) -> str:
        """One line for the user."""
        parts = [f"{len(self.added)} new article(s) stored", f"{len(self.unchanged)} unchanged"]
        if self.versions:
            parts.append(f"{len(self.versions)} stored as new version(s)")
        parts.append(f"{len(self.stories_updated)} story brief(s) updated")
        if self.problems:
            parts.append(f"{len(self.problems)} problem(s)")
        return ", ".join(parts)


def _crash_point(kind: str) -> int | None:
    """The test crash hook: die after this many `kind` ("articles", "state" rows or "stories") writes."""
    raw = os.environ.get("NEWSFUSE_TEST_CRASH_AFTER", "").strip()
    if not raw:
        return None
    what, _, n = raw.rpartition(":")
    if (what or "articles") != kind:
        return None
    return int(n)


def save_vectors(store: Store) -> int:
    """Store the sentence vectors computed since the last save (`nlp.vectors.pending`); how many were new."""
    fresh = nlp.vectors.pending()
    return store.put_vectors({nlp.vectors.key(t): v for t, v in fresh.items()}) if fresh else 0


def ingest_articles(
    store: Store, articles: list[Article], *, progress: Callable[[int], None] | None = None, workers: int = 1,
    **options: Any,
) -> IngestReport:
    """Store `articles` (skipping exact re-ingests) with their analyses and sentence vectors, then refresh
    affected stories and briefs. `workers` > 1 runs the per-article stages on Dask (see `scale`)."""
    with nlp.vectors.backed_by(store.vectors):
        return _ingest(store, articles, progress, workers, options)


def _ingest(
    store: Store, articles: list[Article], progress: Callable[[int], None] | None, workers: int, options: dict[str, Any]
) -> IngestReport:
    report = IngestReport()
    advance = progress or (lambda n: None)
    crash_after = _crash_point("articles")
    todo: list[Article] = []
    for a in articles:
        a.content_hash = a.content_hash or content_hash(a.raw)
    for a, stored_id in zip(articles, store.plans(articles)):
        if stored_id is None:
            report.unchanged.append(a.id)
            advance(1)
            continue
        a.meta.setdefault("base_id", a.id)
        if stored_id != a.id:
            log.warning("%s: already stored with other text; keeping both, the new text as %s", a.id, stored_id)
            report.versions.append((a.id, stored_id))
            a.id = stored_id
        todo.append(a)
    step = _batch_size(workers)
    batches = [todo[i : i + step] for i in range(0, len(todo), step)]
    # publication dates are inferred among CHUNK neighbours in input order, whatever the batch size: the same
    # store with any number of workers
    near = {id(a): i // CHUNK for i, a in enumerate(todo)}
    seen: list[Article] = []  # the dated articles before the batch (last CONTEXT), as inference context
    known: dict[str, Analysis] = {}  # the last KEEP_ANALYSES stored analyses: the briefs need not decode them again
    pool = None
    try:
        # one Dask cluster for the whole ingest: its workers load their models while this process cleans the
        # first batch, and parse the next batch while this process stores the last one
        pool = scale.Pool(workers, vectors=True) if batches and scale.remote(workers) else None
        ahead: tuple[list[Article], scale.Pending | None] | None = None
        for batch in batches:
            keep = _cleaned(batch, report, advance)
            started = (keep, pool.submit(keep, vectors=True) if pool else None)
            if ahead is not None:
                _store_batch(store, *ahead, near, seen, known, workers, report, advance, crash_after)
            ahead = started
        if ahead is not None:
            _store_batch(store, *ahead, near, seen, known, workers, report, advance, crash_after)
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    if pool is not None:
        pool.close(wait=False)  # its workers exit while the briefs are written
    try:
        report.stories_updated, problems = refresh_stories(store, known=known, **options)
    finally:
        if pool is not None:
            pool.join()
    report.problems.extend(problems)
    _account(store, report)
    return report


def _batch_size(workers: int) -> int:
    """Articles cleaned and analysed per batch: CHUNK in one process, enough for every Dask worker otherwise."""
    if not scale.enabled(workers):
        return CHUNK
    return CHUNK * max(1, math.ceil(scale.CHUNK_SIZE * 2 * workers / CHUNK))  # whole CHUNKs: date inference groups


def _cleaned(batch: list[Article], report: IngestReport, advance: Callable[[int], None]) -> list[Article]:
    """The batch cleaned; those with no text left go to `report.problems`."""
    cleaned = pipeline.clean_all(batch)
    keep = pipeline.with_text(cleaned, report.problems)
    if len(keep) < len(cleaned):
        advance(len(cleaned) - len(keep))
    return keep


def _store_batch(
    store: Store, keep: list[Article], pending: scale.Pending | None, near: dict[int, int], seen: list[Article],
    known: dict[str, Analysis], workers: int,
    report: IngestReport, advance: Callable[[int], None], crash_after: int | None,
) -> None:
    """Analyse a cleaned batch (or wait for its Dask analyses), then store each article with its analysis (and
    keep the analyses stored in `known`, at most KEEP_ANALYSES of them)."""
    if pending is not None:
        analyses = pending.result()
    elif scale.enabled(workers):  # one process with an analysis cache
        analyses = scale.analyze_distributed(keep, workers, vectors=True)
    else:
        analyses = pipeline.analyze(keep)
    groups: dict[int, list[Article]] = {}
    for a in keep:
        groups.setdefault(near[id(a)], []).append(a)
    for group in groups.values():
        dates.infer_published(group, analyses, context=seen)
        seen.extend(a for a in group if a.published and not a.published_inferred)
        del seen[:-CONTEXT]
    try:  # per article, once; stored, so no later refresh runs the model on them
        pipeline.vectorise(keep, analyses)
        save_vectors(store)
    except StoreError:
        raise  # the database itself is busy or gone: one error line, as for any other write
    except Exception as exc:  # noqa: BLE001  # no vectors (model missing or broken): store the articles anyway
        log.warning("sentence vectors unavailable (%s: %s); the briefs will need them", type(exc).__name__, exc)
    for a in keep:
        try:
            if store.put_article(a, analyses[a.id]):
                report.added.append(a.id)
                known[a.id] = analyses[a.id]
                if len(known) > KEEP_ANALYSES:
                    del known[next(iter(known))]
            else:
                report.unchanged.append(a.id)
        except ArticleRejected as exc:
            report.problems.append(Problem(a.source or a.id, str(exc)))
        advance(1)
        if crash_after is not None and len(report.added) >= crash_after:
            os._exit(137)


def _account(store: Store, report: IngestReport) -> None:
    """Where this batch's articles ended (`placed`): their stories and duplicate marks, read once; one stored in
    no story is a problem."""
    marks = store.marks()
    report.placed = {a: marks[a][0] for a in dict.fromkeys(report.added + report.unchanged) if a in marks}
    placed = [marks[a] for a in report.placed]
    report.duplicates = sum(1 for _, dup in placed if dup)
    report.stories = len({sid for sid, _ in placed if sid})
    for a in report.added:
        if a in marks and not marks[a][0]:
            report.problems.append(Problem(a, "stored but placed in no story (run `newsfuse ingest` again to place it)"))


def _load_index(store: Store) -> dedupe.DuplicateIndex:
    """The streaming dedupe index as of the last refresh: from its head and rows, or an older whole state."""
    raw = store.get_state(DEDUPE_KEY)
    head = json.loads(raw) if raw else None
    if head is None:
        return dedupe.DuplicateIndex()
    if head.get("rows"):
        return dedupe.DuplicateIndex.from_rows(head, store.get_rows(DEDUPE_KEY))
    return dedupe.DuplicateIndex.from_state(head)  # saved whole before row-by-row saves: the next save writes every row


def _load_stages(store: Store) -> tuple[dedupe.DuplicateIndex, cluster.StoryClusterer]:
    """The streaming dedupe index and story clusterer as of the last refresh (fresh ones for a new store)."""
    index = _load_index(store)
    raw_clu = store.get_state(CLUSTER_KEY)
    head = json.loads(raw_clu) if raw_clu else None
    if head is None:
        clusterer = cluster.StoryClusterer(cluster.Config())
    elif head.get("rows"):
        clusterer = cluster.StoryClusterer.from_rows(head, store.get_rows(CLUSTER_KEY))
    else:  # a whole state saved before row-by-row saves: the next save writes every row
        clusterer = cluster.StoryClusterer.from_state(head)
    if clusterer.config.w_embedding > 0:
        clusterer.embedder = cluster.default_embedder()
    return index, clusterer


def refresh_stories(store: Store, *, known: dict[str, Analysis] | None = None, **options: Any
                    ) -> tuple[list[str], list[Problem]]:
    """Place unplaced stored articles with the streaming dedupe/cluster stages, then rewrite changed stories.

    Stories this batch touches stay in the clusterer's active set until they are written (an old article
    starts or joins an old story, and that story is written like any other).
    Order, so that a crash anywhere loses nothing: (1) place every unplaced article in memory;
    (2) save both stages' state (their heads and changed rows) and the new duplicate marks in one
    transaction; (3) rewrite each story whose members or duplicate marks differ from its stored brief,
    one transaction per story.
    (4) delete stories merged away by re-clustering once all their articles sit in their new story.
    A crash after (2) is repaired by (3)-(4) on the next run. Returns (updated story ids, problems).
    Sentence vectors come from the store where stored; new ones are stored after each story. `known`: analyses
    just stored (article id -> Analysis), used instead of reading them back.
    """
    crash_after = _crash_point("stories")
    with store.exclusive(), nlp.vectors.backed_by(store.vectors):
        pending = store.unplaced()
        index, clusterer = _load_stages(store)
        stored = store.memberships()  # read once: saving the stages' state below leaves story memberships as they are
        if pending:
            # the time window never drops a story of this batch, nor one whose write a crash lost
            clusterer.begin_batch(sid for sid, st in clusterer.stories.items() if stored.get(sid) != st.articles)
        marks: dict[str, tuple[str | None, float | None]] = {}
        for a in pending:
            if a.id in clusterer.story_of:  # placed before a crash; only its story write was lost
                continue
            a.story = (a.meta.get("bundle") or {}).get("id")
            dup, sim = index.add(a)
            marks[a.id] = (dup, round(sim, 3) if dup else None)
            for old, new in index.repointed.items():  # an older copy arrived: it and its copies point to it
                marks[old] = (new, round(index.similarity(old, new), 3))
            index.repointed.clear()
            clusterer.add(a)
        if marks:
            if clusterer.since_recluster:  # end of the ingest batch: re-cluster the window (may merge/split stories)
                clusterer.recluster()
            (dhead, drows), (head, rows) = index.changed_rows(), clusterer.changed_rows()
            state_crash = _crash_point("state")
            store.save_state(
                {DEDUPE_KEY: dhead, CLUSTER_KEY: head},
                [(aid, dup, sim) for aid, (dup, sim) in marks.items()],
                rows={DEDUPE_KEY: drows, CLUSTER_KEY: rows},
                after_rows=None if state_crash is None else lambda n: os._exit(137) if n >= state_crash else None,
            )
        return _write_changed(store, clusterer, crash_after, options, stored, known or {})


def _write_changed(
    store: Store, clusterer: cluster.StoryClusterer, crash_after: int | None, options: dict[str, Any],
    stored: dict[str, list[str]], known: dict[str, Analysis],
) -> tuple[list[str], list[Problem]]:
    """Rebuild and store the brief of every active story whose membership (`stored`: the store's memberships
    before this refresh) changed since its brief; a member marked a copy of an article outside the story is
    stored as an original (the link joined nothing)."""
    from . import members_key

    keys = store.brief_keys()
    marks = store.marks()
    updated: list[str] = []
    problems: list[Problem] = []
    for sid, st in list(clusterer.stories.items()):
        members = list(st.articles)
        if (
            stored.get(sid) == members
            and all(marks.get(a, (None, None))[0] == sid for a in members)
            and keys.get(sid) == members_key((a, marks.get(a, (None, None))[1]) for a in members)
        ):
            continue  # members, their story column and duplicate marks all match the stored brief
        arts = _ordered(store.articles(members), members)
        if len(arts) != len(members):
            problems.append(Problem(sid, "story refers to articles missing from the store; skipped"))
            continue
        for a in arts:  # a copy only within its story: one whose original sits elsewhere is an original here
            if a.duplicate_of and a.duplicate_of not in members:
                a.duplicate_of, a.duplicate_similarity = None, None
        story = Story(id=sid, articles=members, title=st.title, updated_at=now(), keys={"size": len(members)})
        try:
            analyses = {m: known[m] for m in members if m in known}
            analyses.update(store.analyses([m for m in members if m not in known]))
            with brief_stage.cyclic_gc_paused():  # the renders' short-lived containers too
                b = brief_stage.build(story, arts, dict(sorted(analyses.items())), **options)
                story.title = b.title or story.title
                doc = render.to_json([b])
                md, html = render.to_markdown(b), render.to_html(b)
        except Exception as exc:  # noqa: BLE001  # one story's brief failing must not sink the rest
            log.warning("story %s: brief failed (%s: %s)", sid, type(exc).__name__, exc)
            problems.append(Problem(sid, f"brief failed ({type(exc).__name__}: {exc})"))
            continue
        store.write_story(story, [(a.id, a.duplicate_of, a.duplicate_similarity) for a in arts], doc, md, html)
        save_vectors(store)
        updated.append(sid)
        if crash_after is not None and len(updated) >= crash_after:
            os._exit(137)
    if any(sid in stored for sid in clusterer.merged_into):
        now_stored = store.memberships()  # a moved article's link went with its new story's write
        for sid in clusterer.merged_into:
            if sid in now_stored and not now_stored[sid]:
                store.delete_story(sid)
    return updated, problems


def moved_to(store: Store, story_id: str) -> str | None:
    """The story that now holds the articles of `story_id` when re-clustering merged it away, else None."""
    raw = store.get_state(CLUSTER_KEY)
    head = json.loads(raw) if raw else {}
    if head.get("rows"):
        merged = cluster_rows.merged_into(store.get_rows(CLUSTER_KEY, cluster_rows.MERGED).get(cluster_rows.MERGED, {}))
    else:
        merged = head.get("merged_into", {})
    return stream.redirect(merged, story_id) if story_id in merged else None


def _ordered(arts: list[Article], ids: list[str]) -> list[Article]:
    by_id = {a.id: a for a in arts}
    return [by_id[i] for i in ids if i in by_id]
