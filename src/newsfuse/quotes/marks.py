"""Direct and partial quote spans: quote-mark scanning, paragraphs and token lookups by offset."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .. import nlp
from ..model import Speaker


OPENERS = "“„«\""
CLOSERS = "”»\""
_QUOTE_CHARS = re.compile(r"[“”„«»\"]")
WORD = re.compile(r"[^\W_]+")


MIN_DIRECT_WORDS = 4


@dataclass
class QuoteSpan:
    start: int  # char offsets in article.text
    end: int
    para: int
    direct: bool
    speaker: Speaker | None = None
    cue: str = ""
    attributed: bool = False
    tail: bool = False  # attributed by a cue right after it ("…," X said)
    unclosed: bool = False  # ran to its paragraph's end: continues in the next paragraph
    by: tuple[int, int] | None = None  # an embedded post's author name (char span): the speaker, no cue needed


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs = newline-separated blocks (clean joins kept blocks with "\\n")."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def direct_spans(text: str, paras: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Quote-mark spans, one linear pass; an unclosed quote ends at its paragraph's end.

    Double marks first; single marks ('…' or ‘…’, the house style of some outlets) are read in the
    text outside double-quoted spans, told from apostrophes by what surrounds them (see `_single_spans`).
    """
    out: list[QuoteSpan] = []
    marks = [(m.start(), m.group()) for m in _QUOTE_CHARS.finditer(text)]
    k = 0
    for pi, (ps, pe) in enumerate(paras):
        open_at, opener = -1, ""
        while k < len(marks) and marks[k][0] < pe:
            i, ch = marks[k]
            k += 1
            if i < ps:
                continue
            if open_at < 0:
                # a closing mark that opens a paragraph or follows a space and leads into a word is a
                # mistyped opener ("”Their aim …,” he said" in scraped copy)
                if ch in OPENERS or (ch == "”" and (i == ps or text[i - 1].isspace()) and text[i + 1 : i + 2].isalnum()):
                    open_at, opener = i, ch
            elif ch in CLOSERS or (ch == "“" and opener == '"'):
                if i > open_at + 1:
                    out.append(QuoteSpan(open_at, i + 1, pi, True))
                open_at = -1
        if open_at >= 0:
            end = len(text[open_at:pe].rstrip())
            if end > 1:
                out.append(QuoteSpan(open_at, open_at + end, pi, True, unclosed=True))
    posts = _post_spans(text, paras)
    if posts:  # a post's own quote marks are part of its words
        out = [q for q in out if not any(overlap(q, p) for p in posts)] + posts
    single = _single_spans(text, paras, out)
    if len(out) >= 2 and len(out) >= len(single):
        single = []  # the article quotes with double marks: its single marks are headlines' or nested quotes
    return sorted(out + single, key=lambda q: q.start)


# an embedded post as scraped copy keeps it: "text — Ann Lee (@annlee) May 3, 2017" on one line
_POST = re.compile(
    r"(?:\d+/\d+\s+)?(?P<body>\S.*\S)\s+[—–-]{1,2}\s+(?P<name>[^\s()@][^()@\n]{0,60}?)\s+\(@\w{1,30}\)\s+"
    r"(?:[A-Z][a-z]{2,8}\.? \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]{2,8} \d{4})\s*$"
)


