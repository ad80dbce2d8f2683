"""Align: candidate pairs (exact and forest), facts and quote groups on invented mini-stories."""

from __future__ import annotations

import numpy as np

from newsfuse import align
from newsfuse.model import Article
from test_brief import Doc, story


def test_source_keys_duplicates_and_outlets():
    arts = [
        Article(id="1", outlet="Wire"), Article(id="2", outlet="Other", duplicate_of="1"),
        Article(id="3", outlet="Wire"), Article(id="4"), Article(id="5", outlet="Third"),
    ]
    keys = align.source_keys(arts)
    assert keys["1"] == keys["2"] == keys["3"]
    assert len({keys["1"], keys["4"], keys["5"]}) == 3


def test_one_outlet_running_two_wires_keeps_the_wires_apart():
    # a paper runs one agency's copy and, an hour later, another agency's: still two independent sources
    arts = [
        Article(id="a1", outlet="Agency One"), Article(id="a2", outlet="City Paper", duplicate_of="a1"),
        Article(id="b1", outlet="Agency Two"), Article(id="b2", outlet="City Paper", duplicate_of="b1"),
        Article(id="b3", outlet="Evening Post", duplicate_of="b1"), Article(id="c", outlet="Agency One"),
    ]
    keys = align.source_keys(arts)
    assert keys["a1"] == keys["a2"] == keys["c"]
    assert keys["b1"] == keys["b2"] == keys["b3"]
    assert keys["a1"] != keys["b1"]


def _clustered(n_centres: int, per: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_centres, dim))
    X = np.repeat(centres, per, axis=0) + 0.35 * rng.standard_normal((n_centres * per, dim))
    return (X / np.linalg.norm(X, axis=1, keepdims=True)).astype(np.float32)


def test_forest_finds_the_close_pairs_exact_search_finds():
    E = _clustered(60, 8)  # 480 rows: above EXACT_MAX
    groups = np.arange(len(E))
    I1, J1, _ = align.neighbour_pairs(E, groups, exact_max=10**6, min_cos=0.5, k=5)
    I2, J2, _ = align.neighbour_pairs(E, groups, exact_max=100, min_cos=0.5, k=5)
    exact = set(zip(I1.tolist(), J1.tolist()))
    approx = set(zip(I2.tolist(), J2.tolist()))
    assert len(exact & approx) >= 0.9 * len(exact)


def test_pairs_never_within_one_group():
    E = _clustered(10, 4)
    groups = np.repeat(np.arange(10), 4)  # each cluster is one article
    I, J, _ = align.neighbour_pairs(E, groups, min_cos=-1.0)
    assert not np.any(groups[I] == groups[J])


def test_reworded_sentences_from_three_outlets_are_one_fact():
    a = Doc("a", "Ledger").say("The central bank raised its main interest rate to 4.5 percent on Thursday.")
    a.say("Analysts had expected the move after months of rising prices.")
    b = Doc("b", "Times").say("On Thursday the central bank lifted its key interest rate to 4.5 percent.")
    b.say("The city zoo welcomed twin panda cubs this spring.")
    c = Doc("c", "Radio").say("The central bank increased the benchmark rate to 4.5% on Thursday.")
    al = align.align(*story(a, b, c))
    assert len(al.facts) == 1
    f = al.facts[0]
    assert f.support == 3 and f.articles == ["a", "b", "c"] and len(f.variants) == 3
    assert "4.5" in f.text


def test_unrelated_sentences_are_not_merged():
    a = Doc("a", "Ledger").say("The central bank raised its main interest rate on Thursday.")
    b = Doc("b", "Times").say("The football club signed a new goalkeeper on Thursday.")
    assert align.align(*story(a, b)).facts == []


