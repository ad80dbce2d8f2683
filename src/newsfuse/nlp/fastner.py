"""A fast NER head distilled from en_core_web_sm's NER: sets `doc.ents` without the teacher's transition loop.

en_core_web_sm's NER runs its own tok2vec and a transition loop, about half of the whole parse
(bench/results/speed.md). This head reads the vectors the tagger and parser already share
(`Doc.tensor`) and the teacher's own embedding after the first two of its four convolution layers:
each token's window of five such vectors goes through a one-hidden-layer network that scores the
teacher's BILUO moves, and a constrained Viterbi pass over the uncertain stretches turns the scores
into well-formed entities. The weights (`data/fastner.npz`) come from `python -m newsfuse.training.fastner`,
trained on the teacher's output over unlabelled news text; agreement with the teacher is in
bench/results/fastner.md. `NEWSFUSE_FAST_NER=0` (or `NEWSFUSE_STOCK_SPACY=1`) keeps the teacher.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
from pathlib import Path

import numpy as np
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

log = logging.getLogger("newsfuse")

HEAD_NAME = "newsfuse_ner"
WEIGHTS = Path(__file__).resolve().parents[1] / "data" / "fastner.npz"
WINDOW = 2  # tokens each side whose vectors a token's features include
SURE_OUTSIDE = 0.95  # a token this sure to be outside every entity bounds the Viterbi stretches
BLOCK = 4096  # tokens scored at once, so a very long text never builds one huge feature matrix
DECODE_CELLS = 1 << 15  # stretches x positions decoded in lock-step at most (bounds the back-pointer arrays)


def enabled() -> bool:
    """Whether `nlp.load` should use this head instead of the teacher NER."""
    return os.environ.get("NEWSFUSE_FAST_NER", "1") != "0" and WEIGHTS.exists()


def window_features(tensor: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Each token's vector concatenated with its neighbours' (zeros past the ends): (n, (2w+1)*d)."""
    n, d = tensor.shape
    padded = np.zeros((n + 2 * window, d), dtype=np.float32)
    padded[window : window + n] = tensor
    return np.concatenate([padded[k : k + n] for k in range(2 * window + 1)], axis=1)


