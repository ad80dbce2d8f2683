"""Propositions: one statement that outlets word differently, in different places of their articles."""

from __future__ import annotations

from newsfuse import align
from newsfuse.align.propositions import _anchors
from test_brief import Doc, story


def _ferry_story(third_toll: str = "nine", third_value: float = 9.0):
    a = Doc("a", "Harbor Times").say(
        "A passenger ferry capsized off the island of Marvel Key on Tuesday, prompting a large rescue operation."
    ).say("Nine people drowned when the Sea Lark overturned in heavy swell, the coast guard said.").claim(
        "people drowned", ("Nine", 9.0, "")
    ).say("The vessel had been inspected only last month, its owner said.")
    b = Doc("b", "Island Wire").say(
        "Rescue crews pulled 40 survivors from the water after the Sea Lark ferry went down near Marvel Key."
    ).say("The coast guard said nine passengers had drowned in the accident.").claim("passengers drowned", ("nine", 9.0, ""))
    c = Doc("c", "Gulf Post").say(
        f"The coast guard reported that {third_toll} people drowned when the Sea Lark ferry capsized."
    ).claim("people drowned", (third_toll, third_value, ""))
    return story(a, b, c)


def test_a_toll_stated_in_different_sentences_is_one_fact_with_its_sources():
    arts, ans = _ferry_story()
    al = align.align(arts, ans)
    toll = [f for f in al.facts if "drown" in f.text.lower()]
    assert toll, [f.text for f in al.facts]
    assert set(toll[0].articles) == {"a", "b", "c"} and toll[0].support == 3


def test_an_outlet_with_another_figure_never_supports_the_toll():
    arts, ans = _ferry_story("eleven", 11.0)
    al = align.align(arts, ans)
    for f in al.facts:
        if "drown" in f.text.lower():
            assert "c" not in f.articles, f


def test_anchors_fold_number_words_and_inflections():
    an = _anchors("Seven lawmakers debated the bill")
    assert "7" in an and "debat" in an and "lawmaker debat" in an
    assert "debat" in _anchors("The bill sparked a debate")
    assert {"10", "12"} <= _anchors("Ten ferries and a dozen barges")  # "ten" is a spaCy stop word


def test_a_figure_backed_through_one_shared_sentence_is_one_fact_of_all_three_outlets():
    a = Doc("a", "Delta Herald").say("Aid groups opened new camps near Tarsk on Sunday as families kept arriving.").say(
        "The insurgency has claimed more than 30,000 lives and displaced 1.4 million people since the rebels took up arms.")
    b = Doc("b", "Rights Monitor").say("The release was welcomed by families in Tarsk on Sunday.").say(
        "The group, which formed in 2009, has killed more than 30,000 people in attacks across the region, "
        "according to a rights group.")
    c = Doc("c", "River Wire").say("Convoys reached the camps outside Tarsk on Sunday.").say(
        "The rebels have been blamed for the deaths of more than 30,000 people and the displacement of 1.4 million others.")
    arts, ans = story(a, b, c)
    al = align.align(arts, ans)
    toll = [f for f in al.facts if "30,000" in f.text]
    assert len(toll) == 1 and set(toll[0].articles) == {"a", "b", "c"}, [(f.text, f.articles) for f in toll]


def test_one_statement_found_twice_is_one_fact_but_other_figures_stay_apart():
    import numpy as np

    from newsfuse.align.facts import Unit
    from newsfuse.align.propositions import merge_near_duplicates
    from newsfuse.model import Fact, Sentence, Variant

    texts = {"a": "The release of the hostages is the outcome of talks, the spokesman said.",
             "b": "The release of the hostages is the outcome of talks, the spokesman said.",
             "c": "The release of the hostages followed talks with the rebels.",
             "d": "The ferry carried 40 passengers.", "e": "The ferry carried 90 passengers."}
    units = [Unit(k, Sentence(k, 0, 0, len(t), t), f"src-{k}",
                  figures=frozenset({(40.0, "", "passenger")} if k == "d" else {(90.0, "", "passenger")} if k == "e" else set()))
             for k, t in texts.items()]
    E = np.eye(5)
    E[1] = E[0]  # a and b: one sentence, two outlets' copies
    E[4] = E[3]  # d and e: alike but for the figure
    fact = lambda ks: Fact("", texts[ks[0]], sorted(ks), len(ks), [Variant(k, texts[k], 0, len(texts[k])) for k in ks],  # noqa: E731
                           [f"src-{k}" for k in ks])
    out = merge_near_duplicates([fact(["a", "c"]), fact(["b", "c"]), fact(["d", "c"]), fact(["e", "c"])], units, E)
    assert len(out) == 3
    assert set(out[0].articles) == {"a", "b", "c"} and out[0].support == 3


