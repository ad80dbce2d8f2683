"""Speaker attribution: entity mentions, he/she resolution and the cue of a direct quote."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..entities import TITLES, gender_hints, offset_maps
from ..entities.firstnames import first_name_gender
from ..model import Article, Entity, Speaker
from .cues import SPEECH_VERBS, SUBJ, _cue, _detached, _is_main_subject, _is_subject, _nominal_role, _speech_head, _subject
from .marks import _Doc, _Span


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
_CAPTION = re.compile(r", (?:left|right|centre|center|second from (?:left|right)),")
PLACE_NOUNS = frozenset("city state country county municipality district province".split())
"""Org nouns that name a place's government: never the organisation that merely acted last."""
DOC_NOUNS = frozenset(
    """
    report statement study complaint lawsuit suit claim memo document letter release decision survey
    data findings poll filing ruling order website post tweet email message note analysis review paper
    book bill law policy plan budget research figures record records video footage documents sign
    """.split()
)


TITLES_LOWER = TITLES | {"chief", "hereditary", "grand", "elder", "councillor"}
SPEAKER_PREF = True
DESC_SENTS = 6
ORG_SENTS = 2  # "the company", "it said": an organisation that was a subject this near
ANON_ROLES = frozenset("official source spokesperson spokesman spokeswoman officer".split())
"""Role nouns that usually stand for an unnamed person: never resolved to a nearby name."""


NOT_NAMING = frozenset({"continue"})
"""Speech verbs whose capitalised subject is no name NER missed ("Story continues below")."""


QUOTE_SUBJ_TOKENS = 30  # how far before a quote parsed as a subject its real subject may sit
TAIL_TOKENS = 25  # how far after a quote its "…," X said cue may sit
HEAD_TOKENS = 40  # how far before a quote its X said: cue may sit


