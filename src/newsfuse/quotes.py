"""Quotes: direct, partial and indirect quotes with their speakers.

Direct quotes come from one linear scan of quote marks per paragraph (an unclosed quote ends at
the paragraph end); indirect ones from the dependency parse (the clause a speech verb reports,
"according to X", "…, X said" parentheticals). Speakers are the subject of the cue verb (appositives
followed, he/she resolved to the latest compatible named person); an unattributed quote inherits
the speaker of the quote before it in the paragraph (or the previous one, when it opens a paragraph).
"""

from __future__ import annotations

import functools
import json
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

from .entities import TITLES, gender_hints, offset_maps
from .model import Article, Entity, Quote, Speaker

SPEECH_VERBS = frozenset(
    """
    say tell add claim state explain argue warn note insist suggest acknowledge admit announce
    confirm deny report write reply respond retort caution predict promise vow assert contend stress
    emphasize emphasise maintain allege concede complain recall reveal testify tweet post joke quip
    ask shout chant conclude advise comment mention echo wonder scold sniff crow boast declare
    observe remark disclose estimate answer counter continue recount lament urge
    point add describe muse plead pledge threaten concur grumble exclaim whisper yell cry
    """.split()
)
"""Lemmas of verbs that introduce speech (a quote's cue)."""

INDIRECT_VERBS = SPEECH_VERBS - {"ask", "describe", "urge", "continue", "chant", "shout", "answer", "wonder", "cry"}
"""Speech verbs whose reported clause (ccomp) counts as an indirect quote."""

OPENERS = "“„«\""
CLOSERS = "”»\""
_QUOTE_CHARS = re.compile(r"[“”„«»\"]")
_WORD = re.compile(r"[^\W_]+")
PRONOUNS = {"he": "m", "she": "f"}
POSSESSIVES = {"his": "m", "her": "f"}
ORG_NOUNS = frozenset(
    """
    agency department company ministry government city union board association group organization
    organisation firm league team office party club school university police service province bank
    council committee commission court hospital network newspaper airline store retailer chain brand
    charity foundation institute centre center corporation state country county municipality district
    authority regulator watchdog body military army coalition campaign administration industry
    """.split()
)
DOC_NOUNS = frozenset(
    """
    report statement study complaint lawsuit suit claim memo document letter release decision survey
    data findings poll filing ruling order website post tweet email message note analysis review paper
    book bill law policy plan budget research figures record records video footage documents sign
    """.split()
)
SUBJ = ("nsubj", "nsubjpass")
TITLES_LOWER = TITLES | {"chief", "hereditary", "grand", "elder", "councillor"}
SPEAKER_PREF = True
DESC_SENTS = 6
ANON_ROLES = frozenset("official source spokesperson spokesman spokeswoman officer".split())
"""Role nouns that usually stand for an unnamed person: never resolved to a nearby name."""
MIN_DIRECT_WORDS = 4
TAIL_TOKENS = 25  # how far after a quote its "…," X said cue may sit
HEAD_TOKENS = 40  # how far before a quote its X said: cue may sit


@dataclass
class _Span:
    start: int  # char offsets in article.text
    end: int
    para: int
    direct: bool
    speaker: Speaker | None = None
    cue: str = ""
    attributed: bool = False
    tail: bool = False  # attributed by a cue right after it ("…," X said)
    unclosed: bool = False  # ran to its paragraph's end: continues in the next paragraph


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs = newline-separated blocks (clean joins kept blocks with "\\n")."""
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _direct_spans(text: str, paras: list[tuple[int, int]]) -> list[_Span]:
    """Quote-mark spans, one linear pass; an unclosed quote ends at its paragraph's end."""
    out: list[_Span] = []
    marks = [(m.start(), m.group()) for m in _QUOTE_CHARS.finditer(text)]
    k = 0
    for pi, (ps, pe) in enumerate(paras):
        open_at, opener = -1, ""
        while k < len(marks) and marks[k][0] < pe:
            i, ch = marks[k]
            k += 1
            if i < ps:
                continue
            if open_at < 0:
                if ch in OPENERS:
                    open_at, opener = i, ch
            elif ch in CLOSERS or (ch == "“" and opener == '"'):
                if i > open_at + 1:
                    out.append(_Span(open_at, i + 1, pi, True))
                open_at = -1
        if open_at >= 0:
            end = len(text[open_at:pe].rstrip())
            if end > 1:
                out.append(_Span(open_at, open_at + end, pi, True, unclosed=True))
    return out