def _post_spans(text: str, paras: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Embedded social-media posts ("… — Ann Lee (@annlee) May 3, 2017"): the post's words, said by its author."""
    out = []
    for pi, (ps, pe) in enumerate(paras):
        if "(@" not in text[ps:pe]:
            continue
        m = _POST.match(text, ps, pe)
        if m and len(WORD.findall(m.group("body"))) >= 2:
            out.append(QuoteSpan(m.start("body"), m.end("body"), pi, True, cue="posted", attributed=True,
                             tail=True, by=(m.start("name"), m.end("name"))))
    return out


_SINGLE = re.compile(r"['‘’]")
_ELISION = re.compile(r"(?:n|em|til|cause|tis|twas|\d\ds?)\b", re.I)  # rock 'n' roll, 'em, '90s


def _single_spans(text: str, paras: list[tuple[int, int]], double: list[QuoteSpan]) -> list[QuoteSpan]:
    """Single-mark quote spans outside double-quoted ones: an opener after a space (or the paragraph
    start) before a word, a closer after a word or punctuation before a space, punctuation or the end.
    An apostrophe inside a word (don't) is neither; "the girls' mothers" (s' then a lowercase word) is
    a plural possessive. An unclosed single quote counts only when it opens its paragraph."""
    out: list[QuoteSpan] = []
    taken = [(q.start, q.end) for q in double]
    ti = 0
    for pi, (ps, pe) in enumerate(paras):
        open_at = -1
        for m in _SINGLE.finditer(text, ps, pe):
            i = m.start()
            while ti < len(taken) and taken[ti][1] <= i:
                ti += 1
            if ti < len(taken) and taken[ti][0] <= i:
                continue  # nested inside a double-quoted span
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            if prev.isalnum() and nxt.isalnum():
                continue  # apostrophe inside a word
            if open_at < 0:
                if m.group() != "’" and (prev.isspace() or prev in "([—–-\"") and (nxt.isalnum() or nxt in "…."):
                    if not _ELISION.match(text, i + 1, pe):
                        open_at = i
                continue
            if m.group() == "‘" or prev.isspace() or i <= open_at + 1:
                continue
            if not (nxt.isspace() or nxt in ".,;:!?)—–-\"" or i + 1 >= pe):
                continue
            if prev in "sS" and nxt == " " and text[i + 2 : i + 3].islower() and not _cue_follows(text, i + 2, pe):
                continue  # "the girls' mothers": a plural possessive, not a closer
            out.append(QuoteSpan(open_at, i + 1, pi, True))
            open_at = -1
        if open_at >= 0 and open_at == ps + len(text[ps:pe]) - len(text[ps:pe].lstrip()):
            end = len(text[open_at:pe].rstrip())
            if end > 1:
                out.append(QuoteSpan(open_at, open_at + end, pi, True, unclosed=True))
    return out


_CUE_WORDS = re.compile(r"(?:he|she|they|it|we|said|says|added|told|according|wrote|explained)\b")


def _cue_follows(text: str, i: int, end: int) -> bool:
    """Does a speech cue start at `i` ("…' he said")?"""
    return bool(_CUE_WORDS.match(text, i, end))


def _newline_tokens(doc, text: str, starts: list[int]) -> list[int]:
    """Indices of the tokens whose text holds a line break, in order, found from the text's line breaks (a token's
    text is text[start : start + length]) instead of reading every token's text."""
    lengths = doc.to_array("LENGTH").tolist() if len(doc) else []
    out: list[int] = []
    at = text.find("\n")
    while at >= 0:
        i = bisect_right(starts, at) - 1
        if i >= 0 and at < starts[i] + lengths[i] and (not out or out[-1] != i):
            out.append(i)
        at = text.find("\n", at + 1)
    return out


class QuoteDoc:
    """Token lookups by character offset and quote masks, built once per article (all O(n))."""

    def __init__(self, doc, direct: list[QuoteSpan]) -> None:
        self.doc = doc
        self.text = nlp.doc_text(doc)
        self.toks = nlp.doc_tokens(doc)  # Token objects made once, not on every walk
        self.starts = nlp.doc_starts(doc)
        self.pos = nlp.doc_pos(doc)  # each token's part of speech and lower-cased form, read once per Doc
        self.lower = nlp.doc_lower(doc)
        self.sent = [0] * len(doc)
        self.sent_bounds: list[tuple[int, int]] = []
        try:
            bounds = [(s.start, s.end) for s in nlp.doc_sents(doc)]
        except ValueError:  # a Doc without sentence boundaries (no parser): one sentence
            bounds = [(0, len(doc))]
        for si, (lo, hi) in enumerate(bounds):
            self.sent_bounds.append((lo, hi))
            self.sent[lo:hi] = [si] * (hi - lo)
        self.para = [0] * len(doc)  # paragraph (newline-separated) index of each token
        self.para_bounds: list[tuple[int, int]] = []
        lo = 0
        for i in _newline_tokens(doc, self.text, self.starts):  # a paragraph ends with each token holding "\n"
            self.para[lo : i + 1] = [len(self.para_bounds)] * (i + 1 - lo)
            self.para_bounds.append((lo, i))
            lo = i + 1
        self.para[lo:] = [len(self.para_bounds)] * (len(doc) - lo)
        self.para_bounds.append((lo, len(doc)))
        self.in_quote = [False] * len(doc)
        for q in direct:
            lo, hi = self.tok_at(q.start), self.tok_at(q.end - 1) + 1
            self.in_quote[lo:hi] = [True] * (hi - lo)

    def clip(self, i: int) -> tuple[int, int]:
        """Token bounds of token i's sentence, cut at paragraph breaks (the parser may run across them)."""
        lo, hi = self.sent_bounds[self.sent[i]]
        plo, phi = self.para_bounds[self.para[i]]
        return max(lo, plo), min(hi, phi)

    def tok_at(self, char: int) -> int:
        """Index of the token covering (or right before) `char`."""
        return max(0, min(len(self.starts) - 1, bisect_right(self.starts, char) - 1))

    def tok_from(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect_left(self.starts, char)


def overlap(a: QuoteSpan, b: QuoteSpan) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
