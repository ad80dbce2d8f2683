"""Claims: numbers in sentences, normalised (pint units, currency codes) with qualifier and measure.

One Claim per stated quantity (its sentence span, `measures` = the counted/measured noun phrase,
`subject` when clear). A parenthetical conversion ("2,500 km (1,500 miles)") stays in the same
Claim as a second Quantity whose `text` starts with "(" so rounding can be told from conflict.
Conventions: lengths in kilometer, areas in square_kilometer, money as ISO code with the value in
units (9e10 USD), percentages and fractions as unit "share" (0.52; `original_unit` "percent"),
ordinals as unit "ordinal", vague amounts ("thousands of") with qualifier "vague" and the lower
bound as value. Years and dates are not quantities; their DateRefs come from `dates`.
"""

from __future__ import annotations

import bisect
import functools
import re

from . import dates as dates_stage
from .model import Article, Claim, Quantity

_SMALL = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "a hundred": 100,
    "a thousand": 1000, "a million": 1e6, "a billion": 1e9,
}
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
_UNITS = {
    "square kilometers": ("square_kilometer", "area"), "square kilometres": ("square_kilometer", "area"),
    "square km": ("square_kilometer", "area"), "sq km": ("square_kilometer", "area"), "km2": ("square_kilometer", "area"),
    "km²": ("square_kilometer", "area"), "square miles": ("square_mile", "area"), "sq mi": ("square_mile", "area"),
    "square meters": ("square_meter", "area"), "square metres": ("square_meter", "area"),
    "hectares": ("hectare", "area"), "acres": ("acre", "area"),
    "kilometers": ("kilometer", "length"), "kilometres": ("kilometer", "length"), "km": ("kilometer", "length"),
    "nautical miles": ("nautical_mile", "length"), "miles": ("mile", "length"), "mi": ("mile", "length"),
    "meters": ("meter", "length"), "metres": ("meter", "length"), "m": ("meter", "length"),
    "feet": ("foot", "length"), "ft": ("foot", "length"), "yards": ("yard", "length"),
    "centimeters": ("centimeter", "length"), "cm": ("centimeter", "length"), "inches": ("inch", "length"),
    "tonnes": ("metric_ton", "mass"), "tons": ("metric_ton", "mass"), "kilograms": ("kilogram", "mass"),
    "kg": ("kilogram", "mass"), "grams": ("gram", "mass"),
    "liters": ("liter", "volume"), "litres": ("liter", "volume"), "gallons": ("gallon", "volume"),
    "barrels": ("oil_barrel", "volume"), "cubic meters": ("cubic_meter", "volume"),
    "km/h": ("kilometer_per_hour", "speed"), "kph": ("kilometer_per_hour", "speed"), "mph": ("mile_per_hour", "speed"),
    "knots": ("knot", "speed"),
    "megawatts": ("megawatt", "power"), "mw": ("megawatt", "power"), "gigawatts": ("gigawatt", "power"),
    "gw": ("gigawatt", "power"), "kilowatts": ("kilowatt", "power"),
    "degrees celsius": ("degree_Celsius", "temperature"), "°c": ("degree_Celsius", "temperature"),
    "degrees fahrenheit": ("degree_Fahrenheit", "temperature"), "°f": ("degree_Fahrenheit", "temperature"),
    "seconds": ("second", "duration"), "minutes": ("minute", "duration"), "hours": ("hour", "duration"),
    "days": ("day", "duration"), "weeks": ("week", "duration"), "months": ("month", "duration"),
    "years": ("year", "duration"), "decades": ("decade", "duration"),
}
# singular forms, as in hyphenated adjectives ("a 32-metre dam", "a 2.5-mile levee", "a 500-megawatt plant")
_UNITS.update({
    "square kilometre": ("square_kilometer", "area"), "square kilometer": ("square_kilometer", "area"),
    "square mile": ("square_mile", "area"), "square metre": ("square_meter", "area"), "square meter": ("square_meter", "area"),
    "hectare": ("hectare", "area"), "acre": ("acre", "area"),
    "kilometre": ("kilometer", "length"), "kilometer": ("kilometer", "length"), "mile": ("mile", "length"),
    "metre": ("meter", "length"), "meter": ("meter", "length"), "foot": ("foot", "length"), "yard": ("yard", "length"),
    "centimetre": ("centimeter", "length"), "centimeter": ("centimeter", "length"), "inch": ("inch", "length"),
    "tonne": ("metric_ton", "mass"), "ton": ("metric_ton", "mass"), "kilogram": ("kilogram", "mass"),
    "litre": ("liter", "volume"), "liter": ("liter", "volume"), "gallon": ("gallon", "volume"),
    "megawatt": ("megawatt", "power"), "gigawatt": ("gigawatt", "power"), "kilowatt": ("kilowatt", "power"),
})
# what every dimension is normalised to (pint names); durations keep their own unit
_CANONICAL = {"length": "kilometer", "area": "square_kilometer", "mass": "metric_ton", "volume": "liter",
              "speed": "kilometer_per_hour", "power": "megawatt", "temperature": "degree_Celsius"}
