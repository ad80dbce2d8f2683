"""The web reader and its API: search and filters, citations anchored at the cited sentence, every brief
section on the page, authenticated ingest, redirects, page size caps, and escaping of hostile text.

Runs on SQLite and, when NEWSFUSE_TEST_PG is set (.ci/run sets it), on PostgreSQL. The articles are
invented for these tests (two events: a bridge closure in March 2024, a library fire in November 2023).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest
from fastapi.testclient import TestClient

from newsfuse import render
from newsfuse.ingest import content_hash
from newsfuse.model import Analysis, Article, Segment
from newsfuse.store import open_store
from newsfuse.store.search import fts5_query
from newsfuse.store.update import ingest_articles
from newsfuse.web import create_app, pieces
from newsfuse.web.markup import PAGE_CHARS, Span, mark, pages
from test_store import ENGINES, fresh_db

TOKEN = "s3cret-token"
SCRIPT = "<script>alert(1)</script>"
IMG = '<img src=x onerror="alert(2)">'
HOSTILE = [SCRIPT, IMG, "<script>alert(3)</script>", 'onerror="alert']

RECORDS = [
    {"id": "gazette", "outlet": "Denmere Gazette", "published": "2024-03-04T09:00", "url": "https://gazette.example/bridge",
     "title": "Denmere closes Harlow Bridge after inspectors find cracks",
     "text": "The town of Denmere closed the Harlow Bridge on Monday after inspectors found cracks in two of its piers.\n"
             "\"We cannot take any risk with a structure this old,\" said council engineer Ruth Okafor.\n"
             "About 12,000 vehicles cross the bridge every day, according to the council.\n"
             "Repairs are expected to take six weeks, the council said.\n"},
    {"id": "valley", "outlet": "Valley Post", "published": "2024-03-04T15:30",
     "title": "Harlow Bridge shut as cracks spread",
     "text": "Denmere council shut the Harlow Bridge on Monday after inspectors found cracks in two piers.\n"
             "Ruth Okafor, the council engineer, said the town could not take any risk with the bridge.\n"
             "About 18,000 vehicles use the crossing every day, the council said.\n"
             "Repairs are expected to take six weeks.\n"},
    {"id": "valley-late", "outlet": "Valley Post", "published": "2024-03-05T08:00",
     "title": "Harlow Bridge detour adds 20 minutes for commuters",
     "text": "Drivers faced a 20-minute detour on Tuesday, a day after Denmere closed the Harlow Bridge when cracks were found in two piers.\n"
             "Council engineer Ruth Okafor said repairs would take six weeks.\n"},
    {"id": "times", "outlet": "Castleford Times", "published": "2023-11-11T22:00",
     "title": "Fire damages Castleford library",
     "text": "A fire broke out at the Castleford public library late on Saturday, destroying about 3,000 books.\n"
             "Fire chief Tomas Berg said the blaze started in a storage room.\n"},
    {"id": "echo", "outlet": "Castleford Echo", "published": "2023-11-12T08:00",
     "title": "Library fire: thousands of books lost",
     "text": "Around 3,000 books were lost when a fire swept through the Castleford public library on Saturday night.\n"
             "Fire chief Tomas Berg said the blaze started in a storage room at the back of the building.\n"},
    {"id": "evil", "outlet": f"evil.example {IMG}", "published": "2024-03-04T11:00", "url": "javascript:alert(4)",
     "title": f"Harlow Bridge {SCRIPT}",
     "text": f"Denmere closed the Harlow Bridge on Monday {SCRIPT} after cracks were found in two piers {IMG}.\n"
             "Related: <script>alert(3)</script>\n"
             "Council engineer Ruth Okafor said the bridge repairs would take six weeks.\n"},
]


class _Tags(HTMLParser):
    """Collects the elements and attributes a browser would actually build from a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _articles(records: list[dict]) -> list[Article]:
    from newsfuse.ingest import from_bytes

    problems: list = []
    arts = from_bytes(json.dumps(records).encode(), "test", "t", problems, "json")
    assert not problems
    return arts


