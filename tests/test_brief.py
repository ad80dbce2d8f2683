"""Helpers for brief tests: invented mini-stories as Article + Analysis with exact offsets."""

from __future__ import annotations

from newsfuse.model import Analysis, Article, Claim, DateRef, Quantity, Quote, Sentence, Speaker


class Doc:
    """Build one article sentence by sentence; every quote/claim/date gets offsets into `raw`."""

    def __init__(self, aid: str, outlet: str = "", published: str | None = "2024-03-01", title: str = "", duplicate_of: str | None = None):
        self.article = Article(id=aid, outlet=outlet, published=published, title=title, duplicate_of=duplicate_of)
        self.analysis = Analysis(article=aid)
        self.raw = ""

    def say(self, text: str) -> "Doc":
        """Append a sentence."""
        start = len(self.raw) + (1 if self.raw else 0)
        self.raw = (self.raw + " " if self.raw else "") + text
        self.analysis.sentences.append(Sentence(self.article.id, len(self.analysis.sentences), start, start + len(text), text))
        return self

    def _span(self, fragment: str) -> tuple[int, int]:
        s = self.analysis.sentences[-1]
        i = self.raw.index(fragment, s.start)
        return i, i + len(fragment)

    def quote(self, fragment: str, speaker: str, entity: str | None = None, direct: bool = True) -> "Doc":
        """Mark `fragment` of the last sentence as a quote by `speaker`."""
        a, b = self._span(fragment)
        self.analysis.quotes.append(Quote(self.article.id, a, b, fragment, direct, Speaker(speaker, entity)))
        return self

    def claim(self, measures: str, *quantities: tuple, subject: str = "") -> "Doc":
        """Mark quantities (fragment, value, unit[, qualifier[, original_value, original_unit]]) of the last sentence."""
        s = self.analysis.sentences[-1]
        qs = []
        for q in quantities:
            frag, value, unit, *rest = q
            a, b = self._span(frag)
            qual = rest[0] if rest else ""
            ov, ou = (rest[1], rest[2]) if len(rest) > 2 else (None, "")
            qs.append(Quantity(value, unit, qual, frag, a, b, ov, ou))
        self.analysis.claims.append(Claim(self.article.id, s.start, s.end, s.text, qs, measures, subject))
        return self

    def date(self, fragment: str, iso: str, end: str | None = None, granularity: str = "day") -> "Doc":
        a, b = self._span(fragment)
        self.analysis.dates.append(DateRef(fragment, iso, end, granularity, False, a, b))
        return self

    def done(self) -> tuple[Article, Analysis]:
        self.article.raw = self.article.text = self.raw
        return self.article, self.analysis


def story(*docs: Doc) -> tuple[list[Article], dict[str, Analysis]]:
    """Articles and analyses of a mini-story."""
    pairs = [d.done() for d in docs]
    return [a for a, _ in pairs], {a.id: an for a, an in pairs}


# ------------------------------------------------------------------------------------------------
# tests: conflicts, corroboration, timeline, build (invented mini-stories)
# ------------------------------------------------------------------------------------------------

import pytest  # noqa: E402

from newsfuse import align, brief  # noqa: E402
from newsfuse.brief import conflicts, corroboration, timeline  # noqa: E402
from newsfuse.model import Story  # noqa: E402


def _conflicts(arts, ans):
    al = align.align(arts, ans)
    return conflicts.find(arts, ans, al)


def test_rounding_step_and_tolerance():
    assert conflicts.rounding_step(1500) == 500
    assert conflicts.rounding_step(1600) == 100
    assert conflicts.rounding_step(7) == 1
    assert conflicts.rounding_step(2.5) == 0.1
    st = conflicts.stated(Quantity(1500.0, "mile", "", "1,500 miles"))
    assert st.lo < 1553.4 * 1609.344 < st.hi  # 2,500 km is about 1,553 miles: 1,500 is a rounding of it