_CURRENCY_SYMBOLS = {"us$": "USD", "$": "USD", "c$": "CAD", "a$": "AUD", "€": "EUR", "£": "GBP", "¥": "JPY",
                     "₹": "INR", "₽": "RUB", "₴": "UAH"}
_CURRENCY_WORDS = {"dollars": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR", "pounds sterling": "GBP",
                   "hryvnias": "UAH", "hryvnia": "UAH", "rubles": "RUB", "roubles": "RUB", "yuan": "CNY",
                   "yen": "JPY", "rupees": "INR", "usd": "USD", "eur": "EUR", "gbp": "GBP"}
_PEOPLE = {"people", "person", "civilian", "soldier", "child", "resident", "migrant", "worker", "troop",
           "student", "refugee", "passenger", "victim", "patient", "prisoner", "hostage", "protester", "fighter"}
_EVENT_NOUNS = {"visit", "trip", "meeting", "summit", "call", "talk", "attack", "strike", "time", "round", "encounter",
                "election", "day", "week", "month", "year", "session", "conversation", "term", "quarter", "wave",
                "ceasefire", "deal", "tour", "game", "match", "win", "victory", "defeat", "loss", "increase", "cut",
                "hike", "rise", "drop", "decline", "straight", "consecutive"}
_LEVEL_VERBS = {"rise", "fall", "reach", "climb", "stand", "total", "hit", "increase", "drop", "jump", "grow", "top",
                "exceed", "surpass", "be", "decline", "soar", "double", "number"}
_WORDNUM = (r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
            r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
            r"|seventeen|eighteen|nineteen|a\s+dozen|a\s+hundred|a\s+thousand|a\s+million|a\s+billion)")
