"""Speech cues in the dependency parse: speech verbs, their subjects and "according to X"."""

from __future__ import annotations


SPEECH_VERBS = frozenset(
    """
    say tell add claim state explain argue warn note insist suggest acknowledge admit announce
    confirm deny report write reply respond retort caution predict promise vow assert contend stress
    emphasize emphasise maintain allege concede complain recall reveal testify tweet post joke quip
    ask shout chant conclude advise comment mention echo wonder scold sniff crow boast declare
    observe remark disclose estimate answer counter continue recount lament urge
    point add describe muse plead pledge threaten concur grumble exclaim whisper yell cry begin read
    """.split()
)
"""Lemmas of verbs that introduce speech (a quote's cue)."""


SUBJ = ("nsubj", "nsubjpass")
WRITTEN_NOUNS = frozenset("statement sign message note letter post tweet banner headline caption placard text notice "
                          "communique communiqué alert warning".split())
"""Written things that "read" a quote: their words are the quote ("a statement released by X read")."""


def detached(tok) -> bool:
    """An appositive after a relative clause of its head: the parser's guess, usually a name inside it."""
    return tok.dep_ == "appos" and any(c.dep_ in ("relcl", "acl") and c.i < tok.i for c in tok.head.children)


def nominal_role(tok):
    """The token whose dependency gives a name's role: climbs compound/appos/flat links to the head noun."""
    t = tok
    for _ in range(3):
        if t.dep_ in ("compound", "flat", "appos") and t.head.i != t.i and t.head.pos_ in ("NOUN", "PROPN") and not detached(t):
            t = t.head
        else:
            break
    return t


def speech_head(tok) -> bool:
    """Is `tok` the subject of a speech verb?"""
    h = tok.head
    return h.i != tok.i and h.pos_ in ("VERB", "AUX") and h.lemma_.lower() in SPEECH_VERBS


def is_main_subject(tok) -> bool:
    """A subject (or its appositive) of the sentence's root verb."""
    t = tok.head if tok.dep_ == "appos" else tok
    return is_subject(t) and t.head.dep_ == "ROOT"


def _lost_subject(verb):
    """A proper noun right before `verb` that the parser did not make its subject.

    Happens when an invisible character sticks to the name ("Lee\u200b said": punct/dep) and in
    "… asked Lee about it and Lee suggested …" (the name joined to the object before "and").
    """
    if verb.i == 0 or verb.pos_ not in ("VERB", "AUX") or any(c.dep_ in SUBJ for c in verb.children):
        return None
    prev = verb.doc[verb.i - 1]
    if prev.pos_ != "PROPN":
        return None
    if prev.head.i == verb.i and prev.dep_ in ("punct", "dep", "nmod", "npadvmod"):
        return prev
    joined = verb.i >= 2 and verb.doc[verb.i - 2].lower_ in ("and", "but")
    if joined and prev.dep_ == "conj" and verb.dep_ == "conj" and verb.tag_ in ("VBD", "VBZ", "VBP"):
        return prev
    return None


def is_subject(tok) -> bool:
    """`tok` is a subject, or the subject the parser lost (see `_lost_subject`)."""
    if tok.dep_ in SUBJ:
        return True
    lost = _lost_subject(tok.doc[tok.i + 1]) if tok.i + 1 < len(tok.doc) else None
    return lost is not None and lost.i == tok.i


def subject(verb):
    """The subject of a cue verb, climbing from participles/conjuncts ("…, adding", "and told")."""
    v = verb
    for _ in range(4):
        subjects = [c for c in v.children if c.dep_ in SUBJ]
        if len(subjects) > 1:  # "SEOUL (Reuters) - North Korea said": the wire in its dateline is no subject
            subjects = [c for c in subjects if not _bracketed(c)] or subjects
            # "Credit agency Acme says": the parser makes both nouns subjects; the name is who speaks
            subjects = [c for c in subjects if c.pos_ == "PROPN"] or subjects
        if subjects:
            return _same_paragraph(subjects[0], verb)
        lost = _lost_subject(v)
        if lost is not None:
            return lost
        if v.dep_ == "xcomp" and v.head.i != v.i:
            obj = [c for c in v.head.children if c.dep_ == "dobj" and c.i < v.i]
            if obj:  # "the leak led the president to announce", "urged the minister to say": the object speaks
                return _same_paragraph(obj[0], verb)
        if v.dep_ in ("advcl", "xcomp", "conj", "pcomp", "pobj", "acomp") and v.head.i != v.i:
            v = v.head  # "acomp": "lawyers are likely to say"
            continue
        if v.pos_ == "ADP" and v.dep_ == "prep" and v.head.i != v.i:
            v = v.head
            continue
        if v is not verb or v.dep_ != "acl" or v.tag_ not in ("VBD", "VBN") or v.head.pos_ != "PROPN":
            break
        return v.head  # "…,” Ann Lee, the bank's chief, mentioned in a note: the name it modifies
    return None


def _bracketed(tok) -> bool:
    """A token alone in parentheses: "(Reuters)"."""
    doc = tok.doc
    return 0 < tok.i < len(doc) - 1 and doc[tok.i - 1].text == "(" and doc[tok.i + 1].text == ")"


def _same_paragraph(subj, verb):
    """The parser may take a caption's name above a paragraph break as the subject ("(Ann Lee/AP)\nCITY —
    The army says"): then the subject is the appositive noun after the break, or none."""
    lo, hi = sorted((subj.i, verb.i))
    breaks = [t.i for t in subj.doc[lo:hi] if "\n" in t.text]
    if not breaks:
        return subj
    cut = breaks[-1]
    after = [c for c in subj.subtree
             if cut < c.i < verb.i and c.dep_ in ("appos", "conj") and c.pos_ in ("NOUN", "PROPN") and c.head.i <= cut]
    return after[-1] if after else None  # the one nearest the verb ("RAMALLAH, West Bank — the army says")


def according(tok):
    """`according to X` -> the X token, else None."""
    if tok.lower_ != "according":
        return None
    for c in tok.children:
        if c.lower_ == "to":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


_CONTRAST = frozenset({"while", "whereas", "although", "though"})


def cue(tok, contrast: bool = False) -> tuple[object, str] | None:
    """(speaker token, cue text) if `tok` is a speech cue with a findable speaker; `contrast`: a contrastive
    clause ("while X said “…”") also attributes (before a quote, not after it, where it opens a new thought)."""
    p = according(tok)
    if p is not None:
        return p, "according to"
    if tok.lemma_.lower() == "read" and tok.pos_ == "VERB":
        s = subject(tok)  # "… ,” a statement released by the agency read / a sign reads: “…”: the text speaks
        if s is not None and s.lemma_.lower() in WRITTEN_NOUNS and not any(
                c.dep_ == "mark" and c.lower_ != "that" for c in tok.children):
            return s, tok.text
        return None
    if tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ in ("VERB", "AUX"):
        if any(c.dep_ == "mark" and c.lower_ != "that" and not (contrast and c.lower_ in _CONTRAST) for c in tok.children):
            return None  # "as the meeting concluded", "when asked": not an attribution ("while X said" is one)
        s = subject(tok)
        if s is not None:
            return s, tok.text
    return None
