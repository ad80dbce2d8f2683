"""Align: match what different outlets say into facts and quote groups.

Sentences are compared with MiniLM embeddings (cosine), story-local TF-IDF overlap (distinctive
words, numbers) and canonical-entity overlap. Candidate pairs come from an exact blocked top-k for
small stories and from a random-projection forest (n log n) for large ones, so cost stays
sub-quadratic. Groups are built best-edge-first with cannot-links and a complete-link guard:
precision before recall, since a wrong merge tells the reader two outlets agree when they don't.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from . import nlp
from .model import Analysis, Article, Claim, Entity, Fact, Quote, QuoteGroup, Sentence, Variant

# --- tuning (calibrated on invented mini-stories and the seed story; see tests/test_align.py) ---
EXACT_MAX = 300  # up to this many units: exact blocked top-k; above: random-projection forest
TOP_K = 12  # neighbours kept per unit
MIN_COS = 0.35  # candidate pairs below this cosine are never considered
FACT_LINK = 0.92  # pair score (cos + lexical + entity + quantity bonuses) that links two sentences
FACT_GUARD = 0.50  # complete-link guard: every cross pair of a merged fact keeps at least this cosine
FACT_AVG = 0.80  # and the merged groups' mean pair score stays at least this
QUOTE_LINK = 0.95  # statement pair score (cos + TF-IDF) that links two quotes of one speaker
QUOTE_GUARD = 0.45  # complete-link guard for quote groups (pair score)
QUOTE_AVG = 0.75
SHORT_QUOTE = 6  # quotes of fewer words need a closer match (score penalty 0.25)
STATEMENT_GAP = 80  # quotes of one speaker closer than this (chars) form one statement
MIN_WORDS = 4  # shorter sentences are not aligned

VAGUE = frozenset({"vague", "several", "some", "many", "dozens", "hundreds", "thousands", "millions", "few"})
_WORD = re.compile(r"\d+(?:\.\d+)?|[a-z0-9]+(?:['’][a-z]+)?")
_NUM_COMMA = re.compile(r"(?<=\d)[,\u202f\u00a0](?=\d{3}\b)")
_STOP: frozenset[str] | None = None


def _stop_words() -> frozenset[str]:
    global _STOP
    if _STOP is None:
        try:
            from spacy.lang.en.stop_words import STOP_WORDS

            _STOP = frozenset(STOP_WORDS) | {"said", "says", "say", "told", "according", "mr", "ms", "mrs"}
        except ImportError:  # pragma: no cover
            _STOP = frozenset()
    return _STOP


def tokens(text: str) -> list[str]:
    """Content tokens for lexical overlap: lowercased, numbers de-comma'd, stop words out, plurals folded."""
    stop = _stop_words()
    out = []
    text = _NUM_COMMA.sub("", text.lower().replace("’", "'")).replace("%", " percent")
    for w in _WORD.findall(text):
        w = w.split("'")[0] if w.endswith(("'s", "'")) else w
        if not w or w in stop:
            continue
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss") and not w.isdigit():
            w = w[:-1]
        out.append(w)
    return out


# ----------------------------------------------------------------------------------------------
# embeddings memo
# ----------------------------------------------------------------------------------------------


class Embeddings:
    """MiniLM vectors for texts through the shared, text-memoised `nlp.embed` (one memo for every stage);
    an object so callers can pass their own (e.g. precomputed) embedder."""

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors (len(texts), 384), L2-normalised; texts seen before are not embedded again."""
        return nlp.embed(list(texts))


EMBEDDINGS = Embeddings()


def embed_sentences(
    analyses: Iterable[Analysis], memo: Embeddings | None = None, articles: Sequence[Article] = ()
) -> int:
    """Per-article step: embed every alignable sentence, quote and quoted statement now (memoised),
    so a story's brief only looks vectors up."""
    memo = memo or EMBEDDINGS
    analyses = list(analyses)
    by_id = {a.id: a for a in articles}
    texts = []
    for an in analyses:
        texts += [s.text for s in an.sentences if _alignable(s.text)]
        texts += [q.text for q in an.quotes if q.text.strip()]
        art = by_id.get(an.article) or Article(id=an.article)
        texts += [st.text for st in statements([art], {an.article: an}, SpeakerResolver()) if len(st.quotes) > 1]
    memo(texts)
    return len(texts)