_NUMD = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER = rf"(?:{_NUMD}|{_WORDNUM})(?:[\s-](?:hundred|thousand|million|billion|trillion)){{0,2}}"
_UNIT_RX = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_CUR_SYM = r"(?:US\$|C\$|A\$|\$|€|£|¥|₹|₽|₴)"
_CUR_WORD = "|".join(re.escape(u) for u in sorted(_CURRENCY_WORDS, key=len, reverse=True))
_FRAC = "|".join(re.escape(f) for f in sorted(_FRACTIONS, key=len, reverse=True))
_VAG = "|".join(re.escape(v) for v in sorted(_VAGUE, key=len, reverse=True))
_ORD = "|".join(_ORDINALS)
_START = r"(?<![\w\-./:])"
_QTY = re.compile(
    rf"{_START}(?P<money>(?P<sym>{_CUR_SYM})\s?(?P<mnum>{_NUMD})(?:\s?(?P<mscale>hundred|thousand|million|billion|trillion|bn|mn|tn|trn|m|b|k)\b)?)"
    rf"|{_START}(?P<mag>(?:magnitude[\s-](?:of\s)?(?P<magn1>\d+(?:\.\d+)?))|(?P<magn2>\d+(?:\.\d+)?)[\s-]magnitude)"
    rf"|{_START}(?P<pct>(?P<pnum>{_NUMBER})\s?(?P<punit>%|percent\b|per\s+cent\b|percentage\s+points?\b))"
    rf"|{_START}(?P<unit>(?P<unum>{_NUMBER})[\s-]?(?P<uname>{_UNIT_RX})(?![\w/]))"
    rf"|{_START}(?P<cur>(?P<cnum>{_NUMBER})\s+(?P<cword>{_CUR_WORD})\b)"
    rf"|(?<![\w-])(?P<vague>(?P<vword>{_VAG})\s+of\b|several\s+(?P<vsev>hundred|thousand|million)\b)"
    rf"|(?<![\w-])(?P<frac>(?P<fword>{_FRAC})\b(?=\s+(?:of\b|(?:the|their|its|his|her|all)\b)))"
    rf"|(?<![\w-])(?P<ord>(?:{_ORD})\b|\d+(?:st|nd|rd|th)\b)"
    rf"|{_START}(?P<num>{_NUMBER})(?![\w%]|[.,]\d|:\d|-year-old|\s?(?:a\.?m\.?|p\.?m\.?)\B)",
    re.I,
)
_YEARLIKE = re.compile(r"(?:1[89]|20)\d\d")


@functools.lru_cache(maxsize=1)
def _ureg():
    import pint

    return pint.UnitRegistry()


_PINT = {"square_kilometer": "kilometer**2", "square_mile": "mile**2", "square_meter": "meter**2",
         "cubic_meter": "meter**3", "kilometer_per_hour": "kilometer/hour", "mile_per_hour": "mile/hour"}


@functools.lru_cache(maxsize=256)
def _convert(value: float, unit: str, target: str) -> float:
    """`value` in `unit` expressed in `target`, via pint (cached: news repeats the same few units)."""
    ureg = _ureg()
    return float(ureg.Quantity(value, _PINT.get(unit, unit)).to(_PINT.get(target, target)).magnitude)


def _parse_number(s: str) -> float | None:
    """'2,500' -> 2500; 'twenty-five' -> 25; 'two hundred thousand' -> 200000; 'a dozen' -> 12."""
    s = re.sub(r"\s+", " ", s.strip().lower())
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


def _qualifier(text: str, start: int, floor: int) -> tuple[str, int]:
    """(canonical qualifier, its start) for the words just before offset `start`."""
    window = text[max(floor, start - 24) : start]
    m = _QUAL_RX.search(window)
    if not m:
        return "", start
    return _QUALIFIERS[m.group(1).lower()], start - len(window) + m.start(1)


class _Found:
    """A matched number before measure/subject analysis (text coordinates)."""

    __slots__ = ("kind", "start", "end", "qty", "dimension", "adjective")

    def __init__(self, kind: str, start: int, end: int, qty: Quantity, dimension: str = "", adjective: bool = False) -> None:
        self.kind, self.start, self.end, self.qty, self.dimension = kind, start, end, qty, dimension
        self.adjective = adjective  # "32-metre" in "a 32-metre dam": measures the noun it modifies


