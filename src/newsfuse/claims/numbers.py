"""Claim numbers: parsing stated numbers, quantities, qualifiers and parenthetical conversions."""

from __future__ import annotations

import re

from ..model import Quantity
from .units import CANONICAL, convert, CURRENCY_SYMBOLS, CURRENCY_WORDS, UNITS


_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "a hundred": 100,
    "a thousand": 1000, "a million": 1e6, "a billion": 1e9,
}
NUMBER_WORDS = _SMALL  # public: later stages read number words the way claims do

_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
           "k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "b": 1e9, "tn": 1e12, "trn": 1e12}
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "twentieth": 20,
}
_FRACTIONS = {"half": 0.5, "a half": 0.5, "one-half": 0.5, "a third": 1 / 3, "one-third": 1 / 3, "one third": 1 / 3,
              "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25, "one-quarter": 0.25, "one quarter": 0.25,
              "three-quarters": 0.75, "three quarters": 0.75, "a fifth": 0.2, "one-fifth": 0.2, "a tenth": 0.1}
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 100, "thousands": 1000, "tens of thousands": 10_000,
          "hundreds of thousands": 100_000, "millions": 1e6, "tens of millions": 1e7, "billions": 1e9}
# amounts stated by a word alone: (lowest, highest) plausible count
VAGUE_WORDS = {"some": (2, float("inf")), "a handful": (2, 6), "several": (3, 9), "numerous": (4, float("inf")), "dozens": (24, 99),
               "scores": (40, 199), "hundreds": (200, 999), "thousands": (2000, 9999), "tens of thousands": (20_000, 99_999),
               "hundreds of thousands": (200_000, 999_999), "millions": (2e6, 9.99e6), "tens of millions": (2e7, 9.99e7),
               "billions": (2e9, 9.99e9)}
# surface qualifier -> canonical qualifier
_QUALIFIERS = {
    "around": "around", "about": "around", "approximately": "around", "roughly": "around", "some": "around",
    "an estimated": "around", "estimated": "around", "circa": "around", "nearly": "nearly", "almost": "nearly",
    "close to": "nearly", "just under": "nearly", "more than": "more than", "over": "more than",
    "above": "more than", "upwards of": "more than", "in excess of": "more than", "just over": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least", "up to": "up to",
    "as many as": "up to", "as much as": "up to", "at most": "up to", "no more than": "up to",
    "less than": "less than", "fewer than": "less than", "under": "less than", "below": "less than",
    "exactly": "exactly", "only": "only", "just": "only",
}
_QUAL_RX = re.compile(
    r"(?:^|(?<=[\s(—–-]))(" + "|".join(sorted((re.escape(q) for q in _QUALIFIERS), key=len, reverse=True)) + r")\s+(?:a\s+)?$",
    re.I,
)
# unit words -> (pint unit, dimension name). Longest first in the regex.


_WORDNUM = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
            r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            r"|seventeen|eighteen|nineteen|a\s+dozen|a\s+hundred|a\s+thousand|a\s+million|a\s+billion)")
_NUMD = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# "44million", "2.5bn"-style run-ons are common in tabloid copy: the scale word may follow the digits directly
_NUMBER = rf"(?:{_NUMD}|{_WORDNUM})(?:[\s-]?(?:hundred|thousand|million|billion|trillion)){{0,2}}"
_UNIT_RX = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CUR_SYM = r"(?:US\$|C\$|A\$|\$|€|£|¥|₹|₽|₴)"
_CUR_WORD = "|".join(re.escape(u) for u in sorted(CURRENCY_WORDS, key=len, reverse=True))
_FRAC = "|".join(re.escape(f) for f in sorted(_FRACTIONS, key=len, reverse=True))
_VAG = "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))
_ORD = "|".join(_ORDINALS)
_START = r"(?<![\w\-./:])"
# plural people nouns after which "some" is an amount ("some girls escaped"), not a determiner of anything
_GROUPS = ("people|residents|civilians|children|girls|boys|women|men|students|passengers|workers|soldiers|migrants|"
           "victims|villagers|prisoners|hostages|survivors|protesters")
