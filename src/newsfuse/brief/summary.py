"""Summary: a fused, cited, extractive summary of one story.

Every summary sentence is an article sentence, at most lightly trimmed (dateline, section label,
leading connective, trailing generic attribution). Sentences are scored by a small learned linear model
(`newsfuse/data/summary-model.json`, weights only, trained by `newsfuse.training.summary` on dev) over
corroboration, position, centrality, headline overlap, cross-outlet word sharing, length and stance
features (hand weights when the file is missing), chosen by MMR with a redundancy cut on embedding
cosine blended with shared content words (and a bonus for word bigrams other outlets share that the summary
does not cover yet), cite every article that carries a similar sentence (or
the same fact), and are ordered by position in their articles, except that the summary never opens on
a pronoun whose antecedent it has not given ("He said ...") while another chosen sentence could open it.
A later line that leans on the one before it (a pronoun opening, a quote a pronoun says) stands only after an
earlier sentence of its own article; else another outlet's wording of it that names its subject stands in, or it
is chosen again together with the sentence it leans on, or it gives way to the next best sentence.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, replace
from itertools import filterfalse, repeat
from pathlib import Path

import numpy as np

from .. import nlp
from ..align.tokens import opens_on_pronoun, quote_fragment, tokens
from ..clean.features import may_match
from ..clean.furniture import caption_or_credit
from ..model import Analysis, Article, Fact, SummarySentence
from .datelines import dateline_end
from .summary_features import FEATURES, zscore, concepts, features, redundancy  # noqa: F401  (FEATURES, zscore: for newsfuse.training.summary)


@dataclass(frozen=True)
class Params:
    """Weights and thresholds (tuned on the Multi-News and AllSides dev splits only)."""

    w_corr: float = 1.0  # mean over other articles of the best similarity to one of their sentences
    w_pos: float = 1.0  # lead bias, exp(-position / pos_scale)
    pos_scale: float = 4.0
    w_cent: float = 1.0  # cosine to the story's embedding centroid
    w_tfidf: float = 0.5  # cosine to the story's TF-IDF centroid
    w_title: float = 0.5  # best cosine to an article or bundle title
    w_len: float = 0.3  # length prior: short sentences say little
    len_words: float = 12.0
    mmr: float = 0.8  # penalty on the best similarity to an already chosen sentence
    redundant: float = 0.64  # at or above this similarity to a chosen sentence: never both
    coverage: float = 0.25  # MMR bonus for bigrams other outlets share that no chosen sentence has yet (z units)
    coverage_power: float = 0.5  # ... that bonus is divided by words**coverage_power
    coverage_repeat: float = 0.5  # ... a bigram weighs 1 per other article using it, plus this per further sentence
    lex_mix: float = 0.5  # redundancy similarity = (1 - lex_mix) * embedding cosine + lex_mix * word cosine
    cite: float = 0.7  # at or above this similarity an article counts as carrying the sentence (a scoring feature)
    cite_alone: float = 0.85  # ... and is cited for it on similarity alone
    cite_words: float = 0.5  # ... or, at `cite`, when the two share this share of the shorter one's content words
    trim_attribution: bool = False  # drop ", officials said." style endings
    default_words: int = 212  # the word budget when no max_words is given (whole sentences up to it)


PARAMS = Params()

_MIN_WORDS, _MAX_WORDS = 6, 70
_FULL_STOPS, _CLOSERS = (".", "!", "…"), "\"”’')]"  # a sentence ends on a stop, maybe inside quote marks or brackets
_CONNECTIVE = re.compile(  # bare only where the word cannot open a longer phrase ("So far", "In addition to", "Still missing")
    r"^(?:(?:But|And|However|Meanwhile|Moreover|Furthermore|Additionally|Nonetheless|Nevertheless|Separately|"
    r"Similarly|Likewise)\s*,?|(?:Still|Also|So|Yet|In addition|Instead|Indeed|Then|Now|Plus|Besides|In other words|"
    r"Of course|After all|As a result|In fact|That said)\s*,)\s+(?=[A-Za-z\"“'‘0-9])"
)
_LABEL = re.compile(  # explainer-style section labels that open a sentence ("Why it matters: ...")
    r"^(?:Why it matters|The big picture|Driving the news|State of play|What they'?re saying|What (?:he|she)'?s saying|"
    r"By the numbers|What to watch|What'?s next|Between the lines|The bottom line|Go deeper|Zoom (?:in|out)|Flashback|"
    r"The backstory|Catch up quick|Reality check|Where it stands|The latest|Our thought bubble|Be smart|The intrigue|"
    r"Details|Context|Background|Yes, but|Update|Editor'?s note)\s*:\s+(?=[A-Z\"“'‘0-9])"
)
_ATTRIBUTION = re.compile(
    r",\s+(?:he|she|they|it|officials|police|authorities|the (?:agency|company|department|ministry|"
    r"statement|report|official|spokesman|spokeswoman|spokesperson|group|police|government))\s+"
    r"(?:said|says|added|noted|told reporters)(?:\s+on\s+\w+day|\s+in a statement)?\s*\.$"
)
_JUNK = re.compile(
    r"click here|subscribe|sign up|newsletter|follow (?:us|him|her)|all rights reserved|cookies?\b|"
    r"advertisement|read more|javascript|\bphoto:|\bimage:|getty images|ap photo|photo by|https?://|www\.|"
    r"@\w|\bemail us\b|share this|comments? (?:below|section)|copyright|\bcaption\b|this story has been updated|"
    r"contributed to this report|download the app|listen to|mailing list|contact details|in the comments|"
    r"share your (?:own )?thoughts|leave a comment|tell us what you think|let us know (?:what|in)",
)  # all lower case, searched in lower-cased text: three times faster than re.I on an alternation of phrases
# a word or phrase of every `_JUNK` alternative: most sentences hold none, and `in` is far cheaper than the search
_JUNK_KEYS = ("click here", "subscribe", "sign up", "newsletter", "follow ", "all rights reserved", "cookie",
              "advertisement", "read more", "javascript", "photo", "image", "http", "www.", "@", "email us", "share",
              "comment", "copyright", "caption", "this story has been updated", "contributed to this report",
              "download the app", "listen to", "mailing list", "contact details", "tell us what you think", "let us know ")
@dataclass
class Cand:
    article: int  # index into the story's articles
    sent: int  # index of the Sentence in its analysis
    piece: int  # index of the line piece inside that sentence
    pos: int  # position among the article's candidates
    text: str  # trimmed text (a substring of the article sentence, maybe re-capitalised)
    words: int


def trim(text: str, *, attribution: bool = False) -> str:
    """Light, meaning-preserving trimming: dateline, section label, leading connective, optional attribution."""
    t = " ".join(text.split())
    cut = dateline_end(t)
    if cut and len(t) - cut > 20:
        t = t[cut:]
    m = _LABEL.match(t)
    if m and len(t) - m.end() > 20:
        t = t[m.end():]
    m = _CONNECTIVE.match(t)
    if m and len(t) - m.end() > 20:
        t = t[m.end():]
        t = t[0].upper() + t[1:]
    if attribution and not re.search(r"[\"”’']\s*,", t):
        m = _ATTRIBUTION.search(t)
        if m and len(t[: m.start()].split()) >= 6:
            t = t[: m.start()] + "."
    return t


def _is_junk(text: str) -> bool:
    """Headings, questions to the reader, captions, calls to action and fragments."""
    words = text.split()
    if not (_MIN_WORDS <= len(words) <= _MAX_WORDS):
        return True
    if (text[:-1] if text.endswith("\n") else text).rstrip(_CLOSERS)[-1:] not in _FULL_STOPS:
        return True  # headings, captions without a full stop, questions
    first = next((c for c in text if c.isalnum()), "")
    if first.islower():
        return True  # a fragment cut out of a longer sentence
    if quote_fragment(text):
        return True  # the tail or the first half of a quote torn apart by the sentence splitter
    alpha = [w for w in words if w[:1].isalpha()]
    lower = sum(1 for w in alpha if w[:1].islower())
    if lower < max(2, 0.25 * len(alpha)):
        return True  # Title Case Or ALL CAPS lines are headings
    low = text.lower()
    if may_match(_JUNK_KEYS, low) and _JUNK.search(low):
        return True
    return caption_or_credit(text)  # dearest last


def candidates(articles: list[Article], analyses: dict[str, Analysis], p: Params) -> list[Cand]:
    out: list[Cand] = []
    for ai, a in enumerate(articles):
        an = analyses.get(a.id)
        if an is None:
            continue
        pos = 0
        for si, s in enumerate(an.sentences):
            for pi, piece in enumerate(s.text.split("\n")):
                t = trim(piece, attribution=p.trim_attribution)
                if not t or _is_junk(t):
                    continue
                out.append(Cand(ai, si, pi, pos, t, len(t.split())))
                pos += 1
    return out


MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "summary-model.json"
_MODEL_CACHE: dict[str, dict | None] = {}


def _model() -> dict | None:
    """The learned sentence scorer (JSON: linear weights and/or small regression trees), or None."""
    if "m" not in _MODEL_CACHE:
        m = None
        if MODEL_PATH.exists():
            m = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
            if list(m.get("features", [])) != list(FEATURES):
                m = None  # stale model: fall back to the hand weights
        _MODEL_CACHE["m"] = m
    return _MODEL_CACHE["m"]


def set_model(model: dict | None) -> None:
    """Replace the scorer in memory (training and cross-validation runs)."""
    _MODEL_CACHE["m"] = model


def _predict(model: dict, X: np.ndarray) -> np.ndarray:
    """Score = standardised linear part + sum of tree leaves."""
    out = np.full(len(X), float(model.get("bias", 0.0)))
    if "weights" in model:
        mu, sd = np.asarray(model["mean"]), np.asarray(model["scale"])
        out += ((X - mu) / sd) @ np.asarray(model["weights"])
    lr = float(model.get("learning_rate", 1.0))
    for t in model.get("trees", []):
        feat, thr = np.asarray(t["feature"]), np.asarray(t["threshold"])
        left, right, val = np.asarray(t["left"]), np.asarray(t["right"]), np.asarray(t["value"])
        node = np.zeros(len(X), dtype=int)
        for _ in range(t.get("depth", 8) + 1):
            leaf = left[node] < 0
            if leaf.all():
                break
            go_left = X[np.arange(len(X)), np.maximum(feat[node], 0)] <= thr[node]
            node = np.where(leaf, node, np.where(go_left, left[node], right[node]))
        out += lr * val[node]
    return out



def _titles(articles: list[Article]) -> list[str]:
    """The articles' own headlines, then their bundle's, each once (what the title features compare with)."""
    return list(dict.fromkeys(t for t in [*(a.title for a in articles),
                                          *((a.meta.get("bundle") or {}).get("title") or "" for a in articles)] if t and t.strip()))


def _story_matrix(cands: list[Cand], originals: list[Article], analyses: dict[str, Analysis],
                  p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, best similarity per article and the candidate similarity matrix (one embedding call)."""
    titles = _titles(originals)
    emb = nlp.static_embed([c.text for c in cands] + titles)
    E, T = emb[: len(cands)], emb[len(cands):]
    sim = E @ E.T
    X, best = features(cands, originals, analyses, E, T, sim, p, titles)
    return X, best, sim


