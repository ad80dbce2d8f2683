"""Summary benchmark: ROUGE-1/2/Lsum of newsfuse vs lead, centroid, TextRank and LexRank.

Runs the bundles of ../shared/data/summaries-{multinews,allsides} through newsfuse's real path
(ingest -> clean -> spaCy sentences -> summarize) and scores every system under the same word
budget and the same `rouge-score` setting. Also checks that every summary sentence is found
verbatim (up to trimming) in an article it cites, and times the summary step alone.

    .venv/bin/python bench/summaries.py                      # dev + test, both sets, all systems
    .venv/bin/python bench/summaries.py --splits dev --write # ... and write bench/results/summaries.md
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import platform
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfuse import ingest, nlp, pipeline  # noqa: E402
from newsfuse.brief import summary as summary_mod  # noqa: E402
from newsfuse.training import summary as summary_train  # noqa: E402
from newsfuse.model import Analysis, Article, Sentence  # noqa: E402

SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
SETS = {
    "multinews": (SHARED / "data" / "summaries-multinews", 212),
    "allsides": (SHARED / "data" / "summaries-allsides", 121),
}
CACHE = Path(os.environ.get("NEWSFUSE_BENCH_CACHE", "/tmp/newsfuse-bench-summaries"))
SYSTEMS = ("lead", "centroid", "textrank", "lexrank", "newsfuse")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


# --------------------------------------------------------------------------- data


def load(set_name: str, split: str, *, clean: bool = True) -> tuple[list[dict], dict[str, list[Article]], dict[str, Analysis]]:
    """Bundles, their articles by story (ingested + cleaned) and sentence-only analyses (cached)."""
    folder, _ = SETS[set_name]
    path = folder / f"{split}.jsonl"
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    problems: list = []
    articles = ingest.ingest([str(path)], problems)
    if clean:
        articles = pipeline.clean_all(articles)
    else:
        for a in articles:
            a.text, a.kept_spans = a.raw, [(0, len(a.raw))]
    articles = [a for a in articles if a.text.strip()]
    by_story: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_story[a.story or a.id].append(a)
    analyses = _sentences(articles, f"{set_name}-{split}-{'clean' if clean else 'raw'}")
    return records, by_story, analyses


def _sentences(articles: list[Article], tag: str) -> dict[str, Analysis]:
    """spaCy sentences of every article, parsed once and cached under CACHE (keyed by the texts)."""
    key = hashlib.sha1("\x00".join(a.id + "\x01" + a.text for a in articles).encode()).hexdigest()[:16]
    CACHE.mkdir(parents=True, exist_ok=True)
    fn = CACHE / f"sents-{tag}-{key}.pkl"
    if fn.exists():
        with fn.open("rb") as fh:
            sents = pickle.load(fh)
    else:
        t0 = time.perf_counter()
        docs = nlp.parse([a.text for a in articles])
        sents = {a.id: nlp.sentences(a.id, d, a.raw_offset) for a, d in zip(articles, docs)}
        print(f"  parsed {len(articles)} articles in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
        with fn.open("wb") as fh:
            pickle.dump(sents, fh)
    return {aid: Analysis(article=aid, sentences=s) for aid, s in sents.items()}


class EmbedCache:
    """Memoises `nlp.embed` by text on disk, so tuning runs skip the ONNX model (never used for timing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store: dict[str, np.ndarray] = {}
        if path.exists():
            with path.open("rb") as fh:
                self.store = pickle.load(fh)
        self.inner = nlp.embed
        self.dirty = False

    def __call__(self, texts):
        missing = [t for t in dict.fromkeys(texts) if t not in self.store]
        if missing:
            for t, v in zip(missing, self.inner(missing)):
                self.store[t] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.store[t] for t in texts])

    def save(self) -> None:
        if self.dirty:
            with self.path.open("wb") as fh:
                pickle.dump(self.store, fh)
            self.dirty = False


# --------------------------------------------------------------------------- baselines


