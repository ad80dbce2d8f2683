"""Claims: numbers normalised with units, qualifiers, what they measure; dates are not quantities."""

from __future__ import annotations

import time

import pytest

from newsfuse import claims, ingest, nlp
from newsfuse.model import Article

QUAKE = (
    "A magnitude 6.4 earthquake struck the coastal province of Vell on Monday, killing at least 12 people "
    "and injuring more than 300. The tremor damaged roughly 1,200 homes across an area of about 40 square miles, "
    "officials said. The government approved a $3.5 million emergency fund and sent 45 rescue teams. "
    "Nearly 30% of the province lost power, and about half of its schools stayed closed. "
    "Engineers will inspect the main bridge next Tuesday; it is the second quake this year in the region. "
    "The epicentre lay 18 km (11 miles) south of Port Anselm, at a depth of 10 kilometres. "
    "Thousands of residents slept outdoors after more than three hours of aftershocks. The year 2019 saw a similar quake."
)


def _claims(text: str, published: str = "2025-10-17") -> list:
    art = Article(id="t", raw=text, text=text, published=published)
    [doc] = nlp.parse([text])
    return claims.extract(art, doc)


def _by_text(cs) -> dict[str, tuple]:
    return {q.text: (q, c) for c in cs for q in c.quantities}


@pytest.fixture(scope="module")
def quake():
    return _by_text(_claims(QUAKE))


def test_counts_with_qualifiers_and_measures(quake):
    q, c = quake["12"]
    assert (q.value, q.unit, q.qualifier) == (12, "", "at least") and c.measures == "people killed"
    q, c = quake["1,200"]
    assert (q.value, q.qualifier, c.measures) == (1200, "around", "home")
    q, c = quake["45"]
    assert c.measures == "rescue team"


def test_money_percent_fraction_magnitude(quake):
    q, c = quake["$3.5 million"]
    assert (q.value, q.unit, q.original_value) == (3_500_000, "USD", 3.5) and c.measures == "emergency fund"
    q, _ = quake["30%"]
    assert (q.value, q.unit, q.qualifier, q.original_unit) == (0.3, "share", "nearly", "percent")
    q, _ = quake["half"]
    assert (q.value, q.unit, q.qualifier) == (0.5, "share", "around")
    q, _ = quake["magnitude 6.4"]
    assert (q.value, q.unit) == (6.4, "magnitude")


def test_units_are_normalised_and_conversions_linked(quake):
    q, c = quake["40 square miles"]
    assert q.unit == "square_kilometer" and q.value == pytest.approx(103.6, abs=0.1) and q.original_unit == "square_mile"
    assert c.measures == "area" and q.qualifier == "around"
    q, c = quake["18 km"]
    assert [x.text for x in c.quantities] == ["18 km", "(11 miles)"]
    assert c.quantities[1].unit == "kilometer" and c.quantities[1].original_value == 11
    assert quake["10 kilometres"][1].measures == "depth"


def test_durations_ordinals_vague_and_years(quake):
    q, c = quake["three hours"]
    assert (q.value, q.unit, q.qualifier, c.measures) == (3, "hour", "more than", "aftershock")
    q, c = quake["second"]
    assert (q.value, q.unit, c.measures) == (2, "ordinal", "quake")
    q, c = quake["Thousands"]
    assert (q.value, q.qualifier, c.measures) == (1000, "vague", "resident")
    assert "2019" not in quake and "Monday" not in " ".join(quake)


def test_claims_carry_their_sentence_dates():
    cs = _claims(QUAKE)
    c = next(c for c in cs if any(q.text == "12" for q in c.quantities))
    assert [(d.expression, d.date) for d in c.dates] == [("Monday", "2025-10-13")]
    assert QUAKE[c.start : c.end].startswith("A magnitude 6.4")


def test_offsets_map_to_raw():
    raw = "Menu: home\nOfficials counted 57 injured passengers.\n"
    art = Article(id="r", raw=raw, text="Officials counted 57 injured passengers.", kept_spans=[(11, 51)])
    [doc] = nlp.parse([art.text])
    [c] = claims.extract(art, doc)
    q = c.quantities[0]
    assert raw[q.start : q.end] == "57" and raw[c.start : c.end] == art.text and c.measures == "passenger injured"


def test_references_and_bare_numbers_are_not_claims():
    cs = _claims("The two leaders met at 10:30 for talks. One of them said the F-16 deal was dead. It was 1990 again.")
    assert cs == []


def test_bad_input_no_crash_and_linear():
    for text in ["", "   \n  ", "Le gouvernement a promis 200 millions d'euros mardi.", "1234567 ### %%% 99.9.9"]:
        assert isinstance(_claims(text), list)
    sent = "Crews repaired 14 power lines on Tuesday. "
    text = sent * 10_000
    art = Article(id="long", raw=text, text=text, published="2025-10-17")
    from spacy.lang.en import English

    light = English()
    light.add_pipe("sentencizer")
    light.max_length = len(text) + 1
    doc = light(text)  # tokens + sentences only: claims must cope with an untagged Doc
    t = time.perf_counter()
    out = claims.extract(art, doc)
    assert time.perf_counter() - t < 20 and isinstance(out, list)


