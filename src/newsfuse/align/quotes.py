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
from .tokens import tokens
from .tuning import QUOTE_AVG, QUOTE_GUARD, QUOTE_LINK, SHORT_QUOTE, STATEMENT_GAP, TOP_K
from .vectors import EMBEDDINGS, Embeddings, pair_dots, tfidf_matrix


_TITLES = re.compile(r"^(?:(?:u\.?s\.?|us|vice|prime|former|president|minister|mr|mrs|ms|dr|sen|rep|gov|secretary|general|chancellor|king|queen|pope|alhaji|mallam|sheikh|rev|rabbi|father|sir|lord|lady|dame)\.?\s+)+", re.I)
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

    def kind(self, key: str) -> str:
        """Entity type behind a speaker key ("" for a name no entity holds)."""
        e = self.ids.get(key[2:]) if key.startswith("e:") else None
        return e.type if e else ""

    def __call__(self, q: Quote) -> tuple[str, str]:
        """(key, display name) of the quote's speaker; ("?", "") when unknown."""
        key, name = self._resolve(q)
        return key, clean_name(name)

    def _resolve(self, q: Quote) -> tuple[str, str]:
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


def clean_name(name: str) -> str:
    """A display name from scraped copy: the last line of a name NER ran across a break
    ("Scroll down for video\nAnn Lee" -> "Ann Lee")."""
    lines = [x.strip() for x in (name or "").split("\n") if x.strip()]
    return lines[-1] if lines else ""


def unify_speakers(stmts: list["Statement"], resolve: SpeakerResolver) -> None:
    """One key per person across articles, shown by the fullest name the story gives them.

    "Lai Mohammed" and "Alhaji Lai Mohammed" are one speaker (titles dropped); a name of two words or
    more joins the one longer name it ends or begins ("Luis Guillermo" -> "Luis Guillermo Solis"); a lone
    surname joins the one full name that ends with it ("Shehu" -> "Garba Shehu"; "Tamimi" with two
    Tamimis stays apart). The story's people count as candidates even when they say nothing."""
    names: dict[str, str] = {}
    for st in stmts:
        if st.speaker != "?" and st.name:
            names.setdefault(st.speaker, st.name)
    for eid, e in resolve.ids.items():
        if e.type == "PERSON":
            names.setdefault(f"e:{eid}", clean_name(e.name))
    words = {k: _norm_name(n).split() for k, n in names.items()}
    words = {k: w for k, w in words.items() if w and w[0] not in _PRONOUNS and not _DESCRIBED.match(names[k])}
    parent = {k: k for k in words}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for k, w in sorted(words.items(), key=lambda kv: len(kv[1])):
        n = len(w)
        longer = [k2 for k2, w2 in words.items() if k2 != k and len(w2) >= n and (
            w2[-n:] == w or (n > 1 and w2[:n] == w))]
        if n == 1:
            longer = [k2 for k2 in longer if resolve.kind(k2) in ("PERSON", "")] if resolve.kind(k) in ("PERSON", "") else []
        roots = {find(k2) for k2 in longer}
        if len(roots) == 1 and (n > 1 or len({" ".join(words[k2]) for k2 in longer}) == 1):
            parent[find(k)] = roots.pop()
    classes: dict[str, list[str]] = defaultdict(list)
    for k in parent:
        classes[find(k)].append(k)
    full = {root: max((names[k] for k in ks), key=lambda nm: (len(nm.split()) <= 4, len(nm.split()), len(nm)))
            for root, ks in classes.items() if len(ks) > 1}
    for st in stmts:
        if st.speaker in parent:
            root = find(st.speaker)
            st.speaker = root
            st.name = full.get(root, st.name)


