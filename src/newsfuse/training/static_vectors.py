"""Distil the static sentence-vector table (`newsfuse/data/static-vectors.npz`) from the MiniLM we ship.

Reads the DEV splits of ../shared/data (Multi-News, AllSides, ECB+ for fitting; the news_cluster dev events
held out for `evaluate`) and the int8 MiniLM through `nlp.vectors`; writes one float16 table, one row per
wordpiece of MiniLM's vocabulary ([unused*] dropped), in a PCA basis of MiniLM's sentence space.

Two steps, after model2vec and tokenlearn (MinishLab), without torch:
1. model2vec: each wordpiece alone through MiniLM (`[CLS] piece [SEP]`, mean-pooled), projected on the top
   principal axes of MiniLM's sentence vectors, weighted SIF-style by its frequency on the fitting sentences
   (a / (a + p)): frequent pieces ("the", ",") weigh little.
2. tokenlearn: the table refitted so that the mean of a sentence's piece vectors regresses MiniLM's vector of
   that sentence (projected the same way) on the fitting sentences: ridge least squares toward step 1's
   table (conjugate gradients on the sparse normal equations), so pieces seen rarely stay near step 1.

`python -m newsfuse.training.static_vectors [--dim 128] [--sentences 40000]` fits, writes the table and prints
`evaluate`'s figures (agreement with MiniLM on held-out same-story sentence pairs, and speed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import random
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy import sparse

from ..nlp import vectors as V

DATA = Path(os.environ.get("NEWSFUSE_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"))
CACHE = Path(os.environ.get("NEWSFUSE_BENCH_CACHE", "/tmp/newsfuse-static-vectors"))
OUT = Path(__file__).resolve().parents[1] / "data" / "static-vectors.npz"

_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[str]:
    """Rough sentences of a text (paragraphs, then stops before a capital); 25–400 characters kept."""
    out = []
    for para in re.split(r"\n\s*\n|\n", text or ""):
        for s in _SPLIT.split(para.strip()):
            s = " ".join(s.split())
            if 25 <= len(s) <= 400 and sum(c.isalpha() for c in s) > 15:
                out.append(s)
    return out


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def fitting_sentences() -> list[str]:
    """Distinct sentences of the DEV splits of Multi-News, AllSides and ECB+ (never news_cluster)."""
    texts: list[str] = []
    for name in ("summaries-multinews", "summaries-allsides"):
        for rec in _jsonl(DATA / name / "dev.jsonl"):
            texts += [a.get("text") or "" for a in rec.get("articles", [])]
            texts.append(rec.get("reference") or "")
    split = json.loads((DATA / "clustering-ecbplus" / "split.json").read_text())
    dev = {str(t) for t in split["dev"]}
    texts += [r.get("text") or "" for r in _jsonl(DATA / "clustering-ecbplus" / "ecbplus_docs.jsonl") if str(r.get("topic")) in dev]
    return list(dict.fromkeys(s for t in texts for s in split_sentences(t)))


def heldout_stories() -> list[list[list[str]]]:
    """news_cluster DEV events: per event, per article, its sentences (title first)."""
    split = json.loads((DATA / "clustering-newscluster" / "split.json").read_text())
    dev = set(split["dev"])
    events: dict[int, list[list[str]]] = {}
    for r in _jsonl(DATA / "clustering-newscluster" / "news_cluster_docs.jsonl"):
        if r.get("event_id") in dev:
            sents = ([r["title"]] if r.get("title") else []) + split_sentences(r.get("text") or "")
            events.setdefault(r["event_id"], []).append(sents)
    return [events[k] for k in sorted(events)]


def _teach(texts: list[str]) -> np.ndarray:
    return V.embedder()(texts)


def teacher(texts: list[str], jobs: int = 2) -> np.ndarray:
    """MiniLM vectors of `texts` (cached on disk by the texts' hash), computed in `jobs` processes."""
    h = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    fn = CACHE / f"teacher-{h}.npy"
    if fn.exists():
        return np.load(fn)
    chunks = [texts[i : i + 500] for i in range(0, len(texts), 500)]
    with ProcessPoolExecutor(jobs) as ex:
        out = np.vstack(list(ex.map(_teach, chunks))) if chunks else np.zeros((0, V.DIM), np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(fn, out)
    return out


def _piece_chunk(ids: list[int]) -> np.ndarray:
    emb = V.embedder()
    cls, sep = emb.tokenizer.token_to_id("[CLS]"), emb.tokenizer.token_to_id("[SEP]")
    out = np.zeros((len(ids), V.DIM), dtype=np.float32)
    for i, t in enumerate(ids):
        x = np.array([[cls, t, sep]], dtype=np.int64)
        h = emb.session.run(None, {"input_ids": x, "attention_mask": np.ones_like(x), "token_type_ids": np.zeros_like(x)})[0][0]
        out[i] = h.mean(0)
    return out


def piece_vectors(ids: list[int], jobs: int = 2) -> np.ndarray:
    """Step 1's raw vectors: each wordpiece alone through MiniLM, mean-pooled (cached on disk)."""
    fn = CACHE / f"pieces-{len(ids)}.npy"
    if fn.exists():
        return np.load(fn)
    chunks = [ids[i : i + 1000] for i in range(0, len(ids), 1000)]
    with ProcessPoolExecutor(jobs) as ex:
        out = np.vstack(list(ex.map(_piece_chunk, chunks)))
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(fn, out)
    return out


def vocabulary() -> tuple[list[str], list[int]]:
    """MiniLM's wordpieces and their ids, [PAD]/[CLS]/[SEP]/[MASK] and [unused*] dropped."""
    tok = V.embedder().tokenizer
    vocab = sorted(tok.get_vocab().items(), key=lambda kv: kv[1])
    keep = [(p, i) for p, i in vocab if not (p.startswith("[unused") or p in ("[PAD]", "[CLS]", "[SEP]", "[MASK]"))]
    return [p for p, _ in keep], [i for _, i in keep]


def design(texts: list[str], row_of: np.ndarray, n_pieces: int) -> sparse.csr_matrix:
    """Sentence x piece matrix of mean-pooling weights (count / pieces in the sentence)."""
    tok = V.static_tokenizer()
    rows, cols = [], []
    for r, enc in enumerate(tok.encode_batch(texts, add_special_tokens=False)):
        ids = row_of[np.asarray(enc.ids, dtype=np.int64)]
        ids = ids[ids >= 0]
        rows += [r] * len(ids)
        cols += ids.tolist()
    A = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(texts), n_pieces))
    A.sum_duplicates()
    n = np.asarray(A.sum(1)).ravel()
    return sparse.diags(1.0 / np.maximum(n, 1)) @ A


