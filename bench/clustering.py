"""Story clustering benchmark through the CLI: `newsfuse cluster` (batch) and `newsfuse ingest` (stream) vs a
TF-IDF + average-link baseline.

Data (outside the repo): ../shared/data/clustering-ecbplus (ECB+, 982 docs, no dates) and
../shared/data/clustering-newscluster (383 dated articles). Each split is written as records the way users give
them (news_cluster: its news-please fields; ECB+: id and text) and fed to the `newsfuse` command itself, so
articles are read and cleaned as for any user: batch = `newsfuse cluster SPLIT.jsonl --json`, stream =
`newsfuse ingest SPLIT.jsonl --db sqlite:///FRESH.db` (records in arrival order: news_cluster by publication date,
ECB+ in a fixed shuffle) and the stories read back from the store. An article the CLI reports (nothing left after
cleaning) scores as a story of its own. Metrics: BCubed and pairwise P/R/F1 on the dev and test splits of
split.json. The baseline's distance threshold is tuned on dev only; newsfuse runs its one default configuration.

Run: .venv/bin/python bench/clustering.py [--splits dev] [--out bench/results/clustering.md]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
CACHE = Path(os.environ.get("NEWSFUSE_BENCH_CACHE", Path.home() / ".cache" / "newsfuse-bench"))

from newsfuse.cluster import Config, features  # noqa: E402
from newsfuse.model import Article  # noqa: E402


def load(name: str, split: str) -> tuple[list[Article], list[str]]:
    """Articles and gold story labels of one benchmark split."""
    if name == "ecbplus":
        d = DATA / "clustering-ecbplus"
        docs = [json.loads(line) for line in open(d / "ecbplus_docs.jsonl")]
        keep = set(json.load(open(d / "split.json"))[split])
        docs = [x for x in docs if x["topic"] in keep]
        return [Article(id=x["id"], text=x["text"]) for x in docs], [x["cluster"] for x in docs]
    d = DATA / "clustering-newscluster"
    docs = [json.loads(line) for line in open(d / "news_cluster_docs.jsonl")]
    keep = {str(e) for e in json.load(open(d / "split.json"))[split]}
    docs = [x for x in docs if str(x["event_id"]) in keep]
    arts = [Article(id=x["id"], text=x["text"], title=x.get("title") or "", published=x.get("date_publish")) for x in docs]
    return arts, [str(x["event_id"]) for x in docs]


def bcubed(pred: list, gold: list) -> tuple[float, float, float]:
    """BCubed precision, recall, F1 (per item, averaged)."""
    pc, gc = collections.defaultdict(set), collections.defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold)):
        pc[p].add(i)
        gc[g].add(i)
    P = R = 0.0
    for i in range(len(pred)):
        inter = len(pc[pred[i]] & gc[gold[i]])
        P += inter / len(pc[pred[i]])
        R += inter / len(gc[gold[i]])
    P, R = P / len(pred), R / len(pred)
    return P, R, 2 * P * R / (P + R) if P + R else 0.0


def pairwise(pred: list, gold: list) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 over all item pairs."""
    p = np.array([hash(x) for x in pred])
    g = np.array([hash(x) for x in gold])
    sp, sg = p[:, None] == p[None, :], g[:, None] == g[None, :]
    iu = np.triu_indices(len(p), 1)
    sp, sg = sp[iu], sg[iu]
    tp, fp, fn = int((sp & sg).sum()), int((sp & ~sg).sum()), int((~sp & sg).sum())
    P = tp / (tp + fp) if tp + fp else 1.0
    R = tp / (tp + fn) if tp + fn else 1.0
    return P, R, 2 * P * R / (P + R) if P + R else 0.0


def embeddings(arts: list[Article]) -> np.ndarray:
    """MiniLM embeddings of the clustering text, cached on disk by content hash (outside the repo)."""
    texts = [features.article_text(a, 1000) for a in arts]
    from newsfuse import nlp

    # keyed by the model file too: vectors of another MiniLM build are not these
    key = hashlib.sha1("\x00".join(texts + [nlp.vectors.model_file().name]).encode()).hexdigest()[:16]
    path = CACHE / f"emb-{key}.npy"
    if path.exists():
        return np.load(path)

    e = nlp.embed(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, e)
    return e


RECORD_KEYS = ("id", "url", "source_domain", "date_publish", "language", "title", "description", "text")


def records(name: str, split: str) -> list[dict]:
    """The split's documents as the records a user would feed (labels left out), in arrival order."""
    if name == "ecbplus":
        d = DATA / "clustering-ecbplus"
        keep = set(json.load(open(d / "split.json"))[split])
        recs = [{"id": x["id"], "text": x["text"]} for x in map(json.loads, open(d / "ecbplus_docs.jsonl")) if x["topic"] in keep]
    else:
        d = DATA / "clustering-newscluster"
        keep = {str(e) for e in json.load(open(d / "split.json"))[split]}
        recs = [{k: x.get(k) for k in RECORD_KEYS} for x in map(json.loads, open(d / "news_cluster_docs.jsonl"))
                if str(x["event_id"]) in keep]
    order = list(range(len(recs)))
    random.Random(0).shuffle(order)
    order.sort(key=lambda i: recs[i].get("date_publish") or "")
    return [recs[i] for i in order]


def newsfuse_cmd() -> list[str]:
    """The installed `newsfuse` command beside this Python, else `python -m newsfuse`."""
    exe = Path(sys.executable).with_name("newsfuse")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsfuse"]


