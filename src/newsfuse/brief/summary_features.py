"""Summary features: one row of `FEATURES` per candidate sentence (what the learned scorer reads).

Corroboration across outlets, position, centrality (embedding and TF-IDF), headline similarity and
word overlap, cross-outlet word sharing, length, numbers, quotes and stance; the main ones are also
z-scored within the story, since the scorer ranks sentences inside one story.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from itertools import chain, filterfalse
from typing import TYPE_CHECKING

import numpy as np

from .. import nlp
from ..align.tokens import WordMemo
from ..model import Analysis, Article
from ..nlp.tfidf import tfidf_rows

if TYPE_CHECKING:
    from .summary import Params, Cand

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being it its this that "
    "these those he she they we you i his her their our your my him them us me not no so than then there here "
    "who whom which what when where why how all any each some such more most other into over after before about "
    "also just only very can could would should will may might must do does did has have had said says say".split()
)


# word -> its crude plural fold ("votes" -> "vote", "this" -> "thi")
_FOLDED = WordMemo(lambda w: w[:-1] if w.endswith("s") and len(w) > 3 else w)


@functools.lru_cache(maxsize=1 << 15)
def _words(text: str) -> tuple[str, ...]:
    """A text's lower-cased words (memoised: a candidate's are read for its tokens and for its bigrams)."""
    return tuple(_WORD.findall(text.lower()))


@functools.lru_cache(maxsize=1 << 15)
def _tokens(text: str) -> tuple[str, ...]:
    """Lower-cased content words, crude plural folding (for TF-IDF and title overlap); memoised: centrality,
    redundancy and word sharing each read every candidate's."""
    return tuple(map(_FOLDED.__getitem__, filterfalse(_STOP.__contains__, _words(text))))


def _tfidf_centrality(texts: list[str]) -> np.ndarray:
    """Cosine of each text's TF-IDF vector (sentence-level IDF, `nlp.tfidf` weighting) to the story's TF-IDF centroid."""
    toks = [_tokens(t) for t in texts]
    if not any(toks):
        return np.zeros(len(texts))
    X = tfidf_rows(toks)
    c = np.asarray(X.mean(0)).ravel()
    c /= max(float(np.linalg.norm(c)), 1e-9)
    return np.asarray(X @ c).ravel()


def redundancy(sim: np.ndarray, texts: list[str], lex_mix: float) -> np.ndarray:
    """Similarity for MMR and the redundancy cut: meaning (embeddings) blended with shared content words.

    Repeated words are what a reader (and ROUGE's clipped counts) sees as repetition, even when the
    embeddings of two sentences differ."""
    if lex_mix <= 0 or len(texts) < 2:
        return sim
    vocab: dict[str, int] = {}
    rows = [[vocab.setdefault(w, len(vocab)) for w in _tokens(t)] for t in texts]
    width = max(1, len(vocab))
    cells = np.repeat(np.arange(len(rows)) * width, [len(r) for r in rows]) + np.array([j for r in rows for j in r], dtype=np.int64)
    X = np.bincount(cells, minlength=len(texts) * width).astype(np.float32).reshape(len(texts), width)  # word counts
    X /= np.clip(np.linalg.norm(X, axis=1, keepdims=True), 1e-9, None)
    return (1.0 - lex_mix) * sim + lex_mix * (X @ X.T)


def concepts(texts: list[str], art_of: np.ndarray,
             repeat: float = 0.0) -> tuple[list[set[tuple[str, str]]], dict[tuple[str, str], float]]:
    """Each sentence's word bigrams (not both stop words) and each bigram's weight: the number of other
    articles that also use it (ICSI-style concepts: what several outlets say is what a roundup says), plus
    `repeat` for each further sentence using it (what an outlet says again is what its story is about)."""
    sets = []
    for t in texts:
        ws = list(map(_FOLDED.__getitem__, _words(t)))
        sets.append({(a, b) for a, b in zip(ws, ws[1:]) if not (a in _STOP and b in _STOP)})
    sents = Counter(chain.from_iterable(sets))  # sentences using each bigram
    used: dict[int, set[tuple[str, str]]] = {}  # article -> the bigrams its sentences use
    for grams, a in zip(sets, np.asarray(art_of).tolist()):
        used.setdefault(a, set()).update(grams)
    arts = Counter(chain.from_iterable(used.values()))  # articles using each bigram
    return sets, {g: float(n - 1) + repeat * (sents[g] - n) for g, n in arts.items() if n > 1}


def zscore(x: np.ndarray) -> np.ndarray:
    """Z-score within one story (zeros when constant)."""
    sd = float(x.std())
    return (x - x.mean()) / sd if sd > 1e-9 else np.zeros_like(x)


FEATURES = (
    "corr", "cent", "tfidf", "title", "pos_exp", "len_prior", "pos", "rel_pos", "first", "art_rank",
    "log_words", "numbers", "caps", "quote", "support", "n_art", "log_cands", "log_art_words", "log_mean_art_words",
    "stance_center", "stance_known", "bt_sim", "bt_overlap", "title_overlap", "lex_corr", "z_corr", "z_pos", "z_cent", "z_tfidf", "z_title", "z_len",
)
_NUM = re.compile(r"\d")
_QUOTE = re.compile(r'["“”]')


