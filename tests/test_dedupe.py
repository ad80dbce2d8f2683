"""Near-duplicates on invented wire copies: new headline, trimmed ending, light edits, out of order."""

from __future__ import annotations

import json

import numpy as np

from newsfuse.dedupe import DuplicateIndex, mark_duplicates
from newsfuse.model import Article

WIRE = (
    "GENEVA (Wire) - Negotiators from 40 countries agreed on Thursday to a draft treaty limiting plastic waste "
    "exports, after two weeks of talks that nearly collapsed over funding for poorer nations. The text, which "
    "still needs approval by national parliaments, bans shipments of mixed plastic scrap to countries without "
    "recycling capacity from 2033. Chief negotiator Helena Marsh told reporters the deal was imperfect but "
    "historic. Environmental groups welcomed the export ban but said production caps were missing. Industry "
    "associations warned that recycling costs in Europe would rise. The draft will be signed at a ceremony in "
    "Nairobi in June, and a review conference is planned for 2036. Several delegations, including those of "
    "Brazil and Indonesia, said they would seek exemptions for small businesses. Talks on a financing fund "
    "will continue in the autumn."
)


def _a(i: str, text: str, day: str, title: str = "") -> Article:
    return Article(id=i, text=text, raw=text, published=day, title=title)


def test_wire_copy_with_new_headline_and_trimmed_end_is_duplicate_of_earliest() -> None:
    original = _a("wire", WIRE, "2031-05-01", "Nations agree draft plastic treaty")
    trimmed = _a("local", WIRE[: WIRE.index("Several delegations")], "2031-05-02", "Plastic export ban agreed in Geneva")
    edited = _a("rewrite", WIRE.replace("Thursday", "Thursday evening").replace("told reporters", "said"), "2031-05-01T18:00")
    other = _a("other", "Negotiators in Geneva failed to agree on a plastic treaty on Friday. Talks on exports of "
               "scrap plastic broke down after delegations from 12 countries walked out over funding. A new round "
               "is planned for next year in Nairobi, officials said, and industry groups welcomed the delay.", "2031-05-03")
    # input order deliberately not chronological
    got = mark_duplicates([trimmed, edited, other, original])
    assert got == {"local": "wire", "rewrite": "wire"}
    assert trimmed.duplicate_of == "wire" and trimmed.duplicate_similarity >= 0.8
    assert edited.duplicate_of == "wire"
    assert original.duplicate_of is None and other.duplicate_of is None


def test_exact_copies_undated_keep_input_order() -> None:
    a, b = _a("first", WIRE, None), _a("second", WIRE, None)
    mark_duplicates([a, b])
    assert (a.duplicate_of, b.duplicate_of, b.duplicate_similarity) == (None, "first", 1.0)


def test_stream_out_of_order_repoints_and_state_round_trips() -> None:
    idx = DuplicateIndex()
    late = _a("late", WIRE, "2031-05-03")
    early = _a("early", WIRE[:-40], "2031-05-01")
    assert idx.add(late) == (None, 0.0)
    assert idx.add(early) == (None, 0.0)  # older than its match: becomes the canonical copy
    assert idx.repointed == {"late": "early"}
    idx2 = DuplicateIndex.from_state(json.loads(json.dumps(idx.state())))
    dup, sim = idx2.add(_a("third", WIRE, "2031-05-04"))
    assert dup == "early" and sim > 0.9



def test_an_older_copy_repoints_every_copy_of_the_old_canonical() -> None:
    idx = DuplicateIndex()
    for aid, text, day in (("late", WIRE, "2031-05-03"), ("trimmed", WIRE[:-20], "2031-05-04")):
        idx.add(_a(aid, text, day))
    assert idx.repointed == {}
    assert idx.add(_a("earliest", WIRE[:-40], "2031-04-30")) == (None, 0.0)
    # the caller must re-mark the copy too, or it would point at an article that is itself a duplicate
    assert idx.repointed == {"late": "earliest", "trimmed": "earliest"}

