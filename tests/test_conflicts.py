"""Conflicts on real extraction: invented reports run through claims, align and the conflicts step."""

from __future__ import annotations

import pytest

from newsfuse import align, pipeline
from newsfuse.brief import conflicts
from newsfuse.model import Article


def art(aid: str, outlet: str, text: str, published: str = "2024-09-14T10:00", duplicate_of: str | None = None) -> Article:
    return Article(id=aid, outlet=outlet, raw=text, text=text, published=published, duplicate_of=duplicate_of)


def found(*arts: Article):
    arts = list(arts)
    an = pipeline.analyze(arts)
    return conflicts.find(arts, an, align.align(arts, an))


def values(c) -> set[float]:
    return {x.value for x in c.claims}


def test_a_caption_number_never_feeds_a_conflict():
    a = art("a", "Marlow Courier",
            "Fourteen people were injured when a coach overturned on the ring road near Marlow on Friday, rescuers said.\n"
            "Rescuers lift a passenger from the coach near Marlow on Friday, where 40 people were injured. (AP Photo/Lena Ortiz)\n"
            "7/8")
    b = art("b", "Vale Post", "A coach overturned on the ring road near Marlow on Friday and 12 people were injured, rescuers said.")
    out = found(a, b)
    assert out, "the two body counts (14 vs 12) still conflict"
    assert all(values(c) <= {14.0, 12.0} for c in out)


def test_a_vague_word_against_an_exact_count_is_precision():
    a = art("a", "Alpine Wire", "Several climbers were rescued from the glacier above Vennick on Tuesday, the mountain guard said.")
    b = art("b", "Valley Radio", "Seven climbers were rescued from the glacier above Vennick on Tuesday, the mountain guard said.")
    out = found(a, b)
    assert [c.kind for c in out] == ["precision"]
    assert values(out[0]) == {3.0, 7.0} and "less precise" in out[0].explanation


def test_more_than_fifty_and_fifty_one_is_rounding():
    a = art("a", "Dorrow Daily", "Police said 51 people were arrested after the cup final in Dorrow on Saturday night.")
    b = art("b", "Harbor Times", "Police said more than 50 people were arrested after the cup final in Dorrow on Saturday night.")
    out = found(a, b)
    assert [c.kind for c in out] == ["rounding"] and out[0].severity == "none"


def test_a_toll_rising_over_publication_time_is_an_update_with_the_latest_current():
    arts = [art(f"t{n}", outlet, f"At least {word} people died when the ferry Calder capsized off Innis Point, the coastguard said.", when)
            for n, (outlet, word, when) in enumerate([("Early Wire", "three", "2024-09-14T06:00"), ("Noon Post", "five", "2024-09-14T12:00"),
                                                      ("Night Desk", "nine", "2024-09-14T21:00")])]
    out = found(*arts)
    assert [c.kind for c in out] == ["update"]
    assert [x.value for x in out[0].claims] == [3.0, 5.0, 9.0] and "latest is nine" in out[0].explanation


def test_a_group_within_a_total_is_a_different_measure():
    a = art("a", "Island Wire", "A small plane crashed near Port Elwin on Sunday, killing 10 Canadian tourists and two local pilots, officials said.")
    b = art("b", "Coast Herald", "A small plane crashed near Port Elwin on Sunday, killing 12 people, officials said.")
    out = found(a, b)
    assert not any(c.kind in ("contradiction", "update") for c in out)
    dm = [c for c in out if c.kind == "different-measure" and values(c) == {10.0, 12.0}]
    assert dm and "different things" in dm[0].explanation


def test_a_near_copy_that_changes_a_figure_still_conflicts():
    text = "The new ferry Orla will carry {n} vehicles across the strait from Kelby when it enters service in May, the operator said."
    a = art("a", "Strait News", text.format(n="1,200"))
    b = art("b", "Kelby Mail", text.format(n="1,500"), duplicate_of="a")
    c = art("c", "Harbour Daily", "When it enters service in May the ferry Orla will carry 1,200 vehicles across the strait from Kelby, its operator said.")
    out = found(a, b, c)
    assert len(out) == 1 and values(out[0]) == {1200.0, 1500.0} and out[0].kind == "contradiction"
    assert {x.article for x in out[0].claims} == {"a", "b", "c"}


