"""Faster stand-ins for spaCy's rule-based `attribute_ruler` and `lemmatizer`: same annotations.

On 500-word articles spaCy's ruler cost more than the parser: its `Matcher` tries each of ~180
patterns at every token. Here the tag-map rules (tag -> POS + MORPH; they come first and touch
every token) are one array write and the exception rules are found through a memo of what starts at a
token with given attributes; the matches are applied in the ruler's own order (later rules win) into the
same array, written back once.
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
SET_ATTRS = (POS, MORPH, LEMMA, TAG, DEP)  # token attributes the ruler may set (the first two: the tag map's)


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
    if len(checks) == 1:
        return checks[0]
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
        self.tag_keys = np.array(sorted(self.tag_table), dtype=np.uint64)
        self.tag_values = np.array([self.tag_table[t] for t in self.tag_keys.tolist()], dtype=np.uint64).reshape(-1, 2)
        self.memo: dict[bytes, tuple[tuple, tuple]] = {}  # a token's attributes -> rules starting there
        # the rules only set token attributes that `Doc.from_array` writes the same way: one array write for all
        self.direct = all(set(attrs) <= set(SET_ATTRS) for attrs in ruler.attrs)
        self.writes = [[(SET_ATTRS.index(a), v) for a, v in attrs.items()] if self.direct else [] for attrs in ruler.attrs]

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
        if not len(doc):
            return []
        arr = doc.to_array([LOWER, TAG, DEP, IS_SPACE])
        n = len(arr)
        # each token's attributes as one bytes key (no per-token Python ints): what starts there is memoised on it
        keys = np.ascontiguousarray(arr).view(f"V{arr.shape[1] * arr.itemsize}").ravel().tolist()
        memo = self.memo
        found = set()
        for pos, row in enumerate(keys):
            hit = memo.get(row)
            if hit is None:
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                hit = memo[row] = self._starting(tuple(arr[pos].tolist()))
            singles, longer = hit
            for i, key in singles:
                found.add((i, key, pos, pos + 1))
            for i, key, preds in longer:
                end = pos + len(preds)
                if end <= n and all(check(arr.item(pos + j, a)) for j in range(1, len(preds)) for a, check in preds[j]):
                    found.add((i, key, pos, end))
        return sorted(found)

    def _starting(self, row: tuple[int, ...]) -> tuple[tuple, tuple]:
        """The rules whose first token matches a token with these attributes: the one-token rules as (rule index,
        match key), the longer ones as their entries (their other tokens are tested where they occur)."""
        singles, longer = [], []
        cands = [entry for a, table in enumerate(self.index) for entry in table.get(row[a], ())]
        for entry in cands + self.anywhere:
            if all(check(row[a]) for a, check in entry[2][0]):
                if len(entry[2]) == 1:
                    singles.append(entry[:2])
                else:
                    longer.append(entry)
        return tuple(dict.fromkeys(singles)), tuple(longer)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        matches = self.match(doc)
        if not self.direct:
            self._tag_map(doc)
            self.ruler.set_annotations(doc, matches)
            return doc
        # the tag map and then every match in order (a later one wins), written as one array
        values = doc.to_array(list(SET_ATTRS))
        self._tag_map_rows(doc.to_array(TAG), values[:, :2])
        cols = values.T.tolist()
        writes, indices = self.writes, self.ruler.indices
        for i, key, start, end in matches:
            at = (start if indices[i] >= 0 else end) + indices[i]
            if not start <= at < end:  # spaCy's own code raises the ruler's error; where it does not, no write
                self.ruler.set_annotations(doc, [(i, key, start, end)])
                continue
            for col, value in writes[i]:
                cols[col][at] = value
        doc.from_array(list(SET_ATTRS), np.array(cols, dtype=np.uint64).T)
        return doc

    def _tag_map_rows(self, tags: np.ndarray, pos_morph: np.ndarray) -> None:
        """Write the tag map's (POS, MORPH) of each token whose tag it has into `pos_morph`, in place."""
        if len(self.tag_keys):
            at = np.minimum(np.searchsorted(self.tag_keys, tags), len(self.tag_keys) - 1)
            known = self.tag_keys[at] == tags
            pos_morph[known] = self.tag_values[at[known]]

    def _tag_map(self, doc: Doc) -> None:
        pos_morph = doc.to_array([POS, MORPH])
        self._tag_map_rows(doc.to_array(TAG), pos_morph)
        doc.from_array([POS, MORPH], pos_morph)


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
        self.memo: dict[bytes, int] = {}  # (text, POS, morph) as bytes -> lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        # (text, POS, morph) of each token as one bytes key: no per-token Python ints or tuples
        keys = np.ascontiguousarray(rows[:, :3]).view(f"V{3 * rows.itemsize}").ravel().tolist()
        lemmas = rows[:, 3].tolist()
        strings, memo, overwrite = doc.vocab.strings, self.memo, self.lemmatizer.overwrite
        for i, key in enumerate(keys):
            if lemmas[i] and not overwrite:
                continue
            hit = memo.get(key)
            if hit is None:
                if len(memo) >= MEMO_MAX:
                    memo.clear()
                hit = memo[key] = strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            lemmas[i] = hit
        doc.from_array([LEMMA], np.array(lemmas, dtype=np.uint64).reshape(-1, 1))
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
