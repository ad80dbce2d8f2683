"""nlp.scan: the character-class-first patterns find exactly what the plain patterns find."""

import random
import re
import string

from newsfuse.claims import acts, clock
from newsfuse.nlp import scan

PIECES = [
    "attack", "Attacked", "ATTACKS", "hit", "Hitting", "shot", "ſtab", "\u212aick", "struck", "bitter", "rebit", "a_hit",
    "9hit", "March", "Mar.", "may", "May", "In", "in", "the", "The", "a", "an", "An", "(", "(AP)", "x(", "2024", "12",
    "3rd", "x7", "_7", "us$", "US$5", "C$", "a$", "$3", "€4", "£", "five", "Five", "FIVE", "several", "dozens", "half",
    "first", "Tenth", "magnitude", "some", "a dozen", "a\u00a0few", "İ", "ı", "ö", "é", "日本", "٣", "-", "/", ".", ":",
    ",", " ", " ", "\n", "\t", "'", "’", "\"", "5pm", "p.m.", "am", "noon", "Midnight", "about", "just after",
]


def _texts(n: int = 400, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(PIECES) if rng.random() < 0.8 else rng.choice(string.printable) for _ in range(rng.randint(1, 30))]
        out.append("".join(p + (rng.choice(["", " ", " ", "\n", "-"]) if rng.random() < 0.7 else "") for p in parts))
    return out + ["", "hit", "Shot dead. In May 2024, five men attacked (AP) a guard at 3 p.m."]


def _spans(ms) -> list:
    return [(m.span(), m.groupdict()) for m in ms]


def test_folds_are_every_other_character_ignorecase_matches_to_a_letter():
    every = "".join(map(chr, range(0x110000)))
    for letter in string.ascii_lowercase:
        others = set(re.findall(letter, every, re.I)) - {letter, letter.upper()}
        assert others == set(scan.FOLDS.get(letter, ""))


def test_openings_match_the_word_boundary_alternation():
    words = ["an", "a", "after", "Sept", "Sep", "September", "k9", "ship", "s"]
    for ignorecase in (False, True):
        plain = re.compile(r"\b(?:" + "|".join(words) + ")", re.I if ignorecase else 0)
        fast = re.compile("[{}]{}".format(*scan.openings(words, ignorecase=ignorecase)))
        ahead = re.compile("[{}]{}".format(*scan.openings(words, ignorecase=ignorecase, ahead=True)))
        for t in _texts() + ["Septembers Sep. ſhip \u212a9 sept Ship"]:
            assert _spans(fast.finditer(t)) == _spans(plain.finditer(t))
            assert [m.start() for m in ahead.finditer(t)] == [m.start() for m in re.finditer(
                r"\b(?=" + "|".join(words) + ")", t, re.I if ignorecase else 0)]


def test_harm_verbs_found_as_the_plain_pattern_finds_them():
    plain = re.compile(r"\b(?:" + "|".join(acts._HARM_STEMS) + r")", re.I)
    for t in _texts():
        assert _spans(acts.HARM_RX.finditer(t)) == _spans(plain.finditer(t))


def test_clock_times_found_as_finditer_finds_them():
    extra = ["at about 5 p.m.", "just after noon", "Shortly before 12:10am", "around\n\n6.04 AM", "12:10 p.m", "1:75pm",
             "x5pm", ":5 pm", "midnight blue", "at around midday", "ſoon after 9am", "roughly 11 a. m."]
    for t in _texts() + extra:
        assert _spans(scan.matches(clock._CLOCK, clock._CLOCK_STARTS, t)) == _spans(clock._CLOCK.finditer(t))
