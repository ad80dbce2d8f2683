"""Referents: a brief line that says "She said …" shows whom it means, and only where the article makes it plain."""

from __future__ import annotations

import jsonschema
import pytest

from newsfuse import entities, ingest, pipeline, render
from newsfuse.model import Analysis, Entity, Gloss, Mention

FIRST = """Riverton bridge to reopen in May, mayor says

RIVERTON — The Harlow Street bridge will stay closed for three more months while crews replace corroded steel cables, city officials said on Tuesday.

Mayor Ann Patel toured the site with engineers on Tuesday morning. She said the bridge would reopen in May once the last cables are replaced and load tests are done.

A city engineer said he expected the repairs to cost about $4 million, more than first planned.

Patel said she was confident the work would finish on time.
"""

SECOND = """Harlow Street bridge closure extended until May

The Harlow Street bridge in Riverton will remain shut until spring as workers swap out rusted support cables, the city announced Tuesday.

Riverton Mayor Ann Patel visited the closed span on Tuesday with a team of engineers. She said the bridge would reopen in May after the final cables are swapped and load testing is complete.

Commuters have been using a detour along River Road since the bridge closed in January.
"""


@pytest.fixture(scope="module")
def bridge(tmp_path_factory):
    d = tmp_path_factory.mktemp("bridge")
    (d / "ledger.txt").write_text(FIRST, encoding="utf-8")
    (d / "times.txt").write_text(SECOND, encoding="utf-8")
    briefs = pipeline.fuse_articles(ingest.ingest([str(d / "ledger.txt"), str(d / "times.txt")]))
    return max(briefs, key=lambda b: len(b.articles))


def test_a_fact_opening_on_she_names_the_mayor_the_articles_named_before(bridge):
    fact = next(f for f in bridge.facts if f.text.startswith("She said the bridge would reopen"))
    assert fact.support == 2
    assert fact.means == [Gloss(0, 3, "Ann Patel")]
    assert fact.text.startswith("She said")  # the article's words stay as written
    assert "She \\[Ann Patel\\] said the bridge would reopen" in render.to_markdown(bridge)
    assert "She [Ann Patel] said the bridge would reopen" in render.to_html(bridge)
    doc = render.to_json([bridge])
    jsonschema.validate(doc, render.schema())
    st = doc["stories"][0]
    assert {"start": 0, "end": 3, "name": "Ann Patel"} in next(
        f["means"] for f in st["facts"] if f["text"].startswith("She said the bridge"))


def test_no_gloss_where_the_line_names_the_person_or_he_is_someone_only_described(bridge):
    lines = {s.text: s.means for s in bridge.single_source} | {f.text: f.means for f in bridge.facts}
    engineer = next(t for t in lines if t.startswith("A city engineer said he"))
    assert lines[engineer] == []  # "he" is the engineer, whom no name in the story is
    named = [t for t in lines if t.startswith("Patel said she")]
    assert named and all(lines[t] == [] for t in named)


def test_glossed_sets_the_name_after_a_contraction_and_keeps_the_words():
    assert render.glossed("He’s back in the race, aides said.", [Gloss(0, 2, "Tom Ruiz")]) == \
        "He’s [Tom Ruiz] back in the race, aides said."
    assert render.glossed("But she said no.", [{"start": 4, "end": 7, "name": "Ann Lee"}]) == "But she [Ann Lee] said no."
    assert render.glossed("She left.", [Gloss(0, 99, "Ann Lee")]) == "She left."  # offsets past the line: untouched


def test_a_name_run_into_itself_by_a_caption_is_not_the_canonical_spelling():
    ans = [Analysis(article=a, entities=[Entity(f"{a}#e0", name, "PERSON", [], [Mention(a, 0, len(name), name)])])
           for a, name in (("x", "Justin Timberlake"), ("y", "Justin Timberlake"), ("z", "Justin Timberlake Justin Timberlake"))]
    names = {e.name for e in entities.link(ans) if e.type == "PERSON"}
    assert "Justin Timberlake" in names and "Justin Timberlake Justin Timberlake" not in names


def _line_story(text_before: str, line: str, name: str = "Ann Patel", speaker: str | None = None):
    """One article: `text_before` then `line`, whose "She" the resolution pointed at `name` (entity e1)."""
    from newsfuse.brief.referents import _Story
    from newsfuse.model import Quote, Reference, Sentence, Speaker

    raw = f"{text_before} {line}"
    start = len(text_before) + 1
    at = raw.index("She", start)
    named = raw.index(name.split()[-1])
    ents = [Entity("e1", name, "PERSON", [], [Mention("a", named, named + len(name.split()[-1]), name.split()[-1])])]
    if speaker:
        said = raw.index(speaker)
        ents.append(Entity("e2", speaker, "PERSON", [], [Mention("a", said, said + len(speaker), speaker)]))
    sents = [Sentence("a", k, s, s + len(t), t) for k, (s, t) in enumerate(
        (m.start(), m.group()) for m in __import__("re").finditer(r"[^.]+\.", raw))]
    an = Analysis(article="a", sentences=sents, references=[Reference(at, at + 3, "She", "e1", name)])
    if speaker:
        an.quotes = [Quote("a", at + 9, len(raw), raw[at + 9:], False, Speaker(speaker, "e2", at, at + 3, "She"))]
    return _Story(ents, {"a": an}), start, line