def _norm_name(name: str) -> str:
    name = _TITLES.sub("", name.strip().lower().replace("’", "'"))
    name = re.sub(r"'s$", "", name)
    return " ".join(re.findall(r"[\w-]+", name))


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
    X = tfidf_matrix(texts, background=[s.text for an in analyses.values() for s in an.sentences])
    owner_arr = np.array(owner)
    nwords = np.array([len(t.split()) for t in texts])
    # a sentence of one statement against a sentence of another (neither the whole) must match more closely:
    # topical sentences of two long quotes are easy to pair
    piece = np.array([r > 0 and owner[r - 1] == owner[r] for r in range(len(owner))])
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
        scores = C + lex - 0.25 * short - PIECE_PENALTY * (piece[R[I]] & piece[R[J]])
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
            return float(sc.max())

        if speaker != "?":
            # the same words in two outlets' quotes of one speaker: one statement, however each cut it
            # (the closer wording wins where a fragment is in several)
            for (x, y) in verbatim_pairs([stmts[k] for k in ks]):
                key = (min(ks[x], ks[y]), max(ks[x], ks[y]))
                sim = best.get(key, similarity(x, y))
                if sim >= VERBATIM_MIN_SIM:  # a shared phrase in otherwise unrelated words ("deep space") is no link
                    best[key] = VERBATIM + 0.1 * sim

        def pscore(x: int, y: int) -> float:
            key = (min(ks[x], ks[y]), max(ks[x], ks[y]))
            if key not in best:
                sim = similarity(x, y)
                shared = speaker != "?" and sim >= VERBATIM_MIN_SIM and _shares_words(
                    _Wording.of(stmts[ks[x]]), _Wording.of(stmts[ks[y]]))
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
                wx = _Wording.of(sx)
                for n, piece in enumerate(sz.parts):
                    if speaker != "?" and _shares_words(wx, _Wording.of(_piece(sz, piece)), same_article=True):
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
                        if not (bridged(x, y, members) or _shares_words(_Wording.of(stmts[ks[x]]), _Wording.of(stmts[ks[y]]), same_article=True)):
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
        for members in _cluster(len(ks), PI, PJ, PS, link=link, cannot=cannot, guard=guard):
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
VERBATIM_MIN_SIM = 0.55  # ... whose wordings are still this similar (cos + TF-IDF)
MIN_RUN = 5  # words in a row two wordings share (two of them content words) to be one statement
_QWORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_MARKED = re.compile(r"[“\"]([^“”\"]+)[”\"]|(?:^|(?<=\s))[‘']([^‘’']+(?:'[a-z]+[^‘’']*)*)[’'](?=\W|$)")


def _words(text: str) -> tuple[str, ...]:
    """Lowercased words, apostrophes kept inside words: wordings compared word for word."""
    return tuple(_QWORD.findall(text.lower().replace("’", "'").replace("‘", "'")))


def _fragments(st: "Statement") -> list[tuple[str, ...]]:
    """The words a statement puts in quote marks: a direct quote whole, the marked parts of a reported one."""
    out = []
    for q in st.quotes:
        if q.direct:
            out.append(_words(q.text))
        else:
            out += [_words(m.group(1) or m.group(2)) for m in _MARKED.finditer(q.text)]
    return [f for f in out if f]