def _quantity(m: re.Match, text: str) -> _Found | None:
    """Turn one regex match into a normalised quantity (None for years, references, times)."""
    g = m.groupdict()
    s, e = m.start(), m.end()
    surface = m.group()
    if g["money"]:
        v = float(g["mnum"].replace(",", ""))
        scale = (g["mscale"] or "").lower()
        code = _CURRENCY_SYMBOLS[g["sym"].lower()]
        if scale == "m" and re.match(r"\s*(?:eters|etres)", text[e:]):
            return None
        total = v * _SCALES.get(scale, 1)
        return _Found("money", s, e, Quantity(total, code, text=surface, original_value=v,
                                             original_unit=f"{scale} {code}".strip() if scale else code), "money")
    if g["mag"]:
        v = float(g["magn1"] or g["magn2"])
        return _Found("magnitude", s, e, Quantity(v, "magnitude", text=surface), "magnitude")
    if g["pct"]:
        v = _parse_number(g["pnum"])
        if v is None:
            return None
        if "point" in g["punit"].lower():
            return _Found("percent", s, e, Quantity(v, "percentage_point", text=surface), "share")
        return _Found("percent", s, e, Quantity(v / 100, "share", text=surface, original_value=v, original_unit="percent"), "share")
    if g["unit"]:
        v = _parse_number(g["unum"])
        name = g["uname"].lower()
        if v is None or (g["uname"] in ("M", "MI", "Mi") and name == "m"):
            return None
        if name == "m" and g["uname"] != "m":
            return None
        unit, dim = _UNITS[name]
        if dim == "duration":
            if re.match(r"-old\b|\s+old\b", text[e:]):
                return None  # ages are not claims about the event
            return _Found("duration", s, e, Quantity(v, unit, text=surface), dim)
        target = _CANONICAL[dim]
        try:
            conv = v if unit == target else round(_convert(v, unit, target), 6)
        except Exception:  # pint could not convert: keep the number as stated
            target, conv = unit, v
        adjective = text[m.start("uname") - 1] == "-"
        return _Found("unit", s, e, Quantity(conv, target, text=surface, original_value=v, original_unit=unit), dim, adjective)
    if g["cur"]:
        v = _parse_number(g["cnum"])
        if v is None:
            return None
        code = _CURRENCY_WORDS[g["cword"].lower()]
        return _Found("money", s, e, Quantity(v, code, text=surface, original_value=v, original_unit=code), "money")
    if g["vague"]:
        word = (g["vword"] or "").lower()
        v = _VAGUE[word] if word else _SCALES[g["vsev"].lower()] * 2
        if g["vword"]:
            e = s + len(g["vword"])
        return _Found("vague", s, e, Quantity(float(v), "", qualifier="vague", text=text[s:e]), "count")
    if g["frac"]:
        v = _FRACTIONS[g["fword"].lower()]
        return _Found("fraction", s, e, Quantity(v, "share", text=surface, original_unit="fraction"), "share")
    if g["ord"]:
        word = g["ord"].lower()
        v = _ORDINALS.get(word) or (int(word[:-2]) if word[:-2].isdigit() else None)
        if v is None:
            return None
        return _Found("ordinal", s, e, Quantity(float(v), "ordinal", text=surface), "ordinal")
    if g["num"]:
        raw = g["num"]
        if _YEARLIKE.fullmatch(raw):
            return None  # a year
        v = _parse_number(raw)
        if v is None:
            return None
        return _Found("count", s, e, Quantity(v, "", text=surface), "count")
    return None


def _conversion(text: str, f: _Found, limit: int) -> _Found | None:
    """A parenthetical restatement right after `f` in another unit: "2,500 km (1,500 miles)"."""
    m = re.match(r"\s*\((?:about |around |roughly |some |approximately |or |nearly )?", text[f.end : limit])
    if not m:
        return None
    inner_start = f.end + m.end()
    m2 = _QTY.match(text, inner_start)
    if not m2 or m2.start() != inner_start:
        return None
    conv = _quantity(m2, text)
    close = re.match(r"\s*\)", text[conv.end : limit]) if conv else None
    if not conv or not close or conv.dimension != f.dimension:
        return None
    conv.qty.text = text[f.end + m.start() + text[f.end : inner_start].index("(") : conv.end + close.end()].strip()
    conv.end = conv.end + close.end()
    return conv


def _token_at(doc, char: int):
    """The spaCy token covering character offset `char` (None past the end)."""
    idx = doc.user_data.get("newsfuse.tokidx")
    if idx is None:  # token start offsets, built once per Doc without making Token objects
        idx = doc.to_array("IDX").tolist() if len(doc) else []
        doc.user_data["newsfuse.tokidx"] = idx
    i = bisect.bisect_right(idx, char) - 1
    return doc[i] if 0 <= i < len(doc) else None


