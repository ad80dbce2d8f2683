"""Figures: numbers as articles state them, their units, rounding intervals and what they count."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ... import align as align_stage
from ...claims.numbers import NUMBER_WORDS, parse_number, VAGUE_WORDS
from ...clean.furniture import caption_or_credit
from ...model import Article, Claim, Quantity, Sentence


# unit -> (dimension, factor to the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    "meter": ("length", 1.0), "metre": ("length", 1.0), "m": ("length", 1.0),
    "kilometer": ("length", 1000.0), "kilometre": ("length", 1000.0), "km": ("length", 1000.0),
    "centimeter": ("length", 0.01), "millimeter": ("length", 0.001),
    "mile": ("length", 1609.344), "mi": ("length", 1609.344), "nautical_mile": ("length", 1852.0),
    "foot": ("length", 0.3048), "feet": ("length", 0.3048), "ft": ("length", 0.3048),
    "inch": ("length", 0.0254), "yard": ("length", 0.9144),
    "square_kilometer": ("area", 1e6), "square_meter": ("area", 1.0), "square_mile": ("area", 2589988.11),
    "hectare": ("area", 1e4), "acre": ("area", 4046.8564224),
    "kilogram": ("mass", 1.0), "gram": ("mass", 0.001), "tonne": ("mass", 1000.0), "metric_ton": ("mass", 1000.0),
    "pound": ("mass", 0.45359237), "lb": ("mass", 0.45359237), "ounce": ("mass", 0.028349523125),
    "liter": ("volume", 1.0), "litre": ("volume", 1.0), "gallon": ("volume", 3.785411784), "barrel": ("volume", 158.987294928),
    "kilometer_per_hour": ("speed", 1 / 3.6), "mile_per_hour": ("speed", 0.44704), "meter_per_second": ("speed", 1.0),
    "knot": ("speed", 0.514444),
    "second": ("time", 1.0), "minute": ("time", 60.0), "hour": ("time", 3600.0), "day": ("time", 86400.0),
    "week": ("time", 604800.0), "month": ("time", 2629746.0), "year": ("time", 31556952.0),
    "percent": ("percent", 1.0), "%": ("percent", 1.0), "share": ("share", 1.0),
    "degree_Celsius": ("celsius", 1.0), "ordinal": ("ordinal", 1.0), "": ("count", 1.0), "clock": ("clock", 1.0),
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
REL_TOL = 0.05  # a round figure may be up to 5% off the true value
UP = {"up to", "at most", "less than", "under", "fewer than", "below", "no more than", "nearly", "almost"}
DOWN = {"more than", "over", "at least", "above", "exceeding", "no fewer than"}
APPROX = {"around", "about", "approximately", "roughly", "some", "an estimated", "estimated", "nearly", "almost"}
RANGE = "range"  # a Stated's qualifier when the copy gives a range ("40 to 60 percent"): lo..hi spans it

# what a count counts: predicate classes found near the number ("people killed" vs "people missing")
_PREDICATES: dict[str, tuple[str, ...]] = {
    "dead": ("kill", "dead", "died", "die ", "dying", "death", "toll", "fatalit", "perish", "lost their lives", "lives lost"),
    "missing": ("missing", "unaccounted", "disappeared"),
    "injured": ("injur", "wounded", "hurt", "hospitali"),
    "displaced": ("evacuat", "displaced", "homeless", "shelter", "moved to", "relocat", "fled", "forced from",
                  "forcing", "forced out", "from their homes", "lost their homes", "displacement"),
    "rescued": ("rescued", "lifted", "saved", "pulled from", "airlifted"),
    "arrested": ("arrest", "detained", "detain", "charged"),
    "abducted": ("abduct", "kidnap", "seized", "snatched", "taken captive", "taken hostage", "taken from"),
    "held": ("held", "captiv", "remain", "hostage"),
    "freed": ("freed", "released", "set free", "handed over"),
    "escaped": ("escap",),
    "affected": ("affect", "impact", "expos", "compromis", "stolen", "stole", "breach", "hack", "accessed", "leaked", "pilfer"),
}
_PEOPLE = {"people", "person", "persons", "resident", "residents", "civilian", "civilians", "victim", "victims",
           "child", "children", "adult", "adults", "worker", "workers", "passenger", "passengers", "soldier",
           "soldiers", "man", "men", "woman", "women", "citizen", "citizens", "individual", "individuals"}
# groups a count of people may be limited to: a count of one group is part of a total, not a rival figure
_ROLES = {"crew": "crew", "pilot": "crew", "crewmember": "crew", "attendant": "crew",
          "child": "child", "kid": "child", "boy": "child", "girl": "child", "schoolgirl": "child", "schoolboy": "child",
          "student": "child", "pupil": "child", "teenager": "child",
          "soldier": "security", "troop": "security", "police": "security", "officer": "security", "policeman": "security",
          "militant": "fighter", "fighter": "fighter", "insurgent": "fighter",
          "passenger": "passenger", "tourist": "passenger", "guest": "passenger", "traveler": "passenger", "traveller": "passenger",
          "consumer": "", "customer": "", "user": "", "people": "", "person": "", "resident": "", "civilian": "", "victim": "",
          "citizen": "", "individual": "", "man": "", "woman": "", "adult": "", "worker": "", "national": "", "foreigner": ""}
# demonyms and country names folded to one region key
_REGIONS = {"u.s.": "us", "us": "us", "american": "us", "americans": "us", "united states": "us", "america": "us",
            "uk": "uk", "u.k.": "uk", "british": "uk", "brits": "uk", "brit": "uk", "britons": "uk", "briton": "uk",
            "britain": "uk", "united kingdom": "uk", "canadian": "canada", "canadians": "canada", "canada": "canada"}
_REGION_RX = re.compile(r"\b(?:in|from|of) (?:the )?(U\.S\.|US|United States|America|UK|U\.K\.|Britain|United Kingdom|[A-Z][a-z]+)\b")
_TRANSPARENT = {"", "number", "toll", "total", "figure", "count", "tally"}
_CLAUSE_BREAK = re.compile(r"[,;:()—–]|\s(?:and|but|after|while|where|before|although)\s", re.I)


def count_measure(claim: Claim, q: Quantity, raw: str) -> str:
    """What a count counts, as 'people:<predicate>' for people (killed/missing/...) or the head noun.

    The predicate nearest the number within its clause decides ("Five people have died and eight are
    missing": five -> dead, eight -> missing); 'people:?' when none is found."""
    words = align_stage.measure_key(claim.measures).split()
    head = words[-1] if words else ""
    people = lambda w: w in _PEOPLE or w in _ROLES or w in _REGIONS  # noqa: E731
    if head in _TRANSPARENT and len(words) > 1 and not any(people(w) for w in words):
        return " ".join(words)  # "credit card numbers", "phone numbers": the thing itself
    if not people(head) and head not in _TRANSPARENT and not (len(words) > 1 and people(words[0])):
        return head[:-1] if head.endswith("s") and not head.endswith("ss") else head
    s0, s1 = claim.start, max(claim.end, q.end)
    text = raw[s0:s1].lower() if 0 <= s0 < s1 <= len(raw) else claim.text.lower()
    pos = q.start - s0 if s0 <= q.start <= s1 else text.find(q.text.lower())
    if pos < 0:
        return "people:?"
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(text)]
    lo = max((b for b in breaks if b < pos), default=0)
    hi = min((b for b in breaks if b > pos + len(q.text)), default=len(text))
    clause = text[lo:hi] + " "
    at = pos - lo
    part = re.match(r"\s+of\s+(?:the|these|those|our|its|their|them)\b[^,;]*?\b(?:have|has|had|were|was|are|is|will)\b",
                    clause[at + len(q.text) :])
    if part:  # the participle after "N of the girls" describes the girls; the count's verb comes after
        cut = at + len(q.text) + part.end()
        clause, at = clause[:at + len(q.text)] + " " * (cut - at - len(q.text)) + clause[cut:], at
    best, dist = "?", 10**6
    for cls, cues in _PREDICATES.items():
        for cue in cues:
            for m in re.finditer(re.escape(cue), clause):
                d = abs(m.start() - at)
                if d < dist:
                    best, dist = cls, d
    return f"people:{best}"


