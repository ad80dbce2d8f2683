"""Line units and their features for the furniture classifier.

A page is cut into units (lines, or blank-line paragraphs when the text is hard-wrapped); each
unit gets numeric features about itself, its neighbours, its place relative to the page's densest
run of sentence-like units, and its topical overlap with the title and the article's lead.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

WORD = re.compile(r"\w+")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most
    my myself no nor not now of off on once only or other our ours ourselves out over own same she should
    so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    yours yourself said says also would could has been its it's one two new""".split()
)
# words typical of page furniture (menus, sharing, sign-up, legal, comments)
JUNK_WORDS = frozenset(
    """share shares tweet facebook twitter whatsapp linkedin pinterest email print subscribe subscription
    subscribers newsletter newsletters sign login log register account menu home search advertisement
    advertisements advertise sponsored cookie cookies privacy policy terms copyright rights reserved
    comments comment reply follow click tap download app apps rss feed related recommended trending popular
    sections skip content loading video videos photo photos gallery image images credit getty shutterstock
    reuters afp ap ago minutes minute hours hour read more watch listen podcast contact us about careers
    inbox unsubscribe topics tags categories category posted updated published author staff""".split()
)
SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")
_SENT_PUNCT = re.compile(r"[.!?](?=\s|$|[\"'”’])")
TIMESTAMP = re.compile(
    r"^\s*(\d+\s+(sec|second|min|minute|hr|hour|day|week|month|year)s?\s+ago|just now|"
    r"(updated|posted|published)?\s*:?\s*(\w+\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+\w+\s+\d{4}|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})"
    r"([\s,|at]+\d{1,2}[:.]\d\d\s*([ap]\.?m\.?)?\s*\w{0,4})?)\s*$",
    re.I,
)
BYLINE = re.compile(r"^\s*(by|written by|reporting by|words by|story by)\s+[A-Z][\w.'’-]+", re.I)
CREDIT = re.compile(
    r"(^\s*(photo|image|picture|credit|photograph|illustration|file photo)s?\b\s*(:|by|credit)?|"
    r"\b(getty images|shutterstock|ap photo|afp via|reuters/|/reuters|/ap|/afp|epa-efe|xinhua)\b|"
    r"^\s*(reuters|ap|afp|getty|epa|pa|pa media|bloomberg|xinhua|anadolu)\s*$)",
    re.I,
)
LINK_PREFIX = re.compile(
    r"^\s*(earlier|read more|read also|also read|see also|related|more|watch|listen|recommended|"
    r"read next|next|previous|up next|latest|opinion|analysis|explainer|live|more on this story)\s*[:|»>-]\s*\S",
    re.I,
)
LEGAL = re.compile(
    r"(all rights (are )?reserved|©|copyright|legal warning|terms of (use|service)|privacy policy|"
    r"cookie policy|may not be (?:[\w-]+(?:, | or | and |, or ))*(?:re)?(?:published|copied|reproduced|distributed)|"
    r"without (?:a |our |the )?(?:prior )?written (?:permission|contract|consent|licen[cs]e)|reproduction)",
    re.I,
)
NEWSLETTER = re.compile(
    r"(newsletter|subscribe|sign up|signup|inbox|unsubscribe|register here|free trial|support (our|us)|"
    r"donate|become a (member|subscriber))",
    re.I,
)
FEED = re.compile(
    r"(automated (news )?(agency )?feed|auto-generated from a syndicated feed|not been edited by|"
    r"published from a syndicated feed|without modifications to text)",
    re.I,
)

# keys of the unanchored patterns (see `may_match`)
LEGAL_KEYS = ("all rights ", "©", "copyright", "legal warning", "terms of ", "privacy policy", "cookie policy", "may not be ",
               "without ", "reproduction")
NEWSLETTER_KEYS = ("newsletter", "subscribe", "sign up", "signup", "inbox", "register here", "free trial", "support ", "donate",
                    "become a ")
FEED_KEYS = ("automated ", "auto-generated from a syndicated feed", "not been edited by", "published from a syndicated feed",
              "without modifications to text")

@dataclass
class Unit:
    """One unit of a page: its span in the raw text and the text itself."""

    start: int
    end: int
    text: str


def tokens(text: str) -> list[str]:
    """`\\w+` tokens, the benchmark's notion of a word."""
    return list(_words(text))


@functools.lru_cache(maxsize=1 << 14)
def _words(text: str) -> tuple[str, ...]:
    """`tokens(text)`, memoised: the features, the content words and the word counts of one unit read it alike."""
    return tuple(WORD.findall(text))