def test_direct_and_indirect_quote_of_one_statement_group():
    a = Doc("a", "Ledger").say("“We will not raise taxes this year,” the finance minister Maria Stone said.")
    a.quote("“We will not raise taxes this year,”", "Maria Stone")
    b = Doc("b", "Times").say("Stone promised that taxes would not go up this year.")
    b.quote("taxes would not go up this year", "Stone", direct=False)
    c = Doc("c", "Radio").say("“We will not raise taxes this year,” said opposition leader Tom Berg, mocking the government.")
    c.quote("“We will not raise taxes this year,”", "Tom Berg")
    groups = align.group_quotes(*story(a, b, c))
    stone = [g for g in groups if g.speaker and "Stone" in g.speaker]
    assert len(stone) == 1 and stone[0].articles == ["a", "b"]
    assert {v.direct for v in stone[0].variants} == {True, False}
    berg = [g for g in groups if g.speaker and "Berg" in g.speaker]
    assert berg and berg[0].articles == ["c"]  # same words, different speaker: another group


def test_one_article_quoting_twice_keeps_two_statements():
    a = Doc("a", "Ledger").say("“The budget is balanced,” Stone said.").quote("“The budget is balanced,”", "Stone")
    a.say("Later she added a remark about the weather.")
    a.say("“The budget is fully balanced now,” Stone repeated.").quote("“The budget is fully balanced now,”", "Stone")
    groups = align.group_quotes(*story(a))
    assert len(groups) == 2


def test_statement_joins_adjacent_quotes():
    a = Doc("a", "Ledger").say("“We need more nurses,” Stone said.").quote("“We need more nurses,”", "Stone")
    a.say("“Hospitals cannot wait.”").quote("“Hospitals cannot wait.”", "Stone")
    stmts = align.statements(*story(a), align.SpeakerResolver())
    assert len(stmts) == 1 and len(stmts[0].quotes) == 2


def test_two_sentence_and_one_sentence_extents_across_outlets_are_one_group():
    a = Doc("a", "Ledger").say("“The bridge will reopen in May. Every lane will carry traffic again by the summer,” "
                               "transport director Hana Kovacs said.")
    a.quote("“The bridge will reopen in May. Every lane will carry traffic again by the summer,”", "Hana Kovacs")
    b = Doc("b", "Times").say("“Every lane will carry traffic again by the summer,” Kovacs told reporters.")
    b.quote("“Every lane will carry traffic again by the summer,”", "Kovacs")
    c = Doc("c", "Radio").say("“EVERY LANE WILL CARRY TRAFFIC AGAIN BY THE SUMMER,” Kovacs said on air.")
    c.quote("“EVERY LANE WILL CARRY TRAFFIC AGAIN BY THE SUMMER,”", "Kovacs")
    groups = align.group_quotes(*story(a, b, c))
    assert len(groups) == 1 and groups[0].articles == ["a", "b", "c"]
    assert groups[0].speaker == "Hana Kovacs"  # the fullest name any outlet gives


def test_partial_quote_in_a_reported_clause_joins_the_full_direct_quote():
    a = Doc("a", "Ledger").say("“This plan is dead on arrival and everyone in the chamber knows it,” senator Iris Lund said.")
    a.quote("“This plan is dead on arrival and everyone in the chamber knows it,”", "Iris Lund")
    b = Doc("b", "Times").say("Lund said the housing plan was 'dead on arrival' before the vote.")
    b.quote("the housing plan was 'dead on arrival' before the vote", "Lund", direct=False)
    c = Doc("c", "Radio").say("Lund called the committee's timetable unrealistic.")
    c.quote("the committee's timetable unrealistic", "Lund", direct=False)
    groups = align.group_quotes(*story(a, b, c))
    joined = [g for g in groups if "a" in g.articles]
    assert len(joined) == 1 and joined[0].articles == ["a", "b"]  # the timetable remark is another statement


