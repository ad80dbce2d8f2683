"""End-to-end speed as users run it: `newsfuse ingest` of the whole news_cluster set into a fresh SQLite store,
`newsfuse brief` of the six fusion-gold events, and spaCy alone on the same texts in the same run.

Each newsfuse command runs as its own process through bench/_stagetimer.py (the CLI with its stage functions
wrapped), so the per-stage table adds up to the process's own CPU time; wall, CPU and peak RSS come from the
process's rusage. spaCy alone is `nlp.load()` + spaCy's own `pipe` (the pipeline newsfuse runs: OpenBLAS networks
on `nlp.threads()` threads, fast rule components, the distilled NER head) over the cleaned texts the analysis sees,
timed after loading.
Articles/s per core is articles / CPU seconds of the process.

    .venv/bin/python bench/e2e.py [--limit N] [--workers 1,2] [--no-brief] [--write]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DOCS = SHARED / "data" / "clustering-newscluster" / "news_cluster_docs.jsonl"
GOLD = SHARED / "data" / "fusion-newscluster"
RESULTS = ROOT / "bench" / "results" / "e2e.md"
TIMER = ROOT / "bench" / "_stagetimer.py"
RECORD_KEYS = ("id", "url", "source_domain", "date_publish", "language", "title", "description", "text")
STAGES = ("read", "clean", "load models", "spaCy", "other analysis", "embeddings", "dedupe/cluster", "fuse", "store",
          "write output", "other")

SPACY_ALONE = r"""
import json, sys, time
from newsfuse import nlp, pipeline
arts = pipeline.read([sys.argv[1]])
texts = [a.text[: nlp.MAX_CHARS] for a in arts if a.text.strip()]
model = nlp.load()
model.max_length = max(model.max_length, nlp.MAX_CHARS + 1)
list(model.pipe(texts[:8]))  # warm
with nlp.blas_threads():  # the thread setting newsfuse's own parse runs under
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in model.pipe(texts, batch_size=nlp.BATCH_SIZE):
        pass
print(json.dumps({"articles": len(texts), "cpu": time.process_time() - c0, "wall": time.perf_counter() - w0}))
"""


def load() -> str:
    """The box's load averages (1, 5, 15 min), for every timing."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run(cmd: list[str], env: dict[str, str] | None = None) -> dict:
    """Run `cmd`; its wall seconds, CPU seconds (user + sys of it and its children), peak RSS (MB) and stdout."""
    load0 = load()
    t0 = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env={**os.environ, "NO_COLOR": "1", **(env or {})})
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {code}\n{stderr[-3000:]}")
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024, "stdout": stdout,
            "stderr": stderr, "load_before": load0, "load_after": load()}


def newsfuse(args: list[str], where: Path, name: str, env: dict[str, str] | None = None) -> dict:
    """One CLI command through the stage timer: rusage figures plus the stage table."""
    stages = where / f"{name}.stages.json"
    got = run([sys.executable, str(TIMER), str(stages), "--", *args], env)
    got["stages"] = json.loads(stages.read_text())
    return got


def write_records(docs: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({k: d.get(k) for k in RECORD_KEYS}, ensure_ascii=False) + "\n")
    return path