def _alignable(text: str) -> bool:
    return len(text.split()) >= MIN_WORDS


# ----------------------------------------------------------------------------------------------
# independent sources
# ----------------------------------------------------------------------------------------------


def source_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Article id -> independent-source label: wire copies (`duplicate_of`) and one outlet's articles count once."""
    parent = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_outlet: dict[str, str] = {}
    for a in articles:
        if a.duplicate_of and a.duplicate_of in parent:
            union(a.id, a.duplicate_of)
        o = a.outlet.strip().lower()
        if o:
            if o in by_outlet:
                union(a.id, by_outlet[o])
            else:
                by_outlet[o] = a.id
    members: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        members[find(a.id)].append(a)
    labels = {}
    for root, arts in members.items():
        outlets = sorted({a.outlet.strip() for a in arts if a.outlet.strip()})
        label = " / ".join(outlets) if outlets else root
        for a in arts:
            labels[a.id] = label
    return labels


# ----------------------------------------------------------------------------------------------
# candidate pairs (sub-quadratic)
# ----------------------------------------------------------------------------------------------


def neighbour_pairs(
    E: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    k: int = TOP_K,
    min_cos: float = MIN_COS,
    exact_max: int = EXACT_MAX,
    trees: int = 6,
    leaf: int = 64,
    seed: int = 13,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs (i < j, cosine) among rows of E: each row's top-k with cos >= min_cos.

    Rows sharing a `groups` value (same article) are never paired. Exact (blocked matrix product)
    up to `exact_max` rows; above, a random-projection forest: O(n log n) to build and O(n * leaf)
    to search per tree.
    """
    n = len(E)
    if n < 2:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=np.float32)
    groups = np.arange(n) if groups is None else np.asarray(groups)
    if n <= exact_max:
        blocks = [np.arange(n)]
    else:
        rng = np.random.default_rng(seed)
        blocks = []
        for _ in range(trees):
            blocks += _rp_leaves(E, rng, leaf)
    codes: list[np.ndarray] = []
    for idx in blocks:
        sub = E[idx]
        M = sub @ sub.T
        M[groups[idx][:, None] == groups[idx][None, :]] = -1.0
        kk = min(k, len(idx) - 1)
        if kk <= 0:
            continue
        top = np.argpartition(-M, kk - 1, axis=1)[:, :kk]
        rows = np.repeat(np.arange(len(idx)), kk)
        cols = top.ravel()
        keep = M[rows, cols] >= min_cos
        a, b = idx[rows[keep]], idx[cols[keep]]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        codes.append(lo.astype(np.int64) * n + hi)
    if not codes:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0, dtype=np.float32)
    uniq = np.unique(np.concatenate(codes))
    I, J = uniq // n, uniq % n
    S = np.einsum("ij,ij->i", E[I], E[J])
    return I, J, S


def _rp_leaves(E: np.ndarray, rng: np.random.Generator, leaf: int) -> list[np.ndarray]:
    """One random-projection tree: split each node at the median along the line between two random members."""
    leaves = []
    stack = [np.arange(len(E))]
    while stack:
        idx = stack.pop()
        if len(idx) <= leaf:
            leaves.append(idx)
            continue
        a, b = rng.choice(len(idx), 2, replace=False)
        d = E[idx[a]] - E[idx[b]]
        if not np.any(d):
            d = rng.standard_normal(E.shape[1]).astype(E.dtype)
        order = np.argsort(E[idx] @ d, kind="stable")
        half = len(idx) // 2
        stack += [idx[order[:half]], idx[order[half:]]]
    return leaves


# ----------------------------------------------------------------------------------------------
# lexical features
# ----------------------------------------------------------------------------------------------


def tfidf_matrix(texts: Sequence[str], background: Sequence[str] = ()) -> sparse.csr_matrix:
    """Story-local TF-IDF rows (sublinear tf, smoothed idf), L2-normalised: distinctive words weigh most.

    Document frequencies count `texts` plus `background` (e.g. the story's sentences for quotes)."""
    docs = [tokens(t) for t in texts]
    vocab: dict[str, int] = {}
    df: Counter[str] = Counter()
    for d in docs:
        df.update(set(d))
    for t in background:
        df.update(set(tokens(t)))
    n = max(len(docs) + len(background), 1)
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        c = Counter(d)
        weights = {}
        for w, cnt in c.items():
            j = vocab.setdefault(w, len(vocab))
            weights[j] = (1 + math.log(cnt)) * (math.log((n + 1) / (df[w] + 1)) + 1)
        norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
        for j, v in weights.items():
            rows.append(i)
            cols.append(j)
            vals.append(v / norm)
    X = sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), max(len(vocab), 1)), dtype=np.float32)
    X.sort_indices()
    return X


