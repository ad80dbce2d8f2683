"""Stage timer for bench/e2e.py: run the newsfuse CLI in this process with its stage functions wrapped.

    python bench/_stagetimer.py OUT.json -- ingest FILE --db sqlite:///x.db

Every wrapped function adds its *exclusive* CPU and wall time (its own time less the wrapped functions it
called) to its stage, so nested stages never count twice; whatever no wrapper covers (start-up, imports,
the CLI's own reading loop) is `other`. The table is written to OUT.json at exit (also on `typer.Exit`).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import resource
import sys
import time
from collections import defaultdict

# stage -> [(module, attribute path)]; patched wherever the CLI's code looks them up
STAGES: dict[str, list[tuple[str, str]]] = {
    "read": [("newsfuse.ingest", "ingest"), ("newsfuse.cli.console", "read")],
    "clean": [("newsfuse.clean", "clean")],
    "load models": [("newsfuse.nlp.loading", "load"), ("newsfuse.nlp.vectors", "_Embedder.__init__"),
                    ("newsfuse.nlp.vectors", "static_vectors")],
    # the spaCy parse runs lazily inside analyze's loop: analyze's exclusive time is spaCy (+ a thin loop)
    "spaCy": [("newsfuse.understand", "analyze")],
    "other analysis": [
        ("newsfuse.nlp.loading", "sentences"), ("newsfuse.entities", "extract"), ("newsfuse.quotes", "extract"),
        ("newsfuse.quotes", "read"),
        ("newsfuse.claims", "extract"), ("newsfuse.dates", "resolve"), ("newsfuse.dates", "infer_published"),
    ],
    "embeddings": [("newsfuse.nlp.vectors", "_Embedder.__call__"), ("newsfuse.nlp.vectors", "StaticVectors.__call__")],
    "dedupe/cluster": [
        ("newsfuse.dedupe", "DuplicateIndex.add"), ("newsfuse.dedupe", "mark_duplicates"),
        ("newsfuse.cluster.stream", "StoryClusterer.add"), ("newsfuse.cluster.stream", "StoryClusterer.recluster"),
        ("newsfuse.cluster", "cluster"),
    ],
    "fuse": [("newsfuse.brief", "build"), ("newsfuse.render", "to_json"), ("newsfuse.render", "to_markdown"),
             ("newsfuse.render", "to_html")],
    "store": [
        ("newsfuse.store", "Store.put_article"), ("newsfuse.store", "Store.save_state"),
        ("newsfuse.store", "Store.write_story"), ("newsfuse.store", "Store.analyses"),
        ("newsfuse.store", "Store.articles"), ("newsfuse.store", "Store.plan"), ("newsfuse.store", "Store.unplaced"),
        ("newsfuse.store", "Store.put_vectors"), ("newsfuse.store", "Store.vectors"),
    ],
    "write output": [("newsfuse.render", "write")],  # files only: its to_json/to_markdown/to_html count as fuse
}

# inclusive wall seconds of the per-article stages as this process waits for them (with `--workers`, the
# Dask pool's start, submits, waits and shut-down; its workers' own time is not in this process): the figure
# `ingest --workers N` is judged on
PER_ARTICLE = [("newsfuse.understand", "analyze"), ("newsfuse.understand", "vectorise"),
               ("newsfuse.scale", "analyze_distributed"), ("newsfuse.scale", "Pool.__init__"),
               ("newsfuse.scale", "Pool.submit"), ("newsfuse.scale", "Pool.close"), ("newsfuse.scale", "Pool.join"),
               ("newsfuse.scale", "Pending.result")]
_inclusive: dict[str, float] = defaultdict(float)
_depth = [0]

_cpu: dict[str, float] = defaultdict(float)
_wall: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)
_stack: list[list[float]] = []  # per active wrapped call: [cpu spent in wrapped callees, wall in callees]


def _wrap(stage: str, fn):
    if getattr(fn, "_stagetimer", None):
        return fn

    @functools.wraps(fn)
    def timed(*args, **kwargs):
        c0, w0 = time.process_time(), time.perf_counter()
        _stack.append([0.0, 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            inner_c, inner_w = _stack.pop()
            dc, dw = time.process_time() - c0, time.perf_counter() - w0
            _cpu[stage] += dc - inner_c
            _wall[stage] += dw - inner_w
            _calls[stage] += 1
            if _stack:
                _stack[-1][0] += dc
                _stack[-1][1] += dw

    timed._stagetimer = True  # type: ignore[attr-defined]
    return timed


def _span(fn):
    """Wrap `fn` to add its wall time to the per-article span (outermost calls only)."""

    @functools.wraps(fn)
    def spanned(*args, **kwargs):
        _depth[0] += 1
        w0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _depth[0] -= 1
            if _depth[0] == 0:
                _inclusive["per-article stages"] += time.perf_counter() - w0

    return spanned


def install() -> list[str]:
    """Wrap every stage function found (and each module-level alias of it); returns what was not found."""
    import importlib

    missing = []
    for stage, targets in STAGES.items():
        for mod_name, attr in targets:
            try:
                mod = importlib.import_module(mod_name)
            except ImportError:
                missing.append(f"{mod_name}.{attr}")
                continue
            owner, _, name = attr.rpartition(".")
            holder = functools.reduce(getattr, owner.split("."), mod) if owner else mod
            orig = getattr(holder, name, None)
            if orig is None:
                missing.append(f"{mod_name}.{attr}")
                continue
            wrapped = _wrap(stage, orig)
            setattr(holder, name, wrapped)
            if owner:
                continue
            for other in list(sys.modules.values()):  # `from x import f` aliases in newsfuse's own modules
                if getattr(other, "__name__", "").startswith("newsfuse") and getattr(other, name, None) is orig:
                    setattr(other, name, wrapped)
    for mod_name, attr in PER_ARTICLE:
        mod = importlib.import_module(mod_name)
        owner, _, name = attr.rpartition(".")
        if owner:  # a method: patched on its class
            holder = getattr(mod, owner)
            setattr(holder, name, _span(getattr(holder, name)))
            continue
        orig = getattr(mod, name)
        spanned = _span(orig)
        for other in list(sys.modules.values()):
            if getattr(other, "__name__", "").startswith("newsfuse") and getattr(other, name, None) is orig:
                setattr(other, name, spanned)
    return missing


def main() -> None:
    out = sys.argv[1]
    args = sys.argv[sys.argv.index("--") + 1 :]
    c0, w0 = time.process_time(), time.perf_counter()
    import newsfuse.cli as cli
    import newsfuse.pipeline  # noqa: F401  (so its aliases get patched)
    import newsfuse.scale  # noqa: F401
    import newsfuse.store.update  # noqa: F401

    missing = install()

    def dump() -> None:
        total_c, total_w = time.process_time() - c0, time.perf_counter() - w0
        covered_c, covered_w = sum(_cpu.values()), sum(_wall.values())
        data = {
            "args": args, "missing": missing,
            "cpu": dict(_cpu, other=total_c - covered_c), "wall": dict(_wall, other=total_w - covered_w),
            "calls": dict(_calls), "per_article_wall": _inclusive.get("per-article stages", 0.0), "total_cpu": total_c, "total_wall": total_w,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=1)

    atexit.register(dump)
    sys.argv = ["newsfuse", *args]
    os.environ.setdefault("NO_COLOR", "1")
    cli.main() if hasattr(cli, "main") else cli.app()


if __name__ == "__main__":
    main()
