"""Dates: explicit and relative expressions resolve against the publication date; undated articles get one."""

from __future__ import annotations

import time

import pytest

from newsfuse import dates, ingest, nlp, pipeline
from newsfuse.model import Analysis, Article


def _art(raw: str, published: str | None = None, id: str = "t") -> Article:
    """An article whose kept text is its raw text (unit tests don't depend on the cleaner)."""
    return Article(id=id, raw=raw, text=raw, published=published)


def _refs(text: str, published: str | None = "2025-10-17") -> dict[str, object]:
    art = _art(text, published)
    [doc] = nlp.parse([art.text])
    return {r.expression: r for r in dates.resolve(art, doc)}


def test_weekdays_follow_tense_and_same_day_publication():
    # 2025-10-17 is a Friday
    r = _refs("The minister met union leaders on Friday. She spoke to reporters Thursday. "
              "The board will vote on Tuesday, and the mayor will visit the port on Friday.")
    assert r["Friday"].date == "2025-10-17"
    assert r["Thursday"].date == "2025-10-16"
    assert r["Tuesday"].date == "2025-10-21"


def test_next_and_last_weekday_are_strict():
    r = _refs("Talks resumed last Friday and will continue next Tuesday.")
    assert r["last Friday"].date == "2025-10-10"
    assert r["next Tuesday"].date == "2025-10-21"


def test_explicit_dates_and_ranges():
    r = _refs("The dam opened on August 15 and failed in February 2022. The report is dated 2025-10-03. "
              "Work stopped in mid-August and resumes next month. Officials met earlier this week "
              "and hope for a deal within two weeks. Rain fell yesterday.")
    assert r["August 15"].date == "2025-08-15" and r["August 15"].granularity == "day"
    assert (r["February 2022"].date, r["February 2022"].end_date, r["February 2022"].granularity) == ("2022-02-01", "2022-02-28", "month")
    assert r["2025-10-03"].date == "2025-10-03"
    assert (r["mid-August"].date, r["mid-August"].end_date) == ("2025-08-11", "2025-08-20")
    assert (r["next month"].date, r["next month"].end_date) == ("2025-11-01", "2025-11-30")
    assert (r["earlier this week"].date, r["earlier this week"].end_date) == ("2025-10-13", "2025-10-16")
    assert (r["within two weeks"].date, r["within two weeks"].end_date) == ("2025-10-17", "2025-10-31")
    assert r["yesterday"].date == "2025-10-16"


def test_year_of_yearless_date_follows_tense():
    r = _refs("The storm hit on December 28. The new bridge will open on January 9.", published="2026-01-05")
    assert r["December 28"].date == "2025-12-28"
    assert r["January 9"].date == "2026-01-09"


def test_day_before_counts_from_the_date_just_mentioned():
    r = _refs("Earlier Thursday, the ministry denied a claim made the day before by the governor.")
    assert r["Earlier Thursday"].date == "2025-10-16"
    assert r["the day before"].date == "2025-10-15"


def test_offsets_point_into_raw_and_datetime_anchor():
    raw = "Home: menu\nThe council met on Monday.\n"
    art = Article(id="t", raw=raw, text="The council met on Monday.", kept_spans=[(11, 37)], published="2025-10-17T09:30:00Z")
    [doc] = nlp.parse([art.text])
    [ref] = [r for r in dates.resolve(art, doc) if r.expression == "Monday"]
    assert raw[ref.start : ref.end] == "Monday" and ref.date == "2025-10-13"


def test_undated_article_is_pending_then_inferred_from_batch():
    a = _art("Rescuers reached the village on Friday after the quake, officials in Lima said.", "2025-03-14", "a")
    b = _art("Rescuers in Lima said the quake hit the village on Friday; aid arrives next week.", None, "b")
    an = pipeline.analyze([a, b])
    assert {r.date for r in an["b"].dates} == {""}  # no anchor yet
    dates.infer_published([a, b], an)
    assert b.published == "2025-03-14" and b.published_inferred and not a.published_inferred
    fri = next(r for r in an["b"].dates if r.expression == "Friday")
    assert fri.date == "2025-03-14" and fri.inferred


def test_bad_input_does_not_crash():
    for text in ["", "   ", "Der Minister traf am Freitag die Gewerkschaften. Am Montag folgt die Abstimmung.", "%%% ### 12/34/5678"]:
        art = _art(text, "2025-10-17")
        [doc] = nlp.parse([art.text])
        assert isinstance(dates.resolve(art, doc), list)
    dates.infer_published([Article(id="y")], {"y": Analysis(article="y")})