def story_features(cands: list[Cand], originals: list[Article], analyses: dict[str, Analysis]) -> tuple[np.ndarray, np.ndarray]:
    """FEATURES rows and word counts of a story's candidates (for training the scorer)."""
    X, _, _ = _story_matrix(cands, originals, analyses, PARAMS)
    return X, np.array([c.words for c in cands], dtype=np.float32)


def summarize(
    articles: list[Article],
    analyses: dict[str, Analysis],
    *,
    facts: list[Fact] | None = None,
    max_sentences: int = 10,
    max_words: int | None = None,
) -> list[SummarySentence]:
    """Up to `max_sentences` article sentences (lightly trimmed, never invented), each citing every supporting article.

    `max_words` (default `Params.default_words`) caps the total length, cutting at sentence ends (a sentence
    that does not fit is skipped for a shorter one that does).
    """
    p = PARAMS
    if not articles:
        return []
    if max_words is None:
        max_words = p.default_words  # a budget, not a soft length: on Multi-News dev CV +0.2 ROUGE-2 over stopping at 200+
    originals = [a for a in articles if not a.duplicate_of] or list(articles)
    cands = candidates(originals, analyses, p)
    if not cands:  # nothing passes the filters: fall back to each article's first sentence
        return _fallback(originals, analyses, max_sentences, max_words)
    X, best, sim = _story_matrix(cands, originals, analyses, p)
    words = np.array([c.words for c in cands], dtype=np.float32)
    model = _model()
    if model is not None:
        score = zscore(_predict(model, X))
    else:
        col = {n: X[:, i] for i, n in enumerate(FEATURES)}
        score = (p.w_corr * col["z_corr"] + p.w_pos * col["z_pos"] + p.w_cent * col["z_cent"]
                 + p.w_tfidf * col["z_tfidf"] + p.w_title * col["z_title"] + p.w_len * col["z_len"])

    texts = [c.text for c in cands]
    red = redundancy(sim, texts, p.lex_mix)
    concept = concepts(texts, np.array([c.article for c in cands]), p.coverage_repeat) if p.coverage else None
    counts = np.bincount([c.article for c in cands])

    def ordered(chosen: list[int]) -> list[int]:
        chosen = sorted(chosen, key=lambda i: (_date_key(originals[cands[i].article]), cands[i].pos / max(1, counts[cands[i].article]),
                                               cands[i].article, cands[i].pos))
        return _after_own_sentence(_open_without_pronoun(chosen, texts), cands)

    # a line that leans on the one before it ("It extended her remand", "He later told reporters") stands only after
    # an earlier sentence of its own article (moved after the one just before it there when that one is chosen):
    # else another outlet's wording of it that names its subject takes its place, or the selection runs again with
    # it bound to the sentence just before it in its own article (both or neither), or it leaves the summary to the
    # next best sentence
    dropped: set[int] = set()
    swap: dict[int, int] = {}
    hosts: dict[int, int] = {}
    picked = None
    for _ in range(ORPHAN_ROUNDS):
        if picked is None:
            picked = _select(score, red, words, p, max_sentences, max_words, concept=concept, exclude=dropped,
                             hosts=hosts, per_word=model.get("per_word", 0.0) if model else 0.0)
        chosen = ordered(_stand_ins(picked, swap, words, max_words))
        orphans = _orphans(chosen, cands)
        if not orphans:
            break
        used = int(words[chosen].sum())
        for i in orphans:
            j = _named_wording(i, cands, sim, red, chosen, p)
            if j is not None and used - words[i] + words[j] <= max_words:
                swap[i] = j
                used += int(words[j] - words[i])
            elif i not in hosts and (h := _host(i, cands)) is not None:
                hosts[i] = h  # chosen again, with the sentence it leans on before it
                picked = None
            else:
                dropped.add(i)
                picked = None  # chosen again without it
    else:  # the rounds ran out with lines still leaning on a sentence the summary lacks: they go
        while orphans := _orphans(chosen, cands):
            chosen = [i for i in chosen if i not in orphans]
    return [_cite(cands[i], _carriers(i, cands, sim, p), originals, articles, analyses, facts) for i in chosen]


