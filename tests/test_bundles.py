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


# page furniture a crawl saved as an "article" of several unrelated bundles
TWEET_NOTE = ("Tweet with a location\n\nYou can add location information to your Tweets, such as your city or precise "
              "location, from the web and via third-party applications. You always have the option to delete your "
              "Tweet location history.")


def test_shared_boilerplate_never_merges_bundles_and_no_local_path_leaks(tmp_path):
    bundles = [dict(b, articles=b["articles"] + [{"source": None, "text": TWEET_NOTE}]) for b in BUNDLES]
    p = tmp_path / "crawl.jsonl"
    p.write_text("\n".join(json.dumps(b) for b in bundles) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["brief", str(p), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    stories = {s["id"]: sorted(s["articles"]) for s in doc["stories"]}
    assert stories == {
        "ferry-strike": ["ferry-strike-1", "ferry-strike-2", "ferry-strike-3"],
        "library-roof": ["library-roof-1", "library-roof-2", "library-roof-3"],
    }
    assert str(tmp_path) not in (out / "brief.json").read_text(encoding="utf-8")
    assert {a["source"] for a in doc["articles"]} == {"crawl.jsonl"}
    assert "tally: 6 read, 6 briefed, 0 duplicates, 2 stories, 0 errors" in result.stderr


def test_cli_brief_reads_a_pipe_and_says_what_it_could_not_read(tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    story = BUNDLES[0]["articles"][0]["text"]

    def writer() -> None:
        with open(fifo, "w", encoding="utf-8") as fh:
            fh.write(story)

    t = threading.Thread(target=writer)
    t.start()
    result = CliRunner().invoke(app, ["brief", str(fifo), "/dev/zero", "--format", "json", "--outlet", "Harbour Gazette"])
    t.join(10)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{"):])
    assert [a["outlet"] for a in doc["articles"]] == ["Harbour Gazette"]
    assert "error: /dev/zero: a character device, not a file: not read" in result.stderr
    assert "tally: 1 read, 1 briefed, 0 duplicates, 1 story, 1 error" in result.stderr