def _runs(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Its MIN_RUN-word runs holding at least two content words."""
    out = set()
    for i in range(len(words) - MIN_RUN + 1):
        run = words[i : i + MIN_RUN]
        if len(tokens(" ".join(run))) >= 2:
            out.add(run)
    return out


def _contains(hay: tuple[str, ...], frag: tuple[str, ...]) -> bool:
    n = len(frag)
    return any(hay[i : i + n] == frag for i in range(len(hay) - n + 1)) if n else False


@dataclass
class _Wording:
    """A statement's words, runs and quoted fragments, computed once for verbatim comparison."""

    article: str
    words: list[tuple[str, ...]]
    runs: set[tuple[str, ...]]
    frags: list[tuple[str, ...]]

    @classmethod
    def of(cls, st: "Statement") -> "_Wording":
        words = [_words(q.text) for q in st.quotes]
        runs: set[tuple[str, ...]] = set()
        for w in words:
            runs |= _runs(w)
        frags = [f for f in _fragments(st) if tokens(" ".join(f))]  # "we are", "it is": no content word
        return cls(st.article, words, runs, frags)


def _shares_words(a: _Wording, b: _Wording, rare: frozenset[str] | None = None, same_article: bool = False) -> bool:
    """One statement's quoted words inside the other's wording, or a long run of words in common.

    A one-word fragment counts only when it is in `rare` (None: any). Within one article (a quote
    repeated) only a run counts."""
    if a.article == b.article:
        return same_article and bool(a.runs & b.runs)
    if a.runs & b.runs:
        return True
    for frags, hay in ((a.frags, b.words), (b.frags, a.words)):
        for f in frags:
            if len(f) == 1 and rare is not None and f[0] not in rare:
                continue
            if any(_contains(h, f) for h in hay):
                return True
    return False


def verbatim_pairs(sts: list["Statement"]) -> list[tuple[int, int]]:
    """Pairs (i, j) of one speaker's statements from different articles that share a quoted passage.

    A one-word fragment ("giddy") counts only when no more than two of the speaker's statements use the word."""
    ws = [_Wording.of(st) for st in sts]
    seen: dict[str, int] = {}
    for w in ws:
        for x in set().union(*map(set, w.words)) if w.words else ():
            seen[x] = seen.get(x, 0) + 1
    rare = frozenset(x for x, n in seen.items() if n <= 2 and len(tokens(x)) == 1)
    return [(i, j) for i in range(len(ws)) for j in range(i + 1, len(ws)) if _shares_words(ws[i], ws[j], rare)]


STRONG_RUN = 6  # words in a row (three of them content words) that make two outlets' quotes one, whoever they name
SURE_RUN = 10  # ... even when both name a different speaker by name


def _weak(st: Statement) -> bool:
    """A statement whose speaker is unknown, only described, or reached through a pronoun."""
    return st.speaker == "?" or _DESCRIBED.match(st.name or "") is not None or any(
        q.speaker is None or q.speaker.mention.strip().lower() in _PRONOUNS for q in st.quotes)


_DESCRIBED = re.compile(r"(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir)\b|[^A-Z]")  # "the company", "a statement"



def _merge_across_speakers(groups: list[list[int]], stmts: list[Statement]) -> list[list[int]]:
    """Join groups of different speakers that quote the same words (a run of STRONG_RUN words): one
    outlet got the speaker wrong or left it out. Two named speakers need a SURE_RUN-word run; groups
    sharing an article never join."""
    index: dict[tuple[str, ...], set[int]] = defaultdict(set)
    runs_of: list[dict[tuple[str, ...], int]] = []
    for g, members in enumerate(groups):
        runs: dict[tuple[str, ...], int] = {}
        for m in members:
            for q in stmts[m].quotes:
                w = _words(q.text)
                for i in range(len(w) - STRONG_RUN + 1):
                    run = w[i : i + STRONG_RUN]
                    if run not in runs and len(tokens(" ".join(run))) >= 3:
                        runs[run] = i
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
        if ra == rb or not set(runs_of[a]) & set(runs_of[b]):
            continue
        # a named speaker against another named one, or a group already holding one of the articles
        # (a repeated or continued quote there), needs the long run
        if (not (weak[a] or weak[b]) or arts[ra] & arts[rb]) and _longest_shared(stmts, groups[a], groups[b]) < SURE_RUN:
            if not (arts[ra] & arts[rb] and (weak[a] or weak[b]) and (weak[a] != weak[b])):
                continue
        parent[rb] = ra
        arts[ra] |= arts[rb]
        weak[ra] = weak[ra] and weak[rb]
    # an unknown or described speaker's quoted words (three or more, two content words) found in one
    # other group only: that group's statement
    words = [[_words(q.text) for m in members for q in stmts[m].quotes] for members in groups]
    for g, members in enumerate(groups):
        if not weak[g]:
            continue
        frags = {f for m in members for f in _Wording.of(stmts[m]).frags if len(f) >= 3 and len(tokens(" ".join(f))) >= 2}
        hits = {find(h) for h in range(len(groups)) if find(h) != find(g) and any(
            _contains(w, f) for f in frags for w in words[h])} if frags else set()
        if len(hits) == 1:
            h = hits.pop()
            parent[find(g)] = h
    merged: dict[int, list[int]] = defaultdict(list)
    for g, members in enumerate(groups):
        merged[find(g)] += members
    return [sorted(m) for m in merged.values()]


def _longest_shared(stmts: list[Statement], A: list[int], B: list[int]) -> int:
    """The longest run of words two groups' quotes share."""
    best = 0
    wa = [_words(q.text) for m in A for q in stmts[m].quotes]
    wb = [_words(q.text) for m in B for q in stmts[m].quotes]
    for x in wa:
        for y in wb:
            prev = [0] * (len(y) + 1)
            for i in range(1, len(x) + 1):
                cur = [0] * (len(y) + 1)
                for j in range(1, len(y) + 1):
                    if x[i - 1] == y[j - 1]:
                        cur[j] = prev[j - 1] + 1
                        best = max(best, cur[j])
                prev = cur
    return best


def _piece(st: Statement, text: str) -> Statement:
    """One sentence of a statement as a statement of its own (for verbatim comparison)."""
    q = st.quotes[0]
    return Statement(st.article, st.speaker, st.name, [Quote(q.article, q.start, q.end, text, q.direct, q.speaker)])


def _capitalised(name: str) -> int:
    """How named a speaker is: capitalised words after the first ("The Bring Back Our Girls campaign": 4)."""
    return sum(w[:1].isupper() for w in name.split()[1:]) + (0 if _DESCRIBED.match(name) else 1)


def _make_group(sts: list[Statement], E: np.ndarray, rows_of, members: list[int], sources: dict[str, str]) -> QuoteGroup:
    """A quote group: a direct, central, complete wording leads; every article's variant is kept."""
    whole = [rows_of[m][0] for m in members]
    sims = E[whole] @ E[whole].T
    central = (sims.sum(1) - 1) / max(len(whole) - 1, 1)
    best = max(
        range(len(sts)),
        key=lambda k: central[k] + (0.3 if sts[k].direct else 0) + 0.1 * min(len(sts[k].text.split()), 25) / 25,
    )
    # the speaker most outlets name (named entities before descriptions), in its fullest spelling
    arts: dict[str, set[str]] = defaultdict(set)
    for st in sts:
        if st.speaker != "?" and st.name and st.name.lower() not in _PRONOUNS:
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