def test_long_article_is_linear():
    sent = "The agency said on Tuesday that crews repaired 14 lines. "
    art = _art(sent * 3000, "2025-10-17")
    t = time.perf_counter()
    refs = dates.resolve(art, None)
    assert len(refs) == 3000 and time.perf_counter() - t < 5


# --- seeds (../shared/seeds, outside the repo) ---

@pytest.fixture(scope="module")
def seeds(seeds_dir):
    return {a.id[:3]: a for a in ingest.ingest([str(seeds_dir)])}


def test_seed_friday_is_october_17(seeds):
    for key in ("000", "002", "004"):
        art = _art(seeds[key].raw, "2025-10-17", seeds[key].id)
        [doc] = nlp.parse([art.text])
        fridays = [r for r in dates.resolve(art, doc) if r.expression.endswith("Friday")]
        assert fridays and all(r.date == "2025-10-17" for r in fridays), key


def test_seed_publication_dates_are_inferred(seeds):
    arts = [_art(a.raw, None, a.id) for a in seeds.values()]
    an = pipeline.analyze(arts)
    dates.infer_published(arts, an)
    assert all(a.published == "2025-10-17" and a.published_inferred for a in arts)
    by = {a.id[:3]: an[a.id] for a in arts}
    assert any(r.expression == "October 17" and r.date == "2025-10-17" for r in by["001"].dates)
    assert any(r.expression == "Friday" and r.date == "2025-10-17" and r.inferred for r in by["000"].dates)


# --- reviewer fixes (invented text) ---

def test_yearless_day_month_takes_the_closest_year():
    # published Thursday 2024-03-14
    r = _refs("The audit must be delivered by 28 March. The levee was rebuilt on 2 March.", published="2024-03-14")
    assert r["28 March"].date == "2024-03-28"
    assert r["2 March"].date == "2024-03-02"
    r = _refs("The pier reopened on 20 December.", published="2025-01-03")
    assert r["20 December"].date == "2024-12-20"


def test_past_reporting_verb_beats_an_earlier_future_in_the_sentence():
    r = _refs('"Every bridge will be repaired," the mayor said late on Tuesday.', published="2024-03-14")
    assert r["Tuesday"].date == "2024-03-12"
    r = _refs("Crews expected the river to fall, she said late on Monday.", published="2024-03-14")
    assert r["Monday"].date == "2024-03-11"
    r = _refs("He said the council would vote on Tuesday.", published="2024-03-14")
    assert r["Tuesday"].date == "2024-03-19"


def test_past_tense_verb_keeps_a_yearless_date_behind_publication():
    # published 2025-11-05: 30 March is closer ahead (2026) than behind (2025), but "broke down" is past tense
    r = _refs("Wage talks at the Pellmoor shipyard broke down on March 30 after the union delegates left. "
              "The yard reopens its order book on April 2.", published="2025-11-05")
    assert r["March 30"].date == "2025-03-30" and r["March 30"].past
    assert r["April 2"].date == "2026-04-02" and not r["April 2"].past  # present tense: the nearest year
    undated = _art("Union leader Ada Korrin left Pellmoor for Halvik. Korrin met Halvik managers. "
                   "Pellmoor called the visit useful. Wage talks between Pellmoor and Halvik broke down on "
                   "March 30 after Korrin left.", None, "u")
    dated = _art("Union leader Ada Korrin left Pellmoor for Halvik on Wednesday, the Pellmoor yard said.", "2025-11-05", "d")
    an = pipeline.analyze([undated, dated])
    dates.infer_published([undated, dated], an)  # the re-resolution against the inferred anchor keeps the tense
    mar = next(r for r in an["u"].dates if r.expression == "March 30")
    assert undated.published == "2025-11-05" and mar.date == "2025-03-30"


def test_day_after_publication_in_an_updated_day_stamped_report():
    # 2025-10-19 is a Sunday; the copy, stamped with the day only, was updated the next morning
    text = ("A ferry ran aground off Pell Island on Sunday, stranding 80 passengers. "
            "Harbour officials said Monday that a steering fault was the likely cause.")
    r = _refs(text, "2025-10-19")
    assert r["Sunday"].date == "2025-10-19"
    assert r["Monday"].date == "2025-10-20"


