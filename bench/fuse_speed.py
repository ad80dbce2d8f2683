"""Fuse-stage speed on a stored ingest: rebuild every story's brief from a store, as `store.update` does.

Opens the SQLite/PostgreSQL store an `ingest` wrote (e.g. bench/e2e.py's /tmp/.../ingest-w1.db; it is only
read), loads each story's articles and analyses (`store.articles` / `store.analyses`, timed as "store read")
and times `brief.build` plus the three renders ("fuse") in process CPU seconds, without re-running spaCy.
`--dump DIR` writes each story's JSON, Markdown and HTML (story time fixed) so two code versions can be
diffed byte for byte (run both under the same PYTHONHASHSEED); `--profile N` prints cProfile's top N.

Usage: python bench/fuse_speed.py sqlite:////tmp/e2e0/ingest-w1.db [--dump DIR] [--profile 40] [--repeat 1]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import time
from pathlib import Path


# inclusive steps for --steps (nested ones overlap: align.propositions is inside align.align)
STEPS = [
    ("newsfuse.align", "group_quotes"), ("newsfuse.align", "align"), ("newsfuse.align", "build_units"),
    ("newsfuse.align", "propositions"), ("newsfuse.align", "merge_near_duplicates"), ("newsfuse.align", "neighbour_pairs"),
    ("newsfuse.align", "tfidf_matrix"), ("newsfuse.align", "ClaimCheck"), ("newsfuse.align", "merge_edges"),
    ("newsfuse.brief", "_link"), ("newsfuse.brief.corroboration", "single_source"),
    ("newsfuse.brief.conflicts", "find"), ("newsfuse.brief.timeline", "build"), ("newsfuse.brief.summary", "summarize"),
    ("newsfuse.brief", "title"), ("newsfuse.brief", "_coverage"),
    ("newsfuse.render", "to_json"), ("newsfuse.render", "to_markdown"), ("newsfuse.render", "to_html"),
]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--dump", default="")
    ap.add_argument("--profile", type=int, default=0)
    ap.add_argument("--sort", default="cumulative")
    ap.add_argument("--steps", action="store_true", help="print inclusive CPU per step (wrapped functions)")
    ap.add_argument("--callers", default="", help="print the callers of functions matching this regex")
    args = ap.parse_args()
    from newsfuse import brief as brief_stage
    from newsfuse import nlp, render
    from newsfuse.model import Story
    from newsfuse.store import dumps, open_store

    store = open_store(args.db)
    stored = store.memberships()
    titles = {r.id: r.title for r in store.stories()}
    out = Path(args.dump) if args.dump else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    nlp.vectors.static_embed(["warm up the static vectors"])  # a model load, not the fuse stage
    from newsfuse.align import tokens

    tokens("warm up the stop words")  # imports spaCy's list: in an ingest, spaCy is already loaded
    read_cpu = fuse_cpu = 0.0
    steps: dict[str, float] = {}
    per_story: list[tuple[float, str, int, int]] = []
    if args.steps:
        import importlib

        for modname, name in STEPS:
            mod = importlib.import_module(modname)
            def stepped(*a, _orig=getattr(mod, name), _label=f"{modname.split('.')[-1]}.{name}", **k):
                c = time.process_time()
                try:
                    return _orig(*a, **k)
                finally:
                    steps[_label] = steps.get(_label, 0.0) + time.process_time() - c
            for m in {mod, *(importlib.import_module(x) for x in ("newsfuse.brief", "newsfuse.align",
                                                                 "newsfuse.align.quotes"))}:
                if getattr(m, name, None) is getattr(mod, name) and m.__name__.rsplit(".", 1)[-1] != "quotes" or m is mod:
                    setattr(m, name, stepped)
    embed_cpu = [0.0]  # sentence vectors: the e2e "embeddings" stage, not fuse
    for cls, name in ((nlp.vectors.StaticVectors, "__call__"), (nlp.vectors._Embedder, "__call__")):
        def timed(*a, _orig=getattr(cls, name), **k):
            c = time.process_time()
            try:
                return _orig(*a, **k)
            finally:
                embed_cpu[0] += time.process_time() - c
        setattr(cls, name, timed)
    prof = cProfile.Profile() if args.profile else None
    paused = getattr(brief_stage, "cyclic_gc_paused", contextlib.nullcontext)  # older code (A/B runs) has none
    with nlp.vectors.backed_by(store.vectors):
        for sid, members in sorted(stored.items()):
            if not members:
                continue
            c0 = time.process_time()
            by_id = {a.id: a for a in store.articles(members)}
            arts = [by_id[i] for i in members if i in by_id]
            analyses = store.analyses(members)
            for a in arts:
                if a.duplicate_of and a.duplicate_of not in members:
                    a.duplicate_of, a.duplicate_similarity = None, None
            c1 = time.process_time()
            story = Story(id=sid, articles=members, title=titles.get(sid) or "", updated_at="2026-01-01T00:00:00+00:00",
                          keys={"size": len(members)})
            if prof:
                prof.enable()
            with paused():  # as store.update builds and renders
                b = brief_stage.build(story, arts, analyses)
                doc = render.to_json([b])
                md, html = render.to_markdown(b), render.to_html(b)
            if prof:
                prof.disable()
            c2 = time.process_time()
            read_cpu += c1 - c0
            fuse_cpu += c2 - c1
            per_story.append((c2 - c1, sid, len(members), sum(len(a.sentences) for a in analyses.values())))
            if out:
                (out / f"{sid}.json").write_text(dumps(doc), encoding="utf-8")
                (out / f"{sid}.md").write_text(md, encoding="utf-8")
                (out / f"{sid}.html").write_text(html, encoding="utf-8")
    n = sum(1 for m in stored.values() if m)
    print(f"{n} stories: fuse {fuse_cpu - embed_cpu[0]:.2f} CPU s (+ sentence vectors {embed_cpu[0]:.2f}), store read {read_cpu:.2f} CPU s; load {os.getloadavg()[0]:.2f}")
    if args.steps:
        print("  dearest stories (CPU s, articles, sentences):",
              ", ".join(f"{t:.2f}/{n}/{m}" for t, _, n, m in sorted(per_story, reverse=True)[:8]))
    for k, v in sorted(steps.items(), key=lambda kv: -kv[1]):
        print(f"  {k:40s} {v:6.2f}")
    if prof:
        st = pstats.Stats(prof).sort_stats(args.sort)
        st.print_stats(args.profile)
        if args.callers:
            st.print_callers(args.callers)


if __name__ == "__main__":
    main()
