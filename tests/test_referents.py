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
    assert all(lines[t] == [] for t in named)


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
