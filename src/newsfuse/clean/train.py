"""Retrain the line classifier on the extraction benchmark's dev split (never on test).

Usage: `python -m newsfuse.clean.train [--data ../shared/data/extraction-aeb] [--out PATH]`.
A unit is labelled body when most of its 4-token shingles occur in the page's gold articleBody.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
from collections import Counter
from pathlib import Path

import numpy as np

from . import classifier
from .features import FEATURE_NAMES, features, tokens, units

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "extraction-aeb"


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


def load_html(data: Path, page_id: str) -> str:
    with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def page_matrix(text: str, title: str = ""):
    us = units(text)
    return us, features(us, title)


def fit(xs: list[np.ndarray], ys: list[np.ndarray], c: float = 0.5):
    from sklearn.linear_model import LogisticRegression

    x = np.vstack(xs)
    y = np.concatenate(ys)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    return {"features": FEATURE_NAMES, "mean": mean.tolist(), "scale": scale.tolist(),
            "coef": lr.coef_[0].tolist(), "intercept": float(lr.intercept_[0])}


def fit_trees(xs: list[np.ndarray], ys: list[np.ndarray]) -> dict:
    """Gradient-boosted trees (sklearn), exported as plain arrays."""
    from sklearn.ensemble import GradientBoostingClassifier

    x = np.vstack(xs)
    y = np.concatenate(ys)
    gb = GradientBoostingClassifier(n_estimators=150, max_depth=3, learning_rate=0.1, subsample=0.8, random_state=0)
    gb.fit(x, y)
    trees = []
    for est in gb.estimators_[:, 0]:
        t = est.tree_
        trees.append({"feature": t.feature.tolist(), "threshold": t.threshold.tolist(),
                      "left": t.children_left.tolist(), "right": t.children_right.tolist(),
                      "value": t.value[:, 0, 0].tolist()})
    spec = {"features": FEATURE_NAMES, "trees": trees, "learning_rate": gb.learning_rate, "intercept": 0.0}
    m = classifier.LineModel(spec)
    offset = gb.decision_function(x) - m.logits(x)
    assert float(offset.std()) < 1e-6, "tree export does not reproduce sklearn's scores"
    spec["intercept"] = float(offset.mean())
    return spec


def unit_weights(us) -> np.ndarray:
    return np.array([np.log1p(len(tokens(u.text))) + 0.5 for u in us])


def decoded_text(text: str, us, z: np.ndarray, params: dict) -> str:
    keep = classifier.decode(z, unit_weights(us), **params)
    return "\n".join(u.text for u, k in zip(us, keep) if k)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSFUSE_AEB", DEFAULT_DATA)))
    ap.add_argument("--out", type=Path, default=classifier.MODEL_PATH)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args(argv)
    ids = load_split(args.data, "dev")
    plain, gold = load_plain(args.data), load_gold(args.data)
    pages = []
    for pid in ids:
        us, x = page_matrix(plain[pid])
        pages.append((pid, us, x, labels(us, gold[pid])))
    # out-of-fold log-odds on dev, to tune the decoder without fooling ourselves
    oof: dict[str, np.ndarray] = {}
    for f in range(args.folds):
        train = [p for i, p in enumerate(pages) if i % args.folds != f]
        spec = fit_trees([p[2] for p in train], [p[3] for p in train])
        m = classifier.LineModel(spec)
        for i, p in enumerate(pages):
            if i % args.folds == f:
                oof[p[0]] = m.logits(p[2])
    best = None
    for bias, inside, outside in itertools.product([-1.0, -0.5, 0.0, 0.5, 1.0], [-3, -2, -1.5, -1, -0.5], [2, 3, 4, 99]):
        params = {"bias": bias, "inside": inside, "outside": outside}
        sc = [page_score(gold[pid], decoded_text(plain[pid], us, oof[pid], params)) for pid, us, _, _ in pages]
        p, r, f1 = summarize(sc)
        if best is None or f1 > best[0]:
            best = (f1, p, r, params)
    print(f"dev out-of-fold: F1 {best[0]:.3f} (P {best[1]:.3f} R {best[2]:.3f}) with {best[3]}")
    spec = fit_trees([p[2] for p in pages], [p[3] for p in pages])
    spec["decode"] = best[3]
    spec["trained_on"] = "extraction-aeb dev split (html-text baseline lines)"
    args.out.write_text(json.dumps(spec, separators=(",", ":")) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
