"""Indirect quotes: reported clauses of speech verbs, "according to X" and "…, X said" parentheticals."""

from __future__ import annotations

from .cues import SPEECH_VERBS, according, subject
from .marks import CLOSERS, OPENERS, QuoteDoc, overlap, QuoteSpan
from .speakers import Speakers


INDIRECT_VERBS = SPEECH_VERBS - {"ask", "describe", "urge", "continue", "chant", "shout", "answer", "wonder", "cry", "begin", "read"}
"""Speech verbs whose reported clause (ccomp) counts as an indirect quote."""


def _trim(doc, lo: int, hi: int, text: str) -> tuple[int, int] | None:
    """Token range [lo, hi] -> char span without a leading "that", edge punctuation or spaces."""
    while lo <= hi and (doc[lo].is_space or (doc[lo].is_punct and doc[lo].text not in OPENERS) or (
        doc[lo].lower_ == "that" and doc[lo].dep_ == "mark")):
        lo += 1
    while hi >= lo and (doc[hi].is_space or (doc[hi].is_punct and doc[hi].text not in CLOSERS) or doc[hi].dep_ == "cc"):
        hi -= 1
    if hi - lo < 2:
        return None
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _before_nested(doc, verb, lo: int, hi: int) -> int:
    """End a reported clause before a second speaker's own attribution inside it ("she would not ride the buses,
    while the investor Paul Okafor said that …"): what follows is Okafor's, not the first speaker's."""
    for t in doc[lo : hi + 1]:
        if t.i == verb.i or t.pos_ not in ("VERB", "AUX") or t.lemma_.lower() not in INDIRECT_VERBS:
            continue
        subj = next((c for c in t.children if c.dep_ == "nsubj"), None)  # its own subject, not a conjunct's
        if subj is None or subj.pos_ not in ("PROPN", "NOUN") or not lo <= subj.i <= hi:
            continue
        start = t.left_edge.i
        if start > lo + 2 and start > subj.i - 6:  # the nested clause starts near its subject, well after ours
            return start - 1
    return hi


def _cut_in_word(doc, hi: int, sent_hi: int) -> bool:
    """Does the clause end inside a word the parser split ("re" | "-" | "established")?"""
    return hi + 1 < sent_hi and not doc[hi].whitespace_ and doc[hi].is_alpha and (
        doc[hi + 1].is_alpha or doc[hi + 1].text == "-")


_CONTENT_POS = frozenset(("NOUN", "VERB", "ADJ", "NUM"))


def _fragment(doc, lo: int, hi: int) -> bool:
    """A reported clause without a content word says nothing on its own: "as Taylor predicts it will be", a name
    alone ("… safety says Prime Minister Ann Lee" with the headline's clause lost)."""
    return not any(t.pos_ in _CONTENT_POS for t in doc[lo : hi + 1])


def _aside(verb) -> bool:
    """The writer's aside: "it is worth noting that …", "it is important to note that …" (no one says it; "the
    mayor was quick to say", "it was happy to report" are someone's)."""
    if verb.dep_ not in ("xcomp", "advcl"):
        return False
    h = verb.head
    adj = h if h.pos_ == "ADJ" else next((c for c in h.children if c.dep_ == "acomp"), None) if h.lemma_ == "be" else None
    if adj is None or adj.lower_ not in _ASIDE_ADJECTIVES:
        return False
    s = subject(verb)
    return s is None or s.lower_ == "it"


_ASIDE_ADJECTIVES = frozenset("worth important fair interesting notable noteworthy necessary safe true clear "
                              "striking telling instructive useful".split())


def indirect_quotes(d: QuoteDoc, sp: Speakers, text: str, para_of) -> list[QuoteSpan]:
    """Reported clauses: ccomp of a speech verb, `according to X` and "…, X said" parentheticals."""
    doc = d.doc
    out: list[QuoteSpan] = []
    pos, lower = d.pos, d.lower
    # only a verb or an "according" can open one: the other tokens are passed over at once
    for i in [i for i, (p, w) in enumerate(zip(pos, lower)) if p == "VERB" or p == "AUX" or w == "according"]:
        tok = d.toks[i]
        if d.in_quote[i]:
            continue
        acc = according(tok) if lower[i] == "according" else None  # (None for any other word)
        if acc is not None:
            sent_lo, sent_hi = d.clip(tok.i)
            lo, hi = tok.left_edge.i, tok.right_edge.i
            before = _trim(doc, sent_lo, lo - 1, text)
            after = _trim(doc, hi + 1, sent_hi - 1, text)
            span = max((s for s in (before, after) if s), key=lambda s: s[1] - s[0], default=None)
            if span:
                q = QuoteSpan(span[0], span[1], para_of(span[0]), False, sp.from_token(acc), "according to", True)
                out.append(q)
            continue
        if pos[i] not in ("VERB", "AUX") or tok.lemma_.lower() not in INDIRECT_VERBS:
            continue
        if any(c.dep_ in ("neg", "auxpass") for c in tok.children):
            continue  # "did not say"; "X is said to have …", "X was told that …": X is not the speaker
        if _aside(tok):
            continue
        sent_lo, sent_hi = d.clip(tok.i)
        if doc[sent_hi - 1].text == "?" or (sent_hi > 1 and doc[max(sent_lo, sent_hi - 2)].text == "?"):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        span = None
        if comps:
            c = comps[0] if len(comps) == 1 or comps[0].i > tok.i else next((x for x in comps if x.i > tok.i), comps[0])
            lo, hi = max(c.left_edge.i, sent_lo), min(c.right_edge.i, sent_hi - 1)
            after = [x for x in comps if x.i > tok.i]
            if len(after) > 1 and c is after[0]:  # "said it was willing pay …": one clause the parser split in two
                hi = min(max(x.right_edge.i for x in after), sent_hi - 1)
            obj = [o for o in tok.children if o.dep_ == "dobj" and tok.i < o.i < c.i]
            if obj and not any(x.dep_ in ("nsubj", "nsubjpass", "expl") for x in c.children):
                lo = max(obj[0].left_edge.i, sent_lo)  # "said sentencing … is lighter": the parser took the subject as an object
            hi = _before_nested(doc, tok, lo, hi)
            if _cut_in_word(doc, hi, sent_hi):  # "it had re-established …" parsed as "it had re": the clause runs on
                hi = sent_hi - 1
            span = None if _fragment(doc, lo, hi) else _trim(doc, lo, hi, text)
        elif tok.dep_ == "parataxis" and tok.head.i < tok.i:
            lo, hi = sent_lo, tok.left_edge.i - 1
            span = None if _fragment(doc, lo, hi) else _trim(doc, lo, hi, text)
        if not span:
            continue
        subj = subject(tok)
        speaker = sp.from_token(subj) if subj is not None else None
        if subj is not None and span[0] <= subj.idx < span[1]:
            continue
        out.append(QuoteSpan(span[0], span[1], para_of(span[0]), False, speaker, tok.text, subj is not None))
    return out


def drop_nested(spans: list[QuoteSpan]) -> list[QuoteSpan]:
    """Keep the outer of two reported clauses where one lies (mostly) inside the other."""
    spans = sorted(spans, key=lambda q: (q.start, -(q.end - q.start)))
    out: list[QuoteSpan] = []
    for q in spans:
        if out and overlap(out[-1], q) >= 0.8 * (q.end - q.start):
            continue
        out.append(q)
    return out