def test_a_sentence_naming_another_year_never_supports_the_fact():
    a = Doc("a", "Desert Sun").say("Renner, the No. 1 overall pick by Toledo in 2004, retired on Tuesday after 14 seasons.")
    b = Doc("b", "Lake Post").say("Renner, the No. 1 overall pick by Toledo in 2003, retired on Tuesday after 14 seasons.")
    c = Doc("c", "Valley Wire").say("Renner was taken first overall by Toledo in 2004 and retired on Tuesday after 14 seasons.")
    arts, ans = story(a, b, c)
    al = align.align(arts, ans)
    pick = [f for f in al.facts if "2004" in f.text]
    assert pick and all("b" not in f.articles for f in pick), [(f.text, f.articles) for f in al.facts]


def test_a_quote_two_outlets_carry_is_a_quote_group_not_a_fact():
    q = "“We will rebuild every bridge on the river before the winter comes,” Mayor Ana Lopez said."
    a = Doc("a", "Harbor Times").say("Floods cut the town of Dunmore in two on Friday.").say(q).quote(
        "We will rebuild every bridge on the river before the winter comes", "Ana Lopez")
    b = Doc("b", "Island Wire").say("Dunmore was split in two by floods on Friday.").say(q).quote(
        "We will rebuild every bridge on the river before the winter comes", "Ana Lopez")
    arts, ans = story(a, b)
    al = align.align(arts, ans)
    assert not any("rebuild every bridge" in f.text for f in al.facts), [f.text for f in al.facts]


def test_the_second_sentence_of_a_quote_two_outlets_carry_is_no_fact():
    first, second = ("“I will miss the players on the bus.",
                     "I will miss walking out of the tunnel to hear the anthem, because it still gets to me,” "
                     "Coach Dana Whitlock said.")
    said = "I will miss the players on the bus. I will miss walking out of the tunnel to hear the anthem, because it still gets to me"

    def doc(aid: str, outlet: str, lead: str) -> Doc:
        from newsfuse.model import Quote, Speaker

        d = Doc(aid, outlet).say(lead).say(first).say(second)
        i = d.raw.index(said[:20])  # the quote spans both sentences
        d.analysis.quotes.append(Quote(aid, i, i + len(d.raw[i:].split("”")[0]), said, True, Speaker("Dana Whitlock")))
        return d

    arts, ans = story(doc("a", "Harbor Times", "Dana Whitlock retired on Monday after nine seasons in charge of the club."),
                      doc("b", "Island Wire", "Dana Whitlock stepped down on Monday after nine seasons with the club."))
    al = align.align(arts, ans)
    assert not any("tunnel" in f.text for f in al.facts), [f.text for f in al.facts]


def _barrier_story():
    a = Doc("a", "Harbor Times").say("Mayor Ann Lee met Governor Tom Reyes at City Hall on Monday to discuss the flood barrier.") \
        .say("Lee said the barrier would be finished before the autumn storms arrive in Marvel Bay.") \
        .say("The council approved the Marvel Bay barrier budget last year after a long debate.") \
        .say("Residents of the harbour district packed the public gallery to watch the vote.")
    b = Doc("b", "Island Wire").say("Governor Tom Reyes travelled to City Hall on Monday for talks with Mayor Ann Lee about the flood barrier.") \
        .say("Reyes praised Lee for the barrier plan and said the state would pay part of its cost.") \
        .say("Fishermen in Marvel Bay worry the barrier will close their channel during storms.") \
        .say("Harbour traders said they expected more visitors once the works were done.")
    c = Doc("c", "Gulf Post").say("Mayor Ann Lee welcomed Governor Tom Reyes on Monday, hoping to win state money for the flood barrier.") \
        .say("Lee has promised the barrier will be finished before the autumn storms hit Marvel Bay.") \
        .say("A previous barrier in the north of Marvel Bay collapsed during a storm in 1998.") \
        .say("Local schools will close on the day the barrier is inaugurated, officials said.")
    return story(a, b, c)


