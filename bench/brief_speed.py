"""Brief speed: time `brief.build` on one big story once the per-article stages are done.

Articles come from ../shared/data/summaries-multinews/dev.jsonl at run time (never copied into the
repo); consecutive Multi-News clusters are pooled into one story of N articles, each its own outlet.
Per-article work (spaCy analysis, MiniLM sentence embeddings) is timed separately: it is cached and
parallel in the pipeline. Larger stories re-use the `--real` analysed articles (default 50) under new ids/outlets (the
embeddings memo is warm), so they measure how the brief step itself scales.

Usage: python bench/brief_speed.py [--sizes 50,200,800] [--out bench/results/brief_speed.md]
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import platform
import time
from pathlib import Path

from _multinews import DATA, ROOT, load_articles as _load  # bench/ is on sys.path


def load_articles(n: int):
    """n whole Multi-News articles (400+ characters), each with its title and its own outlet."""
    return _load(n, min_chars=400, published="2024-01-01", labelled=True)


def timed(fn, *args, **kw):
    t = time.perf_counter()
    r = fn(*args, **kw)
    return r, time.perf_counter() - t


def build_once(articles, analyses, label: str, own_only: bool = False):
    """brief.build with per-step timings (align, quotes, conflicts, ...)."""
    from newsfuse import align, brief
    from newsfuse.brief import conflicts, corroboration, timeline
    from newsfuse.model import Story

    steps = {}

    def wrap(mod, name):
        orig = getattr(mod, name)

        def inner(*a, **k):
            t = time.perf_counter()
            try:
                return orig(*a, **k)
            finally:
                steps[f"{mod.__name__.split('.')[-1]}.{name}"] = steps.get(f"{mod.__name__.split('.')[-1]}.{name}", 0) + time.perf_counter() - t

        setattr(mod, name, inner)
        return orig

    patched = [(align, "align"), (align, "group_quotes"), (conflicts, "find"), (corroboration, "single_source"),
               (timeline, "build"), (brief.summary, "summarize"), (brief, "_link")]
    originals = [wrap(m, n) for m, n in patched]
    kw = {}
    stub = None
    if own_only:  # the summary and entity linking belong to other issues: time this steps alone
        from newsfuse import entities

        kw["entities"] = entities.link(list(analyses.values()))
        stub = brief.summary.summarize
        brief.summary.summarize = lambda *a, **k: []
    try:
        b, secs = timed(brief.build, Story(label, [a.id for a in articles]), articles, analyses, **kw)
    finally:
        if stub is not None:
            brief.summary.summarize = stub
        for (m, n), o in zip(patched, originals):
            setattr(m, n, o)
    return b, secs, steps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="50,200,800")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "brief_speed.md"))
    ap.add_argument("--real", type=int, default=50, help="articles analysed for real; larger sizes re-use them")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    if not DATA.exists():
        raise SystemExit(f"benchmark data not found at {DATA} (it lives in ../shared)")
    from newsfuse import align, brief, dates, dedupe, nlp, pipeline

    nlp.load()
    nlp.embed(["warm up the model"])
    real = min(max(sizes), args.real)
    base = load_articles(real)
    base = pipeline.clean_all(base)
    base = [a for a in base if a.text.strip()]
    print(f"analysing {len(base)} articles ...", flush=True)
    analyses, t_analyse = timed(pipeline.analyze, base)
    dates.infer_published(base, analyses)
    dedupe.mark_duplicates(base)
    n_sent, t_embed = timed(pipeline.vectorise, base, analyses)  # one MiniLM vector per article (clustering)
    align.tokens("warm up the stop words")
    full = None
    if 50 in sizes:
        arts = base[:50]
        _, full_secs, full_steps = build_once(arts, {a.id: analyses[a.id] for a in arts}, "full-50")
        full = (full_secs, full_steps)
        print(f"full brief.build of 50 articles: {full_secs:.2f} s " + " ".join(f"{k}={v:.2f}" for k, v in sorted(full_steps.items())), flush=True)
    rows = []
    for n in sizes:
        if n <= len(base):
            arts, ans = base[:n], {a.id: analyses[a.id] for a in base[:n]}
        else:  # replicate the analysed articles under new ids and outlets
            arts, ans = [], {}
            rep = 0
            while len(arts) < n:
                for a in base:
                    if len(arts) >= n:
                        break
                    c = copy.copy(a)
                    c.id, c.outlet = f"{a.id}~{rep}", f"{a.outlet}~{rep}"
                    an = copy.deepcopy(analyses[a.id])
                    an.article = c.id
                    for s in an.sentences:
                        s.article = c.id
                    for q in an.quotes:
                        q.article = c.id
                    for cl in an.claims:
                        cl.article = c.id
                    for e in an.entities:
                        for m in e.mentions:
                            m.article = c.id
                    arts.append(c)
                    ans[c.id] = an
                rep += 1
        sents = sum(len(ans[a.id].sentences) for a in arts)
        build_once(arts, ans, f"warm-{n}", own_only=True)  # first run warms caches (imports, memo)
        b, secs, steps = build_once(arts, ans, f"story-{n}", own_only=True)
        rows.append({"articles": len(arts), "sentences": sents, "seconds": secs, "steps": steps,
                     "facts": len(b.facts), "quotes": len(b.quotes), "conflicts": len(b.conflicts)})
        print(f"{len(arts):>5} articles {sents:>6} sentences: brief.build {secs:.2f} s  "
              + " ".join(f"{k}={v:.2f}" for k, v in sorted(steps.items())), flush=True)
    lines = [
        "# Brief speed (`bench/brief_speed.py`)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), Python {platform.python_version()}; "
        f"NEWSFUSE_THREADS={os.environ.get('NEWSFUSE_THREADS', '1')}.",
        f"Story: consecutive Multi-News dev clusters pooled into one story, one outlet per article "
        f"(read at run time from ../shared). Sizes above {len(base)} re-use the analysed articles under new ids "
        "and outlets (so MiniLM vectors come from the memo; the brief step's own cost is what is measured).", "",
        f"Per-article stages for {len(base)} articles (not part of the brief; cached and parallel in the pipeline): "
        f"spaCy analysis {t_analyse:.1f} s, MiniLM vectors of {n_sent} articles {t_embed:.1f} s "
        f"({n_sent / max(t_embed, 1e-9):.0f}/s).", "",
    ]
    if full:
        s = full[1]
        lines += [
            f"**Full `brief.build` of the 50-article story: {full[0]:.2f} s**, of which summary.summarize "
            f"{s.get('summary.summarize', 0):.2f} s and entities.link {s.get('brief._link', 0):.2f} s (other issues' steps); "
            f"align {s.get('align.align', 0):.2f} s, quote groups {s.get('align.group_quotes', 0):.2f} s, "
            f"conflicts {s.get('conflicts.find', 0):.2f} s.", "",
        ]
    lines += [
        "Below, this issue's steps alone (summary stubbed, entities linked beforehand), second of two runs:", "",
        "| articles | sentences | brief.build (s) | align | quotes | conflicts | single-source | timeline | summary | entity link | facts | quote groups | conflicts |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        s = r["steps"]
        lines.append(
            f"| {r['articles']} | {r['sentences']} | {r['seconds']:.2f} | {s.get('align.align', 0):.2f} | {s.get('align.group_quotes', 0):.2f} "
            f"| {s.get('conflicts.find', 0):.2f} | {s.get('corroboration.single_source', 0):.2f} | {s.get('timeline.build', 0):.2f} "
            f"| {s.get('summary.summarize', 0):.2f} | {s.get('brief._link', 0):.2f} | {r['facts']} | {r['quotes']} | {r['conflicts']} |"
        )
    if len(rows) >= 2:
        lines += ["", "Scaling between consecutive sizes (time ratio vs n·log n ratio, n = sentences):", ""]
        for a, b in zip(rows, rows[1:]):
            na, nb = a["sentences"], b["sentences"]
            nlogn = (nb * math.log(nb)) / (na * math.log(na))
            exp = math.log(b["seconds"] / a["seconds"]) / math.log(nb / na)
            lines.append(f"- {a['articles']} → {b['articles']} articles: time ×{b['seconds'] / a['seconds']:.2f}, "
                         f"n·log n ×{nlogn:.2f}, empirical exponent {exp:.2f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
