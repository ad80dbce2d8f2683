"""Retrain the two-stage line classifier and its decoder on the extraction benchmark's dev split (never on test).

Usage: `python -m newsfuse.training.clean [--data ../shared/data/extraction-aeb] [--out PATH]`.
A unit is labelled body when most of its 4-token shingles occur in the page's gold articleBody; each page's gold
body is also a training page of its own, every line body (text that is already clean must come out whole: dev
5-fold out-of-fold, this lifts the share of a clean body kept and the page-text F1 alike).
Stage 2 learns from stage 1's out-of-fold scores (stacking), so it sees the scores it will meet on
unseen pages; the decoder is tuned on stage 2's out-of-fold scores; the printed dev figures are 5-fold
out-of-fold (the pages scored were in no model's training data).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np

from ..clean import classifier
from ..clean.features import CONTEXT_NAMES, FEATURE_NAMES, context_features, features, tokens, units

DEFAULT_DATA = Path(__file__).resolve().parents[4] / "shared" / "data" / "extraction-aeb"
BODY = "body:"  # id prefix of a page's gold body used as a training page of its own


def shingles(text: str, n: int = 4) -> Counter:
    """The benchmark's shingles: a multiset of n-token tuples of `\\w+` tokens."""
    t = tokens(text)
    return Counter(tuple(t[i : i + n]) for i in range(max(1, len(t) - n + 1)) if t[i : i + n])


def page_score(gold: str, pred: str) -> tuple[float, float]:
    """(precision, recall) of one page, as the benchmark computes them."""
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    fp = sum(p.values()) - tp
    fn = sum(g.values()) - tp
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec


def summarize(scores: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(P, R, F1): P and R averaged over pages, F1 from the averages."""
    p = float(np.mean([s[0] for s in scores])) if scores else 0.0
    r = float(np.mean([s[1] for s in scores])) if scores else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def labels(us, gold: str) -> np.ndarray:
    """1 for units whose shingles mostly occur in the gold body."""
    g = shingles(gold)
    gold_tokens = " " + " ".join(tokens(gold)) + " "
    out = []
    for u in us:
        t = tokens(u.text)
        if len(t) >= 4:
            s = shingles(u.text)
            hit = sum(min(c, g[k]) for k, c in s.items())
            out.append(1 if hit > 0.5 * sum(s.values()) else 0)
        else:
            out.append(1 if t and (" " + " ".join(t) + " ") in gold_tokens else 0)
    return np.array(out, dtype=int)


def load_split(data: Path, split: str) -> list[str]:
    return json.loads((data / "split.json").read_text())[split]


def load_plain(data: Path) -> dict[str, str]:
    return {k: v["articleBody"] for k, v in json.loads((data / "baselines" / "html-text.json").read_text())["output"].items()}


def load_gold(data: Path) -> dict[str, str]:
    return {k: v["articleBody"] for k, v in json.loads((data / "ground-truth.json").read_text()).items()}


def page_matrix(text: str, title: str = ""):
    us = units(text)
    return us, features(us, title)


def fit_trees(xs: list[np.ndarray], ys: list[np.ndarray], names: list[str] = FEATURE_NAMES, n_trees: int = 150) -> dict:
    """Gradient-boosted trees (sklearn), exported as plain arrays."""
    from sklearn.ensemble import GradientBoostingClassifier

    x = np.vstack(xs)
    y = np.concatenate(ys)
    gb = GradientBoostingClassifier(n_estimators=n_trees, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=0)
    gb.fit(x, y)
    trees = []
    for est in gb.estimators_[:, 0]:
        t = est.tree_
        trees.append({"feature": t.feature.tolist(), "threshold": t.threshold.tolist(),
                      "left": t.children_left.tolist(), "right": t.children_right.tolist(),
                      "value": t.value[:, 0, 0].tolist()})
    spec = {"features": list(names), "trees": trees, "learning_rate": gb.learning_rate, "intercept": 0.0}
    m = classifier.LineModel(spec)
    offset = gb.decision_function(x) - m.logits(x)
    assert float(offset.std()) < 1e-6, "tree export does not reproduce sklearn's scores"
    spec["intercept"] = float(offset.mean())
    return spec


def decoded_text(us, z: np.ndarray, params: dict) -> str:
    """The units the decoder keeps from log-odds `z`, joined as the cleaned text."""
    keep = classifier.decode(z, classifier.unit_weights(us), **params)
    return "\n".join(u.text for u, k in zip(us, keep) if k)


def _combined(spec1: dict, spec2: dict, params: dict) -> classifier.LineModel:
    return classifier.LineModel({**spec1, "stage2": spec2, "decode": params})


def main(argv: list[str] | None = None) -> None:
    from ..model import Article
    from ..clean import clean

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSFUSE_AEB", DEFAULT_DATA)))
    ap.add_argument("--out", type=Path, default=classifier.MODEL_PATH)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--pages-only", action="store_true", help="train on the page texts alone (no clean bodies), to compare")
    args = ap.parse_args(argv)
    ids = load_split(args.data, "dev")
    plain, gold = load_plain(args.data), load_gold(args.data)
    pages, bodies = [], []
    for pid in ids:
        us, x = page_matrix(plain[pid])
        pages.append((pid, us, x, labels(us, gold[pid])))
        # the page's article alone, every line body: text that is already clean is what the model must keep whole
        us, x = page_matrix(gold[pid])
        bodies.append((BODY + pid, us, x, np.ones(len(us), dtype=int)))
    trained = pages + ([] if args.pages_only else bodies)
    # a page and its own article body always fall in the same fold
    fold = {p[0]: i % args.folds for i, pb in enumerate(zip(pages, bodies)) for p in pb}
    folds = [[p for p in trained if fold[p[0]] == f] for f in range(args.folds)]
    rest = [[p for p in trained if fold[p[0]] != f] for f in range(args.folds)]
    # stage 1, out-of-fold log-odds on dev
    oof1: dict[str, np.ndarray] = {}
    spec1s = []
    for f in range(args.folds):
        spec1s.append(fit_trees([p[2] for p in rest[f]], [p[3] for p in rest[f]]))
        m = classifier.LineModel(spec1s[-1])
        oof1.update({p[0]: m.logits(p[2]) for p in folds[f]})
    ctx = {p[0]: context_features(oof1[p[0]], p[2], p[1]) for p in trained}
    # stage 2 on stage 1's out-of-fold scores, itself out-of-fold
    oof2: dict[str, np.ndarray] = {}
    spec2s = []
    for f in range(args.folds):
        spec2s.append(fit_trees([ctx[p[0]] for p in rest[f]], [p[3] for p in rest[f]], CONTEXT_NAMES, n_trees=100))
        m = classifier.LineModel(spec2s[-1])
        oof2.update({p[0]: m.logits(ctx[p[0]]) for p in folds[f]})
    best = None
    for bias, enter, leave in itertools.product([0.0, 0.5, 1.0], [8, 12, 16], [2, 4, 6, 8]):
        params = {"method": "viterbi", "bias": bias, "enter": enter, "leave": leave}
        sc = [page_score(gold[pid], decoded_text(us, oof2[pid], params)) for pid, us, _, _ in pages]
        p, r, f1 = summarize(sc)
        if best is None or f1 > best[0]:
            best = (f1, p, r, params)
    print(f"dev out-of-fold, classifier + decoder: F1 {best[0]:.3f} (P {best[1]:.3f} R {best[2]:.3f}) with {best[3]}")
    sc, kept = [], []
    for f in range(args.folds):
        m = _combined(spec1s[f], spec2s[f], best[3])
        for pid in (p[0] for p in pages if fold[p[0]] == f):
            sc.append(page_score(gold[pid], clean(Article(id=pid, raw=plain[pid]), model=m).text))
            # the clean body fed as a record must come out whole
            kept.append(page_score(gold[pid], clean(Article(id=pid, raw=gold[pid], meta={"format": "json"}), model=m).text))
    p, r, f1 = summarize(sc)
    kp, kr, kf = summarize(kept)
    oof_scores = {"classifier+decoder": [round(best[1], 4), round(best[2], 4), round(best[0], 4)],
                  "full clean": [round(p, 4), round(r, 4), round(f1, 4)],
                  "clean bodies as records": [round(kp, 4), round(kr, 4), round(kf, 4)]}
    print(f"dev out-of-fold, full clean (classifier + decoder + rules): F1 {f1:.3f} (P {p:.3f} R {r:.3f})")
    print(f"dev out-of-fold, clean bodies as records: share kept {kr:.4f} (P {kp:.4f})")
    spec = fit_trees([p[2] for p in trained], [p[3] for p in trained])
    spec["stage2"] = fit_trees([ctx[p[0]] for p in trained], [p[3] for p in trained], CONTEXT_NAMES, n_trees=100)
    spec["decode"] = best[3]
    spec["dev_out_of_fold"] = {"folds": args.folds, "P_R_F1": oof_scores}
    spec["trained_on"] = ("extraction-aeb dev split: html-text baseline lines" + ("" if args.pages_only else
                          ", and each page's gold body as a page of body lines") + "; stage 2 on stage 1's out-of-fold scores")
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
