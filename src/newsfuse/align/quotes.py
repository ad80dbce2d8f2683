"""Quote groups: the same statement by the same speaker across outlets, direct or indirect."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Analysis, Article, Entity, Quote, QuoteGroup, Sentence, Variant
from .neighbours import merge_edges, neighbour_pairs
from .sources import source_keys
from .spans import sentence_of
from .speakerkeys import DESCRIBED, PRONOUNS, SpeakerResolver, clean_name, unify_speakers  # noqa: F401  (re-exported)
from .tuning import QUOTE_AVG, QUOTE_GUARD, QUOTE_LINK, SHORT_QUOTE, STATEMENT_GAP, TOP_K
from ..nlp.tfidf import tfidf_rows
from .tokens import cached_tokens
from .vectors import EMBEDDINGS, Embeddings, pair_dots
from .wording import contains, shares_run, n_content, proper_words, word_runs, shares_words, lower_words, Wording, verbatim_pairs


_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"‘']?[A-Z])")


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
    def parts(self) -> list[str]:
        """Its quotes cut into sentences: what another outlet may quote alone ("one outlet quotes two
        sentences, another one")."""
        out: list[str] = []
        for q in self.quotes:
            for piece in _SENTENCE_END.split(q.text.strip()):
                if out and len(piece.split()) < 3:
                    out[-1] += " " + piece
                elif piece.strip():
                    out.append(piece)
        return out

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
    unify_speakers(stmts, resolve)
    # each statement is compared by its whole text and, when joined, by each part: best match counts
    texts, owner = [], []
    for k, st in enumerate(stmts):
        pieces = st.parts
        parts = [st.text] + (pieces if len(pieces) > 1 else [])
        texts += parts
        owner += [k] * len(parts)
    E = memo(texts)
    # a long name two wordings share is one word they share: one speaker's two statements about the same body
    # ("... the resolutions of the UN Security Council" / "... launches against the UN Security Council
    # resolutions") share its name, not what was said
    X = tfidf_rows([_said_tokens(t) for t in texts], [cached_tokens(s.text) for an in analyses.values() for s in an.sentences])
    owner_arr = np.array(owner)
    nwords = np.array([len(t.split()) for t in texts])
    # a sentence of one statement against a sentence of another (neither the whole) must match more closely:
    # topical sentences of two long quotes are easy to pair
    piece = np.array([r > 0 and owner[r - 1] == owner[r] for r in range(len(owner))])
    nums = [frozenset(_NUMBER.findall(t.replace(",", ""))) for t in texts]

    def clash(I: np.ndarray, J: np.ndarray) -> np.ndarray:
        """Pairs whose wordings both hold figures and share none: two statements ("143 million" / "2.5 million")."""
        return np.array([bool(nums[i] and nums[j] and not nums[i] & nums[j]) for i, j in zip(I.tolist(), J.tolist())],
                        dtype=bool)
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for k, st in enumerate(stmts):
        by_speaker[st.speaker].append(k)
    rows_of: dict[int, list[int]] = defaultdict(list)
    for r, k in enumerate(owner):
        rows_of[k].append(r)

    groups: list[list[int]] = []
    for speaker, ks in by_speaker.items():
        if len(ks) == 1:  # a speaker's only statement (half the speakers): a group alone, nothing to pair
            groups.append(list(ks))
            continue
        rows = [r for k in ks for r in rows_of[k]]
        R = np.array(rows)
        I, J, C = neighbour_pairs(E[R], owner_arr[R], min_cos=0.3, k=TOP_K)
        lex = pair_dots(X, R[I], R[J])
        # short quotes ("we'll see", "I think so") are generic: they must match more closely
        short = np.minimum(nwords[R[I]], nwords[R[J]]) < SHORT_QUOTE
        # statement-pair score = best part-pair score (cos + TF-IDF)
        best: dict[tuple[int, int], float] = {}
        scores = C + lex - 0.25 * short - PIECE_PENALTY * (piece[R[I]] & piece[R[J]]) - NUMBER_PENALTY * clash(R[I], R[J])
        for i, j, s in zip(owner_arr[R[I]].tolist(), owner_arr[R[J]].tolist(), scores.tolist()):
            key = (min(i, j), max(i, j))
            if s > best.get(key, -1e9):
                best[key] = s
        link = QUOTE_LINK if speaker != "?" else QUOTE_LINK + 0.4  # unattributed: near-identical only
        local = {k: n for n, k in enumerate(ks)}

        def similarity(x: int, y: int) -> float:
            """Best part-pair score (cos + TF-IDF, short quotes penalised) of two statements."""
            rx, ry = rows_of[ks[x]], rows_of[ks[y]]
            PX, PY = np.repeat(rx, len(ry)), np.tile(ry, len(rx))
            sc = np.einsum("ij,ij->i", E[PX], E[PY]) + pair_dots(X, PX, PY)
            sc -= 0.25 * (np.minimum(nwords[PX], nwords[PY]) < SHORT_QUOTE) + PIECE_PENALTY * (piece[PX] & piece[PY])
            sc -= NUMBER_PENALTY * clash(PX, PY)
            return float(sc.max())

        if speaker != "?":
            # the same words in two outlets' quotes of one speaker: one statement, however each cut it
            # (the closer wording wins where a fragment is in several)
            for (x, y) in verbatim_pairs([stmts[k] for k in ks]):
                key = (min(ks[x], ks[y]), max(ks[x], ks[y]))
                sim = best[key] if key in best else similarity(x, y)  # similarity only when not scored yet
                if sim >= VERBATIM_MIN_SIM:  # a shared phrase in otherwise unrelated words ("deep space") is no link
                    best[key] = VERBATIM + 0.1 * sim

        def pscore(x: int, y: int) -> float:
            key = (min(ks[x], ks[y]), max(ks[x], ks[y]))
            if key not in best:
                sim = similarity(x, y)
                shared = speaker != "?" and sim >= VERBATIM_MIN_SIM and shares_words(
                    Wording.of(stmts[ks[x]]), Wording.of(stmts[ks[y]]))
                best[key] = VERBATIM if shared else sim
            return best[key]

        part_memo: dict[tuple[int, int], int | None] = {}

        def part(x: int, z: int) -> int | None:
            """Which quote of statement z (several quotes, another article) statement x matches, if any."""
            if (x, z) in part_memo:
                return part_memo[(x, z)]
            sx, sz = stmts[ks[x]], stmts[ks[z]]
            got = None
            if len(rows_of[ks[z]]) > 1 and x != z:
                rz = rows_of[ks[z]][1:]
                rx = np.full(len(rz), rows_of[ks[x]][0])
                sc = E[rz] @ E[rx[0]] + pair_dots(X, rx, np.array(rz))
                sc -= 0.25 * (np.minimum(nwords[rx], nwords[rz]) < SHORT_QUOTE)
                wx = Wording.of(sx)
                for n, piece in enumerate(sz.parts):
                    if speaker != "?" and shares_words(wx, Wording.of(_piece(sz, piece)), same_article=True):
                        sc[n] = max(sc[n], VERBATIM)
                if sc.max() >= link:
                    got = int(sc.argmax())
            part_memo[(x, z)] = got
            return got

        def bridged(x: int, y: int, members: list[int]) -> bool:
            """x and y match quotes of one statement z (another outlet quoted them in one breath): different
            quotes when x and y come from one article."""
            for z in members:
                if z in (x, y):
                    continue
                px, py = part(x, z), part(y, z)
                if px is not None and py is not None and (px != py or stmts[ks[x]].article != stmts[ks[y]].article):
                    return True
            return False

        def cannot(x: int, y: int) -> bool:
            return False  # one article, two places: decided by the guard, which sees both groups

        def guard(A: list[int], B: list[int]) -> bool:
            members = A + B
            sc = []
            for x in A:
                for y in B:
                    if stmts[ks[x]].article == stmts[ks[y]].article:
                        if not (bridged(x, y, members) or shares_words(Wording.of(stmts[ks[x]]), Wording.of(stmts[ks[y]]), same_article=True)):
                            return False  # one article, two places: two statements (unless it repeats the words)
                        continue
                    s_ = pscore(x, y)
                    if s_ < link and bridged(x, y, members):
                        s_ = link
                    sc.append(s_)
            return not sc or (min(sc) >= QUOTE_GUARD and float(np.mean(sc)) >= QUOTE_AVG)

        pairs = [(local[i], local[j], s) for (i, j), s in best.items()]
        if pairs:
            PI = np.array([p[0] for p in pairs])
            PJ = np.array([p[1] for p in pairs])
            PS = np.array([p[2] for p in pairs])
        else:
            PI = PJ = np.zeros(0, dtype=np.int64)
            PS = np.zeros(0)
        for members in merge_edges(len(ks), PI, PJ, PS, link=link, cannot=cannot, guard=guard):
            groups.append([ks[m] for m in members])

    groups = _merge_across_speakers(groups, stmts)
    out = []
    for members in groups:
        sts = [stmts[m] for m in members]
        out.append(_make_group(sts, E, rows_of, members, sources))
    out.sort(key=lambda g: (-len(g.outlets), -len(g.variants), g.speaker or "~", g.text))
    for n, g in enumerate(out, 1):
        g.id = f"q{n}"
    return out


VERBATIM = QUOTE_LINK + 0.3  # pair score of two statements sharing a quoted passage word for word
PIECE_PENALTY = 0.1
NUMBER_PENALTY = 1.0  # two wordings with figures, none in common, are two statements (a quote keeps its figures)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
VERBATIM_MIN_SIM = 0.55  # ... whose wordings are still this similar (cos + TF-IDF)
STRONG_RUN = 6  # words in a row (three of them content words) that make two outlets' quotes one, whoever they name
SURE_RUN = 10  # ... even when both name a different speaker by name


# two or more capitalised words in a row: a name ("UN Security Council"), or one after a capitalised stop word
_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)+")


