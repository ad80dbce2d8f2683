"""Window re-clustering: undo single-pass mistakes by re-running the batch algorithm over recent stories.

Reads a `StoryClusterer`'s recent stories (their kept `WindowDoc`s); runs `cluster()` over them and maps
its clusters back onto stable story ids by overlap, adding `Reclustered` (merges, splits, moves).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..model import Article
from .centroid import Centroid

if TYPE_CHECKING:
    from .stream import StoryClusterer


@dataclass
class WindowDoc:
    """What the window re-clustering needs of an article: the batch text, its embedding, its original."""

    title: str
    text: str
    emb: np.ndarray | None
    duplicate_of: str | None
    day: float | None


@dataclass
class Reclustered:
    """What one window re-clustering changed: vanished story id -> story now holding its articles, splits, moves."""

    merged: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)  # new story id -> the story it split from
    moved: int = 0  # articles whose story changed
    window: int = 0  # articles re-clustered


def window(sc: StoryClusterer) -> list[str]:
    """Story ids re-clustered next: active, most recently updated first, fully known, up to the article cap."""
    c = sc.config
    out: list[str] = []
    n = 0
    for st in sorted(sc.stories.values(), key=lambda s: s.seq, reverse=True):
        if not all(a in sc.docs for a in st.articles):
            continue  # members from before the window (or an old state): left as they are
        if n + len(st.articles) > c.window_articles:
            break
        out.append(st.id)
        n += len(st.articles)
    return out


def recluster(sc: StoryClusterer) -> Reclustered:
    """Re-cluster the window with the batch algorithm and map its clusters back onto stable story ids.

    Each new cluster takes the id of the old story it shares most articles with (greedy by overlap);
    the rest get new ids; old ids left over go to `merged_into`. Documents outside the window are dropped.
    """
    from . import cluster as batch_cluster  # the package imports this module

    sc.since_recluster = 0
    result = Reclustered()
    sids = sc.window()
    ids = [a for sid in sids for a in sc.stories[sid].articles]
    keep = set(ids)
    for a in [a for a in sc.docs if a not in keep]:
        sc.forget(a)
    result.window = len(ids)
    if len(ids) < 2:
        return result
    pos = {a: i for i, a in enumerate(sc.docs)}
    ids.sort(key=pos.__getitem__)  # arrival order
    old = {a: sc.story_of[a] for a in ids}
    arts = []
    for a in ids:
        d = sc.docs[a]
        st = sc.stories[old[a]]
        dup = d.duplicate_of if d.duplicate_of in keep else None
        arts.append(Article(id=a, title=d.title, text=d.text, duplicate_of=dup, story=st.id if st.preset else None))
    embs = [sc.docs[a].emb for a in ids]
    presets = {a.story for a in arts if a.story}  # before `cluster()`, which labels every article
    parts = [s.articles for s in batch_cluster(
        arts, config=sc.config, embedder=None, embeddings=None if any(e is None for e in embs) else embs,
        batch_config=sc.batch_config,
    )]
    # greedy by overlap: preset (bundle) stories keep their id first
    owner: dict[int, str] = {}
    taken: set[str] = set()
    for p, members in enumerate(parts):
        bundle = next((old[a] for a in members if sc.stories[old[a]].preset), None)  # at most one: locked
        if bundle is not None:
            owner[p] = bundle
            taken.add(bundle)
    overlap = Counter((p, old[a]) for p, members in enumerate(parts) for a in members)
    order = {sid: i for i, sid in enumerate(reversed(sids))}  # ties: the longer-standing story keeps its id
    for (p, sid), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], order[kv[0][1]], kv[0][0])):
        if p not in owner and sid not in taken:
            owner[p] = sid
            taken.add(sid)
    seqs = {sid: sc.stories[sid].seq for sid in sids}
    before = {sid: list(sc.stories[sid].articles) for sid in sids}
    changed = [p for p, m in enumerate(parts) if owner.get(p) is None or sorted(before[owner[p]]) != sorted(m)]
    gone = {sid for p in changed for sid in {old[a] for a in parts[p]} | ({owner[p]} if p in owner else set())}
    titles = {sid: sc.stories[sid].title for sid in gone}
    for sid in gone:
        sc.drop(sc.stories[sid])
    for p in changed:
        if p in owner:
            st = sc.stories[owner[p]] = Centroid(owner[p])
        else:
            st = sc.new_story()
        if st.id not in seqs:
            result.split[st.id] = Counter(old[a] for a in parts[p]).most_common(1)[0][0]
        for a in parts[p]:
            sc.attach(sc.window_vector(a), st, sc.docs[a].title)
            result.moved += old[a] != st.id
        st.title = titles.get(st.id) or st.title
        st.seq = max(seqs[old[a]] for a in parts[p])
        st.preset = st.id in presets
    for sid in sids:
        if sid not in sc.stories:
            home = Counter(sc.story_of[a] for a in before[sid]).most_common(1)[0][0]
            result.merged[sid] = home
    sc.merged_into.update(result.merged)
    sc.changes.merges(result.merged)
    return result