class _Moves:
    """The BILUO move set and which moves may follow which (an entity is B I* L or U)."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.outside = names.index("O")
        kind = [n.split("-", 1)[0] for n in names]
        label = [n.split("-", 1)[1] if "-" in n else "" for n in names]
        self.label = label
        # moves that close an entity (or stay outside): any B/U/O may follow them
        self.closed = np.array([k in ("O", "L", "U") for k in kind])
        self.opens = np.array([k in ("O", "B", "U") for k in kind])
        self.edge = np.flatnonzero([k in ("B", "L", "U") for k in kind])  # moves that start or end an entity
        index = {n: i for i, n in enumerate(names)}
        # for each I-X / L-X move: the two moves it may follow (B-X, I-X)
        inner = [i for i, k in enumerate(kind) if k in ("I", "L")]
        self.inner = np.array(inner)
        self.inner_prev = np.array([[index["B-" + label[i]], index["I-" + label[i]]] for i in inner])
        self.inner_index = np.full(len(names), -1)  # each move's row in `inner`, -1 for the others
        self.inner_index[inner] = np.arange(len(inner))
        self.kind = kind


class FastNER:
    """The pipeline component: `doc.tensor` (and the teacher's first layers) in, `doc.ents` out."""

    def __init__(self, weights: Path = WEIGHTS, nlp: Language | None = None) -> None:
        self._nlp = nlp  # whose disabled `ner` is the teacher, bound on first use (after its weights load)
        self._bound = False
        data = _load(weights)
        w1, b1 = data["w1"].astype(np.float32), data["b1"].astype(np.float32)
        mean, scale = data["mean"].astype(np.float32), data["scale"].astype(np.float32)
        # the inputs' standardisation folded into the first layer: (x - mean) / scale @ w1 + b1
        self.w1 = np.ascontiguousarray(w1 / scale[:, None])
        self.b1 = b1 - (mean / scale) @ w1
        self.w2, self.b2 = data["w2"].astype(np.float32), data["b2"].astype(np.float32)
        self.moves = _Moves([str(m) for m in data["moves"]])
        self.features = [str(f) for f in data["features"]] if "features" in data else ["tensor"]
        self.window = int(data["window"]) if "window" in data else WINDOW
        self.teacher = str(data["teacher"]) if "teacher" in data else ""

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Log-probabilities of each move per token, (n, moves), from the per-token inputs (n, d)."""
        n, w = len(x), self.window
        out = np.empty((n, len(self.moves.names)), dtype=np.float32)
        for a in range(0, n, BLOCK):
            b = min(n, a + BLOCK)
            lo, hi = max(0, a - w), min(n, b + w)  # the block's window reaches w tokens past each end
            h = window_features(x[lo:hi], w)[a - lo : a - lo + (b - a)] @ self.w1
            h += self.b1
            np.maximum(h, 0.0, out=h)
            out[a:b] = h @ self.w2 + self.b2
        out -= out.max(axis=1, keepdims=True)
        return out - np.log(np.exp(out).sum(axis=1, keepdims=True))

    def bind(self, teacher_ner) -> None:
        """Take the teacher's tok2vec layers whose outputs the weights read (see `_inputs`).

        Raises ValueError when the teacher is not the one the weights were distilled from.
        """
        t2v = teacher_ner.model.get_ref("tok2vec")
        inner = next(node for node in t2v.walk() if "embed" in node.ref_names)
        if list(teacher_ner.move_names) != self.moves.names or teacher_fingerprint(teacher_ner) != self.teacher:
            raise ValueError("the weights were distilled from a different NER")
        self._t2v = t2v
        self._embed = inner.get_ref("embed")
        self._residuals = inner.get_ref("encode").layers[0].layers
        self._bound = True

    def _inputs(self, docs: list[Doc]) -> list[np.ndarray]:
        """Per doc, the per-token vectors the weights were trained on, side by side.

        `tensor` is the shared tok2vec output; `ner_embed` the teacher's embedding layer (no context);
        `ner_encK` that after K of the teacher's four convolution layers; `ner_vec` its whole tok2vec.
        """
        cols: dict[str, list[np.ndarray]] = {"tensor": [np.asarray(d.tensor, dtype=np.float32) for d in docs]}
        depth = max((int(f[7:]) for f in self.features if f.startswith("ner_enc")), default=-1)
        if "ner_embed" in self.features or depth >= 0:
            x = [np.asarray(a, dtype=np.float32) for a in self._embed.predict(docs)]
            cols["ner_embed"] = x
            for k in range(depth):
                x = [self._residuals[k].predict(a.copy()) for a in x]  # copies keep the layer inputs intact
                cols[f"ner_enc{k + 1}"] = x
        if "ner_vec" in self.features:
            cols["ner_vec"] = [np.asarray(self._t2v.predict([d]), dtype=np.float32) for d in docs]
        return [np.concatenate(parts, axis=1) for parts in zip(*(cols[f] for f in self.features))]

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs, batch_size: int = 64):
        """Set entities on each Doc, computing the teacher-layer inputs a batch at a time."""
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._annotate(batch)
                batch = []
        if batch:
            yield from self._annotate(batch)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        if not self._bound:
            if self._nlp is None or "ner" not in self._nlp.component_names:
                raise ValueError(f"{HEAD_NAME} needs the teacher `ner` component in its pipeline")
            self.bind(self._nlp.get_pipe("ner"))
        for doc in docs:
            if len(doc) and (doc.tensor is None or doc.tensor.shape[0] != len(doc)):
                raise ValueError(f"{HEAD_NAME} needs the tok2vec output (Doc.tensor); is tok2vec disabled?")
        live = [d for d in docs if len(d)]
        for doc, x in zip(live, self._inputs(live) if live else []):
            space = doc.to_array([IS_SPACE]).astype(bool).ravel()
            found = [Span(doc, s, e, label=label) for s, e, label in self.entities(x, space)]
            preset = list(doc.ents)  # entities set before the head (an entity ruler) win, as with the teacher
            if preset:
                taken = {i for e in preset for i in range(e.start, e.end)}
                found = preset + [e for e in found if taken.isdisjoint(range(e.start, e.end))]
            doc.set_ents(found, default="outside")
        return docs

    def entities(self, x: np.ndarray, space: np.ndarray | None = None) -> list[tuple[int, int, str]]:
        """(start, end, label) token spans from one text's per-token inputs; `space` marks whitespace tokens."""
        logp = self.scores(x)
        out = self.moves.outside
        if space is not None and space.any():  # like the teacher: whitespace never opens or closes an entity
            logp[np.ix_(space, self.moves.edge)] = -1e9
        sure = logp[:, out] >= np.log(SURE_OUTSIDE)
        # the stretches of tokens not surely outside: [start, end) pairs
        edges = np.flatnonzero(np.diff(np.concatenate(([True], sure, [True])).astype(np.int8)))
        return self._decode_all(logp, edges.reshape(-1, 2).tolist())

    def _decode(self, logp: np.ndarray, start: int, end: int) -> list[tuple[int, int, str]]:
        """Best well-formed move sequence over tokens [start, end), outside on both sides."""
        return self._decode_all(logp, [(start, end)])

    def _decode_all(self, logp: np.ndarray, stretches: list[list[int]] | list[tuple[int, int]]) -> list[tuple[int, int, str]]:
        """`_decode` of every stretch, the stretches of about one length in lock-step: one numpy step per token
        position, not per token (the per-token steps cost as much as the head's scoring)."""
        found: list[tuple[int, int, str]] = []
        order = sorted(stretches, key=lambda se: se[1] - se[0])
        i = 0
        while i < len(order):
            j = i + 1  # a group's back-pointers take (its stretches x its longest) x moves
            while j < len(order) and (j + 1 - i) * (order[j][1] - order[j][0]) <= DECODE_CELLS:
                j += 1
            found += self._viterbi(logp, order[i:j])
            i = j
        found.sort()
        return found

    def _viterbi(self, logp: np.ndarray, group) -> list[tuple[int, int, str]]:
        """Constrained Viterbi over each stretch of the group at once; each stretch's arithmetic is that of a
        lone pass (its steps stop at its end), so the result does not depend on the grouping."""
        m = self.moves
        neg = -1e18
        # shortest first: the stretches still going at a position are the last rows, a slice (no masks)
        order = sorted(range(len(group)), key=lambda r: group[r][1] - group[r][0])
        starts = np.array([group[r][0] for r in order])
        lengths = np.array([group[r][1] - group[r][0] for r in order])
        score = np.where(m.opens, logp[starts], neg)
        steps = []  # per position t >= 1: (first row going, best closed move per row, each inner move's choice)
        for t in range(1, int(lengths.max())):
            g = int(np.searchsorted(lengths, t, side="right"))
            s = score[g:]
            best_closed = np.where(m.closed, s, neg)
            k = best_closed.argmax(axis=1)
            new = np.where(m.opens, best_closed[np.arange(len(s)), k][:, None], neg)
            pair = s[:, m.inner_prev]  # (stretches, inner moves, 2)
            which = pair.argmax(axis=2)
            new[:, m.inner] = np.take_along_axis(pair, which[:, :, None], axis=2)[:, :, 0]
            score[g:] = new + logp[starts[g:] + t]
            steps.append((g, k, which))
        path = np.empty((len(group), len(steps) + 1), dtype=np.intp)
        cur = np.where(m.closed, score, neg).argmax(axis=1)
        for t in range(len(steps), 0, -1):  # a stretch's path starts from its own last token
            g, k, which = steps[t - 1]
            c = cur[g:]
            path[g:, t] = c
            j = m.inner_index[c]  # an inner move came from its B-/I- move, any other from the best closed one
            inner = np.flatnonzero(j >= 0)
            prev = k.copy()
            prev[inner] = m.inner_prev[j[inner], which[inner, j[inner]]]
            cur[g:] = prev
        path[:, 0] = cur
        rows = path.tolist()
        spans = []
        for at, r in sorted(enumerate(order), key=lambda x: x[1]):  # in the group's order
            start, end = group[r]
            open_at = None
            for offset, move in enumerate(rows[at][: end - start]):
                kind, tok = m.kind[move], start + offset
                if kind == "B":
                    open_at = tok
                elif kind == "L" and open_at is not None:
                    spans.append((open_at, tok + 1, m.label[move]))
                    open_at = None
                elif kind == "U":
                    spans.append((tok, tok + 1, m.label[move]))
        return spans


def teacher_fingerprint(teacher_ner) -> str:
    """A hash of the teacher's embedding and convolution weights: the head only fits the NER it came from."""
    h = hashlib.sha1()
    t2v = teacher_ner.model.get_ref("tok2vec")
    inner = next(node for node in t2v.walk() if "embed" in node.ref_names)
    for node in inner.walk():
        for name in sorted(node.param_names):
            if node.has_param(name):
                h.update(np.ascontiguousarray(node.get_param(name), dtype=np.float32).tobytes())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _load(weights: Path) -> dict[str, np.ndarray]:
    """The weight file's arrays, read once per process (each pipeline builds its own head from them)."""
    with np.load(weights) as data:
        return {k: data[k] for k in data.files}


@Language.factory(
    HEAD_NAME,
    requires=["doc.tensor"],
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
)
def make_fast_ner(nlp: Language, name: str) -> FastNER:
    """The distilled NER head as a spaCy component, reading this pipeline's (disabled) teacher `ner`."""
    return FastNER(nlp=nlp)


def install(nlp: Language) -> bool:
    """Swap the teacher NER for the head (the teacher stays in the pipeline, disabled); False if it does not fit."""
    if "ner" not in nlp.pipe_names or HEAD_NAME in nlp.pipe_names:
        return False
    head = nlp.add_pipe(HEAD_NAME, after="ner")
    try:
        head.bind(nlp.get_pipe("ner"))
    except (ValueError, KeyError, StopIteration, IndexError, AttributeError) as exc:
        nlp.remove_pipe(HEAD_NAME)  # another NER than the one distilled, or one built differently
        log.info("the distilled NER head does not fit %s (%s); keeping its own NER", nlp.meta.get("name"), exc)
        return False
    nlp.disable_pipe("ner")
    return True


@contextlib.contextmanager
def teacher(nlp: Language):
    """Within the block, `nlp` runs the teacher NER instead of the head (for comparisons); no-op without the head."""
    if HEAD_NAME not in nlp.pipe_names:
        yield nlp
        return
    nlp.disable_pipe(HEAD_NAME)
    nlp.enable_pipe("ner")
    try:
        yield nlp
    finally:
        nlp.disable_pipe("ner")
        nlp.enable_pipe(HEAD_NAME)