ORPHAN_ROUNDS = 8  # repair rounds at most: each stands in, binds or drops the lines that lean on context


def _stand_ins(picked: list[int], swap: dict[int, int], words: np.ndarray, max_words: int) -> list[int]:
    """`picked` with each line's stand-in (`swap`) in its place; the latest stand-ins are left out while the lines
    overrun the budget (one that fitted an earlier selection may not fit a reselection that filled it)."""
    live = [i for i in swap if i in picked]
    while True:
        out = list(dict.fromkeys(swap[i] if i in live else i for i in picked))
        if not live or words[out].sum() <= max_words:
            return out
        live.pop()


def _select(score: np.ndarray, sim: np.ndarray, words: np.ndarray, p: Params, max_sentences: int,
            max_words: int | None, per_word: float = 0.0,
            concept: tuple[list[set], dict] | None = None, exclude: frozenset[int] | set[int] = frozenset(),
            hosts: dict[int, int] | None = None) -> list[int]:
    """MMR: the best-scoring sentence not too similar to those chosen, until nothing more fits (`max_words`).

    With `per_word` > 0 the gain is divided by words**per_word (budget-aware: dense sentences first).
    With `concept` (sentence bigram sets, bigram weights) the gain adds `p.coverage` times the weight of
    the bigrams not yet covered per words**coverage_power, in standard deviations over what is left:
    budgeted concept coverage blended with MMR (on dev CV +0.4 ROUGE-2 on Multi-News). `exclude`: never chosen;
    `hosts`: a sentence chosen only together with the one it leans on (its host comes first, within the budget)."""
    chosen: list[int] = []
    used = 0
    alive = np.ones(len(score), dtype=bool)
    alive[list(exclude)] = False
    maxsim = np.zeros(len(score))
    covered: set = set()
    if concept is not None:
        grams, weight = concept
        # each sentence's weight of bigrams not covered yet, recomputed only for sentences a choice covered some of
        uncovered = [sum(map(weight.get, s, repeat(0.0))) for s in grams]  # weight.get(g, 0.0) of each, in s's order
        per_words = words ** p.coverage_power
    # the MMR gain and the coverage bonuses change only when a sentence is chosen (most turns skip one that does
    # not fit): each is computed once per choice, the same arrays as when they were computed per turn
    cov = base = None
    per_words_pow = words ** per_word if per_word else None
    # each turn's gains are worked out for the sentences still alive only (the same floats, element by element)
    while len(chosen) < max_sentences:
        live = np.flatnonzero(alive)
        if not len(live):
            break
        if base is None:
            base = score - p.mmr * maxsim * 4.0
        gain = base[live]
        if concept is not None:
            if cov is None:
                cov = np.array(uncovered) / per_words
                bonus = p.coverage * cov
            sd = _std(cov[live]) if len(live) > 1 else 0.0
            gain = gain + bonus[live] / (sd if sd > 1e-9 else 1.0)
        if per_word:
            gain = gain / per_words_pow[live]
        k = int(np.argmax(gain))
        if gain[k] == -np.inf:
            break  # every sentence left is excluded
        i = int(live[k])
        alive[i] = False
        unit = [hosts[i], i] if hosts and i in hosts and hosts[i] not in chosen else [i]
        if max_words is not None and used + sum(int(words[k]) for k in unit) > max_words:
            continue  # does not fit: try a shorter one
        if len(chosen) + len(unit) > max_sentences:
            continue
        for i in unit:
            alive[i] = False
            chosen.append(i)
            used += int(words[i])
            if concept is not None:
                fresh = grams[i] - covered
                covered |= fresh
                for k, s in enumerate(grams):
                    if not s.isdisjoint(fresh):
                        uncovered[k] = sum(map(weight.get, filterfalse(covered.__contains__, s), repeat(0.0)))
                cov = None
            maxsim = np.maximum(maxsim, sim[i])
        base = None
        alive &= maxsim < p.redundant
    return chosen


