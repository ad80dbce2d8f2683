"""Train the summary sentence scorer (`newsfuse/data/summary-model.json`) on the dev splits.

Reads /work/shared/data/summaries-{multinews,allsides}/dev.jsonl at training time only; the model file
holds weights, never text. The target is each candidate's ROUGE-2 recall against the reference per
sqrt(word), z-scored within its story (so the model learns to rank within a story, budget-aware),
plus the z-scored membership of the candidate in the story's greedy ROUGE oracle (whole sentences,
R-1 + R-2 F1 gain, under the benchmark word budget), plus the z-scored effect of the candidate on the
R-1 + R-2 F1 of random budget-filling subsets (ridge on membership: its value in context); the model
is a ridge regression on `summary.FEATURES`, stories weighted by 1/sqrt(candidates) and the sentences
with a target above 1 weighted twice.

    .venv/bin/python -m newsfuse.training.summary            # fit on all dev stories, write the JSON
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from .. import ingest, nlp, pipeline
from ..model import Analysis, Article
from ..brief import summary as S
from ..clean.furniture import headline_caption

SHARED = Path(os.environ.get("NEWSFUSE_SHARED", Path(__file__).resolve().parents[4] / "shared"))
SETS = ("multinews", "allsides")
CACHE = Path(os.environ.get("NEWSFUSE_BENCH_CACHE", "/tmp/newsfuse-bench-summaries"))
ALPHA = 10.0  # ridge penalty on standardised features
BUDGETS = {"multinews": 212, "allsides": 121}  # the benchmark's word budgets (for the oracle target)
ORACLE_WEIGHT = 1.0  # weight of the z-scored oracle membership in the target
SUBSET_WEIGHT = 1.0  # weight of the z-scored sampled-subset effect in the target
SUBSET_SAMPLES = 200  # random budget-filling subsets drawn per story for that effect
K_FOLDS = 5
TOP_Z, TOP_WEIGHT = 1.0, 2.0  # sentences whose target is above TOP_Z count TOP_WEIGHT times: selection reads the top


def fold_of(story_id: str, k: int = K_FOLDS, seed: int = 0) -> int:
    """Deterministic cross-validation fold of a story (by id hash), shared with bench/summaries.py.

    `seed` > 0 hashes "seed:id" instead: another fold assignment, to check that a dev gain is not
    an accident of one split."""
    key = story_id if seed == 0 else f"{seed}:{story_id}"
    return int(hashlib.sha1(key.encode()).hexdigest()[:8], 16) % k


def _load(set_name: str, split: str) -> tuple[list[dict], dict[str, list[Article]], dict[str, Analysis]]:
    """Records, cleaned articles by story and cached spaCy sentences (same cache files as the bench)."""
    path = SHARED / "data" / f"summaries-{set_name}" / f"{split}.jsonl"
    records = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    articles = [a for a in pipeline.clean_all(ingest.ingest([str(path)], [])) if a.text.strip()]
    by_story: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_story[a.story or a.id].append(a)
    key = hashlib.sha1("\x00".join(a.id + "\x01" + a.text for a in articles).encode()).hexdigest()[:16]
    fn = CACHE / f"sents-{set_name}-{split}-clean-captions-{key}.pkl"
    if fn.exists():
        sents = pickle.loads(fn.read_bytes())
    else:
        docs = nlp.parse([a.text for a in articles])
        sents = {a.id: nlp.sentences(a.id, d, a.offset_maps()[0], furniture=headline_caption) for a, d in zip(articles, docs)}
        CACHE.mkdir(parents=True, exist_ok=True)
        fn.write_bytes(pickle.dumps(sents))
    return records, by_story, {aid: Analysis(article=aid, sentences=s) for aid, s in sents.items()}


def _with_embed_cache(set_name: str, split: str):
    """Memoise nlp.embed on disk (the bench's cache file) so retraining skips the ONNX model."""
    fn = CACHE / f"emb-{set_name}-{split}.pkl"
    store: dict[str, np.ndarray] = pickle.loads(fn.read_bytes()) if fn.exists() else {}
    inner = nlp.embed

    def embed(texts):
        missing = [t for t in dict.fromkeys(texts) if t not in store]
        if missing:
            store.update(zip(missing, inner(missing)))
        return np.stack([store[t] for t in texts]) if len(texts) else np.zeros((0, 384), dtype=np.float32)

    return embed, inner, lambda: fn.write_bytes(pickle.dumps(store))


def _ngrams(toks: list[str], n: int) -> Counter:
    return Counter(zip(*[toks[i:] for i in range(n)]))


def _f1(hyp: Counter, ref: Counter) -> float:
    ov = sum((hyp & ref).values())
    return 2 * ov / (sum(hyp.values()) + sum(ref.values())) if ov else 0.0


def greedy_oracle(cand_toks: list[list[str]], ref_toks: list[str], words: np.ndarray, budget: int) -> list[int]:
    """Whole candidates added greedily while ROUGE-1 + ROUGE-2 F1 improves and the budget holds."""
    r1, r2 = _ngrams(ref_toks, 1), _ngrams(ref_toks, 2)
    c1, c2 = [_ngrams(t, 1) for t in cand_toks], [_ngrams(t, 2) for t in cand_toks]
    chosen: list[int] = []
    h1, h2, used, cur = Counter(), Counter(), 0, 0.0
    while True:
        best, bi = cur, -1
        for i in range(len(cand_toks)):
            if i in chosen or used + words[i] > budget:
                continue
            g = _f1(h1 + c1[i], r1) + _f1(h2 + c2[i], r2)
            if g > best:
                best, bi = g, i
        if bi < 0:
            return chosen
        chosen.append(bi)
        h1, h2, used, cur = h1 + c1[bi], h2 + c2[bi], used + int(words[bi]), best


def subset_samples(cand_toks: list[list[str]], ref_toks: list[str], words: np.ndarray, budget: int,
                   rng: np.random.Generator, n: int = SUBSET_SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """Distinct random maximal subsets under the budget: membership rows and their R-1 + R-2 F1."""
    r1, r2 = _ngrams(ref_toks, 1), _ngrams(ref_toks, 2)
    c1, c2 = [_ngrams(t, 1) for t in cand_toks], [_ngrams(t, 2) for t in cand_toks]
    rows, ys, seen = [], [], set()
    for _ in range(n):
        used, chosen = 0, []
        for i in rng.permutation(len(cand_toks)):
            if used + words[i] <= budget:
                chosen.append(int(i))
                used += int(words[i])
        key = frozenset(chosen)
        if key in seen:
            continue
        seen.add(key)
        row = np.zeros(len(cand_toks))
        row[chosen] = 1.0
        rows.append(row)
        ys.append(_f1(sum((c1[i] for i in chosen), Counter()), r1) + _f1(sum((c2[i] for i in chosen), Counter()), r2))
    return np.array(rows), np.array(ys)


def subset_effect(M: np.ndarray, y: np.ndarray, lam: float = 1.0) -> np.ndarray:
    """Each candidate's ridge coefficient on its membership, regressing subset ROUGE: its value in context."""
    Mc, yc = M - M.mean(0), y - y.mean()
    return np.linalg.solve(Mc.T @ Mc + lam * np.eye(M.shape[1]), Mc.T @ yc)


def story_rows(set_name: str, split: str = "dev") -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(story id, feature matrix, target) for every story with candidates."""
    from rouge_score import rouge_scorer

    tok = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)._tokenizer
    records, by_story, analyses = _load(set_name, split)
    embed, inner, save = _with_embed_cache(set_name, split)
    nlp.embed = embed
    rows = []
    try:
        for rec in records:
            sid = str(rec["id"])
            arts = by_story.get(sid, [])
            originals = [a for a in arts if not a.duplicate_of] or list(arts)
            cands = S.candidates(originals, analyses, S.PARAMS)
            if not cands:
                continue
            X, words = S.story_features(cands, originals, analyses)
            ref = tok.tokenize(rec["reference"])
            ref_bi: dict = defaultdict(int)
            for b in zip(ref, ref[1:]):
                ref_bi[b] += 1
            t2 = np.zeros(len(cands))
            ctoks = [tok.tokenize(c.text) for c in cands]
            for i, ct in enumerate(ctoks):
                bi: dict = defaultdict(int)
                for b in zip(ct, ct[1:]):
                    bi[b] += 1
                t2[i] = sum(min(v, ref_bi.get(b, 0)) for b, v in bi.items()) / max(1, len(ref) - 1)
            member = np.zeros(len(cands))
            member[greedy_oracle(ctoks, ref, words, BUDGETS[set_name])] = 1.0
            rng = np.random.default_rng(fold_of(sid, 2**31 - 1))
            effect = subset_effect(*subset_samples(ctoks, ref, words, BUDGETS[set_name], rng))
            rows.append((sid, X, S.zscore(t2 / np.sqrt(words)) + ORACLE_WEIGHT * S.zscore(member) + SUBSET_WEIGHT * S.zscore(effect)))
    finally:
        save()
        nlp.embed = inner
    return rows


def fit(rows: list[tuple[str, np.ndarray, np.ndarray]], alpha: float = ALPHA) -> dict:
    """Weighted ridge regression (closed form) on standardised features -> the JSON model dict.

    Stories weigh 1/sqrt(candidates); within a story the sentences with a high target weigh TOP_WEIGHT
    times: MMR picks from the top of each story, so the fit should rank the top right more than the tail."""
    X = np.vstack([r[1] for r in rows]).astype(np.float64)
    y = np.concatenate([r[2] for r in rows])
    w = np.concatenate([np.full(len(r[1]), 1.0 / np.sqrt(len(r[1]))) for r in rows])
    w *= np.where(y > TOP_Z, TOP_WEIGHT, 1.0)
    w /= w.mean()
    mu, sd = X.mean(0), X.std(0) + 1e-6
    Z = (X - mu) / sd
    zm, ym = (Z * w[:, None]).sum(0) / w.sum(), float((y * w).sum() / w.sum())
    Zc, yc = Z - zm, y - ym
    A = (Zc * w[:, None]).T @ Zc + alpha * np.eye(Z.shape[1])
    coef = np.linalg.solve(A, (Zc * w[:, None]).T @ yc)
    return {
        "kind": "ridge", "features": list(S.FEATURES), "mean": mu.round(6).tolist(), "scale": sd.round(6).tolist(),
        "weights": coef.round(6).tolist(), "bias": round(float(ym - zm @ coef), 6),
        "target": "within-story z: R-2 recall/sqrt(words) + greedy-oracle membership + sampled-subset effect",
        "sample_weight": f"1/sqrt(story candidates), x{TOP_WEIGHT:g} where the target is above {TOP_Z:g}", "alpha": alpha,
        "trained_on": "Multi-News dev (250) + AllSides dev (252)",
    }


def fold_models(rows: list[tuple[str, np.ndarray, np.ndarray]], k: int = K_FOLDS, seed: int = 0) -> list[dict]:
    """One model per fold, each trained without that fold's stories (for honest dev figures)."""
    return [fit([r for r in rows if fold_of(r[0], k, seed) != f]) for f in range(k)]


def all_rows(split: str = "dev") -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Training rows of both sets."""
    return [r for s in SETS for r in story_rows(s, split)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(S.MODEL_PATH))
    args = ap.parse_args()
    S.set_model(None)
    rows = all_rows("dev")
    model = fit(rows)
    Path(args.out).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"trained on {len(rows)} stories, {sum(len(r[1]) for r in rows)} sentences -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