def test_a_bare_weekday_is_never_six_days_back():
    # 2025-10-20 is a Monday, stamped in the evening (a New York clock): "early Tuesday" happened in a time zone
    # already on Tuesday, the day after the stamp, not the Tuesday six days before
    text = "The rocket lifted off from the coastal launch site early Tuesday and fell into the sea an hour later."
    assert _refs(text, "2025-10-20T21:31:00")["early Tuesday"].date == "2025-10-21"
    assert _refs(text, "2025-10-20")["early Tuesday"].date == "2025-10-21"
    assert _refs("Harbour officials said Monday that a steering fault was to blame.", "2025-10-19")["Monday"].date == "2025-10-20"
    # the rest of the week stays in the past, and "last" still means the week before
    assert _refs(text, "2025-10-22T08:00:00")["early Tuesday"].date == "2025-10-21"
    assert _refs(text, "2025-10-21T08:00:00")["early Tuesday"].date == "2025-10-21"
    assert _refs("The rocket failed last Tuesday.", "2025-10-20")["last Tuesday"].date == "2025-10-14"


def test_a_long_future_clause_still_points_ahead():
    # 2025-10-19 is a Sunday
    r = _refs("The coroner said investigators would begin matching the recovered belongings with missing-person reports Tuesday.",
              "2025-10-19")
    assert r["Tuesday"].date == "2025-10-21"


def test_a_weekday_of_a_present_tense_event_is_the_coming_one():
    # 2025-10-17 is a Friday
    r = _refs("When the minister arrives on Tuesday, talks will begin.")
    assert r["Tuesday"].date == "2025-10-21"
    r = _refs("The trial opens on Tuesday in Dover.")
    assert r["Tuesday"].date == "2025-10-21"
    r = _refs("The harbour master says Tuesday that the ferry sailed on time.")
    assert r["Tuesday"].date == "2025-10-14", "a reporting verb in the present reports a past day"
    r = _refs("The ferry sank on Wednesday.")
    assert r["Wednesday"].date == "2025-10-15"


def test_a_month_range_between_two_months_names_both():
    r = _refs("Records of 90,000 members were exposed between May and July, the insurer said. It may take weeks to notify them.")
    assert r["May"].date == "2025-05-01" and r["July"].date == "2025-07-01"
    assert list(r) == ["May", "July"], "the modal 'may' is no month"


def test_the_following_month_counts_from_the_date_just_given_and_a_span_is_no_date():
    from newsfuse import pipeline
    from newsfuse.model import Article

    text = ("A driver sued the depot operator in May 2016. He dropped the lawsuit the following month. "
            "It was the second derailment in four months for the line. Repairs will start in four months.")
    a = Article(id="d", raw=text, text=text, published="2017-11-14T10:00:00")
    got = {(d.expression.strip(), d.date[:7]) for d in pipeline.analyze([a])["d"].dates}
    assert ("the following month", "2016-06") in got
    assert [d for d in got if d[0] == "in four months"] == [("in four months", "2018-03")]


def test_one_outlets_articles_sharing_a_stamp_to_the_second_are_not_dated_by_it():
    # two different reports of one outlet stamped 2025-12-01T21:37:00 by a crawl, months after the storm
    a = Article(id="a", raw="Storm Odile hit Porto Vell on Tuesday, flooding the harbour. Mayor Ines Duarte said the port would reopen.",
                text="", published="2025-12-01T21:37:00", outlet="wire.example", title="Storm Odile floods Porto Vell harbour")
    b = Article(id="b", raw="Mayor Ines Duarte said on Wednesday that Porto Vell's harbour would reopen after Storm Odile.",
                text="", published="2025-12-01T21:37:00", outlet="wire.example", title="Porto Vell harbour to reopen, mayor says")
    c = Article(id="c", raw="Storm Odile flooded the harbour of Porto Vell on Tuesday, Mayor Ines Duarte said.",
                text="", published="2025-09-10T08:00:00", outlet="daily.example", title="Storm floods harbour")
    arts = [a, b, c]
    for x in arts:
        x.text = x.raw
    an = pipeline.analyze(arts)
    dates.infer_published(arts, an)
    assert a.meta["crawl_stamp"] == "2025-12-01T21:37:00" and a.published_inferred
    assert a.published[:10] == "2025-09-10" and b.published[:10] == "2025-09-10"
    assert next(r for r in an["a"].dates if r.expression == "Tuesday").date == "2025-09-09"
    assert c.published == "2025-09-10T08:00:00" and not c.published_inferred
    # a day-only stamp shared by one outlet's articles is ordinary
    d = Article(id="d", raw="x", text="x", published="2025-12-01T00:00:00", outlet="o", title="One")
    e = Article(id="e", raw="y", text="y", published="2025-12-01T00:00:00", outlet="o", title="Two")
    assert dates.infer._crawl_stamps([d, e]) == []