def pair_dots(X: sparse.csr_matrix, I: np.ndarray, J: np.ndarray) -> np.ndarray:
    """Row-pair dot products X[I]·X[J] (cosines for L2-normalised rows) without the full product."""
    if len(I) == 0:
        return np.zeros(0, dtype=np.float32)
    if len(I) <= 64:  # few pairs: sparse fancy indexing costs more than it saves
        return np.array([row_dot(X, int(i), int(j)) for i, j in zip(I, J)], dtype=np.float32)
    return np.asarray(X[I].multiply(X[J]).sum(axis=1)).ravel().astype(np.float32)


def row_dot(X: sparse.csr_matrix, i: int, j: int) -> float:
    """Dot product of two CSR rows (their sorted column indices intersected)."""
    a0, a1, b0, b1 = X.indptr[i], X.indptr[i + 1], X.indptr[j], X.indptr[j + 1]
    if a0 == a1 or b0 == b1:
        return 0.0
    _, ia, ib = np.intersect1d(X.indices[a0:a1], X.indices[b0:b1], assume_unique=True, return_indices=True)
    return float(np.dot(X.data[a0:a1][ia], X.data[b0:b1][ib]))


# ----------------------------------------------------------------------------------------------
# alignment of sentences into facts
# ----------------------------------------------------------------------------------------------


@dataclass
class Unit:
    """One alignable sentence with what align learned about it."""

    article: str
    sentence: Sentence
    source: str
    entities: frozenset[str] = frozenset()
    quantities: frozenset[tuple[float, str]] = frozenset()
    measured: frozenset[tuple[float, str, str]] = frozenset()  # (value, unit, what it measures)
    speakers: frozenset[str] = frozenset()  # speakers of quotes that make up most of the sentence
    direct: bool = False  # the sentence is mostly a direct quote
    quote_groups: frozenset[str] = frozenset()  # quote groups of the quotes making up most of the sentence


@dataclass
class Alignment:
    """Facts plus the evidence behind them, reusable by later brief steps (conflicts, timeline)."""

    units: list[Unit]
    E: np.ndarray
    X: sparse.csr_matrix
    facts: list[Fact]
    fact_of: dict[tuple[str, int], str] = field(default_factory=dict)  # (article, sentence index) -> fact id
    index: dict[tuple[str, int], int] = field(default_factory=dict)  # (article, sentence index) -> unit row
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # candidate (I, J, score)
    sources: dict[str, str] = field(default_factory=dict)

    def similarity(self, a: tuple[str, int], b: tuple[str, int]) -> float:
        """Cosine of two sentences, identified by (article id, sentence index); 0 when unknown."""
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return float(self.E[i] @ self.E[j])

    def lexical(self, a: tuple[str, int], b: tuple[str, int]) -> float:
        """TF-IDF cosine of two sentences; 0 when unknown."""
        i, j = self.index.get(a), self.index.get(b)
        if i is None or j is None:
            return 0.0
        return row_dot(self.X, i, j)