def _noun_run(doc, i: int, end: int) -> tuple[str, str, int]:
    """From token i: skip determiners/adjectives, return (noun phrase lemma, possessor, next index)."""
    nouns: list = []
    possessor = ""
    while i < end:
        t = doc[i]
        if t.pos_ in ("DET", "NUM") or (t.pos_ == "ADJ" and not nouns) or t.text in ("-", "–") or (t.pos_ == "ADV" and not nouns and t.dep_ == "advmod"):
            if nouns:
                break
            i += 1
            continue
        if t.pos_ == "PROPN" and i + 1 < end and doc[i + 1].tag_ == "POS":
            possessor = " ".join(x.text for x in nouns + [t]) if nouns and nouns[-1].pos_ == "PROPN" else t.text
            nouns = []
            i += 2
            continue
        if t.tag_ == "PRP$":
            i += 1
            continue
        if t.pos_ in ("NOUN", "PROPN"):
            nouns.append(t)
            i += 1
            continue
        break
    if not nouns:
        return "", possessor, i
    head = nouns[-1]
    words = [x.text.lower() for x in nouns[:-1] if x.pos_ == "NOUN"] + [head.lemma_.lower() if head.pos_ == "NOUN" else head.text.lower()]
    return " ".join(words), possessor, i


# the death family folds to "killed" so "five died", "five dead" and "five killed" count the same thing
_CASUALTY = {"kill": "killed", "injure": "injured", "wound": "wounded", "die": "killed", "dead": "killed",
             "evacuate": "evacuated", "displace": "displaced", "arrest": "arrested", "rescue": "rescued",
             "detain": "detained", "hospitalize": "hospitalized", "hospitalise": "hospitalised", "miss": "missing",
             "missing": "missing", "strand": "stranded"}
# predicates clear enough to name what a bare number subject counts ("eight are still missing")
_BARE_PREDICATES = {"kill", "dead", "die", "miss", "missing", "injure", "wound", "evacuate", "rescue", "arrest"}
_COMPLEMENTS = ("acomp", "oprd", "attr", "xcomp")


def _casualty(tok, allowed=None) -> str:
    """The casualty word of `tok` ("killed" for killed/died/dead), checking lemma and surface form."""
    for w in (tok.lemma_.lower(), tok.lower_):
        if w in _CASUALTY and (allowed is None or w in allowed):
            return _CASUALTY[w]
    return ""


def _predicate(h, allowed=None) -> str:
    """Casualty word of a predicate head or its complement: "killed", "are missing", "confirmed dead",
    "listed as missing"."""
    if h.pos_ in ("VERB", "AUX", "ADJ"):
        w = _casualty(h, allowed)
        if w:
            return w
    for c in h.children:
        if c.dep_ in _COMPLEMENTS:
            w = _casualty(c, allowed)
            if w:
                return w
        elif c.dep_ == "prep" and c.lower_ == "as":
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp", "amod", "acomp"):
                    w = _casualty(g, allowed)
                    if w:
                        return w
    return ""


def _people_verb(tok) -> str:
    """'people' alone says little: add what happened to them ("killed", "injured") when the parse says."""
    for c in tok.children:
        if (c.dep_ == "amod" and c.i < tok.i) or (c.dep_ == "acl" and c.i > tok.i):  # "injured people", "people killed"
            w = _casualty(c)
            if w:
                return w
    h = tok.head
    if h is not tok:
        return _predicate(h)
    return ""


def _bare_subject(tok) -> str:
    """'eight are still missing', 'five were killed': a bare cardinal subject of a casualty predicate."""
    if not (tok.pos_ == "NUM" or tok.like_num) or tok.dep_ not in ("nsubj", "nsubjpass") or tok.head is tok:
        return ""
    w = _predicate(tok.head, _BARE_PREDICATES)
    return f"people {w}" if w else ""


_TALLY_NOUNS = {"number", "toll", "tally", "count", "total"}


