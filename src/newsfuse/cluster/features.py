"""Cheap per-article features for story clustering: hashed TF words/bigrams, capitalised-phrase entities, dates.

Terms are hashed (crc32) into a fixed space so document frequencies fit one numpy array whatever the
stream's vocabulary, and state stays serialisable without a vocabulary table.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from dataclasses import dataclass

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from ..model import Article

HASH_BITS = 22
HASH_SIZE = 1 << HASH_BITS
_MASK = HASH_SIZE - 1

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*")
# a run of capitalised words (with short lower-case joiners such as "of", "de"), or an acronym
_CAPS = re.compile(
    r"(?<![\w’'])(?:[A-Z][a-zA-Z'’\-]*[a-zA-Z]|[A-Z]{2,})(?:\s+(?:(?:of|de|del|la|von|van|al|bin|the|for|and|&)\s+)?(?:[A-Z][a-zA-Z'’\-]*[a-zA-Z]|[A-Z]{2,}))*"
)
# spaCy's list (scikit-learn's also drops news words such as "fire", "bill", "found" and costs ~0.7 s to import)
_STOP = frozenset(STOP_WORDS) | {
    "said", "says", "say", "told", "according", "also", "just", "like", "new", "year", "years", "time",
    "people", "reported", "report", "reports", "mr", "mrs", "ms", "dr", "s", "t", "don", "did", "does",
    "news", "photo", "image", "video", "reuters", "ap", "afp", "getty", "images", "click", "share",
}
# capitalised words that open sentences or headlines but name nothing
_CAP_STOP = _STOP | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "but", "and", "the", "a", "an", "in", "on", "at", "he", "she", "it", "they",
    "we", "i", "you", "this", "that", "there", "when", "while", "after", "before", "police", "officials",
    "read", "more", "advertisement", "copyright", "associated", "press", "update", "updated", "breaking",
}


def term_id(term: str) -> int:
    """Stable hash of a term into the feature space (same id in every process)."""
    return zlib.crc32(term.encode("utf-8")) & _MASK


@dataclass
class Features:
    """Sparse term counts of one article (hashed ids), split into words/bigrams and entities."""

    words: dict[int, float]
    entities: dict[int, float]
    day: float | None  # days since 1970-01-01, None when the article has no date


def article_text(article: Article, max_chars: int = 6000) -> str:
    """The text clustering looks at: headline plus the start of the cleaned (or raw) body."""
    body = article.text or article.raw or ""
    return ((article.title or "") + "\n" + body[:max_chars]).strip()


def _tf(counts: Counter) -> dict[int, float]:
    out: dict[int, float] = {}
    for term, n in counts.items():
        tid = term_id(term)
        out[tid] = out.get(tid, 0.0) + 1.0 + math.log(n)
    return out


def extract(article: Article, *, title_boost: int = 2) -> Features:
    """Words (1-2-grams without stop words), capitalised-phrase entities and the publication day."""
    title = article.title or ""
    body = (article.text or article.raw or "")[:6000]
    words: Counter = Counter()
    ents: Counter = Counter()
    for part, times in ((title, title_boost), (body, 1)):
        if not part:
            continue
        toks = [t.lower().replace("’", "'") for t in _WORD.findall(part)]
        toks = [t for t in toks if t not in _STOP and len(t) > 1]
        for _ in range(times):
            words.update(toks)
            words.update(f"{a} {b}" for a, b in zip(toks, toks[1:]))
        for m in _CAPS.finditer(part):
            phrase = m.group(0)
            words_in = phrase.split()
            while words_in and words_in[0].lower() in _CAP_STOP:
                words_in = words_in[1:]
            if not words_in:
                continue
            key = " ".join(w.lower().replace("’", "'") for w in words_in)
            if key.endswith("'s"):
                key = key[:-2]
            if len(key) < 2:
                continue
            for _ in range(times):
                ents["e:" + key] += 1
                if len(words_in) > 1:  # "Barack Obama" also counts as "obama": later mentions use the surname
                    ents["e:" + words_in[-1].lower().removesuffix("'s")] += 0.5
    return Features(_tf(words), _tf(ents), day_of(article.published))


def day_of(published: str | None) -> float | None:
    """Days since the epoch of an ISO date/datetime string, None when missing or unreadable."""
    if not published:
        return None
    try:
        y, m, d = int(published[0:4]), int(published[5:7]), int(published[8:10])
        return float(np.datetime64(f"{y:04d}-{m:02d}-{d:02d}", "D").astype(np.int64))
    except (ValueError, IndexError):
        return None