def _singular(w: str) -> str:
    w = w.lower().strip(".,;:'\"")
    if w in ("people", "police", "crew", "us", "u.s."):
        return w
    if w.endswith("ren"):
        return w[:-3]
    return w[:-1] if w.endswith("s") and not w.endswith("ss") else w


def count_group(claim: Claim, q: Quantity, raw: str) -> tuple[str, str]:
    """(role, region) a count of people is limited to: "10 U.S. citizens" -> ("", "us"), "two pilots" -> ("crew", "")."""
    tail = raw[q.end : min(q.end + 80, max(claim.end, q.end))] if 0 <= q.end <= len(raw) else ""
    role, region, caps = "", "", []
    for w in re.findall(r"[A-Za-z][\w.'’-]*", tail)[:5]:
        sw = _singular(w)
        if w[0].isupper() and w.lower() not in ("the", "a", "of", "and"):
            if sw in _ROLES or _singular(w.lower()) in _ROLES:
                role = _ROLES.get(sw, "")
                break
            caps.append(w)
            continue
        if sw in _ROLES:
            role = _ROLES[sw]
            break
        if sw in _PEOPLE or w.lower() in ("of", "and", "in", "were", "was", "are", "have", "had", "who", "from"):
            break
    for c in caps:
        region = _REGIONS.get(c.lower().rstrip("'’s"), "") or _REGIONS.get(_singular(c), "")
        if region:
            break
    if not region:  # a demonym ("Nigerian", "Israeli", "Chinese"), not any capitalised word
        region = next((c.lower() for c in caps if re.search(r"(?:an|ese|ish|i)$", c)), "")
    if not region:
        m = _REGION_RX.search(tail[:60])
        if m:
            region = _REGIONS.get(m.group(1).lower(), "")
    words = claim.measures.split()
    if not region and words:
        region = _REGIONS.get(words[-1].lower(), "") or _REGIONS.get(_singular(words[0]), "")
    return role, region


