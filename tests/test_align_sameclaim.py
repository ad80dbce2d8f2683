"""Same claim: sentences on one topic join a fact only when they state the same thing."""

from __future__ import annotations

from newsfuse import align
from newsfuse.align.facts import Unit
from newsfuse.align.sameclaim import ClaimCheck, occasion_days
from newsfuse.align.tokens import alignable
from newsfuse.model import DateRef, Sentence
from test_brief import Doc, story


def _units(*texts: str, quantities: dict[int, frozenset] | None = None) -> list[Unit]:
    return [Unit(f"a{k}", Sentence(f"a{k}", 0, 0, len(t), t), f"src{k}", quantities=(quantities or {}).get(k, frozenset()))
            for k, t in enumerate(texts)]


_FILLER = [  # the rest of a story: what makes its topic words common and its claims' words rare
    "The Kestrel dam above Redvale held back the river for forty years.",
    "Residents of Redvale said the river had been rising for a week.",
    "The river burst its banks below the dam on Tuesday night.",
    "Emergency crews from three counties reached Redvale before dawn.",
    "The dam's owner, Northwater, said it was cooperating with the inquiry.",
    "Schools in Redvale stayed shut as the river kept rising.",
]


def test_the_topic_is_not_the_claim():
    units = _units("Floodwater from the burst Kestrel dam destroyed 300 homes in Redvale on Tuesday.",
                   "The Kestrel dam burst on Tuesday and its floodwater wrecked 300 homes in Redvale.",
                   "Engineers had warned Northwater about cracks in the Kestrel dam wall last year.",
                   *_FILLER)
    check = ClaimCheck(units)
    assert check.same(0, 1, 0.8)
    assert not check.same(0, 2, 0.8), "same dam, same town, another claim"


def test_other_days_or_other_figures_of_one_unit_are_other_claims():
    units = _units("The Kestrel dam burst on Tuesday, flooding Redvale.", "The Kestrel dam burst on Friday, flooding Redvale.",
                   "The river rose 4 metres above the Redvale bridge.", "The river rose 9 metres above the Redvale bridge.",
                   "Northwater offered $120 million in compensation for Redvale.", "Northwater offered $80 a share for Redvale Water.",
                   *_FILLER, quantities={2: frozenset({(0.004, "kilometer")}), 3: frozenset({(0.009, "kilometer")}),
                                         4: frozenset({(120e6, "USD")}), 5: frozenset({(80.0, "USD")})})
    check = ClaimCheck(units, {("a0", 0): frozenset({(739000, 739000)}), ("a1", 0): frozenset({(739010, 739010)})})
    assert check.clash(0, 1), "ten days apart: two events"
    assert check.clash(2, 3), "4 and 9 metres: one measure, different figures"
    assert not check.clash(4, 5), "$120 million and $80 a share measure different things"


def test_named_days_count_but_reporting_times_do_not():
    sents = [Sentence("a", 0, 0, 40, "The launch on Friday flew over Hokkaido."),
             Sentence("a", 1, 41, 90, "Officials said today that the launch failed."),
             Sentence("a", 2, 91, 150, "Northwater said on Monday that 310 homes were lost.")]
    dates = [DateRef("Friday", "2017-09-15", start=14, end=20), DateRef("today", "2017-09-16", start=56, end=61),
             DateRef("Monday", "2017-09-18", start=110, end=116)]
    occasions = occasion_days(sents, dates)
    assert set(occasions) == {0}


def test_launches_weeks_apart_are_not_one_fact():
    a = Doc("a", "Harbor Times").say("The missile flew over Hokkaido on Tuesday and fell into the Pacific, officials said.").date(
        "Tuesday", "2017-08-29")
    b = Doc("b", "Island Wire").say("The missile flew over Hokkaido on Friday and fell into the Pacific, officials said.").date(
        "Friday", "2017-09-15")
    c = Doc("c", "Gulf Post").say("Officials said the missile crossed Hokkaido on Tuesday before falling into the Pacific.").date(
        "Tuesday", "2017-08-29")
    arts, ans = story(a, b, c)
    al = align.align(arts, ans)
    hokkaido = [f for f in al.facts if "Hokkaido" in f.text]
    assert hokkaido and all(not ({"a", "b"} <= set(f.articles) or {"b", "c"} <= set(f.articles)) for f in hokkaido), \
        [(f.text, f.articles) for f in al.facts]
    assert any({"a", "c"} <= set(f.articles) for f in hokkaido)