def test_gloss_rules_one_by_one():
    story, start, line = _line_story("Mayor Ann Patel toured the site on Tuesday.", "She said the bridge would reopen in May.")
    assert story.gloss("a", start, line) == [Gloss(0, 3, "Ann Patel")]
    # the speaker a quote's attribution settled on overrules the pronoun rule
    story, start, line = _line_story("Mayor Ann Patel toured the site with her deputy Rosa Diaz on Tuesday.",
                                     "She said the bridge would reopen in May.", speaker="Rosa Diaz")
    assert story.gloss("a", start, line) == [Gloss(0, 3, "Rosa Diaz")]
    # the line's text is not the article's at these offsets: no gloss
    assert story.gloss("a", start, "He said the bridge would reopen in May.") == []
    # named more than two sentences back: someone only described since may be meant
    story, start, line = _line_story("Mayor Ann Patel toured the site. Crews worked late. Traffic was slow. Rain fell.",
                                     "She said the bridge would reopen in May.")
    assert story.gloss("a", start, line) == []


def test_no_gloss_when_the_line_names_the_person_before_the_pronoun_but_a_name_in_quote_marks_does_not_count():
    story, start, line = _line_story("Mayor Ann Patel toured the site on Tuesday.",
                                     "Asked about Patel, She said the bridge would reopen.")
    assert story.gloss("a", start, line) == []
    story, start, line = _line_story("Mayor Ann Patel toured the site on Tuesday.",
                                     "“Patel is right,” She said of the bridge plan.")
    assert story.gloss("a", start, line) == [Gloss(line.index("She"), line.index("She") + 3, "Ann Patel")]


def test_a_gloss_is_escaped_in_html_and_a_malformed_stored_one_is_left_out():
    assert render.glossed("She <b>won</b>.", [{"start": 0, "end": 3, "name": "Ann <i>Lee</i>"}]) == "She [Ann <i>Lee</i>] <b>won</b>."
    html = render._env().from_string("{{ t | glossed(m) }}").render(t="She <b>won</b>.", m=[Gloss(0, 3, "Ann <i>Lee</i>")])
    assert "<b>" not in html and "<i>" not in html and "&lt;i&gt;Lee&lt;/i&gt;" in html
    assert render.glossed("She won.", [{"start": 0, "end": 3, "name": "Ann", "extra": 1}, {"start": "x"}, {}]) == "She [Ann] won."


def test_an_organisations_it_is_glossed_after_a_sentence_it_led_but_an_it_of_remains_unclear_is_not(tmp_path):
    (tmp_path / "one.txt").write_text(
        "Harbor Freight Lines raises bid for Coastal Ferries\n\nHarbor Freight Lines raised its offer for rival Coastal "
        "Ferries to $2.1 billion on Monday. It also pledged to pay a breakup fee of $90 million if regulators block the "
        "deal.\n\nCoastal Ferries said its board would review the new offer. It remains unclear whether shareholders "
        "will back the bid.\n\nHarbor Freight Lines runs 14 ships. It helps to know that its fleet is the region's "
        "largest.\n", encoding="utf-8")
    (tmp_path / "two.txt").write_text(
        "Coastal Ferries weighs sweetened Harbor Freight offer\n\nHarbor Freight Lines on Monday lifted its bid for "
        "Coastal Ferries to $2.1 billion in cash and stock. It also pledged to pay a breakup fee of $90 million if "
        "regulators block the deal.\n\nThe board of Coastal Ferries will meet next week to consider the proposal, a "
        "spokesman said.\n", encoding="utf-8")
    briefs = pipeline.fuse_articles(ingest.ingest([str(tmp_path / "one.txt"), str(tmp_path / "two.txt")]))
    b = max(briefs, key=lambda b: len(b.articles))
    lines = {f.text: f.means for f in b.facts} | {s.text: s.means for s in b.single_source}
    fee = next(t for t in lines if t.startswith("It also pledged"))
    assert lines[fee] == [Gloss(0, 2, "Harbor Freight Lines")]
    for opening in ("It remains unclear", "It helps to know"):  # no body acting
        line = next(t for t in lines if t.startswith(opening))
        assert lines[line] == [], line