def test_km_miles_rounding_is_not_a_contradiction():
    a = Doc("a", "Daily Ledger").say("The new pipeline will run 800 km (500 miles) from the coast to the capital.")
    a.claim("length", ("800 km", 800.0, "kilometer"), ("(500 miles)", 804.672, "kilometer", "", 500.0, "mile"))
    b = Doc("b", "Harbor Times").say("The pipeline, 800 kilometres (about 497 miles) long, links the coast with the capital.")
    b.claim("length", ("800 kilometres", 800.0, "kilometer"), ("(about 497 miles)", 799.84, "kilometer", "about", 497.0, "mile"))
    out = _conflicts(*story(a, b))
    assert [c.kind for c in out] == ["rounding"]
    assert "497" in out[0].explanation and "500" in out[0].explanation and "mile" in out[0].explanation
    assert out[0].severity == "none"


def test_death_toll_update_by_publication_time():
    docs = []
    for aid, outlet, when, word, n in [
        ("t1", "Morning Wire", "2024-05-02T06:00", "five", 5.0),
        ("t2", "Evening Post", "2024-05-02T18:00", "seven", 7.0),
        ("t3", "Valley Radio", "2024-05-02T02:00", "three", 3.0),
    ]:
        d = Doc(aid, outlet, when).say(f"At least {word} people were killed when the ferry capsized off the island, officials said.")
        d.claim("people killed", (word, n, "", "at least"))
        docs.append(d)
    out = _conflicts(*story(*docs))
    assert len(out) == 1 and out[0].kind == "update"
    assert [c.value for c in out[0].claims] == [3.0, 5.0, 7.0]  # ordered by publication time
    assert "latest is seven" in out[0].explanation


def test_exact_figures_that_disagree_are_a_contradiction():
    a = Doc("a", "Daily Ledger").say("The dam that failed on Tuesday was 120 metres high, engineers said.")
    a.claim("height of dam", ("120 metres", 120.0, "meter"))
    b = Doc("b", "Harbor Times").say("Engineers said the dam that failed on Tuesday was 80 metres high.")
    b.claim("height of dam", ("80 metres", 80.0, "meter"))
    out = _conflicts(*story(a, b))
    assert [(c.kind, c.severity) for c in out] == [("contradiction", "high")]


def test_agreeing_figures_are_no_conflict():
    a = Doc("a", "Daily Ledger").say("The bridge is 1,200 metres long and opened in spring.")
    a.claim("length of bridge", ("1,200 metres", 1200.0, "meter"))
    b = Doc("b", "Harbor Times").say("The 1.2 km bridge opened to traffic this spring.")
    b.claim("length of bridge", ("1.2 km", 1200.0, "meter", "", 1.2, "kilometer"))
    assert _conflicts(*story(a, b)) == []


def test_counts_of_different_things_are_different_measure():
    a = Doc("a", "Daily Ledger").say("The minister is on her fourth visit to Paris since March.")
    a.claim("visit to Paris", ("fourth", 4.0, "ordinal"), subject="minister")
    b = Doc("b", "Harbor Times").say("The talks, their ninth meeting since the election, took place in Paris.")
    b.claim("meeting", ("ninth", 9.0, "ordinal"))
    out = _conflicts(*story(a, b))
    assert all(c.kind != "contradiction" for c in out)


def test_wire_copies_and_one_outlet_count_once():
    text = "Heavy rain flooded the old town of Riverton overnight, forcing hundreds of residents to leave their homes."
    a = Doc("w1", "Wire Agency").say(text)
    b = Doc("w2", "Local Daily", duplicate_of="w1").say(text)
    c = Doc("w3", "Wire Agency").say("Overnight heavy rain flooded Riverton's old town and forced hundreds of residents from their homes.")
    arts, ans = story(a, b, c)
    keys = align.source_keys(arts)
    assert len(set(keys.values())) == 1
    al = align.align(arts, ans, min_support=1)
    assert al.facts and al.facts[0].support == 1
    d = Doc("x", "Mountain News").say("Floods forced hundreds of Riverton residents to leave their homes overnight after heavy rain.")
    arts, ans = story(Doc("w1", "Wire Agency").say(text), Doc("w2", "Local Daily", duplicate_of="w1").say(text), d)
    al = align.align(arts, ans)
    assert len(al.facts) == 1 and al.facts[0].support == 2 and set(al.facts[0].articles) == {"w1", "w2", "x"}