def test_one_speakers_different_statements_stay_apart_even_sharing_a_phrase():
    a = Doc("a", "Ledger").say("“The harbour needs new cranes before the winter season,” port chief Ola Berg said.")
    a.quote("“The harbour needs new cranes before the winter season,”", "Ola Berg")
    b = Doc("b", "Times").say("“Our workers deserve a pay rise before the winter season,” Berg said.")
    b.quote("“Our workers deserve a pay rise before the winter season,”", "Berg")
    groups = align.group_quotes(*story(a, b))
    assert len(groups) == 2


def test_same_words_under_a_pronoun_speaker_join_the_named_group():
    # one outlet's "he" went to the wrong person: the words, six in a row, are the same statement
    a = Doc("a", "Ledger").say("“It is a release, the product of patient talks with both sides,” minister Tunde Bello said.")
    a.quote("“It is a release, the product of patient talks with both sides,”", "Tunde Bello")
    b = Doc("b", "Times").say("“It is a release, the product of patient talks with both sides,” he said.")
    b.quote("“It is a release, the product of patient talks with both sides,”", "Kano")
    b.analysis.quotes[-1].speaker.mention = "he"
    groups = align.group_quotes(*story(a, b))
    assert len(groups) == 1 and groups[0].speaker == "Tunde Bello"


def test_a_truncated_name_is_shown_in_full():
    from newsfuse.model import Entity

    a = Doc("a", "Ledger").say("President Ana Maria Quiroga said the border would stay open.")
    a.quote("the border would stay open", "Ana Maria", direct=False)
    ents = [Entity(id="p1", name="Ana Maria Quiroga", type="PERSON")]
    groups = align.group_quotes(*story(a), ents)
    assert groups[0].speaker == "Ana Maria Quiroga"


def test_one_speakers_statements_with_different_figures_stay_apart():
    a = Doc("a", "Ledger").say("Orvex said a fault in its billing system may have exposed 140 million customer records.")
    a.quote("a fault in its billing system may have exposed 140 million customer records", "Orvex", direct=False)
    b = Doc("b", "Times").say("Orvex said a further 3.1 million customer records may have been exposed by the billing fault.")
    b.quote("a further 3.1 million customer records may have been exposed by the billing fault", "Orvex", direct=False)
    groups = align.group_quotes(*story(a, b))
    assert len(groups) == 2


def test_a_nationality_inside_a_described_speaker_is_not_the_speaker():
    from newsfuse.model import Entity, Mention

    a = Doc("a", "Ledger").say("The Freedonian army said the soldier acted with restraint.")
    a.quote("the soldier acted with restraint", "The Freedonian army", direct=False)
    a.analysis.quotes[-1].speaker.start, a.analysis.quotes[-1].speaker.end = 0, 19
    ents = [Entity(id="n1", name="Freedonian", type="NORP", mentions=[Mention("a", 4, 14, "Freedonian")])]
    groups = align.group_quotes(*story(a), ents)
    assert groups[0].speaker == "The Freedonian army"


def test_a_shared_proper_name_is_no_shared_statement():
    # six words in a row, but a name: two bodies' different statements about one country
    a = Doc("a", "Ledger").say("The ministry said the United Republic of North Valdoria fired two rockets at dawn.")
    a.quote("the United Republic of North Valdoria fired two rockets at dawn", "The ministry", direct=False)
    b = Doc("b", "Times").say("A statement said it condemned the United Republic of North Valdoria over the test.")
    b.quote("it condemned the United Republic of North Valdoria over the test", "A statement", direct=False)
    groups = align.group_quotes(*story(a, b))
    assert len(groups) == 2