@functools.lru_cache(maxsize=1 << 14)
def word_count(text: str) -> int:
    """`word_count(text)`, memoised: the cleaner asks it of each unit in many steps."""
    return len(_words(text))


# characters that re.IGNORECASE matches to an ASCII letter while str.lower() does not turn them into it
# ("ſ" matches "s", "ı" and "İ" match "i"): on a text holding one, a pattern's keys say nothing
_CASE_ODD = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """`text` lower-cased for key tests (a pattern none of whose keys is in it cannot match `text`), or None
    when the text holds a character that case-insensitive matching reads otherwise."""
    return None if _CASE_ODD.search(text) else text.lower()


def may_match(keys: tuple[str, ...], low: str | None) -> bool:
    """Whether a pattern with `keys` (one of them is in every text it matches, lower-cased) can match; `low`:
    `lowered(text)`. Most units hold none of a furniture pattern's keys, and `in` is far cheaper than a search."""
    if low is None or not keys:
        return True
    for k in keys:  # a loop, not any(genexpr): the cleaner asks this ~400k times per 380 pages
        if k in low:
            return True
    return False


WRAP_WIDTH = 100  # the widest a hard-wrapped line runs (e-mail and wire copy wrap at 65-80 characters)


def _soft_wrapped(paragraph_lines: list[str]) -> bool:
    """True when a paragraph's line breaks look like hard wrapping inside running prose."""
    if len(paragraph_lines) < 3:
        return False
    # wrapping cuts every line but the last near one width: a line longer than a wrap width (a list of
    # headlines or of items beside a paragraph) says these are separate lines
    width = max(len(a.strip()) for a in paragraph_lines[:-1])
    if width > WRAP_WIDTH:
        return False
    soft = 0
    for a, b in zip(paragraph_lines, paragraph_lines[1:]):
        a, b = a.strip(), b.strip()
        if a and b and (b[0].islower() or not SENT_END.search(a)) and 30 <= len(a):
            soft += 1
    return soft >= 0.6 * (len(paragraph_lines) - 1)


def units(raw: str) -> list[Unit]:
    """Non-blank lines of `raw`, with hard-wrapped paragraphs joined into one unit each."""
    out: list[Unit] = []
    for para in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", raw):
        block = para.group()
        lines = [(m.start() + para.start(), m.end() + para.start()) for m in re.finditer(r"[^\n]+", block)]
        lines = [(s, e) for s, e in lines if WORD.search(raw[s:e])]
        if not lines:
            continue
        if _soft_wrapped([raw[s:e] for s, e in lines]):
            s, e = lines[0][0], lines[-1][1]
            out.append(Unit(s, e, " ".join(raw[a:b].strip() for a, b in lines)))
        else:
            for s, e in lines:
                out.extend(_split_credit(raw, s, e))
    return out


# a wire credit closing a paragraph of reporting: "… beaches. (Reporting by X; Editing by Y)"
_TAIL_CREDIT = re.compile(r"(?<=[.!?\"”])\s+(\((?:additional )?(?:reporting|writing|editing|compiled|research) by\b[^()]*\))\s*$",
                          re.I)


def _split_credit(raw: str, s: int, e: int) -> list[Unit]:
    """The line raw[s:e] as one unit, or two when a wire credit closes it (so the credit can go alone)."""
    m = _TAIL_CREDIT.search(raw, s, e)
    if not m:
        return [Unit(s, e, raw[s:e].strip())]
    c = m.start(1)
    head_end = s + len(raw[s:c].rstrip())
    return [Unit(s, head_end, raw[s:head_end].strip()), Unit(c, e, raw[c:e].strip())]


def _content(toks: list[str]) -> list[str]:
    return [low for t in toks if len(t) > 2 and not t.isdigit() and (low := t.lower()) not in STOPWORDS]


def _sentlike(toks: list[str], text: str) -> bool:
    return len(toks) >= 10 and bool(_SENT_PUNCT.search(text))


def dense_run(values: list[float]) -> tuple[int, int]:
    """(first, last) index of the maximum-sum contiguous run (Kadane); (0, -1) when all negative."""
    best, best_span = 0.0, (0, -1)
    cur, cur_start = 0.0, 0
    for i, v in enumerate(values):
        if cur <= 0:
            cur, cur_start = v, i
        else:
            cur += v
        if cur > best:
            best, best_span = cur, (cur_start, i)
    return best_span


FEATURE_NAMES: list[str] = []