def test_a_sentence_joins_a_proposition_on_shared_substance_not_on_its_vector_alone():
    """Two sentences sharing one word beyond the story's topic ("close", "harbour") pass the blended check when their
    vectors are close, but state different things: they never join a proposition; a paraphrase does."""
    from newsfuse.align.propositions import MIN_COVER, _joins
    from newsfuse.align.sameclaim import ClaimCheck

    arts, ans = _barrier_story()
    units = align.build_units(arts, ans, [], align.source_keys(arts))
    check = ClaimCheck(units)
    row = {u.sentence.text.split()[0] + u.article: i for i, u in enumerate(units)}
    for x, y in (("Fishermenb", "Localc"), ("Residentsa", "Harbourb")):
        i, j = row[x], row[y]
        assert check.same(i, j, 0.95) and check.cover(i, j) < MIN_COVER  # the vectors alone would carry it
        assert not _joins(check, i, j, 0.95)
    assert _joins(check, row["Leea"], row["Leec"], 0.8)  # "would be finished before the autumn storms" twice
    al = align.align(arts, ans)
    assert {"a", "b", "c"} <= set(next(f for f in al.facts if "City Hall" in f.text).articles)


def test_a_story_past_the_dense_limit_scores_its_pairs_alike(monkeypatch):
    """Stories too large for the n x n tables score each anchor's pairs as they come, with the same
    `_claim_scores`: the same propositions as the story-wide table gives."""
    import importlib

    propositions = importlib.import_module("newsfuse.align.propositions")  # the module (the package names its function so)

    def facts(arts, ans):
        return [(f.text, f.articles, f.support) for f in align.align(arts, ans).facts]

    stories = [_ferry_story(), _ferry_story("eleven", 11.0)]
    dense = [facts(*s) for s in stories]
    monkeypatch.setattr(propositions, "DENSE_MAX", 0)
    assert [facts(*s) for s in stories] == dense
    assert any(set(a) == {"a", "b", "c"} for _, a, _ in dense[0])


def test_anchors_holding_the_same_sentences_are_grouped_once_and_each_keeps_its_group(monkeypatch):
    import sys

    props = sys.modules["newsfuse.align.propositions"]
    arts, ans = _ferry_story()
    calls, best = [], props._best_group

    def counted(rows, *args):
        calls.append(tuple(rows.tolist()))
        return best(rows, *args)

    monkeypatch.setattr(props, "_best_group", counted)
    al = align.align(arts, ans)
    assert calls and len(calls) == len(set(calls))  # several anchors ("drown", "coast guard", "9") hold one set
    toll = [f for f in al.facts if "drown" in f.text.lower()]
    assert toll and set(toll[0].articles) == {"a", "b", "c"}


def _named(arts, name: str, eid: str):
    from newsfuse.model import Entity, Mention

    mentions = [Mention(a.id, k, k + len(name), name) for a in arts for k in [a.raw.find(name)] if k >= 0]
    return Entity(eid, name, "ORG", [name], mentions)


def _water_board_story():
    a = Doc("a", "Valley Post").say("Residents of Pellham were told to boil their tap water on Monday.").say(
        "The Harlow Valley Water Board will meet on Thursday.")
    b = Doc("b", "County Ledger").say("Pellham's tap water must be boiled before drinking, officials said on Monday.").say(
        "The Harlow Valley Water Board fined the bottling plant upstream twice last year for dumping waste.")
    c = Doc("c", "River Wire").say("Households in Pellham were told on Monday to boil tap water.").say(
        "Last year the Harlow Valley Water Board twice fined the upstream bottling plant for dumping its waste.")
    arts, ans = story(a, b, c)
    return arts, ans, [_named(arts, "Harlow Valley Water Board", "org:harlow-valley-water-board")]


def test_sentences_sharing_only_a_name_state_two_things_about_it():
    arts, ans, ents = _water_board_story()
    al = align.align(arts, ans, ents)
    meeting = [f for f in al.facts if any("meet on Thursday" in v.text for v in f.variants)]
    assert all(f.articles == ["a"] for f in meeting), [(f.text, f.articles) for f in meeting]
    fines = [f for f in al.facts if "fined" in f.text]
    assert fines and set(fines[0].articles) == {"b", "c"}, [(f.text, f.articles) for f in al.facts]


def test_a_shared_word_beyond_the_names_is_what_makes_one_claim():
    from newsfuse.align.facts import build_units
    from newsfuse.align.sameclaim import ClaimCheck

    arts, ans, ents = _water_board_story()
    units = build_units(arts, ans, ents)
    check = ClaimCheck(units)
    meet = next(k for k, u in enumerate(units) if "meet" in u.sentence.text)
    fined, fined2 = (next(k for k, u in enumerate(units) if u.article == x and "fined" in u.sentence.text) for x in "bc")
    assert {"harlow", "valley", "water", "board", "water board"} <= units[meet].names
    assert not check.beyond_names(meet, fined)
    assert check.beyond_names(fined, fined2)  # "fined", "bottling plant", "waste"
