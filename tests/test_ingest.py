"""Ingest reads every common format and turns each bad input into one clear problem line."""

from __future__ import annotations

import gzip
import json
import os

from newsfuse import ingest

STORY = (
    "The Harbour Authority of Port Elsby closed the northern dock on Tuesday after a crane collapsed.\n"
    "No one was hurt, the authority's director Mara Quill told reporters.\n"
)


def test_text_file_id_is_stem_and_gz_is_transparent(tmp_path):
    (tmp_path / "alpha.txt").write_text(STORY, encoding="utf-8")
    with gzip.open(tmp_path / "beta.txt.gz", "wt", encoding="utf-8") as fh:
        fh.write(STORY)
    problems: list = []
    arts = ingest.ingest([str(tmp_path)], problems)
    assert problems == []
    assert sorted(a.id for a in arts) == ["alpha", "beta"]
    assert all("crane collapsed" in a.raw for a in arts)


def test_non_utf8_text_is_decoded(tmp_path):
    p = tmp_path / "latin.txt"
    p.write_bytes(("Le ministre a déclaré que la réforme entrera en vigueur en août. " * 5).encode("cp1252"))
    problems: list = []
    [art] = ingest.ingest([str(p)], problems)
    assert "déclaré" in art.raw and problems == []


def test_jsonl_news_please_records_keep_their_ids(tmp_path):
    p = tmp_path / "feed.jsonl"
    recs = [
        {"id": "r1", "title": "Crane collapse", "maintext": STORY, "url": "https://example.org/a",
         "date_publish": "2024-03-05 10:00:00", "source_domain": "example.org"},
        {"id": "r2", "text": STORY.upper()},
    ]
    p.write_text("\n".join(json.dumps(r) for r in recs) + "\nnot json\n", encoding="utf-8")
    problems: list = []
    arts = ingest.ingest([str(p)], problems)
    assert [a.id for a in arts] == ["r1", "r2"]
    assert arts[0].published == "2024-03-05T10:00:00" and arts[0].outlet == "example.org"
    assert len(problems) == 1 and "line 3" in problems[0].message


def test_html_page_main_text_and_metadata(tmp_path):
    page = f"""<!doctype html><html><head><title>Crane collapse closes dock</title>
    <meta property="og:site_name" content="Elsby Courier">
    <meta name="date" content="2024-03-05"><script>alert('x')</script></head>
    <body><nav><a href="/">Home</a> <a href="/sport">Sport</a></nav>
    <article><h1>Crane collapse closes dock</h1><p>{STORY.splitlines()[0]}</p>
    <p>{STORY.splitlines()[1]}</p><p>Repairs are expected to take three weeks, she added.</p></article>
    <footer>© Elsby Courier</footer></body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [art] = ingest.ingest([str(tmp_path / "page.html")])
    assert art.id == "page" and art.title == "Crane collapse closes dock"
    assert art.outlet == "Elsby Courier" and art.published == "2024-03-05"
    assert "three weeks" in art.raw and "alert" not in art.raw


def test_rss_feed_one_article_per_item(tmp_path):
    feed = """<?xml version="1.0"?><rss version="2.0"><channel><title>Elsby Courier</title>
    <item><title>Dock closed</title><link>https://example.org/1</link>
    <pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate><description>The northern dock closed after a crane fell.</description></item>
    <item><title>Dock reopens</title><link>https://example.org/2</link>
    <description>The dock reopened three weeks later, the authority said.</description></item>
    </channel></rss>"""
    (tmp_path / "news.rss").write_text(feed, encoding="utf-8")
    arts = ingest.ingest([str(tmp_path / "news.rss")])
    assert [a.title for a in arts] == ["Dock closed", "Dock reopens"]
    assert arts[0].published == "2024-03-05" and arts[0].outlet == "Elsby Courier"


def test_bad_inputs_each_get_one_problem_and_batch_continues(tmp_path):
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "broken.rss").write_text("<rss><channel><item>unclosed", encoding="utf-8")
    (tmp_path / "bomb.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
        "<rss><channel><item><description>&lol2;</description></item></channel></rss>", encoding="utf-8")
    os.symlink(tmp_path, tmp_path / "loop")
    problems: list = []
    arts = ingest.ingest([str(tmp_path), str(tmp_path / "missing.txt")], problems)
    assert [a.id for a in arts] == ["good"]
    text = "\n".join(map(str, problems))
    assert "empty.txt: empty input" in text
    assert "blob.bin: binary" in text
    assert "bomb.xml" in text and "entit" in text
    assert "broken.rss" in text
    assert "missing.txt: no such file" in text
    assert "symlink loop" in text


def test_huge_input_refused(tmp_path):
    p = tmp_path / "huge.html"
    with open(p, "wb") as fh:
        fh.write(b"<html><body>" + b"<p>filler text</p>" * (ingest.MAX_BYTES // 18 + 10) + b"</body></html>")
    problems: list = []
    assert ingest.ingest([str(p)], problems) == []
    assert "too large" in problems[0].message


def test_dead_url_reports_problem():
    problems: list = []
    assert ingest.ingest(["http://127.0.0.1:9/nothing"], problems) == []
    assert problems and problems[0].source == "http://127.0.0.1:9/nothing"