# --- seeds (../shared/seeds, outside the repo) ---

@pytest.fixture(scope="module")
def seed_claims(seeds_dir):
    arts = ingest.ingest([str(seeds_dir)])
    for a in arts:
        a.text, a.published = a.raw, "2025-10-17"
    docs = nlp.parse([a.text for a in arts])
    return {a.id[:3]: _by_text(claims.extract(a, d)) for a, d in zip(arts, docs)}


def test_seed_ranges_and_conversions(seed_claims):
    q, c = seed_claims["002"]["2,500 km"]
    assert (q.value, q.unit, c.measures) == (2500, "kilometer", "range")
    assert c.quantities[1].original_value == 1500 and c.quantities[1].original_unit == "mile"
    q, c = seed_claims["004"]["2,500 kilometers"]
    assert (q.value, q.qualifier, c.measures) == (2500, "up to", "range")
    conv = c.quantities[1]
    assert conv.original_value == 1600 and conv.qualifier == "up to" and conv.value == pytest.approx(2575, abs=1)


def test_seed_money_counts_area_share(seed_claims):
    q, c = seed_claims["004"]["$90 billion"]
    assert (q.value, q.unit, q.qualifier, c.measures) == (9e10, "USD", "up to", "deal")
    assert seed_claims["002"]["28"][1].measures == "missile" and seed_claims["002"]["320"][1].measures == "drone"
    assert seed_claims["002"]["28"][1].subject == "Russia"
    q, c = seed_claims["003"]["5,000 square kilometers"]
    assert (q.value, q.unit, q.qualifier) == (5000, "square_kilometer", "around")
    q, c = seed_claims["000"]["a half"]
    assert (q.value, q.unit, q.qualifier, c.measures, c.subject) == (0.5, "share", "more than", "gas production", "Ukraine")
    q, c = seed_claims["001"]["two hours"]
    assert (q.unit, q.qualifier, c.measures) == ("hour", "more than", "talk")
    assert seed_claims["001"]["thousands"][0].qualifier == "vague"


def test_seed_ordinals(seed_claims):
    q, c = seed_claims["002"]["third"]
    assert (q.value, q.unit) == (3, "ordinal") and c.measures.startswith("visit") and c.subject == "Zelensky"
    q, c = seed_claims["004"]["sixth"]
    assert (q.value, c.measures) == (6, "meeting")


# --- reviewer fixes (invented text) ---

def test_breach_is_not_reach_and_hyphenated_units_measure_their_noun():
    cs = _by_text(_claims("The breach flooded a hamlet 9 km downstream of the mill. "
                          "Engineers inspected a 45-metre weir, a 12-km channel and a 1.5-mile embankment."))
    assert cs["9 km"][1].measures != "range"
    q, c = cs["45-metre"]
    assert (q.unit, q.original_unit, q.value, c.measures) == ("kilometer", "meter", pytest.approx(0.045), "weir")
    assert cs["12-km"][1].measures == "channel" and cs["12-km"][0].value == 12
    q, c = cs["1.5-mile"]
    assert q.unit == "kilometer" and q.value == pytest.approx(2.414, abs=0.01) and c.measures == "embankment"


def test_bare_cardinal_subject_of_casualty_predicate():
    cs = _by_text(_claims("Nine were killed when the ferry capsized. Two are missing. "
                          "Eleven were rescued by fishermen. Four won the prize."))
    assert cs["Nine"][1].measures == "people killed"
    assert cs["Two"][1].measures == "people missing"
    assert cs["Eleven"][1].measures == "people rescued"
    assert "Four" not in cs  # not a casualty predicate: nothing clear to measure


def test_death_counts_share_one_measure():
    cs = _by_text(_claims("Six people are now confirmed dead. The number of people killed in the storm rose to six. "
                          "The death toll climbed to 8. Three people died overnight."))
    assert cs["Six"][1].measures == "people killed"
    assert cs["six"][1].measures == "people killed"
    assert cs["8"][1].measures == "people killed"
    assert cs["Three"][1].measures == "people killed"


def test_clock_times_are_claims_but_stamps_are_not():
    cs = _claims("The ferry left Dunmore at 6.04am and sank just after noon, the coastguard said.\n"
                 "A post shared by Harbour Watch (@harbourwatch) on May 3, 2025 at 9:50pm PDT\n"
                 "Update, May 4, 4pm: the operator sent the following statement.")
    times = {q.text: (q.value, q.qualifier, c.measures) for c in cs for q in c.quantities if q.unit == "clock"}
    assert times == {"6.04am": (364.0, "", "time leave"), "just after noon": (720.0, "just after", "time sink")}