def _said_tokens(text: str) -> tuple[str, ...]:
    """A wording's content tokens (`tokens.cached_tokens`), each name written as its last word: a shared name
    counts once, however many words it has ("the UN Security Council", "President Putin")."""
    return cached_tokens(_NAME_RUN.sub(lambda m: m.group().rsplit(None, 1)[-1], text))


def _weak(st: Statement) -> bool:
    """A statement whose speaker is unknown, only described, or reached through a pronoun."""
    return st.speaker == "?" or DESCRIBED.match(st.name or "") is not None or any(
        q.speaker is None or q.speaker.mention.strip().lower() in PRONOUNS for q in st.quotes)





def _merge_across_speakers(groups: list[list[int]], stmts: list[Statement]) -> list[list[int]]:
    """Join groups of different speakers that quote the same words (a run of STRONG_RUN words, names not
    counted): one outlet got the speaker wrong or left it out. Two named speakers need a SURE_RUN-word run
    (a rival repeating someone's words in mockery usually quotes a short phrase)."""
    index: dict[tuple[str, ...], set[int]] = defaultdict(set)
    runs_of: list[set[tuple[str, ...]]] = []
    for g, members in enumerate(groups):
        runs: set[tuple[str, ...]] = set()
        for m in members:
            for q in stmts[m].quotes:
                runs |= word_runs(lower_words(q.text), STRONG_RUN, 3, proper_words(q.text))
        runs_of.append(runs)
        for run in runs:
            index[run].add(g)
    parent = list(range(len(groups)))

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    arts = [{stmts[m].article for m in members} for members in groups]
    weak = [all(_weak(stmts[m]) for m in members) for members in groups]
    pairs = sorted({(min(a, b), max(a, b)) for gs in index.values() if len(gs) > 1 for a in gs for b in gs if a != b})
    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra == rb or not runs_of[a] & runs_of[b]:
            continue
        # a named speaker against another named one needs the long run; so do two groups already sharing
        # an article, unless exactly one of them is the doubtful one (a quote continued there)
        need_sure = not (weak[a] or weak[b]) or bool(arts[ra] & arts[rb] and weak[a] == weak[b])
        texts = [[q.text for m in groups[g] for q in stmts[m].quotes] for g in (a, b)]
        if need_sure and not shares_run(*texts, SURE_RUN):
            continue
        parent[rb] = ra
        arts[ra] |= arts[rb]
        weak[ra] = weak[ra] and weak[rb]
    # an unknown or described speaker's quoted words (three or more, two content words) found in one
    # other group only: that group's statement
    words = [[w for m in members for w in Wording.of(stmts[m]).words] for members in groups]
    having: dict[str, set[int]] = defaultdict(set)  # word -> groups using it
    for h, ws in enumerate(words):
        for w in ws:
            for x in w:
                having[x].add(h)
    for g, members in enumerate(groups):
        if not weak[g]:
            continue
        frags = {f for m in members for f in Wording.of(stmts[m]).frags if len(f) >= 3 and n_content(f) >= 2}
        hits = set()
        for f in frags:
            for h in set.intersection(*(having[x] for x in f)):
                if find(h) != find(g) and any(contains(w, f) for w in words[h]):
                    hits.add(find(h))
        if len(hits) == 1:
            h = hits.pop()
            parent[find(g)] = h
    merged: dict[int, list[int]] = defaultdict(list)
    for g, members in enumerate(groups):
        merged[find(g)] += members
    return [sorted(m) for m in merged.values()]