# Every alternative needs a non-word character before it and starts with a digit, a currency sign or the first
# word of a number, fraction, ordinal or vague-amount phrase (or "magnitude"): testing that first lets the engine
# skip most word starts at once (same matches; 0.66 CPU s instead of 1.11 on 3.1M characters of news).
_FIRST_WORDS = sorted(
    {re.split(r"[\s-]", w)[0] for w in (*_SMALL, *_ORDINALS, *_FRACTIONS, *_VAGUE, *VAGUE_WORDS)}
    | {"magnitude", "numerous", "several", "some"},
    key=len, reverse=True,
)


def _prefix_trie(words: list[str]) -> str:
    """A regex matching where one of `words` starts (a prefix test, as inside a lookahead), written as a trie:
    a word that extends another is dropped, and the rest share their first letters, so the engine tests each
    word start against a few letters instead of every word in turn."""
    ws = sorted(set(words))
    ws = [w for w in ws if not any(v != w and w.startswith(v) for v in ws)]

    def build(rest: list[str]) -> str:
        if rest == [""]:
            return ""
        groups: dict[str, list[str]] = {}
        for w in rest:
            groups.setdefault(w[:1], []).append(w[1:])
        alts = [re.escape(c) + build(tails) for c, tails in sorted(groups.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(ws)


_QTY_FIRST = r"(?<!\w)(?=[\d$€£¥₹₽₴]|(?:us|c|a)\$|a\s|" + _prefix_trie([w for w in _FIRST_WORDS if w != "a"]) + ")"
QTY = re.compile(
    rf"{_QTY_FIRST}(?:{_START}(?P<money>(?P<sym>{_CUR_SYM})\s?(?P<mnum>{_NUMD})(?:\s?(?P<mscale>hundred|thousand|million|billion|trillion|bn|mn|tn|trn|m|b|k)\b)?)"
    rf"|{_START}(?P<mag>(?:magnitude[\s-](?:of\s)?(?P<magn1>\d+(?:\.\d+)?))|(?P<magn2>\d+(?:\.\d+)?)[\s-]magnitude)"
    rf"|{_START}(?P<pct>(?P<pnum>{_NUMBER})\s?(?P<punit>%|percent\b|per\s+cent\b|percentage\s+points?\b))"
    rf"|{_START}(?P<unit>(?P<unum>{_NUMBER})[\s-]?(?P<uname>{_UNIT_RX})(?![\w/]))"
    rf"|{_START}(?P<cur>(?P<cnum>{_NUMBER})\s+(?P<cword>{_CUR_WORD})\b)"
    rf"|(?<![\w-])(?P<vague>(?P<vword>{_VAG})\s+of\b|several\s+(?P<vsev>hundred|thousand|million)\b)"
    rf"|(?<![\w-])(?P<vague2>several|numerous|dozens|scores|a\s+handful(?=\s+of\b)|some(?=\s+(?:{_GROUPS})\b))\b(?=\s+(?:of\s+)?[a-z])"
    rf"|(?<![\w-])(?P<frac>(?P<fword>{_FRAC})\b(?=\s+(?:of\b|(?:the|their|its|his|her|all)\b)))"
    rf"|(?<![\w-])(?P<ord>(?:{_ORD})\b|\d+(?:st|nd|rd|th)\b)"
    rf"|{_START}(?P<num>{_NUMBER})(?![\w%]|[.,]\d|[:/]\d|-year-old|-(?:halve|half|third|quarter|fifth|tenth)s?\b|\s?(?:a\.?m\.?|p\.?m\.?)(?!\w)))",
    re.I,
)
_MASS_CONTEXT = re.compile(r"\b(?:thrust|payload|cargo|weigh\w*|lift\w*|haul\w*|carr\w+|kg|kilo\w+|(?:metric )?tons?|tonnes?|"
                           r"lbs?|heavy|load)\b", re.I)
_YEARLIKE = re.compile(r"(?:1[89]|20)\d\d")


def parse_number(s: str) -> float | None:
    """'2,500' -> 2500; 'twenty-five' -> 25; 'two hundred thousand' -> 200000; 'a dozen' -> 12."""
    s = re.sub(r"\s+", " ", s.strip().lower())
    s = re.sub(r"(\d)(?=[a-z])", r"\1 ", s)  # "44million"
    parts = re.split(r"[\s-]", s)
    value: float | None = None
    i = 0
    if re.match(r"[\d.,]", s):
        value = float(parts[0].replace(",", ""))
        i = 1
    else:
        for j in range(len(parts), 0, -1):  # longest word-number prefix
            head = " ".join(parts[:j])
            if head in _SMALL:
                value, i = float(_SMALL[head]), j
                break
            if j == 2 and parts[0] in _SMALL and parts[1] in _SMALL and _SMALL[parts[0]] >= 20 and _SMALL[parts[1]] < 10:
                value, i = float(_SMALL[parts[0]] + _SMALL[parts[1]]), 2
                break
        if value is None:
            return None
    for p in parts[i:]:
        if p in _SCALES:
            value *= _SCALES[p]
    return value


_PHRASAL = re.compile(r"\b(?:hand(?:s|ed|ing)?|turn(?:s|ed|ing)?|t(?:ake|akes|ook|aken|aking)|won|win|pass(?:es|ed)?|"
                      r"g(?:ive|ave|iven)|sign(?:s|ed)?|roll(?:s|ed)?|fl(?:y|ew|own)|hover(?:s|ed)?|preside[sd]?)\s+$", re.I)


def qualifier_before(text: str, start: int, floor: int) -> tuple[str, int]:
    """(canonical qualifier, its start) for the words just before offset `start`."""
    window = text[max(floor, start - 24) : start]
    m = _QUAL_RX.search(window)
    if not m:
        return "", start
    if m.group(1).lower() in ("over", "under", "above", "below") and _PHRASAL.search(window[: m.start(1)]):
        return "", start  # "handed over 21 girls": a particle, not "more than"
    return _QUALIFIERS[m.group(1).lower()], start - len(window) + m.start(1)


class Found:
    """A matched number before measure/subject analysis (text coordinates)."""

    __slots__ = ("kind", "start", "end", "qty", "dimension", "adjective")

    def __init__(self, kind: str, start: int, end: int, qty: Quantity, dimension: str = "", adjective: bool = False) -> None:
        self.kind, self.start, self.end, self.qty, self.dimension = kind, start, end, qty, dimension
        self.adjective = adjective  # "32-metre" in "a 32-metre dam": measures the noun it modifies


def quantity(m: re.Match, text: str) -> Found | None:
    """Turn one regex match into a normalised quantity (None for years, references, times)."""
    g = m.groupdict()
    s, e = m.start(), m.end()
    surface = m.group()
    if g["money"]:
        v = float(g["mnum"].replace(",", ""))
        scale = (g["mscale"] or "").lower()
        code = CURRENCY_SYMBOLS[g["sym"].lower()]
        if scale == "m" and re.match(r"\s*(?:eters|etres)", text[e:]):
            return None
        total = v * _SCALES.get(scale, 1)
        return Found("money", s, e, Quantity(total, code, text=surface, original_value=v,
                                             original_unit=f"{scale} {code}".strip() if scale else code), "money")
    if g["mag"]:
        v = float(g["magn1"] or g["magn2"])
        return Found("magnitude", s, e, Quantity(v, "magnitude", text=surface), "magnitude")
    if g["pct"]:
        v = parse_number(g["pnum"])
        if v is None:
            return None
        if "point" in g["punit"].lower():
            return Found("percent", s, e, Quantity(v, "percentage_point", text=surface), "share")
        return Found("percent", s, e, Quantity(v / 100, "share", text=surface, original_value=v, original_unit="percent"), "share")
    if g["unit"]:
        v = parse_number(g["unum"])
        name = g["uname"].lower()
        if v is None or (g["uname"] in ("M", "MI", "Mi") and name == "m"):
            return None
        if name == "m" and g["uname"] != "m":
            return None
        unit, dim = UNITS[name]
        floor = max(s - 150, text.rfind(". ", 0, s) + 1, text.rfind("\n", 0, s) + 1, 0)  # within its own sentence
        if name in ("pounds", "pound") and not _MASS_CONTEXT.search(text[floor : e + 60].split(". ")[0]):
            return None  # money or weight: not said
        if dim == "duration":
            if re.match(r"-old\b|\s+old\b", text[e:]):
                return None  # ages are not claims about the event
            return Found("duration", s, e, Quantity(v, unit, text=surface), dim)
        target = CANONICAL[dim]
        try:
            conv = v if unit == target else round(convert(v, unit, target), 6)
        except Exception:  # no factor for this pair: keep the number as stated
            target, conv = unit, v
        adjective = text[m.start("uname") - 1] == "-"
        return Found("unit", s, e, Quantity(conv, target, text=surface, original_value=v, original_unit=unit), dim, adjective)
    if g["cur"]:
        v = parse_number(g["cnum"])
        if v is None:
            return None
        code = CURRENCY_WORDS[g["cword"].lower()]
        return Found("money", s, e, Quantity(v, code, text=surface, original_value=v, original_unit=code), "money")
    if g["vague"]:
        word = (g["vword"] or "").lower()
        v = _VAGUE[word] if word else _SCALES[g["vsev"].lower()] * 2
        if g["vword"]:
            e = s + len(g["vword"])
        return Found("vague", s, e, Quantity(float(v), "", qualifier="vague", text=text[s:e]), "count")
    if g["vague2"]:
        word = re.sub(r"\s+", " ", g["vague2"].lower())
        return Found("vague", s, e, Quantity(float(VAGUE_WORDS[word][0]), "", qualifier="vague", text=surface), "count")
    if g["frac"]:
        v = _FRACTIONS[g["fword"].lower()]
        return Found("fraction", s, e, Quantity(v, "share", text=surface, original_unit="fraction"), "share")
    if g["ord"]:
        word = g["ord"].lower()
        v = _ORDINALS.get(word) or (int(word[:-2]) if word[:-2].isdigit() else None)
        if v is None:
            return None
        return Found("ordinal", s, e, Quantity(float(v), "ordinal", text=surface), "ordinal")
    if g["num"]:
        raw = g["num"]
        if _YEARLIKE.fullmatch(raw):
            return None  # a year
        v = parse_number(raw)
        if v is None:
            return None
        return Found("count", s, e, Quantity(v, "", text=surface), "count")
    return None


def conversion(text: str, f: Found, limit: int) -> Found | None:
    """A parenthetical restatement right after `f` in another unit: "2,500 km (1,500 miles)"."""
    m = re.match(r"\s*\((?:about |around |roughly |some |approximately |or |nearly )?", text[f.end : limit])
    if not m:
        return None
    inner_start = f.end + m.end()
    m2 = QTY.match(text, inner_start)
    if not m2 or m2.start() != inner_start:
        return None
    conv = quantity(m2, text)
    close = re.match(r"\s*\)", text[conv.end : limit]) if conv else None
    if not conv or not close or conv.dimension != f.dimension:
        return None
    conv.qty.text = text[f.end + m.start() + text[f.end : inner_start].index("(") : conv.end + close.end()].strip()
    conv.end = conv.end + close.end()
    return conv
