"""Per-article analysis throughput: in-process vs Dask LocalCluster with 1 and 2 workers, and cache hits.

Data (outside the repo, read at runtime, never copied): ../shared/data/quotes-ggt/ggt_quotes.jsonl
(98 news texts). Each mode analyses the same cleaned articles; "cold" includes starting the cluster
and loading spaCy in every worker, "warm" is a second pass on the same running cluster.

Run: .venv/bin/python bench/dask_speed.py [--out bench/results/scale_dask.md]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "quotes-ggt" / "ggt_quotes.jsonl"


def load_articles(limit: int) -> list:
    """Cleaned Articles built from the GGT texts (ids and outlets from the file)."""
    from newsfuse import pipeline
    from newsfuse.ingest import content_hash
    from newsfuse.model import Article

    arts = []
    with DATA.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text = rec["text"]
            arts.append(Article(id=str(rec["id"]), source=str(DATA), raw=text, outlet=rec.get("outlet", ""),
                                content_hash=content_hash(text), meta={"format": "json"}))
            if len(arts) >= limit:
                break
    return pipeline.clean_all(arts)


def timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "scale_dask.md"))
    ap.add_argument("--limit", type=int, default=100)
    args = ap.parse_args()

    from dask.distributed import Client, LocalCluster

    from newsfuse import scale
    from newsfuse.model import to_dict

    arts = load_articles(args.limit)
    n = len(arts)
    chars = sum(len(a.text) for a in arts)
    rows = []

    # in-process reference, which also fills a fresh content-hash cache (the write cost is small)
    from newsfuse import nlp

    t_load, _ = timed(nlp.load)
    tmp = tempfile.TemporaryDirectory()
    cache = scale.AnalysisCache(tmp.name)
    t_serial, serial = timed(lambda: scale.analyze_distributed(arts, 1, cache=cache))
    t_hit, hit = timed(lambda: scale.analyze_distributed(arts, 1, cache=cache))
    assert cache.hits == n, (cache.hits, n)
    tmp.cleanup()
    same = to_dict(hit) == to_dict(serial)
    print(f"in-process: load {t_load:.1f}s, analyse {t_serial:.1f}s; cache hits {t_hit:.2f}s", flush=True)

    # both clusters stay up; warm passes run 2 then 1 right after the cold ones, so load drift hits both
    clusters, cold, warm = {}, {}, {}
    try:
        for workers in (1, 2):
            t0 = time.perf_counter()
            cl = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=logging.ERROR)
            clusters[workers] = (cl, Client(cl))
            got = scale.analyze_distributed(arts, workers, client=clusters[workers][1], cache=False)
            cold[workers] = time.perf_counter() - t0
            same = same and to_dict(got) == to_dict(serial)
            print(f"dask {workers}: cold {cold[workers]:.1f}s", flush=True)
        for workers in (2, 1):
            warm[workers], got = timed(lambda: scale.analyze_distributed(arts, workers, client=clusters[workers][1], cache=False))
            same = same and to_dict(got) == to_dict(serial)
            print(f"dask {workers}: warm {warm[workers]:.1f}s", flush=True)
    finally:
        for cl, client in clusters.values():
            client.close()
            cl.close()
    rows.append(("in-process (no Dask)", 1, t_load + t_serial, t_serial))
    rows += [(f"Dask LocalCluster, {w} worker(s)", w, cold[w], warm[w]) for w in (1, 2)]

    load = os.getloadavg()
    lines = [
        "# Per-article analysis throughput: in-process vs Dask (bench/dask_speed.py)",
        "",
        f"{n} articles ({chars:,} characters of kept text) built at runtime from ../shared/data/quotes-ggt.",
        f"Machine: {os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), Python "
        f"{platform.python_version()}, shared with other engineers' jobs (load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}), so the numbers are noisy: compare within one run.",
        "Cold = start the cluster + load spaCy in each worker + analyse (in-process: load spaCy + analyse); warm = a",
        "later pass on the running cluster (the 2-worker warm pass runs first, then the 1-worker one).",
        "",
        "| mode | workers | cold s | cold art/s | warm s | warm art/s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, w, c_s, w_s in rows:
        lines.append(f"| {name} | {w} | {c_s:.1f} | {n / c_s:.2f} | {w_s:.1f} | {n / w_s:.2f} |")
    lines += [
        "",
        f"Content-hash cache (`NEWSFUSE_CACHE`): the in-process run above filled it; second run, "
        f"{n}/{n} hits, {t_hit:.2f}s ({n / max(t_hit, 1e-9):.0f} art/s).",
        f"Results identical to the in-process path in every mode: {'yes' if same else 'NO'}.",
        "",
    ]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
