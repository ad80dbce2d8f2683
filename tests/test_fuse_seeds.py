"""The five seed articles (../shared/seeds) fused into one brief, judged as a reader would.

Assertions use short fragments or computed values only: the seed text stays outside the repo.
"""

from __future__ import annotations

import jsonschema
import pytest

from newsfuse import ingest, pipeline, render

A, B, C, D, E = "000", "001", "002", "003", "004"  # seed file prefixes


@pytest.fixture(scope="module")
def seed_brief(seeds_dir):
    articles = ingest.ingest([str(seeds_dir)])
    briefs = pipeline.fuse_articles(articles, published="2025-10-17")
    assert briefs
    return max(briefs, key=lambda b: len(b.articles))


def _short(ids):
    return {i[:3] for i in ids}


def test_one_story_of_five(seed_brief):
    assert len(seed_brief.articles) == 5


def test_summit_call_and_range_are_corroborated(seed_brief):
    facts = seed_brief.facts
    summit = [f for f in facts if ("Hungary" in f.text or "Budapest" in f.text)]
    assert summit and max(f.support for f in summit) >= 3
    call = [f for f in facts if "phone" in " ".join(v.text for v in f.variants)]
    assert call and len(set().union(*(_short(f.articles) for f in call))) >= 4
    rng = [f for f in facts if "2,500" in f.text]
    assert rng and _short(rng[0].articles) == {C, E}


def test_tomahawk_statement_is_one_quote_group(seed_brief):
    groups = [
        g for g in seed_brief.quotes
        if g.speaker and "Trump" in g.speaker
        and any("need them too" in v.text or "want Tomahawks also" in v.text or "also need Tomahawk" in v.text for v in g.variants)
    ]
    assert len(groups) == 1
    assert {B, C, D} <= _short(groups[0].articles)
    assert {True, False} == {v.direct for v in groups[0].variants}


def test_miles_are_rounding_and_counts_are_not_a_contradiction(seed_brief):
    kinds = {c.kind for c in seed_brief.conflicts}
    rounding = [c for c in seed_brief.conflicts if c.kind == "rounding"]
    assert rounding and "1,553" in rounding[0].explanation
    assert {c.value for c in rounding[0].claims} >= {1500.0, 1600.0}
    ordinal = [c for c in seed_brief.conflicts if any(x.unit == "ordinal" for x in c.claims)]
    assert all(c.kind != "contradiction" for c in ordinal)
    assert "contradiction" not in kinds


def test_single_source_items(seed_brief):
    texts = [(s.article[:3], s.text) for s in seed_brief.single_source]
    assert any(a == E and "Iron Bridge" in t for a, t in texts)
    assert any(a == E and "$90 billion" in t for a, t in texts)
    assert any(a == C and "28 ballistic" in t and "320" in t for a, t in texts)


def test_meeting_dated_on_the_seventeenth(seed_brief):
    events = [e for e in seed_brief.timeline if e.date == "2025-10-17" and "White House" in e.text]
    assert events and len(events[0].articles) >= 2


def test_seed_brief_renders(seed_brief):
    doc = render.to_json([seed_brief])
    jsonschema.validate(doc, render.schema())
    assert "Tomahawk" in render.to_html(seed_brief)
