"""Faster stand-ins for spaCy's rule-based `attribute_ruler` and `lemmatizer`: same annotations.

On 500-word articles spaCy's ruler cost more than the parser: its `Matcher` tries each of ~180
patterns at every token. Here the tag-map rules (tag -> POS + MORPH; they come first and touch
every token) are one array write and the exception rules are found through an index on their first
token's value; the original ruler then applies the matches in its own order, so later rules win.
The lemmatizer's answer depends only on (text, POS, morph), so it is memoised on those and
written as one array. tests/test_fastpipes.py checks both against the originals token by token.
"""

from __future__ import annotations

import copy
import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
from spacy import symbols
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.strings import StringStore
from spacy.tokens import Doc

ATTRS = ("LOWER", "TAG", "DEP", "IS_SPACE")
_POS_ID, _MORPH_ID = symbols.POS, symbols.MORPH  # the keys of a tag-map rule's attrs
MEMO_MAX = 500_000


class UnsupportedPattern(ValueError):
    """A ruler pattern this matcher cannot reproduce exactly (the original ruler is then kept)."""


def _key(value: Any, strings: StringStore) -> int:
    """A pattern value as the integer `Doc.to_array` gives for it."""
    return int(value) if isinstance(value, bool) else strings.add(value)


def _check(value: Any, strings: StringStore) -> Callable[[int], bool]:
    """A predicate on one attribute (as an integer), as spaCy's Matcher reads a pattern value."""
    if not isinstance(value, dict):
        key = _key(value, strings)
        return lambda v: v == key
    checks: list[Callable[[int], bool]] = []
    for op, arg in value.items():
        if op == "IN":
            checks.append(lambda v, s=frozenset(_key(a, strings) for a in arg): v in s)
        elif op == "NOT_IN":
            checks.append(lambda v, s=frozenset(_key(a, strings) for a in arg): v not in s)
        elif op == "REGEX":
            checks.append(_regex_check(arg, strings))
        else:
            raise UnsupportedPattern(op)
    return lambda v: all(c(v) for c in checks)


def _regex_check(pattern: str, strings: StringStore) -> Callable[[int], bool]:
    """A regex predicate memoised per string, since it may run at every token."""
    rx, seen = re.compile(pattern), {}

    def check(v: int) -> bool:
        hit = seen.get(v)
        if hit is None:
            if len(seen) >= MEMO_MAX:
                seen.clear()
            hit = seen[v] = bool(rx.search(strings[v]))
        return hit

    return check


class FastAttributeRuler:
    """Applies an `AttributeRuler`'s rules with a tag table plus an indexed exception matcher."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self.tag_table: dict[int, tuple[int, int]] = {}
        self.index: list[dict[int, list]] = [defaultdict(list) for _ in ATTRS]
        self.anywhere: list = []
        in_tag_map = True
        for i, attrs in enumerate(ruler.attrs):
            for pattern in ruler.matcher.get(str(i))[1]:
                if in_tag_map and _is_tag_rule(pattern, attrs, ruler.indices[i]):
                    tag = ruler.vocab.strings.add(pattern[0]["TAG"])
                    self.tag_table[tag] = (attrs[_POS_ID], attrs[_MORPH_ID])  # a later rule wins, as in spaCy
                    continue
                in_tag_map = False  # from here on order matters: everything goes through matching
                self._add(i, pattern)

    def _add(self, i: int, pattern: list[dict]) -> None:
        if any(not tok or set(tok) - set(ATTRS) for tok in pattern):
            raise UnsupportedPattern(str(pattern))
        strings = self.ruler.vocab.strings
        preds = [[(ATTRS.index(k), _check(v, strings)) for k, v in tok.items()] for tok in pattern]
        entry = (i, strings[str(i)], preds)
        first = pattern[0]
        for a, attr in enumerate(ATTRS):
            value = first.get(attr)
            if isinstance(value, (str, bool)):
                self.index[a][_key(value, strings)].append(entry)
                return
            if isinstance(value, dict) and set(value) == {"IN"}:
                for v in value["IN"]:
                    self.index[a][_key(v, strings)].append(entry)
                return
        self.anywhere.append(entry)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """(rule index, match key, start, end) of every exception match, in the ruler's order."""
        arr = doc.to_array([LOWER, TAG, DEP, IS_SPACE])
        cols = arr.T.tolist()
        n = len(doc)
        starts: dict[int, list] = defaultdict(list)  # position -> rules whose first token may match there
        for a, table in enumerate(self.index):
            if table:
                keys = np.fromiter(table, dtype=arr.dtype, count=len(table))
                for pos in np.flatnonzero(np.isin(arr[:, a], keys)).tolist():
                    starts[pos] += table[cols[a][pos]]
        for entry in self.anywhere:  # first token tested once per distinct value, not at every position
            ok = np.ones(n, dtype=bool)
            for a, check in entry[2][0]:
                values, inverse = np.unique(arr[:, a], return_inverse=True)
                ok &= np.array([check(v) for v in values.tolist()], dtype=bool)[inverse.ravel()]
            for pos in np.flatnonzero(ok).tolist():
                starts[pos].append(entry)
        found = set()
        for pos, cands in starts.items():
            for i, key, preds in cands:
                end = pos + len(preds)
                if end <= n and all(check(cols[a][pos + j]) for j, tp in enumerate(preds) for a, check in tp):
                    found.add((i, key, pos, end))
        return sorted(found)

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            tags = doc.to_array([TAG])
            pos_morph = doc.to_array([POS, MORPH])
            for row, tag in enumerate(tags.tolist()):
                hit = self.tag_table.get(tag)
                if hit is not None:
                    pos_morph[row] = hit
            doc.from_array([POS, MORPH], pos_morph)
        self.ruler.set_annotations(doc, self.match(doc))
        return doc