# More invented reports for the row-by-row save tests (each a separate event).
HARBOUR = (
    "PORT ELLIS (Wire) - Dock workers at the Port of Ellis ended a nine-day strike on Sunday after accepting a "
    "four-year contract that raises wages by 14 percent and limits the use of automated cranes. About 2,300 "
    "members of the harbour union voted on the offer, and 71 percent backed it, union secretary Mara Quist said. "
    "Shipping lines had diverted more than 40 container vessels to other ports during the stoppage. The port "
    "authority said it expected the backlog of cargo to be cleared within two weeks, and that night shifts would "
    "resume on Tuesday. Retailers had warned of empty shelves before the holiday season."
)
FLOOD = (
    "The river Amsel burst its banks in the town of Kelbridge overnight, flooding about 600 homes and forcing "
    "the evacuation of a hospital, the regional fire service said on Wednesday. Rainfall of 180 millimetres in "
    "36 hours was the highest recorded since 1954, according to the weather office. Mayor Ilse Varga said the "
    "town hall would stay open as a shelter and asked residents to boil tap water until further notice. Rail "
    "services between Kelbridge and the coast were suspended, and engineers were inspecting two road bridges."
)
VOTE = (
    "Voters in the province of Nordhal approved a plan to build three wind farms off its coast in a referendum "
    "on Saturday, with 58 percent in favour on a turnout of 64 percent, the electoral commission said. The "
    "farms would supply power to about 900,000 homes by 2035. Opponents, led by a fishing cooperative, had "
    "argued that construction would harm cod stocks and said they would challenge the result in court. The "
    "provincial energy minister, Jonas Halvorsen, called the vote a mandate and said tenders would open in spring."
)


# Ingest batches: out-of-order copies (re-pointing), then a jump in time that prunes the first copies.
def _batches() -> list[list[Article]]:
    return [
        [_a("wire-late", WIRE, "2031-05-10"), _a("harbour", HARBOUR, "2031-05-10T09:00"),
         _a("wire-copy", WIRE.replace("told reporters", "said"), "2031-05-11"), _a("vote", VOTE, None)],
        [_a("wire-early", WIRE[: WIRE.index("Talks on a financing")], "2031-05-08"),
         _a("vote-copy", VOTE[: VOTE.index("The provincial")], None)],
        [_a("harbour-copy", HARBOUR[: HARBOUR.index("Retailers")], "2031-06-05"), _a("flood", FLOOD, "2031-06-05")],
        [_a("flood-late", FLOOD.replace("Wednesday", "Wednesday night"), "2031-06-15")],
        [_a("harbour-again", HARBOUR.replace("Sunday", "Sunday evening"), "2031-06-16"),
         _a("wire-again", WIRE, "2031-06-16")],
    ]