def _std(x: np.ndarray) -> float:
    """`float(x.std())` of a 1-D float64 array through the ufuncs numpy's own `_var` applies (the same float, bit
    for bit), without its dispatch: the summary asks it at every turn of its selection."""
    if x.dtype != np.float64:
        return float(x.std())
    mean = np.add.reduce(x) / x.size
    dev = x - mean
    return math.sqrt(np.add.reduce(dev * dev) / x.size)


_BARE_QUOTE = re.compile(r'\s*["“][^"“”]+["”]\s*$')  # a quote alone in its sentence: its speaker is named elsewhere


# a quote its sentence gives to a pronoun ("“We need them too,” he said."): who said it is in a sentence before
_PRONOUN_SAID = re.compile(r"[\"”]\s*,?\s+(?:he|she|they)\s+(?:said|says|added|adds|told|tells|wrote|writes|asked|"
                           r"replied|explained|continued|noted|insisted|argued|warned|stressed)\b[^\"“”]*$", re.I)


# "that" as a pronoun ("That's the question", "That was the year"), not a determiner ("That night, ...")
_THAT_IS = re.compile(r"^[\"“‘']?\s*that(?:[’']s\b|\s+(?:is|was|has|had|means|meant|would|will|could)\b)", re.I)


def _needs_context(text: str) -> bool:
    """A sentence that cannot open a summary: a pronoun whose antecedent is not given yet, or a quote whose
    speaker it does not name (a bare quote, or one a pronoun says)."""
    return bool(opens_on_pronoun(text) or _THAT_IS.match(text) or _BARE_QUOTE.match(text) or _PRONOUN_SAID.search(text))


