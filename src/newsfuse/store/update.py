"""Keep the store current: add new articles (clean, analyse, store each in its own transaction), then
re-dedupe, re-cluster and re-brief the stories whose membership changed.

Until dedupe/cluster offer a streaming index this re-runs the batch `dedupe.mark_duplicates` and
`cluster.cluster` over all stored articles and keeps story ids stable by matching each new cluster to
the stored story it overlaps most. `NEWSFUSE_TEST_CRASH_AFTER` (`N` articles or `stories:N`) makes
the process die (`os._exit(137)`) at that point, for crash tests.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import brief as brief_stage
from .. import cluster, dates, dedupe, pipeline, render
from ..ingest import Problem, content_hash
from ..model import Article, Story
from . import ArticleRejected, Store, now

log = logging.getLogger("newsfuse")
CHUNK = 16  # articles analysed per spaCy batch before their (one-by-one) commits


@dataclass
class IngestReport:
    """What one `ingest_articles` call did."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    versions: list[tuple[str, str]] = field(default_factory=list)  # (id as ingested, id stored)
    problems: list[Problem] = field(default_factory=list)
    stories_updated: list[str] = field(default_factory=list)
    stories_deleted: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the user."""
        parts = [f"{len(self.added)} new article(s) stored", f"{len(self.unchanged)} unchanged"]
        if self.versions:
            parts.append(f"{len(self.versions)} stored as new version(s)")
        parts.append(f"{len(self.stories_updated)} story brief(s) updated")
        if self.stories_deleted:
            parts.append(f"{len(self.stories_deleted)} story(ies) merged away")
        if self.problems:
            parts.append(f"{len(self.problems)} problem(s)")
        return ", ".join(parts)


def _crash_point(kind: str) -> int | None:
    """The test crash hook: die after this many `kind` ("articles" or "stories") commits."""
    raw = os.environ.get("NEWSFUSE_TEST_CRASH_AFTER", "").strip()
    if not raw:
        return None
    what, _, n = raw.rpartition(":")
    if (what or "articles") != kind:
        return None
    return int(n)


def ingest_articles(
    store: Store, articles: list[Article], *, progress: Callable[[int], None] | None = None, **options: Any
) -> IngestReport:
    """Store `articles` (skipping exact re-ingests), then refresh affected stories and briefs."""
    report = IngestReport()
    advance = progress or (lambda n: None)
    crash_after = _crash_point("articles")
    todo: list[Article] = []
    for a in articles:
        a.content_hash = a.content_hash or content_hash(a.raw)
        stored_id = store.plan(a)
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
    for i in range(0, len(todo), CHUNK):
        chunk = pipeline.clean_all(todo[i : i + CHUNK])
        keep = []
        for a in chunk:
            if a.text.strip():
                keep.append(a)
            else:
                report.problems.append(Problem(a.source or a.id, f"{a.id}: no article text left after cleaning"))
                advance(1)
        analyses = pipeline.analyze(keep)
        dates.infer_published(keep, analyses)
        for a in keep:
            try:
                if store.put_article(a, analyses[a.id]):
                    report.added.append(a.id)
                else:
                    report.unchanged.append(a.id)
            except ArticleRejected as exc:
                report.problems.append(Problem(a.source or a.id, str(exc)))
            advance(1)
            if crash_after is not None and len(report.added) >= crash_after:
                os._exit(137)
    updated, deleted, problems = refresh_stories(store, **options)
    report.stories_updated, report.stories_deleted = updated, deleted
    report.problems.extend(problems)
    return report


def _stable_ids(new: list[Story], old: dict[str, list[str]]) -> list[str]:
    """An id per new cluster: the stored story it overlaps most (each used once), else its own or a fresh id."""
    owner = {aid: sid for sid, aids in old.items() for aid in aids}
    chosen: list[str | None] = [None] * len(new)
    used: set[str] = set()
    order = sorted(range(len(new)), key=lambda i: -len(new[i].articles))
    for i in order:
        overlap: dict[str, int] = {}
        for aid in new[i].articles:
            if aid in owner:
                overlap[owner[aid]] = overlap.get(owner[aid], 0) + 1
        for sid, _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
            if sid not in used:
                chosen[i] = sid
                used.add(sid)
                break
    n = len(old) + 1
    for i in order:
        if chosen[i] is None:
            sid = new[i].id
            if not sid or sid in used or sid in old:
                while f"story-{n}" in used or f"story-{n}" in old:
                    n += 1
                sid = f"story-{n}"
            chosen[i] = sid
            used.add(sid)
    return [c for c in chosen if c is not None]


def refresh_stories(store: Store, **options: Any) -> tuple[list[str], list[str], list[Problem]]:
    """Re-dedupe and re-cluster stored articles; rewrite stories whose members or brief changed; drop emptied ones.

    Returns (updated story ids, deleted story ids, problems). Each story is one transaction.
    """
    crash_after = _crash_point("stories")
    arts = store.articles()
    if not arts:
        return [], [], []
    for a in arts:  # recompute from scratch: bundles keep their story, everything else is re-clustered
        a.story = (a.meta.get("bundle") or {}).get("id")
        a.duplicate_of = a.duplicate_similarity = None
    dedupe.mark_duplicates(arts)
    new = [s for s in cluster.cluster(arts) if s.articles]
    old = store.memberships()
    keys = store.brief_keys()
    by_id = {a.id: a for a in arts}
    ids = _stable_ids(new, old)
    updated: list[str] = []
    problems: list[Problem] = []
    from . import members_key

    for sid, story in zip(ids, new):
        members = [aid for aid in story.articles if aid in by_id]
        for aid in members:
            by_id[aid].story = sid
        key = members_key((aid, by_id[aid].duplicate_of) for aid in members)
        if old.get(sid) == members and keys.get(sid) == key:
            continue
        story.id = sid
        story.articles = members
        story.updated_at = now()
        try:
            group = [by_id[aid] for aid in members]
            b = brief_stage.build(story, group, store.analyses(members), **options)
            story.title = b.title or story.title
            doc = render.to_json([b])
            md, html = render.to_markdown(b), render.to_html(b)
        except Exception as exc:  # noqa: BLE001  # one story's brief failing must not sink the rest
            log.warning("story %s: brief failed (%s: %s)", sid, type(exc).__name__, exc)
            problems.append(Problem(sid, f"brief failed ({type(exc).__name__}: {exc})"))
            continue
        store.write_story(
            story, [(aid, by_id[aid].duplicate_of, by_id[aid].duplicate_similarity) for aid in members], doc, md, html
        )
        updated.append(sid)
        if crash_after is not None and len(updated) >= crash_after:
            os._exit(137)
    deleted = [sid for sid in old if sid not in set(ids)]
    for sid in deleted:
        store.delete_story(sid)
    return updated, deleted, problems
