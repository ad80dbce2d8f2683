"""Render: JSON follows schema/brief-v1.json, Markdown and HTML escape article text, write() writes files."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from newsfuse import brief, render
from newsfuse.model import Segment, Story
from test_brief import Doc, story

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def mini_brief():
    a = Doc("a", "Daily Ledger", "2024-06-12", title="Storm floods Riverton " + HOSTILE).say(
        "Heavy rain flooded the old town of Riverton on Tuesday, forcing hundreds of residents to leave their homes.")
    a.date("Tuesday", "2024-06-11")
    a.say("The repairs will cost 40 million euros, the mayor said " + HOSTILE + ".")
    a.claim("repair cost", ("40 million euros", 40e6, "EUR"))
    b = Doc("b", "Harbor Times", "2024-06-12").say(
        "On Tuesday heavy rains flooded Riverton's old town and hundreds of residents had to leave their homes.")
    b.date("Tuesday", "2024-06-11")
    b.say("“We will rebuild every street,” Mayor Ana Lopez told reporters.").quote("“We will rebuild every street,”", "Ana Lopez")
    arts, ans = story(a, b)
    arts[1].removed.append(Segment("Subscribe now! " + HOSTILE, "boilerplate", 0, 10))
    return brief.build(Story("s1", [x.id for x in arts]), arts, ans, entities=[])


def test_json_validates_against_schema(mini_brief):
    doc = render.to_json([mini_brief])
    jsonschema.validate(doc, render.schema())
    assert doc["schema"] == "newsfuse/brief-v1"
    st = doc["stories"][0]
    assert st["facts"][0]["support"] == 2 and st["facts"][0]["articles"] == ["a", "b"]
    assert {a["id"] for a in doc["articles"]} == {"a", "b"}
    assert doc["articles"][1]["removed"][0]["reason"] == "boilerplate"
    json.dumps(doc)  # serialisable as is


def test_schema_shipped_in_package_matches_repo_copy():
    repo = json.loads((ROOT / "schema" / "brief-v1.json").read_text(encoding="utf-8"))
    assert repo == render.schema()
    jsonschema.Draft202012Validator.check_schema(repo)


def test_schema_rejects_a_broken_document(mini_brief):
    doc = render.to_json([mini_brief])
    doc["stories"][0]["conflicts"] = [{"id": "c1", "topic": "x", "kind": "maybe", "severity": "low", "explanation": "e", "claims": []}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, render.schema())


def test_html_is_self_contained_and_escaped(mini_brief):
    html = render.to_html(mini_brief)
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "<link" not in html and "src=" not in html and "http" not in html.split("</style>")[0]
    for section in ("Summary", "Corroborated facts", "Quotes", "Reported by one source only", "Timeline", "Articles"):
        assert section in html
    assert "Subscribe now!" in html and 'class="removed"' in html  # removed junk shown, greyed
    doc = render.to_html_document([mini_brief, mini_brief])
    assert doc.count('class="story"') == 2


def test_html_citation_chips_link_each_article_with_its_label_escaped():
    a = Doc("a", "Ledger & <Co>", "2024-06-12").say(
        "Heavy rain flooded the old town of Riverton on Tuesday, forcing hundreds of residents to leave their homes.")
    b = Doc("b", "Harbor Times", "2024-06-12").say(
        "On Tuesday heavy rains flooded Riverton's old town and hundreds of residents had to leave their homes.")
    arts, ans = story(a, b)
    html = render.to_html(brief.build(Story("s1", [x.id for x in arts]), arts, ans, entities=[]))
    assert '<a class="chip" href="#art-a" title="a">Ledger &amp; &lt;Co&gt;</a>' in html
    assert '<a class="chip" href="#art-b" title="b">Harbor Times</a>' in html and "<Co>" not in html


def test_markdown_is_inert(mini_brief):
    md = render.to_markdown(mini_brief)
    assert "<script>" not in md
    assert md.startswith("# ") and "## Corroborated facts" in md


def test_write_all_formats(tmp_path, mini_brief):
    paths = render.write([mini_brief], tmp_path, formats=("json", "md", "html"))
    assert sorted(Path(p).name for p in paths) == ["brief.json", "s1.html", "s1.md"]
    jsonschema.validate(json.loads((tmp_path / "brief.json").read_text()), render.schema())


def test_markdown_quote_is_wrapped_in_one_pair_of_marks(mini_brief):
    md = render.to_markdown(mini_brief)
    line = next(ln for ln in md.splitlines() if "Ana Lopez**:" in ln)
    assert "“We will rebuild every street”" in line
    assert "““" not in line and "”,”" not in line


def test_unquote_removes_marks_in_pairs_only():
    from newsfuse.render import _unquote

    assert _unquote("“We will rebuild every street,”") == "We will rebuild every street"
    # a reported clause that ends in a quoted phrase keeps both of that phrase's marks
    assert _unquote('the talks were hard … "we want a deal, they do not"') == 'the talks were hard … we want a deal, they do not'
    assert _unquote('"We will rebuild," he said, calling it "a disaster"') == '"We will rebuild," he said, calling it "a disaster"'
    assert _unquote("“Fine” and “good”") == "“Fine” and “good”"
    assert _unquote('"The dam was at risk," … "Nobody fixed it."') == "The dam was at risk … Nobody fixed it."
    # a quote whose copy closes it in a later sentence, a closer left alone, a tweet in single marks
    assert _unquote('"The levee will hold through the winter.') == "The levee will hold through the winter."
    assert _unquote("the levee will hold through the winter.”") == "the levee will hold through the winter."
    assert _unquote("'Levee fixed. Can't wait for spring.'") == "Levee fixed. Can't wait for spring."
    assert _unquote('he called it "a disaster') == 'he called it "a disaster'


def test_markdown_keeps_one_wires_copies_apart_from_corroborated_facts():
    from newsfuse.model import Brief, Fact

    b = Brief(story=Story(id="s"), facts=[
        Fact(id="f1", text="Two agencies confirm the bridge closed at dawn.", articles=["a", "b"], support=2),
        Fact(id="f2", text="The agency's copy says the bridge reopens on Friday.", articles=["c", "d", "e"], support=1),
    ])
    md = render.to_markdown(b)
    assert "**2 sources** — Two agencies" in md
    assert "## Carried by several outlets from one source" in md and "**1 source in 3 articles**" in md


def test_nearest_sentence_is_the_articles_own_telling():
    from newsfuse.render import nearest

    raw = ("Officials closed the bridge on Monday.\nAbout 12,000 vehicles cross it each day, the council said.\n"
           "Repairs will take six weeks.")
    at = nearest(raw, "Roughly 12,000 vehicles use the crossing each day.")
    assert at and raw[at[0]:at[1]] == "About 12,000 vehicles cross it each day, the council said."
    assert nearest(raw, "A fire destroyed the town library on Saturday night.") is None


def test_reported_speech_is_not_shown_inside_quotation_marks(mini_brief):
    import copy

    from newsfuse.model import QuoteGroup, Variant

    b = copy.deepcopy(mini_brief)
    said = "the council would rebuild the bridge before winter"
    b.quotes = [QuoteGroup("q9", "Ana Lopez", said, ["a", "b"],
                           [Variant("a", said, 0, len(said), False), Variant("b", said, 0, len(said), False)], ["A", "B"])]
    line = next(ln for ln in render.to_markdown(b).splitlines() if "Ana Lopez**" in ln)
    assert "(reported)" in line and "“" + said not in line


def test_one_reader_of_a_documents_story_and_its_leanings():
    """The store's list index and the web's story page read a brief-v1 document through these two helpers."""
    from newsfuse import render
    from newsfuse.store import search
    from newsfuse.web import view

    story = {"id": "story-1", "coverage": {"outlets": [
        {"outlet": "Valley Post", "side": "left"}, {"outlet": "Denmere Gazette", "side": "left"},
        {"outlet": "North Herald", "side": "right"}, {"outlet": "Wire Desk", "side": None}]}}
    assert render.story_of({"schema": "newsfuse/brief-v1", "articles": [], "stories": [story]}) is story
    assert render.story_of(story) is story and render.story_of(None) == {}
    assert render.leanings(story) == {"left": 2, "right": 1} and render.leanings({"coverage": {}}) == {}
    assert not hasattr(view, "_brief_of") and not hasattr(search, "_story_of")  # no private copies left


def test_markdown_says_a_rounding_is_no_conflict_without_a_severity_label(mini_brief):
    import copy

    from newsfuse.model import Conflict

    b = copy.deepcopy(mini_brief)
    b.conflicts = [Conflict("c1", "6%", "rounding", "none", "Not a contradiction: the figures all fit one value, 6 percent.", [])]
    line = next(ln for ln in render.to_markdown(b).splitlines() if "**rounding**" in ln)
    assert "(none)" not in line and "Not a contradiction" in line


def test_locate_matches_across_any_whitespace_run():
    """A sentence found with other whitespace (a line break, two spaces, a no-break space) gets the raw offsets of
    its first and last character; words that never stand in that order are not found."""
    raw = "Intro line.\n\nThe  council\nvoted\u00a0to close   the bridge.  More text."
    at = render.locate(raw, "The council voted to close the bridge.")
    assert at is not None and raw[at[0] : at[1]] == "The  council\nvoted\u00a0to close   the bridge."
    assert render.locate(raw, "council  voted") == (raw.index("council"), raw.index("voted") + len("voted"))
    assert render.locate(raw, "More text.") == (raw.index("More"), len(raw))
    assert render.locate(raw, "the council voted") is None  # case counts
    assert render.locate(raw, "bridge. Intro") is None


def test_html_matrix_marks_each_outlets_wording_and_a_wire_copy_in_its_column():
    """The facts x outlets table: a tick (with the outlet's wording) where an outlet tells the fact, "copy" where an
    outlet ran a wire copy another article of the fact was marked as, nothing elsewhere."""
    from newsfuse.model import Article, Brief, Fact, Variant

    arts = [Article(id="a", outlet="Ledger"), Article(id="b", outlet="Courier"), Article(id="c", outlet="Wire"),
            Article(id="d", outlet="Herald", duplicate_of="c")]
    f = Fact(id="f1", text="The bridge closed at dawn.", articles=["a", "d"], support=2, variants=[
        Variant("a", "The bridge closed at dawn.", 0, 26), Variant("a", "It shut again at noon.", 30, 52),
        Variant("d", "The bridge shut at dawn.", 0, 24)])
    html = render.to_html(Brief(story=Story(id="s"), articles=arts, facts=[f]))
    row = html[html.index('<td class="support">'):html.index("</tr>", html.index('<td class="support">'))]
    cells = row.split('<td class="cell')[1:]
    assert len(cells) == 3  # a, b, c: the copy d is no column
    assert cells[0].startswith(' yes" title="The bridge closed at dawn.">✓')  # the first of a's wordings
    assert cells[1].startswith(' " >')  # b tells nothing of it
    assert cells[2].startswith(' copy" >copy')  # c's copy d tells it: c's column says so


def test_nearest_reads_each_article_once_and_answers_as_before():
    from newsfuse.render import _sentences, nearest

    raw = "Officials closed the bridge on Monday.\nAbout 12,000 vehicles cross it each day.\nOk.\nRepairs will take weeks."
    spans, texts = _sentences(raw)
    assert texts == [raw[a:b] for a, b in spans] == [
        "Officials closed the bridge on Monday.", "About 12,000 vehicles cross it each day.", "Repairs will take weeks."]
    first = nearest(raw, "Roughly 12,000 vehicles cross the bridge daily.")
    assert nearest(raw, "Roughly 12,000 vehicles cross the bridge daily.") == first == spans[1]


def test_whitespace_runs_squeeze_to_one_space_as_the_pattern_would():
    import re

    from newsfuse.render import _one_space_runs

    for raw in ["", " ", "\n\t", "a", " a ", "a  b\n\nc", "\u00a0Lead\u2009line\x1c end\u3000", "x \x85 y\r\n"]:
        assert _one_space_runs(raw) == re.sub(r"\s+", " ", raw), repr(raw)


def test_sentence_spans_match_the_backtracking_pattern():
    import re

    from newsfuse.render import _SENTENCE

    plain = re.compile(r"[^\s][^.!?\n]*(?:[.!?]+[\"'”’)]*|$)")
    raw = ("Storm closes the pier\nThe harbour authority closed the pier on Friday. \"It is unsafe,\" she said!\n"
           "Engineers will inspect the crane:\n\nMore to follow\n")
    for text in (raw, raw.rstrip("\n"), raw + "Last line without a stop", "", "?!", "a\n"):
        assert [m.span() for m in _SENTENCE.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_week_is_shown_as_the_week_of_its_monday_with_the_words_that_dated_it():
    from newsfuse.model import Brief, TimelineEvent

    b = Brief(story=Story(id="s1"), timeline=[
        TimelineEvent("2024-06-10", "Talks will resume next week, the envoy said.", ["a"], "next week", False, "week"),
        TimelineEvent("2024-06-06", "The envoy met both sides on Thursday.", ["a"], "Thursday", False, "day"),
        TimelineEvent("2024-05-02", "The truce was signed on May 2, 2024.", ["a"], "May 2, 2024", False, "day"),
    ])
    md = render.to_markdown(b)
    assert "- **week of 2024-06-10** (“next week”) Talks will resume" in md
    assert "- **2024-06-06** (“Thursday”) The envoy met" in md
    assert "- **2024-05-02** The truce was signed" in md  # a date written out needs no gloss
    assert "week of 2024-06-10" in render.to_html(b)
    doc = render.to_json([b])
    jsonschema.validate(doc, render.schema())
    assert [t["granularity"] for t in doc["stories"][0]["timeline"]] == ["week", "day", "day"]
