"""Clean removes page furniture (with reasons and raw offsets) and keeps every paragraph of reporting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsfuse.clean import clean
from newsfuse.model import Article

# --------------------------------------------------------------------------- seeds (real scraped pages)

# markers of furniture, each a short fragment: everything from the marked line on is not the story
_TAIL_MARKERS = ("Recent Posts", "LEGAL WARNING")
_LINE_FURNITURE = re.compile(
    r"(minutes? ago|automated news agency feed|^Earlier:|^Categories:|newsletter|Local News Reporter|^Reuters$)"
)


def _lines(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def _furniture_and_story(lines: list[str]) -> tuple[list[str], list[str]]:
    """Split a seed's lines, computed here from markers: furniture lines vs sentences of the story."""
    cut = next((i for i, ln in enumerate(lines) if any(ln.startswith(m) for m in _TAIL_MARKERS)), len(lines))
    furniture = lines[cut:] + [ln for ln in lines[:cut] if _LINE_FURNITURE.search(ln)]
    # the author's name alone on a line before the bio
    furniture += [ln for ln in lines[:cut] if any(o.startswith(ln + " ") and "Reporter" in o for o in lines)]
    story = [
        ln for ln in lines[:cut]
        if ln not in furniture and len(ln.split()) >= 12 and re.search(r"[.!?”\"]\W*$", ln)
    ]
    return furniture, story


def test_seeds_furniture_removed_and_reporting_kept(seeds_dir):
    seeds = sorted(seeds_dir.glob("*.txt"))
    assert len(seeds) >= 5
    for path in seeds:
        raw = path.read_text(encoding="utf-8")
        art = clean(Article(id=path.stem, raw=raw))
        kept = set(art.text.splitlines())
        furniture, story = _furniture_and_story(_lines(path))
        for ln in furniture:
            assert ln not in kept, f"{path.name}: furniture kept: {ln[:40]!r}"
        for ln in story:
            assert ln in kept, f"{path.name}: reporting lost: {ln[:40]!r}"
        # every removal is recorded with a reason and exact offsets into raw
        for seg in art.removed:
            assert seg.reason and raw[seg.start : seg.end] == seg.text
        for s, e in art.kept_spans:
            assert raw[s:e] in art.text


def test_seed_reasons_name_the_furniture(seeds_dir):
    reasons: dict[str, set[str]] = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        art = clean(Article(id=path.stem, raw=path.read_text(encoding="utf-8")))
        for seg in art.removed:
            reasons.setdefault(seg.reason, set()).add(path.name[:3])
    for needed in ("related-list", "timestamp", "legal-notice", "unrelated-story", "feed-disclaimer", "link",
                   "navigation", "newsletter", "author-bio"):
        assert needed in reasons, f"no removal with reason {needed!r}: {sorted(reasons)}"


def test_seed_earlier_sentence_is_not_a_link_line(seeds_dir):
    """A sentence that merely starts with "Earlier," is reporting, not an "Earlier:" link."""
    for path in sorted(seeds_dir.glob("*.txt")):
        art = clean(Article(id=path.stem, raw=path.read_text(encoding="utf-8")))
        for ln in _lines(path):
            if ln.startswith("Earlier,"):
                assert ln in art.text.splitlines()


# --------------------------------------------------------------------------- realistic text written here

BODY = [
    "The Harbour Authority of Port Elsby closed the northern dock on Tuesday after a crane collapsed onto a cargo ship during high winds.",
    "No one was hurt, the authority's director Mara Quill told reporters at a briefing on the quay, but the ship's hull was badly dented.",
    "Quill said engineers would inspect the remaining four cranes before any of them is used again, a process she expected to take a week.",
    "Shipping companies were told to divert vessels to the southern terminal, where the authority said capacity was sufficient for now.",
    "The crane, installed in 2009, had passed its last safety inspection in March, according to records published by the authority.",
    "The dock workers' union called for an independent inquiry and said its members had raised concerns about wind limits last year.",
]
PAGE = "\n".join([
    "Home | News | Business | Sport",
    "Crane collapse closes Port Elsby's northern dock",
    "By Tom Ferris",
    *BODY[:3],
    "Read more: Port Elsby approves harbour expansion plan",
    *BODY[3:],
    "Sign up for our free morning newsletter and get the news in your inbox.",
    "© 2024 Elsby Courier. All rights reserved.",
    "Most Popular",
    "Council votes to rename the old market square",
    "3 hours ago",
    "Local bakery wins national award for sourdough",
    "5 hours ago",
])


def test_realistic_page_body_kept_furniture_removed():
    art = clean(Article(id="dock", raw=PAGE))
    kept = art.text.splitlines()
    assert kept == BODY
    by_reason = {s.reason for s in art.removed}
    assert {"link", "newsletter", "legal-notice", "byline", "timestamp"} <= by_reason
    assert art.title.startswith("Crane collapse")


def test_offsets_and_raw_offset_contract():
    art = clean(Article(id="dock", raw=PAGE))
    assert art.text == "\n".join(PAGE[s:e] for s, e in art.kept_spans)
    for seg in art.removed:
        assert PAGE[seg.start : seg.end] == seg.text
    # every kept character maps back to the same character in raw
    for off in range(0, len(art.text), 37):
        if art.text[off] != "\n":
            assert PAGE[art.offset_maps()[0](off)] == art.text[off]
    # kept and removed cover all non-blank text exactly once
    covered = sorted(art.kept_spans + [(s.start, s.end) for s in art.removed])
    for (a, b), (c, d) in zip(covered, covered[1:]):
        assert b <= c


def test_clean_article_without_furniture_is_unchanged():
    raw = "\n\n".join(BODY)
    art = clean(Article(id="plain", raw=raw))
    assert art.text.splitlines() == BODY and art.removed == []


def test_hard_wrapped_plain_text_is_one_unit_per_paragraph():
    para = " ".join(BODY[:3])
    wrapped = "\n".join(para[i : i + 70] for i in range(0, len(para), 70))
    raw = wrapped + "\n\n" + " ".join(BODY[3:]) + "\n\nShare this:\n"
    art = clean(Article(id="wrapped", raw=raw))
    assert "crane collapsed" in art.text and "independent inquiry" in art.text
    assert "Share this" not in art.text


@pytest.mark.parametrize("raw", ["", "   \n\n", "Breaking"])
def test_degenerate_inputs(raw):
    art = clean(Article(id="x", raw=raw))
    assert isinstance(art.text, str)
    for seg in art.removed:
        assert raw[seg.start : seg.end] == seg.text


def test_extracted_html_text_is_cleaned_lightly():
    """Text an extractor already reduced keeps every body unit; only sure junk goes."""
    raw = "\n".join(BODY[:2] + ["Share this:"] + BODY[2:] + ["Earlier: Harbour expansion approved"])
    art = clean(Article(id="h", raw=raw, meta={"format": "html"}))
    assert art.text.splitlines() == BODY
    assert {s.reason for s in art.removed} == {"share-buttons", "link"}


def test_viterbi_decoder_bridges_weak_gaps_and_drops_isolated_units():
    """Switching into or out of the body costs a penalty: a weak negative inside the body stays,
    a lone weakly positive unit among furniture goes."""
    import numpy as np

    from newsfuse.clean.classifier import viterbi

    z = np.array([-5.0, -5.0, 1.0, -5.0, 4.0, 3.0, -0.5, 5.0, 4.0, -6.0, -6.0])
    keep = viterbi(z, np.ones(len(z)), bias=0.0, enter=3.0, leave=1.0)
    assert keep.tolist() == [False, False, False, False, True, True, True, True, True, False, False]
    assert not viterbi(np.full(4, -1.0), np.ones(4), bias=0.0, enter=3.0, leave=1.0).any()
    assert viterbi(np.zeros(0), np.zeros(0), bias=0.0, enter=1.0, leave=1.0).tolist() == []


