"""Speakers: entity mentions by token, he/she resolution and the speaker a cue's subject names."""

from __future__ import annotations

import re
from bisect import bisect_left

import numpy as np
from spacy.strings import get_string_id

from ..clean.furniture import caption_or_credit
from ..entities import TITLES, gender_hints
from ..entities.firstnames import first_name_gender
from ..model import Article, Entity, Reference, Speaker
from .cues import SUBJ, detached, is_main_subject, is_subject, nominal_role, speech_head
from .marks import QuoteDoc
from .roles import AFFILIATE_ROLES, DESC_SENTS, ORG_NOUNS, ORG_SENTS, Roles


PRONOUNS = {"he": "m", "she": "f"}
POSSESSIVES = {"his": "m", "her": "f"}
_ACTORS = frozenset(PRONOUNS) | frozenset(POSSESSIVES)
# verbs whose "it" is seldom a body acting: "It comes days after …", "It seems", "It remains unclear", "it helps to", "it helps to"
_NOT_ACTING = frozenset("come seem appear happen remain take mean follow turn look sound feel matter make cost help".split())
_SUBJECT_PRONOUNS = {"he": 0, "himself": 0, "she": 1, "herself": 1}  # -> index of the (male, female) count
_CALENDAR_WORDS = frozenset(  # months and weekdays that are also given names: never a lone first name
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
TITLES_LOWER = TITLES | {"chief", "hereditary", "grand", "elder", "councillor"}
SPEAKER_PREF = True


NOT_NAMING = frozenset({"continue"})
"""Speech verbs whose capitalised subject is no name NER missed ("Story continues below")."""


_AGED = re.compile(r"(?i)the \S+-year-old$")
AFFILIATION_PREPS = frozenset({"for", "of", "at", "in", "with", "from"})
QUOTE_SUBJ_TOKENS = 30  # how far before a quote parsed as a subject its real subject may sit


class Speakers(Roles):
    """Maps tokens to entity mentions and resolves he/she subjects to named people."""

    def __init__(self, article: Article, d: QuoteDoc, entities: list[Entity]) -> None:
        self.d = d
        self.title = article.title or ""
        to_raw, to_text = article.offset_maps()
        self.to_raw = to_raw
        entities = [e for e in entities if not caption_or_credit(e.name, within=True)]  # "Ann Lee/The Press"
        self.ents = {e.id: e for e in entities}
        self.tok_ent: dict[int, tuple[Entity, int, int]] = {}  # token -> (entity, text start, text end)
        for e in entities:
            for m in e.mentions:
                if m.article != article.id:
                    continue
                s, t = to_text(m.start), to_text(m.end)
                if d.text[max(0, s - 1) : s] == "/" or d.text[t : t + 1] == "/":
                    continue  # a photo credit ("REUTERS/Ann Lee", "Ann Lee/Bloomberg"): nobody in the story
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
        self._affiliations()
        self._learn_gender()
        self._resolve_pronouns()
        self.mention_at = sorted(self.person_at + self.org_at)
        self.talker_tokens = {i for i, _ in self.talkers}
        self._mention_pos: dict[str, list[int]] = {}
        for i, eid in self.mention_at:
            self._mention_pos.setdefault(eid, []).append(i)

    def _missed_mentions(self, entities: list[Entity]) -> None:
        """Capitalised one-word names NER tagged elsewhere in the article but missed here ("Acme said"),
        and a first name alone standing for the one person of that first name ("Billy" for Billy Lee)."""
        names: dict[str, set[str]] = {}
        for e in entities:
            if e.type in ("PERSON", "ORG"):
                for m in e.mentions:
                    if " " not in m.text.strip():
                        names.setdefault(m.text.strip(), set()).add(e.id)
            if e.type == "PERSON" and len(e.name.split()) > 1:
                names.setdefault(e.name.split()[0], set()).add(e.id)
        # only tokens whose text hashes as a name's does can be one (spaCy's ORTH is the hash of a token's text): the
        # rest are passed over without reading their text
        keys = np.sort(np.array([get_string_id(n) for n in names], dtype=np.uint64))
        toks = self.d.toks
        hits: list[int] = []
        if len(keys) and len(toks):  # each token's ORTH looked up in the sorted keys (np.isin sorts the whole Doc)
            orth = self.d.doc.to_array("ORTH")
            hits = np.flatnonzero(keys[np.minimum(np.searchsorted(keys, orth), len(keys) - 1)] == orth).tolist()
        for i in hits:
            tok = toks[i]
            ids = names.get(tok.text)
            if (ids and len(ids) == 1 and tok.i not in self.tok_ent and tok.text[:1].isupper() and tok.pos_ == "PROPN"
                    and tok.ent_type_ not in ("DATE", "TIME") and tok.lower_ not in _CALENDAR_WORDS):  # "June", "May"
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
        for i, hit in self.tok_ent.items():
            if hit[0].type == "PERSON" and not d.in_quote[i]:
                named[d.sent[i]].add(hit[0].id)
        # subject pronouns only: "he took her" says nothing of her
        for i in [i for i, w in enumerate(d.lower) if w in _SUBJECT_PRONOUNS]:
            if not d.in_quote[i]:
                counts[d.sent[i]][_SUBJECT_PRONOUNS[d.lower[i]]] += 1
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
        pos, lower, toks, tok_ent = d.pos, d.lower, d.toks, self.tok_ent
        # only a mention, a proper noun or a he/she/his/her takes part: the rest are passed over at once
        for i in [i for i, (p, w) in enumerate(zip(pos, lower)) if p == "PROPN" or w in _ACTORS or i in tok_ent]:
            tok = toks[i]
            if d.in_quote[i] or d.para[i] in captions:
                continue
            hit = self.tok_ent.get(i)
            if hit and hit[0].type == "ORG" and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                self.org_at.append((tok.i, hit[0].id))
                role = nominal_role(tok)
                if tok.dep_ == "compound" and role.pos_ == "NOUN" and role.i != tok.i and role.i not in self.tok_ent:
                    continue  # "her LinkedIn profile said": a modifier, not the body acting
                if is_main_subject(role):
                    self.org_subjects.append((tok.i, hit[0].id))
                if is_subject(role) and speech_head(role):
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
                role = nominal_role(tok)
                if is_subject(role) and speech_head(role):
                    self.talkers.append((tok.i, e.id))
            elif not hit and pos[i] == "PROPN" and is_subject(tok) and speech_head(tok) and tok.head.lemma_.lower() not in NOT_NAMING:
                named = self._titled_phrase_person(tok)
                eid = named or self._pseudo(tok)  # a speaker NER missed ("Chief Na'moks said")
            if hit and hit[0].type != "PERSON" and not eid:
                role = nominal_role(tok)
                if is_subject(role) and speech_head(role) and (tok.i + 1 >= len(doc) or self.tok_ent.get(tok.i + 1) is not hit):
                    self.talkers.append((tok.i, hit[0].id))
                continue
            if eid:
                role = nominal_role(tok)
                if tok.dep_ == "compound" and role.pos_ == "NOUN":
                    continue  # "the Kinder pipeline", "the Lee government": a modifier, nobody acting
                if self._in_relative_of_person(tok):
                    continue  # "Lee, who works with Ann Ross, …": Ross is not whom a later "he" means
                ev = (eid, d.sent[tok.i], is_main_subject(role), is_subject(role) and speech_head(role))
                anyrole.append(ev)
                if is_subject(role):
                    subjects.append(ev)
                continue
            g = PRONOUNS.get(lower[i]) or (POSSESSIVES.get(lower[i]) if lower[i] in POSSESSIVES and tok.dep_ == "poss" else None)
            if g and tok.dep_ == "poss":
                eid = self._pick(subjects, g, d.sent[tok.i]) or self._pick(anyrole, g, d.sent[tok.i])
                if eid:
                    self.pronoun[tok.i] = eid
            elif g and tok.dep_ in SUBJ:
                si = d.sent[tok.i]
                speech = speech_head(tok)
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
                    subjects.append((eid, si, is_main_subject(tok), speech))
            if len(subjects) > 64:
                del subjects[:32]
            if len(anyrole) > 64:
                del anyrole[:32]

    def _titled_phrase_person(self, tok) -> str | None:
        """The person a title subject's phrase ends with ("Head of the … Committee Leonid Slutsky"), else None."""
        if tok.lower_ not in TITLES_LOWER | {"head"} or tok.i in self.tok_ent or tok.right_edge.i <= tok.i:
            return None
        hit = self.tok_ent.get(tok.right_edge.i)
        if hit and hit[0].type == "PERSON" and not self.d.in_quote[tok.right_edge.i]:
            return hit[0].id
        return None

    def _described_org_before(self, tok) -> Speaker | None:
        """The organisation a described subject ("the firm") of the last ORG_SENTS sentences stands for."""
        d = self.d
        lo = d.sent_bounds[max(0, d.sent[tok.i] - ORG_SENTS)][0]
        for j in range(tok.i - 1, lo - 1, -1):
            t = d.doc[j]
            if t.pos_ == "NOUN" and is_main_subject(t) and t.lemma_.lower() in ORG_NOUNS and not d.in_quote[j]:
                sp = self._description(t)
                if sp is not None and sp.entity and self.ents[sp.entity].type != "PERSON":
                    return sp
                return None
        return None

    def _affiliations(self) -> None:
        """Unnamed people described by the body they speak for: "a spokesperson for the State Department",
        "a commentator in the newspaper Haaretz" -> (token, role lemma, organisation id), text order."""
        doc, d = self.d.doc, self.d
        self.affiliated: list[tuple[int, str, str, str]] = []
        toks, pos = d.toks, d.pos
        for i in [i for i, p in enumerate(pos) if p == "NOUN"]:
            tok = toks[i]
            if d.in_quote[i] or tok.lemma_.lower() not in AFFILIATE_ROLES:
                continue
            for p in tok.children:
                if p.dep_ != "prep" or p.lower_ not in AFFILIATION_PREPS or p.i < tok.i:
                    continue
                for j in range(p.i + 1, min(len(doc), p.i + 8)):
                    t = toks[j]
                    if t.text in ",;:()[].—–" or pos[j] in ("VERB", "AUX") or d.in_quote[j]:
                        break
                    hit = self.tok_ent.get(j)
                    if hit and hit[0].type == "ORG":
                        lo = j  # the organisation's full name as printed ("US State Department")
                        while lo - 1 > p.i and pos[lo - 1] == "PROPN" and toks[lo - 1].dep_ == "compound":
                            lo -= 1
                        hi = j
                        while hi + 1 < len(doc) and self.tok_ent.get(hi + 1, (None,))[0] is hit[0]:
                            hi += 1
                        name = doc[lo : hi + 1].text
                        self.affiliated.append((tok.i, tok.lemma_.lower(), hit[0].id, name))
                        break
                break

    def _affiliation(self, tok) -> tuple[str, str] | None:
        """The organisation `tok` speaks for: its own "for/of/at/in ORG", or (for "the spokesperson")
        that of the latest same role so described within DESC_SENTS sentences."""
        k = bisect_left(self.affiliated, (tok.i, "", "", ""))
        if k < len(self.affiliated) and self.affiliated[k][0] == tok.i:
            return self.affiliated[k][2:]
        if not any(c.lower_ in ("the", "that", "this") for c in tok.children if c.dep_ == "det"):
            return None
        lemma = tok.lemma_.lower()
        for i, role, eid, name in reversed(self.affiliated[:k]):
            if self.d.sent[tok.i] - self.d.sent[i] > DESC_SENTS:
                break
            if role == lemma:
                return eid, name
        return None

    def _captions(self) -> set[int]:
        """Paragraphs that are photo captions ("Ann Lee, left, and …"): their people are no antecedents."""
        d = self.d
        out = set()
        for p, (lo, hi) in enumerate(d.para_bounds):
            if lo < hi:
                para = d.text[d.doc[lo].idx : d.doc[hi - 1].idx + len(d.doc[hi - 1].text)]
                if caption_or_credit(para):
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

    def _before_quote(self, tok):
        """The nearest person named before the quote that swallowed subject `tok` (same paragraph)."""
        d = self.d
        lo = max(d.para_bounds[d.para[tok.i]][0], tok.i - QUOTE_SUBJ_TOKENS)
        for j in range(tok.i - 1, lo - 1, -1):
            hit = self.tok_ent.get(j)
            if not d.in_quote[j] and hit and hit[0].type == "PERSON":
                return d.doc[j]
        return None

    def references(self) -> list[Reference]:
        """Each he/she subject of its sentence's main verb resolved to a named entity (offsets into `Article.raw`):
        one deeper in its sentence often means someone described there unnamed ("a guard said he first heard")."""
        out = []
        for i, eid in sorted(self.pronoun.items()):
            tok, e = self.d.toks[i], self.ents.get(eid)
            g = PRONOUNS.get(tok.lower_)
            if e is not None and g and is_main_subject(tok) and self.gender.get(eid, g) == g:
                rs, re_ = self._span(tok.idx, tok.idx + len(tok.text))
                out.append(Reference(rs, re_, tok.text, e.id, e.name))
        return sorted(out + self._it_references(), key=lambda r: r.start)

    def _it_references(self) -> list[Reference]:
        """An "It" acting as its sentence's main subject right after a sentence whose main subject is an organisation
        ("Acme raised its offer. It also pledged …"); an "it" of a copula or of "it comes days after" is no body."""
        d, out = self.d, []
        for i in [i for i, w in enumerate(d.lower) if w == "it"]:
            tok = d.toks[i]
            if d.in_quote[i] or not is_main_subject(tok) or tok.head.pos_ != "VERB" or tok.head.lemma_.lower() in _NOT_ACTING:
                continue
            org = self._recent_org(tok)
            if org and d.sent[i] - d.sent[org[0][0]] == 1 and org[0][1] in self.ents:
                e = self.ents[org[0][1]]
                rs, re_ = self._span(tok.idx, tok.idx + len(tok.text))
                out.append(Reference(rs, re_, tok.text, e.id, e.name))
        return out

    def _span(self, start: int, end: int) -> tuple[int, int]:
        return self.to_raw(start), self.to_raw(end)

    def named(self, start: int, end: int) -> Speaker:
        """The speaker a name at text span [start, end) names: its entity when NER found one there."""
        for i in range(self.d.tok_from(start), len(self.d.doc)):
            if self.d.doc[i].idx >= end:
                break
            hit = self.tok_ent.get(i)
            if hit and hit[0].type in ("PERSON", "ORG"):
                rs, re_ = self._span(start, end)
                return Speaker(hit[0].name, hit[0].id, rs, re_, self.d.text[start:end])
        rs, re_ = self._span(start, end)
        return Speaker(self.d.text[start:end], None, rs, re_, self.d.text[start:end])

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
        for t in [tok, *[c for c in tok.children if c.dep_ in ("appos", "compound") and not detached(c)]]:
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
        # "Head of the Duma's Foreign Affairs Committee Leonid Slutsky said": a title whose phrase ends in the name
        eid = self._titled_phrase_person(tok)
        if eid:
            e, s, end = self.tok_ent[tok.right_edge.i]
            rs, re_ = self._span(s, end)
            return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        # "a spokesperson for X", "people familiar with the talks": a named person in an appositive
        for c in (_phrase(tok) if tok.right_edge.i - tok.left_edge.i < 40 else ()):
            if (c.dep_ == "appos" or c.head.dep_ == "appos") and not detached(c) and not detached(c.head):
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
        if tok.lower_ == "it" and speech_head(tok):
            org = self._recent_org(tok)  # "Acme declined to comment … “…,” it said"
            if org:
                e = self.ents[org[0][1]]
                rs, re_ = self._span(tok.idx, tok.idx + len(tok.text))
                return Speaker(e.name, e.id, rs, re_, tok.text)
            described = self._described_org_before(tok)  # "The Singapore-based firm said … It also said"
            if described is not None:
                rs, re_ = self._span(tok.idx, tok.idx + len(tok.text))
                return Speaker(described.name, described.entity, rs, re_, tok.text)
        if tok.pos_ in ("PRON",) and tok.lower_ not in ("they", "we", "i", "you"):
            return None
        org = self._affiliation(tok) if tok.pos_ == "NOUN" else None
        if org is not None:  # "a spokesperson for the US State Department": the body speaks
            rs, re_ = self._span(tok.left_edge.idx, tok.idx + len(tok.text))
            return Speaker(org[1], None, rs, re_, self.d.text[tok.left_edge.idx : tok.idx + len(tok.text)])
        described = self._description(tok)
        if described is not None:
            return described
        # a described speaker ("a senior official", "the agency"): its noun phrase
        left = tok.left_edge
        right = tok.right_edge if tok.right_edge.i - left.i < 8 else tok
        toks = [t for t in self.d.doc[left.i : right.i + 1]]
        for k, t in enumerate(toks):  # "a spokesperson here on Monday": when and where are no part of who
            if t.i > tok.i and (t.pos_ == "ADV" or (t.dep_ == "prep" and any(
                    c.ent_type_ in ("DATE", "TIME") for c in t.children if c.dep_ == "pobj"))):
                toks = toks[:k]
                break
        while toks and (toks[-1].is_punct or toks[-1].is_space):
            toks.pop()
        while toks and (toks[0].is_punct or toks[0].is_space):
            toks.pop(0)
        if not toks:
            return None
        s, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        rs, re_ = self._span(s, end)
        text = self.d.text[s:end]
        if _AGED.match(text):  # "the 21-year-old": the person just named
            eid = self._latest_person(tok)
            if eid:
                return Speaker(self.ents[eid].name, eid, rs, re_, text)
        return Speaker(text, None, rs, re_, text)


def _phrase(tok):
    """`tok`'s subtree without relative clauses (their names are someone else: "X, who met Y")."""
    skip = [c for c in tok.subtree if c.dep_ in ("relcl", "acl") and c.i != tok.i]
    ranges = [(c.left_edge.i, c.right_edge.i) for c in skip]
    return [t for t in tok.subtree if not any(lo <= t.i <= hi for lo, hi in ranges)]
