"""Name keys: transliteration skeletons, fuzzy name similarity and candidate blocking."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict

from rapidfuzz import fuzz


@functools.lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Transliteration-folded key: no diacritics/case/punctuation; y/i/ie/iy/ij and doubles folded."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9 ]+", "", s.replace("-", " "))
    s = re.sub(r"^the ", "", s)
    s = s.replace("kh", "h").replace("ph", "f").replace("w", "v").replace("y", "i").replace("j", "i")
    s = s.replace("ie", "i")
    s = re.sub(r"(.)\1+", r"\1", s)  # ii -> i, nn -> n
    return s.strip()


@functools.lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """A looser key for Cyrillic-origin names: the skeleton with h/g, ts/tz/c, ks/x, e/ye folded
    (Holubets ~ Golubets ~ Golubetz); used only where a second signal guards (first names, length)."""
    s = skeleton(name)
    s = s.replace("tz", "c").replace("ts", "c").replace("cz", "c").replace("ks", "x").replace("g", "h")
    s = re.sub(r"(?<=[aeiou])ie|\bie", "e", s)
    return re.sub(r"(.)\1+", r"\1", s)


def similar(a: str, b: str, threshold: float = 90) -> bool:
    """Same skeleton, same transliteration key (names of 5+ letters), or near-identical skeletons
    (rapidfuzz ratio) for names long enough to trust."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if min(len(ka), len(kb)) >= 5 and translit_key(a) == translit_key(b):
        return True
    return min(len(ka), len(kb)) >= 6 and fuzz.ratio(ka, kb) >= threshold


class _Blocks:
    """Keys indexed by exact value, transliteration key and 3-letter prefix/suffix, so fuzzy matching
    only compares a name with the few keys that could match it (linear instead of quadratic)."""

    def __init__(self) -> None:
        self.order: dict[str, int] = {}
        self.index: dict[str, set[str]] = defaultdict(set)

    @staticmethod
    def _codes(key: str) -> list[str]:
        k = key.replace(" ", "")
        return ["=" + key, "t" + translit_key(key), "p" + k[:3], "s" + k[-3:]]

    def add(self, key: str) -> None:
        if key not in self.order:
            self.order[key] = len(self.order)
            for c in self._codes(key):
                self.index[c].add(key)

    def candidates(self, name: str) -> list[str]:
        """Known keys that may match `name` (a superset of those `similar` accepts), oldest first."""
        key = skeleton(name)
        found: set[str] = set()
        for c in self._codes(key):
            found |= self.index.get(c, set())
        return sorted(found, key=self.order.__getitem__)


def _first_names_compatible(a: str, b: str) -> bool:
    """Two first names that can be the same person: equal, transliteration variants, or an initial."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return True
    if len(ka) == 1 or len(kb) == 1:
        return ka[0] == kb[0]
    return ka == kb or (min(len(ka), len(kb)) >= 4 and fuzz.ratio(ka, kb) >= 80)


def _person_parts(name: str) -> tuple[str, str]:
    words = name.split()
    return (words[0] if len(words) > 1 else "", words[-1])