def dimension(unit: str) -> tuple[str, float] | None:
    """(dimension, factor to base) of a unit; currencies are their own dimension; None when unknown."""
    if unit in UNITS:
        return UNITS[unit]
    parts = unit.split()
    if len(parts) == 2 and parts[0] in _SCALES:  # "billion USD"
        return (f"currency:{parts[1]}", _SCALES[parts[0]])
    if re.fullmatch(r"[A-Z]{3}", unit):  # ISO currency
        return (f"currency:{unit}", 1.0)
    return (f"unit:{unit}", 1.0)


def rounding_step(v: float) -> float:
    """The coarsest 1·10^k or 5·10^k that `v` is a multiple of: how round the stated number is."""
    v = abs(v)
    if v == 0 or v != v:
        return 1.0
    if v != round(v):
        decimals = len(f"{v:.6g}".split(".")[1]) if "." in f"{v:.6g}" else 0
        return 10.0 ** -decimals
    step = 1.0
    k = 0
    # a half-step (5, 50, 500) only for numbers of two significant digits or fewer: "2,500" may be rounded to
    # the nearest 500, "$105 billion" is written to the billion
    halves = len(f"{v:.0f}".rstrip("0")) <= 2
    while k < 15:
        for m in ((5.0, 1.0) if halves else (1.0,)):
            s = m * 10.0**k
            if s <= v and (v / s) == round(v / s):
                step = max(step, s)
        if (v / 10.0**k) != round(v / 10.0**k):
            break
        k += 1
    return step


@dataclass
class Stated:
    """One number as an article states it, with the interval of true values it is compatible with."""

    value: float
    unit: str
    text: str
    qualifier: str
    lo: float  # in the dimension's base unit, qualifiers applied ("up to 5" -> [0, 5])
    hi: float
    flo: float = 0.0  # the number itself within its rounding, qualifiers ignored
    fhi: float = 0.0