def test_vague_ago_is_no_calendar_date_and_precise_ago_is():
    r = _refs("A spokesman began discrediting the report a few days ago. The dam failed several months ago. "
              "The levee broke three days ago.")
    assert "a few days ago" not in r and "several months ago" not in r
    assert r["three days ago"].date == "2025-10-14"


def test_could_not_is_past_and_a_promise_points_ahead():
    # 2025-10-20 is a Monday
    r = _refs("The family could not be reached on Sunday.", "2025-10-20")
    assert r["Sunday"].date == "2025-10-19"
    r = _refs("The consortium promises to release the full list of companies in early May.", "2025-10-20")
    assert r["early May"].date == "2026-05-01"


def test_a_stamp_months_after_the_day_the_text_reports_is_not_its_publication_date():
    # a re-indexed report: stamped 2025-12-01, but it tells of "Saturday" and ends with a post dated
    # Saturday, September 13, 2025, the latest date it names; the story's other report is of September 14
    raw = ("Storm Odile flooded the harbour of Porto Vell on Saturday, the port authority said. The ferries will not "
           "sail for a week.\nHarbour closed until further notice. — Porto Vell Port (@portovell) September 13, 2025")
    other = ("Storm Odile flooded the harbour of Porto Vell on Saturday and the ferries stopped, the port authority of "
             "Porto Vell said.")
    art, sib = _art(raw, "2025-12-01T14:57:00"), _art(other, "2025-09-14T08:00:00", id="s")
    an = pipeline.analyze([art, sib])
    dates.infer_published([art, sib], an)
    assert art.published == "2025-09-13" and art.published_inferred and art.meta["crawl_stamp"] == "2025-12-01T14:57:00"
    assert next(r for r in an["t"].dates if r.expression == "Saturday").date == "2025-09-13"
    # alone, or in a story published near its stamp, the stamp stands (the weekday may be a coincidence)
    for arts in ([_art(raw, "2025-12-01T14:57:00")], [_art(raw, "2025-12-01T14:57:00"), _art(other, "2025-11-30T08:00:00", id="s")]):
        an = pipeline.analyze(arts)
        dates.infer_published(arts, an)
        assert arts[0].published == "2025-12-01T14:57:00"
    # a report that also names a later year is a later report: its stamp stands
    later = _art(raw + " The port reopened in 2026.", "2026-03-02T10:00:00")
    sib = _art(other, "2025-09-14T08:00:00", id="s")
    an = pipeline.analyze([later, sib])
    dates.infer_published([later, sib], an)
    assert later.published == "2026-03-02T10:00:00"


def test_a_month_of_a_would_clause_and_a_quoted_month_after_a_promise_point_ahead():
    # 2025-10-20: reported in a past clause, but the May is the one after the announcement
    r = _refs("The circus announced in August that starting in May, a year earlier than planned, it would no longer "
              "tour with elephants.", "2025-10-20")
    assert r["August"].date == "2025-08-01" and r["May"].date == "2026-05-01"
    r = _refs("(The consortium promises to release the full list of companies in \"early May.\")", "2025-10-20")
    assert r["early May"].date == "2026-05-01"
    assert _refs("The dam would have failed in May without the repairs.", "2025-10-20")["May"].date == "2025-05-01"


def test_plain_month_name_dates_read_as_dateparser_reads_them():
    """`_explicit` reads plain "March 5, 2024" / "5 March" / "March 2024" forms itself; on a grid of such forms
    (abbreviations, dots, padded and impossible days, line breaks, leap days) it answers as dateparser does."""
    import datetime as dt
    import random

    from newsfuse.dates import resolution

    rnd = random.Random(7)
    months = ["January", "February", "Feb.", "Sept", "Sept.", "Sep", "May", "Dec"]
    forms = []
    for m in months:
        for d in ("1", "05", "28", "29", "30", "31", "0", "32"):
            y = rnd.choice(["1999", "2016", "2024", "2025"])
            forms += [f"{m} {d}", f"{d} {m}", f"{m} {d}, {y}", f"{d} {m} {y}", f"{m}\n{d}"]
        forms += [f"{m} 2024", f"{m}, 2023", f"{m} of 2020"]
    bases = [dt.date(2024, 2, 29), dt.date(2023, 1, 3), dt.date(2019, 12, 30)]
    fast = resolution._plain
    try:
        for form in forms:
            base = rnd.choice(bases)
            for future, past in ((False, False), (True, False), (False, True)):
                resolution._explicit.cache_clear()
                resolution._plain = fast
                mine = resolution._explicit(form, base, future, past)
                resolution._explicit.cache_clear()
                resolution._plain = lambda clean, base: None  # dateparser alone
                assert mine == resolution._explicit(form, base, future, past), (form, base, future, past)
    finally:
        resolution._plain = fast
        resolution._explicit.cache_clear()
    assert fast("March 5, 2024", dt.date(2024, 1, 1)) == (dt.date(2024, 3, 5), "day")
    assert fast("the 1990s", dt.date(2024, 1, 1)) is None


