"""Boilerplate shared across a batch (clean/shared.py): repetition plus unrelated rest is furniture; shared news stays."""

from __future__ import annotations

import json

from newsfuse import pipeline
from newsfuse.clean import clean, drop_shared_boilerplate
from newsfuse.model import Article

ARCHIVE_NOTE = (
    "These captures belong to a project that keeps copies of pages as they appear and of the pages they link to, "
    "so that a reader who follows an old link still finds what the author pointed at when the page was written."
)
DEPOT = (
    "The city council of Lakeford voted 7-2 on Tuesday to approve a new bus depot on the east side.\n\n"
    "Mayor Ellen Ruiz said the depot would cut commuting times for some 4,000 residents.\n\n"
    "Construction is expected to begin in March and cost about $12 million, officials said."
)
QUAKE = (
    "A magnitude 5.1 earthquake shook the northern coast of Varnia early Sunday, the national seismology institute said.\n\n"
    "No deaths were reported, but several old houses in the port town of Delsa suffered cracks.\n\n"
    "Rescue teams were sent to inspect bridges along the coastal highway."
)
DEPOT_OTHER = (
    "Lakeford's council approved the east-side bus depot on Tuesday by seven votes to two.\n\n"
    "The $12 million project will serve about 4,000 residents, according to Mayor Ellen Ruiz."
)
STATEMENT = ("\"This depot is the single biggest improvement to east-side transit in a generation,\" "
             "the Lakeford transit authority said in a statement on Tuesday.")


def _article(i: str, outlet: str, text: str) -> Article:
    return clean(Article(id=i, outlet=outlet, raw=text, title=""))


def test_archive_note_in_unrelated_articles_is_removed_with_reason():
    arts = [_article("1", "a.example", ARCHIVE_NOTE + "\n\n" + DEPOT), _article("2", "b.example", ARCHIVE_NOTE + "\n\n" + QUAKE)]
    assert all("keeps copies of pages" in a.text for a in arts)  # the line model alone keeps it: it reads like prose
    drop_shared_boilerplate(arts)
    for a in arts:
        assert "keeps copies of pages" not in a.text
        assert any(s.reason.startswith("boilerplate") and "keeps copies" in s.text for s in a.removed)
        assert a.raw[a.kept_spans[0][0]:a.kept_spans[0][1]] == a.text.split("\n")[0]  # offsets still index raw
    assert "bus depot" in arts[0].text and "earthquake" in arts[1].text


def test_statement_quoted_by_two_reports_of_one_event_is_kept():
    arts = [_article("1", "a.example", DEPOT + "\n\n" + STATEMENT), _article("2", "b.example", DEPOT_OTHER + "\n\n" + STATEMENT)]
    drop_shared_boilerplate(arts)
    assert all("biggest improvement" in a.text for a in arts)
    assert not any(s.reason.startswith("boilerplate") for a in arts for s in a.removed)


def test_wire_copy_carried_by_two_outlets_is_kept_whole():
    arts = [_article("1", "a.example", DEPOT), _article("2", "b.example", DEPOT)]
    before = [a.text for a in arts]
    drop_shared_boilerplate(arts)
    assert [a.text for a in arts] == before


def test_wire_copy_with_each_outlets_own_extra_line_is_kept():
    extra_a = "Lakeford Weekly will host a reader forum on east-side transit at the public library next Thursday."
    extra_b = "Correction: an earlier version of this story misstated the name of the Varnia shipping minister."
    arts = [_article("1", "a.example", DEPOT + "\n\n" + extra_a), _article("2", "b.example", DEPOT + "\n\n" + extra_b)]
    drop_shared_boilerplate(arts)
    assert all("bus depot" in a.text and "4,000 residents" in a.text for a in arts)
    assert not any(s.reason.startswith("boilerplate") for a in arts for s in a.removed)


def test_shared_note_no_longer_joins_unrelated_stories(tmp_path):
    records = [
        {"id": "1", "url": "https://a.example/depot", "title": "Council backs bus depot", "date_publish": "2024-03-05 10:00:00",
         "text": ARCHIVE_NOTE + "\n\n" + DEPOT},
        {"id": "2", "url": "https://b.example/quake", "title": "Quake rattles Varnia coast", "date_publish": "2024-03-05 11:00:00",
         "text": ARCHIVE_NOTE + "\n\n" + QUAKE},
        {"id": "3", "url": "https://c.example/depot", "title": "Lakeford approves depot", "date_publish": "2024-03-05 12:00:00",
         "text": DEPOT_OTHER},
    ]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    briefs = pipeline.fuse_many([str(path)])
    stories = sorted(sorted(a.outlet for a in b.articles) for b in briefs)
    assert stories == [["a.example", "c.example"], ["b.example"]]