def _after_own_sentence(order: list[int], cands: list[Cand]) -> list[int]:
    """`order` with each later line that needs context (`_needs_context`) moved right after the sentence just
    before it in its own article, where that one is chosen too (an earlier one may be about someone else)."""
    out = list(order)
    for i in order:
        k = out.index(i)
        if k == 0 or not _needs_context(cands[i].text) or _follows_own(cands[out[k - 1]], cands[i]):
            continue
        host = next((j for j in out if _just_before(cands[j], cands[i])), None)
        if host is not None:
            out.remove(i)
            out.insert(out.index(host) + 1, i)
    return out


def _host(i: int, cands: list[Cand]) -> int | None:
    """The candidate just before candidate i in its own article, when it can stand without one itself."""
    c = cands[i]
    h = next((j for j, d in enumerate(cands) if _just_before(d, c)), None)
    return None if h is None or _needs_context(cands[h].text) else h


def _just_before(d: Cand, c: Cand) -> bool:
    """Is `d` the text right before `c` in their article: the previous candidate, and of the same or the previous
    sentence (not an earlier one whose sentences in between were no candidates)?"""
    return d.article == c.article and d.pos == c.pos - 1 and c.sent - 1 <= d.sent <= c.sent


def _follows_own(prev: Cand, c: Cand) -> bool:
    """Is `prev` an earlier sentence of `c`'s own article?"""
    return prev.article == c.article and prev.pos < c.pos


