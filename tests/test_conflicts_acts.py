"""Wording conflicts on real parses: manners of one act ("slapped" vs "punched") and counts of its object
("a pair of waiters" vs "a waiter"), with the near-misses that must stay quiet. Invented reports only."""

from __future__ import annotations

from newsfuse import align, pipeline
from newsfuse.brief import conflicts
from newsfuse.brief.conflicts import acts
from newsfuse.claims import acts as read_acts
from newsfuse.model import Article
from newsfuse.nlp import loading

SCENE = "at the Corvin Hotel bar in Dorrow on Friday night after an argument over the bill, police said."


def art(aid: str, outlet: str, text: str) -> Article:
    return Article(id=aid, outlet=outlet, raw=text, text=text, published="2024-09-14T10:00")


def found(*texts: str):
    arts = [art(f"a{n}", outlet, t) for n, (outlet, t) in enumerate(zip(("Dorrow Daily", "Harbor Times", "Vale Post"), texts))]
    an = pipeline.analyze(arts)
    return [c for c in conflicts.find(arts, an, align.align(arts, an)) if c.claims and c.claims[0].value is None]


def parsed(text: str) -> list[acts.Act]:
    return [acts.Act.of(a) for a in read_acts.read(loading.parse([text])[0])]


def test_two_manners_of_one_act_contradict_and_cite_both_sentences():
    out = found(f"A guest slapped a waiter {SCENE}", f"A guest punched a waiter {SCENE}")
    assert [c.kind for c in out] == ["contradiction"]
    c = out[0]
    assert {x.unit for x in c.claims} == {"slapped", "punched"} and {x.article for x in c.claims} == {"a0", "a1"}
    assert all(x.text.startswith("A guest") for x in c.claims)  # each side cites its outlet's own sentence
    assert "slapped" in c.explanation and "punched" in c.explanation


def test_a_generic_verb_or_a_synonym_is_no_contradiction():
    assert found(f"A guest hit a waiter {SCENE}", f"A guest struck a waiter {SCENE}") == []
    assert found(f"A guest hit a waiter {SCENE}", f"A guest punched a waiter {SCENE}") == []
    assert found(f"A guest pushed a waiter {SCENE}", f"A guest shoved a waiter {SCENE}") == []


def test_one_manner_shared_is_more_detail_not_a_contradiction():
    assert found(f"A guest kicked and punched a waiter {SCENE}", f"A guest punched a waiter {SCENE}") == []


def test_a_negated_or_denied_act_asserts_nothing():
    assert found(f"The guest did not punch the waiter {SCENE}", f"The guest slapped the waiter {SCENE}") == []
    assert found(f"The guest denied punching the waiter {SCENE}", f"The guest slapped the waiter {SCENE}") == []


def test_two_different_events_are_not_compared():
    out = found(f"A guest slapped a waiter {SCENE}",
                "A fan punched a steward at the Kelby stadium on Sunday afternoon during the cup final, the club said.")
    assert out == []


def test_a_pair_against_one_of_the_same_noun_is_a_count_note():
    out = found(f"A guest punched a pair of waiters {SCENE}", f"A guest punched a waiter {SCENE}")
    assert [c.kind for c in out] == ["different-measure"] and out[0].severity == "low"
    assert {x.unit for x in out[0].claims} == {"a pair of waiters", "a waiter"}


def test_a_bare_plural_against_one_counts_but_a_different_head_noun_does_not():
    out = found(f"A guest punched waiters {SCENE}", f"A guest punched a waiter {SCENE}")
    assert [c.kind for c in out] == ["different-measure"]
    assert found(f"A guest punched a pair of chefs {SCENE}", f"A guest punched a waiter {SCENE}") == []
    assert found(f"A guest punched several waiters {SCENE}", f"A guest punched waiters {SCENE}") == []  # both fit


def test_acts_read_conjoined_verbs_containers_and_passives():
    got = parsed("She was seen pushing, kicking and slapping the guards outside the gate.")
    assert {(a.manner, a.obj) for a in got} >= {("push", "guard"), ("kick", "guard"), ("slap", "guard")}
    pair = next(a for a in parsed("He was charged with attacking a pair of guards.") if a.obj == "guard")
    assert pair.count[:2] == (2, 2) and not pair.manner
    passive = next(a for a in parsed("A guard was stabbed near the gate.") if a.manner)
    assert (passive.manner, passive.obj, passive.count[:2]) == ("stab", "guard", (1, 1))
    assert not [a for a in parsed("He refused to punch the guard.") if a.manner]


def test_the_doers_of_a_physical_act_are_counted_too():
    out = found(f"Two men attacked a waiter {SCENE}", f"A man attacked a waiter {SCENE}")
    assert [c.kind for c in out] == ["different-measure"] and {x.unit for x in out[0].claims} == {"Two men", "A man"}


def test_sources_audiences_and_outcomes_are_no_counts_of_the_act():
    assert found(f"An official said a guest slapped the waiter {SCENE}", f"Officials said a guest slapped the waiter {SCENE}") == []
    assert found(f"The manager briefed reporters after a guest slapped the waiter {SCENE}",
                 f"The manager briefed a reporter after a guest slapped the waiter {SCENE}") == []
    assert found(f"A guest attacked waiters {SCENE}", f"A guest wounded a waiter {SCENE}") == []


def test_acts_not_done_and_counts_of_other_acts_stay_out():
    assert found(f"The guest threatened to punch a waiter {SCENE}", f"The guest slapped a waiter {SCENE}") == []
    assert found(f"The guest could have punched the waiter {SCENE}", f"The guest slapped the waiter {SCENE}") == []
    # a count of a non-physical act: a story of repeated launches gives each its own number
    assert found("The navy launched a drone over the Kelby strait on Tuesday, the defence ministry said.",
                 "The navy launched three drones over the Kelby strait on Tuesday, the defence ministry said.") == []
    assert not [a for a in parsed("The army attacked a third village near the border.") if a.count]
