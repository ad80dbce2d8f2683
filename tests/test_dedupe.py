"""Near-duplicates on invented wire copies: new headline, trimmed ending, light edits, out of order."""

from __future__ import annotations

import json

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