def run_cli(recs: list[dict], mode: str) -> tuple[dict[str, str], float, int]:
    """Run the CLI on the records: ({article id: story id}, wall seconds, error lines)."""
    tmp = Path(tempfile.mkdtemp(prefix="nf-cluster-"))
    path = tmp / "docs.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")
    if mode == "batch":
        cmd = newsfuse_cmd() + ["cluster", str(path), "--json"]
    else:
        cmd = newsfuse_cmd() + ["ingest", str(path), "--db", f"sqlite:///{tmp / 'store.db'}"]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t
    errors = sum(1 for ln in proc.stderr.splitlines() if ln.startswith("error:"))
    if mode == "batch":
        lines = proc.stdout.strip().splitlines()
        if not lines:
            raise SystemExit(f"newsfuse cluster exited {proc.returncode}\n{proc.stderr[-2000:]}")
        return json.loads(lines[-1]), secs, errors
    if proc.returncode not in (0, 1):
        raise SystemExit(f"newsfuse ingest exited {proc.returncode}\n{proc.stderr[-2000:]}")
    with sqlite3.connect(tmp / "store.db") as conn:
        return {aid: story for aid, story in conn.execute("select id, story from articles") if story}, secs, errors


def baseline_tree(arts: list[Article]) -> np.ndarray:
    """TF-IDF (word 1-2-grams, sublinear tf) cosine distances, average-link dendrogram (scipy linkage)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, stop_words="english").fit_transform(
        [(a.title + "\n" + a.text) for a in arts]
    )
    D = np.clip(1.0 - (X @ X.T).toarray(), 0.0, None)
    np.fill_diagonal(D, 0.0)
    return linkage(squareform((D + D.T) / 2, checks=False), "average")


def baseline_labels(tree: np.ndarray, dist: float) -> list[int]:
    """Cut the average-link tree at a cosine distance."""
    from scipy.cluster.hierarchy import fcluster

    return fcluster(tree, dist, "distance").tolist()


def tune_baseline(arts: list[Article], gold: list[str]) -> float:
    """The baseline's best distance threshold on dev (BCubed F1)."""
    tree = baseline_tree(arts)
    best = max((bcubed(baseline_labels(tree, d), gold)[2], d) for d in np.arange(0.5, 0.995, 0.01))
    return float(best[1])


def fmt(m: tuple[float, float, float]) -> str:
    return " | ".join(f"{x:.3f}" for x in m)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "clustering.md"))
    ap.add_argument("--splits", nargs="+", default=["dev", "test"], help="dev only while tuning")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"benchmark data not found at {DATA}")
    rows = []
    for name in ("ecbplus", "newscluster"):
        dev_arts, dev_gold = load(name, "dev")
        dist = tune_baseline(dev_arts, dev_gold)
        for split in args.splits:
            arts, gold = (dev_arts, dev_gold) if split == "dev" else load(name, split)
            base = baseline_labels(baseline_tree(arts), dist)
            rows.append((name, split, len(arts), len(set(gold)), f"baseline (dist {dist:.2f}, tuned on dev)", bcubed(base, gold), pairwise(base, gold), None, 0))
            recs = records(name, split)
            for mode in ("stream", "batch"):
                got, secs, errors = run_cli(recs, mode)
                pred = [got.get(a.id) or f"none-{a.id}" for a in arts]
                rows.append((name, split, len(arts), len(set(gold)), f"newsfuse {mode}", bcubed(pred, gold), pairwise(pred, gold), secs, errors))
                print(name, split, mode, fmt(bcubed(pred, gold)), f"{secs:.1f}s", f"{errors} error line(s)", flush=True)
    lines = [
        "# Story clustering benchmark",
        "",
        f"Command: `.venv/bin/python bench/clustering.py` · machine: {platform.machine()} {os.cpu_count()}-core CPU, "
        f"Python {platform.python_version()} · {time.strftime('%Y-%m-%d')}",
        "",
        "Every newsfuse row is the `newsfuse` command itself on the split written as records (news_cluster with its",
        "news-please fields, ECB+ as id + text), so articles are read and cleaned as a user's are: **batch** =",
        "`newsfuse cluster SPLIT.jsonl --json` (average-link over word 1-2-gram TF-IDF + MiniLM cosines, `BatchConfig`",
        "defaults), **stream** = `newsfuse ingest SPLIT.jsonl --db sqlite:///FRESH.db` with the records in arrival order",
        f"(news_cluster by publication date, ECB+ in a fixed shuffle: no dates; online placement, every K={Config().recluster_every} articles and",
        "at the end of the batch the window re-clustered), stories read back from the store. An article the CLI reported",
        "(nothing left after cleaning) scores as its own story; `errors` counts those lines. One default configuration,",
        "tuned on the dev splits only; seconds are the whole command (start-up, models, cleaning; ingest also analyses",
        "every article), on a box shared with other jobs.",
        "",
        "| set | split | docs | stories | system | BCubed P | BCubed R | BCubed F1 | pairwise P | pairwise R | pairwise F1 | errors | secs |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, split, n, k, system, b, p, secs, errors in rows:
        lines.append(f"| {name} | {split} | {n} | {k} | {system} | {fmt(b)} | {fmt(p)} | {errors} | {'' if secs is None else f'{secs:.0f}'} |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