def _tokens(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _candidates(arts: list[Article], analyses: dict[str, Analysis]) -> list[Sentence]:
    """All sentences of the story in bundle order (what the classic systems choose from)."""
    out = []
    for a in arts:
        out.extend(s for s in analyses[a.id].sentences if len(_tokens(s.text)) >= 4)
    return out


def _tfidf(texts: list[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(stop_words="english", token_pattern=r"(?u)\b[a-zA-Z0-9][a-zA-Z0-9]+\b", sublinear_tf=True)
    try:
        return vec.fit_transform(texts)
    except ValueError:  # only stop words
        return None


def _pagerank(sim: np.ndarray, d: float = 0.85, iters: int = 100) -> np.ndarray:
    n = len(sim)
    sim = sim.copy()
    np.fill_diagonal(sim, 0.0)
    rows = sim.sum(1, keepdims=True)
    trans = np.where(rows > 0, sim / np.where(rows > 0, rows, 1), 1.0 / n)
    r = np.full(n, 1.0 / n)
    for _ in range(iters):
        new = (1 - d) / n + d * trans.T @ r
        if np.abs(new - r).sum() < 1e-8:
            return new
        r = new
    return r


def _pick(sents: list[Sentence], scores: np.ndarray, budget: int, sim: np.ndarray | None = None, max_sim: float = 0.95) -> list[str]:
    """Top-scored sentences until the budget is reached, skipping near-copies of a chosen one."""
    chosen: list[int] = []
    words = 0
    for i in np.argsort(-scores, kind="stable"):
        if sim is not None and any(sim[i, j] > max_sim for j in chosen):
            continue
        chosen.append(int(i))
        words += len(sents[i].text.split())
        if words >= budget:
            break
    return [sents[i].text for i in chosen]


def lead(arts, analyses, budget):
    """First sentences of the first article, then of the next one."""
    return [s.text for s in _candidates(arts, analyses)]


def centroid(arts, analyses, budget):
    """Radev-style TF-IDF centroid: sentences closest to the story's TF-IDF centroid."""
    sents = _candidates(arts, analyses)
    if not sents:
        return []
    X = _tfidf([s.text for s in sents])
    if X is None:
        return [s.text for s in sents]
    c = np.asarray(X.mean(0)).ravel()
    c /= np.linalg.norm(c) or 1
    scores = np.asarray(X @ c).ravel()
    sim = (X @ X.T).toarray()
    return _pick(sents, scores, budget, sim, 0.6)


def textrank(arts, analyses, budget):
    """TextRank (Mihalcea & Tarau 2004): PageRank over word-overlap / log-length similarity."""
    sents = _candidates(arts, analyses)
    if not sents:
        return []
    toks = [set(_tokens(s.text)) for s in sents]
    n = len(sents)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            ov = len(toks[i] & toks[j])
            if ov:
                den = math.log(len(toks[i]) + 1) + math.log(len(toks[j]) + 1)
                sim[i, j] = sim[j, i] = ov / den if den > 0 else 0
    return _pick(sents, _pagerank(sim), budget)


def lexrank(arts, analyses, budget):
    """LexRank (Erkan & Radev 2004): PageRank over the TF-IDF cosine graph, threshold 0.1."""
    sents = _candidates(arts, analyses)
    if not sents:
        return []
    X = _tfidf([s.text for s in sents])
    if X is None:
        return [s.text for s in sents]
    cos = (X @ X.T).toarray()
    graph = (cos > 0.1).astype(float)
    return _pick(sents, _pagerank(graph), budget, cos, 0.95)


# --------------------------------------------------------------------------- scoring


def cut(sentences: list[str], budget: int) -> list[str]:
    """The benchmark convention: the concatenated summary truncated at `budget` words."""
    out, left = [], budget
    for s in sentences:
        w = s.split()
        if not w or left <= 0:
            continue
        out.append(" ".join(w[:left]))
        left -= len(w[:left])
    return out


_REF_SPLIT = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'(]?[A-Z0-9])")


def ref_lines(text: str) -> str:
    """A reference summary, one sentence a line (for ROUGE-Lsum)."""
    text = " ".join(text.replace("\u00a0", " ").split())
    text = re.sub(r"^[–—-]\s*", "", text)
    return "\n".join(p.strip() for p in _REF_SPLIT.split(text) if p.strip())


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def verbatim(sent_text: str, cited: list[Article]) -> bool:
    """True when the sentence (whitespace- and case-folded) is a substring of a cited article's raw text."""
    s = _norm(sent_text)
    return any(s in _norm(a.raw) for a in cited)


_FOLD_MODELS: dict[int, list[dict]] = {}


def fold_models(seed: int = 0) -> list[dict]:
    """The scorer retrained K times on dev without each fold (cached): dev figures are cross-validated."""
    if seed not in _FOLD_MODELS:
        _FOLD_MODELS[seed] = summary_train.fold_models(summary_train.all_rows("dev"), seed=seed)
    return _FOLD_MODELS[seed]


def run(set_name: str, split: str, systems: list[str], *, clean: bool = True, cache_embeddings: bool = True,
        options: dict | None = None, verbose: bool = False, cv: bool = True, fold_seed: int = 0) -> dict:
    """Scores of every system on one split: {system: (R1, R2, RLsum)}, plus newsfuse's checks and speed.

    On dev (with `cv`) each story is summarised by the fold model that never saw it (folds by
    `summary_train.fold_of` with `fold_seed`); test uses the shipped model."""
    shipped = summary_mod._model()
    folds = fold_models(fold_seed) if cv and split == "dev" and shipped is not None and "newsfuse" in systems else None
    from rouge_score import rouge_scorer

    _, budget = SETS[set_name]
    records, by_story, analyses = load(set_name, split, clean=clean)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    cache = None
    if cache_embeddings:
        cache = EmbedCache(CACHE / f"emb-{set_name}-{split}.pkl")
        nlp.embed = cache  # summary.py calls nlp.embed at run time
    fns = {"lead": lead, "centroid": centroid, "textrank": textrank, "lexrank": lexrank}
    totals = {s: np.zeros(3) for s in systems}
    n = 0
    checked = found = 0
    t_sum = 0.0
    opts = dict(options or {})
    for rec in records:
        arts = by_story.get(str(rec["id"]), [])
        ref = ref_lines(rec["reference"])
        n += 1
        for sysname in systems:
            if sysname == "newsfuse":
                if folds:
                    summary_mod.set_model(folds[summary_train.fold_of(str(rec["id"]), seed=fold_seed)])
                t0 = time.perf_counter()
                summ = summary_mod.summarize(arts, analyses, max_words=budget, **opts) if arts else []
                t_sum += time.perf_counter() - t0
                by_id = {a.id: a for a in arts}
                for s in summ:
                    checked += 1
                    found += verbatim(s.text, [by_id[i] for i in s.articles if i in by_id])
                sents = [s.text for s in summ]
            else:
                sents = fns[sysname](arts, analyses, budget) if arts else []
            hyp = "\n".join(cut(sents, budget))
            sc = scorer.score(ref, hyp)
            totals[sysname] += [sc["rouge1"].fmeasure, sc["rouge2"].fmeasure, sc["rougeLsum"].fmeasure]
        if verbose and "newsfuse" in systems and n <= 2:
            print("\n".join(sents), "\n---", file=sys.stderr)
    summary_mod.set_model(shipped)
    if cache:
        cache.save()
        nlp.embed = cache.inner
    res = {s: tuple(100 * totals[s] / max(n, 1)) for s in systems}
    return {"scores": res, "stories": n, "verbatim": (found, checked), "summary_s": t_sum}


def speed(set_name: str, split: str, limit: int = 100) -> float:
    """Stories per second for `summarize` alone (embeddings computed, not cached), first `limit` stories."""
    _, budget = SETS[set_name]
    records, by_story, analyses = load(set_name, split)
    nlp.embed(["warm up"])
    t0 = time.perf_counter()
    k = 0
    for rec in records[:limit]:
        arts = by_story.get(str(rec["id"]), [])
        if arts:
            summary_mod.summarize(arts, analyses, max_words=budget)
            k += 1
    return k / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"])
    ap.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    ap.add_argument("--raw", action="store_true", help="skip the clean stage (to measure what cleaning does)")
    ap.add_argument("--speed", type=int, default=100, help="stories timed (uncached embeddings); 0 = skip")
    ap.add_argument("--write", action="store_true", help="write bench/results/summaries.md")
    ap.add_argument("--no-cv", action="store_true", help="dev with the shipped model (trained on dev: optimistic)")
    ap.add_argument("--fold-seed", type=int, default=0,
                    help="another cross-validation fold assignment for dev (0 = the default folds)")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    rows = []
    speeds = {}
    for set_name in args.sets:
        for split in args.splits:
            r = run(set_name, split, args.systems, clean=not args.raw, verbose=args.verbose, cv=not args.no_cv,
                    fold_seed=args.fold_seed)
            f, c = r["verbatim"]
            for s, (r1, r2, rl) in r["scores"].items():
                rows.append((set_name, split, s, r1, r2, rl))
                print(f"{set_name:9} {split:4} {s:9} R1 {r1:6.2f}  R2 {r2:6.2f}  RLsum {rl:6.2f}", flush=True)
            if "newsfuse" in args.systems:
                print(f"{set_name:9} {split:4} verbatim {f}/{c} = {100 * f / max(c, 1):.1f} %", flush=True)
                rows.append((set_name, split, "verbatim", f, c, None))
        if args.speed and "newsfuse" in args.systems:
            speeds[set_name] = speed(set_name, args.splits[0], args.speed)
            print(f"{set_name:9} summary step: {speeds[set_name]:.1f} stories/s", flush=True)
    if args.write:
        write(rows, speeds, args)


def write(rows, speeds, args) -> None:
    """The results table in bench/results/summaries.md."""
    out = ROOT / "bench" / "results" / "summaries.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = "python bench/summaries.py " + " ".join(sys.argv[1:])
    lines = [
        "# Summaries: ROUGE on Multi-News and AllSides roundups",
        "",
        f"Command: `{cmd}` · machine: {os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()} · ROUGE F1 ×100, `rouge-score` with Porter stemmer, Lsum on "
        "newline-separated sentences, macro-averaged; every system's concatenated output is cut at the word budget "
        "(Multi-News 212, AllSides 121). newsfuse was tuned on dev only.",
        "",
        "| set | split | system | R-1 | R-2 | R-Lsum |",
        "|---|---|---|---:|---:|---:|",
    ]
    verb = []
    for set_name, split, s, a, b, c in rows:
        if s == "verbatim":
            verb.append(f"- {set_name} {split}: {a}/{b} summary sentences found verbatim (up to trimming) in a cited "
                        f"article = {100 * a / max(b, 1):.1f} %")
            continue
        name = f"**{s}**" if s == "newsfuse" else s
        lines.append(f"| {set_name} | {split} | {name} | {a:.1f} | {b:.1f} | {c:.1f} |")
    lines += ["", "Verbatim check:", *verb, ""]
    if speeds:
        lines.append("Speed of the summary step alone (sentence embeddings included, parse excluded), one core:")
        lines += [f"- {k}: {v:.1f} stories/s" for k, v in speeds.items()]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