def test_weights_run_on_scales_and_vague_words():
    got = _by_text(_claims("The rocket can lift 140,000 pounds (63,500kg) of cargo, and up to 44million fans watched. "
                           "Several climbers were rescued. He paid 5 million pounds for the house."))
    q, c = got["140,000 pounds"]
    assert q.unit == "metric_ton" and c.measures == "cargo"
    assert got["44million"][0].value == 44e6
    assert got["Several"][0].qualifier == "vague"
    assert "5 million pounds" not in got  # money or weight: the copy does not say


def test_a_bare_count_still_unaccounted_for_counts_the_missing():
    cs = _claims("Eleven climbers were rescued on Sunday. Just under 40 remain unaccounted for on the glacier.")
    bare = [c for c in cs if c.quantities[0].value == 40.0]
    assert bare and bare[0].measures == "people missing" and bare[0].quantities[0].qualifier == "nearly"


def test_a_record_or_score_is_no_count():
    from newsfuse import pipeline
    from newsfuse.model import Article

    t = "The Rangers went 7-8-1 last season and 8-8 this year under the coach. Some 12 players were injured in camp."
    a = Article(id="r", raw=t, text=t)
    values = {q.value for c in pipeline.analyze([a])["r"].claims for q in c.quantities}
    assert values == {12.0}


def test_quantity_prefilter_lets_every_amount_phrase_through_and_skips_plain_words():
    import re as _re

    from newsfuse.claims import numbers

    first = _re.compile(numbers._QTY_FIRST, _re.I)
    phrases = [*numbers._SMALL, *numbers._ORDINALS, *numbers._FRACTIONS, *numbers._VAGUE, *numbers.VAGUE_WORDS,
               "magnitude 6.1", "US$4m", "€30", "12%", "A dozen"]
    assert all(first.match(p) for p in phrases)
    assert not any(first.match(w) for w in ("bridge", "council", "mayor", "often", "under", "each", "after"))


def test_unit_factors_equal_pints_conversion():
    """The fixed factors that replaced pint's registry convert exactly as pint does (after claims' rounding)."""
    pint = pytest.importorskip("pint")
    from newsfuse.claims.units import CANONICAL, _PINT_NAMES, UNITS, convert

    ureg = pint.UnitRegistry()
    pairs = {(u, CANONICAL[d]) for u, d in UNITS.values() if d in CANONICAL and u != CANONICAL[d]}
    assert pairs
    for unit, target in sorted(pairs):
        for v in (0.5, 1.0, 3.0, 12.0, 32.0, 98.6, 451.0, 2.5e3, 123456.7):
            want = ureg.Quantity(v, _PINT_NAMES.get(unit, unit)).to(_PINT_NAMES.get(target, target)).magnitude
            assert round(convert(v, unit, target), 6) == round(float(want), 6), (unit, v)


def test_quantity_scan_with_the_first_word_trie_matches_the_plain_alternation():
    """`QTY` opens with a lookahead written as a trie of the number words; the same pattern with the plain
    alternation finds the same quantities on written text and on random strings of number words."""
    import random
    import re

    from newsfuse.claims import numbers

    first_plain = (r"(?<!\w)(?=[\d$€£¥₹₽₴]|(?:us|c|a)\$|a\s|(?:"
                   + "|".join(w for w in numbers._FIRST_WORDS if w != "a") + "))")  # a plain alternation
    plain = re.compile(numbers.QTY.pattern.replace(numbers._QTY_FIRST, first_plain, 1), re.I)
    assert plain.pattern != numbers.QTY.pattern

    def found(rx, text):
        return [(m.span(), m.lastgroup) for m in rx.finditer(text)]

    text = ("Some 2,500 people fled; a third of them, about fifteen hundred, crossed 40 km in 3 days. Several thousand "
            "more paid US$4.5 million, a magnitude-6.1 quake, 12 percent, the fourteenth time, dozens of homes, tenth.")
    assert found(numbers.QTY, text) == found(plain, text) and len(found(plain, text)) >= 8
    words = ("a an one two ten tens tenth fifteen fifteenth fifty first second half quarter third thirds dozen dozens "
             "several some scores numerous million magnitude percent km miles of the people 1 12 3.5 2,500 $ US$ € tenths").split()
    rnd = random.Random(5)
    for _ in range(2000):
        text = "".join(rnd.choice(words) + rnd.choice((" ", " ", "-", ", ", "", ".")) for _ in range(rnd.randint(1, 10)))
        assert found(numbers.QTY, text) == found(plain, text), text


def test_the_numerator_of_a_spelled_fraction_is_no_count():
    """"two-thirds" in a range of odds is not a count of two ("thirds"); "two" beside its noun still is."""
    cs = _claims("The engineers put the chance of a clean landing at one-half to two-thirds, and two engineers disagreed.")
    found = [(q.text, q.value) for c in cs for q in c.quantities]
    assert ("two", 2.0) in found and sum(1 for t, _ in found if t.lower() == "two") == 1, found
    assert not any(c.measures.startswith("third") for c in cs), [(c.measures, c.text) for c in cs]