def _mini_story():
    a = Doc("a", "Daily Ledger", "2024-06-12", title="Storm floods Riverton").say(
        "Heavy rain flooded the old town of Riverton on Tuesday, forcing hundreds of residents to leave their homes.")
    a.date("Tuesday", "2024-06-11")
    a.say("The city has approved a plan called “Project Dry Feet” to raise the river walls by 2027.")
    a.say("Mayor Ana Lopez said the repairs would cost 40 million euros.")
    a.claim("repair cost", ("40 million euros", 40e6, "EUR"))
    b = Doc("b", "Harbor Times", "2024-06-12", title="Riverton under water after storm").say(
        "On Tuesday heavy rains flooded Riverton's old town and hundreds of residents had to leave their homes.")
    b.date("Tuesday", "2024-06-11")
    b.say("“We will rebuild every street,” Mayor Ana Lopez told reporters.")
    b.quote("“We will rebuild every street,”", "Ana Lopez")
    c = Doc("c", "Valley Radio", "2024-06-12").say(
        "Floods hit Riverton on Tuesday as heavy rain forced hundreds of residents out of their homes in the old town.")
    c.date("Tuesday", "2024-06-11")
    c.say("Lopez promised that the city would rebuild all of its streets.")
    c.quote("the city would rebuild all of its streets", "Lopez", direct=False)
    return story(a, b, c)


def test_single_source_names_a_project_and_a_figure():
    arts, ans = _mini_story()
    al = align.align(arts, ans)
    items = corroboration.single_source(arts, ans, al)
    texts = " ".join(s.text for s in items)
    assert "Project Dry Feet" in texts
    assert "40 million" in texts
    assert all(s.why for s in items)
    assert not any("flooded" in s.text for s in items)  # corroborated: not single-source


def test_a_single_source_figure_is_shown_as_the_article_wrote_it():
    arts, ans = _mini_story()
    extra = Doc("d", "Hill Gazette").say("The flood wall in Riverton, around three foot at the most, was easy for the water to top.").claim(
        "flood wall", ("three foot", 0.0009144, "kilometer"))
    arts2, ans2 = story(extra)
    arts, ans = arts + arts2, {**ans, **ans2}
    al = align.align(arts, ans)
    why = " ".join(s.why for s in corroboration.single_source(arts, ans, al) if "flood wall" in s.text)
    assert "three foot" in why and "0.0009" not in why and "kilometer" not in why, why


def test_a_contributor_line_is_not_a_single_source_claim():
    arts, ans = _mini_story()
    extra = Doc("d", "Hill Gazette").say("Riverton's river walls were raised by 40 centimetres in 2019, the city said.").say(
        "Maren Olufsen and Tobiah Quill contributed to this report.")
    arts2, ans2 = story(extra)
    arts, ans = arts + arts2, {**ans, **ans2}
    al = align.align(arts, ans)
    assert not any("contributed" in s.text for s in corroboration.single_source(arts, ans, al))


def test_timeline_merges_one_event_across_outlets():
    arts, ans = _mini_story()
    al = align.align(arts, ans)
    events = timeline.build(arts, ans, al)
    flood = [e for e in events if e.date == "2024-06-11"]
    assert len(flood) == 1 and flood[0].articles == ["a", "b", "c"]


def test_build_end_to_end():
    arts, ans = _mini_story()
    b = brief.build(Story("s1", [a.id for a in arts]), arts, ans, entities=[])
    assert b.title in {"Storm floods Riverton", "Riverton under water after storm"}
    assert b.facts[0].support == 3
    assert any(len(q.articles) == 2 and q.speaker for q in b.quotes)  # direct + indirect: one group
    assert b.timeline and b.single_source


def test_the_title_is_the_central_headline_not_the_earliest_articles():
    arts, ans = _mini_story()
    old = Doc("z", "Archive Weekly", "2023-01-05", title="Council debates river walls budget for Riverton").say(
        "The council debated the budget for Riverton's river walls on Thursday.")
    arts2, ans2 = story(old)
    arts, ans = arts2 + arts, {**ans, **ans2}
    # clustering labels a story with its earliest article's headline; the brief reads all of them
    b = brief.build(Story("s1", [a.id for a in arts], title=old.article.title), arts, ans, entities=[])
    assert b.title in {"Storm floods Riverton", "Riverton under water after storm"}, b.title