def test_an_outlet_correcting_itself_is_a_correction():
    a = art("a", "Kessel Gazette",
            "Twelve people were injured in the fire at the Kessel warehouse on Monday, the fire service said.\n"
            "An earlier version of this story said 14 people were injured in the fire at the Kessel warehouse.")
    b = art("b", "River Post", "The fire service said 12 people were injured in the fire at the Kessel warehouse on Monday.")
    out = found(a, b)
    assert [c.kind for c in out] == ["correction"]
    assert values(out[0]) == {12.0, 14.0} and "corrected itself" in out[0].explanation


def test_a_rough_time_beside_an_exact_one_is_precision():
    a = art("a", "Air Wire", "The charter plane crashed just after noon on Sunday shortly after taking off from Elwin airstrip, officials said.")
    b = art("b", "Coast Herald", "The charter plane took off from Elwin airstrip at 12:10 p.m. on Sunday and crashed minutes later, officials said.")
    out = found(a, b)
    assert [c.kind for c in out] == ["precision"] and values(out[0]) == {720.0, 730.0}


def test_a_model_number_is_no_count_but_the_count_beside_it_is():
    a = art("a", "One", "A Boeing 747 plane with 300 passengers landed at Kallen airport on Tuesday.")
    an = pipeline.analyze([a])
    values_ = {q.value for c in an["a"].claims for q in c.quantities}
    assert 300.0 in values_ and 747.0 not in values_


def test_the_rest_of_a_count_is_not_a_rival_figure():
    a = art("a", "Rhine Wire", "Four people were taken to hospital with serious injuries while 20 others were slightly hurt when the barge "
                               "struck the Kallen bridge on Tuesday, police said.")
    b = art("b", "Valley Post", "Police said 24 people were injured when the barge struck the Kallen bridge on Tuesday.")
    out = found(a, b)
    assert not any(20.0 in values(c) and 24.0 in values(c) for c in out)


def test_a_report_stating_its_own_revision_is_an_update():
    a = art("a", "Lakeside Ledger",
            "While the lender previously said up to 90,000 Norland customers may have been affected, it said on "
            "Monday that its completed review found about 6,000 Norland customers were affected.")
    b = art("b", "Harbor Times", "The lender said the breach affected customers in Norland and several other countries.")
    out = found(a, b)
    assert [c.kind for c in out] == ["update"]
    assert values(out[0]) == {90000.0, 6000.0}


def test_a_figure_restated_at_another_precision_is_shown_beside_it():
    a = art("a", "Early Wire", "The lender said fewer than 300,000 Norland customers had their passport numbers stolen in the breach.",
            "2024-09-14T06:00")
    b = art("b", "Night Desk",
            "The lender now says almost 500,000 Norland customers had their passport numbers stolen in the breach.\n"
            "The lender added: \u201cWe will write to 496,310 customers by post this week.\u201d", "2024-09-20T21:00")
    out = found(a, b)
    assert out and values(out[0]) == {300000.0, 500000.0, 496310.0}


def test_a_share_price_move_reported_through_the_day_is_an_update_and_another_company_stays_apart():
    a = art("a", "Ticker Wire", "Halvane Systems shares fell 1.5 percent to $41.10 at 9:34 a.m. as traders doubted regulators would clear it.",
            "2024-09-14T09:40")
    b = art("b", "City Ledger", "Halvane Systems shares fell 4.2 percent to $40.20 at mid-afternoon on doubts about the deal, as a broker cut its rating.",
            "2024-09-14T15:10")
    c = art("c", "Market Desk", "Orbek Corp shares rose 0.4 percent to $88.20 after it raised its bid for Halvane Systems.",
            "2024-09-14T16:00")
    out = [x for x in found(a, b, c) if values(x) & {1.5, 4.2, 0.4}]
    assert [x.kind for x in out] == ["update"]
    assert values(out[0]) == {1.5, 4.2} and "Halvane Systems’s share price" in out[0].explanation


def test_numerous_lawsuits_against_a_count_of_class_actions_is_precision():
    a = art("a", "Metro Daily", "Corvane also faces several state inquiries and numerous class-action lawsuits over the leak.")
    b = art("b", "Law Wire", "Corvane faces 130 consumer class actions over the leak, according to court records.")
    out = [c for c in found(a, b) if 130.0 in values(c)]
    assert [c.kind for c in out] == ["precision"]