def sentence_of(sentences: Sequence[Sentence], start: int, end: int | None = None) -> Sentence | None:
    """The sentence containing raw offset `start` (sentences sorted by start); None when outside all."""
    import bisect

    if not sentences or start < 0:
        return None
    starts = [s.start for s in sentences]
    i = bisect.bisect_right(starts, start) - 1
    if i >= 0 and sentences[i].start <= start < max(sentences[i].end, sentences[i].start + 1):
        return sentences[i]
    return None


def entity_index(entities: Sequence[Entity]) -> dict[str, list[tuple[int, int, str]]]:
    """article id -> sorted (start, end, entity id) mentions, for finding the entities in a span."""
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for e in entities:
        for m in e.mentions:
            out[m.article].append((m.start, m.end, e.id))
    for v in out.values():
        v.sort()
    return out


def _entities_in(mentions: list[tuple[int, int, str]], start: int, end: int) -> frozenset[str]:
    import bisect

    if not mentions:
        return frozenset()
    i = bisect.bisect_left(mentions, (start, -1, ""))
    out = set()
    while i < len(mentions) and mentions[i][0] < end:
        out.add(mentions[i][2])
        i += 1
    return frozenset(out)


def quantity_key(value: float, unit: str) -> tuple[float, str]:
    """A hashable key for a normalised quantity: 4 significant digits and its unit."""
    if value == 0 or not math.isfinite(value):
        return (0.0, unit)
    return (float(f"{value:.4g}"), unit)


def measure_key(measures: str) -> str:
    """What a claim measures, folded for matching: content words, plurals folded ("visits to X" ~ "visit to X")."""
    return " ".join(tokens(measures))


def _claim_quantities(claims: Sequence[Claim], sentences: Sequence[Sentence]) -> dict[int, set[tuple]]:
    """Sentence index -> {(value, unit)} and {(value, unit, measure)} of its non-trivial quantities."""
    out: dict[int, set[tuple]] = defaultdict(set)
    for c in claims:
        s = sentence_of(sentences, c.start)
        if s is None:
            continue
        for q in c.quantities:
            if q.unit in ("", "ordinal") and abs(q.value) < 10:  # small counts are too common to align on
                continue
            if q.qualifier in VAGUE:  # "thousands", "several": not a figure anyone can corroborate
                continue
            k = quantity_key(q.value, q.unit)
            out[s.index].add(k)
            if c.measures:
                out[s.index].add((*k, measure_key(c.measures)))
    return out


def _quote_speakers(quotes: Sequence[Quote], sentences: Sequence[Sentence], resolve) -> tuple[dict[int, set[str]], set[int]]:
    """Sentence index -> speakers of the quotes that make up most of that sentence; and which are mostly direct."""
    out: dict[int, set[str]] = defaultdict(set)
    direct: set[int] = set()
    for q in quotes:
        s = sentence_of(sentences, q.start)
        if s is None or not q.speaker:
            continue
        if (q.end - q.start) >= 0.4 * max(s.end - s.start, 1):
            out[s.index].add(resolve(q)[0])
            if q.direct:
                direct.add(s.index)
    return out, direct


def build_units(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    entities: Sequence[Entity] = (),
    sources: dict[str, str] | None = None,
) -> list[Unit]:
    """The story's alignable sentences, each with its entities, quantities and quote speakers."""
    sources = sources or source_keys(articles)
    ents = entity_index(entities)
    resolve = SpeakerResolver(entities)
    units = []
    for a in articles:
        an = analyses.get(a.id)
        if an is None:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        qty = _claim_quantities(an.claims, sents)
        spk, direct = _quote_speakers(an.quotes, sents, resolve)
        for s in sents:
            if not _alignable(s.text):
                continue
            units.append(
                Unit(
                    article=a.id,
                    sentence=s,
                    source=sources.get(a.id, a.id),
                    entities=_entities_in(ents.get(a.id, []), s.start, s.end),
                    quantities=frozenset(k for k in qty.get(s.index, ()) if len(k) == 2),
                    measured=frozenset(k for k in qty.get(s.index, ()) if len(k) == 3),
                    speakers=frozenset(spk.get(s.index, ())),
                    direct=s.index in direct,
                )
            )
    return units