def features(us: list[Unit], title: str = "") -> np.ndarray:
    """Feature matrix (one row per unit); column names in `FEATURE_NAMES`."""
    n = len(us)
    toks = [tokens(u.text) for u in us]
    nw = np.array([len(t) for t in toks], dtype=float)
    sent = np.array([_sentlike(t, u.text) for t, u in zip(toks, us)], dtype=float)
    title_toks = set(_content(tokens(title))) if title else set()
    if not title_toks and n:
        # no known title: the first short line is most often the page's headline
        for t in toks[:5]:
            if 3 <= len(t) <= 25:
                title_toks = set(_content(t))
                break
    counts = Counter(u.text.lower() for u in us)
    # the densest run of sentence-like units: the article body's likely core
    vals = [min(w, 60.0) if s else -max(4.0, 0.5 * w) for w, s in zip(nw, sent)]
    r0, r1 = dense_run(vals)
    content = [_content(t) for t in toks]
    core = Counter()
    for i in range(r0, r1 + 1):
        if sent[i]:
            core.update(set(content[i]))
    lead = Counter()
    k = 0
    for i in range(r0, r1 + 1):
        if sent[i]:
            lead.update(set(content[i]))
            k += 1
            if k >= 3:
                break
    run_len = max(1, r1 - r0 + 1)
    rows = []
    for i, (u, t) in enumerate(zip(us, toks)):
        text = u.text
        w = len(t)
        c = content[i]
        cs = set(c)
        low = [x.lower() for x in t]
        own_core = 1 if (r0 <= i <= r1 and sent[i]) else 0
        core_hits = sum(1 for x in cs if core[x] - own_core > 0)
        own_lead = 1 if (lead and cs and all(lead[x] > 0 for x in cs) and r0 <= i <= r1) else 0
        lead_hits = sum(1 for x in cs if lead[x] - own_lead > 0)
        caps = sum([x[0].isupper() for x in t])  # `\w+` tokens are never empty
        lowt = lowered(text)
        rows.append([
            math.log1p(w),
            math.log1p(len(text)),
            sent[i],
            1.0 if SENT_END.search(text) else 0.0,
            1.0 if text.rstrip().endswith(("…", "...")) else 0.0,
            math.log1p(len(_SENT_PUNCT.findall(text))),
            sum(map(STOPWORDS.__contains__, low)) / max(1, w),
            caps / max(1, w),
            sum(map(str.isdigit, t)) / max(1, w),
            sum(map(JUNK_WORDS.__contains__, low)) / max(1, w),
            1.0 if TIMESTAMP.search(text) else 0.0,
            1.0 if w <= 12 and BYLINE.search(text) else 0.0,
            1.0 if w <= 25 and CREDIT.search(text) else 0.0,
            1.0 if LINK_PREFIX.search(text) and not SENT_END.search(text) else 0.0,
            1.0 if may_match(LEGAL_KEYS, lowt) and LEGAL.search(text) else 0.0,
            1.0 if may_match(NEWSLETTER_KEYS, lowt) and NEWSLETTER.search(text) else 0.0,
            1.0 if may_match(FEED_KEYS, lowt) and FEED.search(text) else 0.0,
            1.0 if text[:1] in "\"“‘'" else 0.0,
            text.count(",") / max(1, w),
            sum(map(text.count, "|»›•·/<>")) / max(1, len(text)) * 10,
            1.0 if counts[text.lower()] > 1 else 0.0,
            len(cs & title_toks) / max(1, len(title_toks)) if title_toks else 0.0,
            len(cs & title_toks) / max(1, len(cs)) if cs else 0.0,
            i / max(1, n - 1),
            1.0 if r0 <= i <= r1 else 0.0,
            math.log1p(max(0, r0 - i)),
            math.log1p(max(0, i - r1)),
            (i - r0) / run_len if r0 <= i <= r1 else (-0.5 if i < r0 else 1.5),
            core_hits / max(1, len(cs)) if cs else 0.0,
            lead_hits / max(1, len(cs)) if cs else 0.0,
            math.log1p(run_len),
            math.log1p(n),
        ])
    x = np.array(rows, dtype=float) if rows else np.zeros((0, len(_BASE)), dtype=float)
    # neighbourhood means: what surrounds a unit says as much as the unit itself
    if not n:
        return np.zeros((0, len(FEATURE_NAMES)))
    cols = x[:, _WINDOWED]
    # each column's mean within 1, then within 3 (the order of FEATURE_NAMES)
    near = np.stack([_window_mean(cols, 1), _window_mean(cols, 3)], axis=2).reshape(n, -1)
    return np.column_stack([x, near])


