"""Train the quote speaker scorer on the GGT dev split (reads ../shared at training time only).

    .venv/bin/python -m newsfuse.training.quotes [--cv 5] [--write] [--docs /tmp/ggt_docs.spacy]

For every predicted quote matched (> 30 %) to a gold quote, each speaker candidate from
`quotes.speaker_candidates` is labelled by the benchmark's name match against the gold
`reference`; a logistic regression over the candidate features is fitted, and the quote's
speaker is the best-scoring candidate. `--cv` reports k-fold accuracy by article on dev (the
honest dev figure) next to the rules; `--write` stores the weights (no text) in
src/newsfuse/data/quotes-speaker.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
from pathlib import Path

from .. import entities, nlp, quotes
from ..model import Article

ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "quotes-ggt"
C = 1.0


def _bench():
    spec = importlib.util.spec_from_file_location("bench_quotes", ROOT / "bench" / "quotes.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_docs(rows: list[dict], cache: str | None):
    """Parsed docs for `rows`; with `cache`, a spaCy DocBin of the same texts (built if missing)."""
    if cache:
        from spacy.tokens import DocBin

        ids_path = Path(cache + ".ids.json")
        if Path(cache).exists() and ids_path.exists() and json.loads(ids_path.read_text()) == [r["id"] for r in rows]:
            return list(DocBin().from_disk(cache).get_docs(nlp.load().vocab))
        docs = nlp.parse([r["text"] for r in rows])
        db = DocBin(store_user_data=True)
        for d in docs:
            db.add(d)
        db.to_disk(cache)
        ids_path.write_text(json.dumps([r["id"] for r in rows]))
        return docs
    return nlp.parse([r["text"] for r in rows])


def examples(rows: list[dict], docs) -> list[list[tuple[list[list[float]], list[int]]]]:
    """Per article: per matched quote, (candidate features, candidate labels); candidate 0 = rules."""
    b = _bench()
    out = []
    for r, doc in zip(rows, docs):
        a = Article(id=r["id"], raw=r["text"], text=r["text"])
        ents = entities.extract(a, doc)
        qc = quotes.speaker_candidates(a, doc, ents)
        gold = [(g["quote"]["start"], g["quote"]["end"]) for g in r["quotes"]]
        pairs = b.match([(q.start, q.end) for q, _ in qc], gold, 0.3)
        art = []
        for gi, pi in pairs:
            ref = r["quotes"][gi]["reference"] or None
            cands = qc[pi][1]
            art.append(([x for _, x in cands], [int(b.same_speaker(c.name if c else None, ref)) for c, _ in cands]))
        out.append(art)
    return out


def fit(arts) -> dict:
    from sklearn.linear_model import LogisticRegression

    X = [x for art in arts for xs, _ in art for x in xs]
    y = [v for art in arts for _, ys in art for v in ys]
    lr = LogisticRegression(C=C, max_iter=2000)
    lr.fit(X, y)
    return {"features": list(quotes.FEATURES), "bias": float(lr.intercept_[0]),
            "weights": [round(float(w), 5) for w in lr.coef_[0]]}


def accuracy(arts, model: dict | None) -> tuple[int, int]:
    ok = n = 0
    for art in arts:
        for xs, ys in art:
            n += 1
            k = 0 if model is None else max(range(len(xs)), key=lambda i: quotes.score(model, xs[i]))
            ok += ys[k]
    return ok, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", type=int, default=5)
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--docs", default=None, help="DocBin cache of the parsed dev texts (default: one per pipeline)")
    args = ap.parse_args()
    # the cache is per pipeline (the teacher NER and the distilled head give different entities) and per
    # version of the stage code and model weights
    from ..scale import stage_fingerprint

    args.docs = args.docs or f"/tmp/newsfuse-ggt-dev-{stage_fingerprint()[:16]}.spacy"
    rows = {json.loads(line)["id"]: json.loads(line) for line in open(DATA / "ggt_quotes.jsonl", encoding="utf-8")}
    dev = [rows[i] for i in json.load(open(DATA / "split.json"))["dev"]]
    arts = examples(dev, load_docs(dev, args.docs))
    ok_r, n = accuracy(arts, None)
    ok_m = 0
    if args.cv > 1:
        for f in range(args.cv):
            train = [a for i, a in enumerate(arts) if i % args.cv != f]
            held = [a for i, a in enumerate(arts) if i % args.cv == f]
            ok_m += accuracy(held, fit(train))[0]
        cover = sum(max(ys) for art in arts for _, ys in art)
        print(f"dev {args.cv}-fold by article: rules {ok_r / n:.3f}  model {ok_m / n:.3f}  "
              f"(matched quotes {n}, gold speaker among candidates {cover / n:.3f})")
    if args.write:
        model = fit(arts)
        quotes.MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {quotes.MODEL_PATH} (train accuracy {accuracy(arts, model)[0] / n:.3f})")


if __name__ == "__main__":
    main()
