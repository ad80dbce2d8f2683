"""Coverage by outlet and leaning: outlets/stances filled, blindspots found, leanings CSV errors are clear."""

from __future__ import annotations

import pytest

from newsfuse.brief.coverage import LeaningsError, coverage, coverage_html, load_leanings
from newsfuse.model import Article, Conflict, ConflictClaim, Fact, QuoteGroup, Variant


def _arts():
    return [
        Article(id="a1", outlet="Riverside Ledger", stance="lean left"),
        Article(id="a2", outlet="Northgate Post", stance="left"),
        Article(id="a3", outlet="Plainview Courier", stance="center"),
        Article(id="a4", outlet="Frontier Daily", stance="right"),
    ]


def _items():
    facts = [
        Fact(id="f1", text="The dam inspection report was delayed by six weeks.", articles=["a1", "a2", "a3", "a4"]),
        Fact(id="f2", text="Residents downstream were not told about the cracks.", articles=["a1", "a2"]),
        Fact(id="f3", text="The contractor donated to the governor's campaign.", articles=["a4"]),
    ]
    quotes = [
        QuoteGroup(id="q1", speaker="Gov. Tamsin Hale", text="We acted on the best advice we had.", articles=["a4"]),
        QuoteGroup(id="q2", speaker="Engineer Oren Valk", text="The cracks were visible in spring.", articles=["a1", "a3"]),
    ]
    conflicts = [
        Conflict(id="c1", topic="delay", kind="contradiction", severity="high", explanation="six vs eight weeks",
                 claims=[ConflictClaim("a2", "six weeks"), ConflictClaim("a4", "eight weeks")]),
    ]
    return facts, quotes, conflicts


def test_stances_fill_outlets_and_blindspots():
    facts, quotes, conflicts = _items()
    cov = coverage(_arts(), facts, quotes, conflicts, None)
    assert facts[0].outlets == ["Riverside Ledger", "Northgate Post", "Plainview Courier", "Frontier Daily"]
    assert facts[1].stances == ["lean left", "left"]
    assert conflicts[0].outlets == ["Northgate Post", "Frontier Daily"]
    assert quotes[1].stances == ["center", "lean left"]
    assert cov["has_leanings"]
    assert cov["leanings"]["left"]["outlets"] == ["Northgate Post"]
    assert cov["sides"]["left"]["count"] == 2 and cov["sides"]["right"]["count"] == 1
    spots = cov["blindspots"]
    # f2: two left-side outlets only, while center and right covered the story
    assert [b["id"] for b in spots["facts"]] == ["f2"]
    assert spots["facts"][0]["side"] == "left" and spots["facts"][0]["missing"] == ["center", "right"]
    # f3 has one outlet: single-source, not a blindspot; q1 is a quote only the right used
    assert [b["id"] for b in spots["quotes"]] == ["q1"]
    assert spots["quotes"][0]["speaker"] == "Gov. Tamsin Hale"


def test_user_csv_wins_and_unknown_outlets_block_blindspots(tmp_path):
    csv = tmp_path / "lean.csv"
    csv.write_text("outlet,leaning\nRiverside Ledger,Right\nwww.northgate post,center\n", encoding="utf-8")
    lean = load_leanings(csv)
    assert lean == {"riverside ledger": "right", "northgate post": "center"}
    arts = _arts()
    arts[2].stance = None  # Plainview Courier: leaning unknown
    facts, quotes, conflicts = _items()
    facts.append(Fact(id="f4", text="The spillway gates were opened on Monday.", articles=["a1", "a3"]))
    cov = coverage(arts, facts, quotes, conflicts, lean)
    rows = {r["outlet"]: r["leaning"] for r in cov["outlets"]}
    assert rows["Riverside Ledger"] == "right" and rows["Northgate Post"] == "center"
    assert rows["Plainview Courier"] is None
    ids = [b["id"] for b in cov["blindspots"]["facts"]]
    assert "f4" not in ids  # one carrier's leaning is unknown: it could be any side
    assert "f2" not in ids  # now right + center


def test_without_leanings_outlets_only():
    arts = [Article(id="x1", outlet="Harbour Gazette"), Article(id="x2", outlet="Valley Times"),
            Article(id="x3", outlet="Harbour Gazette")]
    f = Fact(id="f", text="The pier closed.", articles=[], variants=[Variant("x1", "pier"), Variant("x3", "pier")])
    cov = coverage(arts, [f], [], [], None)
    assert cov == {"outlets": [
        {"outlet": "Harbour Gazette", "leaning": None, "side": None, "articles": ["x1", "x3"]},
        {"outlet": "Valley Times", "leaning": None, "side": None, "articles": ["x2"]},
    ], "has_leanings": False}
    assert f.outlets == ["Harbour Gazette"] and f.stances == []
    html = coverage_html(cov)
    assert "2 outlet(s)" in html and "<script" not in html


def test_html_fragment_is_escaped_bar_chart():
    arts = _arts()
    arts[0].outlet = "<b>Ledger</b> & Co"
    facts, quotes, conflicts = _items()
    facts[1].text = "Cracks <script>alert(1)</script> were hidden."
    html = coverage_html(coverage(arts, facts, quotes, conflicts, None))
    assert html.startswith("<section") and html.endswith("</section>")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;Ledger&lt;/b&gt; &amp; Co" in html
    assert html.count("background:") >= 4  # one bar per leaning
    assert "Reported only by one side" in html and "Quotes only one side used" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("outlet,leaning\nRiverside Ledger\n", "line 2: expected 'outlet,leaning'"),
        ("Riverside Ledger,left,extra\n", "3 columns"),
        ("Riverside Ledger,left\nriverside ledger,right\n", "line 2: 'riverside ledger' is 'right' here but 'left' on line 1"),
        ("outlet,leaning\n", "no outlet,leaning rows"),
    ],
)
def test_bad_leanings_csv_has_clear_errors(tmp_path, content, message):
    p = tmp_path / "lean.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(LeaningsError, match=message.replace("(", r"\(").replace("'", "'")):
        load_leanings(p)


def test_missing_leanings_file(tmp_path):
    with pytest.raises(LeaningsError, match="not found"):
        load_leanings(tmp_path / "nope.csv")


def test_leanings_may_be_a_csv_path(tmp_path):
    p = tmp_path / "lean.csv"
    p.write_text("Frontier Daily,lean right\n", encoding="utf-8")
    cov = coverage(_arts(), [], [], [], str(p))
    assert {r["outlet"]: r["leaning"] for r in cov["outlets"]}["Frontier Daily"] == "lean right"
