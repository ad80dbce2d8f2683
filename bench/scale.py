"""Scale benchmark: stream N articles through dedupe (DuplicateIndex) + clustering (StoryClusterer).

Articles are built from the real benchmark corpora (ECB+ and news_cluster, outside the repo): round r
re-dates every base document (a steady ~30 articles a day, so the stream's time span grows with N),
perturbs it (drops a sentence, replaces every 5th word and names an invented place unique to the
round, so copies are neither near-duplicates nor the same story). MiniLM embeddings of the base texts are computed
once (cached) and reused for their copies: the figures measure dedupe + clustering, not the encoder.
Each size runs in a fresh process so peak memory (max RSS) is per size.

Run: .venv/bin/python bench/scale.py [--sizes 10000 30000 100000] [--limit-s 900]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

RATE_PER_DAY = 30


def base_corpus():
    """All documents of both clustering sets with their cached embeddings."""
    import clustering as cb

    out = []
    for name in ("ecbplus", "newscluster"):
        for split in ("dev", "test"):
            arts, gold = cb.load(name, split)
            embs = cb.embeddings(arts)
            out += [(a, f"{name}:{g}", e) for a, g, e in zip(arts, gold, embs)]
    return out


def make_stream(n: int, seed: int = 0):
    """Yield n (Article, embedding) pairs: re-dated, lightly perturbed copies of the base corpus."""
    import numpy as np

    from newsfuse.model import Article

    base = base_corpus()
    rng = random.Random(seed)
    order = list(range(len(base)))
    i = 0
    r = 0
    while i < n:
        rng.shuffle(order)
        tag = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)).capitalize()
        for j in order:
            if i >= n:
                return
            a, _, e = base[j]
            sents = a.text.split("\n") if "\n" in a.text else a.text.split(". ")
            if len(sents) > 3:
                sents.pop(rng.randrange(len(sents)))
            words = "\n".join(sents).split(" ")
            for w in range(rng.randrange(5), len(words), 5):  # every 5th word renamed: a distinct story, not a copy
                words[w] = tag.lower() + str(w % 7)
            text = f"{tag}ville: " + " ".join(words) + f"\nReported from {tag}ville."
            day = np.datetime64("2020-01-01") + np.timedelta64(int(i / RATE_PER_DAY), "D")
            yield Article(id=f"{r}-{a.id}", title=(f"{tag}ville: " + a.title) if a.title else "", text=text, raw=text,
                          published=str(day)), e
            i += 1
        r += 1


def run_one(n: int, limit_s: float) -> dict:
    """Stream n articles; return throughput, per-article cost by decile, peak RSS and state sizes."""
    from newsfuse.cluster import StoryClusterer
    from newsfuse.dedupe import DuplicateIndex

    stream = list(make_stream(n))
    dd, sc = DuplicateIndex(), StoryClusterer()
    recluster_s: list[float] = []
    window_recluster = sc.recluster

    def timed_recluster():  # noqa: ANN202  # counts the amortised window re-clustering (every K articles)
        t = time.perf_counter()
        res = window_recluster()
        recluster_s.append(time.perf_counter() - t)
        return res

    sc.recluster = timed_recluster
    marks = []
    ticks: list[float] = []
    t0 = time.perf_counter()
    done = 0
    for k, (a, e) in enumerate(stream):
        dd.add(a)
        sc.add(a, embedding=e)
        done += 1
        if done % max(1, n // 10) == 0:
            marks.append(time.perf_counter() - t0)
        if done % 1000 == 0:
            ticks.append(time.perf_counter() - t0)
        if time.perf_counter() - t0 > limit_s:
            break
    secs = time.perf_counter() - t0
    deciles = [b - a for a, b in zip([0.0] + marks, marks)]
    per = [d / max(1, n // 10) * 1000 for d in deciles]
    return {
        "n": n, "done": done, "secs": secs, "rate": done / secs, "ms_first_decile": per[0] if per else None,
        "ms_last_decile": per[-1] if per else None,
        "ms_first_1000": ticks[0] if ticks else None,
        "ms_last_1000": (ticks[-1] - ticks[-2]) if len(ticks) > 1 else None, "ms_by_decile": per,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "active_stories": len(sc), "evicted_stories": sc.evicted, "dedupe_indexed": len(dd),
        "duplicates": sum(1 for a, _ in stream[:done] if a.duplicate_of),
        "reclusters": len(recluster_s), "recluster_s": sum(recluster_s),
        "recluster_max_s": max(recluster_s, default=0.0), "window_docs": len(sc.docs),
        "state_mb": len(json.dumps(sc.state())) / 1e6,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    ap.add_argument("--limit-s", type=float, default=900.0, help="stop a size after this many seconds (reported)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale.md"))
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.limit_s)))
        return
    rows = []
    for n in args.sizes:
        res = subprocess.run([sys.executable, __file__, "--one", str(n), "--limit-s", str(args.limit_s)],
                             capture_output=True, text=True, check=True)
        row = json.loads(res.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(json.dumps(row), flush=True)
    lines = [
        "# Scale benchmark: dedupe + streaming clustering",
        "",
        f"Command: `.venv/bin/python bench/scale.py --sizes {' '.join(map(str, args.sizes))} --limit-s {args.limit_s:g}` · "
        f"machine: {platform.machine()} {os.cpu_count()}-core CPU (shared), Python {platform.python_version()} · {time.strftime('%Y-%m-%d')}",
        "",
        f"Stream: re-dated (~{RATE_PER_DAY}/day), lightly perturbed copies of ECB+ and news_cluster documents; one process per size;",
        "MiniLM embeddings of base texts precomputed and reused (encoder cost excluded). Default `Config`: 730-day",
        "active window; every K=200 articles the batch algorithm re-clusters the most recently updated stories",
        "(cap 2,000 articles); their time is included in every per-article figure.",
        "",
        "| articles | processed | seconds | articles/s | ms/article first 1000 | ms/article last 1000 processed | "
        "re-clusterings | re-cluster s (total / max) | peak RSS MB | active stories at end | evicted | window docs | state MB | duplicates marked |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['done']} | {r['secs']:.0f} | {r['rate']:.0f} | {r['ms_first_1000'] or 0:.2f} | "
            f"{r['ms_last_1000'] or 0:.2f} | {r['reclusters']} | {r['recluster_s']:.0f} / {r['recluster_max_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | {r['active_stories']} | {r['evicted_stories']} | {r['window_docs']} | "
            f"{r['state_mb']:.1f} | {r['duplicates']} |"
        )
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