def test_a_long_name_two_statements_share_counts_as_one_shared_word():
    # one spokeswoman, two things said about one commission: its six-word name is most of what the two share
    a = Doc("a", "Ledger").say("“Dalmia has strictly applied every ruling of the Northern Basin Joint Water Commission,” "
                               "spokeswoman Lena Varga said.")
    a.quote("“Dalmia has strictly applied every ruling of the Northern Basin Joint Water Commission,”", "Lena Varga")
    b = Doc("b", "Times").say("“Dalmia will challenge the upstream dam at the Northern Basin Joint Water Commission,” Varga said.")
    b.quote("“Dalmia will challenge the upstream dam at the Northern Basin Joint Water Commission,”", "Varga")
    c = Doc("c", "Radio").say("Varga said Dalmia had strictly applied every ruling of the Northern Basin Joint Water Commission.")
    c.quote("Dalmia had strictly applied every ruling of the Northern Basin Joint Water Commission", "Varga", direct=False)
    groups = align.group_quotes(*story(a, b, c))
    assert sorted(g.articles for g in groups) == [["a", "c"], ["b"]], [(g.text, g.articles) for g in groups]


def test_a_dateline_alone_is_no_fact():
    from newsfuse.align.tokens import alignable

    assert not alignable("PORT ELLEN, March 3 (IPA) -")
    assert alignable("Ferry crews resumed sailings on Thursday after the storm passed.")


def test_number_words_become_digits_and_look_alike_letters_do_not_crash() -> None:
    """"ten" is 10 for claim matching; a long-s spelling ("ſix", which re.I matches as "six") stays as written."""
    from newsfuse.align.tokens import number_words_as_digits

    assert number_words_as_digits("Rescuers found ten survivors.") == "Rescuers found 10 survivors."
    assert number_words_as_digits("He counted \u017fix boats and ten cars.") == "He counted \u017fix boats and 10 cars."


def _lead_case(texts: list[str], speakers: list[frozenset[str]] | None = None):
    """A fact over one sentence per article (the first leads), with the units `align` would hold for them."""
    from newsfuse.align.facts import Unit
    from newsfuse.model import Fact, Sentence, Variant

    speakers = speakers or [frozenset()] * len(texts)
    units = [Unit(f"a{k}", Sentence(f"a{k}", 0, 10, 10 + len(t), t), f"s{k}", speakers=sp)
             for k, (t, sp) in enumerate(zip(texts, speakers))]
    fact = Fact(id="", text=texts[0], articles=[u.article for u in units],
                variants=[Variant(u.article, u.sentence.text, u.sentence.start, u.sentence.end) for u in units])
    return fact, {(u.article, u.sentence.start): u for u in units}


def test_a_fact_leads_with_a_sentence_that_names_its_subject_not_a_pronoun() -> None:
    from newsfuse.align import _lead_naming_its_subject

    fact, row = _lead_case(["It reopened to traffic at noon after engineers inspected the cracked bridge deck.",
                            "The Millbrook bridge reopened to traffic at noon once engineers had inspected its cracked deck.",
                            "Commuters faced long detours through the valley all morning."])
    _lead_naming_its_subject(fact, row, set(), {fact.text})
    assert fact.text.startswith("The Millbrook bridge reopened")
    # a wording that leads another fact, or a direct quote, is not taken; nor one that shares too few words
    fact, row = _lead_case(["It reopened to traffic at noon after engineers inspected the cracked bridge deck.",
                            "The Millbrook bridge reopened to traffic at noon once engineers had inspected its cracked deck."])
    _lead_naming_its_subject(fact, row, {("a1", 10)}, {fact.text})
    assert fact.text.startswith("It reopened")
    fact, row = _lead_case(["It reopened to traffic at noon after engineers inspected the cracked bridge deck.",
                            "Commuters faced long detours through the valley all morning."])
    _lead_naming_its_subject(fact, row, set(), {fact.text})
    assert fact.text.startswith("It reopened")