def test_rising_toll_on_different_days_is_an_update_and_same_day_clash_a_contradiction():
    def d(aid, outlet, when, word, n):
        x = Doc(aid, outlet, when).say(f"{word.capitalize()} people were killed when the ferry capsized off the island, officials said.")
        return x.claim("people killed", (word.capitalize(), n, ""))
    out = _conflicts(*story(d("a", "Morning Wire", "2024-05-02", "three", 3.0), d("b", "Evening Post", "2024-05-03", "five", 5.0),
                            d("c", "Valley Radio", "2024-05-04", "seven", 7.0)))
    assert [c.kind for c in out] == ["update"] and out[0].topic == "people killed"
    out = _conflicts(*story(d("a", "Morning Wire", "2024-05-02", "three", 3.0), d("b", "Evening Post", "2024-05-02", "nine", 9.0)))
    assert [c.kind for c in out] == ["contradiction"]


def test_missing_and_killed_counts_are_not_compared():
    a = Doc("a", "Morning Wire", "2024-05-02").say("Five people died and the ferry sank near the island, officials said.")
    a.claim("people died", ("Five", 5.0, ""))
    b = Doc("b", "Evening Post", "2024-05-02").say("Nine people are still missing after the ferry sank near the island.")
    b.claim("people", ("Nine", 9.0, ""))
    assert _conflicts(*story(a, b)) == []


def test_different_years_for_when_a_thing_was_built_are_a_contradiction():
    a = Doc("a", "Daily Ledger").say("The old stone bridge, built in 1891, collapsed into the river on Monday night.")
    b = Doc("b", "Harbor Times").say("The stone bridge, built in 1902, fell into the river late on Monday.")
    out = _conflicts(*story(a, b))
    assert [c.kind for c in out] == ["contradiction"] and {x.value for x in out[0].claims} == {1891.0, 1902.0}
    c = Doc("c", "Valley Radio").say("The stone bridge, built in 1891, fell into the river late on Monday.")
    assert _conflicts(*story(a, c)) == []


def test_timeline_skips_the_start_of_a_counting_window():
    from newsfuse import pipeline

    text = ("The minister arrived in Kelvor on Friday, her third visit since January. "
            "Talks have stalled since mid-August, officials said. It was the largest protest since March 2024.")
    a = Article(id="tl", raw=text, text=text, published="2025-10-17")
    an = pipeline.analyze([a])
    assert {d.expression for d in an["tl"].dates} >= {"January", "March 2024"}  # found, just not events
    assert [(e.date, e.expression) for e in timeline.build([a], an)] == [("2025-08", "mid-August"), ("2025-10-17", "Friday")]


def test_corroborated_sentence_with_details_only_one_source_gives_is_single_source():
    a = Doc("a", "Valley Herald").say(
        "Fire crews contained the warehouse blaze in Dunmore on Friday after six hours, officials said."
    ).say("The warehouse, owned by Kestrel Logistics, stored paper and textiles for regional retailers.")
    b = Doc("b", "County Wire").say(
        "Fire crews contained the warehouse blaze in Dunmore on Friday after six hours, investigators said, "
        "and arson detectives from Carlow Prefecture seized a petrol canister near the loading bay."
    ).say("Residents of nearby streets were told to keep their windows closed because of the smoke.")
    c = Doc("c", "Metro Times").say("Firefighters contained the Dunmore warehouse blaze on Friday after six hours.")
    arts, ans = story(a, b, c)
    al = align.align(arts, ans)
    assert any("b" in f.articles and f.support >= 2 for f in al.facts)
    items = corroboration.single_source(arts, ans, al)
    canister = [x for x in items if "canister" in x.text]
    assert canister and canister[0].article == "b" and "corroborated" in canister[0].why


def test_a_related_headline_is_no_timeline_event():
    a = Doc("a", "Coast Ledger", "2024-03-01").say("The harbour crane collapsed on Thursday, injuring two dock workers.")
    a.date("Thursday", "2024-02-29")
    a.say("Storm in March: Ferry sank on Tuesday")
    a.date("Tuesday", "2024-02-27")
    arts, ans = story(a)
    events = timeline.build(arts, ans)
    assert [e.date for e in events] == ["2024-02-29"]


