"""Distil en_core_web_sm's NER into `fastner`'s small head (`newsfuse/data/fastner.npz`).

The teacher is the full spaCy pipeline; the student reads the shared tok2vec output (`Doc.tensor`) and the
teacher's own embedding after two of its four convolution layers (skipping the rest and the transition loop),
so it needs no labelled data: the teacher's BILUO tags on unlabelled news text are the targets.
Variants and their scores: bench/results/fastner.md.
Training text is read from ../shared/data at training time (ECB+, NewsCluster, AllSides dev, the AEB gold
article bodies and the Multi-News dev articles the speed bench does not use); the file holds weights, never text.
The GGT quote set and the first Multi-News dev articles are held out for `eval`.

    .venv/bin/python -m newsfuse.training.fastner collect   # teacher-label the corpora (cached)
    .venv/bin/python -m newsfuse.training.fastner fit       # train, write the weights
    .venv/bin/python -m newsfuse.training.fastner eval      # entity agreement with the teacher, held out
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

SHARED = Path(os.environ.get("NEWSFUSE_SHARED", Path(__file__).resolve().parents[4] / "shared"))
CACHE = Path(os.environ.get("NEWSFUSE_BENCH_CACHE", "/tmp/newsfuse-fastner"))
HELD_OUT_MULTINEWS = 400  # the first Multi-News dev articles: speed bench + held-out evaluation


def _texts(which: str) -> list[str]:
    """Unlabelled article texts: 'train' (the distillation corpora) or 'heldout'."""
    data = SHARED / "data"
    out: list[str] = []

    def jsonl(path: Path):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    multinews = [
        a.get("text") or ""
        for row in jsonl(data / "summaries-multinews" / "dev.jsonl")
        for a in row.get("articles") or []
    ]
    if which == "heldout":
        out += multinews[:HELD_OUT_MULTINEWS]
        split = json.loads((data / "quotes-ggt" / "split.json").read_text())
        dev = set(map(str, split.get("dev", [])))
        for row in jsonl(data / "quotes-ggt" / "ggt_quotes.jsonl"):
            if str(row.get("id", row.get("article_id"))) in dev:
                out.append(row.get("text") or "")
    else:
        out += multinews[HELD_OUT_MULTINEWS:]
        for row in jsonl(data / "clustering-ecbplus" / "ecbplus_docs.jsonl"):
            out.append(" ".join(row.get("sentences") or []))
        for row in jsonl(data / "clustering-newscluster" / "news_cluster_docs.jsonl"):
            out.append(row.get("text") or row.get("maintext") or "")
        for row in jsonl(data / "summaries-allsides" / "dev.jsonl"):
            out += [a.get("text") or "" for a in row.get("articles") or []]
        truth = json.loads((data / "extraction-aeb" / "ground-truth.json").read_text(encoding="utf-8"))
        out += [v.get("articleBody") or "" for v in truth.values() if isinstance(v, dict)]
    return [t[:20_000] for t in out if len(t.split()) >= 50]


def collect(which: str, max_tokens: int) -> Path:
    """Teacher-label texts: per token the shared tok2vec vector (float16) and the teacher's move id."""
    from spacy.training import offsets_to_biluo_tags as biluo_tags_from_offsets

    from spacy.attrs import IS_SPACE

    from .. import nlp
    from ..nlp.fastner import HEAD_NAME, teacher_fingerprint

    spacy_nlp = nlp.load()
    if HEAD_NAME in spacy_nlp.pipe_names:
        raise SystemExit("collect needs the teacher: run with NEWSFUSE_FAST_NER=0")
    moves = list(spacy_nlp.get_pipe("ner").move_names)
    index = {m: i for i, m in enumerate(moves)}
    texts = _texts(which)
    t2v = spacy_nlp.get_pipe("ner").model.get_ref("tok2vec")
    inner = next(node for node in t2v.walk() if "embed" in node.ref_names)
    embed, residuals = inner.get_ref("embed"), inner.get_ref("encode").layers[0].layers
    vecs, tags, doc_lens, ner_vecs, ner_embeds, enc1, enc2, spaces = [], [], [], [], [], [], [], []
    n_tok, t0 = 0, time.time()
    for doc in spacy_nlp.pipe(texts, batch_size=64):
        ner_vecs.append(t2v.predict([doc]).astype(np.float16))
        x = embed.predict([doc])[0]
        ner_embeds.append(x.astype(np.float16))
        spaces.append(doc.to_array([IS_SPACE]).astype(bool).ravel())
        x = residuals[0].predict(x.copy())
        enc1.append(x.astype(np.float16))
        enc2.append(residuals[1].predict(x.copy()).astype(np.float16))
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        biluo = biluo_tags_from_offsets(doc, ents)
        vecs.append(doc.tensor.astype(np.float16))
        tags.append(np.array([index.get(t, index["O"]) for t in biluo], dtype=np.int16))
        doc_lens.append(len(doc))
        n_tok += len(doc)
        if len(doc_lens) % 200 == 0:
            print(f"{len(doc_lens)} docs, {n_tok} tokens, {time.time() - t0:.0f}s", file=sys.stderr)
        if n_tok >= max_tokens:
            break
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{which}.npz"
    np.savez(path, vecs=np.concatenate(vecs), tags=np.concatenate(tags), lens=np.array(doc_lens),
             moves=np.array(moves), ner_vecs=np.concatenate(ner_vecs), ner_embeds=np.concatenate(ner_embeds),
             ner_enc1=np.concatenate(enc1), ner_enc2=np.concatenate(enc2), space=np.concatenate(spaces),
             teacher=np.array(teacher_fingerprint(spacy_nlp.get_pipe("ner"))))
    print(f"{which}: {len(doc_lens)} docs, {n_tok} tokens -> {path}", file=sys.stderr)
    return path