def test_row_saves_rebuild_the_index_and_decide_as_whole_state_saves_do(apply_rows) -> None:
    db: dict[str, dict[str, str]] = {}
    head, whole = None, None
    saves = []
    batches = _batches()
    for batch, twins in zip(batches, _batches()):  # one ingest batch = load, add, save (as `store.update` does)
        by_rows = DuplicateIndex.from_rows(head, db) if head else DuplicateIndex()
        by_state = DuplicateIndex.from_state(json.loads(whole)) if whole else DuplicateIndex()
        for a, twin in zip(batch, twins):
            assert by_rows.add(a) == by_state.add(twin) and by_rows.repointed == by_state.repointed
            assert (a.duplicate_of, a.duplicate_similarity) == (twin.duplicate_of, twin.duplicate_similarity)
            by_rows.repointed.clear()
            by_state.repointed.clear()
        head, rows = by_rows.changed_rows()
        head = json.loads(json.dumps(head))
        assert rows.replace == (not saves) and "articles" not in head
        saves.append(rows)
        apply_rows(db, rows)
        whole = json.dumps(by_state.state())
        reloaded = DuplicateIndex.from_rows(head, db)
        assert json.dumps(reloaded.state()) == json.dumps(by_rows.state()) == whole
        assert sorted(reloaded.lsh.keys.keys()) == sorted(by_rows.lsh.keys.keys())
    puts = [{k for _kind, k, _v in rows.put} for rows in saves]
    deletes = [{k for _kind, k in rows.delete} for rows in saves]
    # re-pointing rewrites the older canonical's copies; the newcomer is written once, nothing else
    assert puts[1] == {"wire-early", "wire-late", "wire-copy", "vote-copy"}
    assert json.loads(db["article"]["vote-copy"])[2:] == [None, 6, "vote"]  # undated, 6th to arrive, a copy
    # the jump to June prunes the May copies; a live copy whose canonical was pruned becomes its own canonical
    assert deletes[3] == {"wire-late", "harbour", "wire-copy", "wire-early"}
    assert puts[3] == {"flood-late", "harbour-copy"} and json.loads(db["article"]["harbour-copy"])[4] is None
    assert batches[4][0].duplicate_of == "harbour-copy" and batches[4][1].duplicate_of is None
    assert set(db["article"]) == set(by_rows.sigs)


def test_whole_state_from_before_rows_loads_and_is_saved_as_rows_once(apply_rows) -> None:
    idx = DuplicateIndex()
    for a in [a for batch in _batches()[:2] for a in batch]:
        idx.add(a)
    old = json.loads(json.dumps(idx.state()))  # version 1: one JSON value with every article
    legacy = DuplicateIndex.from_state(old)
    head, rows = legacy.changed_rows()
    assert rows.replace and [k for _kind, k, _v in rows.put] == list(idx.sigs) and not rows.delete
    db: dict[str, dict[str, str]] = {}
    apply_rows(db, rows)
    assert json.dumps(DuplicateIndex.from_rows(json.loads(json.dumps(head)), db).state()) == json.dumps(old)
    assert legacy.changed_rows()[1].put == []  # nothing changed since
    per_row = max(len(v) for v in db["article"].values())
    assert per_row < 0.6 * len(json.dumps(old["articles"][0]))  # a packed MinHash, not a list of ints


def test_minhash_packing_round_trips_both_widths() -> None:
    from newsfuse.dedupe import pack_sig, unpack_sig

    idx = DuplicateIndex()
    sig = idx.signature(HARBOUR)[0].hashvalues
    assert len(pack_sig(sig)) == 684  # base64 of 4 bytes a value
    assert np.array_equal(unpack_sig(pack_sig(sig), 128), sig) and unpack_sig(pack_sig(sig), 128).dtype == np.uint64
    wide = sig.copy()
    wide[0] = np.uint64(1 << 40)
    assert np.array_equal(unpack_sig(pack_sig(wide), 128), wide)


# a crawler's note that several bundles carry as one of their "articles"
CRAWL_NOTE = (
    "These crawls are part of an effort to archive pages as they are created and archive the pages that they "
    "refer to. That way, as the pages that are referenced are changed or taken from the web, a link to the "
    "version that was live when the page was written will be preserved. The archive hopes that this will help "
    "readers follow links in news stories long after the pages they point to have gone."
)
FLOOD = (
    "Heavy rain flooded the lower town of Rellport on Sunday, forcing about 600 residents from their homes. "
    "The river rose two metres in six hours, the regional water agency said, and the old stone bridge was closed "
    "to traffic. Volunteers filled sandbags in the market square through the night while firefighters pumped "
    "water from the basement of the hospital. The mayor said the town would ask for emergency funds on Monday."
)
TARIFF = (
    "The trade ministry of Osterland raised tariffs on imported steel to 25 percent on Friday, saying cheap "
    "imports had cost 3,000 jobs at the country's two remaining mills. Exporters in neighbouring states called the "
    "move a breach of the regional trade pact and said they would file a complaint. Car makers warned that the "
    "higher price of steel would be passed on to buyers within months."
)