def test_a_teaser_question_and_a_layout_pointer_are_not_single_source_claims():
    arts, ans = _mini_story()
    extra = Doc("d", "Night Desk", "2024-06-12").say(
        "Heavy rain flooded Riverton's old town on Tuesday and hundreds of residents left their homes."
    ).say("Could the Harrowgate reservoir scheme finally tame the Lune valley?").say(
        "Below is a sample of the Harrowgate insurers' claims forms.").say(
        "Engineers from Ostley Consulting said a culvert under Mill Street collapsed, blocking drainage."
    ).say("A neighbour quoted the sign that read: “Will the Lune valley ever be dry again?”")
    a2, an2 = story(extra)
    arts, ans = arts + a2, {**ans, **an2}
    items = corroboration.single_source(arts, ans, align.align(arts, ans))
    texts = [x.text for x in items]
    assert any("Ostley" in t for t in texts), "a statement only one outlet makes is listed"
    assert any("Will the Lune" in t for t in texts), "a quoted question is the outlet's report, not a teaser"
    assert not any("Could the Harrowgate" in t or t.startswith("Below is") for t in texts)


def test_an_undated_lead_that_others_carry_is_dated_to_its_publication_day():
    from newsfuse import align as align_stage, pipeline
    from newsfuse.model import Article

    lead = "The harbour authority of Port Vella has admitted that up to 40,000 passengers' booking records were exposed."
    a = Article(id="a", outlet="Coast Daily", published="2024-09-14T08:00",
                raw=lead + " Its chief apologised to customers.", text=lead + " Its chief apologised to customers.")
    b = Article(id="b", outlet="Bay Wire", published="2024-09-14T12:00",
                raw="Port Vella's harbour authority admitted up to 40,000 passengers' booking records were exposed. "
                    "The authority runs the island's two ferry terminals.",
                text="Port Vella's harbour authority admitted up to 40,000 passengers' booking records were exposed. "
                     "The authority runs the island's two ferry terminals.")
    teaser = "Watch our gallery of this summer's best beach festivals along the northern coast of the island."
    c = Article(id="c", outlet="Island Post", published="2024-09-15T09:00",
                raw=teaser + " Port Vella's harbour authority said the exposed booking records were found in an old file.",
                text=teaser + " Port Vella's harbour authority said the exposed booking records were found in an old file.")
    arts = [a, b, c]
    an = pipeline.analyze(arts)
    events = timeline.build(arts, an, align_stage.align(arts, an))
    day = [e for e in events if e.date == "2024-09-14"]
    assert day and day[0].expression == "published" and set(day[0].articles) >= {"a"}
    assert not any("festival" in e.text for e in events)


def test_a_short_sentence_of_details_only_one_source_gives_is_single_source():
    a = Doc("a", "Valley Herald").say(
        "Fire crews contained the warehouse blaze in Dunmore on Friday after six hours, officials said."
    ).say("Crews then put a dredger aboard.")
    b = Doc("b", "County Wire").say(
        "Fire crews contained the warehouse blaze in Dunmore on Friday after six hours, investigators said.")
    c = Doc("c", "Metro Times").say("Firefighters contained the Dunmore warehouse blaze on Friday after six hours.")
    arts, ans = story(a, b, c)
    items = corroboration.single_source(arts, ans, align.align(arts, ans))
    assert any("dredger" in x.text and x.article == "a" for x in items)


def test_a_long_line_without_a_closing_stop_is_no_timeline_event():
    # a slideshow widget and a table's introduction carry dates but report nothing
    a = Doc("a", "Coin Ledger", "2024-03-01").say("The token fell 14 percent on Thursday, its steepest drop this year.")
    a.date("Thursday", "2024-02-29")
    a.say("Token prices: a year in charts Tue, February 27, 2024 Compare coins on value, market cap and supply "
          "Play slideshow Getty Images 1 of 10")
    a.date("February 27, 2024", "2024-02-27")
    a.say("This table from the exchange summarises how the major coins traded on Tuesday, February 27:")
    a.date("Tuesday, February 27", "2024-02-27")
    a.say("When the old token crashed on the exchange in March 2023, trading was halted for more than a week")
    a.date("March 2023", "2023-03")
    arts, ans = story(a)
    assert [e.date for e in timeline.build(arts, ans)] == ["2023-03", "2024-02-29"]  # a lost full stop is no widget