def test_one_group_within_a_total_is_noted_once_however_each_outlet_words_it():
    a = art("a", "Sur Wire", "A small plane crash on Sunday in northern Verdania killed 12 people, including 10 Danish citizens, officials said.")
    b = art("b", "Nord Post", "Officials said 10 of the 12 victims in Sunday's crash in northern Verdania were Danish citizens.")
    c = art("c", "Capital News", "Investigators are examining the crash in northern Verdania that killed the 10 Danish citizens on board on Sunday.")
    notes = [x for x in found(a, b, c) if x.kind == "different-measure"]
    assert len(notes) == 1 and values(notes[0]) == {10.0, 12.0}


def test_qualified_shares_that_fit_one_value_are_no_update():
    a = art("a", "Early Post", "The leak exposed the records of well over a third of Norland's adults, the regulator said.",
            "2024-09-14T06:00")
    b = art("b", "Late Wire", "The leak exposed the records of almost half of Norland's adults, the regulator said.",
            "2024-09-20T06:00")
    kinds = [c.kind for c in found(a, b)]
    assert "update" not in kinds and kinds, kinds


def test_two_values_of_a_settled_past_offer_contradict_and_are_no_update():
    a = art("a", "Deal Wire", "The board rejected Orvane's original $105 billion approach in November.", "2024-09-14T06:00")
    b = art("b", "Money Post", "This comes three months after Orvane made an initial $103 billion offer for the chipmaker.",
            "2024-09-14T15:00")
    out = [c for c in found(a, b) if values(c) == {105.0, 103.0}]
    assert [c.kind for c in out] == ["contradiction"], [(c.kind, c.explanation) for c in found(a, b)]


def test_tolls_of_attacks_weeks_apart_are_no_conflict():
    a = art("a", "Harbor Times", "A car bomb killed 12 people at the Marlow market on Tuesday, March 5, police said.",
            published="2024-03-05T10:00")
    b = art("b", "Island Wire", "A car bomb killed 30 people at the Marlow market on Friday, March 22, police said.",
            published="2024-03-22T10:00")
    c = art("c", "Gulf Post", "A car bomb killed 14 people at the Marlow market on Tuesday, March 5, police said.",
            published="2024-03-05T12:00")
    out = found(a, b, c)
    assert out and all("b" not in {x.article for x in cl.claims} for cl in out), [(cl.kind, cl.explanation) for cl in out]
    assert any({"a", "c"} <= {x.article for x in cl.claims} for cl in out), "one attack's two tolls still disagree"


def test_a_tied_topic_is_the_first_written_whatever_the_hash_seed():
    """Two measures counted once each: the topic is the first figure's, not a set's hash order (event briefs were
    nondeterministic between runs)."""
    import os
    import subprocess
    import sys

    code = (
        "from types import SimpleNamespace as N\n"
        "from newsfuse.brief.conflicts.classify import _topic\n"
        "f = lambda m: N(claim=N(text='Officials counted 8,000 of them.', measures=m), what='', measure='', primary=N(text='8,000'))\n"
        "print(_topic([f('voters'), f('residents'), f('households'), f('tenants')]))\n"
    )
    seen = set()
    for seed in range(6):
        env = {**os.environ, "PYTHONHASHSEED": str(seed)}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        seen.add(out.stdout.strip())
    assert seen == {"voters"}


def test_a_deal_value_including_debt_is_its_own_figure_not_a_reading_of_the_price():
    a = art("a", "Deal Wire", "Orvane raised its offer for the chipmaker Tessaly to $92 billion on Monday, the company said.",
            "2024-09-14T06:00")
    b = art("b", "Money Post", "Orvane raised its offer for Tessaly to $92 billion, which amounts to $113.4 billion including debt "
                               "Orvane would assume, according to Dealscan.", "2024-09-14T09:00")
    c = art("c", "Island Times", "Orvane's raised offer for Tessaly is worth $92 billion. With Tessaly's debt included, the deal's "
                                 "value would be some $110 billion.", "2024-09-14T12:00")
    out = found(a, b, c)
    assert not any(values(x) & {92.0} and values(x) & {113.4, 110.0} for x in out), [(x.kind, x.explanation) for x in out]
    debt = [x for x in out if values(x) == {113.4, 110.0}]
    assert len(debt) == 1 and debt[0].topic == "value including debt", [(x.kind, x.explanation) for x in out]