def test_shared_boilerplate_never_links_two_bundles() -> None:
    arts = [
        _a("b1-1", FLOOD, "2031-05-01"), _a("b1-2", CRAWL_NOTE, "2031-05-01"),
        _a("b2-1", TARIFF, "2031-05-02"), _a("b2-2", CRAWL_NOTE, "2031-05-02"),
    ]
    for a in arts:
        a.story = a.id.split("-")[0]
    assert mark_duplicates(arts) == {}
    # the same copies outside bundles are copies as before
    loose = [_a("x", CRAWL_NOTE, "2031-05-01"), _a("y", CRAWL_NOTE, "2031-05-02")]
    assert mark_duplicates(loose) == {"y": "x"}


TWEET_NOTE = (
    "Tweet with a location. You can add location information to your Tweets, such as your city or precise "
    "location, from the web and via third-party applications. You always have the option to delete your history."
)
FLOOD_MORE = (
    " By Monday morning the water had begun to fall, but the agency warned that more rain was expected in the hills "
    "above the town later in the week. Insurers said they had received more than 200 claims by noon, most from "
    "shop owners on the riverside street, and the regional government promised a first payment to families who "
    "had lost their belongings within ten days. Schools in the lower town stayed closed."
)
TARIFF_MORE = (
    " Officials at the ministry said the tariff would be reviewed after one year and could be lowered if imports "
    "fell back to their level of two years ago. Union leaders at the mills welcomed the decision but said it came "
    "too late for the workers laid off last winter, and called for a fund to retrain them. Shares in both steel "
    "makers rose by more than six percent in Friday trading on the news."
)


def test_a_long_article_holding_a_short_note_is_no_copy_of_it() -> None:
    note = _a("note", TWEET_NOTE, "2031-05-01")
    flood = _a("flood", FLOOD + FLOOD_MORE + "\n" + TWEET_NOTE, "2031-05-02")
    tariff = _a("tariff", TARIFF + TARIFF_MORE + "\n" + TWEET_NOTE, "2031-05-03")
    assert mark_duplicates([note, flood, tariff]) == {}
    # a trimmed copy that is most of its original still is one
    trimmed = _a("trimmed", FLOOD[: FLOOD.rindex("Volunteers")], "2031-05-03")
    assert mark_duplicates([_a("orig", FLOOD, "2031-05-01"), trimmed]) == {"trimmed": "orig"}


def test_bundle_of_each_copy_survives_a_row_save() -> None:
    idx = DuplicateIndex()
    a = _a("b1-2", CRAWL_NOTE, "2031-05-01")
    a.story = "b1"
    idx.add(a)
    head, rows = idx.changed_rows()
    back = DuplicateIndex.from_rows(head, {"article": {k: v for _, k, v in rows.put}})
    b = _a("b2-2", CRAWL_NOTE, "2031-05-02")
    b.story = "b2"
    assert back.add(b) == (None, 0.0)
    c = _a("b1-3", CRAWL_NOTE, "2031-05-02")
    c.story = "b1"
    assert back.add(c)[0] == "b1-2"


def test_shingles_and_their_hash_are_datasketchs_and_the_plain_word_runs() -> None:
    from datasketch.hashfunc import sha1_hash32

    from newsfuse.dedupe import _sha1_32, shingles

    text = "The mayor said on Tuesday that the old bridge would reopen. Ça va, Zoë!"
    words = text.lower().replace(".", "").replace(",", "").replace("!", "").split()
    for k in (1, 2, 3, 4):
        assert shingles(text, k) == {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}
    assert shingles("two words", 3) == {"two words"} and shingles("", 3) == set()
    for s in sorted(shingles(text)) + ["", "x" * 1000]:
        assert _sha1_32(s.encode()) == sha1_hash32(s.encode())
