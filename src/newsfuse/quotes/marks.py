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
_WORD = re.compile(r"[^\W_]+")


MIN_DIRECT_WORDS = 4


@dataclass
class _Span:
    start: int  # char offsets in article.text
    end: int
    para: int
    direct: bool
    speaker: Speaker | None = None
    cue: str = ""
    attributed: bool = False
    tail: bool = False  # attributed by a cue right after it ("…," X said)
    unclosed: bool = False  # ran to its paragraph's end: continues in the next paragraph


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs = newline-separated blocks (clean joins kept blocks with "\\n")."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _direct_spans(text: str, paras: list[tuple[int, int]]) -> list[_Span]:
    """Quote-mark spans, one linear pass; an unclosed quote ends at its paragraph's end."""
    out: list[_Span] = []
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
                if ch in OPENERS:
                    open_at, opener = i, ch
            elif ch in CLOSERS or (ch == "“" and opener == '"'):
                if i > open_at + 1:
                    out.append(_Span(open_at, i + 1, pi, True))
                open_at = -1
        if open_at >= 0:
            end = len(text[open_at:pe].rstrip())
            if end > 1:
                out.append(_Span(open_at, open_at + end, pi, True, unclosed=True))
    return out


class _Doc:
    """Token lookups by character offset and quote masks, built once per article (all O(n))."""

    def __init__(self, doc, direct: list[_Span]) -> None:
        self.doc = doc
        self.text = nlp.doc_text(doc)
        self.starts = [t.idx for t in doc]
        self.sent = [0] * len(doc)
        self.sent_bounds: list[tuple[int, int]] = []
        try:
            bounds = [(s.start, s.end) for s in doc.sents]
        except ValueError:  # a Doc without sentence boundaries (no parser): one sentence
            bounds = [(0, len(doc))]
        for si, (lo, hi) in enumerate(bounds):
            self.sent_bounds.append((lo, hi))
            for i in range(lo, hi):
                self.sent[i] = si
        self.para = [0] * len(doc)  # paragraph (newline-separated) index of each token
        self.para_bounds: list[tuple[int, int]] = []
        lo = 0
        for t in doc:
            self.para[t.i] = len(self.para_bounds)
            if "\n" in t.text:
                self.para_bounds.append((lo, t.i))
                lo = t.i + 1
        self.para_bounds.append((lo, len(doc)))
        self.in_quote = [False] * len(doc)
        for q in direct:
            for i in range(self.tok_at(q.start), self.tok_at(q.end - 1) + 1):
                self.in_quote[i] = True

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


def _overlap(a: _Span, b: _Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))