def fit(dim: int = 128, n_sentences: int = 40000, lam: float = 0.05, sif: float = 1e-3, seed: int = 0, jobs: int = 2):
    """The table (pieces x dim, float32) and the piece ids of its rows; prints what it did."""
    t0 = time.time()
    pieces, ids = vocabulary()
    sents = fitting_sentences()
    random.Random(seed).shuffle(sents)
    sents = sents[:n_sentences]
    print(f"{len(pieces)} pieces, {len(sents)} fitting sentences", flush=True)
    Y = teacher(sents, jobs)
    print(f"teacher vectors: {time.time() - t0:.0f} s", flush=True)
    P = piece_vectors(ids, jobs)
    print(f"piece vectors: {time.time() - t0:.0f} s", flush=True)
    # PCA basis of MiniLM's sentence space
    mu = Y.mean(0)
    _, _, Vt = np.linalg.svd(Y - mu, full_matrices=False)
    B = Vt[:dim].T  # 384 x dim
    row_of = np.full(max(ids) + 1, -1, dtype=np.int64)
    row_of[ids] = np.arange(len(ids))
    A = design(sents, row_of, len(ids))
    # SIF weights from piece frequencies on the fitting sentences
    counts = np.asarray((A > 0).sum(0)).ravel().astype(np.float64) + 1.0
    p = counts / counts.sum()
    w = sif / (sif + p)
    Pn = P / np.linalg.norm(P, axis=1, keepdims=True)
    W0 = ((Pn - mu) @ B) * w[:, None]
    T = (Y - mu) @ B  # targets in the same basis (centred: the shared direction carries no similarity)
    # scale the prior to the targets
    AW0 = A @ W0
    alpha = float((AW0 * T).sum() / max((AW0 * AW0).sum(), 1e-9))
    W0 *= alpha
    print(f"step 1 done (alpha {alpha:.3f}): {time.time() - t0:.0f} s", flush=True)
    # ridge toward W0: (A'A + lam s I) W = A'T + lam s W0, all columns at once by conjugate gradients
    # (A'A is never formed: each step is A'(A X), sparse A times a dense block)
    At = A.T.tocsr()
    reg = lam * float(np.asarray(A.multiply(A).sum(0)).mean())
    W = _block_cg(lambda X: At @ (A @ X) + reg * X, At @ T + reg * W0, W0, iters=200)
    print(f"step 2 done: {time.time() - t0:.0f} s", flush=True)
    c = mu @ B  # the targets' shared direction, folded back in (rows of A sum to 1): cosines like MiniLM's
    return (W0 + c).astype(np.float32), (W + c).astype(np.float32), np.asarray(ids, dtype=np.int32)


