"""Online story clustering: each arriving article joins the most similar active story or opens one.

Follows news-stream clustering practice (Miranda et al. 2018; Staykovski et al. 2019): TF-IDF over
word 1-2-grams with incrementally maintained document frequencies, a separate entity space, a small
weight of MiniLM embeddings, story centroids, candidate lookup through an inverted index over
top terms, and a time window that bounds the active set.

Single-pass centroid decisions cannot undo mistakes, so every `recluster_every` articles (and on demand)
the batch algorithm (`cluster()`) re-clusters a bounded window of recent stories; its clusters are mapped
back onto the existing story ids by overlap (ids stay stable, never reused), and vanished ids are kept in
`merged_into` so callers can redirect.
"""

from __future__ import annotations

import base64
import heapq
import math
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from ..model import Article
from . import features as F
from .batch import BatchConfig

Embedder = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Config:
    """Every knob of the clusterer, one configuration for all corpora (tuned on dev splits only)."""

    w_words: float = 0.45  # weight of the word/bigram TF-IDF cosine
    w_entities: float = 0.30  # weight of the capitalised-phrase entity cosine
    w_embedding: float = 0.25  # weight of the MiniLM cosine (topic-level signal, kept small)
    threshold: float = 0.20  # absolute floor a story's similarity must reach (large stories)
    threshold_single: float = 0.20  # floor against a one-article story (a single document's cosine runs lower)
    relative: float = 0.0  # adaptive part: also beat `relative` x the doc's background similarity
    background: int = 5  # how many runner-up stories form a document's background similarity
    margin: float = 0.05  # best story must beat the second best by this much when below `confident`
    confident: float = 0.45  # above this similarity, join without the margin test
    time_scale_days: float = 30.0  # similarity is divided by (1 + gap / time_scale_days)
    window_days: float = 730.0  # stories idle this long (in stream time) leave the active set (dev events span 622 d)
    max_active: int = 50_000  # cap on active stories for undated streams (least recently updated go)
    doc_terms: int = 200  # kept word terms per document vector
    doc_entities: int = 60  # kept entity terms per document vector
    query_terms: int = 25  # top terms of a new document used to look up candidate stories
    index_terms: int = 12  # top terms of each member document posted to the story index
    max_candidates: int = 40  # stories scored per new document
    refine_passes: int = 2  # unused since batch mode moved to `batch` (kept so saved states still load)
    recluster_every: int = 200  # K: re-cluster the window with the batch algorithm every K new articles (0: never)
    window_articles: int = 2000  # cap on articles re-clustered at once (most recently updated stories first)


@dataclass
class Reclustered:
    """What one window re-clustering changed: vanished story id -> story now holding its articles, splits, moves."""

    merged: dict[str, str] = field(default_factory=dict)
    split: dict[str, str] = field(default_factory=dict)  # new story id -> the story it split from
    moved: int = 0  # articles whose story changed
    window: int = 0  # articles re-clustered


@dataclass
class _Doc:
    """A document as the clusterer keeps it: normalised sparse vectors, embedding, day."""

    id: str
    words: dict[int, float]
    entities: dict[int, float]
    emb: np.ndarray | None
    day: float | None
    keys: list[int] = field(default_factory=list)


@dataclass
class _WinDoc:
    """What the window re-clustering needs of an article: the batch text, its embedding, its original."""

    title: str
    text: str
    emb: np.ndarray | None
    duplicate_of: str | None
    day: float | None