def stated(q: Quantity) -> Stated | None:
    """The quantity as written (original value/unit when given) and its plausible interval in base units."""
    value = q.original_value if q.original_value is not None else q.value
    unit = q.original_unit or q.unit
    dim = dimension(unit)
    if dim is None or not math.isfinite(value):
        return None
    factor = dim[1]
    step = rounding_step(value)
    exact_count = dim[0] in ("count", "ordinal") and abs(value) < 100
    tol = 0.0 if exact_count else min(step / 2, REL_TOL * abs(value))
    if q.qualifier in APPROX:
        tol = max(tol, 0.1 * abs(value))
    lo, hi = value - tol, value + tol
    word = re.sub(r"\s+", " ", (q.text or "").lower().strip()).removesuffix(" of")
    if q.qualifier == "vague" and word in VAGUE_WORDS:
        lo, hi = VAGUE_WORDS[word]
    if unit == "clock":  # minutes after midnight; a rough time is a half-hour window
        lo, hi = {"around": (value - 30, value + 30), "just after": (value, value + 30),
                  "just before": (value - 30, value)}.get(q.qualifier, (value, value))
    flo, fhi = lo * factor, hi * factor
    if q.qualifier in UP:
        lo = 0.0 if q.qualifier not in ("nearly", "almost") else value * 0.85
    if q.qualifier in DOWN:
        hi = math.inf
    return Stated(value, unit, q.text or f"{value:g} {unit}".strip(), q.qualifier, lo * factor, hi * factor, flo, fhi)


@dataclass
class Figure:
    """A claim's number with its parenthetical conversions: "2,500 km (1,500 miles)" is one figure."""

    article: str
    claim: Claim
    dim: str
    numbers: list[Stated]
    primary: Quantity
    sentence: Sentence | None = None
    published: str | None = None
    source: str = ""
    measure: str = ""
    what: str = ""  # for counts: what is counted (`count_measure`)
    group: tuple[str, str] = ("", "")  # for counts of people: (role, region) they are limited to (`count_group`)
    earlier: bool = False  # the copy gives it as a past state ("its previous offer of", "said in September")
    siblings: int = 0  # other figures of this dimension in its sentence
    rest: bool = False  # counts the rest beside another count of the same thing ("20 others")
    corrected: bool = False  # the outlet withdraws it ("An earlier version of this story said ...")

    @property
    def lo(self) -> float:
        return max(n.lo for n in self.numbers)

    @property
    def hi(self) -> float:
        return min(n.hi for n in self.numbers)

    @property
    def flo(self) -> float:
        return max(n.flo for n in self.numbers)

    @property
    def fhi(self) -> float:
        return min(n.fhi for n in self.numbers)

    @property
    def vague(self) -> bool:
        return any(n.qualifier in align_stage.VAGUE for n in self.numbers)

    @property
    def rough(self) -> bool:
        """Stated as a range rather than a figure: a vague word or a rough clock time ("around noon")."""
        return self.vague or any((n.unit == "clock" and n.qualifier) or n.qualifier == RANGE for n in self.numbers)


# a bullet or headline: present-tense "says" and no closing punctuation ("Equifax says 143 million may be affected")
_HEADLINE = re.compile(r"^(?=[^\n]{0,200}$)(?=.*\bsays?\b)(?!.*[.!?\"”’')]\s*$)", re.S)
_WITH_DEBT = re.compile(r"\b(?:includ\w+|with|plus)\s+(?:\w+\s+){0,3}debt\b|\bdebt\s+included\b", re.I)
_CUSTODY = re.compile(r"\b(?:prison|jail(?:ed)?|imprison\w*|sentenc\w+|behind bars|custody)\b", re.I)
_CORRECTED = re.compile(
    r"\b(?:an? )?(?:earlier|previous) version of this (?:story|article|report)|\bcorrection\s*:|\b(?:incorrectly|wrongly|mistakenly) "
    r"(?:said|stated|reported|gave)|\bmisstated\b", re.I)
_EARLIER = re.compile(
    r"\b(?:previous(?:ly)?|earlier|initial(?:ly)?|original(?:ly)?|prior|first|former)\b(?:\W+\w+){0,4}\W*$|"
    r"\b(?:up|down|raised|rose|cut|lowered|increased|revised|from)\s+from\s+(?:\w+\s+){0,3}$|\bfrom\s+(?:an?|its|the)?\s*$", re.I)


_MONEY = re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]*\s*(?:(?:b|m|tr)illion\s+)?(?:dollars|euros|pounds|yen|yuan)\b", re.I)