def test_date_scan_finds_what_each_pattern_finds_alone():
    """`find` tries each pattern only where one of its opening words stands; on text written to hold every kind
    (and words glued or cut around them) it finds what running each pattern over the whole text finds."""
    import random

    from newsfuse.dates import patterns

    def every_pattern(text: str) -> list[tuple[str, int, int]]:
        hits = []
        for kind, rx in patterns._RX:
            for m in rx.finditer(text):
                s, e = m.span("x") if "x" in rx.groupindex and m.group("x") else m.span()
                hits.append((s, -(e - s), kind, e))
        hits.sort()
        out, last_end = [], -1
        for start, _neg, kind, end in hits:
            if start >= last_end:
                out.append((kind, start, end))
                last_end = end
        return out

    text = ("On Tuesday, March 5, 2024 (Monday) the board met; in early May and mid-2023 it said that 2024-03-05 and "
            "5 March 2024 were set. Last night, three days ago, within the next two weeks, the day before, this weekend, "
            "since 1999, late in the year, in two months' time, the following day, a few weeks ago and inMay or xMonday.")
    assert patterns.find(text) == every_pattern(text)
    assert {k for k, _, _ in patterns.find(text)} >= {"mdy", "dmy", "iso", "weekday", "deictic", "ago", "ahead", "offset"}
    # each word the scan tests for what follows it, with each of its patterns ("the", "a", "an", "of", a digit)
    text = ("The end of May, the past week, the previous month, the following day, the coming few weeks, the next day, "
            "the days after, a couple of days ago, a few weeks ago, a day later, an year ago, of 2019, 7th of March, 12 days "
            "ago, 3 days later, 2024-03-05.")
    assert patterns.find(text) == every_pattern(text)
    assert len(patterns.find(text)) == 16
    words = ("in In since by of the The a an two few several day days week month year ago within over next last Last this "
             "early mid late later earlier yesterday Today May March Jan. Sept Monday Friday 5 17th 31 2019 2024-03-05 "
             "end beginning start middle past previous following coming couple 123 07").split() + [
        "a couple of", "the end of", "the past", "the coming", "a few", "the next", "in the coming", "7th of"]  # (the scan's guards)
    rnd = random.Random(3)
    for _ in range(3000):
        text = "".join(rnd.choice(words) + rnd.choice(("", " ", " ", ", ", "\n", "-", "(", ". ")) for _ in range(rnd.randint(1, 12)))
        assert patterns.find(text) == every_pattern(text), text


def test_today_meaning_nowadays_or_in_a_name_is_no_date():
    text = ("The barge will be the heaviest vessel in service today on the lake. "
            "The trust, set up in the 1990s, continues today. A barge bigger than any other afloat today sank. "
            "Some of today's largest shipyards bid for it. "
            "Speaking to the station's Today programme, the mayor said the port was ready. "
            "The Lakeside Today newspaper first reported the sale. "
            "The council approved the contract today.")
    art = _art(text, "2025-10-17")
    [doc] = nlp.parse([art.text])
    days = [(art.text[r.start : r.end], r.date) for r in dates.resolve(art, doc) if r.expression.lower() == "today"]
    assert days == [("today", "2025-10-17")]  # only the approval names a day
    assert text.rindex("today") == [r.start for r in dates.resolve(art, doc) if r.expression == "today"][0]


def test_a_month_joined_to_a_dated_month_takes_its_year():
    r = _refs("The two ferries were refitted in April and June of 2019, the yard said. "
              "Inspections ran on March 3 and April 9, 2020. The fund lent $4 million in 2011-12.", "2025-10-17")
    assert r["April"].date == "2019-04-01" and r["June of 2019"].date == "2019-06-01"
    assert r["March 3"].date == "2020-03-03"
    assert not any(e.startswith("2011") for e in r)  # a span of two years, not November 2011