def score_briefs(events: list[int], where: Path) -> float | None:
    """Mean found/total of the six briefs against the editor's gold (what bench/fusion.py reports)."""
    scorer_path = SHARED / "tools" / "fusion_score.py"
    if not scorer_path.exists():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("fusion_score", scorer_path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    fracs = []
    for e in events:
        result = mod.score(json.loads((GOLD / f"gold_event{e}.json").read_text()), mod.load_brief(str(where / f"brief{e}")))
        result.pop("_precision", None)
        got = sum(ok for items in result.values() for _, ok in items)
        fracs.append(got / max(1, sum(len(items) for items in result.values())))
    return sum(fracs) / max(1, len(fracs))


def stage_rows(runs: dict[str, dict]) -> list[str]:
    """One row per stage: CPU seconds and share of the process's CPU for each run."""
    head = "| stage | " + " | ".join(f"{k} CPU s | share" for k in runs) + " |"
    rows = [head, "|---|" + "---:|---:|" * len(runs)]
    for st in STAGES:
        cells = []
        for r in runs.values():
            c = r["stages"]["cpu"].get(st, 0.0)
            cells.append(f"{c:.1f} | {c / max(r['stages']['total_cpu'], 1e-9):.0%}")
        rows.append(f"| {st} | " + " | ".join(cells) + " |")
    rows.append("| **process total** (stage timer) | " + " | ".join(
        f"**{r['stages']['total_cpu']:.1f}** | 100%" for r in runs.values()) + " |")
    return rows


def own_parse_ratio(stages: dict) -> float:
    """An ingest's whole CPU over its own spaCy stage's: the pipeline's cost relative to its parse, measured in
    one process, so it holds where the machine's speed drifts between the ingest and a spaCy-alone run."""
    return stages["total_cpu"] / max(stages["cpu"].get("spaCy", 0.0), 1e-9)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="ingest only the first N articles (default: all)")
    ap.add_argument("--workers", default="1", help="comma-separated `ingest --workers` values to time")
    ap.add_argument("--no-brief", action="store_true", help="skip the six `newsfuse brief` runs")
    ap.add_argument("--no-spacy", action="store_true", help="skip the spaCy-alone reference")
    ap.add_argument("--keep", default="", help="keep the stores, JSONL and stage tables here")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run `ingest --workers 1` this many times (the table shows the first; the own-parse ratio all)")
    ap.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    # bytecode for newsfuse's own modules, as an installed package has it (pip compiles what it installs): where
    # PYTHONDONTWRITEBYTECODE is set, an editable checkout would recompile ~100 modules in every timed process
    compileall.compile_dir(str(ROOT / "src" / "newsfuse"), quiet=1)
    if not DOCS.exists():
        print(f"skipped: {DOCS} not found")
        return 0
    where = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="e2e-"))
    where.mkdir(parents=True, exist_ok=True)
    docs = [json.loads(line) for line in DOCS.open(encoding="utf-8")]
    if args.limit:
        docs = docs[: args.limit]
    corpus = write_records(docs, where / "news_cluster.jsonl")
    n = len(docs)
    lines = []
    ingests: dict[str, dict] = {}
    own: list[float] = []  # each `ingest --workers 1` run's own-parse ratio
    for w in [int(x) for x in args.workers.split(",") if x.strip()]:
        for k in range(max(1, args.repeat) if w == 1 else 1):
            db = where / f"ingest-w{w}.db"
            db.unlink(missing_ok=True)
            cmd = ["ingest", str(corpus), "--db", f"sqlite:///{db}"] + (["--workers", str(w)] if w > 1 else [])
            r = newsfuse(cmd, where, f"ingest-w{w}" + (f"-{k}" if k else ""))
            ingests.setdefault(f"ingest --workers {w}", r)
            if w == 1:
                own.append(own_parse_ratio(r["stages"]))
            print(f"ingest --workers {w}: {n} articles, wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s = "
                  f"{n / r['cpu']:.2f} articles/CPU-s, {n / r['wall']:.2f} articles/s wall, peak RSS {r['rss_mb']:.0f} MB "
                  f"(load {r['load_before']} -> {r['load_after']}); per-article stages "
                  f"{r['stages'].get('per_article_wall', 0):.1f} s wall"
                  + (f"; {own[-1]:.2f}x its own spaCy stage" if w == 1 else "") + f"; {r['stdout'].strip()}", flush=True)
    spacy = None
    if not args.no_spacy:
        spacy = run([sys.executable, "-c", SPACY_ALONE, str(corpus)])
        s = json.loads(spacy["stdout"].strip().splitlines()[-1])
        spacy.update(s)
        print(f"spaCy alone: {s['articles']} articles, CPU {s['cpu']:.1f} s = {s['articles'] / s['cpu']:.2f} "
              f"articles/CPU-s (load {spacy['load_before']} -> {spacy['load_after']})", flush=True)
    fusion: float | None = None
    briefs: dict[str, dict] = {}
    if not args.no_brief and GOLD.is_dir():
        events = sorted(int(p.stem.removeprefix("gold_event")) for p in GOLD.glob("gold_event*.json"))
        all_docs = [json.loads(line) for line in DOCS.open(encoding="utf-8")]
        total = {"wall": 0.0, "cpu": 0.0, "rss_mb": 0.0, "articles": 0, "stages": {"cpu": {}, "total_cpu": 0.0}}
        for e in events:
            ev = [d for d in all_docs if d.get("event_id") == e]
            path = write_records(ev, where / f"event{e}.jsonl")
            r = newsfuse(["brief", str(path), "--format", "json", "--out", str(where / f"brief{e}")], where, f"brief{e}")
            briefs[str(e)] = r
            print(f"brief event {e}: {len(ev)} articles, wall {r['wall']:.1f} s, CPU {r['cpu']:.1f} s, "
                  f"peak RSS {r['rss_mb']:.0f} MB (load {r['load_before']} -> {r['load_after']})", flush=True)
            total["wall"] += r["wall"]
            total["cpu"] += r["cpu"]
            total["rss_mb"] = max(total["rss_mb"], r["rss_mb"])
            total["articles"] += len(ev)
            for k, v in r["stages"]["cpu"].items():
                total["stages"]["cpu"][k] = total["stages"]["cpu"].get(k, 0.0) + v
            total["stages"]["total_cpu"] += r["stages"]["total_cpu"]
        briefs["six events"] = total
        fusion = score_briefs(events, where)
        if fusion is not None:
            print(f"fusion gold mean of these briefs: {fusion:.3f} (../shared/tools/fusion_score.py)", flush=True)
    if not args.write:
        return 0
    ing = next(iter(ingests.values())) if ingests else None
    lines += [
        "# End to end: ingest and brief real news as users run them",
        "",
        f"Command: `python bench/e2e.py --write{' --workers ' + args.workers if args.workers != '1' else ''}"
        f"{' --repeat %d' % args.repeat if args.repeat > 1 else ''}"
        f"{' --limit %d' % args.limit if args.limit else ''}` ({platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}). "
        f"Data: {n} news_cluster articles (every split: speed only, no labels read) as news-please JSONL.",
        "The box is shared with other jobs: each line gives the load average (1/5/15 min) before and after.",
        "",
        "| run | articles | wall s | CPU s | articles / CPU-s (per core) | articles / s wall | peak RSS MB | load before -> after |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in ingests.items():
        lines.append(f"| `newsfuse {name}` (fresh SQLite store) | {n} | {r['wall']:.1f} | {r['cpu']:.1f} | "
                     f"**{n / r['cpu']:.2f}** | {n / r['wall']:.2f} | {r['rss_mb']:.0f} | {r['load_before']} -> {r['load_after']} |")
    if spacy:
        lines.append(f"| spaCy alone (`nlp.pipe`, after loading) | {spacy['articles']} | {spacy['wall']:.1f} | "
                     f"{spacy['cpu']:.1f} | {spacy['articles'] / spacy['cpu']:.2f} | {spacy['articles'] / spacy['wall']:.2f} |"
                     f" {spacy['rss_mb']:.0f} | {spacy['load_before']} -> {spacy['load_after']} |")
    if "six events" in briefs:
        t = briefs["six events"]
        lines.append(f"| `newsfuse brief` of the six fusion events, one process each (sum) | {t['articles']} | "
                     f"{t['wall']:.1f} | {t['cpu']:.1f} | {t['articles'] / t['cpu']:.2f} | {t['articles'] / t['wall']:.2f} | "
                     f"{t['rss_mb']:.0f} (max) | – |")
    if len(ingests) > 1:
        walls = {k: r["stages"].get("per_article_wall", 0.0) for k, r in ingests.items()}
        base = walls.get("ingest --workers 1")
        lines += ["", "Per-article stages (analysis + sentence vectors; with workers, the Dask call) as the ingest waits for them, wall s: "
                  + ", ".join(f"`{k}` {v:.1f}" + (f" ({base / v:.2f}× one process)" if base and v and k != "ingest --workers 1" else "")
                              for k, v in walls.items()) + "."]
    if ing and spacy:
        ratio = (ing["cpu"] / n) / (spacy["cpu"] / spacy["articles"])
        lines += ["", f"Ingest CPU per article is **{ratio:.1f}×** spaCy alone's (goal: within 2×; 12 articles/s per core)."]
    if own:
        lines += ["", f"Ingest CPU over its own spaCy stage (the same process and seconds, so a drift in the machine's speed "
                  f"moves both): **{median(own):.2f}×** (median of {len(own)} `ingest --workers 1` run(s): "
                  + ", ".join(f"{x:.2f}" for x in own) + ")."]
    if fusion is not None:
        lines += ["", f"Fusion gold mean of the six briefs: {fusion:.3f} (../shared/tools/fusion_score.py)."]
    runs = dict(ingests)
    if "six events" in briefs:
        runs["brief ×6"] = briefs["six events"]
    if runs:
        lines += ["", "Where the CPU goes (exclusive seconds per stage, from bench/_stagetimer.py; `other` is start-up, "
                  "imports and what no stage wrapper covers):", "", *stage_rows(runs)]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