class _Doc:
    """Token lookups by character offset and quote masks, built once per article (all O(n))."""

    def __init__(self, doc, direct: list[_Span]) -> None:
        self.doc = doc
        self.text = doc.text  # Doc.text rebuilds the string on every access: compute it once
        self.starts = [t.idx for t in doc]
        self.sent = [0] * len(doc)
        self.sent_bounds: list[tuple[int, int]] = []
        try:
            bounds = [(s.start, s.end) for s in doc.sents]
        except ValueError:  # a Doc without sentence boundaries (no parser): one sentence
            bounds = [(0, len(doc))]
        for si, (lo, hi) in enumerate(bounds):
            self.sent_bounds.append((lo, hi))
            for i in range(lo, hi):
                self.sent[i] = si
        self.para = [0] * len(doc)  # paragraph (newline-separated) index of each token
        self.para_bounds: list[tuple[int, int]] = []
        lo = 0
        for t in doc:
            self.para[t.i] = len(self.para_bounds)
            if "\n" in t.text:
                self.para_bounds.append((lo, t.i))
                lo = t.i + 1
        self.para_bounds.append((lo, len(doc)))
        self.in_quote = [False] * len(doc)
        for q in direct:
            for i in range(self.tok_at(q.start), self.tok_at(q.end - 1) + 1):
                self.in_quote[i] = True

    def clip(self, i: int) -> tuple[int, int]:
        """Token bounds of token i's sentence, cut at paragraph breaks (the parser may run across them)."""
        lo, hi = self.sent_bounds[self.sent[i]]
        plo, phi = self.para_bounds[self.para[i]]
        return max(lo, plo), min(hi, phi)

    def tok_at(self, char: int) -> int:
        """Index of the token covering (or right before) `char`."""
        return max(0, min(len(self.starts) - 1, bisect_right(self.starts, char) - 1))

    def tok_from(self, char: int) -> int:
        """Index of the first token starting at or after `char`."""
        return bisect_left(self.starts, char)