class _Speakers:
    """Maps tokens to entity mentions and resolves he/she subjects to named people."""

    def __init__(self, article: Article, d: _Doc, entities: list[Entity]) -> None:
        self.d = d
        to_raw, to_text = offset_maps(article)
        self.to_raw = to_raw
        self.ents = {e.id: e for e in entities}
        self.tok_ent: dict[int, tuple[Entity, int, int]] = {}  # token -> (entity, text start, text end)
        for e in entities:
            if "/" in e.name:
                continue  # a photo credit ("Ann Lee/The Press"): nobody in the story
            for m in e.mentions:
                if m.article != article.id:
                    continue
                s, t = to_text(m.start), to_text(m.end)
                for i in range(d.tok_at(s), d.tok_at(max(s, t - 1)) + 1):  # a mention may end inside a token
                    if 0 <= i < len(d.starts):
                        self.tok_ent[i] = (e, s, t)
        self._missed_mentions(entities)
        self.gender = gender_hints(d.doc, entities, to_raw)
        for e in entities:
            g = first_name_gender(e.name) if e.type == "PERSON" and e.id not in self.gender else None
            if g:
                self.gender[e.id] = g
        self.pronoun: dict[int, str] = {}
        self.pseudo: dict[str, str] = {}  # "~Name" id -> name of a speaker NER missed
        self.person_at: list[tuple[int, str]] = []  # (token, entity id) of person mentions, text order
        self.org_at: list[tuple[int, str]] = []
        self.org_subjects: list[tuple[int, str]] = []  # (token, entity id) of organisations as main subjects
        self.talkers: list[tuple[int, str]] = []  # (token, entity id) of named subjects of speech verbs
        self._titles()
        self._learn_gender()
        self._resolve_pronouns()
        self.mention_at = sorted(self.person_at + self.org_at)
        self._mention_pos: dict[str, list[int]] = {}
        for i, eid in self.mention_at:
            self._mention_pos.setdefault(eid, []).append(i)

    def _missed_mentions(self, entities: list[Entity]) -> None:
        """Capitalised one-word names NER tagged elsewhere in the article but missed here ("Acme said")."""
        names: dict[str, set[str]] = {}
        for e in entities:
            if e.type in ("PERSON", "ORG"):
                for m in e.mentions:
                    if " " not in m.text.strip():
                        names.setdefault(m.text.strip(), set()).add(e.id)
        for tok in self.d.doc:
            ids = names.get(tok.text)
            if ids and len(ids) == 1 and tok.i not in self.tok_ent and tok.text[:1].isupper() and tok.pos_ == "PROPN":
                e = self.ents[next(iter(ids))]
                self.tok_ent[tok.i] = (e, tok.idx, tok.idx + len(tok.text))

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
            w = tok.lower_  # subject pronouns only: "he took her" says nothing of her
            if w in ("he", "himself"):
                counts[si][0] += 1
            elif w in ("she", "herself"):
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
        captions = self._captions()
        for tok in doc:
            if d.in_quote[tok.i] or d.para[tok.i] in captions:
                continue
            hit = self.tok_ent.get(tok.i)
            if hit and hit[0].type == "ORG" and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                self.org_at.append((tok.i, hit[0].id))
                role = _nominal_role(tok)
                if _is_main_subject(role):
                    self.org_subjects.append((tok.i, hit[0].id))
                if _is_subject(role) and _speech_head(role):
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
                if _is_subject(role) and _speech_head(role):
                    self.talkers.append((tok.i, e.id))
            elif not hit and tok.pos_ == "PROPN" and _is_subject(tok) and _speech_head(tok) and tok.head.lemma_.lower() not in NOT_NAMING:
                eid = self._pseudo(tok)  # a speaker NER missed ("Chief Na'moks said")
            if hit and hit[0].type != "PERSON" and not eid:
                role = _nominal_role(tok)
                if _is_subject(role) and _speech_head(role) and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                    self.talkers.append((tok.i, hit[0].id))
                continue
            if eid:
                role = _nominal_role(tok)
                if tok.dep_ == "compound" and role.pos_ == "NOUN":
                    continue  # "the Kinder pipeline", "the Lee government": a modifier, nobody acting
                if self._in_relative_of_person(tok):
                    continue  # "Lee, who works with Ann Ross, …": Ross is not whom a later "he" means
                ev = (eid, d.sent[tok.i], _is_main_subject(role), _is_subject(role) and _speech_head(role))
                anyrole.append(ev)
                if _is_subject(role):
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
                if alt and sub_last < any_last <= si:
                    eid = alt
                if eid:
                    self.pronoun[tok.i] = eid
                    self.gender.setdefault(eid, g)
                    subjects.append((eid, si, _is_main_subject(tok), speech))
            if len(subjects) > 64:
                del subjects[:32]
            if len(anyrole) > 64:
                del anyrole[:32]

    def _captions(self) -> set[int]:
        """Paragraphs that are photo captions ("Ann Lee, left, and …"): their people are no antecedents."""
        d = self.d
        out = set()
        for p, (lo, hi) in enumerate(d.para_bounds):
            if lo < hi and _CAPTION.search(d.text[d.doc[lo].idx : d.doc[hi - 1].idx + len(d.doc[hi - 1].text)]):
                out.add(p)
        return out

    def _in_relative_of_person(self, tok) -> bool:
        """`tok` lies in a relative clause describing a named person ("Lee, who met Ann Ross")."""
        for a in tok.ancestors:
            if a.dep_ == "relcl":
                hit = self.tok_ent.get(a.head.i)
                return bool(hit and hit[0].type == "PERSON" and hit[0] is not self.tok_ent.get(tok.i, (None,))[0])
        return False

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
            if lemma not in PLACE_NOUNS:
                named += self._recent_org(tok)  # "Acme said … The company noted": the body acting just before
            if named:
                eid = max(named)[1]
        else:
            # "the mayor" -> the person titled Mayor; "the diocese" -> a body with it in its name;
            # else the latest named person nearby
            titled = [ev for ev in self.titled.get(lemma, ()) if ev[0] < tok.i]
            k = bisect_left(self.org_at, (tok.i, "")) - 1
            named = [ev for ev in self.org_at[: k + 1] if lemma in self.ents[ev[1]].name.lower().split()]
            if titled:
                eid = titled[-1][1]
            elif named:
                eid = named[-1][1]
            else:
                eid = None if lemma in ANON_ROLES else self._latest_person(tok)
        if eid is None:
            return None
        e = self.ents[eid]
        rs, re_ = self._span(s, end)
        return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])

    def _latest_person(self, tok) -> str | None:
        """The person named last before `tok`, within 8 sentences."""
        k = bisect_left(self.person_at, (tok.i, "")) - 1
        if k >= 0 and self.d.sent[tok.i] - self.d.sent[self.person_at[k][0]] <= 8:
            return self.person_at[k][1]
        return None

    def _recent_org(self, tok) -> list[tuple[int, str]]:
        """The organisation last seen as a subject before `tok`, within ORG_SENTS sentences ([] if none)."""
        k = bisect_left(self.org_subjects, (tok.i, "")) - 1
        if k >= 0 and self.d.sent[tok.i] - self.d.sent[self.org_subjects[k][0]] <= ORG_SENTS:
            return [self.org_subjects[k]]
        return []

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

    def _before_quote(self, tok):
        """The nearest person named before the quote that swallowed subject `tok` (same paragraph)."""
        d = self.d
        lo = max(d.para_bounds[d.para[tok.i]][0], tok.i - QUOTE_SUBJ_TOKENS)
        for j in range(tok.i - 1, lo - 1, -1):
            hit = self.tok_ent.get(j)
            if not d.in_quote[j] and hit and hit[0].type == "PERSON":
                return d.doc[j]
        return None

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_raw(start), self.to_raw(end)

    def from_token(self, tok) -> Speaker | None:
        """Speaker named by the subject (or `according to` object) token `tok`."""
        if self.d.in_quote[tok.i]:
            tok = self._before_quote(tok)  # X, who lost “two belt sizes,” says: the parser took the quote
            if tok is None:
                return None
        hit = self.tok_ent.get(tok.i)
        if hit and hit[0].type == "NORP" and any(c.lower_ == "the" for c in tok.children):
            eid = self._latest_person(tok)  # "the Kentucky Republican said": the person just named
            if eid:
                e = self.ents[eid]
                rs, re_ = self._span(tok.left_edge.idx, tok.idx + len(tok.text))
                return Speaker(e.name, e.id, rs, re_, self.d.text[tok.left_edge.idx : tok.idx + len(tok.text)])
        for t in [tok, *[c for c in tok.children if c.dep_ in ("appos", "compound") and not _detached(c)]]:
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
        for c in (_phrase(tok) if tok.right_edge.i - tok.left_edge.i < 40 else ()):
            if (c.dep_ == "appos" or c.head.dep_ == "appos") and not _detached(c) and not _detached(c.head):
                hit = self.tok_ent.get(c.i)
                if hit and hit[0].type == "PERSON":
                    e, s, end = hit
                    rs, re_ = self._span(s, end)
                    return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        # "the regional governor, Ann Lee, said": an appositive name NER missed
        for c in tok.children:
            if c.dep_ == "appos" and c.pos_ == "PROPN" and c.i not in self.tok_ent and c.text[:1].isupper():
                name = self.pseudo[self._pseudo(c)]
                if len(name.split()) > 1:
                    rs, re_ = self._span(c.left_edge.idx, c.idx + len(c.text))
                    return Speaker(name, None, rs, re_, self.d.text[c.left_edge.idx : c.idx + len(c.text)])
        if tok.lower_ == "it" and _speech_head(tok):
            org = self._recent_org(tok)  # "Acme declined to comment … “…,” it said"
            if org:
                e = self.ents[org[0][1]]
                rs, re_ = self._span(tok.idx, tok.idx + len(tok.text))
                return Speaker(e.name, e.id, rs, re_, tok.text)
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


def _phrase(tok):
    """`tok`'s subtree without relative clauses (their names are someone else: "X, who met Y")."""
    skip = [c for c in tok.subtree if c.dep_ in ("relcl", "acl") and c.i != tok.i]
    ranges = [(c.left_edge.i, c.right_edge.i) for c in skip]
    return [t for t in tok.subtree if not any(lo <= t.i <= hi for lo, hi in ranges)]


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
