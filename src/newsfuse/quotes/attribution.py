"""The cue of a direct quote ("…," X said / X said: "…") and the speaker an unattributed quote inherits."""

from __future__ import annotations

from ..model import Speaker
from .cues import SPEECH_VERBS, WRITTEN_NOUNS, cue, subject
from .marks import QuoteDoc, QuoteSpan
from .speakers import PRONOUNS, Speakers


TAIL_TOKENS = 25  # how far after a quote its "…," X said cue may sit
HEAD_TOKENS = 40  # how far before a quote its X said: cue may sit


def attribute_direct(q: QuoteSpan, d: QuoteDoc, sp: Speakers, text: str, prev_end: int, next_start: int, para_start: int) -> bool:
    """Find a direct quote's cue: "…," X said / X said: "…" / X told reporters, "…". Sets q.speaker."""
    doc = d.doc
    # tail: right after the closing mark, before the sentence (or the next quote) ends
    i = d.tok_from(q.end)
    n = 0
    while i < len(doc) and n < TAIL_TOKENS and doc[i].idx < next_start:
        t = doc[i]
        if d.in_quote[i]:
            break
        if t.text in (".", "?", "!", ";") and not (t.text == "." and t.dep_ not in ("punct", "ROOT")):  # not "Lt."
            break
        if t.is_space and "\n" in t.text:
            break
        c = cue(t)
        if c is None and t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX") and n <= 6 and not any(
                ch.dep_ == "mark" and ch.lower_ != "that" for ch in t.children):  # "… as X vowed": another clause
            # the parser lost the subject ("DeBoer said" with DeBoer as aux): nearest name around the verb
            near = [doc[j] for j in range(d.tok_from(q.end), min(len(doc), i + 6)) if j != i and (
                j in sp.tok_ent or doc[j].lower_ in PRONOUNS) and not d.in_quote[j]]
            if near:
                c = (near[0], t.text)
        if c is None and t.lower_ in ("read", "reads") and n <= 10:
            # "“…,” a statement released by the agency read": the parser often takes "read" for a noun
            doc_noun = [doc[j] for j in range(d.tok_from(q.end), i) if doc[j].lemma_.lower() in WRITTEN_NOUNS
                        and doc[j].pos_ == "NOUN" and not d.in_quote[j]]
            if doc_noun:
                c = (doc_noun[0], t.text)
        if c is not None and _introduces_next(text, t, next_start):
            break  # "… duck and cover.” Foreign Secretary Ann Lee said: “…”: that cue is the next quote's
        if c is not None:
            q.speaker, q.cue, q.attributed, q.tail = sp.from_token(c[0]), c[1], True, n <= 6
            return True
        i += 1
        n += 0 if t.is_punct or t.is_space else 1
    # "X expressed hope …: “…”": the subject of the clause the colon ends
    first = d.tok_at(q.start)
    before = text[max(para_start, prev_end, q.start - 3) : q.start].strip()
    if before.endswith(":") and first > 0:
        lo = max(d.clip(first - 1)[0], d.tok_from(max(prev_end, para_start)))
        # the clause's own root: a verb before the colon whose head is itself or inside the quote
        for j in range(first - 1, lo - 1, -1):
            root = doc[j]
            if root.pos_ in ("VERB", "AUX") and (root.head is root or d.in_quote[root.head.i] or root.head.i >= first):
                s = subject(root)
                if s is not None:
                    q.speaker, q.cue, q.attributed = sp.from_token(s), root.text, True
                    return True
    # head: before the opening mark, back to the previous quote, the sentence start or the paragraph
    si = d.sent[first]
    if si > 0 and d.sent_bounds[si][0] == first and text[max(0, q.start - 2) : q.start].strip() in (":", ","):
        si -= 1  # the parser started a sentence at the opening mark of "he said: “…”"
    bound = max(prev_end, para_start, doc[d.sent_bounds[si][0]].idx)
    i, n = first - 1, 0
    while i >= 0 and n < HEAD_TOKENS and doc[i].idx >= bound and not d.in_quote[i]:
        c = cue(doc[i], contrast=True) or _reporting_clause(doc[i], first)
        if c is not None:
            q.speaker, q.cue, q.attributed = sp.from_token(c[0]), c[1], True
            return True
        i -= 1
        n += 1
    return False


def _reporting_clause(tok, first: int) -> tuple[object, str] | None:
    """A speech verb in a subordinate clause whose own complement holds the quote ("after the ministry said the
    crisis could “…”"): its subject speaks, though the clause is no attribution of anything before it."""
    if tok.lemma_.lower() not in SPEECH_VERBS or tok.pos_ not in ("VERB", "AUX"):
        return None
    if not any(c.dep_ == "mark" for c in tok.children) or not tok.i < first <= tok.right_edge.i:
        return None
    s = subject(tok)
    return (s, tok.text) if s is not None else None


def _introduces_next(text: str, verb, next_start: int) -> bool:
    """Whether the speech verb `verb` ends in a colon that opens the next quote ("X said: “…”"): an
    attribution of its own, so not the tail cue of the quote before it."""
    if next_start >= len(text):
        return False
    between = text[verb.idx + len(verb.text) : next_start].rstrip(" \t\"“”'‘’")
    return between.endswith(":") and not any(ch in between for ch in ".!?\n")


HEADING_WORDS = 16  # a line this short with no closing punctuation is a heading, crosshead or caption
_LINE_END = ".!?:;\"”’'…)]"


def heading_lines(text: str, paras: list[tuple[int, int]]) -> set[int]:
    """Paragraphs that are headings, crossheads or captions ("LACKING DETAIL", "Video shows the launch site"):
    short lines with no sentence-closing punctuation and no quote marks."""
    out = set()
    for p, (s, e) in enumerate(paras):
        line = text[s:e].strip()
        if not line or not any(ch.isalpha() for ch in line) or line[-1] in _LINE_END:
            continue
        if len(line.split()) <= HEADING_WORDS and not any(m in line for m in '"“”«»'):
            out.add(p)
    return out


def inherit(q: QuoteSpan, last: dict[int, Speaker | None], paras: list[tuple[int, int]], text: str,
             headings: frozenset[int] | set[int] = frozenset(), talk_paras: frozenset[int] | set[int] = frozenset(),
             runs_on: frozenset[int] | set[int] = frozenset()) -> Speaker | None:
    """An unattributed quote continues the speaker before it: same paragraph, or the last one above.

    Never across a paragraph that attributes something to a speaker of its own (`talk_paras`, "X said" with
    no quote taken), and across a heading line only when the quote above runs on unclosed into the next
    paragraph (`runs_on`: a caption dropped into a long quote); otherwise a heading opens a new section
    whose quotes are not the last section's speaker's."""
    if q.para in last:
        return last[q.para]
    if text[paras[q.para][0] : q.start].strip(" \t.") == "":
        p = q.para - 1
        seen = 0
        crossed = False
        while p >= 0 and seen < 2 and q.para - p <= 6:
            if p in last:
                return None if crossed and p not in runs_on else last[p]
            if p in talk_paras:
                return None
            if p in headings:
                crossed = True
            elif any(ch.isalpha() for ch in text[paras[p][0] : paras[p][1]]):
                seen += 1
            p -= 1
    return None
