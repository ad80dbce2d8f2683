"""Ingest reads every common format and turns each bad input into one clear problem line."""

from __future__ import annotations

import codecs
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


def test_a_symlink_chain_that_loops_or_dangles_is_named_as_such(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling")
    problems: list = []
    assert ingest.ingest([str(tmp_path / "a"), str(tmp_path / "dangling")], problems) == []
    text = "\n".join(map(str, problems))
    assert "a: symlink loop" in text and "dangling: broken symlink" in text


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


# --------------------------------------------------------------------------- more hostile and odd inputs

import http.server
import socket
import threading

import pytest


def test_gzip_bomb_and_big_gz_refused(tmp_path):
    p = tmp_path / "bomb.txt.gz"
    with gzip.open(p, "wb") as fh:
        chunk = b"a" * (1 << 20)
        for _ in range(ingest.MAX_BYTES // len(chunk) + 2):
            fh.write(chunk)
    problems: list = []
    assert ingest.ingest([str(p)], problems) == []
    assert "bomb.txt.gz" in str(problems[0]) and "too large" in problems[0].message


def test_html_full_of_scripts_and_hostile_markup(tmp_path):
    scripts = ("<script>var x = '" + "y" * 5000 + "'; document.write('<p>injected</p>');</script>") * 200
    (tmp_path / "scripts.html").write_text(f"<html><head>{scripts}</head><body>{scripts}</body></html>")
    nested = "<div>" * 3000 + "<p>" + STORY + "</p>" + "</div>" * 3000
    hostile = (
        '<html><body><img src=x onerror="alert(1)"><iframe src="javascript:alert(2)"></iframe>'
        f"<article><p>{STORY}</p><p onclick='steal()'>Repairs will take three weeks, she said.</p></article>"
        f"{nested}<style>body{{display:none}}</style></body></html>"
    )
    (tmp_path / "hostile.html").write_text(hostile)
    problems: list = []
    arts = ingest.ingest([str(tmp_path / "scripts.html"), str(tmp_path / "hostile.html")], problems)
    assert len(problems) == 1 and "scripts.html" in str(problems[0]) and "no article text" in problems[0].message
    [art] = arts
    assert "crane collapsed" in art.raw
    assert "alert" not in art.raw and "steal" not in art.raw and "display:none" not in art.raw


def test_feed_that_is_not_xml_and_external_entity(tmp_path):
    (tmp_path / "notxml.rss").write_text("this is { not xml at all\n\x0b", encoding="utf-8")
    (tmp_path / "xxe.rss").write_text(
        '<?xml version="1.0"?>\n' + "<!-- pad -->\n" * 3000
        + '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<rss><channel><item><title>t</title><description>&xxe;</description></item></channel></rss>",
        encoding="utf-8",
    )
    problems: list = []
    assert ingest.ingest([str(tmp_path / "notxml.rss"), str(tmp_path / "xxe.rss")], problems) == []
    text = "\n".join(map(str, problems))
    assert "notxml.rss: not a readable RSS/Atom feed" in text
    assert "xxe.rss" in text and "entit" in text and "root:" not in text


def test_atom_feed_and_news_please_json(tmp_path):
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
    <title>Elsby Courier</title><entry><title>Dock closed</title><link href="https://example.org/1"/>
    <id>urn:1</id><updated>2024-03-05T10:00:00Z</updated>
    <content type="html">&lt;p&gt;The northern dock closed after a crane fell on Tuesday.&lt;/p&gt;</content></entry></feed>"""
    (tmp_path / "news.atom").write_text(atom, encoding="utf-8")
    rec = {"title": "Dock closed", "maintext": STORY, "url": "https://example.org/x",
           "date_publish": "2024-03-05", "source_domain": "www.example.org"}
    (tmp_path / "rec.json").write_text(json.dumps(rec), encoding="utf-8")
    problems: list = []
    arts = {a.meta["format"]: a for a in ingest.ingest([str(tmp_path)], problems)}
    assert problems == []
    assert arts["feed"].title == "Dock closed" and "crane fell" in arts["feed"].raw
    assert arts["feed"].published == "2024-03-05" and arts["feed"].url == "https://example.org/1"
    j = arts["json"]
    assert (j.id, j.outlet, j.published, j.url) == ("rec", "example.org", "2024-03-05", "https://example.org/x")


def test_non_utf8_html_with_declared_charset(tmp_path):
    page = ("<html><head><meta charset='windows-1252'><title>Réforme</title></head><body><article><p>"
            + "Le ministre a déclaré que la réforme entrera en vigueur en août, après un long débat. " * 4
            + "</p></article></body></html>")
    (tmp_path / "fr.html").write_bytes(page.encode("cp1252"))
    [art] = ingest.ingest([str(tmp_path / "fr.html")])
    assert "déclaré" in art.raw


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        if self.path == "/fail":
            self.send_response(500)
            self.end_headers()
            return
        body = f"<html><head><title>Dock</title></head><body><article><p>{STORY}</p></article></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_urls_good_500_and_nothing_listening(local_server):
    dead = f"http://127.0.0.1:{_free_port()}/story"
    problems: list = []
    arts = ingest.ingest([f"{local_server}/story", f"{local_server}/fail", dead], problems)
    assert len(arts) == 1 and "crane collapsed" in arts[0].raw
    assert arts[0].url == f"{local_server}/story" and arts[0].outlet == "127.0.0.1"
    msgs = {p.source: p.message for p in problems}
    assert msgs[f"{local_server}/fail"] == "HTTP 500"
    assert "could not fetch" in msgs[dead]


def test_cli_clean_json_stdin_and_exit_code(tmp_path):
    from typer.testing import CliRunner

    from newsfuse.cli import app

    page = "Home | News | Sport\n" + STORY + "Sign up for our free newsletter here.\n"
    (tmp_path / "a.txt").write_text(page, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["clean", "--json", str(tmp_path / "a.txt"), "-"], input=STORY)
    assert res.exit_code == 0, res.output
    rows = [json.loads(ln) for ln in res.stdout.splitlines() if ln.strip()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "text", "removed", "title", "outlet", "published", "url"} <= set(row)
        assert all(set(r) == {"text", "reason"} for r in row["removed"])
    assert "crane collapsed" in rows[0]["text"] and "newsletter" not in rows[0]["text"]
    bad = runner.invoke(app, ["clean", "--json", str(tmp_path / "a.txt"), str(tmp_path / "missing.txt")])
    assert bad.exit_code == 1
    assert "missing.txt" in bad.output and "no such file" in bad.output
    assert len([ln for ln in bad.stdout.splitlines() if ln.startswith("{")]) == 1


def test_plain_text_outlet_only_from_evidence_in_the_text(tmp_path, examples_dir):
    """A masthead line matching the file's slug, or a "Published by"/"Source:" line, names the outlet;
    without such evidence the outlet stays empty (the brief falls back to the id)."""
    arts = {a.id: a for a in ingest.ingest([str(p) for p in sorted(examples_dir.glob("*.txt"))])}
    assert arts["01_continental-press-agency"].outlet == "Continental Press Agency"
    assert arts["02_morning-ledger"].outlet == "The Morning Ledger"
    assert arts["05_riverside-observer"].outlet == "Riverside Observer"  # "Name | Published ..." line
    assert arts["04_eastern-review"].outlet == ""  # no masthead in the text: nothing invented
    cases = {
        "07_harbour-gazette.txt": ("Dock closed\nHarbour Gazette\n" + STORY, "Harbour Gazette"),
        "08_harbour-gazette.txt": ("Dock closed\n" + STORY, ""),  # slug alone is no evidence
        "09_other-name.txt": ("Dock closed\nHarbour Gazette\n" + STORY, ""),  # masthead does not match slug
        "notes.txt": (STORY + "Published by the Elsby Courier\n", "Elsby Courier"),
        "wire.txt": ("Source: Northern Wire\n" + STORY, "Northern Wire"),
        "quote.txt": ("Source: officials said the dam had not been inspected.\n" + STORY, ""),
    }
    for name, (text, _) in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    got = {a.id: a.outlet for a in ingest.ingest([str(tmp_path)])}
    assert got == {ingest.article_id_for_path(n): want for n, (_, want) in cases.items()}


def test_stated_publication_time_is_kept(tmp_path):
    (tmp_path / "wire.txt").write_text(
        "Harbour Wire | Published 5 March 2024 07:45\n\n" + STORY, encoding="utf-8")
    (tmp_path / "plain.txt").write_text("The minister published the report in 2024.\n" + STORY, encoding="utf-8")
    page = ('<html><head><title>Dock closed</title><meta property="article:published_time" '
            'content="2024-03-05T21:15:00+02:00"></head><body><article><p>' + STORY + "</p></article></body></html>")
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    by_id = {a.id: a for a in ingest.ingest([str(tmp_path)])}
    assert by_id["wire"].published == "2024-03-05T07:45"
    assert by_id["plain"].published is None  # "published" in a sentence is not a dateline
    assert by_id["page"].published == "2024-03-05T21:15"


# --------------------------------------------------------------------------- read what can be read (issue 13)


def test_text_with_nul_bytes_is_read_and_the_stripping_is_reported(tmp_path):
    from newsfuse import pipeline

    p = tmp_path / "export.txt"
    p.write_bytes(STORY.encode("utf-8").replace(b"closed the", b"closed\x00 the", 1) + b"\x00\x07")
    problems: list = []
    [art] = pipeline.read([str(p)], problems)
    assert problems == []
    assert "\x00" not in art.raw and "\x07" not in art.raw and "closed the northern dock" in art.text
    [note] = [s for s in art.removed if s.reason == "control-characters"]
    assert "2 x U+0000 (NUL)" in note.text and "U+0007" in note.text


def test_json_record_with_escaped_nul_is_cleaned_of_it(tmp_path):
    p = tmp_path / "recs.jsonl"
    p.write_text(json.dumps({"id": "n1", "text": "Dock\u0000 closed. " + STORY}) + "\n", encoding="utf-8")
    [art] = ingest.ingest([str(p)])
    assert "\x00" not in art.raw and "NUL" in art.meta["control_characters"]


def test_page_nested_fifty_thousand_divs_deep_is_read_by_a_streaming_walk(tmp_path):
    from newsfuse import pipeline

    body = "".join(f"<p>{ln}</p>" for ln in STORY.splitlines())
    html = ("<html><head><title>Dock closed</title><script>var x = 1;</script></head><body>" + "<div>" * 50_000
            + body + "</div>" * 50_000 + "</body></html>")
    (tmp_path / "deep.html").write_text(html, encoding="utf-8")
    problems: list = []
    [art] = pipeline.read([str(tmp_path / "deep.html")], problems)
    assert problems == [] and art.title == "Dock closed"
    assert art.meta["format"] == "html-text" and "var x" not in art.raw
    assert "crane collapsed" in art.text and "told reporters" in art.text


def test_shallow_page_without_article_text_is_still_refused(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    problems: list = []
    assert ingest.ingest([str(tmp_path / "nav.html")], problems) == []
    assert "no article text" in problems[0].message


def test_true_binaries_are_refused_with_one_line_naming_the_input(tmp_path):
    import random

    rng = random.Random(7)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(4000)))
    (tmp_path / "noise.dat").write_bytes(bytes(rng.randrange(256) for _ in range(4000)))
    (tmp_path / "sheet.txt").write_bytes(b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(4000)))
    problems: list = []
    assert ingest.ingest([str(tmp_path)], problems) == []
    assert len(problems) == 3
    by_name = {os.path.basename(p.source): p.message for p in problems}
    assert by_name["photo.png"] == "binary data (a PNG image), not text"
    assert by_name["sheet.txt"].startswith("binary data (a ZIP archive")
    assert by_name["noise.dat"].startswith("binary data")
    assert all("\n" not in str(p) for p in problems)


def test_record_marked_clean_is_kept_whole(tmp_path):
    from newsfuse import pipeline

    text = "By Tom Ferris\n" + STORY + "Read more: Harbour expansion approved\n"
    p = tmp_path / "recs.jsonl"
    p.write_text(json.dumps({"id": "c1", "text": text, "clean": True}) + "\n"
                 + json.dumps({"id": "c2", "text": text}) + "\n", encoding="utf-8")
    trusted, checked = pipeline.read([str(p)])
    assert trusted.removed == [] and trusted.text.splitlines() == text.splitlines()
    assert {s.reason for s in checked.removed} >= {"byline", "link"}
    assert checked.text.splitlines() == STORY.splitlines()


def test_a_pipe_is_read_as_a_stream_like_stdin(tmp_path):
    fifo = tmp_path / "feed.fifo"
    os.mkfifo(fifo)
    import threading

    def writer() -> None:
        with open(fifo, "wb") as fh:
            fh.write(STORY.encode("utf-8"))

    t = threading.Thread(target=writer)
    t.start()
    problems: list = []
    arts = ingest.ingest([str(fifo)], problems)
    t.join(10)
    assert problems == [] and len(arts) == 1 and "crane collapsed" in arts[0].raw
    assert arts[0].id.startswith("pipe-")


def test_a_character_device_is_refused_without_reading():
    problems: list = []
    assert ingest.ingest(["/dev/zero"], problems) == []  # reading it would never end
    assert [str(p) for p in problems] == ["/dev/zero: a character device, not a file: not read"]


def test_empty_directory_and_size_limit_are_said_as_the_readme_says(tmp_path):
    (tmp_path / "none").mkdir()
    problems: list = []
    ingest.ingest([str(tmp_path / "none")], problems)
    assert [p.message for p in problems] == ["no files in this directory"]
    from newsfuse.ingest import MAX_BYTES

    assert MAX_BYTES == 20 * 2**20
    readme = (os.path.dirname(__file__) + "/../README.md")
    assert "over 20 MB" in open(readme, encoding="utf-8").read()


def test_source_is_relative_to_what_the_user_passed_and_outlet_can_be_given(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "day1").mkdir(parents=True)
    (corpus / "day1" / "04_eastern-review.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "single.txt").write_text(STORY, encoding="utf-8")
    arts = ingest.ingest([str(corpus), str(tmp_path / "single.txt")], outlet="Port Elsby Courier")
    assert [a.source for a in arts] == ["corpus/day1/04_eastern-review.txt", "single.txt"]
    assert all(a.outlet == "Port Elsby Courier" for a in arts)
    here = os.getcwd()
    try:
        os.chdir(tmp_path)
        [rel] = ingest.ingest(["corpus/day1"])
    finally:
        os.chdir(here)
    assert rel.source == "corpus/day1/04_eastern-review.txt" and rel.outlet == ""


@pytest.mark.parametrize("codec", ["utf-16", "utf-32", "utf-32-be", "utf-16-be"])
def test_text_with_a_utf16_or_utf32_mark_is_read_whole(tmp_path, codec):
    body = "Zoë García said the café in São Paulo reopened on Monday after the floods."
    data = (codecs.BOM_UTF32_BE + body.encode("utf-32-be")) if codec == "utf-32-be" else \
        (codecs.BOM_UTF16_BE + body.encode("utf-16-be")) if codec == "utf-16-be" else body.encode(codec)
    p = tmp_path / "note.txt"
    p.write_bytes(data)
    arts = ingest.ingest([str(p)])
    assert len(arts) == 1 and body in arts[0].raw


# the article as the extractor gave it, and the page's visible text in which the article runs on past it
_EXTRACTED = [
    "The Harbour Authority of Port Elsby closed the northern dock on Tuesday after a crane collapsed onto a cargo ship.",
    "No one was hurt, the authority's director Mara Quill told reporters at a briefing on the quay.",
    "Quill said engineers would inspect the remaining four cranes before any of them is used again.",
]
_RUNS_ON = [
    "Shipping companies were told to divert vessels to the southern terminal for the rest of the month.",
    "The dock workers' union called for an independent inquiry into the wind limits the cranes work under.",
    "SUBSCRIBE",
    "Sign up for our harbour newsletter and get the news in your inbox every Friday.",
    "The crane, installed in 2009, had passed its last safety inspection in March, records show.",
    "Quill said the authority would publish the inspectors' findings as soon as it had them.",
    "More from the Courier",
    "Ferry fares to rise in April",
    "Harbour board names new chair",
]


def test_an_article_the_extractor_cut_short_runs_on_through_the_page_text():
    from newsfuse.ingest.formats import _run_on

    got = _run_on("\n".join(_EXTRACTED), "\n".join(["Home | News", *_EXTRACTED, *_RUNS_ON]))
    assert got.splitlines() == _EXTRACTED + _RUNS_ON[:2] + _RUNS_ON[4:6]
    # a teaser list below the article (a headline over each blurb) is not the article running on
    teasers = ["Ferry fares to rise in April", "The Halvard Line says fuel costs forced it to raise fares by a tenth.",
               "Harbour board names new chair", "Nessa Loughran, a former harbour pilot, takes over in May from Osric Haldane."]
    assert _run_on("\n".join(_EXTRACTED), "\n".join([*_EXTRACTED, *teasers])) == "\n".join(_EXTRACTED)
    # one paragraph below is no evidence the extractor stopped early
    assert _run_on("\n".join(_EXTRACTED), "\n".join([*_EXTRACTED, _RUNS_ON[0], "Most read"])) == "\n".join(_EXTRACTED)


def test_posts_the_article_embeds_go_back_where_the_page_shows_them():
    from newsfuse.ingest.formats import _with_posts

    post = ["The northern dock is closed until further notice. Follow our updates here.",
            "— Port Elsby Harbour (@elsbyharbour) March 3, 2024"]
    walked = "\n".join(["Home | News", *_EXTRACTED[:2], *post, _EXTRACTED[2], "Most read", "Ferry fares to rise in April"])
    assert _with_posts("\n".join(_EXTRACTED), walked).splitlines() == _EXTRACTED[:2] + post + _EXTRACTED[2:]
    # a post outside the article (in a sidebar below it) stays out, and so does a long text over a signature
    sidebar = "\n".join([*_EXTRACTED, "Most read", *post])
    assert _with_posts("\n".join(_EXTRACTED), sidebar) == "\n".join(_EXTRACTED)
    long = "\n".join([_EXTRACTED[0], " ".join(["word"] * 120) + ".", post[1], *_EXTRACTED[1:]])
    assert _with_posts("\n".join(_EXTRACTED), long) == "\n".join(_EXTRACTED)