WINDOW = 2
HIDDEN = 256
EPOCHS = 6
BATCH = 512
LEARNING_RATE = 1e-3


_ARRAYS = {"tensor": "vecs", "ner_embed": "ner_embeds", "ner_vec": "ner_vecs", "ner_enc1": "ner_enc1",
           "ner_enc2": "ner_enc2"}


def _windows(path: Path, features: list[str], window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], np.ndarray]:
    """The cached vectors with `window` zero rows between documents, each token's row, tags, moves, lens."""
    data = np.load(path)
    vecs = np.concatenate([data[_ARRAYS[f]] for f in features], axis=1)
    tags, lens = data["tags"].astype(np.int64), data["lens"]
    moves = [str(m) for m in data["moves"]]
    padded = np.zeros((len(vecs) + window * (len(lens) + 1), vecs.shape[1]), dtype=np.float16)
    rows = np.empty(len(vecs), dtype=np.int64)
    src = dst = 0
    for n in lens:
        dst += window
        padded[dst : dst + n] = vecs[src : src + n]
        rows[src : src + n] = np.arange(dst, dst + n)
        src += n
        dst += n
    return padded, rows, tags, moves, lens


def _batch(padded: np.ndarray, rows: np.ndarray, window: int) -> np.ndarray:
    """Window features for the tokens at `rows` of the padded matrix (same layout as fastner)."""
    return np.concatenate([padded[rows + k] for k in range(-window, window + 1)], axis=1).astype(np.float32)