def test_a_pronoun_speaker_resolved_by_the_quote_stage_picks_the_sentence_naming_that_speaker() -> None:
    from newsfuse.align import _lead_naming_its_subject

    fact, row = _lead_case(["He said the inspection found no damage to the piers.",
                            "Council engineer Ruth Obi said divers checked every pier before the reopening.",
                            "The bridge carries about 9,000 vehicles a day, the council said."],
                           [frozenset({"e:person:ruth-obi"}), frozenset({"e:person:ruth-obi"}), frozenset({"e:org:council"})])
    _lead_naming_its_subject(fact, row, set(), {fact.text})
    assert fact.text.startswith("Council engineer Ruth Obi said")
    # a long lead and a short wording of it: the share is of the shorter one's words
    fact, row = _lead_case(["It was built in 1932 by the county to carry the main road over the river at its narrowest "
                            "point, and it has been widened twice since then.",
                            "The county built the Millbrook bridge over the river in 1932."])
    _lead_naming_its_subject(fact, row, set(), {fact.text})
    assert fact.text.startswith("The county built")


def test_a_lead_cut_inside_a_quote_gives_way_to_a_whole_sentence() -> None:
    from newsfuse.align import _lead_naming_its_subject
    from newsfuse.align.tokens import cut_quote, opens_on_pronoun

    assert cut_quote("The repairs will take a week,” the engineer said.")
    assert cut_quote("Asked when the bridge would reopen, the mayor replied: “By Friday at the latest.")
    assert not cut_quote("The mayor said the bridge would reopen “by Friday at the latest.”")
    assert opens_on_pronoun("Their cars were stuck for hours.") and not opens_on_pronoun("Theirs is a small town.")
    assert opens_on_pronoun("But he’s hopeful the bridge will hold.") and not opens_on_pronoun("But Hesketh is hopeful.")
    fact, row = _lead_case(["The repairs will take a week,” the engineer said of the cracked bridge deck.",
                            "Repairs to the cracked bridge deck will take a week, the council engineer said."])
    _lead_naming_its_subject(fact, row, set(), {fact.text})
    assert fact.text.startswith("Repairs to the cracked")


def test_a_flawed_lead_whose_better_wording_leads_another_fact_joins_that_fact() -> None:
    from newsfuse.align import _lead_naming_its_subject
    from newsfuse.align.propositions import absorb
    from newsfuse.model import Fact, Variant

    fact, row = _lead_case(["The repairs will take a week,” the engineer said of the cracked bridge deck.",
                            "Repairs to the cracked bridge deck will take a week, the council engineer said."])
    host = Fact(id="", text=fact.variants[1].text, articles=["a1", "a9"], outlets=["s1", "s9"],
                variants=[fact.variants[1], Variant("a9", "Fixing the cracked deck will take a week, engineers said.", 0, 56)])
    got = _lead_naming_its_subject(fact, row, set(), {fact.text, host.text}, {fact.text: fact, host.text: host})
    assert got is host  # the caller merges the flawed fact into it
    absorb(host, fact.variants, set(fact.outlets))
    assert sorted(host.articles) == ["a0", "a1", "a9"] and host.text.startswith("Repairs to the cracked")
    # a flawed fact whose other sentences say something else than that lead stays apart
    fact, row = _lead_case(["The repairs will take a week,” the engineer said of the cracked bridge deck.",
                            "Repairs to the cracked bridge deck will take a week, the council engineer said.",
                            "Traffic will use the ferry crossing at Lowford until the spring."])
    assert _lead_naming_its_subject(fact, row, set(), {fact.text, host.text}, {fact.text: fact, host.text: host}) is None


def test_word_memo_works_each_word_out_once_and_stays_bounded():
    from newsfuse.align.tokens import WordMemo

    calls = []
    memo = WordMemo(lambda w: calls.append(w) or w.upper(), limit=3)
    assert list(map(memo.__getitem__, ["ferry", "ferry", "harbour"])) == ["FERRY", "FERRY", "HARBOUR"]
    assert calls == ["ferry", "harbour"]
    for w in ("tide", "pier", "quay"):
        assert memo[w] == w.upper()
    assert len(memo) <= 3 and memo["ferry"] == "FERRY"