class _Speakers:
    """Maps tokens to entity mentions and resolves he/she subjects to named people."""

    def __init__(self, article: Article, d: _Doc, entities: list[Entity]) -> None:
        self.d = d
        to_raw, to_text = offset_maps(article)
        self.to_raw = to_raw
        self.ents = {e.id: e for e in entities}
        self.tok_ent: dict[int, tuple[Entity, int, int]] = {}  # token -> (entity, text start, text end)
        for e in entities:
            for m in e.mentions:
                if m.article != article.id:
                    continue
                s, t = to_text(m.start), to_text(m.end)
                for i in range(d.tok_at(s), d.tok_from(t)):
                    if 0 <= i < len(d.starts):
                        self.tok_ent[i] = (e, s, t)
        self.gender = gender_hints(d.doc, entities, to_raw)
        self.pronoun: dict[int, str] = {}
        self.pseudo: dict[str, str] = {}  # "~Name" id -> name of a speaker NER missed
        self.person_at: list[tuple[int, str]] = []  # (token, entity id) of person mentions, text order
        self.org_at: list[tuple[int, str]] = []
        self.talkers: list[tuple[int, str]] = []  # (token, entity id) of named subjects of speech verbs
        self._titles()
        self._learn_gender()
        self._resolve_pronouns()
        self.mention_at = sorted(self.person_at + self.org_at)
        self._mention_pos: dict[str, list[int]] = {}
        for i, eid in self.mention_at:
            self._mention_pos.setdefault(eid, []).append(i)

    def mention_count(self, eid: str, before: int) -> int:
        """Mentions of entity `eid` before token `before`."""
        return bisect_left(self._mention_pos.get(eid, []), before)

    def _learn_gender(self) -> None:
        """he/him/his vs she/her in sentences naming exactly one person (and the next, if it names none)."""
        d, doc = self.d, self.d.doc
        votes: dict[str, list[int]] = {}
        named: list[set[str]] = [set() for _ in d.sent_bounds]
        counts = [[0, 0] for _ in d.sent_bounds]
        for tok in doc:
            if d.in_quote[tok.i]:
                continue
            si = d.sent[tok.i]
            hit = self.tok_ent.get(tok.i)
            if hit and hit[0].type == "PERSON":
                named[si].add(hit[0].id)
            w = tok.lower_
            if w in ("he", "him", "his", "himself"):
                counts[si][0] += 1
            elif w in ("she", "her", "hers", "herself"):
                counts[si][1] += 1
        for si, people in enumerate(named):
            if len(people) != 1:
                continue
            m, f = counts[si]
            if si + 1 < len(named) and not named[si + 1]:
                m, f = m + counts[si + 1][0], f + counts[si + 1][1]
            v = votes.setdefault(next(iter(people)), [0, 0])
            v[0] += m
            v[1] += f
        for eid, (m, f) in votes.items():
            if eid not in self.gender and m != f:
                self.gender[eid] = "m" if m > f else "f"

    def _resolve_pronouns(self) -> None:
        """One pass: each he/she subject -> the latest compatible person, subjects preferred.

        Within the pronoun's own sentence the nearest earlier subject wins ("if Trump would …, he
        replied"); from earlier sentences the main-clause subject of the latest one does, unless a
        "he said" follows a sentence whose speaker is someone else than its subject (see `_pick`).
        """
        doc, d = self.d.doc, self.d
        # (entity id, sentence, main clause?, subject of a speech verb?) in text order
        subjects: list[tuple[str, int, bool, bool]] = []
        anyrole: list[tuple[str, int, bool, bool]] = []
        for tok in doc:
            if d.in_quote[tok.i]:
                continue
            hit = self.tok_ent.get(tok.i)
            if hit and hit[0].type == "ORG" and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                self.org_at.append((tok.i, hit[0].id))
                role = _nominal_role(tok)
                if role.dep_ in SUBJ and _speech_head(role):
                    self.talkers.append((tok.i, hit[0].id))
                continue
            eid = None
            if hit and hit[0].type == "PERSON":
                e = hit[0]
                # only the mention's syntactic head counts (one event per mention)
                if tok.head.i in self.tok_ent and self.tok_ent[tok.head.i][0] is e and tok.head.i != tok.i:
                    continue
                eid = e.id
                self.person_at.append((tok.i, e.id))
                role = _nominal_role(tok)
                if role.dep_ in SUBJ and _speech_head(role):
                    self.talkers.append((tok.i, e.id))
            elif not hit and tok.pos_ == "PROPN" and tok.dep_ in SUBJ and _speech_head(tok):
                eid = self._pseudo(tok)  # a speaker NER missed ("Chief Na'moks said")
            if hit and hit[0].type != "PERSON" and not eid:
                role = _nominal_role(tok)
                if role.dep_ in SUBJ and _speech_head(role) and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                    self.talkers.append((tok.i, hit[0].id))
                continue
            if eid:
                role = _nominal_role(tok)
                ev = (eid, d.sent[tok.i], _is_main_subject(role), role.dep_ in SUBJ and _speech_head(role))
                anyrole.append(ev)
                if role.dep_ in SUBJ:
                    subjects.append(ev)
                continue
            g = PRONOUNS.get(tok.lower_) or (POSSESSIVES.get(tok.lower_) if tok.dep_ == "poss" else None)
            if g and tok.dep_ == "poss":
                eid = self._pick(subjects, g, d.sent[tok.i]) or self._pick(anyrole, g, d.sent[tok.i])
                if eid:
                    self.pronoun[tok.i] = eid
            elif g and tok.dep_ in SUBJ:
                si = d.sent[tok.i]
                speech = _speech_head(tok)
                eid = self._pick(subjects, g, si, speech) or self._pick(anyrole, g, si)
                # a full name in a later sentence than the last subject (an object, a parse
                # failure: "… advocate Josh Matlow told …") is whom the next "he said" means
                named = [ev for ev in anyrole[-16:] if ev[0] in self.ents and len(self.ents[ev[0]].name.split()) > 1]
                alt = self._pick(named, g, si, speech)
                sub_last = max((ev[1] for ev in subjects[-16:] if self.gender.get(ev[0], g) == g), default=-99)
                any_last = max((ev[1] for ev in named if self.gender.get(ev[0], g) == g), default=-99)
                if alt and sub_last < any_last < si:
                    eid = alt
                if eid:
                    self.pronoun[tok.i] = eid
                    self.gender.setdefault(eid, g)
                    subjects.append((eid, si, _is_main_subject(tok), speech))
            if len(subjects) > 64:
                del subjects[:32]
            if len(anyrole) > 64:
                del anyrole[:32]

    def _pseudo(self, tok) -> str:
        """An id for a proper-noun subject NER did not tag: its capitalised words, titles dropped."""
        words = [c for c in tok.subtree if c.pos_ == "PROPN" and c.i <= tok.i and (c.i == tok.i or c.head.i == tok.i)]
        while len(words) > 1 and words[0].lower_.rstrip(".") in TITLES_LOWER:
            words.pop(0)
        name = " ".join(w.text for w in words).strip("\u200b ")
        eid = "~" + name
        self.pseudo[eid] = name
        return eid

    def _pick(self, events: list[tuple[str, int, bool, bool]], g: str, sent: int, speech: bool = False) -> str | None:
        recent = [ev for ev in events[-16:] if sent - ev[1] <= 12 and self.gender.get(ev[0], g) == g]
        if not recent:
            return None
        same = [ev for ev in recent if ev[1] == sent]
        if same:
            return same[-1][0]
        last = recent[-1][1]
        in_last = [ev for ev in recent if ev[1] == last]
        main = [ev for ev in in_last if ev[2]]
        pick = (main[0] if main else in_last[-1])
        if speech and SPEAKER_PREF and not pick[3]:
            # "X told reporters … / Y, who …  / “…,” he said": the latest speaker, when the latest
            # subject only acts, is usually who "he said" continues
            talk = [ev for ev in in_last if ev[3]]
            if talk:
                return talk[-1][0]
        return pick[0]

    def _description(self, tok) -> Speaker | None:
        """"her statement" -> her; "the mayor" -> the latest named person; "the agency" -> latest org."""
        s, end = tok.left_edge.idx, tok.idx + len(tok.text)
        for c in tok.children:
            if c.dep_ == "poss" and tok.lemma_.lower() in DOC_NOUNS:
                hit = self.tok_ent.get(c.i)
                eid = hit[0].id if hit else self.pronoun.get(c.i)
                if eid and eid in self.ents:
                    e = self.ents[eid]
                    rs, re_ = self._span(s, end)
                    return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        if tok.pos_ != "NOUN" or tok.tag_ != "NN" or not any(
            c.lower_ in ("the", "this") for c in self.d.doc[tok.left_edge.i : tok.i]
        ):
            return None
        lemma = tok.lemma_.lower()
        sent = self.d.sent[tok.i]
        eid = None
        if lemma in DOC_NOUNS:
            # "the statement" -> the body (or person) last seen speaking nearby: who issued it
            k = bisect_left(self.talkers, (tok.i, "")) - 1
            if k >= 0 and sent - self.d.sent[self.talkers[k][0]] <= DESC_SENTS:
                eid = self.talkers[k][1]
        elif lemma in ORG_NOUNS:
            # "the agency": a body named earlier with that noun in its name or described by it
            k = bisect_left(self.org_at, (tok.i, "")) - 1
            named = [ev for ev in self.org_at[: k + 1] if lemma in self.ents[ev[1]].name.lower().split()]
            named += [ev for ev in self.titled.get(lemma, ()) if ev[0] < tok.i and self.ents[ev[1]].type != "PERSON"]
            if named:
                eid = max(named)[1]
        else:
            # "the mayor" -> the person titled Mayor; else the latest named person nearby
            titled = [ev for ev in self.titled.get(lemma, ()) if ev[0] < tok.i]
            if titled:
                eid = titled[-1][1]
            else:
                k = bisect_left(self.person_at, (tok.i, "")) - 1
                if k >= 0 and sent - self.d.sent[self.person_at[k][0]] <= 8 and lemma not in ANON_ROLES:
                    eid = self.person_at[k][1]
        if eid is None:
            return None
        e = self.ents[eid]
        rs, re_ = self._span(s, end)
        return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])

    def _titles(self) -> None:
        """Role nouns attached to a named person: "Mayor Ann Lee", "Lee, the rookie defenceman"."""
        doc = self.d.doc
        self.titled: dict[str, list[tuple[int, str]]] = {}
        for i, (e, _, _) in sorted(self.tok_ent.items()):
            if i > 0 and self.tok_ent.get(i - 1, (None,))[0] is e:
                continue  # first token of each mention only
            if not e.name[:1].isupper():
                continue
            cands = []
            for j in range(i - 1, max(-1, i - 4), -1):  # "Mayor Ann Lee", "tenants advocate Ann Lee"
                t = doc[j]
                if j in self.tok_ent or t.pos_ not in ("NOUN", "PROPN") or t.dep_ not in ("compound", "nmod", "amod", "appos"):
                    break
                cands.append(t)
            head = doc[i]
            while head.head.i in self.tok_ent and self.tok_ent[head.head.i][0] is e and head.head.i != head.i:
                head = head.head
            cands += [c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                cands.append(head.head)
            for c in cands:
                self.titled.setdefault(c.lemma_.lower(), []).append((i, e.id))

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_raw(start), self.to_raw(end)

    def from_token(self, tok) -> Speaker | None:
        """Speaker named by the subject (or `according to` object) token `tok`."""
        for t in [tok, *[c for c in tok.children if c.dep_ in ("appos", "compound")]]:
            hit = self.tok_ent.get(t.i)
            if hit and (t is tok or hit[0].type == "PERSON"):
                e, s, end = hit
                rs, re_ = self._span(s, end)
                return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        if tok.lower_ in PRONOUNS:
            eid = self.pronoun.get(tok.i)
            s, end = tok.idx, tok.idx + len(tok.text)
            rs, re_ = self._span(s, end)
            if eid in self.pseudo:
                return Speaker(self.pseudo[eid], None, rs, re_, tok.text)
            if eid:
                e = self.ents[eid]
                return Speaker(e.name, e.id, rs, re_, tok.text)
            return Speaker(tok.text, None, rs, re_, tok.text)
        # "a spokesperson for X", "people familiar with the talks": a named person in an appositive
        for c in (tok.subtree if tok.right_edge.i - tok.left_edge.i < 40 else ()):
            if c.dep_ == "appos" or (c.head.dep_ == "appos"):
                hit = self.tok_ent.get(c.i)
                if hit and hit[0].type == "PERSON":
                    e, s, end = hit
                    rs, re_ = self._span(s, end)
                    return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        if tok.pos_ in ("PRON",) and tok.lower_ not in ("they", "we", "i", "you"):
            return None
        described = self._description(tok)
        if described is not None:
            return described
        # a described speaker ("a senior official", "the agency"): its noun phrase
        left = tok.left_edge
        right = tok.right_edge if tok.right_edge.i - left.i < 8 else tok
        toks = [t for t in self.d.doc[left.i : right.i + 1]]
        while toks and (toks[-1].is_punct or toks[-1].is_space):
            toks.pop()
        while toks and (toks[0].is_punct or toks[0].is_space):
            toks.pop(0)
        if not toks:
            return None
        s, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        rs, re_ = self._span(s, end)
        text = self.d.text[s:end]
        return Speaker(text, None, rs, re_, text)


def _nominal_role(tok):
    """The token whose dependency gives a name's role: climbs compound/appos/flat links to the head noun."""
    t = tok
    for _ in range(3):
        if t.dep_ in ("compound", "flat", "appos") and t.head.i != t.i and t.head.pos_ in ("NOUN", "PROPN"):
            t = t.head
        else:
            break
    return t


def _speech_head(tok) -> bool:
    """Is `tok` the subject of a speech verb?"""
    h = tok.head
    return h.i != tok.i and h.pos_ in ("VERB", "AUX") and h.lemma_.lower() in SPEECH_VERBS


def _is_main_subject(tok) -> bool:
    """A subject (or its appositive) of the sentence's root verb."""
    t = tok.head if tok.dep_ == "appos" else tok
    return t.dep_ in SUBJ and t.head.dep_ == "ROOT"


def _subject(verb):
    """The subject of a cue verb, climbing from participles/conjuncts ("…, adding", "and told")."""
    v = verb
    for _ in range(4):
        for c in v.children:
            if c.dep_ in SUBJ:
                return c
        if v.dep_ in ("advcl", "xcomp", "conj", "pcomp", "pobj") and v.head.i != v.i:
            v = v.head
            continue
        if v.pos_ == "ADP" and v.dep_ == "prep" and v.head.i != v.i:
            v = v.head
            continue
        break
    return None


def _according(tok):
    """`according to X` -> the X token, else None."""
    if tok.lower_ != "according":
        return None
    for c in tok.children:
        if c.lower_ == "to":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    return None


def _cue(tok) -> tuple[object, str] | None:
    """(speaker token, cue text) if `tok` is a speech cue with a findable speaker."""
    p = _according(tok)
    if p is not None:
        return p, "according to"
    if tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ in ("VERB", "AUX"):
        if any(c.dep_ == "mark" and c.lower_ != "that" for c in tok.children):
            return None  # "as the meeting concluded", "when asked": not an attribution
        s = _subject(tok)
        if s is not None:
            return s, tok.text
    return None


def _attribute_direct(q: _Span, d: _Doc, sp: _Speakers, text: str, prev_end: int, next_start: int, para_start: int) -> bool:
    """Find a direct quote's cue: "…," X said / X said: "…" / X told reporters, "…". Sets q.speaker."""
    doc = d.doc
    # tail: right after the closing mark, before the sentence (or the next quote) ends
    i = d.tok_from(q.end)
    n = 0
    while i < len(doc) and n < TAIL_TOKENS and doc[i].idx < next_start:
        t = doc[i]
        if d.in_quote[i]:
            break
        if t.text in (".", "?", "!", ";"):
            break
        if t.is_space and "\n" in t.text:
            break
        c = _cue(t)
        if c is None and t.lemma_.lower() in SPEECH_VERBS and t.pos_ in ("VERB", "AUX") and n <= 6:
            # the parser lost the subject ("DeBoer said" with DeBoer as aux): nearest name around the verb
            near = [doc[j] for j in range(d.tok_from(q.end), min(len(doc), i + 6)) if j != i and (
                j in sp.tok_ent or doc[j].lower_ in PRONOUNS) and not d.in_quote[j]]
            if near:
                c = (near[0], t.text)
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
                s = _subject(root)
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
        c = _cue(doc[i])
        if c is not None:
            q.speaker, q.cue, q.attributed = sp.from_token(c[0]), c[1], True
            return True
        i -= 1
        n += 1
    return False


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


def _indirect(d: _Doc, sp: _Speakers, text: str, para_of) -> list[_Span]:
    """Reported clauses: ccomp of a speech verb, `according to X` and "…, X said" parentheticals."""
    doc = d.doc
    out: list[_Span] = []
    for tok in doc:
        if d.in_quote[tok.i]:
            continue
        acc = _according(tok)
        if acc is not None:
            sent_lo, sent_hi = d.clip(tok.i)
            lo, hi = tok.left_edge.i, tok.right_edge.i
            before = _trim(doc, sent_lo, lo - 1, text)
            after = _trim(doc, hi + 1, sent_hi - 1, text)
            span = max((s for s in (before, after) if s), key=lambda s: s[1] - s[0], default=None)
            if span:
                q = _Span(span[0], span[1], para_of(span[0]), False, sp.from_token(acc), "according to", True)
                out.append(q)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.lemma_.lower() not in INDIRECT_VERBS:
            continue
        if any(c.dep_ == "neg" for c in tok.children):
            continue
        sent_lo, sent_hi = d.clip(tok.i)
        if doc[sent_hi - 1].text == "?" or (sent_hi > 1 and doc[max(sent_lo, sent_hi - 2)].text == "?"):
            continue
        comps = [c for c in tok.children if c.dep_ == "ccomp"]
        span = None
        if comps:
            c = comps[0] if len(comps) == 1 or comps[0].i > tok.i else next((x for x in comps if x.i > tok.i), comps[0])
            lo, hi = max(c.left_edge.i, sent_lo), min(c.right_edge.i, sent_hi - 1)
            span = _trim(doc, lo, hi, text)
        elif tok.dep_ == "parataxis" and tok.head.i < tok.i:
            lo, hi = sent_lo, tok.left_edge.i - 1
            span = _trim(doc, lo, hi, text)
        if not span:
            continue
        subj = _subject(tok)
        speaker = sp.from_token(subj) if subj is not None else None
        if subj is not None and span[0] <= subj.idx < span[1]:
            continue
        out.append(_Span(span[0], span[1], para_of(span[0]), False, speaker, tok.text, subj is not None))
    return out


def _overlap(a: _Span, b: _Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def extract(article: Article, doc, entities: list[Entity]) -> list[Quote]:
    """Quotes in `article` (offsets into `article.raw`), speakers resolved to `entities`."""
    return _extract(article, doc, entities, _model())


def speaker_candidates(article: Article, doc, entities: list[Entity]) -> list[tuple[Quote, list[tuple[Speaker | None, list[float]]]]]:
    """Rule-based quotes with their speaker candidates and features (training data for the scorer)."""
    collect: list = []
    quotes = _extract(article, doc, entities, None, collect)
    return list(zip(quotes, collect))


def _extract(article: Article, doc, entities: list[Entity], model, collect: list | None = None) -> list[Quote]:
    text = doc.text
    if not text.strip() or len(doc) == 0:
        return []
    paras = _paragraphs(text)
    para_starts = [s for s, _ in paras]

    def para_of(char: int) -> int:
        return max(0, bisect_right(para_starts, char) - 1)

    direct = _direct_spans(text, paras)
    d = _Doc(doc, direct)
    d.text = text
    sp = _Speakers(article, d, entities)
    indirect = _indirect(d, sp, text, para_of)

    # a reported clause that is mostly a direct quote's own content is that quote, not a second one
    kept_ind = []
    di = 0
    for q in sorted(indirect, key=lambda q: q.start):
        while di < len(direct) and direct[di].end <= q.start:
            di += 1
        inside = 0
        j = di
        while j < len(direct) and direct[j].start < q.end:
            inside += _overlap(q, direct[j])
            j += 1
        if inside < 0.6 * (q.end - q.start):
            kept_ind.append(q)
    indirect = _drop_nested(kept_ind)

    # a partial quote the clause stops just short of ("is “the most important thing.”"): extend to it
    di = 0
    for q in indirect:
        while di < len(direct) and direct[di].end <= q.start:
            di += 1
        j = di
        while j < len(direct) and direct[j].start < q.end:
            if direct[j].start >= q.start and q.end < direct[j].end <= q.end + 3:
                q.end = direct[j].end
            j += 1
    # direct quotes inside a reported clause are partial quotes: the clause covers them
    ii = 0
    spans: list[_Span] = []
    for q in direct:
        while ii < len(indirect) and indirect[ii].end <= q.start:
            ii += 1
        covered = any(_overlap(q, indirect[j]) >= 0.8 * (q.end - q.start) for j in range(ii, min(ii + 3, len(indirect))))
        if not covered:
            spans.append(q)

    # attribute direct quotes in text order (previous quote end bounds the head search)
    all_spans = sorted(spans + indirect, key=lambda q: q.start)
    last_speaker: dict[int, Speaker | None] = {}
    prev_end = 0
    for k, q in enumerate(all_spans):
        if q.direct:
            nxt = all_spans[k + 1].start if k + 1 < len(all_spans) else len(text)
            if not _attribute_direct(q, d, sp, text, prev_end, nxt, paras[q.para][0]):
                q.speaker = _inherit(q, last_speaker, paras, text)
        if q.speaker is not None:
            last_speaker[q.para] = q.speaker
        prev_end = max(prev_end, q.end)

    # a quote running on into the next paragraph shares the speaker named there ("…” Ortiz said.)
    for k in range(len(all_spans) - 2, -1, -1):
        q, nxt = all_spans[k], all_spans[k + 1]
        if q.direct and q.unclosed and q.speaker is None and nxt.direct and nxt.para == q.para + 1 and nxt.speaker:
            q.speaker = nxt.speaker

    out = []
    prev_sp: Speaker | None = None
    for q in all_spans:
        qtext = text[q.start : q.end]
        if q.direct and not q.tail and len(_WORD.findall(qtext)) < MIN_DIRECT_WORDS:
            continue  # a scare-quoted phrase or title, not speech
        rule_sp = q.speaker
        if model is not None or collect is not None:
            cands = _candidates(q, d, sp, prev_sp)
            if collect is not None:
                collect.append(cands)
            if model is not None and cands:
                q.speaker = max(cands, key=lambda c: _score(model, c[1]))[0]
        prev_sp = rule_sp  # the rule pick (as in training)
        rs, re_ = sp.to_raw(q.start), sp.to_raw(q.end)
        lo, hi = d.clip(d.tok_at(q.start))
        last = doc[max(lo, hi - 1)]
        sentence = text[doc[lo].idx : last.idx + len(last.text)].strip()
        out.append(Quote(article.id, rs, re_, qtext, q.direct, q.speaker, q.cue, sentence))
    return out


def _drop_nested(spans: list[_Span]) -> list[_Span]:
    """Keep the outer of two reported clauses where one lies (mostly) inside the other."""
    spans = sorted(spans, key=lambda q: (q.start, -(q.end - q.start)))
    out: list[_Span] = []
    for q in spans:
        if out and _overlap(out[-1], q) >= 0.8 * (q.end - q.start):
            continue
        out.append(q)
    return out


def _inherit(q: _Span, last: dict[int, Speaker | None], paras: list[tuple[int, int]], text: str) -> Speaker | None:
    """An unattributed quote continues the speaker before it: same paragraph, or the last one above."""
    if q.para in last:
        return last[q.para]
    if text[paras[q.para][0] : q.start].strip(" \t.") == "":
        p = q.para - 1
        seen = 0
        while p >= 0 and seen < 2:
            if p in last:
                return last[p]
            if any(ch.isalpha() for ch in text[paras[p][0] : paras[p][1]]):
                seen += 1
            p -= 1
    return None


# --- learned speaker choice ------------------------------------------------------------------
# A logistic-regression scorer over speaker candidates (the rule pick, "none", the previous
# quote's speaker, people/organisations mentioned near the quote), trained on the dev split by
# `python -m newsfuse.quotes_train`. Only weights are shipped; without the file the rules decide.

MODEL_PATH = Path(__file__).with_name("data") / "quotes-speaker.json"
WINDOW_SENTS = 3  # candidates: mentions from this many sentences before the quote to its sentence end
FEATURES = (
    "none", "rule", "rule_none_none", "prev", "prev_unattr", "person", "org", "other", "rule_attr",
    "rule_direct", "none_direct", "none_attr", "near_before", "near_after", "has_before", "has_after",
    "sent_dist", "same_para", "talker", "count", "gender_agree", "gender_clash", "role_match",
    "rule_pronoun", "rule_tail", "in_window", "first_in_para", "rule_other",
)


@functools.lru_cache(maxsize=1)
def _model() -> dict | None:
    try:
        m = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if m.get("features") != list(FEATURES):
        return None  # stale weights: the rules decide
    return m


def _score(model: dict, x: list[float]) -> float:
    return model["bias"] + sum(w * v for w, v in zip(model["weights"], x))


def _candidates(q: _Span, d: _Doc, sp: _Speakers, prev: Speaker | None) -> list[tuple[Speaker | None, list[float]]]:
    """Speaker candidates for `q` with their features; the first is the rule pick."""
    doc = d.doc
    qs, qe = d.tok_at(q.start), d.tok_at(max(q.start, q.end - 1))
    s0 = d.sent[qs]
    lo = d.sent_bounds[max(0, s0 - WINDOW_SENTS)][0]
    hi = d.clip(qe)[1]
    rule = q.speaker
    rule_pron = bool(rule is not None and rule.mention.lower() in PRONOUNS)
    rule_gender = PRONOUNS.get(rule.mention.lower()) if rule is not None else None
    rule_role = rule.mention.lower().split()[-1] if rule is not None and rule.mention else ""
    role_ids = {eid for _, eid in sp.titled.get(rule_role, ())} if rule_role else set()
    talkers = {i for i, _ in sp.talkers}
    # mentions per entity in the window
    near: dict[str, dict] = {}
    for i, eid in sp.mention_at:
        if i >= hi:
            break
        if i < lo or (q.start <= doc[i].idx < q.end) or d.in_quote[i]:
            continue
        n = near.setdefault(eid, {"before": None, "after": None, "talker": False, "sent": 99, "para": False})
        if i < qs:
            n["before"] = qs - i
        elif n["after"] is None:
            n["after"] = i - qe
        n["talker"] = n["talker"] or i in talkers
        n["sent"] = min(n["sent"], abs(s0 - d.sent[i]))
        n["para"] = n["para"] or d.para[i] == d.para[qs]
    key = lambda s: None if s is None else (s.entity or s.name.lower())  # noqa: E731
    cands: list[Speaker | None] = [rule]
    seen = {key(rule)}
    for extra in [None, prev]:
        if key(extra) not in seen:
            seen.add(key(extra))
            cands.append(extra)
    for eid in near:
        if eid not in seen:
            seen.add(eid)
            if eid in sp.pseudo:
                cands.append(Speaker(sp.pseudo[eid], None, -1, -1, sp.pseudo[eid]))
            elif eid in sp.ents:
                e = sp.ents[eid]
                cands.append(Speaker(e.name, e.id, -1, -1, e.name))
    first_in_para = d.para_bounds[d.para[qs]][0] >= qs - 1 or not any(
        not doc[j].is_space and not doc[j].is_punct for j in range(d.para_bounds[d.para[qs]][0], qs))
    out = []
    for c in cands:
        k = key(c)
        n = near.get(c.entity) if c is not None and c.entity else None
        is_none = c is None
        is_rule = k == key(rule)
        e = sp.ents.get(c.entity) if c is not None and c.entity else None
        etype = e.type if e else ""
        g = sp.gender.get(c.entity) if c is not None and c.entity else None
        cnt = sp.mention_count(k, qs) if c is not None and k else 0
        x = [
            float(is_none), float(is_rule), float(is_none and rule is None), float(c is not None and k == key(prev)),
            float(c is not None and k == key(prev) and not q.attributed),
            float(etype == "PERSON" or (k or "").startswith("~")), float(etype == "ORG"),
            float(c is not None and not e and not (k or "").startswith("~")),
            float(is_rule and q.attributed), float(is_rule and q.direct), float(is_none and q.direct),
            float(is_none and q.attributed),
            1.0 / (1 + n["before"]) if n and n["before"] is not None else 0.0,
            1.0 / (1 + n["after"]) if n and n["after"] is not None else 0.0,
            float(bool(n and n["before"] is not None)), float(bool(n and n["after"] is not None)),
            min(n["sent"], 5) / 5 if n else 1.0, float(bool(n and n["para"])), float(bool(n and n["talker"])),
            math.log1p(cnt), float(bool(rule_gender and g == rule_gender)), float(bool(rule_gender and g and g != rule_gender)),
            float(c is not None and c.entity in role_ids), float(is_rule and rule_pron), float(is_rule and q.tail),
            float(n is not None), float(first_in_para), float(is_rule and rule is not None and not rule.entity),
        ]
        out.append((c, x))
    return out