def test_a_count_still_held_as_of_a_past_date_and_today_is_an_update():
    a = art("a", "Lagos Desk",
            "In March the police said the gang still held 130 Kolto pupils in the forest.\n"
            "The 16 freed pupils were flown to the state capital on Friday, and the 114 pupils who remain in captivity "
            "will be freed soon, the governor said.", "2024-09-14T06:00")
    b = art("b", "Niger Post", "Some 114 Kolto pupils remain captives of the gang after 16 were freed on Friday.", "2024-09-14T09:00")
    out = [x for x in found(a, b) if 130.0 in values(x)]
    assert [x.kind for x in out] == ["update"] and {130.0, 114.0} <= values(out[0]), [(x.kind, x.explanation) for x in out]


def test_a_dated_count_of_another_kind_or_far_apart_is_no_update_of_a_count_still_held():
    a = art("a", "Lagos Desk",
            "Gunmen abducted 300 Kolto pupils from their school in March, officials said.\n"
            "The 114 pupils who remain in captivity will be freed soon, the governor said on Friday.", "2024-09-14T06:00")
    b = art("b", "Niger Post",
            "In March the police said the gang still held 40 Kolto teachers in the forest.\n"
            "The 114 pupils who remain in captivity will be freed soon, the governor said.", "2024-09-14T09:00")
    out = found(a, b)
    assert not any(values(x) & {300.0, 40.0} and 114.0 in values(x) for x in out), [(x.kind, x.explanation) for x in out]


def test_an_article_giving_another_cases_past_count_beside_todays_is_no_update():
    a = art("a", "Tech Wire", "The breach at Corvex exposed the records of 61 million people, the company said on Monday.",
            "2024-09-14T06:00")
    b = art("b", "Money Post",
            "The breach at Corvex left 61 million people at risk of identity theft.\n"
            "Insurer Dalmont set that benchmark in June when it paid $90 million over a breach that exposed the records of "
            "40 million people.", "2024-09-20T06:00")
    out = found(a, b)
    assert not any(40_000_000.0 in values(x) for x in out), [(x.kind, x.explanation) for x in out]


def slipped(out):
    return [c for c in out if c.kind == "update" and c.topic == "timing"]


def test_a_rough_launch_date_pinned_later_to_a_day_past_it_is_an_update():
    a = art("a", "Space Wire", "When the Corvid rocket lifts off for the first time in late March, it will carry a weather satellite "
                               "for the Norland agency, the company said.", "2024-03-04T10:00")
    b = art("b", "Coast Herald", "The Corvid rocket is scheduled to lift off for the first time on Tuesday, carrying a weather "
                                 "satellite for the Norland agency, the company said.", "2024-04-05T10:00")
    out = slipped(found(a, b))
    assert len(out) == 1 and {x.article for x in out[0].claims} == {"a", "b"}, [(c.kind, c.explanation) for c in found(a, b)]
    assert "late March" in out[0].explanation and "Tuesday" in out[0].explanation


def test_dates_that_agree_or_name_other_occasions_are_no_slip():
    # the day falls within the horizon: they agree
    a = art("a", "Space Wire", "The Corvid rocket will lift off for the first time later this month with a weather satellite, "
                               "the company said.", "2024-03-04T10:00")
    b = art("b", "Coast Herald", "The Corvid rocket will lift off for the first time on Tuesday with a weather satellite, "
                                 "the company said.", "2024-03-24T10:00")
    assert not slipped(found(a, b))
    # two exact days weeks apart: a council that meets again, not one plan moved
    c = art("c", "Harbor Times", "The Security Council will meet on Tuesday to discuss the Varn missile test, diplomats said.",
            "2024-08-26T10:00")
    d = art("d", "Gulf Post", "The Security Council will meet on Friday to discuss the Varn missile test, diplomats said.",
            "2024-09-11T10:00")
    assert not slipped(found(c, d))
    # a horizon for one step and a day for another
    e = art("e", "Space Wire", "A full test firing of the Corvid rocket's engines is expected next week, the company said.",
            "2024-03-04T10:00")
    f = art("f", "Coast Herald", "The Corvid rocket's first launch is set for Tuesday from the coastal pad, the company said.",
            "2024-03-22T10:00")
    assert not slipped(found(e, f))