def _orphans(order: list[int], cands: list[Cand]) -> list[int]:
    """The lines after the first that need context (`_needs_context`) while the line before them is not an
    earlier sentence of their own article: read there, their pronoun points at someone else."""
    return [i for prev, i in zip(order, order[1:]) if _needs_context(cands[i].text) and not _follows_own(cands[prev], cands[i])]


def _named_wording(i: int, cands: list[Cand], sim: np.ndarray, red: np.ndarray, chosen: list[int], p: Params) -> int | None:
    """Another outlet's sentence that carries candidate i (`_carries`) and stands alone, not as close to another
    chosen line as to be redundant with it: the closest, or None."""
    others = [k for k in chosen if k != i]
    best = None
    for j, c in enumerate(cands):
        if c.article == cands[i].article or j in chosen or _needs_context(c.text) or not _carries(i, j, cands, sim, p):
            continue
        if others and red[j, others].max() >= p.redundant:
            continue
        if best is None or sim[i, j] > sim[i, best]:
            best = j
    return best


def _open_without_pronoun(order: list[int], texts: list[str]) -> list[int]:
    """`order` with its first sentence that can open a summary moved to the front (if the first cannot)."""
    if not order or not _needs_context(texts[order[0]]):
        return order
    k = next((j for j, i in enumerate(order) if not _needs_context(texts[i])), None)
    return order if k is None else [order[k], *order[:k], *order[k + 1 :]]


def _date_key(a: Article) -> str:
    return (a.published or "")[:10]


def _carriers(i: int, cands: list[Cand], sim: np.ndarray, p: Params) -> list[int]:
    """The other articles that carry candidate i: their closest sentence is a near paraphrase (`cite_alone`), or
    close (`cite`) and shares most of the content words of the shorter of the two. Static sentence vectors put any
    two sentences of a story near `cite`: closeness alone would cite outlets that say something else."""
    best: dict[int, int] = {}
    row, own = sim[i].tolist(), cands[i].article  # (Python floats: no numpy scalar read per candidate)
    for j, c in enumerate(cands):
        if c.article != own and (c.article not in best or row[j] > row[best[c.article]]):
            best[c.article] = j
    return [ai for ai, j in best.items() if _carries(i, j, cands, sim, p)]


def _carries(i: int, j: int, cands: list[Cand], sim: np.ndarray, p: Params) -> bool:
    """Does candidate j say what candidate i says: a near paraphrase, or close and sharing most content words
    of the shorter, with i's figures (`_carriers`)?"""
    if sim[i, j] < p.cite or not _figures_agree(cands[i].text, cands[j].text):
        return False
    if sim[i, j] >= p.cite_alone:
        return True
    words_i, words_j = set(tokens(cands[i].text)), set(tokens(cands[j].text))
    return len(words_i & words_j) >= p.cite_words * min(len(words_i), len(words_j))