_BASE = [
    "log_words", "log_chars", "sentlike", "ends_sentence", "ends_ellipsis", "log_sentences", "stopword_ratio",
    "caps_ratio", "digit_ratio", "junk_word_ratio", "timestamp", "byline", "credit", "link_prefix", "legal",
    "newsletter", "feed_disclaimer", "starts_quote", "comma_ratio", "separator_ratio", "duplicate",
    "title_recall", "title_precision", "rel_pos", "in_run", "log_before_run", "log_after_run", "run_pos",
    "core_overlap", "lead_overlap", "log_run_len", "log_units",
]
FEATURE_NAMES.extend(_BASE)
_WINDOWED = [_BASE.index(c) for c in ("log_words", "sentlike", "stopword_ratio", "junk_word_ratio", "core_overlap")]
for _c in _WINDOWED:
    for _w in (1, 3):
        FEATURE_NAMES.append(f"{_BASE[_c]}_mean{_w}")


def _window_mean(cols: np.ndarray, win: int) -> np.ndarray:
    """Mean of each column of `cols` over the units within `win` on either side (the unit itself excluded)."""
    n = len(cols)
    c = np.concatenate([np.zeros((1, cols.shape[1])), np.cumsum(cols, axis=0)])
    i = np.arange(n)
    a, b = np.maximum(0, i - win), np.minimum(n, i + win + 1)
    k = (b - a - 1)[:, None]
    return np.where(k > 0, (c[b] - c[a] - cols) / np.maximum(k, 1), 0.0)


# --------------------------------------------------------------------------- second stage: context of scores

_CTX_BASE = ["log_words", "sentlike", "ends_sentence", "ends_ellipsis", "junk_word_ratio", "title_recall", "rel_pos",
             "core_overlap", "link_prefix", "duplicate"]
CONTEXT_NAMES: list[str] = (
    ["z"] + [f"z_shift{k}" for k in (1, 2, 3, -1, -2, -3)]
    + [f"z_mean_{a}_{b}" for a, b in ((-5, -1), (1, 5), (-12, -1), (1, 12), (-2, 2))]
    + ["log_body_mass_before", "log_body_mass_after", "in_span", "log_before_span", "log_after_span",
       "page_share_positive", "page_mean_z", "short_line_density"]
    + _CTX_BASE
)


def _range_mean(col: np.ndarray, a: int, b: int) -> np.ndarray:
    """Mean of `col` over units i+a..i+b (clipped to the page); 0 where that range is empty."""
    n = len(col)
    c = np.concatenate([[0.0], np.cumsum(col)])
    i = np.arange(n)
    lo, hi = np.clip(i + a, 0, n), np.clip(i + b + 1, 0, n)
    size = hi - lo
    return np.where(size > 0, (c[hi] - c[lo]) / np.maximum(size, 1), 0.0)


def context_features(z: np.ndarray, x: np.ndarray, us: list[Unit]) -> np.ndarray:
    """Second-stage features: a unit's first-stage score beside its neighbours' (wider context), where the
    page's body mass lies, and how densely short non-sentence (link-like) lines cluster around it."""
    n = len(z)
    if n == 0:
        return np.zeros((0, len(CONTEXT_NAMES)))
    w = np.array([math.log1p(word_count(u.text)) + 0.5 for u in us])
    zc = np.clip(z, -8.0, 8.0)
    cols = [zc]
    for k in (1, 2, 3, -1, -2, -3):
        s = np.full(n, -8.0)
        if 0 < k < n:
            s[k:] = zc[:-k]
        elif 0 < -k < n:
            s[:k] = zc[-k:]
        cols.append(s)
    for a, b in ((-5, -1), (1, 5), (-12, -1), (1, 12), (-2, 2)):
        cols.append(_range_mean(zc, a, b))
    pos = (z > 0) * w
    cpos = np.cumsum(pos)
    cols += [np.log1p(cpos - pos), np.log1p(cpos[-1] - cpos)]
    s0, s1 = dense_run(list(w * z))
    if s1 < s0:
        s0, s1 = n, -1
    i = np.arange(n)
    cols += [((i >= s0) & (i <= s1)).astype(float), np.log1p(np.maximum(0, s0 - i)), np.log1p(np.maximum(0, i - s1)),
             np.full(n, float(np.mean(z > 0))), np.full(n, float(np.mean(zc)))]
    col = {name: j for j, name in enumerate(FEATURE_NAMES)}
    short = ((x[:, col["log_words"]] <= math.log1p(12)) & (x[:, col["sentlike"]] == 0)).astype(float)
    cols.append(_range_mean(short, -3, 3))
    cols += [x[:, col[f]] for f in _CTX_BASE]
    return np.column_stack(cols)