def test_a_version_number_or_a_guess_between_two_numbers_is_no_count():
    a = art("a", "Console Wire", "Here is the full list of the new Orbis system update 7.20 features, from the maker's blog.",
            "2024-09-14T06:00")
    b = art("b", "Game Post", "The Orbis 7.20 update rolled out on Friday to testers, and numerous new features were found.",
            "2024-09-15T06:00")
    c = art("c", "Play Daily", "The Orbis 7.20 update rolled out on Friday to testers, and it hints at one or two new features "
                               "still to come.", "2024-09-15T09:00")
    d = art("d", "Tech Desk", "Testers who tried last year's Version 6.00 update saw a new friends list, the maker said.",
            "2024-01-10T06:00")
    out = found(a, b, c, d)
    assert not [x for x in out if x.kind in ("contradiction", "update")], [(x.kind, x.explanation) for x in out]
    # the same sentences with plain counts still disagree
    e = art("e", "Play Daily", "The Orbis 7.20 update rolled out on Friday to testers, and two new features were found.",
            "2024-09-15T09:00")
    f = art("f", "Game Post", "The Orbis 7.20 update rolled out on Friday to testers, and six new features were found.",
            "2024-09-15T06:00")
    assert any(values(x) == {2.0, 6.0} for x in found(e, f))


def test_a_vague_and_an_exact_count_dated_to_one_past_month_are_precision():
    a = art("a", "River Post", "In May, the rebels posted a video that claimed to show recent images of dozens of the Varno "
                               "hostages, saying some had died.", "2024-09-14T06:00")
    b = art("b", "Delta Wire", "In another clip, sent to their families in May, the rebels showed 40 hostages sitting on mats.",
            "2024-09-14T09:00")
    out = [x for x in found(a, b) if values(x) == {24.0, 40.0}]
    assert [x.kind for x in out] == ["precision"], [(x.kind, x.explanation) for x in found(a, b)]


def test_counts_dated_to_different_past_months_are_not_read_as_one_figure():
    a = art("a", "River Post", "In May, the rebels posted a video that claimed to show recent images of dozens of the Varno "
                               "hostages, saying some had died.", "2024-09-14T06:00")
    b = art("b", "Delta Wire", "In another clip, sent to their families in July, the rebels showed 40 hostages sitting on mats.",
            "2024-09-14T09:00")
    assert not [x for x in found(a, b) if values(x) == {24.0, 40.0} and x.kind in ("precision", "rounding")]


def test_the_year_prefilter_passes_every_sentence_the_attribute_pattern_matches():
    from newsfuse.brief.conflicts.years import _ATTR_YEAR, _IN_YEAR

    matched = [
        "The dam, built in 1962, holds back the river.", "The school was founded\tin 1871 by two sisters.",
        "The bridge had been completed\nin 2004 after delays.", "Its tower, erected  in 1889, still stands.",
        "The firm was incorporated in 2015-2016 in Delaware.", "The mill first opened in 1750.",
    ]
    missed = ["The dam was built decades ago.", "It opened in May.", "The plant opened in 1962-1964 and again in 1970s."]
    for text in matched + missed:
        assert not _ATTR_YEAR.search(text) or _IN_YEAR.search(text), text
    assert sum(bool(_ATTR_YEAR.search(t)) for t in matched) == 5  # the range "2015-2016" is none
    assert not any(_IN_YEAR.search(t) for t in missed[:2])


def test_a_stated_range_holds_a_figure_inside_it():
    # "40 to 60 percent" is a range, not "60 percent": a figure inside it is no contradiction
    a = art("a", "Ledger Wire", "The regulator said the Harwick dam project has a 40 to 60 percent chance of finishing on schedule next year.")
    b = art("b", "Valley Post", "The regulator said the Harwick dam project has a 45 percent chance of finishing on schedule next year.")
    out = found(a, b)
    assert not any(c.kind in ("contradiction", "update") for c in out)
    c = art("c", "Dale Times", "The regulator said the Harwick dam project has a 75 percent chance of finishing on schedule next year.")
    assert any(c.kind == "contradiction" for c in found(a, c)), "a figure outside the range still disagrees"


def test_a_move_and_the_price_it_reached_are_no_range():
    a = art("a", "Ledger Wire", "Corvane shares fell 1.5 percent to $65.09 in early trading on Monday after the offer was rejected.")
    b = art("b", "Valley Post", "Corvane shares fell 4.3 percent to $63.20 by mid-afternoon on Monday after the offer was rejected.")
    figs = [f for x in (a, b) for f in conflicts.figures(x, pipeline.analyze([x])[x.id].claims, [], x.outlet)]
    prices = {f.primary.text: f for f in figs if f.dim == "currency:USD"}
    assert set(prices) == {"$65.09", "$63.20"}
    assert all(f.numbers[0].qualifier != "range" and f.lo > 60 for f in prices.values())