def _tally(subj) -> str:
    """"the number of people killed" -> "people killed"; "the death toll" -> "people killed"."""
    lemma = subj.lemma_.lower()
    if lemma not in _TALLY_NOUNS:
        return ""
    if lemma == "toll" and any(c.lower_ in ("death", "casualty") for c in subj.lefts):
        return "people killed"
    for c in subj.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"), None)
            if obj is not None:
                comp = [x.text.lower() for x in obj.lefts if x.dep_ == "compound" and x.pos_ == "NOUN"]
                phrase = " ".join(comp + [obj.lemma_.lower()])
                verb = _people_verb(obj) if obj.lemma_.lower() in _PEOPLE else ""
                return f"{phrase} {verb}" if verb else phrase
    return ""


def _subject_of(tok, sent) -> str:
    """The nsubj of the verb governing `tok`, when it names something (proper noun)."""
    h = tok
    for _ in range(6):
        if h.pos_ in ("VERB", "AUX") or h.head is h:
            break
        h = h.head
    for _ in range(4):
        for c in h.children:
            if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "PROPN":
                ent = next((e for e in sent.ents if e.start <= c.i < e.end), None)
                return ent.text if ent else c.text
        if h.head is h:
            break
        h = h.head
    return ""


def _head_noun(tok, doc, sent_end_tok: int) -> tuple[str, int] | None:
    """(lemma phrase, next index) of the noun a number/ordinal modifies: "28 ballistic missiles" -> "missile"."""
    h = tok.head
    if tok.dep_ not in ("nummod", "amod", "quantmod", "compound") or h.pos_ != "NOUN" or h.i <= tok.i or h.i >= sent_end_tok:
        return None
    if any((t.pos_ == "VERB" and t.dep_ != "amod") or h not in t.ancestors for t in doc[tok.i + 1 : h.i]):
        return None
    comp = [c.text.lower() for c in h.lefts if c.dep_ == "compound" and c.pos_ == "NOUN" and c.i > tok.i]
    return " ".join(comp + [h.lemma_.lower()]), h.i + 1