def fit(out: Path, features: list[str], *, window: int = WINDOW, hidden: int = HIDDEN, epochs: int = EPOCHS,
        dropout: float = 0.0, seed: int = 0) -> None:
    """Train the head on the teacher's tags (cross-entropy, Adam) and write the weights."""
    padded, rows, tags, moves, _ = _windows(CACHE / "train.npz", features, window)
    data_teacher = np.load(CACHE / "train.npz")["teacher"]  # the head only binds to this teacher
    rng = np.random.default_rng(seed)
    sample = _batch(padded, rng.choice(rows, size=min(len(rows), 50_000), replace=False), window)
    mean, scale = sample.mean(0), sample.std(0) + 1e-3
    d, k = sample.shape[1], len(moves)
    params = {
        "w1": rng.normal(0, np.sqrt(2.0 / d), (d, hidden)).astype(np.float32),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.normal(0, np.sqrt(1.0 / hidden), (hidden, k)).astype(np.float32),
        "b2": np.zeros(k, np.float32),
    }
    m1 = {n: np.zeros_like(v) for n, v in params.items()}
    m2 = {n: np.zeros_like(v) for n, v in params.items()}
    step = 0
    for epoch in range(epochs):
        lr = LEARNING_RATE * (0.5 ** max(0, epoch - 2))
        order = rng.permutation(len(rows))
        total, t0 = 0.0, time.time()
        for b in range(0, len(order), BATCH):
            idx = order[b : b + BATCH]
            x = (_batch(padded, rows[idx], window) - mean) / scale
            y = tags[idx]
            if dropout:  # inverted dropout on the inputs and the hidden layer: the head memorises otherwise
                x *= (rng.random(x.shape, dtype=np.float32) >= dropout / 2) / (1 - dropout / 2)
            h = np.maximum(x @ params["w1"] + params["b1"], 0.0)
            if dropout:
                h *= (rng.random(h.shape, dtype=np.float32) >= dropout) / (1 - dropout)
            logits = h @ params["w2"] + params["b2"]
            logits -= logits.max(1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(1, keepdims=True)
            total += -np.log(p[np.arange(len(y)), y] + 1e-12).sum()
            p[np.arange(len(y)), y] -= 1.0
            p /= len(y)
            dh = (p @ params["w2"].T) * (h > 0)
            grads = {"w2": h.T @ p, "b2": p.sum(0), "w1": x.T @ dh, "b1": dh.sum(0)}
            step += 1
            for n, g in grads.items():  # Adam
                m1[n] = 0.9 * m1[n] + 0.1 * g
                m2[n] = 0.999 * m2[n] + 0.001 * g * g
                mh, vh = m1[n] / (1 - 0.9**step), m2[n] / (1 - 0.999**step)
                params[n] -= lr * mh / (np.sqrt(vh) + 1e-8)
        print(f"epoch {epoch}: loss {total / len(rows):.4f} ({time.time() - t0:.0f}s)", file=sys.stderr)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, mean=mean.astype(np.float16), scale=scale.astype(np.float16), moves=np.array(moves),
        features=np.array(features), window=np.array(window), teacher=data_teacher,
        **{n: v.astype(np.float16) for n, v in params.items()},
    )
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)", file=sys.stderr)


def evaluate(weights: Path) -> dict[str, tuple[float, float, float]]:
    """Entity P/R/F1 of the head against the teacher on the held-out texts, overall and per label."""
    from ..nlp.fastner import FastNER

    head = FastNER(weights)
    data = np.load(CACHE / "heldout.npz")
    vecs = np.concatenate([data[_ARRAYS[f]] for f in head.features], axis=1)
    tags, lens = data["tags"], data["lens"]
    space = data["space"] if "space" in data else np.zeros(len(tags), dtype=bool)
    names = [str(m) for m in data["moves"]]
    gold, pred = set(), set()
    src = 0
    for doc_i, n in enumerate(lens):
        tensor = vecs[src : src + n].astype(np.float32)
        for s, e, label in head.entities(tensor, space[src : src + n]):
            pred.add((doc_i, s, e, label))
        open_at = None
        for t in range(n):
            name = names[tags[src + t]]
            kind, label = (name.split("-", 1) + [""])[:2]
            if kind == "B":
                open_at = t
            elif kind == "L" and open_at is not None:
                gold.add((doc_i, open_at, t + 1, label))
            elif kind == "U":
                gold.add((doc_i, t, t + 1, label))
        src += n
    result = {}
    labels = sorted({g[3] for g in gold})
    for label in [None, *labels]:
        g = {x for x in gold if label is None or x[3] == label}
        p = {x for x in pred if label is None or x[3] == label}
        tp = len(g & p)
        prec, rec = tp / max(1, len(p)), tp / max(1, len(g))
        result[label or "ALL"] = (prec, rec, 2 * prec * rec / max(1e-9, prec + rec), len(g))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("step", choices=["collect", "fit", "eval"])
    ap.add_argument("--max-tokens", type=int, default=1_500_000)
    ap.add_argument("--features", default="tensor,ner_enc2", help="per-token inputs, comma-separated")
    ap.add_argument("--window", type=int, default=WINDOW)
    ap.add_argument("--dropout", type=float, default=0.0)
    ap.add_argument("--hidden", type=int, default=HIDDEN)
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--out", type=Path, default=None, help="weights file (default: the shipped one)")
    args = ap.parse_args(argv)
    from ..nlp.fastner import WEIGHTS

    out = args.out or WEIGHTS
    if args.step == "collect":
        collect("heldout", 400_000)
        collect("train", args.max_tokens)
    elif args.step == "fit":
        fit(out, args.features.split(","), window=args.window, hidden=args.hidden, epochs=args.epochs,
            dropout=args.dropout)
    else:
        for label, (p, r, f, n) in evaluate(out).items():
            print(f"{label:12s} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({n} teacher entities)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