def test_captions_credits_and_question_headings_are_not_statements():
    assert not alignable("What happens next for the families of Redvale?")
    assert not alignable("Rescuers search the ruins of a house in Redvale © Reuters (AFP/File)")
    assert not alignable("The singer, 35, leaves a club in Miami on Monday night. Splash News")
    assert not alignable("Anger grows in Redvale")  # a heading: short, no closing stop
    assert alignable("“What happens to us now?” asked one resident of Redvale.")
    assert alignable("Rescuers searched the ruins of 300 houses in Redvale on Wednesday.")


def test_a_sentence_on_the_topic_that_states_something_else_is_no_support():
    a = Doc("a", "Harbor Times").say("Floodwater from the burst Kestrel dam destroyed 300 homes in Redvale on Tuesday.").say(
        "Emergency crews from three counties reached Redvale before dawn.")
    b = Doc("b", "Island Wire").say("The Kestrel dam burst on Tuesday and its floodwater wrecked 300 homes in Redvale.").say(
        "Schools in Redvale stayed shut as the river kept rising.")
    c = Doc("c", "Gulf Post").say("Engineers had warned about cracks in the wall of the Kestrel dam above Redvale.").say(
        "The dam's owner said it was cooperating with the inquiry into the flood.")
    arts, ans = story(a, b, c)
    al = align.align(arts, ans)
    homes = [f for f in al.facts if "300 homes" in f.text]
    assert homes and set(homes[0].articles) == {"a", "b"}, [(f.text, f.articles) for f in al.facts]


def test_a_month_with_its_year_dates_an_occasion_too():
    sents = [Sentence("a", 0, 0, 60, "Two missiles were launched in July 2017 from Kusong, and more in May.")]
    dates = [DateRef("July 2017", "2017-07-01", "2017-07-31", "month", start=31, end=40),
             DateRef("May", "2017-05-01", "2017-05-31", "month", start=63, end=66)]
    assert occasion_days(sents, dates) == {0: frozenset({(736511, 736541)})}


def test_the_sharing_table_agrees_with_the_word_sets():
    """`shares` (one sparse product a story) answers as the specific-word sets do, for every pair."""
    units = _units("Floodwater from the burst Kestrel dam destroyed 300 homes in Redvale on Tuesday.",
                   "The Kestrel dam burst on Tuesday and its floodwater wrecked 300 homes in Redvale.",
                   "Engineers had warned Northwater about cracks in the Kestrel dam wall last year.",
                   "A brass band played in the square.", *_FILLER)
    check = ClaimCheck(units)
    assert check.shares is not None
    pairs = [(i, j) for i in range(len(units)) for j in range(len(units))]
    assert [check.share(i, j) for i, j in pairs] == [bool(check.specific[i] & check.specific[j]) for i, j in pairs]
    assert check.share(0, 1) and not check.share(0, 3)


def test_a_wires_copies_do_not_make_its_words_the_topic():
    """Two wires each run by three outlets tell one thing in their own words: the words they share stay specific to
    that claim (copies of one sentence state it once), while the same sentence written by six independent sources is
    the story's topic."""
    ap = "The mayor ordered the evacuation of Redvale three days after engineers found the crack."
    wire = "Three days after the crack was found, Redvale was evacuated on the mayor's orders."

    def units(sources: list[str]) -> list[Unit]:
        texts = [ap] * 3 + [wire] * 3 + _FILLER
        return [Unit(f"a{k}", Sentence(f"a{k}", 0, 0, len(t), t), src) for k, (t, src) in
                enumerate(zip(texts, sources + [f"own{k}" for k in range(len(_FILLER))]))]

    copied = ClaimCheck(units(["ap"] * 3 + ["reuters"] * 3))
    assert copied.share(0, 3) and copied.share(2, 5), "the evacuation, three days on: one claim in two wires' words"
    assert copied.same(0, 3, 0.75)
    independent = ClaimCheck(units([f"outlet{k}" for k in range(6)]))
    assert not independent.share(0, 3), "six outlets' own sentences on it: the story's topic"