def _describe(f: _Found, doc, sent_start_tok: int, sent_end_tok: int, sent, q_start: int) -> tuple[str, str]:
    """(measures, subject) for a found quantity using the parse around it."""
    first = _token_at(doc, f.start)
    last = _token_at(doc, max(f.start, f.end - 1))
    if first is None or last is None:
        return "", ""
    j = last.i + 1
    while j < sent_end_tok and doc[j].text in (")", "(") or (j < sent_end_tok and f.kind != "ordinal" and doc[j].is_punct and doc[j].text == ")"):
        j += 1
    # the noun before "of <qty>" / "worth <qty>": "a range of 2,500 km", "a deal worth $90 billion"
    qtok = _token_at(doc, q_start) or first
    k = min(first.i, qtok.i) - 1
    while k >= sent_start_tok and doc[k].lower_ in ("a", "an", "just"):
        k -= 1
    before = ""
    p = k - 1
    while p > sent_start_tok and doc[p].is_quote:
        p -= 1
    if p >= sent_start_tok and doc[k].lower_ in ("of", "worth", "at", "totaling", "totalling") and doc[p].pos_ in ("NOUN", "PROPN"):
        before = doc[p].lemma_.lower() if doc[p].pos_ == "NOUN" else doc[p].text.lower()
    after, possessor, nxt = "", "", j
    if f.kind in ("count", "vague", "fraction", "percent", "duration", "unit", "money"):
        if j < sent_end_tok and doc[j].lower_ in ("of", "into", "in") and f.kind not in ("unit",):
            after, possessor, nxt = _noun_run(doc, j + 1, sent_end_tok)
        elif f.kind in ("count", "money", "ordinal"):
            after, possessor, nxt = _noun_run(doc, j, sent_end_tok)
    if f.kind in ("count", "ordinal"):
        hn = _head_noun(last, doc, sent_end_tok)
        if hn:
            after, nxt = hn
        elif f.kind == "ordinal":
            after, possessor, nxt = _noun_run(doc, j, sent_end_tok)
    if f.kind == "ordinal":
        if after and nxt < sent_end_tok - 1 and doc[nxt].lower_ in ("to", "with", "in") and doc[nxt + 1].pos_ == "PROPN":
            ent = next((e for e in sent.ents if e.start == nxt + 1), None)
            after += f" {doc[nxt].lower_} {ent.text if ent else doc[nxt + 1].text}"
        if not after:  # "the meeting, their sixth since ..." -> the noun before the comma
            k = first.i - 1
            while k >= sent_start_tok and (doc[k].pos_ in ("DET", "PRON") or doc[k].tag_ == "PRP$"):
                k -= 1
            if k >= sent_start_tok + 1 and doc[k].text == "," and doc[k - 1].pos_ == "NOUN":
                after = doc[k - 1].lemma_.lower()
    measures = ""
    if f.kind == "money":
        measures = after or before
    elif f.kind == "unit":
        measures = before
        if not measures and f.adjective and j < sent_end_tok:  # "a 32-metre dam": the dam
            measures = _noun_run(doc, j, sent_end_tok)[0]
        if not measures and f.dimension == "length" and re.search(r"\b(?:range|strik(?:e|es|ing)|reach|missiles?|rockets?|fly|flies)\b", sent.text, re.I):
            measures = "range"
        if not measures and j < sent_end_tok and doc[j].tag_ == "VBN":
            measures = f"{f.dimension} {doc[j].text.lower()}"
        if not measures and j < sent_end_tok and doc[j].lower_ == "of":
            measures, possessor, _ = _noun_run(doc, j + 1, sent_end_tok)
    elif f.kind in ("duration", "percent", "fraction"):
        measures = after or before
    else:
        measures = after or (before if f.kind != "count" else "")
    head_tok = next((t for t in doc[j:nxt] if t.pos_ == "NOUN"), None) if after else None
    if head_tok is not None and measures.split(" ")[-1] in _PEOPLE:
        verb = _people_verb(doc[nxt - 1])
        if verb:
            measures = f"{measures} {verb}"
    if not measures and f.kind == "count":
        measures = _bare_subject(last)
    if not measures and f.kind in ("count", "percent", "money", "duration"):
        # "the death toll rose to 12": the governing verb's subject, for verbs that state a level
        h = first
        for _ in range(5):
            if h.pos_ in ("VERB", "AUX") or h.head is h:
                break
            h = h.head
        level = h.lemma_.lower() in _LEVEL_VERBS or f.kind != "count"
        subj = None if not level else next((c for c in h.children if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ == "NOUN"), None)
        if subj is not None:
            comp = [c.text.lower() for c in subj.lefts if c.dep_ == "compound" and c.pos_ == "NOUN"]
            measures = _tally(subj) or " ".join(comp + [subj.lemma_.lower()])
    if not measures and f.kind in ("money", "unit", "duration"):
        measures = {"money": "amount", "length": "distance"}.get(f.dimension, f.dimension)
    subject = possessor or _subject_of(first, sent)
    if not subject and f.kind == "ordinal" and re.match(r"(?:his|her|its)\b", doc[max(sent_start_tok, first.i - 1)].lower_):
        # "his third visit": the nearest named person/organisation before it
        prior = [e for e in sent.ents if e.end <= first.i and e.label_ in ("PERSON", "ORG", "GPE", "NORP")]
        people = [e for e in prior if e.label_ == "PERSON"]
        subject = (people or prior)[-1].text if prior else ""
    return measures, subject


def _skip_reference(text: str, f: _Found) -> bool:
    """'the two leaders', 'one of its largest': numbers that refer rather than claim."""
    if f.kind != "count":
        return False
    word = f.qty.text.lower()
    before = text[max(0, f.start - 12) : f.start].lower()
    if word in ("one", "a dozen") or f.qty.value == 1 and not word[0].isdigit():
        return True
    if not word[0].isdigit() and re.search(r"\b(the|these|those|both|their|its|his|her|our|all|of)\s+$", before):
        return True
    if re.match(r"\s*(?:of|or)\s+(?:the|them|those|these)\b", text[f.end : f.end + 12]) and not word[0].isdigit():
        return True
    return False