def _piece(st: Statement, text: str) -> Statement:
    """One sentence of a statement as a statement of its own (for verbatim comparison)."""
    q = st.quotes[0]
    return Statement(st.article, st.speaker, st.name, [Quote(q.article, q.start, q.end, text, q.direct, q.speaker)])


def _capitalised(name: str) -> int:
    """How named a speaker is: capitalised words after the first ("The Bring Back Our Girls campaign": 4)."""
    return sum(w[:1].isupper() for w in name.split()[1:]) + (0 if DESCRIBED.match(name) else 1)


def _make_group(sts: list[Statement], E: np.ndarray, rows_of, members: list[int], sources: dict[str, str]) -> QuoteGroup:
    """A quote group: a direct, central, complete wording leads; every article's variant is kept."""
    best = 0  # a statement alone leads its group (most groups)
    if len(sts) > 1:
        whole = [rows_of[m][0] for m in members]
        sims = E[whole] @ E[whole].T
        central = (sims.sum(1) - 1) / (len(whole) - 1)
        best = max(
            range(len(sts)),
            key=lambda k: central[k] + (0.3 if sts[k].direct else 0) + 0.1 * min(len(sts[k].text.split()), 25) / 25,
        )
    # the speaker most outlets name (named entities before descriptions), in its fullest spelling
    arts: dict[str, set[str]] = defaultdict(set)
    for st in sts:
        if st.speaker != "?" and st.name and st.name.lower() not in PRONOUNS:
            arts[st.speaker].add(st.article)
    speaker = None
    if arts:
        named = {st.speaker: _capitalised(st.name) for st in sts}
        key = max(arts, key=lambda k: (len(arts[k]), named[k], k == sts[best].speaker, k.startswith("e:")))
        speaker = max((st.name for st in sts if st.speaker == key),
                      key=lambda n: (_capitalised(n), len(n.split()) <= 6, len(n)))
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
