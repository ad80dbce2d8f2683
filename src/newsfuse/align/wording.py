"""Wordings compared word for word: shared runs of words and quoted fragments one outlet's quote holds."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Protocol

from ..model import Quote
from .tokens import tokens


class _Quoted(Protocol):
    """What a wording is read from: an article's consecutive quotes (a statement)."""

    article: str
    quotes: list[Quote]


MIN_RUN = 5  # words in a row two wordings share (two of them content words) to be one statement
_QWORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
_MARKED = re.compile(r"[“\"]([^“”\"]+)[”\"]|(?:^|(?<=\s))[‘']([^‘’']+(?:'[a-z]+[^‘’']*)*)[’'](?=\W|$)")


@functools.lru_cache(maxsize=1 << 15)
def lower_words(text: str) -> tuple[str, ...]:
    """Lowercased words, apostrophes kept inside words: wordings compared word for word (memoised: a quote's
    words are read for its fragments, its runs and each comparison)."""
    return tuple(_QWORD.findall(text.lower().replace("’", "'").replace("‘", "'")))


def _fragments(st: _Quoted) -> list[tuple[str, ...]]:
    """The words a statement puts in quote marks: a direct quote whole, the marked parts of a reported one."""
    out = []
    for q in st.quotes:
        if q.direct:
            out.append(lower_words(q.text))
        else:
            out += [lower_words(m.group(1) or m.group(2)) for m in _MARKED.finditer(q.text)]
    return [f for f in out if f]


@functools.lru_cache(maxsize=65536)
def _content(word: str) -> bool:
    """Is `word` a content word (not a stop word)?"""
    return bool(tokens(word))


def n_content(words: tuple[str, ...]) -> int:
    return sum(map(_content, words))


_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*")


@functools.lru_cache(maxsize=1 << 15)
def proper_words(text: str) -> frozenset[str]:
    """Words the text capitalises: names, whose shared runs ("the Democratic People's Republic of Korea")
    say nothing of who said what (memoised: a quote's runs are read for its wording and for its group's)."""
    return frozenset(lower_words(" ".join(_CAPITALISED.findall(text))))


def word_runs(words: tuple[str, ...], n: int = MIN_RUN, min_content: int = 2, proper: frozenset[str] = frozenset()) -> set[tuple[str, ...]]:
    """Its n-word runs holding at least `min_content` content words (names not counted)."""
    upto = [0]  # content words before each position: a run's count is one subtraction
    for w in words:
        upto.append(upto[-1] + (_content(w) and w not in proper))
    return {words[i : i + n] for i in range(len(words) - n + 1) if upto[i + n] - upto[i] >= min_content}


def contains(hay: tuple[str, ...], frag: tuple[str, ...]) -> bool:
    n = len(frag)
    return any(hay[i : i + n] == frag for i in range(len(hay) - n + 1)) if n else False


@dataclass
class Wording:
    """A statement's words, runs and quoted fragments, computed once for verbatim comparison."""

    article: str
    words: list[tuple[str, ...]]
    runs: set[tuple[str, ...]]
    frags: list[tuple[str, ...]]

    @classmethod
    def of(cls, st: _Quoted) -> "Wording":
        """The statement's wording (computed once per statement)."""
        got = st.__dict__.get("_wording")
        if got is None:
            got = st.__dict__["_wording"] = cls._of(st)
        return got

    @classmethod
    def _of(cls, st: _Quoted) -> "Wording":
        words = [lower_words(q.text) for q in st.quotes]
        runs: set[tuple[str, ...]] = set()
        for w, q in zip(words, st.quotes):
            runs |= word_runs(w, proper=proper_words(q.text))
        frags = [f for f in _fragments(st) if n_content(f)]  # "we are", "it is": no content word
        return cls(st.article, words, runs, frags)


def shares_words(a: Wording, b: Wording, rare: frozenset[str] | None = None, same_article: bool = False) -> bool:
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
            if any(contains(h, f) for h in hay):
                return True
    return False


def verbatim_pairs(sts: list[_Quoted]) -> list[tuple[int, int]]:
    """Pairs (i, j) of one speaker's statements from different articles that share a quoted passage.

    A one-word fragment ("giddy") counts only when no more than two of the speaker's statements use the word."""
    ws = [Wording.of(st) for st in sts]
    seen: dict[str, int] = {}
    for w in ws:
        for x in set().union(*map(set, w.words)) if w.words else ():
            seen[x] = seen.get(x, 0) + 1
    rare = frozenset(x for x, n in seen.items() if n <= 2 and _content(x))
    # only pairs that share a run, or where one holds the first word of the other's quoted fragment, can share
    # words: those are checked, in the same (i, j) order
    by_run: dict[tuple[str, ...], list[int]] = {}
    by_word: dict[str, set[int]] = {}
    for k, w in enumerate(ws):
        for r in w.runs:
            by_run.setdefault(r, []).append(k)
        for h in w.words:
            for x in h:
                by_word.setdefault(x, set()).add(k)
    cand: set[tuple[int, int]] = set()
    for ks in by_run.values():
        cand.update((i, j) for n, i in enumerate(ks) for j in ks[n + 1 :])
    for k, w in enumerate(ws):
        for f in w.frags:
            cand.update((min(k, m), max(k, m)) for m in by_word.get(f[0], ()) if m != k)
    return [(i, j) for i, j in sorted(cand) if shares_words(ws[i], ws[j], rare)]


def shares_run(xs: list[str], ys: list[str], n: int) -> bool:
    """Do two sets of quotes share a run of `n` words in a row (their longest shared run is `n` or more)?"""
    runs = {w[i : i + n] for w in map(lower_words, xs) for i in range(len(w) - n + 1)}
    return any(w[i : i + n] in runs for w in map(lower_words, ys) for i in range(len(w) - n + 1))