def _with_debt(c: Claim, q: Quantity) -> bool:
    """The sentence says the amount includes debt, with no other amount between the cue and it ("$82 a share, or
    $121 billion; $149 billion including debt": only the last)."""
    pos, end = q.start - c.start, q.end - c.start
    if not 0 <= pos <= len(c.text):
        return bool(_WITH_DEBT.search(c.text))
    for m in _WITH_DEBT.finditer(c.text):
        between = c.text[end : m.start()] if m.start() >= end else c.text[m.end() : pos]
        if not _MONEY.search(between):
            return True
    return False


# an intention's figure: "threatened to fire four missiles", "plans to cut 300 jobs", "vowed to build 10 schools"
_INTENDED = re.compile(r"\b(?:threat(?:en(?:ed|s|ing)?|s)?|plan(?:s|ned|ning)?|vow(?:ed|s|ing)?|propos(?:ed|es|ing)|intend(?:s|ed|ing)?"
                       r"|pledg(?:ed|es|ing)|promis(?:ed|es|ing)|aim(?:s|ed|ing)?|hop(?:es|ed|ing))\s+to\s+(?:[\w-]+\s+){1,2}$", re.I)


_SMALL_WORD = r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a dozen)"
_ALTERNATIVE_BEFORE = re.compile(rf"\b{_SMALL_WORD}\s+or\s+$", re.I)
_ALTERNATIVE_AFTER = re.compile(rf"\s+or\s+{_SMALL_WORD}\b(?!\s+(?:more|fewer|less)\b)", re.I)
# a bare number written with decimals ("5.50", "3.0"); "2.5 million" has its scale word and stays a count
_DECIMAL = re.compile(r"\s*\(?\d+\.\d+\)?\s*$")


# the lower end of a range that the figure after it closes: "40 to 60 percent", "$60-$70 million", "between 10 and
# 12 people"; not a change ("rose from 40 to 60 percent") nor a score ("won 5 to 4", whose low end is not lower)
_RANGE_LOW = re.compile(
    r"(?:\b(?P<between>between)\s+)?(?<![\w.,$€£-])(?P<sym>[$€£])?(?P<low>\d[\d,]*(?:\.\d+)?|"
    + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS if " " not in w), key=len, reverse=True))
    + r")\s*(?P<pct>%|percent|per cent)?\s*(?P<sep>to|-|–|and)\s*[$€£]?$", re.I)


def _range_low(raw: str, c: Claim, q: Quantity, value: float) -> tuple[float, int, int] | None:
    """(lower end in the figure's own unit, its offset in `raw`, where the range's wording starts) when the copy
    states a range ending in `q`."""
    if not 0 <= q.start <= len(raw):
        return None
    floor = max(c.start, q.start - 40)
    m = _RANGE_LOW.search(raw, floor, q.start)
    if not m or (m.group("sep").lower() == "and") != bool(m.group("between")):
        return None
    if (m.group("pct") and q.original_unit != "percent") or bool(m.group("sym")) != q.unit.isupper():
        return None  # "fell 1.5 percent to $65.09": a move and the price it reached, not a range (money is ISO "USD")
    if re.search(r"\bfrom\s+$", raw[floor : m.start()], re.I):
        return None  # "rose from 40 to 60 percent": a change, each end its own figure
    low = parse_number(m.group("low"))
    if low is None or not 0 <= low < value:
        return None
    return low, m.start("low"), m.start()


def _earlier(c: Claim, q: Quantity, raw: str, published: str | None) -> bool:
    """The figure is given as a past state: a cue just before it, or a date weeks before publication opening its clause."""
    head = raw[max(c.start, q.start - 60) : q.start] if 0 <= q.start <= len(raw) else ""
    head = re.split(r"[;:]|,(?!\s+or\b)", head)[-1]  # its own clause ("up from $70 a share, or $105 billion" stays one)
    if _EARLIER.search(head):
        return True
    pub = (published or "")[:10]
    for d in c.dates:
        when = (d.date if d.granularity in ("day", "week", "month") else d.end_date or "")[:10]
        if d.past and c.start <= d.start < q.start and pub and when and when < pub and _days(when, pub) > 20:
            return True
    return False


def _days(a: str, b: str) -> int:
    from datetime import date

    try:
        return (date.fromisoformat(b) - date.fromisoformat(a)).days
    except ValueError:
        return 0