def test_shipped_model_is_two_stage_json():
    from newsfuse.clean import classifier
    from newsfuse.clean.features import CONTEXT_NAMES, context_features, features, units

    m = classifier.load()
    assert m.stage2 is not None and m.stage2.names == CONTEXT_NAMES and m.decode["method"] == "viterbi"
    us = units(PAGE)
    x = features(us)
    assert context_features(m.logits(x), x, us).shape == (len(us), len(CONTEXT_NAMES))
    assert m.scores(x, us).shape == (len(us),)


# --------------------------------------------------------------------------- records, layouts, furniture (issue 13)

import json  # noqa: E402

from newsfuse import pipeline  # noqa: E402


def _read_records(tmp_path, *records: dict) -> list[Article]:
    """The records as a user feeds them (a JSONL file) through the one reading path."""
    p = tmp_path / "records.jsonl"
    p.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    problems: list = []
    arts = pipeline.read([str(p)], problems)
    assert problems == []
    return arts


def _kept_share(body: list[str], art: Article) -> float:
    """Share of the body's characters whose paragraph survives in the cleaned text."""
    kept = art.text
    return sum(len(b) for b in body if b.strip() in kept) / sum(len(b) for b in body)


def test_clean_record_loses_nothing(tmp_path):
    [art] = _read_records(tmp_path, {"id": "r", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n".join(BODY)})
    assert art.text.splitlines() == BODY and art.removed == []


LAYOUTS = {
    # paragraphs separated by lines holding a lone "." (as some archives export them)
    "dot-separated": "\n .\n ".join(BODY),
    "single-line": " ".join(BODY),
    "one-sentence-paragraphs": "\n\n".join(s.split(", ")[0] + "." for s in BODY),
    "list": "\n".join([
        "The council of Wrenfield approved its budget for next year on Thursday. The main changes are:",
        "- a new bus route between the station and the hospital, costing 1.2 million",
        "- longer opening hours at the two public libraries",
        "- repairs to the Mill Lane bridge, closed since the spring floods",
        "- a freeze on parking charges in the town centre",
        "Councillor Ada Penhale said the plan kept spending within the limits the council set in March.",
    ]),
    # an introduced list of short items, each on its own line
    "awards-list": "\n".join([
        "The Elsby Film Circle named the nominees for its annual awards on Monday, with the harbour drama The Long "
        "Quay leading the field with seven nominations.",
        "The winners will be named at the Corn Exchange on March 14, the circle's chair Nessa Loughran said.",
        "Here are the nominees in the main categories:",
        "Best Picture.", "The Long Quay.", "Northern Lights.", "Salt and Iron.", "A House by the Weir.",
        "Best Director.", "Ines Varga, The Long Quay.", "Tomas Reid, Salt and Iron.",
        "Loughran said the jury had watched 212 films this year, a record for the circle.",
    ]),
    "q-and-a": "\n".join([
        "Mara Quill has run the Harbour Authority of Port Elsby for six years. We asked her about the crane collapse.",
        "Q: What went wrong on Tuesday?",
        "A: A gust well above the crane's rated limit hit it while it was loading, and the boom folded.",
        "Q: Were the other cranes at risk?",
        "A: We don't think so, but we will inspect each of them before they move a single container.",
        "Q: When will the dock reopen?",
        "A: Within a week, if the inspections find nothing.",
    ]),
    "live-blog": "\n".join([
        "Storm Oriel makes landfall on the west coast: live updates",
        "09:12",
        "Winds of up to 140 km/h were recorded at the Carrow Point weather station overnight, the met office said.",
        "09:40",
        "About 12,000 homes in the Dunmore district are without power, the grid operator said.",
        "10:05",
        "Ferries between Port Elsby and the islands are cancelled for the rest of the day.",
        "10:31",
        "Police closed the coast road north of Carrow after trees fell across both lanes.",
    ]),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_unusual_layouts_keep_their_body(tmp_path, layout):
    text = LAYOUTS[layout]
    [art] = _read_records(tmp_path, {"id": layout, "text": text})
    lines = [ln.strip() for ln in text.splitlines() if any(c.isalnum() for c in ln)]
    prose = [ln for ln in lines if not ln.endswith(": live updates") and not re.fullmatch(r"\d\d:\d\d", ln)]
    assert _kept_share(prose, art) >= 0.99, [(s.reason, s.text[:60]) for s in art.removed]


FURNITURE = {
    "credit": ["(Reporting by Lena Dorsey; Writing by Piet Mahler; Editing by Ruth Gale)",
               "Reporting by Lena Dorsey in Port Elsby",
               "Associated Press writer Jan Oduya in Carrow contributed to this report."],
    "photo-caption": ["Workers inspect the damaged crane at the northern dock in Port Elsby on Tuesday. (AP Photo/Imre Vas)",
                      "The dented hull of the cargo ship Meridian Star. (Port Elsby Harbour Authority via AP)",
                      "Photo: Dock workers gather at the quay after the collapse"],
    "gallery": ["1/34 Firefighters hose down the crane's engine housing", "2/34 A tug moves the cargo ship away from the quay",
                "7/8"],
    "link": ["Read more: Port Elsby approves harbour expansion plan", "Related: Crane makers face new wind rules"],
    "newsletter": ["Sign up for our free morning newsletter and get the news in your inbox."],
    "snippet": ["... the council said it would review ... before the harbour board meets"],
    "update-note": ["Update, March 6, 5pm: The harbour authority sent the Courier the following statement:"],
}
OTHER_EVENT = [
    "Meanwhile, a tanker ran aground off Vellmar in Norland on Wednesday, the Norland coast guard said.",
    "Captain Osric Haldane and his crew of 14 were taken off by helicopter, according to coastguard spokeswoman "
    "Inge Brask, and the Halvard Line said it would tow the vessel to Tromby once the weather cleared.",
    "Environment minister Sigrun Ekdal told Norland Radio that no oil had leaked so far.",
]


def test_each_kind_of_furniture_in_a_record_is_removed_with_its_reason(tmp_path):
    title = "Crane collapse closes Port Elsby's northern dock"
    text = "\n".join([*FURNITURE["gallery"][:2], BODY[0], FURNITURE["photo-caption"][0], BODY[1], FURNITURE["link"][0],
                      BODY[2], FURNITURE["gallery"][2], FURNITURE["photo-caption"][1], BODY[3], FURNITURE["newsletter"][0],
                      BODY[4], FURNITURE["photo-caption"][2], FURNITURE["snippet"][0], FURNITURE["link"][1], BODY[5],
                      FURNITURE["update-note"][0], *FURNITURE["credit"]])
    [art] = _read_records(tmp_path, {"id": "f", "title": title, "text": text})
    assert art.text.splitlines() == BODY
    accepted = {"credit": {"credit", "byline"}, "photo-caption": {"photo-caption", "photo-credit"}}
    for kind, lines in FURNITURE.items():
        for ln in lines:
            why = [s.reason for s in art.removed if ln in s.text]
            assert why and why[0] in accepted.get(kind, {kind}), (ln, why)


def test_wire_credit_closing_a_paragraph_goes_alone():
    raw = "\n".join(BODY[:3] + [BODY[3] + " (Reporting by Lena Dorsey; Editing by Ruth Gale)"])
    art = clean(Article(id="w", raw=raw, meta={"format": "json"}))
    assert art.text.splitlines() == BODY[:4]
    assert [s.reason for s in art.removed] == ["credit"]


def test_roundup_paragraphs_about_another_event_are_dropped_only_with_strong_evidence(tmp_path):
    title = "Crane collapse closes Port Elsby's northern dock"
    body = [b.replace("the authority", "the Port Elsby authority") for b in BODY]
    [roundup, own] = _read_records(
        tmp_path,
        {"id": "roundup", "title": title, "text": "\n".join(body + OTHER_EVENT)},
        # the same turn of phrase about the article's own subject is reporting, not another event
        {"id": "own", "title": title, "text": "\n".join(body + ["Meanwhile, Port Elsby's harbour master said the "
                                                                 "southern terminal would stay open through the night."])},
    )
    assert roundup.text.splitlines() == body
    assert {s.reason for s in roundup.removed} == {"other-event"}
    assert own.removed == [] and "Meanwhile" in own.text


# --------------------------------------------------------------------------- shape alone is no evidence (issue 13)

# a list article: a lead, then item names each followed by a paragraph; the later items bring their own names
LIST_ARTICLE = [
    "Carmakers, breweries and snack brands spent record sums on this year's Harbour Cup adverts, with thirty-second "
    "slots selling for more than four million each.",
    "The broadcaster expects around 90 million viewers to watch Sunday's final between Port Elsby and Carrow.",
    "Wrenfield Motors",
    "Wrenfield Motors shows a family driving its new estate car along the coast road while the final plays on the radio.",
    "The carmaker said the advert was filmed in a single day at Carrow Point.",
    "Dunmore Ales",
    "A brewer's horse pulls a cart of barrels through a flooded village, a nod to the spring floods in the valley.",
    "Dunmore Ales said it would give part of the advert's budget to flood relief charities.",
    "Kestrel Crisps",
    "Comedian Ottilie Brann eats a packet of crisps so loudly that a library evacuates.",
    "Brann said the shoot took eleven hours and forty packets of crisps.",
    "Halvard Line",
    "The ferry company's advert follows a lighthouse keeper, played by veteran actor Sigmund Vale, through a winter storm.",
    "Critics praised its photography, though some viewers said the storm scenes were too dark to follow.",
    "Norland Telecom",
    "A grandmother in Tromby teaches her grandson to knit over a video call that never drops.",
    "The company said the grandmother was played by a retired schoolteacher from the town, Agnes Moe.",
]


def test_a_list_article_keeps_its_later_items(tmp_path):
    [art] = _read_records(tmp_path, {"id": "ads", "title": "Harbour Cup adverts: the best of this year's commercials",
                                     "text": "\n".join(LIST_ARTICLE)})
    assert art.text.splitlines() == LIST_ARTICLE, [(s.reason, s.text[:50]) for s in art.removed]


def test_shape_only_drops_of_the_body_own_story_are_overruled():
    """The line model may call a list article's later items (new names, short headings) a related list or another
    story; with no furniture wording and the body's own vocabulary, they are body."""
    from newsfuse.clean import _restore_evidenced
    from newsfuse.clean.features import units

    us = units("\n".join(LIST_ARTICLE))
    title = "Harbour Cup adverts: the best of this year's commercials"
    reasons = [None] * 8 + ["unrelated-story"] + ["related-list"] * (len(us) - 9)
    got = list(reasons)
    _restore_evidenced(us, got, title, set())
    assert got[8:-1] == [None] * (len(us) - 9)
    # the run's last line is a sentence too; a closing run of headlines with no sentence stays dropped
    teasers = units("\n".join(LIST_ARTICLE[:8] + ["Harbour board names new chair", "Ferry fares to rise in April"]))
    got = [None] * 8 + ["related-list"] * 2
    _restore_evidenced(teasers, got, title, set())
    assert got[8:] == ["related-list"] * 2
    # a run after set-aside teaser furniture ("Read more:") is not touched
    got = [None] * 8 + ["unrelated-story"] + ["related-list"] * (len(us) - 9)
    _restore_evidenced(us, got, title, {8})
    assert got[8] == "unrelated-story"


def test_a_record_opening_with_its_lead_keeps_it_above_an_embed(tmp_path):
    lead = [
        "Port Elsby beat Carrow 3-1 in the Harbour Cup final on Sunday, with two goals from striker Ines Varga in the "
        "first half and a late header from captain Tomas Reid.",
        "Carrow's only goal came from a penalty by Osric Haldane ten minutes from the end, after a foul by the Port "
        "Elsby goalkeeper.",
    ]
    embed = ["What a night", "for", "the", "harbour", "Skip Twitter post by @portelsbyfc"]
    rest = [
        "Varga's second goal, a shot from outside the area, was her twelfth of the season, a club record.",
        "Port Elsby's manager Nessa Loughran said the team would celebrate with a parade through the town on Tuesday.",
        "Carrow finished the season second in the league, their best result for nine years.",
    ]
    [art] = _read_records(tmp_path, {"id": "cup", "title": "Port Elsby win the Harbour Cup",
                                     "text": "\n".join(lead + embed + rest)})
    kept = art.text.splitlines()
    assert lead[0] in kept and lead[1] in kept and all(r in kept for r in rest), [(s.reason, s.text[:50]) for s in art.removed]
    assert "Skip Twitter post by @portelsbyfc" not in art.text


# written in Japanese: no spaces between words, sentences closed by "。"
JAPANESE = [
    "港町エルスビーの北埠頭で火曜日、強風のためクレーンが倒れ、貨物船の上に落ちる事故がありました。",
    "港湾局によりますと、けが人はいませんでしたが、船の船体が大きくへこんだということです。",
    "港湾局は残る四基のクレーンを点検するまで、北埠頭の使用を中止すると発表しました。",
    "点検には一週間ほどかかる見通しで、船会社には南の埠頭を使うよう求めています。",
    "労働組合は、去年から風の制限について懸念を伝えていたとして、独立した調査を求めています。",
]


def test_a_japanese_record_is_kept_whole(tmp_path):
    [art] = _read_records(tmp_path, {"id": "ja", "title": "エルスビー港でクレーン倒壊", "text": "\n".join(JAPANESE)})
    assert art.text.splitlines() == JAPANESE, [(s.reason, s.text[:30]) for s in art.removed]


def test_a_title_repeated_as_the_first_line_goes_as_the_headline(tmp_path):
    title = "Crane collapse closes Port Elsby's northern dock"
    [art] = _read_records(tmp_path, {"id": "t", "title": title, "text": "\n".join([title, *BODY])})
    assert art.text.splitlines() == BODY
    assert [(s.reason, s.text) for s in art.removed] == [("headline", title)]


# furniture in the wording real scraped records carry, each with the reason it must be removed for
REAL_COPY_FURNITURE = {
    "photo-caption": ["Dock workers gather on the quay after the collapse. Photograph: Imre Vas for the Courier",
                      "Imre Vas/COURIER",
                      "GETTY The northern dock has been closed since Tuesday",
                      "HARBOUR PICTURES•GETTY Cranes at the southern terminal"],
    "social-embed": ["Skip Twitter post by @elsbyharbour"],
    "social-prompt": ["Email: tferris@courier.example; Follow Courier harbour reporter @tferris on Twitter",
                      "Read the original article on the Courier. Follow the Courier on Facebook."],
    "link": ["Port Elsby approves harbour expansion plan Read more"],
    "credit": ["— With assistance by Jan Oduya"],
    "advertisement": ["Anzeige:", "Hier erfahrt ihr, wie ihr Tickets für die Fähre kaufen könnt."],
}


def test_furniture_seen_in_real_copy_is_removed_with_its_reason(tmp_path):
    f = REAL_COPY_FURNITURE
    text = "\n".join([BODY[0], f["photo-caption"][0], f["photo-caption"][1], BODY[1], f["social-embed"][0], BODY[2],
                      f["photo-caption"][2], f["link"][0], BODY[3], f["photo-caption"][3], BODY[4],
                      *f["advertisement"], BODY[5], f["credit"][0], *f["social-prompt"]])
    [art] = _read_records(tmp_path, {"id": "real", "title": "Crane collapse closes Port Elsby's northern dock", "text": text})
    assert art.text.splitlines() == BODY, [(s.reason, s.text[:50]) for s in art.removed]
    for kind, lines in f.items():
        for ln in lines:
            why = [s.reason for s in art.removed if ln in s.text]
            assert why == [kind], (ln, why)


def test_a_closing_more_from_list_is_a_teaser_list(tmp_path):
    teasers = ["More from the Port Elsby Courier:", "Harbour board names new chair",
               "Ferry fares to rise in April", "Why the southern terminal is running out of room"]
    [art] = _read_records(tmp_path, {"id": "more", "text": "\n".join(BODY + teasers)})
    assert art.text.splitlines() == BODY
    assert {s.reason for s in art.removed} == {"related-list"}


def test_a_table_inside_an_extracted_article_is_kept():
    """Inside the body of a text that opens with its body, lines dropped for their shape alone (a results table)
    are the article's own; the same lines in a page with its own header above the body need sentences."""
    from newsfuse.clean import _restore_evidenced
    from newsfuse.clean.features import units

    table = ["Port Elsby 3, Carrow 1", "Dunmore 0, Wrenfield 0", "Tromby 2, Vellmar 2"]
    us = units("\n".join(BODY[:2] + table + BODY[2:]))
    got = [None, None] + ["in-body-furniture"] * 3 + [None] * 4
    _restore_evidenced(us, got, "", set())
    assert got == [None] * 9
    page = units("\n".join(["Home | Sport | Results", *BODY[:2], *table, *BODY[2:]]))
    got = ["navigation", None, None] + ["in-body-furniture"] * 3 + [None] * 4
    _restore_evidenced(page, got, "", set())
    assert got[3:6] == ["in-body-furniture"] * 3


def test_caption_or_credit_is_the_one_test_every_stage_uses():
    import importlib

    from newsfuse.clean.furniture import caption_or_credit

    captions = ["Workers inspect the damaged crane on Tuesday. (AP Photo/Imre Vas)",
                "Harbour director Mara Quill, left, and engineer Tomas Reid walk along the quay on Tuesday.",
                "The dented hull of the Meridian Star in Port Elsby. REUTERS/Imre Vas",
                "2/34 A tug moves the cargo ship away from the quay"]
    reporting = ["The crane, installed in 2009, had passed its last safety inspection in March.",
                 "Quill said 24/7 inspections would start on Wednesday, and the AC/DC cables would be replaced.",
                 "The authority announced the closure of the northern dock via Twitter.",
                 "Divers took pictures by torchlight of the hull below the waterline."]
    assert all(caption_or_credit(c) for c in captions)
    assert not any(caption_or_credit(r) for r in reporting)
    assert caption_or_credit("Imre Vas/The Courier", within=True) and caption_or_credit("Imre Vas / Reuters", within=True)
    assert not caption_or_credit("Mara Quill", within=True) and not caption_or_credit("AC/DC", within=True)
    for stage in ("align.speakerkeys", "brief.conflicts.figures", "brief.summary", "quotes.speakers"):
        assert importlib.import_module(f"newsfuse.{stage}").caption_or_credit is caption_or_credit


def test_a_schedule_closing_an_extracted_article_is_kept_but_not_after_a_teaser_heading():
    from newsfuse.clean import _restore_evidenced
    from newsfuse.clean.features import units

    us = units("\n".join(BODY + ["Next matches", "Port Elsby: host Carrow on Saturday.", "Carrow: visit Dunmore on Wednesday."]))
    got = [None] * 6 + ["related-list"] * 3
    _restore_evidenced(us, got, "", set())
    assert got == [None] * 9
    got = [None] * 6 + ["related-list"] * 3
    _restore_evidenced(us, got, "", {6})  # set-aside teaser furniture ("Read more:") just above the run
    assert got[6:] == ["related-list"] * 3


def test_closing_bullets_of_other_stories_go_and_the_story_own_list_stays():
    teasers = ["- Wrenfield mayor opens new library wing Readers queued from dawn for the opening",
               "- Tromby festival line-up announced Three headline acts confirmed for July",
               "- Vellmar bakery wins national award The family firm beat 200 entries",
               "- Dunmore school gets solar roof Pupils helped install the panels"]
    own = ["- the northern dock stays closed until the cranes are inspected",
           "- ships are diverted to the southern terminal of Port Elsby",
           "- the union wants an independent inquiry into the crane collapse"]
    for text, kept in ((BODY + teasers, BODY), (BODY + own, BODY + own)):
        art = clean(Article(id="b", raw="\n".join(text), meta={"format": "html"}))
        assert art.text.splitlines() == kept, [(s.reason, s.text[:40]) for s in art.removed]


def test_a_block_with_lines_longer_than_a_wrap_is_not_read_as_hard_wrapped():
    """Wrapping cuts lines near one width; a block holding a paragraph line and a list of short items (a page
    extracted without blank lines) is one unit per line, so each can be judged (was one unit, kept or lost whole)."""
    from newsfuse.clean.features import units

    block = [BODY[0] + " " + BODY[1], "Results from the Harbour Cup quarter-finals",
             "- Port Elsby 3 Carrow 1 (Varga 2, Reid)", "- Dunmore 0 Tromby 0 (Tromby win on penalties)",
             "- Vellmar 2 Wrenfield 2 (Vellmar win on penalties)", "- Norland 1 Elsby Rovers 4 (Quinn 3, Doyle)"]
    assert [u.text for u in units("\n".join(block))] == block
    wrapped = ("The Harbour Authority of Port Elsby closed the northern dock on\nTuesday after a crane collapsed onto "
               "a cargo ship during high\nwinds, its director Mara Quill told reporters at a briefing.\n")
    assert len(units(wrapped)) == 1


POSTS = [
    "The harbour authority posted its decision on Twitter:",
    "The northern dock stays closed until all four cranes pass inspection. Ships go to the southern terminal. #PortElsby",
    "— Port Elsby Harbour (@ElsbyHarbour) March 5, 2024",
    "Dock workers should report to the southern terminal office from 6am tomorrow. #PortElsby",
    "— Port Elsby Harbour (@ElsbyHarbour) March 5, 2024",
]


def test_an_embedded_post_the_body_quotes_is_kept_with_its_signature(tmp_path):
    """A post the body embeds (its text, then "— Name (@handle) date") is what someone said and who: it stays,
    closing the text or not (the line model reads a signature closing a body as a related list)."""
    [art] = _read_records(tmp_path, {"id": "p", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n".join(BODY + POSTS)})
    assert art.text.splitlines() == BODY + POSTS, [(s.reason, s.text[:50]) for s in art.removed]


def test_a_signature_line_restores_only_a_short_post_beside_the_body():
    from newsfuse.clean import _restore_embeds
    from newsfuse.clean.features import units

    us = units("\n".join(BODY + POSTS[1:3]))
    got = [None] * 6 + ["related-list"] * 2
    _restore_embeds(us, got)
    assert got == [None] * 8
    # not beside the body (a sidebar's post after furniture) or a long text signed like a post: left as judged
    us = units("\n".join(BODY + ["Most Popular"] + POSTS[1:3]))
    got = [None] * 6 + ["related-list"] * 3
    _restore_embeds(us, got)
    assert got == [None] * 6 + ["related-list"] * 3
    us = units("\n".join(BODY + [" ".join(BODY), POSTS[2]]))
    got = [None] * 6 + ["related-list"] * 2
    _restore_embeds(us, got)
    assert got == [None] * 6 + ["related-list"] * 2


def test_a_wire_lead_with_its_dateline_is_no_headline(tmp_path):
    """"CITY, State (AP) — The Latest on …:" opens the body of a wire live story; it is not the headline."""
    lead = "PORT ELSBY, Norland (AP) — The Latest on the crane collapse at the northern dock (all times local):"
    text = "\n".join([lead, "10 p.m.", *BODY[:3], "4:30 p.m.", *BODY[3:]])
    [art] = _read_records(tmp_path, {"id": "l", "text": text})
    assert art.text.splitlines()[0] == lead, [(s.reason, s.text[:50]) for s in art.removed]


def test_a_list_continues_through_lines_laid_out_like_its_kept_items():
    """Lines dropped for their shape and place alone that repeat the template of the kept list above them (a tour's
    dates) are body; headlines after the list, laid out otherwise, stay dropped."""
    from newsfuse.clean import _continue_lists
    from newsfuse.clean.features import units

    dates = ["August 30 – Denver, CO @ Pepsi Center", "September 2 – Salt Lake City, UT @ USANA Amphitheatre",
             "September 5 – Seattle, WA @ White River Amphitheatre", "October 3 – Phoenix, AZ @ Ak-Chin Pavilion",
             "October 10 – Houston, TX @ The Cynthia Woods Pavilion"]
    heads = ["Harbour Cup final moves to Sunday", "Tromby festival line-up announced"]
    us = units("\n".join(BODY[:2] + dates + heads))
    got = [None] * 5 + ["related-list"] * 4
    _continue_lists(us, got)
    assert got == [None] * 7 + ["related-list"] * 2


RESTATED = [
    "The Harbour Authority of Port Elsby closed the northern dock on Tuesday after a crane collapsed onto a cargo ship "
    "during high winds.",
    "No one was hurt, the authority's director Mara Quill told reporters at a briefing on the quay.",
    # a caption written from the lead, with no closing stop, between paragraphs
    "The northern dock at Port Elsby was closed on Tuesday after a crane collapsed onto a cargo ship in high winds",
    "Quill said engineers would inspect the remaining four cranes before any of them is used again.",
    "Shipping companies were told to divert vessels to the southern terminal, where capacity was sufficient for now.",
    # a line that lost its stop but says something new: kept
    "The crane had passed its last safety inspection in March according to records the authority published last year",
    "The dock workers' union called for an independent inquiry and said its members had raised concerns about wind.",
]


def test_a_caption_restating_a_paragraph_goes_and_a_new_line_without_a_stop_stays(tmp_path):
    """Daily Mail style captions (a sentence with no closing stop that restates a paragraph) would reach the brief as a
    second copy of a fact; the evidence is the restatement, so a stop-less line saying something new stays."""
    [art] = _read_records(tmp_path, {"id": "dm", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n".join(RESTATED)})
    assert art.text.splitlines() == RESTATED[:2] + RESTATED[3:], [(s.reason, s.text[:50]) for s in art.removed]
    assert [s.reason for s in art.removed] == ["restated-caption"]


def test_a_page_of_search_results_is_no_article(tmp_path):
    """A search page scraped as a record (title or address names a search, lines are cut-off snippets) is cleaned
    to nothing, and the brief says why in one line; an article whose title merely mentions a search is read."""
    from newsfuse import pipeline

    results = {"id": "s", "title": "Elsby Courier Search : Elsby Courier",
               "url": "https://www.elsbycourier.example/search/index.php?searchinput=crane+collapse",
               "text": "The harbour board meets on Thursday to discuss the expansion plan for the southern terminal.\n"
                       "... the crane, which had passed ... or even when the wind\n"
                       "a collapse. ... here, but maybe the union in Carrow or Dunmore ..."}
    story = {"id": "t", "title": "Search for missing fisherman off Carrow Point called off",
             "url": "https://www.elsbycourier.example/news/search-called-off", "text": "\n".join(BODY)}
    arts = _read_records(tmp_path, results, story)
    assert arts[0].text == "" and {s.reason for s in arts[0].removed} == {"search-results"}
    assert arts[1].text.splitlines() == BODY
    problems: list = []
    assert pipeline.fuse_articles([arts[0]], problems=problems) == []
    assert [str(p) for p in problems] == [f"{arts[0].source}: s: a page of search results, not an article"]


def test_author_notes_and_pitches_closing_a_page_are_furniture():
    """Prompts seen closing real pages, each by its wording: a capitalised "Write to X at address", a note ending
    in "Follow her on Twitter", "may be reached at", a channel pitch, an app pitch."""
    from newsfuse.clean.furniture import furniture_reason

    cases = {
        "Write to Ines Varga at ines.varga@elsbycourier.example": "social-prompt",
        "Ines Varga covers the harbour for the Courier. Follow her on Twitter @inesvarga.": "social-prompt",
        "Have a tip? Tom Ferris may be reached at tferris@elsbycourier.example.": "social-prompt",
        "Join our Harbour Forums to keep talking shipping, cranes and more!": "social-prompt",
        "Subscribe to the Elsby Courier YouTube Channel for all of the latest videos and more!": "newsletter",
        "GET THE COURIER ON THE GO BY CLICKING HERE": "newsletter",
    }
    for text, reason in cases.items():
        assert furniture_reason(text, len(text.split())) == reason, text
    # reporting that mentions following, reaching or subscribing is no prompt
    for text in ("Quill said the union would follow the inquiry closely and report to its members on Friday.",
                 "Subscribers to the harbour's alert service were told of the closure on Tuesday morning.",
                 "Click here to get more information about the southern terminal's opening hours."):
        assert furniture_reason(text, len(text.split())) is None, text


def test_the_page_title_repeated_over_an_extracted_body_is_the_headline():
    """Extracted HTML often opens with the page's own title; it goes as the headline even when a short standfirst,
    not a paragraph, follows it."""
    title = "Crane collapse closes Port Elsby's northern dock"
    raw = "\n".join([title, "Engineers to inspect four cranes", *BODY])
    art = clean(Article(id="h", raw=raw, title=title, meta={"format": "html"}))
    assert [s.reason for s in art.removed if s.text == title] == ["headline"]
    assert art.text.splitlines()[-6:] == BODY


def test_text_that_is_already_an_article_keeps_what_was_dropped_for_shape_alone():
    """Keep unless evidence: with no furniture wording anywhere and most words kept, lines dropped only for their
    shape and place (a closing schedule) are the article's; a web address, a time stamp or too much dropped is
    evidence enough to leave the line model's judgement."""
    from newsfuse.clean import _keep_clean_text
    from newsfuse.clean.features import units

    info = ["Harbour open days", "Saturday and Sunday", "Adults 4 euros, children free", "Tickets at the quay office"]
    us = units("\n".join(["Crane collapse closes the northern dock", *BODY, *info]))
    got = ["headline"] + [None] * 6 + ["related-list"] * 4
    _keep_clean_text(us, got)
    assert got == ["headline"] + [None] * 10
    for extra in ("Tickets at www.elsbyharbour.example", "Next tour 10:30"):
        us = units("\n".join(["Crane collapse closes the northern dock", *BODY, *info[:3], extra]))
        got = ["headline"] + [None] * 6 + ["related-list"] * 4
        _keep_clean_text(us, got)
        assert got == ["headline"] + [None] * 6 + ["related-list"] * 4, extra
    us = units("\n".join(BODY[:1] + BODY[1:] + BODY[1:]))
    got = [None] + ["related-list"] * 10
    _keep_clean_text(us, got)
    assert got == [None] + ["related-list"] * 10


def test_a_clean_record_closing_with_practical_information_keeps_it(tmp_path):
    info = ["Harbour open days", "Saturday and Sunday", "Adults 4 euros, children free", "Tickets at the quay office"]
    [art] = _read_records(tmp_path, {"id": "i", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n".join(BODY + info)})
    assert art.text.splitlines() == BODY + info, [(s.reason, s.text[:50]) for s in art.removed]


def test_teaser_bullets_after_the_story_own_list_go_and_the_list_stays():
    """Other stories' headlines closing a page right after the story's own bulleted list: the tail laid out unlike
    the list above it and foreign to the body goes; the story's list stays."""
    own = ["- Northern dock (Port Elsby): closed until the cranes are inspected",
           "- Southern terminal (Port Elsby): takes the diverted ships", "- Remaining cranes (four): inspected within a week",
           "- Dock workers' union (inquiry): wants an independent inquiry"]
    teasers = ["- Wrenfield mayor opens new library wing Readers queued from dawn for the opening",
               "- Tromby festival line-up announced Three headline acts confirmed for July",
               "- Vellmar bakery wins national award The family firm beat 200 entries",
               "- Dunmore school gets solar roof Pupils helped install the panels"]
    art = clean(Article(id="b", raw="\n".join(BODY + own + teasers), meta={"format": "html"}))
    assert art.text.splitlines() == BODY + own, [(s.reason, s.text[:40]) for s in art.removed]


# captions and credits in the wordings wire and picture agencies sign them with, seen surfacing as facts in briefs
SIGNED_CAPTIONS = [
    "A tug pulls the Meridian Star away from the northern dock of Port Elsby ©Imre Vas (AFP/File)",
    "Dock workers at the quay ©Ines Varga, Tomas Reid (Pool/AFP)",
    "© Imre Vas (AFP)",
    "Harbour director Mara Quill leaves the inquiry in Carrow on Monday. Splash News",
    "Splash News Mara Quill leaves the inquiry in Carrow on Monday",
    "Workers stand beside the folded boom on Tuesday. AP Photo/Imre Vas",
    "Port Elsby is one of the busiest harbours in the north. Here is why. (Ines Varga/The Courier)",
    "Imre Vas / Reuters Dock workers are seen in front of the damaged crane",
    "GETTY Is the harbour running out of room?",
    "Harbour guard post with its flag, left, is seen at the quay today",
    "Why could the dock not take more ships this year? (file photo)",
    "Mara Quill at the quay on Tuesday. Credit: Ines Varga",
    "jm/dm (AFP, dpa)",
]


def test_signed_photo_captions_and_credits_go_as_captions_and_reporting_stays(tmp_path):
    from newsfuse.clean.furniture import caption_or_credit

    reporting = ["The poll by Reuters/Ipsos found that 40 percent of residents backed the expansion.",
                 "The collapse was first reported by Reuters on Tuesday.",
                 "Ines Varga, left the harbour board in 2015, said she was glad the inquiry had opened.",
                 "The council and/or the harbour board will decide by March."]
    text = "\n".join([BODY[0], *SIGNED_CAPTIONS[:4], BODY[1], *SIGNED_CAPTIONS[4:8], BODY[2], *reporting,
                      *SIGNED_CAPTIONS[8:12], BODY[3], BODY[4], BODY[5], SIGNED_CAPTIONS[12]])
    [art] = _read_records(tmp_path, {"id": "signed", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": text})
    assert art.text.splitlines() == BODY[:3] + reporting + BODY[3:], [(s.reason, s.text[:50]) for s in art.removed]
    for ln in SIGNED_CAPTIONS:
        assert [s.reason for s in art.removed if ln in s.text] == ["photo-caption"], ln
        assert caption_or_credit(ln)
    # a copyright line is a legal notice, not a caption
    [legal] = _read_records(tmp_path, {"id": "legal", "text": "\n".join([*BODY, "Copyright © The Port Elsby Courier"])})
    assert [(s.reason, s.text) for s in legal.removed] == [("legal-notice", "Copyright © The Port Elsby Courier")]


# an article ending in short statements, one a line (the line model may read them as a list after the body)
CLOSING = ["But the northern dock is quiet now.", "The cranes stand still.", "Nobody knows for how long.",
           "\"I walk past it every morning,\" said Ewan Tolley, a retired docker of Port Elsby.", "\"It breaks my heart.\""]


def test_closing_statements_dropped_for_their_shape_are_the_article_ending():
    from newsfuse.clean import _content_words, _restore_closing_prose
    from newsfuse.clean.features import units

    title = "Crane collapse closes Port Elsby's northern dock"

    def restored(tail: list[str], why: str = "related-list") -> list[str | None]:
        us = units("\n".join(BODY + tail))
        reasons = [None] * len(BODY) + [why] * len(tail)
        _restore_closing_prose(us, reasons, title, [_content_words(u.text) for u in us])
        return reasons[len(BODY):]

    assert restored(CLOSING) == [None] * len(CLOSING)
    assert restored(CLOSING, "unrelated-story") == [None] * len(CLOSING)
    # evidence of furniture keeps a closing run out: lines not written as statements (teaser headlines), a web
    # address, page-furniture words, another story's vocabulary, or a line with a furniture rule
    teasers = ["Harbour board names new chair", "Ferry fares to rise in April"]
    assert restored(CLOSING[:2] + teasers) == ["related-list"] * 4
    assert restored(CLOSING[:2] + ["More at https://courier.example/harbour."]) == ["related-list"] * 3
    assert restored(["Share this story with your friends.", "Comments are closed."]) == ["related-list"] * 2
    assert restored(["Tennis star Ines Varga won the Carrow Open final in straight sets.",
                     "Her coach Tomas Reid called it her best match of the season."], "unrelated-story") == \
        ["unrelated-story"] * 2


def test_a_lead_between_the_date_line_and_the_body_is_kept():
    from newsfuse.clean import _restore_evidenced
    from newsfuse.clean.features import units

    # a lead that says what the body does not repeat, between the headline and date lines and the body
    lead = "For the first time in ninety years a winter gale has shut one of the harbour's docks, its owners reported."
    us = units("\n".join(["Gale shuts a dock", "Published: March 3, 2024", lead, *BODY]))
    reasons = ["headline", "timestamp", "page-header"] + [None] * len(BODY)
    _restore_evidenced(us, reasons, "Gale shuts a dock", set())
    assert reasons[:3] == ["headline", "timestamp", None]
    # under a page's menu the same line needs the body's vocabulary: it stays out
    page = units("\n".join(["Home | News | Sport", "Published: March 3, 2024", lead, *BODY]))
    reasons = ["navigation", "timestamp", "page-header"] + [None] * len(BODY)
    _restore_evidenced(page, reasons, "Gale shuts a dock", set())
    assert reasons[2] == "page-header"


# more layouts of clean copy, each once alone and once closed by a wire credit (set-aside furniture an article's own
# copy carries, which must not make the rest read as a scraped page)
MORE_LAYOUTS = {
    "short-paragraphs": [
        "Ferries to the islands were cancelled on Monday.", "Again.",
        "For the third time this month, the Halvard Line said its boats would stay in port because of high winds.",
        "Islanders are angry.",
        "\"We can't get to the hospital, the school or the shops,\" said Agnes Moe, who runs the post office on Tromby.",
        "The company says safety comes first.", "It has promised a new, larger ferry by the spring.",
        "Nobody on the island believes it."],
    "introduced-numbered-list": [
        "The Elsby Film Circle has named its favourite films of the year. Here is the list:",
        "1. The Long Quay", "2. Northern Lights", "3. Salt and Iron", "4. A House by the Weir", "5. The Lighthouse Keeper",
        "The circle's chair, Nessa Loughran, said the jury had watched a record 212 films this year.",
        "The winners will be shown at the Corn Exchange in March."],
    "dateline-alone": [
        "CARROW, Norland —", "A tanker ran aground off Carrow Point on Wednesday, the coast guard said.",
        "The crew of 14 were taken off by helicopter, and no oil had leaked by the evening, according to the "
        "environment ministry.",
        "The Halvard Line, which owns the tanker, said it would try to tow it free at high tide on Thursday."],
    "all-short-statements": [
        "The vote is in.", "Wrenfield said yes.", "By 212 votes.", "The bridge will close in May.", "Cars must go round.",
        "Cyclists may still cross.", "The council is pleased.", "Shopkeepers are not."],
    "question-subheads": [
        "The town council of Wrenfield voted on Thursday to close the Mill Lane bridge to cars from next month, after "
        "engineers found cracks in two of its three arches.",
        "What happens next?",
        "The bridge will stay open to pedestrians and cyclists while repairs are planned, the council said.",
        "Why now?",
        "Engineers said the cracks had widened by several millimetres since the autumn floods.",
        "Who pays?", "The county has promised half of the cost, and the council will ask the roads agency for the rest."],
}


@pytest.mark.parametrize("credit", ["", "(Reporting by Lena Dorsey; Editing by Ruth Gale)"])
@pytest.mark.parametrize("layout", sorted(MORE_LAYOUTS))
def test_more_layouts_of_clean_copy_keep_every_line(tmp_path, layout, credit):
    body = MORE_LAYOUTS[layout]
    [art] = _read_records(tmp_path, {"id": layout, "text": "\n".join(body + ([credit] if credit else []))})
    assert art.text.splitlines() == body, [(s.reason, s.text[:60]) for s in art.removed]
    assert [s.reason for s in art.removed] == (["credit"] if credit else [])


def test_a_line_punctuated_as_prose_above_the_body_is_no_headline():
    from newsfuse.clean import _unhead_sentences
    from newsfuse.clean.features import units

    us = units("\n".join(["Ferries cancelled again", "Ferries to the islands were cancelled on Monday.",
                          "Ferries cancelled again: what islanders say", "Here is why. The winds are back:"]))
    reasons = ["headline"] * 4
    _unhead_sentences(us, reasons)
    assert reasons == ["headline", "page-header", "headline", "page-header"]


def test_a_stray_related_label_above_the_body_does_not_take_the_body_with_it(tmp_path):
    # a teaser list is headlines; paragraphs closed by periods under a "Related Articles" label are the article
    [top, mid] = _read_records(tmp_path, {"id": "top", "text": "\n".join(["Related Articles", *BODY])},
                               {"id": "mid", "text": "\n".join([*BODY[:3], "Recommended", *BODY[3:]])})
    assert top.text.splitlines() == BODY and mid.text.splitlines()[:3] == BODY[:3]
    assert all(b in mid.text.splitlines() for b in BODY)
    # a real teaser list under the same label still goes
    [teased] = _read_records(tmp_path, {"id": "teased", "text": "\n".join(
        [*BODY, "Related Articles", "Harbour board names new chair", "Ferry fares to rise in April"])})
    assert teased.text.splitlines() == BODY and {s.reason for s in teased.removed} == {"related-list"}


# widget labels, syndication notes and credits written in ways not covered above, each with its reason
WIDGETS = {
    "share-buttons": "Listen to this article",
    "advertisement": "Scroll to continue with content",
    "link": "Click here to read more about the harbour expansion",
    "credit": "This article was originally published by the Carrow Gazette.",
    "update-note": "This story has been updated with comment from the union.",
    "video-teaser": "Watch the video above.",
    "byline": "Ann Lee | Staff writer",
}
CREDITS = ["(Image credit: Harbour Authority of Port Elsby)", "Courtesy of the Harbour Authority", "Imre Vas | Getty Images"]


def test_widget_labels_and_credits_go_with_their_reason(tmp_path):
    text = "\n".join([BODY[0], WIDGETS["share-buttons"], WIDGETS["byline"], BODY[1], CREDITS[0], BODY[2],
                      WIDGETS["advertisement"], BODY[3], CREDITS[1], WIDGETS["video-teaser"], BODY[4], CREDITS[2],
                      BODY[5], WIDGETS["link"], WIDGETS["update-note"], WIDGETS["credit"]])
    [art] = _read_records(tmp_path, {"id": "w", "text": text})
    assert art.text.splitlines() == BODY, [(s.reason, s.text[:50]) for s in art.removed]
    for why, ln in WIDGETS.items():
        assert [s.reason for s in art.removed if ln in s.text] == [why], ln
    for ln in CREDITS:
        assert [s.reason for s in art.removed if ln in s.text] == ["photo-caption"], ln


def test_a_caption_goes_with_the_photo_credit_beside_it(tmp_path):
    caption = "Harbour director Mara Quill, pictured at the quay on Tuesday, when the inquiry was announced."
    for lines in (["Imre Vas | Getty Images", caption], [caption, "Imre Vas | Getty Images"]):
        [art] = _read_records(tmp_path, {"id": "c", "text": "\n".join([*BODY[:2], *lines, *BODY[2:]])})
        assert art.text.splitlines() == BODY, [(s.reason, s.text[:50]) for s in art.removed]
        assert {s.reason for s in art.removed} == {"photo-caption"}
    # a paragraph of reporting beside a credit stays: it reads as no caption
    [art] = _read_records(tmp_path, {"id": "r", "text": "\n".join([*BODY[:2], "Imre Vas | Getty Images", *BODY[2:]])})
    assert art.text.splitlines() == BODY


def test_a_wire_dateline_is_no_photo_credit():
    from newsfuse.clean.furniture import caption_or_credit

    assert not caption_or_credit("KELVOR, Varnia (Reuters) - Varnia's parliament approved the budget on Monday by 88 votes.")
    assert not caption_or_credit("DUNMORE (AP) — Fire crews contained the warehouse blaze on Friday after six hours.")
    assert caption_or_credit("Fire crews at the Dunmore warehouse on Friday. (AP Photo/Ann Lee)")


def test_an_unpunctuated_caption_closed_by_a_picture_agency_is_a_credit_and_a_wire_lead_is_news():
    from newsfuse.align.tokens import alignable
    from newsfuse.clean.furniture import caption_or_credit

    caption = "The singer arrives with her husband at the premiere of the new film in Kelvor Splash News"
    assert caption_or_credit(caption) and not alignable(caption)
    assert alignable("KELVOR, Varnia (Reuters) - Varnia's parliament approved the budget on Monday by 88 votes.")
    assert alignable("KELVOR, Varnia, Jan 1 (Reuters) - Varnia's parliament approved the budget on Monday by 88 votes.")
    assert not caption_or_credit("The senator made news last year when she was pictured arguing with a border guard.")
    assert caption_or_credit("The senator, pictured, left the chamber before the vote.")
    # an embedded post's words are its author's statement; its signature is no credit
    assert alignable("The bridge will reopen to traffic at 6 am on Monday — Kelvor Roads (@kelvorroads) March 2, 2024")


def test_furniture_rule_keys_skip_only_rules_that_cannot_match(monkeypatch):
    """A rule's keys (words one of which every line it matches holds) only spare regexes: on lines written to hit
    each keyed rule, and on look-alikes, the reason and the caption test are the same with the keys ignored."""
    from newsfuse.clean import furniture

    lines = [
        "Reporting by Ann Lee; Editing by Bob Ray", "Ann Lee contributed reporting.", "Follow Ann Lee on Twitter",
        "Read the original article on Business Insider", "Copyright 2019 The Paper", "A post shared by Ann (@ann) on May 3, 2018",
        "Story continues below advertisement", "Please verify you're not a robot by clicking the box.",
        "This copy is for your personal, non-commercial use only.", "He can be reached at ann@example.com",
        "Subscribe to our YouTube channel", "Do you have a story for The Paper? Email us at tips@example.com",
        "Ann Lee, left, and Bob Ray at the talks. (AP Photo/Carl Dee)", "The minister speaks. (Ann Lee via Reuters)",
        "Rescuers at the site (Ann Lee/AFP)", "Flood water in the town [Reuters]", "(Photo: Ann Lee)",
        "A boy in a photo released by the army", "Smoke over the city. Photograph: Ann Lee for The Paper",
        "The wealthy ©Ann Lee (AFP/File)", "A crowd gathers (file photo)", "(Image credit: Ann Lee)",
        "Fire crews at the scene REUTERS/Ann Lee", "Officials said the talks would resume on Monday.",
        "ſubscribe to our newsletter", "Reporting by ANN LEE; EDİTİNG BY BOB RAY", "The story first read more like fiction Read more",
        "Ann Lee, left, and Bob Ray, right, at the talks", "The minister spoke to reporters (AP Photo/Ann Lee)", "Getty Images",
        "Flood water in the town pictured on Monday", "In this March 3 photo, rescuers search the rubble", "7/12",
        "Photos by Ann Lee", "A crowd at the rally. Credit: Ann Lee", "She said the photo was taken in March.",
    ]

    got = _furniture_verdicts(lines)
    monkeypatch.setattr(furniture, "may_match", lambda keys, low: True)
    assert got == _furniture_verdicts(lines)
    assert got[0][0] == "credit" and got[6][0] == "advertisement" and got[12][1] and got[-13] == (None, False, False)
    assert got[-9][2] and got[-8][2] and not got[-1][2]


def test_furniture_rule_keys_change_nothing_on_real_copy(shared_dir, monkeypatch):
    """Every line of the news_cluster articles gets the same furniture reason and caption verdict with the keys
    ignored (the keys are a speed-up only)."""
    import json

    from newsfuse.clean import furniture

    path = shared_dir / "data" / "clustering-newscluster" / "news_cluster_docs.jsonl"
    if not path.exists():
        pytest.skip(f"news_cluster articles not available at {path}")
    lines = [ln for rec in map(json.loads, path.read_text(encoding="utf-8").splitlines()[:150])
             for ln in (rec.get("text") or "").splitlines() if ln.strip()]

    keyed = _furniture_verdicts(lines)
    monkeypatch.setattr(furniture, "may_match", lambda keys, low: True)
    assert keyed == _furniture_verdicts(lines)
    assert sum(r is not None for r, _, _ in keyed) > 0 and sum(c for _, _, c in keyed) > 0


def test_pattern_keys_change_no_cleaning_of_real_copy(shared_dir, monkeypatch):
    """Cleaning 60 news_cluster articles gives the same text and removed segments with every pattern key
    ignored (features, hard reasons, furniture rules, captions): the keys are a speed-up only."""
    import importlib
    import json

    import newsfuse.clean as clean_pkg
    from newsfuse.clean import furniture

    features = importlib.import_module("newsfuse.clean.features")  # the package's `features` is the function

    path = shared_dir / "data" / "clustering-newscluster" / "news_cluster_docs.jsonl"
    if not path.exists():
        pytest.skip(f"news_cluster articles not available at {path}")
    recs = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()[:60]]

    def cleaned() -> list:
        furniture._caption_or_credit.cache_clear()
        out = []
        for r in recs:
            a = Article(id=r["id"], raw=r.get("text") or "", title=r.get("title") or "")
            clean(a)
            out.append((a.text, [(s.text, s.reason, s.start) for s in a.removed], a.meta))
        return out

    keyed = cleaned()
    for mod, name in ((features, "may_match"), (clean_pkg, "may_match"), (furniture, "may_match")):
        monkeypatch.setattr(mod, name, lambda keys, low: True)
    assert keyed == cleaned()
    assert sum(len(r) for _, r, _ in keyed) > 0


def _furniture_verdicts(lines: list[str]) -> list:
    """Each line's furniture reason, caption verdict and (unmemoised) caption-or-credit verdict."""
    from newsfuse.clean import furniture

    return [(furniture.furniture_reason(t, len(t.split())), furniture._is_caption(t, len(t.split())),
             furniture._caption_or_credit.__wrapped__(t)) for t in lines]


def test_an_opinion_pieces_author_note_is_furniture():
    note = ("Ilse Marrow is a columnist for the Elsby Courier and a former harbour pilot. Follow her @ilsemarrow. "
            "The opinions expressed in this commentary are hers.")
    body = ["Elsby (Courier) The harbour board will tell you the crane collapse was bad luck. It was not.",
            "For three years the dockers' union wrote to the board about the crane's worn cables, and for three years "
            "the board answered that the inspections were up to date."]
    art = clean(Article(id="op", raw="\n".join([note, *body])))
    assert "Ilse Marrow is a columnist" not in art.text
    assert any(s.reason == "author-bio" and "columnist" in s.text for s in art.removed)
    assert "worn cables" in art.text


def test_a_legal_notice_in_plain_words_ends_the_article_and_the_stories_after_it_go(tmp_path):
    notice = ("LEGAL NOTICE: All content on this site is the property of Port Elsby Courier Media Ltd. It may not be copied, "
              "republished or distributed in whole or in part without a written licence agreement.")
    after = ["Bakers across the province raised the price of a loaf by ten cents, blaming the cost of flour and fuel.",
             "A stray goat that wandered onto the runway at Elsby airfield delayed two morning flights by an hour."]
    [art] = _read_records(tmp_path, {"id": "noticed", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n\n".join([*BODY, notice, *after])})
    assert art.text.splitlines() == BODY, [(s.reason, s.text[:50]) for s in art.removed]
    assert [s.reason for s in art.removed if s.text.startswith("LEGAL NOTICE")] == ["legal-notice"]
    assert all("unrelated-story" in [s.reason for s in art.removed if line[:30] in s.text] for line in after)
    # a court's "may not be applied" is news, not a notice
    ruling = "The court ruled that the new wind limits may not be applied to cranes installed before 2010."
    [kept] = _read_records(tmp_path, {"id": "ruling", "text": "\n\n".join([*BODY, ruling])})
    assert kept.text.splitlines() == [*BODY, ruling]


def test_legal_warnings_and_notices_are_furniture_with_or_without_a_colon_but_a_story_about_one_is_not():
    from newsfuse.clean import _hard_reason

    assert _hard_reason("LEGAL WARNING This content is protected by copyright law.") == "legal-notice"
    assert _hard_reason("Legal warning: reproduction without permission is prohibited.") == "legal-notice"
    assert _hard_reason("Legal notice: the contents of this page belong to the Courier.") == "legal-notice"
    assert _hard_reason("The council issued a legal notice to the owners of the crane on Friday.") is None


def test_a_category_menu_is_navigation_and_a_page_of_only_labels_is_no_article(tmp_path):
    menu = ("Categories Select Category 2016 EXAM GUIDE 2017 TEST SERIES AGRICULTURE ART BOOKS BUDGET CULTURE CURRENT "
            "AFFAIRS DAILY QUIZ ECONOMY ESSAY ETHICS GEOGRAPHY HISTORY INTERVIEW TIPS MAPS MOCK EXAMS POLITY SCIENCE "
            "SOCIETY VIDEOS World History")
    [art] = _read_records(tmp_path, {"id": "menu", "title": "Crane collapse closes Port Elsby's northern dock",
                                     "text": "\n\n".join([*BODY, menu])})
    assert art.text.splitlines() == BODY
    assert [s.reason for s in art.removed if s.text.startswith("Categories")] == ["navigation"]
    # a list of names a sentence introduces is the report's, however capitalised
    names = ("These are the nine crew members the harbour authority named on Tuesday: Ann Lee Bo Sand Cy Reed Dee Holt "
             "Eli Marsh Fay Quinn Gus Hart Hal Pike Ida Stone")
    [kept] = _read_records(tmp_path, {"id": "names", "text": "\n\n".join([*BODY, names])})
    assert kept.text.splitlines() == [*BODY, names]
    # nothing but promo labels and a menu: no article, said so
    problems: list = []
    p = tmp_path / "labels.jsonl"
    p.write_text(json.dumps({"id": "labels", "text": "\n".join(
        ["FREE MOCK TEST SERIES", "PORT EXAMS TEST SERIES – 2018 (GS + CSAT Total 40 Tests)", "MONTHLY MAGAZINES", menu])}) + "\n",
        encoding="utf-8")
    arts = pipeline.read([str(p)], problems)
    assert pipeline.with_text(arts, problems) == []
    assert any("no sentence left after cleaning" in pr.message for pr in problems), problems
