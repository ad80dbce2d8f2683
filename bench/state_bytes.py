"""Bytes the store writes per ingest batch for the streaming stages: changed rows vs the whole state.

Streams Multi-News dev articles (read at run time from ../shared, never copied into the repo), dated
10 per day, plus a trimmed copy of every tenth one a day later, through the dedupe index and story
clusterer in batches, saving after each batch to a real SQLite store exactly as `newsfuse ingest` does
(heads + changed rows, one transaction). "Whole" is what one JSON value per stage would have been.

Usage: python bench/state_bytes.py [--n 400] [--batch 20] [--out bench/results/state_bytes.md]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _multinews import ROOT, load_articles  # bench/ is on sys.path


def _stream(n: int) -> list:
    """Up to n articles (those of 400+ characters) dated 10 a day, each tenth followed a day later by a copy cut to 80 % (a wire re-run)."""
    from newsfuse.model import Article

    out = []
    day0 = date(2030, 1, 1)
    for i, a in enumerate(load_articles(n, min_chars=400)):
        d = (day0 + timedelta(days=i // 10)).isoformat()
        out.append(Article(id=a.id, raw=a.raw, text=a.raw, published=d))
        if i % 10 == 5:
            cut = a.raw[: int(len(a.raw) * 0.8)]
            out.append(Article(id=a.id + "-copy", raw=cut, text=cut, published=(day0 + timedelta(days=i // 10 + 1)).isoformat()))
    return out


def _row_bytes(head: dict, rows) -> int:
    return len(json.dumps(head)) + sum(len(k) + len(v) for _kind, k, v in rows.put) + sum(len(k) for _kind, k in rows.delete)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "state_bytes.md"))
    args = ap.parse_args()

    from newsfuse.cluster.snapshot import to_state
    from newsfuse.store import open_store
    from newsfuse.store.update import CLUSTER_KEY, DEDUPE_KEY, _load_stages

    stream = _stream(args.n)
    rows_b: dict[str, list[int]] = {DEDUPE_KEY: [], CLUSTER_KEY: []}
    whole_b: dict[str, list[int]] = {DEDUPE_KEY: [], CLUSTER_KEY: []}
    dups, t0 = 0, time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/state.db")
        for s in range(0, len(stream), args.batch):
            index, clusterer = _load_stages(store)
            for a in stream[s : s + args.batch]:
                dup, _ = index.add(a)
                dups += dup is not None
                index.repointed.clear()
                clusterer.add(a)
            if clusterer.since_recluster:
                clusterer.recluster()
            (dh, dr), (ch, cr) = index.changed_rows(), clusterer.changed_rows()
            rows_b[DEDUPE_KEY].append(_row_bytes(dh, dr))
            rows_b[CLUSTER_KEY].append(_row_bytes(ch, cr))
            whole_b[DEDUPE_KEY].append(len(json.dumps(index.state())))
            whole_b[CLUSTER_KEY].append(len(json.dumps(to_state(clusterer))))
            store.save_state({DEDUPE_KEY: dh, CLUSTER_KEY: ch}, rows={DEDUPE_KEY: dr, CLUSTER_KEY: cr})
    secs = time.perf_counter() - t0

    def kb(xs: list[int]) -> str:
        return f"{sum(xs) / len(xs) / 1024:,.1f} KB (last {xs[-1] / 1024:,.1f} KB)"

    saves = len(rows_b[DEDUPE_KEY])
    lines = [
        "# Streaming-stage state written per ingest batch",
        "",
        f"Command: `.venv/bin/python bench/state_bytes.py --n {args.n} --batch {args.batch}`",
        f"Data: {len(stream)} articles ({sum(not a.id.endswith('-copy') for a in stream)} Multi-News dev articles "
        f"dated 10/day + {sum(a.id.endswith('-copy') for a in stream)} trimmed copies), "
        f"{saves} batches of {args.batch}, saved to a SQLite store after each; {dups} duplicates marked; {secs:.0f} s.",
        "",
        "| stage | changed rows + head, mean per save | whole JSON state, mean per save | total rows / whole |",
        "|---|---|---|---|",
    ]
    for key in (DEDUPE_KEY, CLUSTER_KEY):
        r, w = rows_b[key], whole_b[key]
        lines.append(f"| {key} | {kb(r)} | {kb(w)} | {sum(r) / 1e6:.2f} MB / {sum(w) / 1e6:.2f} MB |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