def figures(article: Article, claims: Sequence[Claim], sentences: Sequence[Sentence], source: str) -> list[Figure]:
    """A claim's quantities grouped into figures: a quantity in brackets right after another converts it."""
    out: list[Figure] = []
    for c in claims:
        if caption_or_credit(c.text) or _HEADLINE.search(c.text):
            continue  # a caption's, credit's or bullet headline's number is not the story's figure
        corrected = bool(_CORRECTED.search(c.text))
        qs = sorted(c.quantities, key=lambda q: (q.start, q.end))
        cur: Figure | None = None
        cur_end = -1
        for q in qs:
            st = stated(q)
            if st is None:
                continue
            dim = dimension(st.unit)[0]
            between = article.raw[cur_end : q.start] if 0 <= cur_end <= q.start else ""
            conv = cur is not None and cur.dim == dim and (q.text.lstrip().startswith("(") or "(" in between[:4])
            cur_end = q.end
            if conv:
                cur.numbers.append(st)
                continue
            if _INTENDED.search(article.raw[max(c.start, q.start - 50) : q.start]):
                cur = None  # "threatened to fire four missiles": an intention, not a figure of what happened
                continue
            if _ALTERNATIVE_BEFORE.search(article.raw[max(c.start, q.start - 20) : q.start]) or \
                    _ALTERNATIVE_AFTER.match(article.raw[q.end : q.end + 20]):
                cur = None  # "one or two features", "10 or 12 people": a guess between two numbers, neither a figure
                continue
            if dim == "count" and _DECIMAL.match(q.text or ""):
                cur = None  # "update 5.50 features", "Version 5.00": a version or score, not a count of things
                continue
            low = _range_low(article.raw, c, q, st.value)
            if low is not None:
                if out and out[-1].claim is c and out[-1].primary.start <= low[1] < out[-1].primary.end:
                    out.pop()  # "$60 to $70 million": the low end read alone is not a figure of its own
                base = low[0] * dimension(st.unit)[1]
                st.lo, st.flo, st.qualifier = min(st.lo, base), min(st.flo, base), RANGE
                st.text = article.raw[low[2] : q.end] if q.end <= len(article.raw) else st.text
            measure = align_stage.measure_key(c.measures)
            if dim == "time" and _CUSTODY.search(c.text):
                measure = "custody term"  # "could face up to 14 years in prison", "jailed for up to 10 years"
            if re.search(r"\b(?:a )?(?:combined )?total of\s+$|\bin all\b|\bcombined\b", article.raw[max(c.start, q.start - 20) : q.start]):
                measure = f"{measure} total"  # a sum over several cases is not one case's figure
            if dim.startswith("currency:") and _with_debt(c, q):
                measure = "value including debt"  # a deal's enterprise value is not its equity price
            cur = Figure(
                article=article.id, claim=c, dim=dim, numbers=[st], primary=q,
                sentence=align_stage.sentence_of(sentences, c.start),
                published=article.published, source=source, measure=measure,
            )
            if dim == "count":
                cur.what = count_measure(c, q, article.raw)
                cur.group = count_group(c, q, article.raw)
            cur.corrected = corrected
            cur.earlier = dim != "clock" and _earlier(c, q, article.raw, article.published)
            out.append(cur)
    per_sentence: dict[tuple[int, str], int] = {}
    for f in out:
        per_sentence[(f.claim.start, f.dim)] = per_sentence.get((f.claim.start, f.dim), 0) + 1
    for f in out:
        f.siblings = per_sentence[(f.claim.start, f.dim)] - 1
        # "four were badly hurt while 20 others were slightly hurt": the rest of a count of the same thing
        rest = _others(f)
        f.rest = f.dim == "count" and (rest == "other" or (rest == "others" and any(
            g is not f and g.claim.start == f.claim.start and g.what == f.what and g.dim == "count" for g in out)))
    return out


def _others(f: Figure) -> str:
    """'other' for "19 other defendants" / "an additional 2.5 million" (besides those named), 'others' for
    "20 others" (the rest of some count, or of anyone), else ''."""
    parts = f.claim.text.lower().split(f.primary.text.lower(), 1)
    after = parts[1] if len(parts) > 1 else ""
    if re.match(r"\s*other\s+[a-z]", after) or re.search(r"\b(?:additional|another|further)\s+$", parts[0][-12:]):
        return "other"
    return "others" if re.match(r"\s*others\b", after) else ""