def _jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def fact_scores(units: Sequence[Unit], X: sparse.csr_matrix, I: np.ndarray, J: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Pair scores: cosine + 0.5·TF-IDF + 0.15·entity Jaccard + a bonus when both state one quantity
    (0.2; 0.45 when it also measures the same thing); -inf when both are mostly quotes by different speakers."""
    lex = pair_dots(X, I, J)
    out = C + 0.5 * lex
    for t, (i, j) in enumerate(zip(I.tolist(), J.tolist())):
        ui, uj = units[i], units[j]
        if ui.entities and uj.entities:
            out[t] += 0.15 * _jaccard(ui.entities, uj.entities)
        if ui.measured & uj.measured:
            out[t] += 0.45
        elif ui.quantities & uj.quantities:
            out[t] += 0.2
        if ui.speakers and uj.speakers and not (ui.speakers & uj.speakers):
            out[t] = -np.inf
    return out


def _cluster(
    n: int,
    I: np.ndarray,
    J: np.ndarray,
    S: np.ndarray,
    *,
    link: float,
    cannot: callable,
    guard: callable,
) -> list[list[int]]:
    """Best-edge-first merging: edges >= `link` merge two groups unless a cannot-link or the guard forbids it."""
    members = {i: [i] for i in range(n)}
    owner = list(range(n))
    order = np.argsort(-S, kind="stable")
    for t in order.tolist():
        if S[t] < link:
            break
        a, b = owner[int(I[t])], owner[int(J[t])]
        if a == b:
            continue
        A, B = members[a], members[b]
        if any(cannot(x, y) for x in A for y in B):
            continue
        if not guard(A, B):
            continue
        if len(A) < len(B):
            a, b, A, B = b, a, B, A
        A.extend(B)
        for x in B:
            owner[x] = a
        del members[b]
    return [sorted(m) for m in members.values()]


def align(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    entities: Sequence[Entity] = (),
    *,
    memo: Embeddings | None = None,
    min_support: int = 2,
    quote_groups: Sequence[QuoteGroup] = (),
) -> Alignment:
    """Group the story's sentences into facts: the same statement made by several outlets.

    `quote_groups` (from `group_quotes`) keep apart sentences that quote different statements."""
    memo = memo or EMBEDDINGS
    sources = source_keys(articles)
    units = build_units(articles, analyses, entities, sources)
    _attach_quote_groups(units, analyses, quote_groups)
    texts = [u.sentence.text for u in units]
    E = memo(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    X = tfidf_matrix(texts)
    art_idx = {a: i for i, a in enumerate(dict.fromkeys(u.article for u in units))}
    groups = np.array([art_idx[u.article] for u in units], dtype=np.int64)
    I, J, C = neighbour_pairs(E, groups)
    S = fact_scores(units, X, I, J, C)
    pair_score = {(int(i), int(j)): float(s) for i, j, s in zip(I, J, S)}

    def score(x: int, y: int) -> float:
        if x > y:
            x, y = y, x
        s = pair_score.get((x, y))
        if s is None:  # not a candidate: cosine only, lexical unknown (rare: groups are small)
            s = float(E[x] @ E[y])
        return s

    def cannot(x: int, y: int) -> bool:
        ux, uy = units[x], units[y]
        if ux.article == uy.article:
            return True
        if ux.quote_groups and uy.quote_groups and not (ux.quote_groups & uy.quote_groups):
            return True  # both mostly quote someone, and the quotes are different statements
        return bool(ux.speakers and uy.speakers and not (ux.speakers & uy.speakers))

    def guard(A: list[int], B: list[int]) -> bool:
        cos = E[A] @ E[B].T
        if cos.min() < FACT_GUARD:
            return False
        if len(A) * len(B) == 1:
            return True
        return float(np.mean([score(x, y) for x in A for y in B])) >= FACT_AVG

    clusters = _cluster(len(units), I, J, S, link=FACT_LINK, cannot=cannot, guard=guard)
    facts, fact_of = [], {}
    for members in clusters:
        support = {units[m].source for m in members}
        if len(support) < min_support:
            continue
        facts.append(_make_fact(members, units, E, score))
    facts.sort(key=lambda f: (-f.support, _first_position(f, units)))
    by_start = {(u.article, u.sentence.start): u.sentence.index for u in units}
    for n, f in enumerate(facts, 1):
        f.id = f"f{n}"
        for v in f.variants:
            idx = by_start.get((v.article, v.start))
            if idx is not None:
                fact_of[(v.article, idx)] = f.id
    index = {(u.article, u.sentence.index): i for i, u in enumerate(units)}
    return Alignment(units, E, X, facts, fact_of, index, (I, J, S), sources)


def _attach_quote_groups(units: list[Unit], analyses: dict[str, Analysis], groups: Sequence[QuoteGroup]) -> None:
    """Mark each sentence that is mostly a quote with the quote group(s) of that quote."""
    if not groups:
        return
    row = {(u.article, u.sentence.index): u for u in units}
    sents = {aid: sorted(an.sentences, key=lambda s: s.start) for aid, an in analyses.items()}
    for g in groups:
        for v in g.variants:
            s = sentence_of(sents.get(v.article, []), v.start)
            if s is None or (v.end - v.start) < 0.4 * max(s.end - s.start, 1):
                continue
            u = row.get((v.article, s.index))
            if u is not None:
                u.quote_groups = u.quote_groups | {g.id}


def _first_position(f: Fact, units: Sequence[Unit]) -> float:
    return min((v.start for v in f.variants), default=0)


def _make_fact(members: list[int], units: Sequence[Unit], E: np.ndarray, score) -> Fact:
    """A fact from its sentences: the most central, most complete wording leads."""
    if len(members) > 1:
        sims = E[members] @ E[members].T
        central = (sims.sum(1) - 1) / (len(members) - 1)
    else:
        central = np.ones(1)
    best, best_score = members[0], -1e9
    for k, m in enumerate(members):
        words = len(units[m].sentence.text.split())
        completeness = min(words, 25) / 25 - max(words - 30, 0) / 20 + 0.05 * min(len(units[m].entities), 4)
        head = units[m].sentence.text.lstrip()
        quoted = 0.1 if head.startswith(("“", '"')) else 0.0
        pronoun = 0.1 if head.split(" ", 1)[0].lower() in _PRONOUNS | {"his", "their", "this", "that"} else 0.0
        s = central[k] + 0.15 * completeness - quoted - pronoun
        if s > best_score:
            best, best_score = m, s
    variants = [
        Variant(units[m].article, units[m].sentence.text, units[m].sentence.start, units[m].sentence.end)
        for m in sorted(members, key=lambda m: (units[m].article, units[m].sentence.start))
    ]
    sources = sorted({units[m].source for m in members})
    return Fact(
        id="",
        text=units[best].sentence.text,
        articles=sorted({units[m].article for m in members}),
        support=len(sources),
        variants=variants,
        outlets=sources,
    )


# ----------------------------------------------------------------------------------------------
# quote groups
# ----------------------------------------------------------------------------------------------

_TITLES = re.compile(r"^(?:(?:u\.?s\.?|us|vice|prime|former|president|minister|mr|mrs|ms|dr|sen|rep|gov|secretary|general|chancellor|king|queen|pope)\.?\s+)+", re.I)
_PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them"}


class SpeakerResolver:
    """Map a quote's speaker to a story-wide key: canonical entity id, else a normalised surname."""

    def __init__(self, entities: Sequence[Entity] = ()) -> None:
        self.ids = {e.id: e for e in entities}
        self.mentions = entity_index(entities)
        self.by_name: dict[str, str] = {}
        for e in entities:
            for name in [e.name, *e.aliases]:
                self.by_name.setdefault(_norm_name(name), e.id)

    def __call__(self, q: Quote) -> tuple[str, str]:
        """(key, display name) of the quote's speaker; ("?", "") when unknown."""
        sp = q.speaker
        if sp is None:
            return ("?", "")
        if sp.entity and sp.entity in self.ids:
            e = self.ids[sp.entity]
            return (f"e:{e.id}", e.name)
        if sp.start >= 0:
            hits = _entities_in(self.mentions.get(q.article, []), sp.start, max(sp.end, sp.start + 1))
            if len(hits) == 1:
                e = self.ids[next(iter(hits))]
                return (f"e:{e.id}", e.name)
        name = _norm_name(sp.name)
        if name in self.by_name:
            e = self.ids[self.by_name[name]]
            return (f"e:{e.id}", e.name)
        if not name or name in _PRONOUNS:
            return ("?", sp.name)
        return (f"n:{name.split()[-1]}", sp.name)


def _norm_name(name: str) -> str:
    name = _TITLES.sub("", name.strip().lower().replace("’", "'"))
    name = re.sub(r"'s$", "", name)
    return " ".join(re.findall(r"[\w-]+", name))


@dataclass
class Statement:
    """Consecutive quotes of one speaker in one article: what they said in one breath."""

    article: str
    speaker: str
    name: str
    quotes: list[Quote]

    @property
    def text(self) -> str:
        parts: list[Quote] = []
        for q in self.quotes:
            if parts and q.start < parts[-1].end:  # overlapping: keep the longer wording
                if len(q.text) > len(parts[-1].text):
                    parts[-1] = q
                continue
            parts.append(q)
        return " … ".join(q.text.strip() for q in parts)

    @property
    def direct(self) -> bool:
        return any(q.direct for q in self.quotes)


def statements(articles: Sequence[Article], analyses: dict[str, Analysis], resolve: SpeakerResolver) -> list[Statement]:
    """Each article's quotes, adjacent same-speaker quotes joined into statements."""
    out: list[Statement] = []
    for a in articles:
        an = analyses.get(a.id)
        if not an:
            continue
        cur: Statement | None = None
        sents = sorted(an.sentences, key=lambda s: s.start)
        for q in sorted(an.quotes, key=lambda q: q.start):
            if not q.text.strip():
                continue
            key, name = resolve(q)
            if cur and cur.speaker == key and key != "?" and _continues(a, sents, cur.quotes[-1], q):
                cur.quotes.append(q)
                continue
            cur = Statement(a.id, key, name or (q.speaker.name if q.speaker else ""), [q])
            out.append(cur)
    return out


def _continues(article: Article, sentences: Sequence[Sentence], prev: Quote, q: Quote) -> bool:
    """Does quote `q` carry on `prev` (same breath): same sentence, or two direct quotes in one paragraph."""
    if q.start < prev.end:  # overlapping spans: the same words found twice
        return True
    if q.start - prev.end > STATEMENT_GAP or (article.raw and "\n" in article.raw[prev.end : q.start]):
        return False
    s1, s2 = sentence_of(sentences, prev.start), sentence_of(sentences, q.start)
    if s1 is not None and s1 is s2:
        return True
    adjacent = s1 is not None and s2 is not None and s2.index - s1.index <= 1
    return prev.direct and q.direct and adjacent


def group_quotes(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    entities: Sequence[Entity] = (),
    *,
    memo: Embeddings | None = None,
    sources: dict[str, str] | None = None,
) -> list[QuoteGroup]:
    """The same statement by the same speaker across outlets, direct or indirect, as one group."""
    memo = memo or EMBEDDINGS
    sources = sources or source_keys(articles)
    resolve = SpeakerResolver(entities)
    stmts = statements(articles, analyses, resolve)
    if not stmts:
        return []
    # each statement is compared by its whole text and, when joined, by each part: best match counts
    texts, owner = [], []
    for k, st in enumerate(stmts):
        parts = [st.text] + ([q.text for q in st.quotes] if len(st.quotes) > 1 else [])
        texts += parts
        owner += [k] * len(parts)
    E = memo(texts)
    X = tfidf_matrix(texts, background=[s.text for an in analyses.values() for s in an.sentences])
    owner_arr = np.array(owner)
    nwords = np.array([len(t.split()) for t in texts])
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for k, st in enumerate(stmts):
        by_speaker[st.speaker].append(k)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, k in enumerate(owner):
        rows_of[k].append(r)

    groups: list[list[int]] = []
    for speaker, ks in by_speaker.items():
        rows = [r for k in ks for r in rows_of[k]]
        R = np.array(rows)
        I, J, C = neighbour_pairs(E[R], owner_arr[R], min_cos=0.3, k=TOP_K)
        lex = pair_dots(X, R[I], R[J])
        # short quotes ("we'll see", "I think so") are generic: they must match more closely
        short = np.minimum(nwords[R[I]], nwords[R[J]]) < SHORT_QUOTE
        # statement-pair score = best part-pair score (cos + TF-IDF)
        best: dict[tuple[int, int], float] = {}
        for i, j, s in zip(owner_arr[R[I]].tolist(), owner_arr[R[J]].tolist(), (C + lex - 0.25 * short).tolist()):
            key = (min(i, j), max(i, j))
            if s > best.get(key, -1e9):
                best[key] = s
        link = QUOTE_LINK if speaker != "?" else QUOTE_LINK + 0.4  # unattributed: near-identical only
        local = {k: n for n, k in enumerate(ks)}

        def pscore(x: int, y: int) -> float:
            key = (min(ks[x], ks[y]), max(ks[x], ks[y]))
            if key in best:
                return best[key]
            rx, ry = rows_of[ks[x]], rows_of[ks[y]]
            PX, PY = np.repeat(rx, len(ry)), np.tile(ry, len(rx))
            sc = np.einsum("ij,ij->i", E[PX], E[PY]) + pair_dots(X, PX, PY)
            sc -= 0.25 * (np.minimum(nwords[PX], nwords[PY]) < SHORT_QUOTE)
            best[key] = float(sc.max())
            return best[key]

        def cannot(x: int, y: int) -> bool:
            return stmts[ks[x]].article == stmts[ks[y]].article  # one article, two places: two statements

        def guard(A: list[int], B: list[int]) -> bool:
            sc = [pscore(x, y) for x in A for y in B]
            return min(sc) >= QUOTE_GUARD and float(np.mean(sc)) >= QUOTE_AVG

        pairs = [(local[i], local[j], s) for (i, j), s in best.items()]
        if pairs:
            PI = np.array([p[0] for p in pairs])
            PJ = np.array([p[1] for p in pairs])
            PS = np.array([p[2] for p in pairs])
        else:
            PI = PJ = np.zeros(0, dtype=np.int64)
            PS = np.zeros(0)
        for members in _cluster(len(ks), PI, PJ, PS, link=link, cannot=cannot, guard=guard):
            groups.append([ks[m] for m in members])

    out = []
    for members in groups:
        sts = [stmts[m] for m in members]
        out.append(_make_group(sts, E, rows_of, members, sources))
    out.sort(key=lambda g: (-len(g.outlets), -len(g.variants), g.speaker or "~", g.text))
    for n, g in enumerate(out, 1):
        g.id = f"q{n}"
    return out


def _make_group(sts: list[Statement], E: np.ndarray, rows_of, members: list[int], sources: dict[str, str]) -> QuoteGroup:
    """A quote group: a direct, central, complete wording leads; every article's variant is kept."""
    whole = [rows_of[m][0] for m in members]
    sims = E[whole] @ E[whole].T
    central = (sims.sum(1) - 1) / max(len(whole) - 1, 1)
    best = max(
        range(len(sts)),
        key=lambda k: central[k] + (0.3 if sts[k].direct else 0) + 0.1 * min(len(sts[k].text.split()), 25) / 25,
    )
    names = Counter(st.name for st in sts if st.name and st.name.lower() not in _PRONOUNS)
    speaker = names.most_common(1)[0][0] if names else None
    if sts[best].speaker.startswith("e:") and sts[best].name:
        speaker = sts[best].name
    variants = []
    for st in sorted(sts, key=lambda s: (s.article, s.quotes[0].start)):
        for q in st.quotes:
            variants.append(Variant(st.article, q.text, q.start, q.end, q.direct))
    return QuoteGroup(
        id="",
        speaker=speaker,
        text=sts[best].text,
        articles=sorted({st.article for st in sts}),
        variants=variants,
        outlets=sorted({sources.get(st.article, st.article) for st in sts}),
    )
