"""Name keys: transliteration skeletons, fuzzy name similarity and candidate blocking."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import fuzz


_NOT_KEY = re.compile(r"[^a-z0-9 ]+")
_DOUBLED = re.compile(r"(.)\1+")
_IE = re.compile(r"(?<=[aeiou])ie|\bie")


@functools.lru_cache(maxsize=65536)
def skeleton(name: str) -> str:
    """Transliteration-folded key: no diacritics/case/punctuation; y/i/ie/iy/ij and doubles folded."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = _NOT_KEY.sub("", s.replace("-", " "))
    s = s[4:] if s.startswith("the ") else s
    s = s.replace("kh", "h").replace("ph", "f").replace("w", "v").replace("y", "i").replace("j", "i")
    s = s.replace("ie", "i")
    s = _DOUBLED.sub(r"\1", s)  # ii -> i, nn -> n
    return s.strip()


@functools.lru_cache(maxsize=65536)
def translit_key(name: str) -> str:
    """A looser key for Cyrillic-origin names: the skeleton with h/g, ts/tz/c, ks/x, e/ye folded
    (Holubets ~ Golubets ~ Golubetz); used only where a second signal guards (first names, length)."""
    s = skeleton(name)
    s = s.replace("tz", "c").replace("ts", "c").replace("cz", "c").replace("ks", "x").replace("g", "h")
    s = _IE.sub("e", s)
    return _DOUBLED.sub(r"\1", s)


@functools.lru_cache(maxsize=65536)
def _plain(name: str) -> str:
    s = unicodedata.normalize("NFKD", name)
    return "".join(c for c in s if not unicodedata.combining(c) and c.isalnum()).lower()


@functools.lru_cache(maxsize=1 << 16)
def similar(a: str, b: str, threshold: float = 90) -> bool:
    """Same skeleton, same transliteration key (names of 5+ letters), or near-identical skeletons
    (rapidfuzz ratio) for names long enough to trust. Memoised: clustering an article's mentions asks the
    same pairs again and again."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return False
    if len(ka) <= 4 and len(kb) <= 4:  # short names: letters folded only for accents ("Jong" is no "Yong")
        return _plain(a) == _plain(b)
    if ka == kb:
        return True
    if min(len(ka), len(kb)) >= 5 and translit_key(a) == translit_key(b):
        return True
    return min(len(ka), len(kb)) >= 6 and fuzz.ratio(ka, kb) >= threshold


class Blocks:
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
    """Two first names that can be the same person: equal, transliteration variants, or an initial;
    never a man's and a woman's name (Daniel / Danielle)."""
    ka, kb = skeleton(a), skeleton(b)
    if not ka or not kb:
        return True
    if len(ka) == 1 or len(kb) == 1:
        return ka[0] == kb[0]
    if ka == kb:
        return True
    from .firstnames import FEMALE, MALE

    la, lb = a.lower().rstrip("."), b.lower().rstrip(".")
    if (la in MALE and lb in FEMALE) or (la in FEMALE and lb in MALE):
        return False
    return min(len(ka), len(kb)) >= 4 and fuzz.ratio(ka, kb) >= 80


_SUFFIXES = frozenset("jr sr ii iii iv".split())


def name_words(name: str) -> list[str]:
    """A person's name as words, without a generational suffix ("Jr.", "III")."""
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".,") in _SUFFIXES:
        words.pop()
    return words


def surnames_of(name: str) -> list[str]:
    """The words a full name may be shortened to: its last word, and the one before it in a name of
    three or more words (Spanish double surnames: "Laura Chinchilla Miranda" is "Chinchilla")."""
    words = [w for w in name_words(name) if w.lower() not in ("da", "de", "do", "dos", "das", "del", "van", "von", "der", "la", "le", "bin", "al", "el")]
    if len(words) < 2:
        return words
    return [words[-1]] + ([words[-2]] if len(words) >= 3 else [])


def name_forms(name: str, aliases: Iterable[str] = (), person: bool = False) -> list[str]:
    """Lower-case forms a text may name an entity by where NER missed the name: the name, its aliases, and a
    person's surname ("Rubio’s meeting" names Marco Rubio)."""
    forms = {n.lower() for n in [name, *aliases] if len(n) > 3}
    if person and len(name.split()) > 1 and len(name.split()[-1]) > 3:
        forms.add(name.split()[-1].lower())
    return sorted(forms)


@functools.lru_cache(maxsize=4096)
def forms_pattern(forms: tuple[str, ...]) -> re.Pattern:
    """One pattern finding any of `name_forms` as whole words in lower-cased text."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b")


def same_person_names(a: str, b: str) -> bool:
    """Two full names of one person: compatible first names and a shared surname, or one name the other
    with words left out ("Laura Chinchilla" / "Laura Chinchilla Miranda", "Bruce M. Steinberg")."""
    if _plain(a) == _plain(b):  # "Kim Jong-Un" / "Kim Jong Un"
        return True
    fa, fb = _person_parts(a)[0], _person_parts(b)[0]
    if not fa or not fb or not _first_names_compatible(fa, fb):
        return False
    sa, sb = surnames_of(a), surnames_of(b)
    if similar(sa[0], sb[0]):
        return True
    # words left out: exact words only ("Kim Yong" is not "Kim Jong Un", though j/y fold together)
    ka, kb = {w.lower() for w in sa}, {w.lower() for w in sb}
    return fa.lower() == fb.lower() and bool(ka & kb)


def _person_parts(name: str) -> tuple[str, str]:
    words = name_words(name)
    return (words[0] if len(words) > 1 else "", words[-1])


LEGAL = frozenset(
    "inc incorporated corp corporation co company ltd limited llc plc lp llp ag sa nv se spa bv gmbh oyj asa ab".split()
)
"""Legal-form words that end a company's name ("Acme Holdings Ltd" is "Acme Holdings")."""


def strip_legal(name: str) -> str:
    """The name without trailing legal-form words and their punctuation ("Acme Co Ltd" -> "Acme")."""
    words = name.replace(",", " ").split()
    while len(words) > 1 and words[-1].lower().strip(".()") in LEGAL:
        words.pop()
    return " ".join(words)
