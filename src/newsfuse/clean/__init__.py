"""Clean: drop page furniture from an article's raw text, recording every removal with a reason.

Works on plain text and on text extracted from HTML alike: the raw text is cut into units
(lines), a learned two-stage classifier scores each as body or furniture, the body is decoded as a
body/furniture path with few switches, and a few precise rules drop in-body junk (links, bylines, credits, pitches).
Sets `Article.text` (kept units joined by "\\n"), `kept_spans` (their offsets in `raw`) and
`removed` (each dropped run of units with its reason).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from ..model import Article, Segment
from . import classifier
from .furniture import POST_SIGNATURE, caption_or_credit, furniture_reason, gallery_counters, teaser_lists
from .shared import drop_shared_boilerplate
from .features import (
    JUNK_WORDS,
    BYLINE,
    CREDIT,
    FEED,
    FEED_KEYS,
    LEGAL,
    LEGAL_KEYS,
    LINK_PREFIX,
    NEWSLETTER,
    NEWSLETTER_KEYS,
    SENT_END,
    TIMESTAMP,
    STOPWORDS,
    Unit,
    features,
    lowered,
    may_match,
    tokens,
    units,
    word_count,
)

__all__ = ["clean", "drop_shared_boilerplate"]

_NAV = re.compile(r"^\s*(categories|category|tags|filed under|topics|sections?|home|menu|posted in)\s*[:|»>]", re.I)
_SHARE = re.compile(r"^\s*(share|share this|tweet|email|print|facebook|twitter|whatsapp|linkedin|comments?|reply|"
                    r"advertisement|sponsored|skip to (main )?content|loading\.*|like this:?)\s*:?\s*$", re.I)
_PITCH = re.compile(r"\b(subscribe|sign up|sign-up|register|newsletter)\b.{0,80}\b(here|now|today|newsletter|free|inbox)\b"
                    r"|\b(newsletter|subscribe)\b.{0,40}$", re.I)
_PITCH_KEYS = ("subscribe", "sign up", "sign-up", "register", "newsletter")
_HARD_LEGAL = re.compile(r"(legal warning|legal notice\s*:|all rights (are )?reserved|rights of the published)", re.I)
_HARD_LEGAL_KEYS = ("legal warning", "legal notice", "all rights ", "rights of the published")


_MENU_WORDS = 25
_PROSE_STOP = re.compile(r"[.!?…。؟।]")


def _capital_share(words: list[str]) -> float:
    """Share of the words that open on a capital or a figure."""
    return sum(w[:1].isupper() or w[:1].isdigit() for w in words) / max(1, len(words))


def _prose(text: str) -> bool:
    """Does the unit hold prose: a stop after a word of 3+ ("The vote is in.", "… in orbit.Researchers ran", "in
    2005.", tokenized "in orbit .", any script; after a capital only in 8+ words, as wire copy in capitals has it),
    or 5+ words mostly in lower case (a headline or blurb without its stop)? Labels are neither ("TEST SERIES")."""
    if len(_CJK.findall(text)) >= 16:
        return bool(_CJK_STOP.search(text) or SENT_END.search(text))
    words = text.split()
    if len(words) < 3:
        return False
    for m in _PROSE_STOP.finditer(text):
        before = text[: m.start()].rstrip(" \"'”’")[-1:]
        if before.isdigit() or before.isalpha() and (not before.isupper() or len(words) >= 8):
            return True
    return len(words) >= 5 and _capital_share(words) < 0.5


def _menu(text: str) -> bool:
    """A long run of capitalised labels with no sentence and next to no commas in it: a category, archive or tag
    list ("Categories AGRICULTURE ART BOOKS …", "Archives January 2018 December 2017 …"), never prose or a list of
    names a sentence introduces ("These are the 21 released …: Ann Lee Mary Bello …" has too many small words)."""
    words = text.split()
    return not _prose(text) and _capital_share(words) >= 0.9 and text.count(",") <= 0.05 * len(words)


def _hard_reason(text: str) -> str | None:
    """Furniture so unambiguous it is dropped wherever it stands, even inside the body."""
    w = word_count(text)
    low = lowered(text)
    if may_match(FEED_KEYS, low) and FEED.search(text):
        return "feed-disclaimer"
    if w <= 8 and TIMESTAMP.search(text):  # each word limit before its regex: the same verdicts, fewer searches
        return "timestamp"
    if may_match(_HARD_LEGAL_KEYS, low) and _HARD_LEGAL.search(text):
        return "legal-notice"
    if w <= 25 and LINK_PREFIX.search(text) and not SENT_END.search(text):
        return "link"
    if w <= 15 and _NAV.search(text):
        return "navigation"
    if w >= _MENU_WORDS and _menu(text):
        return "navigation"
    if w <= 8 and BYLINE.search(text) and not SENT_END.search(text):
        return "byline"
    if w <= 12 and CREDIT.search(text) and not SENT_END.search(text):
        return "photo-credit"
    if _SHARE.search(text):
        return "share-buttons"
    if w <= 60 and may_match(_PITCH_KEYS, low) and _PITCH.search(text):
        return "newsletter"
    return None  # wording-known furniture (`furniture_reason`) is set aside before any unit reaches here


_RELATED_HEAD = re.compile(r"^\s*(recent|related|popular|trending|latest|most read|most popular|more)( \w+){0,3}\s*:?\s*$", re.I)
_BIO = re.compile(r"^\s*[A-Z][\w.'’-]+( [A-Z][\w.'’-]+){1,3}\s*[–—,|-]?\s*.{0,160}\b(?i:reporter|correspondent|editor|"
                  r"writer|columnist|journalist|contributor|author|staff)\b")
_NAME = re.compile(r"^\s*[A-Z][a-z'’-]+( [A-Z]\.?)?( [A-Z][a-z'’-]+){1,2}\s*$")
# furniture that ends an article: what follows it is checked for being another story
_BREAKS = {"legal-notice", "feed-disclaimer"}


# Chinese, Japanese and Korean characters (written without spaces between words)
_CJK_CHARS = "\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
_CJK = re.compile(f"[{_CJK_CHARS}]")
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]{{2,}}")


def _content_words(text: str) -> set[str]:
    """Lower-cased content words; Chinese, Japanese and Korean runs (written without spaces) as character pairs."""
    words = {low for t in tokens(text) if len(t) > 2 and not t.isdigit() and (low := t.lower()) not in STOPWORDS}
    for run in _CJK_RUN.findall(text):
        words.update(run[k:k + 2] for k in range(len(run) - 1))
    return words


def _coherence(unit_words: set[str], body_words: set[str]) -> float:
    """Share of a unit's content words that the body (or title) also uses."""
    return len(unit_words & body_words) / len(unit_words) if unit_words else 1.0


def _reason(text: str, where: str) -> str:
    """Why a unit the classifier dropped is furniture (before/after/inside the body)."""
    hard = _hard_reason(text)
    if hard:
        return hard
    if _RELATED_HEAD.search(text):
        return "related-list"
    if where != "before" and word_count(text) <= 40 and (_BIO.search(text) or _NAME.search(text)):
        return "author-bio"
    low = lowered(text)
    if may_match(LEGAL_KEYS, low) and LEGAL.search(text):
        return "legal-notice"
    if may_match(NEWSLETTER_KEYS, low) and NEWSLETTER.search(text):
        return "newsletter"
    w = word_count(text)
    sentence = w >= 10 and bool(SENT_END.search(text))
    if where == "before":
        return "navigation" if w <= 6 else ("headline" if not sentence else "page-header")
    if where == "after":
        if sentence:
            return "unrelated-story"
        if text.rstrip().endswith(("…", "...")) or w <= 20:
            return "related-list"
        return "page-footer"
    return "in-body-furniture"


def _segments(raw: str, us: list[Unit], reasons: list[str | None]) -> list[Segment]:
    """Consecutive dropped units with one reason become one Segment (offsets into raw)."""
    segs: list[Segment] = []
    for u, r in zip(us, reasons):
        if r is None:
            continue
        if segs and segs[-1].reason == r and not raw[segs[-1].end : u.start].strip():
            segs[-1].end = u.end
            segs[-1].text = raw[segs[-1].start : u.end]
        else:
            segs.append(Segment(raw[u.start : u.end], r, u.start, u.end))
    return segs


# text trafilatura already reduced to the article: only units the classifier is sure are junk go (tuned on the
# benchmark's dev split). Records, feed items and plain text get the whole detector: scraped records carry
# furniture too, and the detector keeps clean text whole
EXTRACTED_FORMATS = ("html",)
EXTRACTED_JUNK_LOGIT = -3.0
# span decoder over first-stage scores (tuned on dev out-of-fold), for pages the main decoder empties
FALLBACK_SPAN = {"bias": 1.0, "inside": -1.5, "outside": 2.0}


def keep_mask(us: list[Unit], title: str = "", extracted: bool = False,
              model: classifier.LineModel | None = None) -> np.ndarray:
    """Which units are body: two-stage classifier + decoding (or, for already-extracted text, only
    units the first stage is sure are junk dropped) + hard furniture rules."""
    if not us:
        return np.zeros(0, dtype=bool)
    model = model or classifier.load()
    x = features(us, title)
    if extracted:
        keep = model.logits(x) >= EXTRACTED_JUNK_LOGIT
    else:
        weights = classifier.unit_weights(us)
        keep = classifier.decode(model.scores(x, us), weights, **model.decode)
        if not keep.any():
            # short pages the switch penalties leave empty: the first stage's contiguous span instead
            keep = classifier.span(model.logits(x), weights, **FALLBACK_SPAN)
    for i, u in enumerate(us):
        if keep[i] and _hard_reason(u.text):
            keep[i] = False
    return keep


def _drop_unrelated_tail(us: list[Unit], reasons: list[str | None], title: str, words: list[set[str]]) -> bool:
    """After a break in the body (legal notice, pitch, related list), kept units that share little
    vocabulary with the body before the break are other stories appended to the page: drop them (True when
    some were). `words`: each unit's content words."""
    for b, r in enumerate(reasons):
        if r not in _BREAKS:
            continue
        before = [i for i in range(b) if reasons[i] is None]
        after = [i for i in range(b + 1, len(us)) if reasons[i] is None]
        if len(before) < 3 or not after:
            continue
        body_words = set(_content_words(title)).union(*(words[i] for i in before))
        score = float(np.mean([_coherence(words[i], body_words) for i in after]))
        if score < 0.18:
            for i in after:
                reasons[i] = "unrelated-story"
            return True
    return False


_BULLET = re.compile(r"^\s*[-•*–]\s+\S")


def _drop_closing_bullets(us: list[Unit], reasons: list[str | None], title: str, words: list[set[str]]) -> None:
    """(Runs when no unrelated tail was found.) A kept list closing the text (three or more bulleted lines) whose items share little vocabulary with the
    body above is a list of other stories' headlines ("- Headline Teaser …"): drop it."""
    kept = [i for i, r in enumerate(reasons) if r is None]
    run: list[int] = []
    for i in reversed(kept):
        if not _BULLET.match(us[i].text):
            break
        run.append(i)
    # the whole closing list, or its tail laid out unlike the story's own list above it ("- Team (Group A): …" items,
    # then "- Headline Teaser …" items)
    for n in range(len(run), 2, -1):
        tail = run[:n]
        if n < len(run) and _layout(us[run[n]].text) in {_layout(us[i].text) for i in tail}:
            continue
        before = [i for i in kept if i not in tail]
        if len(before) < 3:
            continue
        body_words = set(_content_words(title)).union(*(words[i] for i in before))
        if float(np.mean([_coherence(words[i], body_words) for i in tail])) < 0.18:
            for i in tail:
                reasons[i] = "related-list"
            return


_CLOCK = re.compile(r"^\W*(?:(?:updated|posted)\s*:?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|local time)?\W*$",
                    re.I)
_TURN = re.compile(r"^\W*(?:meanwhile|separately|elsewhere|in other news|in (?:a|another) separate (?:incident|development|case|story))\b",
                   re.I)
# the capital first, the context after it (as `\b` and the lookbehinds would read it before): a pattern opening with
# a character class lets the engine skip to the next capital
_PROPER = re.compile(r"[A-Z](?<!\w[A-Z])(?<![.!?:]\s[A-Z])(?<![\"“‘(][A-Z])[\w'’-]*[a-z][\w'’-]*")
_NOT_NAMES = STOPWORDS | {"meanwhile", "separately", "elsewhere", "monday", "tuesday", "wednesday", "thursday", "friday",
                          "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
                          "september", "october", "november", "december", "mr", "mrs", "ms", "dr"}


def _names(text: str) -> Counter:
    """Capitalised words not opening a sentence: the names a paragraph mentions."""
    return Counter(w.lower() for w in _PROPER.findall(text) if w.lower() not in _NOT_NAMES)


def _drop_other_event_tail(us: list[Unit], reasons: list[str | None], title: str) -> None:
    """A roundup's closing paragraphs about another event ("Meanwhile, a seaplane crashed in …"): a run that opens
    with a turn to another story after the lead, never names what the article is about (the title's names and
    the body's most frequent names before it) and names almost nobody named before is dropped."""
    body = [i for i, r in enumerate(reasons) if r is None]
    if len(body) < 4:
        return
    for k in range(3, len(body)):
        if not _TURN.search(us[body[k]].text):
            continue
        before = _names(title) + sum((_names(us[i].text) for i in body[:k]), Counter())
        topic = {n for n, c in before.most_common(3) if c >= 2} | set(_names(title))
        run = Counter()
        for i in body[k:]:
            run.update(_names(us[i].text))
        # strong evidence only: the article has a clear subject (a name said 3+ times), the run never names it,
        # and the run brings its own cast (8+ names, almost all new)
        clear = bool(before) and before.most_common(1)[0][1] >= 3
        if clear and len(run) >= 8 and not topic & set(run) and len(set(run) & set(before)) < 0.08 * len(run):
            for i in body[k:]:
                reasons[i] = "other-event"
        return


_IN_BODY_FURNITURE = {"photo-caption", "advertisement", "social-embed", "gallery", "video-teaser", "update-note"}
_URL = re.compile(r"https?://|\bwww\.\w")
_CJK_STOP = re.compile(r"[。！？][」』”）)]*\s*$")
# what the line classifier says of a unit only from its shape and place; overruled by evidence of body
_SHAPE_REASONS = {"related-list", "unrelated-story", "page-footer", "in-body-furniture", "navigation", "headline",
                  "page-header"}


def _restore_lists(us: list[Unit], reasons: list[str | None]) -> None:
    """A list the body introduces (a kept paragraph ending in ":") is body: its short items are kept up to the
    first unit with other evidence of furniture or the first long one."""
    for i in range(len(us) - 1):
        if reasons[i] is not None or not us[i].text.rstrip().endswith(":") or word_count(us[i].text) < 4:
            continue
        j = i + 1
        while j < len(us) and (reasons[j] is None or reasons[j] in _SHAPE_REASONS) and word_count(us[j].text) <= 25 \
                and not _hard_reason(us[j].text):
            reasons[j] = None
            j += 1


def _restore_prose(us: list[Unit], reasons: list[str | None], sent: list[bool]) -> None:
    """A sentence next to the body that names someone the body names, dropped for its shape and place alone,
    is body. `sent`: which units are full sentences (`_sentence`)."""
    body_names: set[str] = set()
    for u, r in zip(us, reasons):
        if r is None:
            body_names.update(_names(u.text))
    ok = [reasons[i] in _SHAPE_REASONS and sent[i] and bool(body_names & set(_names(u.text))) and not _hard_reason(u.text)
          for i, u in enumerate(us)]
    # one sweep each way spreads the body outward through such sentences
    for order in (range(1, len(us)), range(len(us) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step == 1 else i + 1
            if ok[i] and reasons[j] is None:
                reasons[i] = None


# shape-only drops a block of the body's own prose may overrule (a headline is placed by the title or the page top)
_RESTORABLE = _SHAPE_REASONS - {"headline"}
RESTORE_SENTENCE_SHARE = 0.6
RESTORE_COHERENCE = 0.5  # tuned on AEB dev page texts: standfirsts and captions beside the body stay out
RESTORE_COHERENCE_EXTRACTED = 0.15  # news_cluster dev records: an appended disclaimer or other story stays out


def _sentence(text: str) -> bool:
    """A full sentence: 8+ words closed by a stop, or by the colon of a sentence introducing a list ("… of the year.
    Here is the list:"); Chinese, Japanese and Korean text counted by characters."""
    cjk = len(_CJK.findall(text))
    if cjk >= 16:
        return bool(_CJK_STOP.search(text) or SENT_END.search(text))
    t = text.rstrip()
    return word_count(t) >= 8 and bool(SENT_END.search(t) or t.endswith(":") and _TWO_SENTENCES.search(t))


def _size(text: str) -> int:
    """Words in a unit, two CJK characters counting as one."""
    return word_count(text) + len(_CJK.findall(text)) // 2


def _restore_evidenced(us: list[Unit], reasons: list[str | None], title: str, breaks: set[int],
                       words: list[set[str]] | None = None, sent: list[bool] | None = None) -> None:
    """Removal needs evidence, not shape and place alone: a run of units the line classifier dropped only for
    their shape and place (no furniture wording, no hard rule) that touches the body is body when full
    sentences hold most of its words and they read as the body's own story (the body and title already use
    enough of their content words). Short lines between such sentences (a list article's item names) come
    back with them. The bar is low for a text that opens with its body (an extracted article: what follows
    is its own unless it is another story) and for the run a text opens with; a run between a page's own
    header and the body needs most of its words in the body's vocabulary (standfirsts, captions and bylines
    sit there). `breaks`: units with set-aside furniture just above them (a run ends there); `words`, `sent`: each
    unit's content words and whether it is a full sentence (computed when not given)."""
    words = words if words is not None else [_content_words(u.text) for u in us]
    sent = sent if sent is not None else [_sentence(u.text) for u in us]
    body_words = set(_content_words(title)).union(*(w for w, r in zip(words, reasons) if r is None))
    kept = [i for i, r in enumerate(reasons) if r is None]
    if not kept:
        # nothing kept: a text of full sentences and nothing else (the line model reads sentences written without
        # spaces, in Chinese, Japanese or Korean, as one-word lines) is an article, kept whole
        sentences = [k for k in range(len(us)) if sent[k]]
        if sentences and all(reasons[k] in _RESTORABLE | {"headline"} and not _hard_reason(us[k].text)
                             for k in sentences):
            share = sum(_size(us[k].text) for k in sentences) / max(1, sum(_size(u.text) for u in us))
            if share >= 0.8:
                for k in range(sentences[0], sentences[-1] + 1):
                    reasons[k] = None
        return
    if not body_words:
        return
    opens_with_body = all(reasons[k] == "headline" for k in range(kept[0])) and not breaks & set(range(kept[0] + 1))
    # a list article (item names over paragraphs): in a text that opens with its body, a run laid out the same
    # way continues the list, however new its names
    item_heads = sum(1 for k in kept[:-1] if reasons[k + 1] is None and not sent[k]
                     and word_count(us[k].text) <= 8 and sent[k + 1])
    listed = opens_with_body and item_heads >= 2

    def shape_only(k: int) -> bool:  # a two-word capitalised line is a name only by its shape, too
        r, t = reasons[k], us[k].text
        return (r in _RESTORABLE or (r == "author-bio" and not _BIO.search(t))) and not _hard_reason(t) \
            and not _URL.search(t)  # a web address is evidence of a link

    i = 0
    while i < len(us):
        if not shape_only(i):
            i += 1
            continue
        j = i + 1
        while j < len(us) and j not in breaks and shape_only(j):
            j += 1
        opening = i == 0 and 0 not in breaks
        touches = opening or (reasons[i - 1] is None and i not in breaks) or (
            j < len(us) and reasons[j] is None and j not in breaks)
        sentences = [k for k in range(i, j) if sent[k]]
        inside = i > 0 and reasons[i - 1] is None and i not in breaks and j < len(us) and reasons[j] is None \
            and j not in breaks
        # a closing run with lines written as statements (a schedule, not a list of headlines)
        closing = i > 0 and reasons[i - 1] is None and i not in breaks and j == len(us) and any(
            SENT_END.search(us[k].text) or _CJK_STOP.search(us[k].text) for k in range(i, j))
        if opens_with_body and (inside or closing):
            # inside or closing an extracted article's body, with no evidence of furniture (no wording, no web
            # address, no teaser heading above): its own headings, lists, tables, schedules
            for k in range(i, j):
                reasons[k] = None
        elif touches and sentences:
            # the items of a list a sentence introduces ("Here is the list:") are prose with it
            prose = set(sentences)
            for k in sentences:
                m = k + 1
                while us[k].text.rstrip().endswith(":") and m < j and word_count(us[m].text) <= 25:
                    prose.add(m)
                    m += 1
            share = sum(_size(us[k].text) for k in prose) / max(1, sum(_size(us[k].text) for k in range(i, j)))
            coh = float(np.mean([_coherence(words[k], body_words) for k in sentences]))
            bar = 0.0 if _lead_after_header(us, reasons, i, j) else \
                RESTORE_COHERENCE_EXTRACTED if opens_with_body or opening else RESTORE_COHERENCE
            heads = [k for k in range(i, j) if not sent[k] and word_count(us[k].text) <= 8
                     and k + 1 in sentences]
            first = sentences[0]
            if listed and heads:
                bar, first = 0.0, min(first, heads[0])
            if share >= RESTORE_SENTENCE_SHARE and coh >= bar:
                for k in range(first, sentences[-1] + 1):
                    reasons[k] = None
        i = j


_HEADER = {"headline", "timestamp", "byline"}


def _lead_after_header(us: list[Unit], reasons: list[str | None], i: int, j: int) -> bool:
    """Units i..j-1 sit between the article's own header (its headline, date and byline lines, and nothing else
    above them) and the body right below: the story's lead, not a page's standfirst or teaser."""
    return i > 0 and j < len(us) and reasons[j] is None and j - i <= 2 and all(reasons[k] in _HEADER for k in range(i)) \
        and any(_hard_reason(us[k].text) in ("timestamp", "byline") for k in range(i))


# a wire story's lead opens with its dateline: "HAYWARD, Calif. (AP) — …" is the body's first paragraph, never a headline
_DATELINE = re.compile(r"^\W*[A-Z][A-Z .'’-]{1,40}(?:, [A-Z][\w.' ]{1,30})?\s*\((?:AP|Reuters|AFP|UPI|CNN|dpa|Xinhua)\)\s*[—–-]")


_PERIOD_END = re.compile(r"(?<![.…])(?<!\b[A-Z])\.[\"'”’)\]]*\s*$")
_TWO_SENTENCES = re.compile(r"[a-z]{3,}[.!?][\"'”’)]*\s+[A-Z\"“‘]")


def _unhead_sentences(us: list[Unit], reasons: list[str | None]) -> None:
    """A unit called a headline for its shape and place alone (short, above the body) that is written as prose (closed
    by a period, or two sentences introducing what follows) is no headline: headlines are not punctuated so. It
    becomes a page header, which the restores judge by the evidence (a lead the body follows, a standfirst)."""
    for i, u in enumerate(us):
        t = u.text.rstrip()
        if reasons[i] == "headline" and (_PERIOD_END.search(t) or t.endswith(":") and _TWO_SENTENCES.search(t)):
            reasons[i] = "page-header"


_DATELINE_ALONE = re.compile(r"^\W*[A-Z][A-Z .'’-]{1,40}(?:, [A-Z][\w.' ]{1,30})?(?:\s*\((?:AP|Reuters|AFP|UPI|CNN|dpa|Xinhua)\))?"
                             r"\s*[—–-]\s*$")


def _restore_leads(us: list[Unit], reasons: list[str | None]) -> None:
    """A unit opening with a wire dateline that was dropped for its shape or place (as a headline, a page header)
    is the lead, when the body follows it; a dateline alone on its line is kept with the lead right below it."""
    for i, u in enumerate(us):
        if reasons[i] in _SHAPE_REASONS and _DATELINE.match(u.text) and not _hard_reason(u.text) \
                and any(r is None for r in reasons[i + 1 : i + 3]):
            reasons[i] = None
        elif reasons[i] in _SHAPE_REASONS and _DATELINE_ALONE.match(u.text) and i + 1 < len(us) and reasons[i + 1] is None:
            reasons[i] = None  # "CARROW, Norland —" over its lead: the dateline the lead runs on from


def _layout(text: str) -> tuple[str, str] | None:
    """A short line's template: how it opens (a digit, a capital, a bullet) and the punctuation it is laid out
    with ("August 30 – Denver, CO @ Arena" -> ("A", "–,@")); None for a sentence or a line without such marks."""
    t = text.strip()
    if not t or word_count(t) > 25 or SENT_END.search(t):
        return None
    bare = re.sub(r"(?<=\w)[-'’./&](?=\w)", "", t)  # marks inside words and numbers ("Ak-Chin", "3.5") lay nothing out
    marks = "".join(dict.fromkeys(c for c in bare if not c.isalnum() and not c.isspace() and c not in "'’.\"“”"))
    if not marks:
        return None
    head = "9" if t[0].isdigit() else "A" if t[0].isupper() else t[0] if not t[0].isalnum() else "a"
    return head, marks


def _continue_lists(us: list[Unit], reasons: list[str | None]) -> None:
    """A list the body holds continues through lines laid out the same way (same opening, same punctuation:
    a tour's dates, a table's rows): lines dropped only for their shape and place that repeat the template of the
    two or more kept lines beside them are body too."""
    lay = [_layout(u.text) for u in us]

    def shape_only(k: int) -> bool:
        return reasons[k] in _SHAPE_REASONS and not _hard_reason(us[k].text) and not _URL.search(us[k].text)

    for step in (1, -1):
        order = range(len(us)) if step == 1 else range(len(us) - 1, -1, -1)
        for i in order:
            if not shape_only(i) or lay[i] is None:
                continue
            a, b = i - step, i - 2 * step
            if 0 <= b < len(us) and 0 <= a < len(us) and reasons[a] is None and reasons[b] is None \
                    and lay[a] == lay[i] and lay[b] == lay[i]:
                reasons[i] = None


# an embedded post's signature: "— Ann Lee (@annlee) March 3, 2018"
_POST_SIGNATURE = POST_SIGNATURE
POST_WORDS = 70  # an embedded post is short (a tweet is at most 280 characters)


def _restore_embeds(us: list[Unit], reasons: list[str | None]) -> None:
    """An embedded post the body quotes (its text, then its signature line naming who posted it and when) is what
    someone said, and who: kept with the body when the body, or another such post, stands right above it."""
    for i, u in enumerate(us):
        if reasons[i] is None or not _POST_SIGNATURE.match(u.text):
            continue
        # the post: the lines above the signature back to the body (or to the previous post's signature)
        j = i
        while j > 0 and reasons[j - 1] is not None and not _POST_SIGNATURE.match(us[j - 1].text) and i - j < 3:
            j -= 1
        post = range(j, i)
        if j == 0 or reasons[j - 1] is not None and not _POST_SIGNATURE.match(us[j - 1].text):
            continue
        if sum(word_count(us[k].text) for k in post) > POST_WORDS:
            continue
        if all(reasons[k] in _SHAPE_REASONS and not _hard_reason(us[k].text) and not _RELATED_HEAD.search(us[k].text)
               for k in post):
            for k in (*post, i):
                reasons[k] = None


# a heading's look: most words capitalised, or a numbered step ("2. Don't …")
_HEADING = re.compile(r"^\W*(?:\d{1,2}[.)]\s|(?i:here(?:'|’)s|how|why|what|when|where|who)\b|"
                      r"[A-Z0-9][\w'’.-]*(?:\W+(?:(?:a|an|the|of|in|on|at|to|for|and|or|by|with|vs?)\W+){0,2}[A-Z0-9][\w'’.-]*)*\W*$)")
_TAGGED = re.compile(r"(?:^|\s)[#@]\w")  # a post's hashtags and handles: an embed, not a caption
RESTATED_SHARE = 0.6  # news_cluster dev records: Daily Mail captions restate a paragraph; distinct lines stay under it


def _drop_restated_captions(us: list[Unit], reasons: list[str | None], words: list[set[str]]) -> None:
    """In copy whose paragraphs close with a stop, a kept line of 8+ words with no closing stop that restates one of
    those paragraphs (most of its content words are in it) is a caption or a highlight bullet written from the body
    ("Following the announcement, shares dropped five per cent in after-hours trading" beside the paragraph saying
    so): it would enter the brief as a second, unsourced copy of a fact, so it goes. A line that lost its stop but
    says something new stays: the evidence is the restatement, not the missing stop."""
    long = [k for k, r in enumerate(reasons) if r is None and word_count(us[k].text) >= 8]
    stopped = [k for k in long if SENT_END.search(us[k].text) or _CJK_STOP.search(us[k].text)]
    if len(long) < 5 or len(stopped) < 2 / 3 * len(long):
        return
    postings: dict[str, list[int]] = {}
    for k in stopped:
        for w in words[k]:
            postings.setdefault(w, []).append(k)
    for k in sorted(set(long) - set(stopped)):
        w, t = words[k], us[k].text
        n = word_count(t)
        if len(w) < 5 or n < 10 or n > 60 or t.rstrip().endswith(":") or _HEADING.match(t) or _TAGGED.search(t) \
                or _BULLET.match(t):  # a list item sums up by design
            continue
        shared = Counter(j for x in w for j in postings.get(x, ()))
        best = max(shared, key=lambda j: (shared[j], -abs(j - k)), default=None)
        # a line the paragraph right below it restates is that section's heading
        below = len(w & words[k + 1]) if k + 1 < len(us) else 0
        cut = k + 1 < len(us) and us[k + 1].text[:1].islower()  # a paragraph broken across lines, not a line of its own
        if best is not None and below < 0.4 * len(w) and not cut and shared[best] >= RESTATED_SHARE * len(w):
            reasons[k] = "restated-caption"


# a page of search results: its title or address says so ("NPR Search : NPR", "/search?q=…")
_SEARCH_TITLE = re.compile(r"^\W*(?:[\w.&'’ -]{0,40}\s)?search(?:\s+results?)?(?:\s+for\b.{0,80})?\s*(?:[:|–—-].{0,40})?$"
                           r"|\bsearch results\b", re.I)
_SEARCH_URL = re.compile(r"/search(?:/|\.\w+|\?|$)|[?&](?:q|query|search|searchinput|searchterm|keywords?)=", re.I)
_SNIPPET_CUT = re.compile(r"\w\s*(?:\.\.\.|…)\s+\w|(?:\.\.\.|…)\s*$")


def search_page(title: str, url: str, texts: list[str]) -> bool:
    """A page of search results or teasers, not an article: its title or address names a search and its lines read
    as result snippets (text cut off with "…" inside or at the end)."""
    if not (_SEARCH_TITLE.search(title or "") or _SEARCH_URL.search(url or "")):
        return False
    return sum(bool(_SNIPPET_CUT.search(t)) for t in texts) >= max(1, len(texts) // 3)


_STAMP = re.compile(r"\b\d{1,2}:\d{2}\b")  # a clock time or a duration: a teaser's or a live blog's stamp
# furniture an article's own copy carries (a wire credit, a caption, an embed's label, an ad slot): no sign of a page
# around it, so it leaves the rest to be read as an article
_ARTICLE_FURNITURE = _IN_BODY_FURNITURE | {"credit"}
CLEAN_SHARE = 0.8  # AEB dev: clean bodies as records keep what the line model doubted; page texts never qualify


def _keep_clean_text(us: list[Unit], reasons: list[str | None]) -> None:
    """Keep unless evidence, for text that is already an article: when nothing in it has furniture wording (no
    set-aside unit, which the caller checks; no hard rule, web address or time stamp among the dropped units) and
    the line model kept 80 % of its words (or every line it dropped is a statement closed by a stop, said once), what
    it dropped for shape and place alone (a closing schedule, an opening list, short one-line paragraphs) is the
    article's too. A dropped headline stays dropped (the brief has the title)."""
    total = sum(word_count(u.text) for u in us)
    dropped = [k for k, r in enumerate(reasons) if r is not None and r != "headline"]
    if not total or not dropped or any(
            reasons[k] not in _SHAPE_REASONS or _hard_reason(us[k].text) or _URL.search(us[k].text)
            or _STAMP.search(us[k].text) for k in dropped):
        return
    # lines all written as statements, none repeated on the page, are no menu or teaser list, however short: then the
    # share does not matter
    seen = Counter(u.text for u in us)
    statements = all((SENT_END.search(us[k].text) or _CJK_STOP.search(us[k].text)) and seen[us[k].text] == 1
                     for k in dropped)
    if statements or total - sum(word_count(us[k].text) for k in dropped) >= CLEAN_SHARE * total:
        for k in dropped:
            reasons[k] = None


CLOSING_COHERENCE = 0.15  # ECB+ and AEB dev: an article's own closing lines share some words with it; another story's none
CLOSING_JUNK = 0.1


def _restore_closing_prose(us: list[Unit], reasons: list[str | None], title: str, words: list[set[str]]) -> None:
    """The lines closing a text after its body, dropped for their shape and place alone, are the article's ending
    (one-sentence paragraphs, a closing quote, "Cheeks is in.") when every one is written as a statement (closed by
    a stop or a quote's close) and nothing in them is evidence of furniture: no furniture wording or hard rule, no
    web address or time stamp, few words of page furniture ("share", "comments"), and together they use some of the
    body's vocabulary. Menus, teaser headlines and footers are not written as statements, so they stay out."""
    kept = [i for i, r in enumerate(reasons) if r is None]
    if not kept:
        return
    run: list[int] = []
    for k in range(kept[-1] + 1, len(us)):
        t = us[k].text
        if reasons[k] not in _RESTORABLE or _hard_reason(t) or _URL.search(t) or _STAMP.search(t):
            break
        run.append(k)
    if not run or run[-1] + 1 < len(us) and reasons[run[-1] + 1] in _RESTORABLE:
        return
    if not all(SENT_END.search(us[k].text) or _CJK_STOP.search(us[k].text) for k in run):
        return
    toks = [x.lower() for k in run for x in tokens(us[k].text)]
    if sum(x in JUNK_WORDS for x in toks) > CLOSING_JUNK * max(1, len(toks)):
        return
    body_words = set(_content_words(title)).union(*(words[i] for i in kept))
    run_words = set().union(*(words[k] for k in run))
    if run_words and len(run_words & body_words) < CLOSING_COHERENCE * len(run_words):
        return
    for k in run:
        reasons[k] = None


def clean(article: Article, model: classifier.LineModel | None = None) -> Article:
    """Fill `text`, `kept_spans` and `removed` from `raw` (the article is changed and returned);
    `model` replaces the shipped line model (training uses it for out-of-fold scores)."""
    raw = article.raw or ""
    every = units(raw)
    if article.meta.get("clean"):  # the producer vouches the text is the article alone
        return _finish(article, raw, every, [None] * len(every))
    if search_page(article.title, article.url, [u.text for u in every]):
        article.meta["not_article"] = "a page of search results, not an article"
        return _finish(article, raw, every, ["search-results"] * len(every))
    # furniture known by its wording and a live blog's bare entry times are set aside before scoring: among
    # them the body's own paragraphs would look like a list of links
    clocks = {i for i, u in enumerate(every) if _CLOCK.match(u.text)}
    known: dict[int, str] = {i: "related-list" for i in teaser_lists([u.text for u in every])}
    known.update({i: "gallery" for i in gallery_counters([u.text for u in every])})
    for i, u in enumerate(every):
        why = None if i in clocks or i in known else furniture_reason(u.text, word_count(u.text))
        if why:
            known[i] = why
        if why == "advertisement" and u.text.rstrip().endswith(":") and i + 1 < len(every) \
                and word_count(every[i + 1].text) <= 30:
            known.setdefault(i + 1, why)  # an ad label's colon introduces the ad itself
    # a photo credit alone on its line sits by its caption: the line right above or below it, when it reads as one
    # ("…, pictured at …", "…, left, speaks …")
    for i in [i for i, why in known.items() if why == "photo-caption" and word_count(every[i].text) <= 8]:
        for j in (i - 1, i + 1):
            if 0 <= j < len(every) and j not in known and j not in clocks and word_count(every[j].text) <= 60 \
                    and caption_or_credit(every[j].text):
                known[j] = "photo-caption"
    aside = clocks | set(known)
    us = [u for i, u in enumerate(every) if i not in aside]
    # scored units just below set-aside furniture that closes a body (teasers, pitches, credits; not a caption,
    # an ad slot or an embed, which sit inside one)
    breaks = {n for n, i in enumerate(i for i in range(len(every)) if i not in aside)
              if i - 1 in known and known[i - 1] not in _IN_BODY_FURNITURE}
    keep = keep_mask(us, article.title, extracted=article.meta.get("format") in EXTRACTED_FORMATS, model=model)
    kept_idx = [i for i, k in enumerate(keep) if k]
    forced: dict[int, str] = {}
    # a leading short line that is not a sentence, followed by prose, is the headline
    if kept_idx and len(kept_idx) > 1:
        h, nxt = us[kept_idx[0]].text, us[kept_idx[1]].text
        tw = _content_words(article.title)
        is_title = bool(tw) and _coherence(_content_words(h), tw) >= 0.8 and _coherence(tw, _content_words(h)) >= 0.8
        only_furniture_before = all(_hard_reason(us[i].text) for i in range(kept_idx[0]))
        if (is_title or only_furniture_before) and 2 <= word_count(h) <= 25 and not SENT_END.search(h) \
                and word_count(nxt) >= 12:
            forced[kept_idx[0]] = "headline"
        elif is_title and _coherence(_content_words(h), tw) >= 0.95 and 2 <= word_count(h) <= 25 \
                and word_count(h) <= 1.3 * word_count(article.title):
            forced[kept_idx[0]] = "headline"  # the page's own title repeated over the body, whatever follows it
    first, last = (kept_idx[0], kept_idx[-1]) if kept_idx else (len(us), -1)
    reasons: list[str | None] = []
    for i, u in enumerate(us):
        if i in forced:
            reasons.append(forced[i])
        elif keep[i]:
            reasons.append(None)
        else:
            where = "before" if i < first else ("after" if i > last else "inside")
            reasons.append(_reason(u.text, where))
    words = [_content_words(u.text) for u in us]
    sent = [_sentence(u.text) for u in us]
    _unhead_sentences(us, reasons)
    _restore_lists(us, reasons)
    _restore_prose(us, reasons, sent)
    _restore_evidenced(us, reasons, article.title, breaks, words, sent)
    _restore_lists(us, reasons)  # lists the restored prose introduces
    _restore_leads(us, reasons)
    _continue_lists(us, reasons)
    _restore_embeds(us, reasons)
    if not set(known.values()) - _ARTICLE_FURNITURE and article.meta.get("format") not in EXTRACTED_FORMATS:
        _keep_clean_text(us, reasons)
    _restore_closing_prose(us, reasons, article.title, words)
    if not _drop_unrelated_tail(us, reasons, article.title, words):
        _drop_closing_bullets(us, reasons, article.title, words)
    _drop_other_event_tail(us, reasons, article.title)
    _drop_restated_captions(us, reasons, words)
    # the author's name or bio closing the article is furniture, however the classifier scored it
    body = [i for i, r in enumerate(reasons) if r is None]
    while len(body) > 1 and word_count(us[body[-1]].text) <= 40 and (
            _NAME.search(us[body[-1]].text) or _BIO.search(us[body[-1]].text)):
        reasons[body.pop()] = "author-bio"
    # only the first non-sentence line above the body is the headline
    seen_head = False
    for i, r in enumerate(reasons):
        if r == "headline":
            if seen_head:
                reasons[i] = "page-header"
            seen_head = True
    # once a related-links list starts after the body, everything below it is that list
    body = [i for i, r in enumerate(reasons) if r is None]
    if body:
        tail = [i for i in range(body[-1] + 1, len(us)) if reasons[i] in ("related-list", "timestamp")]
        for i in range(tail[0] if tail else len(us), len(us)):
            if reasons[i] in ("unrelated-story", "page-footer", "author-bio", "headline"):
                reasons[i] = "related-list"
    if not article.title:
        heads = [u.text for u, r in zip(us, reasons) if r == "headline"]
        if heads:
            article.title = heads[0]
    merged = _merge(every, clocks, known, reasons)
    if None in merged and not any(r is None and _prose(u.text) for u, r in zip(every, merged)):
        # what is left holds no sentence: a page of labels and promos ("INSIGHTS TEST SERIES – 2018"), no report
        article.meta["not_article"] = "no sentence left after cleaning, only headings and labels"
        merged = [r or "navigation" for r in merged]
    return _finish(article, raw, every, merged)


def _merge(every: list[Unit], clocks: set[int], known: dict[int, str], reasons: list[str | None]) -> list[str | None]:
    """Reasons for every unit from the scored ones' and the set-aside ones'; an entry time is kept when the
    entry it heads is kept."""
    rest = iter(reasons)
    out: list[str | None] = [None if i in clocks else known[i] if i in known else next(rest) for i in range(len(every))]
    for i in sorted(clocks, reverse=True):
        following = out[i + 1] if i + 1 < len(out) else "timestamp"
        out[i] = None if following is None and i + 1 not in clocks else "timestamp"
    return out


def _finish(article: Article, raw: str, us: list[Unit], reasons: list[str | None]) -> Article:
    """Set `kept_spans`, `removed` and `text` from each unit's removal reason (None: kept)."""
    article.kept_spans = [(u.start, u.end) for u, r in zip(us, reasons) if r is None]
    article.removed = _segments(raw, us, reasons)
    if article.meta.get("control_characters"):  # stripped at ingest, so no offsets into raw
        article.removed.insert(0, Segment(article.meta["control_characters"], "control-characters"))
    if article.meta.get("decoding"):  # replaced or re-decoded bytes at ingest: said on the article
        article.removed.insert(0, Segment(article.meta["decoding"], "decoding"))
    article.text = "\n".join(raw[s:e] for s, e in article.kept_spans)
    return article