def _ordinal_ok(doc, text: str, f: _Found, sent_end: int) -> bool:
    """Ordinals count events ("third visit since January"), not list positions or dates."""
    tok = _token_at(doc, f.start)
    if tok is None or tok.pos_ not in ("ADJ", "NOUN", "NUM", "PROPN"):
        return False
    tail = text[f.end : min(sent_end, f.end + 60)].lower()
    if re.match(r"\W*(?:[a-z-]+\s+){0,4}?(?:since|in a row|straight|consecutive|ever|this year|in \d+ years)\b", tail):
        return True
    nxt = tok.nbor(1) if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.lemma_.lower() in _EVENT_NOUNS:
        return True
    return False


def _split_at_newline(text: str, s: int, e: int, pos: int) -> tuple[int, int]:
    """The part of sentence [s, e) holding `pos` that lies in one kept block (blocks end at '\\n')."""
    a = text.rfind("\n", s, pos)
    b = text.find("\n", pos, e)
    s2 = a + 1 if a >= 0 else s
    e2 = b if b >= 0 else e
    while s2 < e2 and text[s2].isspace():
        s2 += 1
    while e2 > s2 and text[e2 - 1].isspace():
        e2 -= 1
    return s2, e2


def extract(article: Article, doc) -> list[Claim]:
    """Numeric claims of `article` (offsets into `article.raw`), one per stated quantity."""
    text = doc.text
    if not text.strip():
        return []
    refs = dates_stage.resolve(article, doc)  # cached on the Doc; the same objects end in Analysis.dates
    ref_spans = sorted((r.start, r.end, r) for r in refs)
    date_ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME") and
                 re.search(r"\d", e.text) and not re.search(r"\b(?:hours?|minutes?|days?|weeks?|months?|years?|decades?)\b", e.text, re.I)]
    found_spans = dates_stage.spans(text, doc) + date_ents
    found_spans.sort()
    starts = [s for s, _ in found_spans]
    sents = list(doc.sents)
    sent_starts = [s.start_char for s in sents]
    claims: list[Claim] = []
    pos = 0
    raw_starts = [s for s, _, _ in ref_spans]
    for m in _QTY.finditer(text):
        if m.start() < pos:
            continue
        f = _quantity(m, text)
        if f is None:
            continue
        i = bisect.bisect_right(starts, f.start) - 1
        if i >= 0 and found_spans[i][0] <= f.start < found_spans[i][1]:
            continue  # part of a date ("October 17", "since 2022", "within two weeks")
        si = bisect.bisect_right(sent_starts, f.start) - 1
        if si < 0:
            continue
        sent = sents[si]
        if _skip_reference(text, f):
            continue
        if f.kind == "ordinal" and not _ordinal_ok(doc, text, f, sent.end_char):
            continue
        q_start = f.start
        if not f.qty.qualifier:
            f.qty.qualifier, q_start = _qualifier(text, f.start, sent.start_char)
        conv = _conversion(text, f, sent.end_char)
        measures, subject = _describe(f, doc, sent.start, sent.end, sent, q_start)
        if f.kind == "count" and not measures:
            continue  # a bare number: nothing to compare it with
        qs = [f.qty]
        if conv:
            conv.qty.qualifier = conv.qty.qualifier or f.qty.qualifier
            qs.append(conv.qty)
            pos = conv.end
        for q, x in zip(qs, [f] + ([conv] if conv else [])):
            q.start, q.end = article.raw_offset(x.start), article.raw_offset(x.end)
        cs, ce = _split_at_newline(text, sent.start_char, sent.end_char, f.start)
        rs, re_ = article.raw_offset(cs), article.raw_offset(ce)
        lo = bisect.bisect_left(raw_starts, rs)
        hi = bisect.bisect_left(raw_starts, re_)
        claims.append(Claim(article=article.id, start=rs, end=re_, text=text[cs:ce], quantities=qs,
                            measures=measures, subject=subject, dates=[r for _, _, r in ref_spans[lo:hi]]))
    return claims