@pytest.fixture(scope="module", params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One store per engine for this module, filled once (ingest is the slow part)."""
    tmp = tmp_path_factory.mktemp("web")
    with fresh_db(request.param, tmp) as url:
        st = open_store(url)
        report = ingest_articles(st, _articles(RECORDS))
        assert not report.problems
        yield st
        st.close()


@pytest.fixture
def client(store):
    return TestClient(create_app(store, token=TOKEN))


def _story_of(store, article_id: str) -> str:
    sid = store.article(article_id).story
    assert sid
    return sid


def _assert_safe(html: str) -> None:
    for bad in HOSTILE:
        assert bad not in html, f"unescaped {bad!r} in page"
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("img", "iframe", "object", "style"), f"<{tag}> element in page"
        if tag == "script":
            assert dict(attrs).get("src") == "/static/app.js", "only the app's own script"
        assert not [a for a, _ in attrs if a.startswith("on") or a == "style"], f"inline code/style on <{tag}>"
        for a, v in attrs:
            if a == "href":
                assert not (v or "").strip().lower().startswith("javascript:"), f"javascript: link on <{tag}>"


# ------------------------------------------------------------------------------------------ list and search


def test_story_list_is_in_news_order_with_counts(client, store):
    bridge, library = _story_of(store, "gazette"), _story_of(store, "times")
    assert bridge != library
    data = client.get("/api/v1/stories").json()
    ids = [s["id"] for s in data["items"]]
    assert ids.index(bridge) < ids.index(library)  # March 2024 news above November 2023, whatever was rewritten last
    row = next(s for s in data["items"] if s["id"] == bridge)
    assert row["last_published"].startswith("2024-03-05") and row["first_published"].startswith("2024-03-04")
    assert {"Denmere Gazette", "Valley Post"} <= set(row["outlets"]) and row["articles"] >= 4
    page = client.get("/").text
    assert page.index(f'/stories/{bridge}"') < page.index(f'/stories/{library}"')
    assert "years ago" in page or "months ago" in page or "year ago" in page  # relative times, not raw stamps
    assert "2024-03-05T08:00" not in re.sub(r'(datetime|title)="[^"]*"', "", page)


def test_search_finds_entities_and_words_on_both_engines(client, store):
    bridge, library = _story_of(store, "gazette"), _story_of(store, "times")
    for q, want, not_want in (("Okafor", bridge, library), ("Tomas Berg", library, bridge), ("librar", library, bridge)):
        data = client.get("/api/v1/stories", params={"q": q}).json()
        ids = [s["id"] for s in data["items"]]
        assert want in ids and not_want not in ids, (q, ids)
        assert data["total"] == len(ids)
    assert client.get("/api/v1/stories", params={"q": "zeppelin"}).json() == {"items": [], "total": 0, "limit": 20, "offset": 0}
    for odd in ['"', "')); DROP TABLE stories; --", "NEAR(", "*", "a OR"]:  # never a syntax error
        assert client.get("/api/v1/stories", params={"q": odd}).status_code == 200
    html = client.get("/", params={"q": "Okafor"}).text
    assert f'/stories/{bridge}"' in html and f'/stories/{library}"' not in html
    assert 'value="Okafor"' in html  # the form keeps the query


def test_filters_and_pagination(client, store):
    bridge, library = _story_of(store, "gazette"), _story_of(store, "times")

    def ids(**params) -> list[str]:
        return [s["id"] for s in client.get("/api/v1/stories", params=params).json()["items"]]

    assert ids(outlet="Castleford Echo") == [library]
    assert ids(outlet="castleford echo") == [library]
    assert ids(since="2024-01-01") == [bridge]
    assert ids(until="2023-12-31") == [library]
    assert ids(until="2023-11-11") == [library]  # a date-only 'until' includes that day
    assert ids(since="2025-01-01") == []
    ent = next(e["id"] for e in client.get(f"/api/v1/stories/{library}").json()["stories"][0]["entities"]
               if "Berg" in e["name"])
    assert ids(entity=ent) == [library]
    with_conflicts = ids(has_conflicts="true")
    without = ids(has_conflicts="false")
    assert set(with_conflicts) | set(without) >= {bridge, library} and not set(with_conflicts) & set(without)
    first = client.get("/api/v1/stories", params={"limit": 1}).json()
    second = client.get("/api/v1/stories", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] >= 2 and first["items"][0]["id"] != second["items"][0]["id"]
    html = client.get("/", params={"outlet": "Castleford Echo"}).text
    assert f'/stories/{library}"' in html and f'/stories/{bridge}"' not in html
    for bad in ({"limit": 0}, {"limit": 1000}, {"offset": -1}, {"since": "yesterday"}, {"has_conflicts": "maybe"}):
        r = client.get("/api/v1/stories", params=bad)
        assert r.status_code == 422 and r.json()["error"], bad


# ------------------------------------------------------------------------------------------ story and article pages


def test_api_story_is_the_cli_brief_json_and_its_offsets_point_at_sentences(client, store):
    sid = _story_of(store, "gazette")
    doc = client.get(f"/api/v1/stories/{sid}").json()
    jsonschema.validate(doc, render.schema())
    assert doc == store.brief(sid)
    story = doc["stories"][0]
    raws = {a: store.article(a).raw for a in story["articles"]}
    cites = [c for s in story["summary"] for c in s["cites"]] + [c for t in story["timeline"] for c in t["cites"]]
    claims = [x for c in story["conflicts"] for x in c["claims"]]
    assert cites and all(raws[c["article"]][c["start"]:c["end"]].strip() for c in cites)
    for s in story["summary"]:
        assert s["cites"], s["text"]  # every summary sentence anchors somewhere
    for x in claims:
        assert raws[x["article"]][x["start"]:x["end"]] == x["text"]


def test_story_page_has_every_section_and_anchored_chips(client, store):
    sid = _story_of(store, "gazette")
    r = client.get(f"/stories/{sid}")
    assert r.status_code == 200
    html = r.text
    _assert_safe(html)
    story = store.brief(sid)["stories"][0]
    for section, key in (("summary", "summary"), ("facts", "facts"), ("quotes", "quotes"), ("entities", "entities"),
                         ("timeline", "timeline"), ("coverage", "facts"), ("articles", "articles")):
        if story[key]:
            assert f'id="{section}"' in html and f'href="#{section}"' in html, section
    if story["conflicts"]:
        assert 'id="conflicts"' in html
        assert "/articles/gazette#s-" in html or "/articles/valley#s-" in html
    chips = re.findall(r'class="chip" href="/articles/([^"#?]+)(?:\?page=\d+)?#s-(\d+)-(\d+)"', html)
    assert len(chips) >= 5
    for aid, a, b in chips:
        assert store.article(aid).raw[int(a):int(b)].strip()
    # two articles from Valley Post are told apart by a short title
    assert "Valley Post · Harlow Bridge shut as" in html and "Valley Post · Harlow Bridge detour adds" in html
    assert "brief last changed" in html


def test_chip_lands_on_a_highlightable_anchor_on_the_article_page(client, store):
    sid = _story_of(store, "gazette")
    html = client.get(f"/stories/{sid}").text
    href = re.search(r'class="chip" href="(/articles/valley#s-(\d+)-(\d+))"', html)
    assert href, "a chip citing Valley Post at a sentence"
    start, end = int(href.group(2)), int(href.group(3))
    page = client.get(href.group(1).split("#")[0]).text
    m = re.search(rf'<mark class="cite" data-cite="s-{start}-{end}" id="s-{start}-{end}">(.*?)</mark>', page, re.S)
    assert m, "the cited sentence carries the anchor"
    sentence = store.article("valley").raw[start:end]
    assert re.sub(r"<[^>]+>", "", m.group(1)).replace("&#34;", '"').replace("&#39;", "'") in sentence


def test_article_page_marks_furniture_quotes_entities_and_links_out_safely(client, store):
    raw = "Denmere reopened one lane.\nRelated: <script>alert(3)</script>\nMenu: News | Sport\nTraffic eased."
    art = Article(id="greyed", raw=raw, title="Lane reopens", content_hash="h-greyed", url="https://post.example/lane",
                  kept_spans=[(0, 26), (81, 95)], text="Denmere reopened one lane.\nTraffic eased.",
                  removed=[Segment(raw[27:61], "earlier-link", 27, 61), Segment(raw[62:80], "navigation", 62, 80)])
    store.put_article(art, Analysis(article="greyed"))
    page = client.get("/articles/greyed").text
    _assert_safe(page)
    assert '<span class="removed" title="removed: earlier-link">Related: &lt;script&gt;alert(3)&lt;/script&gt;</span>' in page
    assert '<span class="removed" title="removed: navigation">Menu: News | Sport</span>' in page
    assert '<a href="https://post.example/lane" rel="noopener noreferrer nofollow"' in page
    evil = client.get("/articles/evil").text
    _assert_safe(evil)
    assert 'href="javascript' not in evil and "javascript:alert(4)" in evil  # shown as text, never a link
    gazette = client.get("/articles/gazette").text
    assert 'class="quote"' in gazette and 'class="ent"' in gazette


def test_every_page_escapes_hostile_text(client, store):
    pages_ = ["/", "/stories/nope", "/articles/nope", "/?q=" + SCRIPT, "/entities/nope", "/api/v1/docs"]
    pages_ += [f"/stories/{s.id}" for s in store.stories()]
    pages_ += [f"/articles/{a.id}" for a in store.articles()]
    for url in pages_:
        r = client.get(url)
        assert r.status_code in (200, 404), url
        assert r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
        _assert_safe(r.text)
    page = client.get("/articles/evil").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "onerror=&#34;alert(2)&#34;" in page


def test_entity_page_lists_every_story_naming_it(client, store):
    library = _story_of(store, "times")
    ent = next(e for e in store.brief(library)["stories"][0]["entities"] if "Berg" in e["name"])
    html = client.get(f"/entities/{ent['id']}").text
    assert f'/stories/{library}"' in html and ent["name"] in html
    data = client.get(f"/api/v1/entities/{ent['id']}").json()
    assert data["name"] == ent["name"] and [s["id"] for s in data["items"]] == [library] and data["total"] == 1
    assert client.get("/api/v1/entities/nobody").status_code == 404


def test_long_article_is_paged_under_2mb_with_a_download(client, store):
    line = "The council published page {n} of its bridge inspection log, listing every crack & its width <mm>.\n"
    raw = "".join(line.format(n=i) for i in range(30_000))  # ~3 MB
    art = Article(id="huge", raw=raw, title="Inspection log", content_hash=content_hash(raw), text=raw,
                  kept_spans=[(0, len(raw))])
    store.put_article(art, Analysis(article="huge"))
    bounds = pages(raw)
    assert len(bounds) >= 2 and bounds[-1][1] == len(raw)
    first = client.get("/articles/huge")
    assert len(first.content) < 2_000_000 and "page 1 of" in first.text.lower() and "/articles/huge/text" in first.text
    last = client.get(f"/articles/huge?page={len(bounds)}")
    assert last.status_code == 200 and len(last.content) < 2_000_000 and "&lt;mm&gt;" in last.text
    assert client.get(f"/articles/huge?page={len(bounds) + 1}").status_code == 404
    whole = client.get("/articles/huge/text")
    assert whole.text == raw and "attachment" in whole.headers["content-disposition"]


# ------------------------------------------------------------------------------------------ ingest through the API


def test_ingest_needs_the_token_and_answers_json_errors(store):
    readonly = TestClient(create_app(store, token=""))
    rec = {"id": "x1", "title": "T", "text": "Some text.", "outlet": "O"}
    r = readonly.post("/api/v1/articles", json=rec)
    assert r.status_code == 401 and "read-only" in r.json()["error"]
    client = TestClient(create_app(store, token=TOKEN))
    assert client.post("/api/v1/articles", json=rec).status_code == 401
    wrong = client.post("/api/v1/articles", json=rec, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cases = [
        (dict(content=b"{not json", headers={**auth, "Content-Type": "application/json"}), 400),
        (dict(content=b"x", headers={**auth, "Content-Type": "image/png"}), 415),
        (dict(json={"id": "x2", "title": "no text"}, headers=auth), 422),
        (dict(json=[{"id": "x3", "text": "ok"}, "not an object"], headers=auth), 422),
        (dict(json={"id": "x4", "text": "ok", "published": "last Tuesday"}, headers=auth), 422),
        (dict(content=b"a" * (9 * 1024 * 1024), headers={**auth, "Content-Type": "text/plain"}), 413),
    ]
    for kwargs, code in cases:
        r = client.post("/api/v1/articles", **kwargs)
        assert r.status_code == code, (code, r.text[:200])
        body = r.json()
        assert body["error"] and "Traceback" not in r.text
    assert store.article("x2") is None and store.article("x3") is None


def test_ingest_over_the_api_shows_up_on_the_story_page(store):
    client = TestClient(create_app(store, token=TOKEN))
    sid = _story_of(store, "gazette")
    before = client.get(f"/stories/{sid}").text  # cached now
    assert "Harlow Herald" not in before
    rec = {"id": "herald", "title": "Harlow Bridge closure: engineers find cracks in two piers", "outlet": "Harlow Herald",
           "published": "2024-03-04T18:00", "url": "https://herald.example/bridge",
           "text": "Denmere closed the Harlow Bridge on Monday after inspectors found cracks in two of its piers.\n"
                   "Council engineer Ruth Okafor said repairs would take six weeks.\n"}
    r = client.post("/api/v1/articles", json=rec, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["added"] == ["herald"] and body["stories"]["herald"]
    target = body["stories"]["herald"]
    after = client.get(f"/stories/{target}").text
    assert "Harlow Herald" in after and 'href="/articles/herald' in after
    again = client.post("/api/v1/articles", json=rec, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert again["unchanged"] == ["herald"] and again["added"] == []
    text = client.post("/api/v1/articles?id=plain-1&outlet=Wire+Desk&title=Bridge+note",
                       content="Denmere's Harlow Bridge stays closed while repairs go on.".encode(),
                       headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"})
    assert text.status_code == 201 and text.json()["added"] == ["plain-1"]
    assert store.article("plain-1").outlet == "Wire Desk"
    page = ("<html><head><title>Bridge repairs begin</title></head><body><nav>Home | Sport</nav><article>"
            "<h1>Bridge repairs begin</h1><p>Work to repair the cracked piers of the Harlow Bridge in Denmere began on "
            "Thursday, council engineer Ruth Okafor said.</p><p>The bridge is expected to reopen in six weeks.</p>"
            "</article></body></html>")
    html = client.post("/api/v1/articles?id=html-1&outlet=Harlow+Herald&published=2024-03-07",
                       content=page.encode(), headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/html"})
    assert html.status_code == 201 and html.json()["added"] == ["html-1"], html.text
    stored = store.article("html-1")
    assert "cracked piers" in stored.text and "<p>" not in stored.text and stored.published.startswith("2024-03-07")


# ------------------------------------------------------------------------------------------ routes, redirects, docs


def test_unknown_routes_and_merged_stories(client, store, monkeypatch):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html") and "Not found" in r.text
    r = client.get("/api/v1/no-such")
    assert r.status_code == 404 and r.json()["error"]
    r = client.get("/api/v1/stories/nope")
    assert r.status_code == 404 and r.json()["error"] == "no such story"
    assert client.post("/").status_code == 405
    sid = _story_of(store, "gazette")
    import newsfuse.store.update as update

    monkeypatch.setattr(update, "moved_to", lambda st, story_id: sid if story_id == "story-old" else None)
    page = client.get("/stories/story-old", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/stories/{sid}"
    api = client.get("/api/v1/stories/story-old", follow_redirects=False)
    assert api.status_code == 301 and api.headers["location"] == f"/api/v1/stories/{sid}"


def test_api_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/stories", "/api/v1/stories/{story_id}", "/api/v1/articles/{article_id}",
                 "/api/v1/entities/{entity_id}", "/api/v1/articles"):
        assert path in spec["paths"], path
    names = {p["name"] for p in spec["paths"]["/api/v1/stories"]["get"]["parameters"]}
    assert names == {"q", "outlet", "entity", "since", "until", "has_conflicts", "limit", "offset"}
    assert spec["paths"]["/api/v1/articles"]["post"]["security"] == [{"bearer": []}]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "/api/v1/stories" in docs.text and "has_conflicts" in docs.text
    assert "cdn" not in docs.text.lower()  # no outside assets


def test_api_article(client, store):
    a = client.get("/api/v1/articles/gazette").json()
    assert a["raw"] == store.article("gazette").raw and a["outlet"] == "Denmere Gazette"
    assert client.get("/api/v1/articles/nope").status_code == 404


# ------------------------------------------------------------------------------------------ small parts


def test_mark_nests_overlapping_spans_and_escapes():
    raw = "Mayor <Ana> said the dam held. Then it broke."
    spans = [Span(0, 30, "cite", ref="s-0-30"), Span(6, 11, "entity", "PERSON"), Span(19, 45, "quote", "Ana"),
             Span(31, 45, "cite", ref="s-31-45")]
    html = str(mark(raw, spans))
    assert re.sub(r"<[^>]+>", "", html) == raw.replace("<", "&lt;").replace(">", "&gt;")
    depth: list[str] = []
    for m in re.finditer(r"<(/?)(mark|span|a)\b", html):
        if m.group(1):
            assert depth and depth.pop() == m.group(2), html
        else:
            depth.append(m.group(2))
    assert not depth
    assert html.count('id="s-0-30"') == 1 and html.count('id="s-31-45"') == 1  # an id once, on the first piece
    assert html.count('title="quote: Ana"') == 2  # the quote that starts inside a sentence and runs on is split


def test_pieces_rebuild_raw_and_mark_removals():
    raw = "Keep.\nMenu: x\nKeep too."
    art = Article(id="p", raw=raw, removed=[Segment("Menu: x", "navigation", 6, 13), Segment("?", "odd", -1, -1)])
    runs, unplaced = pieces(art)
    assert "".join(t for t, _ in runs) == raw
    assert [r for _, r in runs] == [None, "navigation", None]
    assert [s.reason for s in unplaced] == ["odd"]


def test_fts5_query_quotes_every_word():
    assert fts5_query('Okafor "said') == '"Okafor" "said"*'
    assert fts5_query("') OR 1=1 --") == '"OR" "1" "1"*'
    assert fts5_query("  ") is None


def test_pages_cut_at_line_breaks():
    raw = ("x" * 99 + "\n") * 10
    bounds = pages(raw, size=250)
    assert [b - a for a, b in bounds][:-1] == [200] * (len(bounds) - 1)
    assert "".join(raw[a:b] for a, b in bounds) == raw and PAGE_CHARS * 4 < 2_000_000


def test_cached_pages_follow_writes_from_another_process(store):
    app = create_app(store, token=TOKEN)
    app.state.cache._check = 0.0  # re-read the store's fingerprint on every request
    client = TestClient(app)
    assert client.get("/articles/late-arrival").status_code == 404  # now cached
    other = open_store(store.url)  # as `newsfuse ingest` in another process would
    try:
        raw = "Denmere council met on Wednesday to discuss the Harlow Bridge repairs."
        other.put_article(Article(id="late-arrival", raw=raw, text=raw, title="Council meets", content_hash=content_hash(raw),
                                  kept_spans=[(0, len(raw))]), Analysis(article="late-arrival"))
    finally:
        other.close()
    page = client.get("/articles/late-arrival")
    assert page.status_code == 200 and "Council meets" in page.text


def test_list_shows_coverage_by_leaning(tmp_path):
    from newsfuse.model import Story

    st = open_store(f"sqlite:///{tmp_path / 'lean.db'}")
    try:
        arts = [{"id": f"a{i}", "outlet": o, "published": "2024-05-0%d" % (i + 1), "title": "t"} for i, o in
                enumerate(["Left Daily", "Centre Wire", "Right Times", "Unknown Post"])]
        cov = {"outlets": [{"outlet": a["outlet"], "side": s, "leaning": s, "articles": [a["id"]]}
                           for a, s in zip(arts, ["left", "center", "right", None])], "has_leanings": True}
        doc = {"schema": "newsfuse/brief-v1", "articles": arts, "stories": [{
            "id": "s-lean", "title": "Budget vote", "articles": [a["id"] for a in arts], "summary": [], "facts": [],
            "single_source": [], "quotes": [], "conflicts": [], "timeline": [], "entities": [], "coverage": cov}]}
        st.write_story(Story("s-lean"), [], doc)
        row = st.search_stories()[0][0]
        assert row.leanings == {"left": 1, "center": 1, "right": 1} and row.n_outlets == 4
        html = TestClient(create_app(st)).get("/").text
        bar = re.search(r'<span class="bar"[^>]*>(.*?)</span></p>', html, re.S).group(1)
        assert re.findall(r'side-(\w+)', bar) == ["left", "center", "right", "unknown"]
    finally:
        st.close()


def test_api_ingest_answers_story_ids_from_the_ingests_own_account(store, monkeypatch):
    """The answer's `stories` come from the marks the ingest already read: no article is read back whole after it."""
    from newsfuse.store import update

    client = TestClient(create_app(store, token=TOKEN))
    done = {"ingest": False, "reads_after": 0}
    ingest, articles = update.ingest_articles, type(store).articles

    def ingest_then_flag(*args, **kwargs):
        report = ingest(*args, **kwargs)
        done["ingest"] = True
        return report

    def counted(self, *args, **kwargs):
        done["reads_after"] += done["ingest"]
        return articles(self, *args, **kwargs)

    monkeypatch.setattr(update, "ingest_articles", ingest_then_flag)
    monkeypatch.setattr(type(store), "articles", counted)
    rec = {"id": "herald-2", "title": "Harlow Bridge stays shut", "outlet": "Harlow Herald", "published": "2024-03-05",
           "text": "The Harlow Bridge in Denmere stayed shut on Tuesday while engineers studied the cracked piers.\n"}
    body = client.post("/api/v1/articles", json=rec, headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert done["reads_after"] == 0
    assert body["added"] == ["herald-2"] and body["stories"] == {"herald-2": store.article("herald-2").story}
    assert body["stories"]["herald-2"]
