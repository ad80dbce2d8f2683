"""Boilerplate shared across a batch: a paragraph repeated word for word in articles that report different things.

A crawler's archive note, a syndication blurb or an outlet's about-us paragraph recurs verbatim in unrelated
articles; left in, it makes them look alike and joins them into one story. A paragraph two articles share is
news (a wire copy, a statement both quote) when the rest of the two articles is about the same thing, and
furniture when it is not, so the evidence is the repetition together with how unrelated the rest is.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..model import Article, Segment

MIN_WORDS = 6  # shorter repeated lines ("Advertisement") are the line model's business
# the rest of two articles is unrelated when they share few names AND their static vectors are far apart;
# on news_cluster dev article pairs this flags 2 % of same-event pairs and 76 % of different-event pairs
NAMES_OVERLAP = 0.15
VECTOR_COS = 0.45
COPY_SHARE = 0.6  # sharing this part of the shorter article's words, or this many paragraphs, makes two
COPY_PARAGRAPHS = 3  # articles copies of one report
MIN_REST = 25  # words an article must have besides shared paragraphs to say what it is about

_KEY = re.compile(r"[^0-9a-z]+")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,}|[A-Z]{2,})\b", re.M)
_COMMON = frozenset("the this that these those there their they then than when what where which while with from "
                    "have were will would said says also after before about into over more most some such only "
                    "other just like could should being does very monday tuesday wednesday thursday friday "
                    "saturday sunday".split())
REASON = "boilerplate: the same paragraph in {n} unrelated articles"


def _key(text: str) -> str:
    return " ".join(_KEY.sub(" ", text.lower()).split())


def _names(text: str) -> set[str]:
    return {m.group(1).lower() for m in _NAME.finditer(text)} - _COMMON


def _unrelated(a: tuple[set[str], np.ndarray], b: tuple[set[str], np.ndarray]) -> bool:
    (na, va), (nb, vb) = a, b
    overlap = len(na & nb) / max(1, min(len(na), len(nb)))
    return overlap < NAMES_OVERLAP and float(va @ vb) < VECTOR_COS


def _copies(x: dict[str, int], y: dict[str, int]) -> bool:
    """Two articles are copies of one report (a wire story two outlets carry) when they share several paragraphs
    or most of the shorter one: boilerplate is one block, a small part of the articles it sits in."""
    both = x.keys() & y.keys()
    return len(both) >= COPY_PARAGRAPHS or sum(x[k] for k in both) >= COPY_SHARE * min(sum(x.values()), sum(y.values()))


def drop_shared_boilerplate(articles: list[Article]) -> list[Article]:
    """Remove kept paragraphs that recur verbatim across articles whose other text is unrelated (reads `text`,
    `kept_spans`; moves such paragraphs to `removed` with their reason). Linear in the batch: paragraphs are
    hashed, and each repeated paragraph's carriers are compared in a chain, not all pairs."""
    carriers: dict[str, list[tuple[int, int]]] = defaultdict(list)  # paragraph key -> (article, span index)
    sizes: list[dict[str, int]] = []  # per article: paragraph key -> words
    for ai, a in enumerate(articles):
        seen: dict[str, int] = {}
        for si, (s, e) in enumerate(a.kept_spans):
            k = _key(a.raw[s:e])
            if k and k not in seen:
                seen[k] = len(k.split())
                if seen[k] >= MIN_WORDS:
                    carriers[k].append((ai, si))
        sizes.append(seen)
    shared = {k: c for k, c in carriers.items() if len({ai for ai, _ in c}) > 1}
    if not shared:
        return articles
    shared_spans: dict[int, set[int]] = defaultdict(set)
    for c in shared.values():
        for ai, si in c:
            shared_spans[ai].add(si)
    rest: dict[int, tuple[set[str], np.ndarray]] = {}
    texts = {}
    for ai, spans in shared_spans.items():
        a = articles[ai]
        own = [a.raw[s:e] for si, (s, e) in enumerate(a.kept_spans) if si not in spans]
        if sum(len(p.split()) for p in own) >= MIN_REST:  # else it says too little about itself to tell
            texts[ai] = "\n".join(own)
    if texts:
        from .. import nlp  # the static table loads only when a batch repeats a paragraph

        ids = list(texts)
        vecs = nlp.static_embed([texts[i][:3000] for i in ids])  # unit length: a dot product is the cosine
        rest = {i: (_names(texts[i]), v) for i, v in zip(ids, vecs)}
    drop: dict[int, dict[int, str]] = defaultdict(dict)
    for c in shared.values():
        arts = sorted({ai for ai, _ in c if ai in rest})
        pairs = list(zip(arts, arts[1:]))
        unrelated = sum(not _copies(sizes[x], sizes[y]) and _unrelated(rest[x], rest[y]) for x, y in pairs)
        if not pairs or unrelated * 2 <= len(pairs):
            continue  # carried by articles that agree otherwise: wire copy or a statement they all quote
        n = len({ai for ai, _ in c})
        for ai, si in c:
            drop[ai][si] = REASON.format(n=n)
    for ai, spans in drop.items():
        a = articles[ai]
        for si, reason in spans.items():
            s, e = a.kept_spans[si]
            a.removed.append(Segment(a.raw[s:e], reason, s, e))
        a.removed.sort(key=lambda g: g.start)
        a.kept_spans = [sp for si, sp in enumerate(a.kept_spans) if si not in spans]
        a.text = "\n".join(a.raw[s:e] for s, e in a.kept_spans)
    return articles
