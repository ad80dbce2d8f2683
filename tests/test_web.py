"""The web UI lists stories, shows briefs and articles, and always escapes article text.

Hostile text (script tags, event-handler attributes) in an article's body, title, outlet and in
removed page furniture must come out escaped on every HTML page.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
import pytest
from fastapi.testclient import TestClient

from newsfuse import ingest
from newsfuse.model import Analysis, Article, Segment
from newsfuse.store.update import ingest_articles
from newsfuse.web import create_app, pieces
from newsfuse.store import open_store
from test_store import ENGINES, fresh_db, write_corpus

SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
HOSTILE = [SCRIPT, IMG, "<script>alert(3)</script>", 'onerror="alert']


class _Tags(HTMLParser):
    """Collects the elements and attributes a browser would actually build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


@pytest.fixture(scope="module", params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One store per engine for this module, filled once (ingest is the slow part)."""
    tmp = tmp_path_factory.mktemp("web")
    with fresh_db(request.param, tmp) as url:
        st = open_store(url)
        corpus = write_corpus(tmp / "in", ["denmere-gazette.txt", "valley-post.txt", "wire-a.txt"])
        record = {
            "id": "evil",
            "title": f"Harlow Bridge {SCRIPT}",
            "maintext": (
                f"Denmere closed the Harlow Bridge on Monday {SCRIPT} after cracks were found {IMG}.\n"
                "Related: <script>alert(3)</script>\n"
                "Council engineer Ruth Okafor said repairs would take six weeks.\n"
            ),
            "source_domain": f"evil.example {IMG}",
            "url": "https://evil.example/x?a=<b>",
            "date_publish": "2024-03-04",
        }
        (corpus / "evil.json").write_text(json.dumps(record), encoding="utf-8")
        report = ingest_articles(st, ingest.ingest([str(corpus)]))
        assert not report.problems
        yield st
        st.close()


@pytest.fixture
def client(store):
    return TestClient(create_app(store))


def _assert_safe(html: str) -> None:
    for bad in HOSTILE:
        assert bad not in html, f"unescaped {bad!r} in page"
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "img", "iframe", "object"), f"<{tag}> element in page"
        assert not [a for a, _ in attrs if a.startswith("on")], f"event handler attribute on <{tag}>"


def test_every_page_escapes_hostile_text(client, store):
    pages = ["/", "/stories/nope", "/articles/nope"]
    pages += [f"/stories/{s.id}" for s in store.stories()]
    pages += [f"/articles/{a.id}" for a in store.articles()]
    for url in pages:
        r = client.get(url)
        assert r.status_code in (200, 404), url
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src" not in r.headers["content-security-policy"]  # no scripts allowed at all
        _assert_safe(r.text)
    page = client.get("/articles/evil").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onerror=&#34;alert(2)&#34;" in page


def test_story_page_shows_brief_and_links_articles(client, store):
    sid = store.article("evil").story
    r = client.get(f"/stories/{sid}")
    assert r.status_code == 200
    assert 'href="/articles/evil"' in r.text and 'href="/articles/denmere-gazette"' in r.text
    assert "&lt;script&gt;" in r.text  # the hostile title is shown, escaped
    assert "[evil.example &lt;img" in r.text  # citations name the outlet (escaped), not the article id


def test_article_page_greys_removed_junk(client, store):
    raw = "Denmere reopened one lane.\nRelated: <script>alert(3)</script>\nMenu: News | Sport\nTraffic eased."
    art = Article(id="greyed", raw=raw, title="Lane reopens", content_hash="h-greyed",
                  kept_spans=[(0, 26), (81, 95)], text="Denmere reopened one lane.\nTraffic eased.",
                  removed=[Segment(raw[27:61], "earlier-link", 27, 61), Segment(raw[62:80], "navigation", 62, 80)])
    assert raw[81:95] == "Traffic eased."
    store.put_article(art, Analysis(article="greyed"))
    page = client.get("/articles/greyed").text
    _assert_safe(page)
    assert '<span class="removed" title="removed: earlier-link">Related: &lt;script&gt;alert(3)&lt;/script&gt;</span>' in page
    assert '<span class="removed" title="removed: navigation">Menu: News | Sport</span>' in page
    assert "Denmere reopened one lane.\n<span" in page


def test_api_serves_stories_and_brief_json(client, store):
    listing = client.get("/api/stories").json()
    assert {s["id"] for s in listing} == {s.id for s in store.stories()}
    row = next(s for s in listing if "evil" in s["articles"])
    doc = client.get(f"/api/stories/{row['id']}")
    assert doc.headers["content-type"].startswith("application/json")
    assert doc.json()["schema"] == "newsfuse/brief-v1"
    missing = client.get("/api/stories/nope")
    assert missing.status_code == 404 and missing.json() == {"error": "no such story"}


def test_pieces_rebuild_raw_and_mark_removals():
    raw = "Keep.\nMenu: x\nKeep too."
    art = Article(id="p", raw=raw, removed=[Segment("Menu: x", "navigation", 6, 13), Segment("?", "odd", -1, -1)])
    runs, unplaced = pieces(art)
    assert "".join(t for t, _ in runs) == raw
    assert [r for _, r in runs] == [None, "navigation", None]
    assert [s.reason for s in unplaced] == ["odd"]