def _pack_text(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"))).decode("ascii")


def _unpack_text(data: str) -> str:
    return zlib.decompress(base64.b64decode(data)).decode("utf-8")


def _pack_emb(emb: np.ndarray | None) -> str | None:
    return None if emb is None else base64.b64encode(np.asarray(emb, dtype="<f2").tobytes()).decode("ascii")


def _unpack_emb(data: str | None) -> np.ndarray | None:
    return None if data is None else np.frombuffer(base64.b64decode(data), dtype="<f2").astype(np.float32)


@dataclass
class _Story:
    id: str
    articles: list[str] = field(default_factory=list)
    words: dict[int, float] = field(default_factory=dict)
    entities: dict[int, float] = field(default_factory=dict)
    words_n2: float = 0.0
    entities_n2: float = 0.0
    emb: np.ndarray | None = None
    first_day: float | None = None
    last_day: float | None = None
    keys: Counter = field(default_factory=Counter)
    title: str = ""
    seq: int = 0  # arrival counter of the last update (for LRU eviction of undated stories)
    preset: bool = False


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(k, 0.0) for k, v in a.items())


def _add_into(target: dict[int, float], vec: dict[int, float], sign: float = 1.0) -> float:
    """Add `vec` into `target` in place; return 2*target.vec (before) + |vec|^2 (the change of |target|^2)."""
    dot = 0.0
    n2 = 0.0
    for k, v in vec.items():
        old = target.get(k, 0.0)
        dot += old * v
        n2 += v * v
        new = old + sign * v
        if abs(new) < 1e-9:
            target.pop(k, None)
        else:
            target[k] = new
    return sign * 2.0 * dot + n2


def _top_norm(vec: dict[int, float], k: int) -> dict[int, float]:
    if len(vec) > k:
        vec = dict(heapq.nlargest(k, vec.items(), key=lambda kv: kv[1]))
    n = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / n for t, v in vec.items()}


def redirect(merged_into: dict[str, str], story_id: str) -> str:
    """Follow a `merged_into` map (vanished id -> id that took its articles) to the story id in use now."""
    while story_id in merged_into:
        story_id = merged_into[story_id]
    return story_id


