"""Quote groups: the same statement by the same speaker across outlets, direct or indirect."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Analysis, Article, Entity, Quote, QuoteGroup, Sentence, Variant
from .neighbours import _cluster, neighbour_pairs
from .sources import source_keys
from .spans import _entities_in, entity_index, sentence_of
from .tuning import QUOTE_AVG, QUOTE_GUARD, QUOTE_LINK, SHORT_QUOTE, STATEMENT_GAP, TOP_K
from .vectors import EMBEDDINGS, Embeddings, pair_dots, tfidf_matrix


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
