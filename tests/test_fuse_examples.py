"""The example corpus (a fictional dam breach told by six invented outlets) fused into one brief."""

from __future__ import annotations

import pytest

from newsfuse import ingest, pipeline, render


@pytest.fixture(scope="module")
def ex_brief(examples_dir):
    briefs = pipeline.fuse_articles(ingest.ingest([str(examples_dir)]))
    return max(briefs, key=lambda b: len(b.articles))


def _of(b, kind):
    return [c for c in b.conflicts if c.kind == kind]


def test_death_toll_is_an_update_ordered_by_publication(ex_brief):
    tolls = [c for c in ex_brief.conflicts if c.topic == "people killed"]
    assert len(tolls) == 1 and tolls[0].kind == "update"
    values = [x.value for x in tolls[0].claims]
    assert values == sorted(values) and values[0] == 3.0 and values[-1] == 7.0
    assert "latest is seven" in tolls[0].explanation.lower()
    assert "Five" not in tolls[0].explanation and "Seven" not in tolls[0].explanation  # spelled-out figures read lower-case mid-sentence


def test_missing_is_not_compared_with_deaths(ex_brief):
    for c in ex_brief.conflicts:
        if c.topic == "people killed":
            assert not {x.value for x in c.claims} & {4.0, 8.0, 11.0}  # the missing counts
    missing = [c for c in ex_brief.conflicts if c.topic == "people missing"]
    assert all(c.kind != "contradiction" for c in missing)


def test_conversions_are_rounding(ex_brief):
    rounding = _of(ex_brief, "rounding")
    units = [{x.unit for x in c.claims} for c in rounding]
    assert any({"mile", "kilometer"} <= u for u in units)
    assert any({"foot", "meter"} <= u for u in units)


def test_year_built_is_a_contradiction(ex_brief):
    years = [c for c in _of(ex_brief, "contradiction") if any(x.unit == "year" for x in c.claims)]
    assert len(years) == 1 and {x.value for x in years[0].claims} == {1958.0, 1962.0}
    assert len(_of(ex_brief, "contradiction")) == 1  # nothing else is


def test_no_different_measure_spam(ex_brief):
    assert len(_of(ex_brief, "different-measure")) <= 1


def test_transliterated_mayor_is_one_person(ex_brief):
    mayors = [e for e in ex_brief.entities if e.type == "PERSON" and e.name.split()[0] == "Yaryna"]
    assert len(mayors) == 1
    assert {"Yaryna Holubets", "Yaryna Golubets"} <= {mayors[0].name, *mayors[0].aliases}


def test_wire_copy_counted_once_in_single_source(ex_brief):
    texts = [" ".join(s.text.split()) for s in ex_brief.single_source]
    assert len(texts) == len(set(texts))
    md = render.to_markdown(ex_brief)
    html = render.to_html(ex_brief)
    assert "Coverage" in html
    copy = next(a for a in ex_brief.articles if a.duplicate_of)
    orig = next(a for a in ex_brief.articles if a.id == copy.duplicate_of)
    assert f"[{orig.outlet}] [{copy.outlet}]" in md.split("## Reported by one source only")[1].split("##")[0]
    unnamed = [a for a in ex_brief.articles if not a.outlet]
    for a in unnamed:  # outlet-less articles are cited by their id, not a number
        assert f"[{render._md(a.id)}]" in md


def test_no_corroborated_fact_is_a_piece_of_someones_quote(ex_brief):
    # Mirela Sandu's "Everyone knew the spillway …" is her quote (the quote group carries it), and the outlet that
    # reports it in its own words leads the fact
    assert not [f.text for f in ex_brief.facts if f.text.lstrip()[:1] in "\"“"]
    assert any(g.speaker == "Mirela Sandu" and "spillway" in g.text for g in ex_brief.quotes)