def _is_tag_rule(pattern: list[dict], attrs: dict, index: int) -> bool:
    """A tag-map rule: one token, matched on its tag alone, setting exactly POS and MORPH."""
    return (
        len(pattern) == 1 and list(pattern[0]) == ["TAG"] and isinstance(pattern[0]["TAG"], str)
        and set(attrs) == {_POS_ID, _MORPH_ID} and index == 0
    )


class FastLemmatizer:
    """A rule `Lemmatizer` memoised on (text, POS, morph), the only things its answer depends on.

    spaCy keeps each POS's word index as a list (57k nouns) and tests `form in index` by scanning it;
    a copy of the lemmatizer reads the same words from sets, so a memo miss costs microseconds.
    """

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = copy.copy(lemmatizer)
        self.lemmatizer.lookups = _with_set_index(lemmatizer.lookups)
        # the mode's method was bound to the original in __init__: bind it to the copy
        self.lemmatizer.lemmatize = getattr(self.lemmatizer, f"{lemmatizer.mode}_lemmatize")
        self.memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        strings = doc.vocab.strings
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.lemmatizer.overwrite:
                continue
            key = (orth, pos, morph)
            hit = self.memo.get(key)
            if hit is None:
                if len(self.memo) >= MEMO_MAX:
                    self.memo.clear()
                hit = self.memo[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = hit
        doc.from_array([LEMMA], lemmas.reshape(-1, 1).astype(np.uint64))
        return doc


def _with_set_index(lookups: Lookups) -> Lookups:
    """The same tables, with each POS's `lemma_index` word list as a frozenset (same membership)."""
    out = Lookups()
    for name in lookups.tables:
        table = out.add_table(name)
        for key, value in lookups.get_table(name).items():
            table[key] = frozenset(value) if name == "lemma_index" else value
    return out


@Language.factory(
    "newsfuse_attribute_ruler",
    requires=["token.tag", "token.dep"],
    assigns=["token.pos", "token.morph", "token.lemma"],
)
def make_attribute_ruler(nlp: Language, name: str, source: str = "attribute_ruler") -> FastAttributeRuler:
    """The fast ruler, built from the pipeline's own `attribute_ruler` (which is then disabled)."""
    return FastAttributeRuler(nlp.get_pipe(source))


@Language.factory(
    "newsfuse_lemmatizer", requires=["token.pos", "token.morph"], assigns=["token.lemma"]
)
def make_lemmatizer(nlp: Language, name: str, source: str = "lemmatizer") -> FastLemmatizer:
    """The memoised lemmatizer, built from the pipeline's own rule `lemmatizer`."""
    return FastLemmatizer(nlp.get_pipe(source))


def install(nlp: Language) -> list[str]:
    """Swap in the fast components where the pipeline has supported originals; names swapped."""
    swapped = []
    if "attribute_ruler" in nlp.pipe_names:
        try:
            nlp.add_pipe("newsfuse_attribute_ruler", after="attribute_ruler")
        except UnsupportedPattern:
            pass
        else:
            nlp.disable_pipe("attribute_ruler")
            swapped.append("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    if isinstance(lemmatizer, Lemmatizer) and lemmatizer.mode == "rule":
        lemmatizer._validate_tables()
        nlp.add_pipe("newsfuse_lemmatizer", after="lemmatizer")
        nlp.disable_pipe("lemmatizer")
        swapped.append("lemmatizer")
    return swapped
