"""Story bundles (JSONL, one pre-grouped story a line) give one brief per line, keyed by the bundle id."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from newsfuse import ingest
from newsfuse.cli import app

BUNDLES = [
    {
        "id": "ferry-strike",
        "title": "Island ferry crews strike over rosters",
        "date": "2031-05-06",
        "articles": [
            {"source": "Harbour Gazette", "stance": "lean left", "url": "https://gazette.example/ferry",
             "text": "Ferry crews on the Tarrow Island route walked out on Tuesday in a dispute over new rosters.\n"
                     "The crews' union said the rosters would cut rest time between shifts to eight hours.\n"
                     "About 4,000 daily passengers were told to expect no sailings until Thursday."},
            {"source": "Valley Times", "stance": "right",
             "text": "No ferries ran to Tarrow Island on Tuesday after crews went on strike over working rosters.\n"
                     "The ferry operator said the new rosters were needed to keep winter fares down.\n"
                     "Island shop owners said deliveries of fresh food had already been delayed."},
        ],
    },
    {
        "id": "library-roof",
        "title": "Library closes after roof leak",
        "articles": [
            {"source": "Coast Daily", "stance": "center",
             "text": "The central library in Marlow Bay closed on Monday after heavy rain leaked through its roof.\n"
                     "Staff moved about 2,000 rare books to a dry storage room in the town hall."},
            {"source": "Harbour Gazette", "stance": "lean left",
             "text": "Rainwater poured through the roof of the Marlow Bay central library over the weekend.\n"
                     "The council said repairs would take at least three weeks and cost an estimated 80,000 pounds."},
        ],
    },
]


def _write(tmp_path):
    p = tmp_path / "stories.jsonl"
    p.write_text("\n".join(json.dumps(b) for b in BUNDLES) + "\n", encoding="utf-8")
    return p


def _story_id(row: dict) -> str:
    story = row.get("story") if isinstance(row.get("story"), dict) else row
    return story["id"]


def test_ingest_presets_story_outlet_and_stance(tmp_path):
    arts = ingest.ingest([str(_write(tmp_path))])
    assert [a.story for a in arts] == ["ferry-strike", "ferry-strike", "library-roof", "library-roof"]
    assert [a.outlet for a in arts][:2] == ["Harbour Gazette", "Valley Times"]
    assert arts[1].stance == "right" and arts[0].meta["bundle"]["title"] == "Island ferry crews strike over rosters"


def test_cli_brief_one_brief_per_bundle_line(tmp_path):
    result = CliRunner().invoke(app, ["brief", str(_write(tmp_path)), "--format", "json", "--summary-words", "30"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    rows = doc.get("stories") or doc.get("briefs") or []
    assert sorted(_story_id(r) for r in rows) == ["ferry-strike", "library-roof"]
    for r in rows:
        summary = r.get("summary")
        if summary:  # the summary respects --summary-words, cutting at sentence ends
            assert sum(len(s["text"].split()) for s in summary) <= 30