def test_a_single_source_item_is_named_by_its_own_outlet_not_its_wire_family():
    wire = "Fire crews contained the warehouse blaze in Dunmore on Friday after six hours, officials said."
    a = Doc("a", "Valley Herald").say(wire)
    b = Doc("b", "County Wire", duplicate_of="a").say(wire)  # County Wire carries the Herald's copy ...
    c = Doc("c", "County Wire").say("Firefighters contained the Dunmore warehouse blaze on Friday.").say(
        "Arson detectives from Carlow Prefecture seized a petrol canister near the loading bay.")  # ... and its own
    d = Doc("d", "Metro Times").say("Firefighters put out the Dunmore warehouse fire on Friday after six hours.")
    arts, ans = story(a, b, c, d)
    items = [x for x in corroboration.single_source(arts, ans, align.align(arts, ans)) if "canister" in x.text]
    assert items and items[0].why.startswith("County Wire:"), items


def test_a_figure_in_millions_is_no_small_count():
    from newsfuse.brief.corroboration import _numbers
    assert [raw for raw, _ in _numbers("The nation of 4.8 million people had 2 airports and 7 ports.")] == ["4.8 million"]


def test_wire_datelines_are_cut_from_statements_quotes_and_timeline():
    from newsfuse import pipeline
    from newsfuse.model import Article

    texts = {
        "a": ("PORT VELLA, March 3 (AP) - Ferry crews in Port Vella walked out on Tuesday over unpaid overtime, "
              "the dockers' union said. Union leader Hana Orvik said the strike would last until the harbour board paid."),
        "b": ("PORT VELLA, Isle of Sarn — Ferry crews in Port Vella walked out on Tuesday over unpaid overtime, "
              "the dockers' union said. The harbour board said it would meet the union on Thursday."),
        "c": ("(CNN) Ferry crews in Port Vella walked out on Tuesday over unpaid overtime, the dockers' union said. "
              "Travellers to the island were told to expect long delays until the weekend."),
        "d": ("SARN HARBOUR, Isle of Sarn, March 3 (Reuters) - Ferry crews in Port Vella walked out on Tuesday over unpaid "
              "overtime, the dockers' union said. Some 1,200 passengers were stranded on the first day."),
    }
    arts = [Article(id=k, outlet=f"Outlet {k}", published="2024-03-06T09:00", raw=v, text=v) for k, v in texts.items()]
    an = pipeline.analyze(arts)
    b = brief.build(Story("s1", list(texts)), arts, an, entities=[])
    lines = [f.text for f in b.facts] + [s.text for s in b.single_source] + [e.text for e in b.timeline]
    lines += [v.text for item in [*b.facts, *b.quotes] for v in item.variants]
    lines += [x.text for c in b.conflicts for x in c.claims]
    assert any(t.startswith("Ferry crews in Port Vella walked out") for t in lines)
    assert not any(t.startswith(("PORT VELLA", "SARN HARBOUR", "(CNN)")) for t in lines), lines
    assert not any("reuter" in s.why.lower() for s in b.single_source)  # the dateline's agency is no detail
    # a place with its region and the day (the parser may keep it in the sentence)
    line = "SARN HARBOUR, Isle of Sarn, March 3 (Reuters) - Ferry crews in Port Vella walked out on Tuesday."
    assert line[brief.datelines.dateline_length(line):].startswith("Ferry crews")
    by_id = {a.id: a for a in arts}
    for item in [*b.facts, *b.quotes]:
        for v in item.variants:
            if v.start >= 0 and v.text.startswith("Ferry crews"):
                assert by_id[v.article].raw[v.start :].startswith("Ferry crews")  # offsets moved with the text


