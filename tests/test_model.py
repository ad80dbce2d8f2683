"""Model: an article's text <-> raw offset maps over the blocks cleaning kept."""

from __future__ import annotations

import random

from newsfuse.model import Article


def test_offset_maps_point_each_kept_character_at_its_raw_place_and_invert_inside_blocks():
    rnd = random.Random(5)
    for _ in range(300):
        spans, pos = [], rnd.randint(0, 4)
        for _ in range(rnd.randint(1, 6)):
            n = rnd.randint(0, 7)
            spans.append((pos, pos + n))
            pos += n + rnd.randint(0, 3)
        raw = "".join(rnd.choice("ab \n") for _ in range(pos + 3))
        a = Article(id="o", raw=raw, text="\n".join(raw[s:e] for s, e in spans), kept_spans=spans)
        to_raw, to_text = a.offset_maps()
        # spelled out: a kept character maps to its place in raw; the "\n" joining two blocks to the first one's end
        expected = []
        for s, e in spans:
            expected += list(range(s, e)) + [e]
        assert [to_raw(i) for i in range(len(a.text) + 1)] == expected[: len(a.text) + 1]
        t = 0
        for s, e in spans:  # inside each kept block, raw -> text undoes text -> raw
            assert [to_text(to_raw(i)) for i in range(t, t + e - s)] == list(range(t, t + e - s))
            t += e - s + 1


def test_an_article_kept_whole_maps_offsets_to_themselves():
    to_raw, to_text = Article(id="w", raw="Plain text.", text="Plain text.").offset_maps()
    assert [to_raw(i) for i in range(12)] == list(range(12)) == [to_text(i) for i in range(12)]