class StoryClusterer:
    """Streaming story clustering with serialisable state.

    `add(article)` returns the story id the article joins (a preset `article.story` is kept as is).
    `state()` / `from_state()` round-trip everything as JSON-able data so a store can persist it.
    `recluster()` (periodic and on demand) may move articles; `merged_into` / `redirect()` follow vanished ids.
    """

    def __init__(
        self, config: Config | None = None, *, embedder: Embedder | None = None, id_prefix: str = "story-",
        batch_config: BatchConfig | None = None,
    ) -> None:
        self.config = config or Config()
        # top-k neighbour graph even for small windows: same dev scores as all pairs, ~5x faster at 2,000
        self.batch_config = batch_config or BatchConfig(dense_max=0)
        self.embedder = embedder
        self.id_prefix = id_prefix
        self.df = np.zeros(F.HASH_SIZE, dtype=np.int32)
        self.n_docs = 0
        self.frozen_df = False  # batch mode: DF fitted on the corpus up front
        self.next_id = 1
        self.seq = 0
        self.max_day: float | None = None
        self.stories: dict[str, _Story] = {}
        self.story_of: dict[str, str] = {}
        self.index: dict[int, set[str]] = {}
        self.evicted = 0
        self._evicted_at = float("-inf")
        self.docs: dict[str, _WinDoc] = {}  # window articles (arrival order) the re-clustering can move
        self.since_recluster = 0
        self.merged_into: dict[str, str] = {}  # vanished story id -> the story that took its articles
        self._vecs: dict[str, _Doc] = {}  # in-memory cache of window documents' vectors (not persisted)

    # ---- document side -------------------------------------------------------------------------
    def observe(self, feats: F.Features) -> None:
        """Count a document's terms into the document frequencies (streaming IDF)."""
        keys = np.fromiter(set(feats.words) | set(feats.entities), dtype=np.int64)
        self.df[keys] += 1
        self.n_docs += 1

    def _idf(self, keys: np.ndarray) -> np.ndarray:
        return np.log((self.n_docs + 1.0) / (self.df[keys] + 1.0)) + 1.0

    def _weigh(self, tf: dict[int, float], k: int) -> dict[int, float]:
        if not tf:
            return {}
        keys = np.fromiter(tf.keys(), dtype=np.int64, count=len(tf))
        idf = self._idf(keys)
        return _top_norm({int(t): w * float(i) for t, w, i in zip(keys, tf.values(), idf)}, k)

    def vectorise(self, article: Article, feats: F.Features | None = None, emb: np.ndarray | None = None) -> _Doc:
        """Turn an article into the clusterer's document (TF-IDF with the current frequencies)."""
        feats = feats or F.extract(article)
        if emb is None:
            emb = article.meta.get("embedding") if article.meta else None
            if emb is None and self.embedder is not None and self.config.w_embedding > 0:
                emb = self.embedder([F.article_text(article, 1000)])[0]
        if emb is not None:
            emb = np.asarray(emb, dtype=np.float32)
        words = self._weigh(feats.words, self.config.doc_terms)
        ents = self._weigh(feats.entities, self.config.doc_entities)
        both = heapq.nlargest(self.config.query_terms, list(words.items()) + list(ents.items()), key=lambda kv: kv[1])
        return _Doc(article.id, words, ents, emb, feats.day, [t for t, _ in both])

    # ---- story side ----------------------------------------------------------------------------
    def similarity(self, doc: _Doc, story: _Story) -> float:
        """Weighted cosine of the document with the story centroid, damped by the time gap."""
        c = self.config
        s = 0.0
        if story.words_n2 > 0:
            s += c.w_words * _dot(doc.words, story.words) / math.sqrt(story.words_n2)
        if story.entities_n2 > 0:
            s += c.w_entities * _dot(doc.entities, story.entities) / math.sqrt(story.entities_n2)
        if doc.emb is not None and story.emb is not None:
            n = float(np.linalg.norm(story.emb))
            if n > 0:
                s += c.w_embedding * float(doc.emb @ story.emb) / n
        gap = self._gap(doc.day, story)
        if gap > 0:
            s /= 1.0 + gap / c.time_scale_days
        return s

    @staticmethod
    def _gap(day: float | None, story: _Story) -> float:
        if day is None or story.first_day is None or story.last_day is None:
            return 0.0
        return max(0.0, day - story.last_day, story.first_day - day)

    def candidates(self, doc: _Doc) -> list[str]:
        """Active stories sharing top terms with the document, most shared first (bounded)."""
        hits: Counter = Counter()
        for t in doc.keys:
            for sid in self.index.get(t, ()):
                hits[sid] += 1
        return [sid for sid, _ in hits.most_common(self.config.max_candidates)]

    def scores(self, doc: _Doc, exclude: str | None = None) -> list[tuple[float, str]]:
        """(similarity, story id) for the candidate stories, best first."""
        out = []
        for sid in self.candidates(doc):
            st = self.stories[sid]
            if sid == exclude:
                continue
            out.append((self.similarity(doc, st), sid))
        out.sort(reverse=True)
        return out

    def decide(self, scored: list[tuple[float, str]]) -> str | None:
        """The story to join, or None to open a new one (absolute floor + margin over the runner-up)."""
        if not scored:
            return None
        c = self.config
        best, sid = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        n = len(self.stories[sid].articles)
        floor = c.threshold + (c.threshold_single - c.threshold) / max(1, n)
        if c.relative:
            rest = [x for x, _ in scored[1 : 1 + c.background]]
            floor += c.relative * sum(rest) / c.background  # busy neighbourhood (same topic): demand more
        if best < floor:
            return None
        if best < c.confident and best - second < c.margin:
            return None
        return sid

    def _new_story(self, sid: str | None = None) -> _Story:
        if sid is None:
            sid = f"{self.id_prefix}{self.next_id}"
            self.next_id += 1
            while sid in self.stories:
                sid = f"{self.id_prefix}{self.next_id}"
                self.next_id += 1
        st = _Story(sid)
        self.stories[sid] = st
        return st

    def attach(self, doc: _Doc, st: _Story, title: str = "") -> None:
        """Add a document to a story: centroids, time span, index postings."""
        st.articles.append(doc.id)
        st.words_n2 += _add_into(st.words, doc.words)
        st.entities_n2 += _add_into(st.entities, doc.entities)
        if doc.emb is not None:
            st.emb = doc.emb.copy() if st.emb is None else st.emb + doc.emb
        if doc.day is not None:
            st.first_day = doc.day if st.first_day is None else min(st.first_day, doc.day)
            st.last_day = doc.day if st.last_day is None else max(st.last_day, doc.day)
        for t in doc.keys[: self.config.index_terms]:
            if st.keys[t] == 0:
                self.index.setdefault(t, set()).add(st.id)
            st.keys[t] += 1
        if title and not st.title:
            st.title = title
        self.seq += 1
        st.seq = self.seq
        self.story_of[doc.id] = st.id

    def detach(self, doc: _Doc, st: _Story) -> None:
        """Remove a document from a story (batch refinement); drops the story when it empties."""
        st.articles.remove(doc.id)
        st.words_n2 = max(0.0, st.words_n2 + _add_into(st.words, doc.words, -1.0))
        st.entities_n2 = max(0.0, st.entities_n2 + _add_into(st.entities, doc.entities, -1.0))
        if doc.emb is not None and st.emb is not None:
            st.emb = st.emb - doc.emb
        for t in doc.keys[: self.config.index_terms]:
            st.keys[t] -= 1
            if st.keys[t] <= 0:
                del st.keys[t]
                self.index.get(t, set()).discard(st.id)
        self.story_of.pop(doc.id, None)
        if not st.articles:
            self._drop(st)

    def _drop(self, st: _Story) -> None:
        for t in st.keys:
            posting = self.index.get(t)
            if posting is not None:
                posting.discard(st.id)
                if not posting:
                    del self.index[t]
        for a in st.articles:
            self.story_of.pop(a, None)
        del self.stories[st.id]

    def _evict(self) -> None:
        c = self.config
        if self.max_day is not None:
            old = [st for st in self.stories.values() if st.last_day is not None and st.last_day < self.max_day - c.window_days]
            for st in old:
                self._drop(st)
                self.evicted += 1
        if len(self.stories) > c.max_active:
            for st in sorted(self.stories.values(), key=lambda s: s.seq)[: len(self.stories) - c.max_active]:
                self._drop(st)
                self.evicted += 1

    # ---- public streaming API -------------------------------------------------------------------
    def add(self, article: Article, *, embedding: np.ndarray | None = None) -> str:
        """Place one article (preset story, duplicate's story, best active story, or a new one); every
        `recluster_every` articles the window is re-clustered, so the id returned is the one after that."""
        feats = F.extract(article)
        if not self.frozen_df:
            self.observe(feats)
        if feats.day is not None and (self.max_day is None or feats.day > self.max_day):
            self.max_day = feats.day
            if feats.day >= self._evicted_at + 1.0 or len(self.stories) > self.config.max_active:
                self._evicted_at = feats.day  # at most once per stream day
                self._evict()
        elif len(self.stories) > self.config.max_active:
            self._evict()
        doc = self.vectorise(article, feats, embedding)
        sid = self.place(article, doc)
        self.docs[article.id] = _WinDoc(
            article.title or "", (article.text or article.raw or "")[: self.batch_config.body_chars], doc.emb,
            article.duplicate_of, doc.day,
        )
        self._vecs[article.id] = doc
        self.since_recluster += 1
        if self.config.recluster_every and self.since_recluster >= self.config.recluster_every:
            self.recluster()
            return self.story_of[article.id]
        return sid

    def place(self, article: Article, doc: _Doc) -> str:
        """Attach an already vectorised article to its story (see `add`); returns the story id."""
        if article.story:
            st = self.stories.get(article.story) or self._new_story(article.story)
            st.preset = True
        elif article.duplicate_of and article.duplicate_of in self.story_of:
            st = self.stories[self.story_of[article.duplicate_of]]
        else:
            sid = self.decide(self.scores(doc))
            st = self.stories[sid] if sid else self._new_story()
        self.attach(doc, st, article.title)
        return st.id

    # ---- window re-clustering ---------------------------------------------------------------------
    def window(self) -> list[str]:
        """Story ids re-clustered next: active, most recently updated first, fully known, up to the article cap."""
        c = self.config
        out: list[str] = []
        n = 0
        for st in sorted(self.stories.values(), key=lambda s: s.seq, reverse=True):
            if not all(a in self.docs for a in st.articles):
                continue  # members from before the window (or an old state): left as they are
            if n + len(st.articles) > c.window_articles:
                break
            out.append(st.id)
            n += len(st.articles)
        return out

    def recluster(self) -> Reclustered:
        """Re-cluster the window with the batch algorithm and map its clusters back onto stable story ids.

        Each new cluster takes the id of the old story it shares most articles with (greedy by overlap);
        the rest get new ids; old ids left over go to `merged_into`. Documents outside the window are dropped.
        """
        from . import cluster as batch_cluster  # the package imports this module

        self.since_recluster = 0
        result = Reclustered()
        sids = self.window()
        ids = [a for sid in sids for a in self.stories[sid].articles]
        keep = set(ids)
        for a in [a for a in self.docs if a not in keep]:
            del self.docs[a]
            self._vecs.pop(a, None)
        result.window = len(ids)
        if len(ids) < 2:
            return result
        pos = {a: i for i, a in enumerate(self.docs)}
        ids.sort(key=pos.__getitem__)  # arrival order
        old = {a: self.story_of[a] for a in ids}
        arts = []
        for a in ids:
            d = self.docs[a]
            st = self.stories[old[a]]
            dup = d.duplicate_of if d.duplicate_of in keep else None
            arts.append(Article(id=a, title=d.title, text=d.text, duplicate_of=dup, story=st.id if st.preset else None))
        embs = [self.docs[a].emb for a in ids]
        presets = {a.story for a in arts if a.story}  # before `cluster()`, which labels every article
        parts = [s.articles for s in batch_cluster(
            arts, config=self.config, embedder=None, embeddings=None if any(e is None for e in embs) else embs,
            batch_config=self.batch_config,
        )]
        # greedy by overlap: preset (bundle) stories keep their id first
        owner: dict[int, str] = {}
        taken: set[str] = set()
        for p, members in enumerate(parts):
            bundle = next((old[a] for a in members if self.stories[old[a]].preset), None)  # at most one: locked
            if bundle is not None:
                owner[p] = bundle
                taken.add(bundle)
        overlap = Counter((p, old[a]) for p, members in enumerate(parts) for a in members)
        order = {sid: i for i, sid in enumerate(reversed(sids))}  # ties: the longer-standing story keeps its id
        for (p, sid), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], order[kv[0][1]], kv[0][0])):
            if p not in owner and sid not in taken:
                owner[p] = sid
                taken.add(sid)
        seqs = {sid: self.stories[sid].seq for sid in sids}
        before = {sid: list(self.stories[sid].articles) for sid in sids}
        changed = [p for p, m in enumerate(parts) if owner.get(p) is None or sorted(before[owner[p]]) != sorted(m)]
        gone = {sid for p in changed for sid in {old[a] for a in parts[p]} | ({owner[p]} if p in owner else set())}
        titles = {sid: self.stories[sid].title for sid in gone}
        for sid in gone:
            self._drop(self.stories[sid])
        for p in changed:
            if p in owner:
                st = self.stories[owner[p]] = _Story(owner[p])
            else:
                st = self._new_story()
            if st.id not in seqs:
                result.split[st.id] = Counter(old[a] for a in parts[p]).most_common(1)[0][0]
            for a in parts[p]:
                self.attach(self._vec(a), st, self.docs[a].title)
                result.moved += old[a] != st.id
            st.title = titles.get(st.id) or st.title
            st.seq = max(seqs[old[a]] for a in parts[p])
            st.preset = st.id in presets
        for sid in sids:
            if sid not in self.stories:
                home = Counter(self.story_of[a] for a in before[sid]).most_common(1)[0][0]
                result.merged[sid] = home
        self.merged_into.update(result.merged)
        return result

    def redirect(self, story_id: str) -> str:
        """Where a story id lives now: followed through `merged_into` (ids are never reused, so chains end)."""
        return redirect(self.merged_into, story_id)

    def _vec(self, aid: str) -> _Doc:
        """The document vectors of a window article (re-derived from its kept text after a reload)."""
        doc = self._vecs.get(aid)
        if doc is None:
            d = self.docs[aid]
            feats = F.extract(Article(id=aid, title=d.title, text=d.text))
            feats.day = d.day
            doc = self._vecs[aid] = self.vectorise(Article(id=aid, title=d.title, text=d.text), feats, d.emb)
        return doc

    def __len__(self) -> int:
        return len(self.stories)

    # ---- persistence ----------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """Everything needed to resume, as JSON-able data (lists, dicts, numbers, strings)."""
        nz = np.flatnonzero(self.df)
        return {
            "version": 2,
            "config": asdict(self.config),
            "batch_config": asdict(self.batch_config),
            "since_recluster": self.since_recluster,
            "merged_into": self.merged_into,
            # window documents: [id, title, zlib+base64 text, base64 float16 embedding, duplicate_of, day]
            "docs": [
                [a, d.title, _pack_text(d.text), _pack_emb(d.emb), d.duplicate_of, d.day] for a, d in self.docs.items()
            ],
            "id_prefix": self.id_prefix,
            "n_docs": self.n_docs,
            "frozen_df": self.frozen_df,
            "df_keys": nz.tolist(),
            "df_counts": self.df[nz].tolist(),
            "next_id": self.next_id,
            "seq": self.seq,
            "max_day": self.max_day,
            "evicted": self.evicted,
            "stories": [
                {
                    "id": st.id, "articles": st.articles, "title": st.title, "seq": st.seq, "preset": st.preset,
                    "words": [[k, v] for k, v in st.words.items()], "words_n2": st.words_n2,
                    "entities": [[k, v] for k, v in st.entities.items()], "entities_n2": st.entities_n2,
                    "emb": None if st.emb is None else st.emb.tolist(),
                    "first_day": st.first_day, "last_day": st.last_day,
                    "keys": [[k, v] for k, v in st.keys.items()],
                }
                for st in self.stories.values()
            ],
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], *, embedder: Embedder | None = None) -> StoryClusterer:
        """Rebuild a clusterer from `state()` output (version 1 states load with an empty re-clustering window)."""
        self = cls(
            Config(**state["config"]), embedder=embedder, id_prefix=state.get("id_prefix", "story-"),
            batch_config=BatchConfig(**state["batch_config"]) if "batch_config" in state else None,
        )
        self.since_recluster = state.get("since_recluster", 0)
        self.merged_into = dict(state.get("merged_into", {}))
        for a, title, text, emb, dup, day in state.get("docs", []):
            self.docs[a] = _WinDoc(title, _unpack_text(text), _unpack_emb(emb), dup, day)
        self.n_docs = state["n_docs"]
        self.frozen_df = state.get("frozen_df", False)
        self.df[np.asarray(state["df_keys"], dtype=np.int64)] = np.asarray(state["df_counts"], dtype=np.int32)
        self.next_id, self.seq, self.max_day = state["next_id"], state["seq"], state["max_day"]
        self.evicted = state.get("evicted", 0)
        for s in state["stories"]:
            st = _Story(
                s["id"], list(s["articles"]), {int(k): v for k, v in s["words"]}, {int(k): v for k, v in s["entities"]},
                s["words_n2"], s["entities_n2"], None if s["emb"] is None else np.asarray(s["emb"], dtype=np.float32),
                s["first_day"], s["last_day"], Counter({int(k): v for k, v in s["keys"]}), s["title"], s["seq"], s["preset"],
            )
            self.stories[st.id] = st
            for a in st.articles:
                self.story_of[a] = st.id
            for t in st.keys:
                self.index.setdefault(t, set()).add(st.id)
        return self