def test_later_this_month_is_dated_to_the_month_not_the_next_day():
    from newsfuse import pipeline

    text = "The ferry operator expects the regulator's approval later this month, its chief said on Tuesday."
    a = Article(id="lm", raw=text, text=text, published="2025-10-14")
    an = pipeline.analyze([a])
    got = [(e.date, e.expression) for e in timeline.build([a], an)]
    assert ("2025-10", "later this month") in got and not any(d == "2025-10-15" for d, _ in got), got


def test_the_cyclic_gc_is_paused_while_a_brief_is_built_and_restored_after(monkeypatch):
    import gc

    a = Doc("a", "Ledger").say("The Harbor Board approved a 40 million dollar dredging plan on Tuesday after a long debate.")
    b = Doc("b", "Courier").say("On Tuesday the Harbor Board approved the 40 million dollar dredging plan.")
    arts, ans = story(a, b)
    seen, build = [], brief._build
    monkeypatch.setattr(brief, "_build", lambda *args, **kw: seen.append(gc.isenabled()) or build(*args, **kw))
    assert gc.isenabled()
    with brief.cyclic_gc_paused():  # nested: the inner exit must not turn it back on
        got = brief.build(Story(id="s", articles=["a", "b"]), arts, ans)
        assert not gc.isenabled()
    assert gc.isenabled() and seen == [False] and got.facts
    with pytest.raises(ValueError):
        with brief.cyclic_gc_paused():
            raise ValueError("a failing brief")
    assert gc.isenabled()
    gc.disable()  # a caller that turned it off keeps it off
    try:
        brief.build(Story(id="s", articles=["a", "b"]), arts, ans)
        assert not gc.isenabled() and seen == [False, False]
    finally:
        gc.enable()


def test_blas_runs_one_thread_while_a_brief_is_built_and_its_setting_comes_back(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    import numpy as np

    from newsfuse.nlp.loading import blas_threads  # noqa: F401  (loads numpy's BLAS, as an ingest has)

    np.ones((2, 2)) @ np.ones((2, 2))
    outer = threadpoolctl.threadpool_limits(limits=2, user_api="blas")  # two, whatever the machine: one must show
    before = {i["filepath"]: i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"}
    a = Doc("a", "Ledger").say("The Harbor Board approved a 40 million dollar dredging plan on Tuesday after a long debate.")
    b = Doc("b", "Courier").say("On Tuesday the Harbor Board approved the 40 million dollar dredging plan.")
    arts, ans = story(a, b)
    seen, build = [], brief._build
    monkeypatch.setattr(brief, "_build", lambda *args, **kw: seen.append(
        {i["filepath"]: i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"})
        or build(*args, **kw))
    for _ in range(2):  # the second brief reuses the libraries the first one found
        brief.build(Story(id="s", articles=["a", "b"]), arts, ans)
    assert before and seen == [dict.fromkeys(before, 1)] * 2
    assert {i["filepath"]: i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"} == before
    assert set(before.values()) == {2}
    outer.restore_original_limits()


def test_a_name_another_source_writes_is_no_single_source_name_though_its_ner_missed_it():
    from newsfuse.model import Entity, Mention

    def run(other_line: str) -> str:
        a = Doc("a", "Daily Ledger").say(
            "Heavy rain flooded the old town of Riverton on Tuesday, forcing hundreds of residents to leave their homes.")
        a.say("The Harbor City Hawks postponed Saturday's home game at Riverton Park until the flooded pitch dries out.")
        b = Doc("b", "Harbor Times").say(
            "On Tuesday heavy rains flooded Riverton's old town and hundreds of residents had to leave their homes.")
        b.say(other_line)
        arts, ans = story(a, b)
        raw = arts[0].raw
        at = raw.index("Harbor City Hawks")
        hawks = Entity("org:hawks", "Harbor City Hawks", "ORG", [], [Mention("a", at, at + 17, "Harbor City Hawks")])
        al = align.align(arts, ans, [hawks])
        return " ".join(s.why for s in corroboration.single_source(arts, ans, al, [hawks]) if "postponed" in s.text)

    assert "names no other source mentions: Harbor City Hawks" in run(
        "Volunteers stacked sandbags along the river wall through the night.")
    assert "Harbor City Hawks" not in run(  # the Times writes the name; only its NER did not tag it
        "Volunteers stacked sandbags while the Harbor City Hawks moved training to a school gym.")