def features(cands: list[Cand], originals: list[Article], analyses: dict[str, Analysis], E: np.ndarray,
             T: np.ndarray, sim: np.ndarray, p: Params, titles: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One row of FEATURES per candidate, plus each candidate's best similarity to every article."""
    art_of = np.array([c.article for c in cands])
    n_art = len(originals)
    # corroboration: for each other article, the best similarity to one of its sentences
    best = np.zeros((len(cands), n_art), dtype=np.float32)
    for ai in range(n_art):
        mask = art_of == ai
        if mask.any():
            best[:, ai] = sim[:, mask].max(1)
    own = np.zeros_like(best, dtype=bool)
    own[np.arange(len(cands)), art_of] = True
    present = np.array([(art_of == ai).any() for ai in range(n_art)])
    others = present[None, :] & ~own
    n_others = others.sum(1)
    corr = np.where(n_others > 0, (best * others).sum(1) / np.maximum(n_others, 1), 0.0)
    support = np.where(n_others > 0, ((best >= p.cite) & others).sum(1) / np.maximum(n_others, 1), 0.0)

    centroid = E.mean(0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
    cent = E @ centroid
    tfidf = _tfidf_centrality([c.text for c in cands])
    posn = np.array([c.pos for c in cands], dtype=np.float32)
    pos = np.exp(-posn / p.pos_scale)
    words = np.array([c.words for c in cands], dtype=np.float32)
    length = np.minimum(1.0, words / p.len_words)
    title = (E @ T.T).max(1) if len(T) else np.zeros(len(cands))
    per_art = np.bincount(art_of, minlength=n_art).astype(np.float32)
    art_words = np.array([len(a.text.split()) for a in originals], dtype=np.float32)
    rel = posn / np.maximum(per_art[art_of], 1)
    texts = [c.text for c in cands]
    numbers = np.array([min(3, len(_NUM.findall(t))) for t in texts], dtype=np.float32)
    caps = np.array([sum(1 for w in t.split()[1:] if w[:1].isupper()) / max(1, c.words) for t, c in zip(texts, cands)],
                    dtype=np.float32)
    quote = np.array([1.0 if _QUOTE.search(t) else 0.0 for t in texts], dtype=np.float32)
    ones = np.ones(len(cands), dtype=np.float32)
    cols = [
        corr, cent, tfidf, title, pos, length, np.minimum(posn, 30.0), rel, (posn == 0).astype(np.float32),
        art_of / max(1, n_art - 1), np.log1p(words), numbers, caps, quote, support, ones * min(n_art, 10),
        ones * np.log1p(len(cands)), np.log1p(art_words[art_of]), ones * float(np.log1p(art_words.mean())),
        np.array([1.0 if (originals[a].stance or "").lower() == "center" else 0.0 for a in art_of]),
        np.array([1.0 if originals[a].stance else 0.0 for a in art_of]),
        *_title_and_lexical(texts, art_of, originals, E, T, titles or [], n_art),
        zscore(corr), zscore(pos), zscore(cent), zscore(tfidf), zscore(title), zscore(length),
    ]
    return np.stack([np.asarray(c, dtype=np.float32) for c in cols], 1), best


def _title_and_lexical(texts: list[str], art_of: np.ndarray, originals: list[Article], E: np.ndarray,
                       T: np.ndarray, titles: list[str], n_art: int) -> list[np.ndarray]:
    """Similarity to the bundle's own headline, word overlap with titles, and cross-outlet word sharing."""
    bundle_title = next(((a.meta.get("bundle") or {}).get("title") or "" for a in originals
                         if (a.meta.get("bundle") or {}).get("title")), "")
    toks = [set(_tokens(t)) for t in texts]
    if bundle_title.strip():
        bt = set(_tokens(bundle_title))
        bt_sim = E @ (T[titles.index(bundle_title)] if bundle_title in titles else nlp.static_embed([bundle_title])[0])
        bt_overlap = np.array([len(t & bt) / max(1, len(bt)) for t in toks])
    else:
        bt_sim = bt_overlap = np.zeros(len(texts))
    titles = [set(_tokens(a.title)) for a in originals if a.title]
    title_overlap = np.array([max((len(t & tt) / max(1, len(tt)) for tt in titles), default=0.0) for t in toks])
    art_vocab = [set() for _ in range(n_art)]
    for t, a in zip(toks, art_of.tolist()):
        art_vocab[a] |= t
    lex = np.zeros(len(texts))
    if n_art > 1:
        # a word's other articles: every article using it but the sentence's own (whose vocabulary holds it)
        in_arts = Counter(chain.from_iterable(art_vocab))
        lex = np.array([(sum(map(in_arts.__getitem__, t)) - len(t)) / (len(t) * (n_art - 1)) if t else 0.0
                        for t in toks], dtype=np.float64)
    return [bt_sim, bt_overlap, title_overlap, lex]
