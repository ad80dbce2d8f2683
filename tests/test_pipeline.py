"""The public face: `newsfuse.fuse(paths) -> Brief` and `newsfuse run` (the job `make run` runs)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import newsfuse
from newsfuse.cli import app


def test_fuse_returns_the_brief_of_the_largest_story(examples_dir, tmp_path):
    # two example reports plus an unrelated note: one story of two, one of one
    paths = [str(p) for p in sorted(examples_dir.glob("0[45]_*.txt"))]
    other = tmp_path / "choir.txt"
    other.write_text(
        "The Kestrel Valley youth choir won the regional singing contest on Saturday, beating eleven "
        "other choirs.\nIts conductor, Hanna Lisewska, said the singers had rehearsed every evening for "
        "a month.\n", encoding="utf-8")
    brief = newsfuse.fuse(paths + [str(other)])
    assert isinstance(brief, newsfuse.Brief)
    assert sorted(a.id for a in brief.articles) == ["04_eastern-review", "05_riverside-observer"]
    assert brief.summary and all(s.articles for s in brief.summary)
    assert brief.facts and all(f.support >= 2 for f in brief.facts)


def test_run_writes_json_markdown_and_html(examples_dir, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["run", str(examples_dir), "--out", str(out)])
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "brief.json").read_text(encoding="utf-8"))
    assert doc["schema"] == "newsfuse/brief-v1" and len(doc["articles"]) == 6
    story = doc["stories"][0]["id"]
    assert (out / f"{story}.md").read_text(encoding="utf-8").startswith("# ")
    html = (out / f"{story}.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and "<script" not in html.lower()
    assert str(out / "brief.json") in res.output  # says where the output is


def test_an_article_with_nothing_left_after_cleaning_gets_one_error_line(tmp_path):
    from newsfuse import pipeline

    p = tmp_path / "page.jsonl"
    p.write_text('{"id": "ad", "title": "Offers", "text": "Advertisement\\nShare this article\\nSubscribe to our '
                 'newsletter"}\n', encoding="utf-8")
    problems: list = []
    assert pipeline.fuse_articles(pipeline.read([str(p)], problems), problems=problems) == []
    assert [str(x) for x in problems] == ["page.jsonl: ad: no article text left after cleaning"]
