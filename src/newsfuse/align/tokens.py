"""Content tokens for lexical overlap: lowercased, de-comma'd numbers, stop words out, plurals folded."""

from __future__ import annotations

import functools
import re

from ..clean.furniture import caption_or_credit, unsigned
from .tuning import MIN_WORDS


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
    return list(cached_tokens(text))


@functools.lru_cache(maxsize=1 << 16)
def cached_tokens(text: str) -> tuple[str, ...]:
    """`tokens`, memoised: a brief reads each sentence's tokens several times (TF-IDF of facts and of quotes,
    claim words, single-source checks)."""
    text = _NUM_COMMA.sub("", text.lower().replace("’", "'")).replace("%", " percent")
    return tuple(filter(None, map(_FOLDED.__getitem__, _WORD.findall(text))))


class WordMemo(dict):
    """A bounded memo read as a dict (`memo[key]`, or `map(memo.__getitem__, keys)` at C speed, where an
    lru_cache call per word costs more than the work): news repeats its words, so each is worked out once."""

    def __init__(self, fn, limit: int = 200_000) -> None:
        super().__init__()
        self.fn, self.limit = fn, limit

    def __missing__(self, key: str) -> str:
        if len(self) >= self.limit:
            self.clear()
        got = self[key] = self.fn(key)
        return got


def _fold(w: str) -> str:
    """A word as `_WORD` finds it -> its content token, or "" for none (a stop word)."""
    folded = w.split("'")[0] if w.endswith(("'s", "'")) else w
    if not folded or folded in _stop_words():
        return ""
    if len(folded) > 4 and folded.endswith("s") and not folded.endswith("ss") and not folded.isdigit():
        return folded[:-1]
    return folded


_FOLDED = WordMemo(_fold)


_DATELINE_ONLY = re.compile(r"[-–—]\s*$")  # "PLACE, March 12 (Agency) -": the line opening a report, no statement


_CLOSERS = ".!?…\"”’')]"  # what ends a sentence of the body (a stop, or a quote mark or bracket after one)


def open_line(text: str) -> bool:
    """A line with no closing stop: a headline, teaser, caption or bullet rather than a sentence of the body.
    (Trailing whitespace counts as no stop, as the search for a non-closer before only whitespace it replaces read it.)"""
    return bool(text) and text[-1] not in _CLOSERS


# the article's own question headings ("What happens next?") are no statements; a quoted question may be news
_OWN_QUESTION = re.compile(r"^[^“\"]*\?[\"'”’)]*\s*$")
HEADING_WORDS = 8  # a line without a closing stop and shorter than this is a heading, not a statement


@functools.lru_cache(maxsize=1 << 15)
def alignable(text: str) -> bool:
    """A statement outlets can agree on: long enough, not a dateline, a photo caption or credit (the cleaner's one
    test; an embedded post's words are its author's statement), a heading or a question. Memoised: a story's
    sentences come back at each of its re-briefs."""
    words = len(text.split())
    if words < MIN_WORDS or _DATELINE_ONLY.search(text) or _OWN_QUESTION.search(text):
        return False
    if words < HEADING_WORDS and open_line(text.rstrip("\"”’'")):
        return False  # a heading in quote marks is one too
    # the caption test is the dearest: last; only an embedded post has a signature to cut ("(@handle)")
    return not caption_or_credit(unsigned(text) if "(@" in text else text)


# a pronoun or demonstrative that needs an earlier sentence ("He said", "It was", "But their names", "This comes after")
_PRONOUN_OPENING = re.compile(r"^[\"“‘']?\s*(?:(?:but|and|so|yet|still|also|then|however)\s*,?\s+)?"
                              r"(?:he|she|they|it|his|her|their|its|him|them|this|these|those)\b", re.I)


def opens_on_pronoun(text: str) -> bool:
    """A sentence that opens on a pronoun or demonstrative: whom it means is in a sentence before it, so it
    cannot lead a line of its own (a summary's first, a fact's lead) while another wording names it."""
    return bool(_PRONOUN_OPENING.match(text))


def starts_mid_quote(text: str) -> bool:
    """True when the first quote mark closes a quote that opened in an earlier sentence."""
    m = re.search(r'["“”]', text)
    if not m:
        return False
    if m.group() == "”":
        return True
    return m.group() == '"' and m.start() > 0 and text[m.start() - 1] in ",.!?;:" and text.count('"') % 2 == 1


def quote_fragment(text: str) -> bool:
    """A piece of a quote the sentence splitter cut apart: the tail of one opened in an earlier sentence, or the
    first half of one closed in a later sentence (words with no one saying them)."""
    return starts_mid_quote(text) or (text.lstrip()[:1] in ('"', "“")
                                      and bool(text.count('"') % 2 or text.count("“") != text.count("”")))




def cut_quote(text: str) -> bool:
    """A sentence that begins or ends inside quote marks (`quote_fragment`, or a quote it opens and never closes:
    "…, Ann Lee replied: “Not yet."): part of a quote the sentence splitter cut, not a statement of its own."""
    return quote_fragment(text) or text.count("“") > text.count("”") or text.count('"') % 2 == 1


def stem(word: str) -> str:
    """Fold inflections so 'debated' meets 'debate' and 'filming' meets 'filmed' (matching only, never shown)."""
    for suffix in ("ity", "ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4 and not word.isdigit():
            return word[: -len(suffix)]
    return word


_NUMBER_WORDS: dict[str, str] | None = None
_NUMBER_WORD: re.Pattern | None = None


def number_words_as_digits(text: str) -> str:
    """One-word number words as the digits `tokens` gives ("ten" -> "10", "dozen" -> "12")."""
    global _NUMBER_WORDS, _NUMBER_WORD
    if _NUMBER_WORD is None:
        from ..claims.numbers import NUMBER_WORDS

        _NUMBER_WORDS = {w: f"{v:g}" for w, v in NUMBER_WORDS.items() if " " not in w and v < 1000}
        _NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
    if _NUMBER_WORDS.keys().isdisjoint(_LETTERS.findall(text.lower())):
        return text  # no number word: one scan for words beats trying each of them at every word
    # a word re.I matches through a look-alike letter ("ſix") has no entry: it stays as written
    return _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS.get(m.group(1).lower(), m.group(1)), text)


_LETTERS = re.compile(r"[a-z]+")


DIGITS = re.compile(r"^\d+(?:\.\d+)?$")


# content token -> the token as claims compare it: numbers as they are, words stemmed
_CLAIM_TOKENS = WordMemo(lambda token: token if DIGITS.match(token) else stem(token))


@functools.lru_cache(maxsize=1 << 15)
def claim_words(text: str) -> frozenset[str]:
    """A sentence's content words as claims are compared: stemmed, number words as digits, short words out; and
    adjacent content-word pairs ("final offer"), rarer than either word, so shared wording counts."""
    toks = list(map(_CLAIM_TOKENS.__getitem__, cached_tokens(number_words_as_digits(text))))
    words = {t for t in toks if len(t) >= 3 or DIGITS.match(t)}
    return frozenset(words | set(map(" ".join, zip(toks, toks[1:]))))


@functools.lru_cache(maxsize=1 << 14)
def name_words(name: str) -> frozenset[str]:
    """`claim_words` of an entity name, memoised apart from the sentences' (names recur; they must not crowd
    sentences out of that memo)."""
    return claim_words.__wrapped__(name)