def _block_cg(matvec, B: np.ndarray, X0: np.ndarray, iters: int = 200, tol: float = 1e-5) -> np.ndarray:
    """Conjugate gradients for a symmetric positive definite operator, one independent solve per column."""
    X = X0.astype(np.float64).copy()
    R = B - matvec(X)
    P = R.copy()
    rs = (R * R).sum(0)
    stop = tol * np.sqrt((B * B).sum(0)) + 1e-30
    for _ in range(iters):
        MP = matvec(P)
        alpha = rs / np.maximum((P * MP).sum(0), 1e-30)
        X += P * alpha
        R -= MP * alpha
        rs_new = (R * R).sum(0)
        if np.all(np.sqrt(rs_new) < stop):
            break
        P = R + P * (rs_new / np.maximum(rs, 1e-30))
        rs = rs_new
    return X


def save(W: np.ndarray, ids: np.ndarray, path: Path = OUT) -> None:
    """Write the table as float16 rows plus the wordpiece id of each row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, vectors=W.astype(np.float16), ids=ids.astype(np.int32))


def evaluate(embed, n_pairs: int = 20000, seed: int = 0) -> dict[str, float]:
    """Agreement of `embed` with MiniLM on held-out pairs (news_cluster dev events, sentences of two different
    articles of one event): Spearman of the cosines, pair-ranking agreement, and per sentence whether MiniLM's
    best match in the other articles is among `embed`'s top 1 / top 5. Plus sentences/s of `embed`."""
    from scipy.stats import spearmanr

    rng = random.Random(seed)
    stories = heldout_stories()
    flat, art_of, story_of = [], [], []
    for si, arts in enumerate(stories):
        for ai, sents in enumerate(arts):
            for s in sents:
                flat.append(s)
                art_of.append((si, ai))
                story_of.append(si)
    flat_u = list(dict.fromkeys(flat))
    Et = dict(zip(flat_u, teacher(flat_u)))
    t = time.process_time()
    Es_rows = embed(flat_u)
    speed = len(flat_u) / max(time.process_time() - t, 1e-9)
    Es = dict(zip(flat_u, Es_rows))
    by_story: dict[int, list[int]] = {}
    for i, s in enumerate(story_of):
        by_story.setdefault(s, []).append(i)
    pairs = []
    for _ in range(n_pairs):
        idx = by_story[rng.choice(list(by_story))]
        i, j = rng.choice(idx), rng.choice(idx)
        if art_of[i] != art_of[j]:
            pairs.append((i, j))
    ct = np.array([Et[flat[i]] @ Et[flat[j]] for i, j in pairs])
    cs = np.array([Es[flat[i]] @ Es[flat[j]] for i, j in pairs])
    rho = spearmanr(ct, cs).statistic
    k = len(ct) // 2
    agree = float(np.mean(np.sign(ct[:k] - ct[k : 2 * k]) == np.sign(cs[:k] - cs[k : 2 * k])))
    top1 = top5 = n = 0
    for s, idx in by_story.items():
        if len(idx) > 600:
            idx = rng.sample(idx, 600)
        Tm = np.stack([Et[flat[i]] for i in idx])
        Sm = np.stack([Es[flat[i]] for i in idx])
        arts = np.array([hash(art_of[i]) for i in idx])
        ST, SS = Tm @ Tm.T, Sm @ Sm.T
        same = arts[:, None] == arts[None, :]
        ST[same], SS[same] = -9, -9
        for r in range(len(idx)):
            if ST[r].max() < 0.6:  # only sentences with a real counterpart elsewhere
                continue
            best = int(ST[r].argmax())
            order = np.argsort(-SS[r])[:5]
            top1 += best == order[0]
            top5 += best in order
            n += 1
    return {"pairs": len(pairs), "spearman": float(rho), "pair_agreement": agree,
            "top1": top1 / max(n, 1), "top5": top5 / max(n, 1), "queries": n, "sentences_per_cpu_s": speed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--sentences", type=int, default=40000)
    ap.add_argument("--lam", type=float, default=0.05)
    ap.add_argument("--sif", type=float, default=1e-3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    W0, W, ids = fit(args.dim, args.sentences, args.lam, args.sif, jobs=args.jobs)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / f"fit-{args.dim}-{args.lam}-{args.sif}.pkl").write_bytes(pickle.dumps((W0, W, ids)))
    for name, table in (("step 1 (model2vec)", W0), ("step 2 (tokenlearn)", W)):
        print(name, evaluate(V.StaticVectors(table, ids)), flush=True)
    if not args.no_write:
        save(W, ids)
        print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