def _cite(c: Cand, carriers: list[int], originals: list[Article], articles: list[Article],
          analyses: dict[str, Analysis], facts: list[Fact] | None) -> SummarySentence:
    """The sentence with every article that carries it: a like sentence (`_carriers`), its fact, or a copy."""
    own = originals[c.article]
    ids = [own.id] + [originals[ai].id for ai in carriers]
    if facts:
        # the sentence's own fact: the one it leads, else the narrowest holding it (a sentence may sit in several
        # facts, the broader ones reaching outlets that say something else)
        s = analyses[own.id].sentences[c.sent]
        holding = [f for f in facts if any(v.article == own.id and _overlaps(v, s.start, s.end, c.text) for v in f.variants)]
        if holding:
            f = min(holding, key=lambda f: (not any(v.article == own.id and v.text == f.text for v in f.variants),
                                            len(f.articles)))
            # an outlet backs a figure only where it gives that figure: "82 girls freed" is not backed by "21 freed"
            said = {}
            for v in f.variants:
                said[v.article] = said.get(v.article, False) or _figures_agree(c.text, v.text)
            ids.extend(a for a in f.articles if said.get(a, True))
    cited = set(ids)
    ids.extend(a.id for a in articles if a.duplicate_of in cited)  # wire copies carry it too
    ids = list(dict.fromkeys(ids))
    by_id = {a.id: a for a in articles}
    outlets = list(dict.fromkeys(by_id[i].outlet for i in ids if i in by_id and by_id[i].outlet))
    return SummarySentence(text=c.text, articles=ids, outlets=outlets)


_FIGURE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(million|billion|thousand|bn|m)\b)?", re.I)
_SCALE = {"thousand": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9}


def _figures(text: str) -> list[float]:
    """The counts a sentence writes in digits: 13 and up, years left out ("21 of the 276 girls" -> 21, 276)."""
    out = []
    for m in _FIGURE.finditer(text):
        v = float(m.group(1).replace(",", "") + (m.group(2) or "")) * _SCALE.get((m.group(3) or "").lower(), 1.0)
        if v >= 13 and not (m.group(3) is None and m.group(2) is None and 1900 <= v <= 2100):
            out.append(v)
    return out


# a count spelled out ("Twenty-one", "eighty"); vague words ("thousands", "dozens") back no figure
_NUMBER_WORD = re.compile(r"\b(?:(?:twen|thir|for|fif|six|seven|eigh|nine)t(?:y|een)|eleven|twelve|fourteen)\b", re.I)


def _figures_agree(a: str, b: str) -> bool:
    """Does b back a's counts? Yes when a gives none, or b gives one within rounding (5 %) of one of a's, or
    writes its numbers in words ("Twenty-one girls"); a sentence giving no number backs no count."""
    fa = _figures(a)
    if not fa:
        return True
    fb = _figures(b)
    if not fb:
        return bool(_NUMBER_WORD.search(b))
    return any(abs(x - y) <= 0.05 * max(x, y) for x in fa for y in fb)


def _overlaps(v, start: int, end: int, text: str) -> bool:
    if v.start >= 0 and start >= 0:
        return v.start < end and start < v.end
    a, b = " ".join(v.text.split()).lower(), text.lower()
    return bool(a) and (a in b or b in a)


def _fallback(articles: list[Article], analyses: dict[str, Analysis], max_sentences: int,
              max_words: int | None) -> list[SummarySentence]:
    out, used = [], 0
    for a in articles:
        an = analyses.get(a.id)
        if not an or not an.sentences:
            continue
        t = trim(an.sentences[0].text)
        n = len(t.split())
        if max_words is not None and used + n > max_words:
            continue
        out.append(SummarySentence(text=t, articles=[a.id], outlets=[a.outlet] if a.outlet else []))
        used += n
    return out[:max_sentences]


def with_params(**changes) -> Params:
    """Set module parameters (for tuning runs) and return the previous ones."""
    global PARAMS
    old = PARAMS
    PARAMS = replace(PARAMS, **changes)
    return old
