"""Role nouns and documents as speakers: "the mayor", "the agency", "the report" -> who they name."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..model import Speaker


ORG_NOUNS = frozenset(
    """
    agency department company ministry government city union board association group organization
    organisation firm league team office party club school university police service province bank
    council committee commission court hospital network newspaper airline store retailer chain brand
    charity foundation institute centre center corporation state country county municipality district
    authority regulator watchdog body military army coalition campaign administration industry
    """.split()
)
BUSINESS_NOUNS = frozenset("company firm corporation business retailer airline bank chain brand".split())
"""Org nouns that, with no body acting nearby, mean the company the article is about."""
PLACE_NOUNS = frozenset("city state country county municipality district province".split())
"""Org nouns that name a place's government: never the organisation that merely acted last."""
_NOT_A_FIRM = re.compile(
    r"(?i)\b(?:office|department|ministry|commission|commissioner|agency|bureau|authority|council|court|police|"
    r"government|parliament|congress|senate|committee|regulator|university|school|news|times|post|journal|"
    r"telegraph|guardian|herald|tribune|gazette|press|radio|tv|television|broadcasting|"
    r"cnn|cnbc|bbc|nbc|abc|cbs|npr|reuters|ap|afp|upi)\b"
)
"""A body that is no company: a public office or a news medium ("…, CNBC noted. The company said" is not CNBC)."""
DOC_NOUNS = frozenset(
    """
    report statement disclaimer study complaint lawsuit suit claim memo document letter release decision survey
    data findings poll filing ruling order website post tweet email message note analysis review paper
    book bill law policy plan budget research figures record records video footage documents sign
    """.split()
)
KIN_NOUNS = frozenset(
    "mother father mom mum dad parent wife husband son daughter brother sister sibling grandmother grandfather "
    "grandson granddaughter aunt uncle niece nephew cousin widow widower partner girlfriend boyfriend fiancee fiance".split()
)
"""Relatives: "the boy's mother" names someone other than the person written before it."""
GENDERED_NOUNS = {
    **{w: "f" for w in "mother mom mum wife daughter sister grandmother granddaughter aunt niece widow girlfriend "
       "fiancee woman girl lady actress spokeswoman chairwoman businesswoman congresswoman queen".split()},
    **{w: "m" for w in "father dad husband son brother grandfather grandson uncle nephew widower boyfriend fiance "
       "man boy gentleman actor spokesman chairman businessman congressman king".split()},
}
"""Role nouns of one gender: never resolved to a person known to be of the other."""
POSTED_NOUNS = frozenset("sign banner placard poster caption headline graffiti".split())
"""Things put up for anyone to read: never resolved to whoever spoke last."""
DESC_SENTS = 6
ORG_SENTS = 2  # "the company", "it said": an organisation that was a subject this near
ANON_ROLES = frozenset("official source spokesperson spokesman spokeswoman officer".split())
AFFILIATE_ROLES = ANON_ROLES | frozenset(
    "commentator analyst representative executive columnist editor aide insider adviser advisor employee researcher "
    "expert staffer".split())
"""Role nouns of unnamed people who speak for a body named after them ("a spokesperson for Acme")."""
"""Role nouns that usually stand for an unnamed person: never resolved to a nearby name."""


class Roles:
    """Resolution of described speakers; mixed into `Speakers` (uses its mention tables)."""

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
                if not hit and c.pos_ == "NOUN" and c.lemma_.lower() in ORG_NOUNS:
                    owner = self._description(c)  # "the company's website": the company it stands for
                    if owner is not None and owner.entity:
                        rs, re_ = self._span(s, end)
                        return Speaker(owner.name, owner.entity, rs, re_, self.d.text[s:end])
        lemma = tok.lemma_.lower()
        if lemma in DOC_NOUNS:
            issuer = self._issuer(tok)  # "a statement released by Acme", "a letter from the mayor"
            if issuer is not None:
                e = self.ents[issuer]
                rs, re_ = self._span(s, end)
                return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])
        dets = {c.lower_ for c in self.d.doc[tok.left_edge.i : tok.i]}
        if tok.pos_ != "NOUN" or tok.tag_ != "NN" or not (
            dets & {"the", "this"} or (lemma in DOC_NOUNS and dets & {"a", "an"})
        ):
            return None
        sent = self.d.sent[tok.i]
        eid = None
        if lemma in POSTED_NOUNS:
            return None  # "a warning sign reads": nobody named nearby put it up; the sign, as described, speaks
        if lemma in DOC_NOUNS and dets & {"the", "this"} and (author := self._author_of_earlier(tok)) is not None:
            eid = author  # "X announced it in an open letter … “…,” the letter began": the letter is X's
        elif lemma in DOC_NOUNS:
            # "the statement" -> the body (or person) last seen speaking nearby: who issued it
            k = bisect_left(self.talkers, (tok.i, "")) - 1
            if k >= 0 and sent - self.d.sent[self.talkers[k][0]] <= DESC_SENTS:
                eid = self.talkers[k][1]
            elif dets & {"a", "an"}:
                # "Acme's offer is its “best and final,” according to a statement": the body the sentence names
                eid = self._possessor_in_sentence(tok) or self._dominant_org()
                if eid is None:
                    return None
        elif lemma in ORG_NOUNS:
            # "the agency": a body named earlier with that noun in its name or described by it
            k = bisect_left(self.org_at, (tok.i, "")) - 1
            named = [ev for ev in self.org_at[: k + 1] if lemma in self.ents[ev[1]].name.lower().split()]
            named += [ev for ev in self.titled.get(lemma, ()) if ev[0] < tok.i and self.ents[ev[1]].type != "PERSON"]
            if lemma not in PLACE_NOUNS:
                acted = self._recent_org(tok)  # "Acme said … The company noted": the body acting just before
                if lemma in BUSINESS_NOUNS:
                    acted = [ev for ev in acted if not _NOT_A_FIRM.search(self.ents[ev[1]].name)]
                named += acted
            if named:
                eid = max(named)[1]
            elif lemma in BUSINESS_NOUNS:
                eid = self._dominant_org()  # an article about Acme: "the company" is Acme
        else:
            # "the mayor" -> the person titled Mayor; "the diocese" -> a body with it in its name;
            # else the latest named person nearby
            titled = [ev for ev in self.titled.get(lemma, ()) if ev[0] < tok.i]
            place = self._of_place(tok)
            if place is not None:  # "the president of Argentina": only a president named with Argentina is he
                titled = [ev for ev in titled if self._near_name(ev[0], place)]
                if not titled:
                    return None
            k = bisect_left(self.org_at, (tok.i, "")) - 1
            named = [ev for ev in self.org_at[: k + 1] if lemma in self.ents[ev[1]].name.lower().split()]
            if titled:
                eid = titled[-1][1]
            elif named:
                eid = named[-1][1]
            elif lemma not in ANON_ROLES and not self._introduced_unnamed(tok, lemma) and not (
                    lemma in KIN_NOUNS and any(c.dep_ == "poss" for c in tok.children)):
                # "the child's mother" is someone's relative, not the person just named
                eid = self._latest_person(tok)
                want = GENDERED_NOUNS.get(lemma)
                if eid and want and self.gender.get(eid, want) != want:
                    eid = None  # "the mother" is no man just named
        if eid is None:
            return None
        e = self.ents[eid]
        rs, re_ = self._span(s, end)
        return Speaker(e.name, e.id, rs, re_, self.d.text[s:end])

    def _author_of_earlier(self, tok) -> str | None:
        """Who wrote the document a definite noun ("the letter") takes up from a recent sentence: the subject of
        the verb that sent it ("Palmer announced … in an open letter", "the ministry issued a statement")."""
        sent = self.d.sent[tok.i]
        doc = self.d.doc
        for j in range(tok.i - 1, -1, -1):
            if sent - self.d.sent[j] > 2:
                break
            a = doc[j]
            if a.lemma_.lower() != tok.lemma_.lower() or self.d.in_quote[j] or a.pos_ != "NOUN":
                continue
            verb = a.head.head if a.dep_ == "pobj" and a.head.dep_ == "prep" else a.head if a.dep_ == "dobj" else None
            if verb is None or verb.pos_ not in ("VERB", "AUX"):
                return None
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            hit = self.tok_ent.get(subj.i) if subj is not None else None
            if hit and hit[0].type in ("PERSON", "ORG") and hit[0].id in self.ents:
                return hit[0].id
            return None
        return None

    def _issuer(self, tok) -> str | None:
        """The body or person a document noun says issued it: "a statement from X", "a note released/issued by X"."""
        for c in tok.children:
            preps = [c] if c.dep_ == "prep" and c.lower_ in ("from", "by") else [
                g for g in c.children if g.dep_ == "agent" or (g.dep_ == "prep" and g.lower_ == "by")
            ] if c.dep_ == "acl" else []
            for p in preps:
                for o in p.children:
                    if o.dep_ != "pobj":
                        continue
                    for t in (o, *o.children):
                        hit = self.tok_ent.get(t.i)
                        if hit and hit[0].type in ("ORG", "PERSON") and hit[0].id in self.ents:
                            return hit[0].id
        return None

    def _of_place(self, tok) -> str | None:
        """The place or body a role noun is "of" ("the president of Argentina" -> Argentina's entity id)."""
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for o in c.children:
                    hit = self.tok_ent.get(o.i)
                    if o.dep_ == "pobj" and hit and hit[0].type != "PERSON":
                        return hit[0].id
        return None

    def _near_name(self, i: int, eid: str) -> bool:
        """Whether entity `eid` is named within four tokens of token `i` ("Argentine President X", "X of Argentina")."""
        lo, hi = max(0, i - 4), min(len(self.d.doc), i + 8)
        return any(self.tok_ent.get(j, (None,))[0] is self.ents.get(eid) for j in range(lo, hi))

    def _possessor_in_sentence(self, tok) -> str | None:
        """A body or person written with a possessive ("Acme's") in `tok`'s sentence, the last one before it."""
        doc = self.d.doc
        sent = self.d.sent[tok.i]
        found = None
        for t in doc[max(0, tok.i - 60) : tok.i]:
            if self.d.sent[t.i] == sent and t.tag_ == "POS":
                hit = self.tok_ent.get(t.i - 1)
                if hit and hit[0].type in ("ORG", "PERSON") and hit[0].id in self.ents:
                    found = hit[0].id
        return found

    def _dominant_org(self) -> str | None:
        """The organisation the article names most (its headline counting three mentions), when it is
        named at least three times and half as often again as any other (the company the story is about)."""
        if not hasattr(self, "_dominant"):
            title = (self.title or "").lower()
            counts = sorted(((len(v) + 3 * (self.ents[eid].name.lower() in title), eid)
                             for eid, v in self._org_mentions().items()), reverse=True)
            ok = counts and counts[0][0] >= 3 and (len(counts) == 1 or counts[0][0] >= 1.5 * counts[1][0])
            self._dominant = counts[0][1] if ok else None
        return self._dominant

    def _org_mentions(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, eid in self.org_at:
            out.setdefault(eid, []).append(i)
        return out

    def _introduced_unnamed(self, tok, lemma: str) -> bool:
        """Was "the judge" introduced unnamed ("a Los Angeles judge") after the last person named? Then it
        is that unnamed one, not the person."""
        k = bisect_left(self.person_at, (tok.i, "")) - 1
        lo = self.person_at[k][0] if k >= 0 else 0
        for t in self.d.doc[lo : tok.i]:
            if t.lemma_.lower() == lemma and any(c.lower_ in ("a", "an", "another") for c in t.children if c.dep_ == "det"):
                return True
        return False

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
        toks, pos = self.d.toks, self.d.pos
        self.titled: dict[str, list[tuple[int, str]]] = {}
        for i, (e, _, _) in sorted(self.tok_ent.items()):
            if i > 0 and self.tok_ent.get(i - 1, (None,))[0] is e:
                continue  # first token of each mention only
            if not e.name[:1].isupper():
                continue
            cands = []
            for j in range(i - 1, max(-1, i - 4), -1):  # "Mayor Ann Lee", "tenants advocate Ann Lee"
                t = toks[j]
                if j in self.tok_ent or pos[j] not in ("NOUN", "PROPN") or t.dep_ not in ("compound", "nmod", "amod", "appos"):
                    break
                cands.append(t)
            head = toks[i]
            while head.head.i in self.tok_ent and self.tok_ent[head.head.i][0] is e and head.head.i != head.i:
                head = head.head
            cands += [c for c in head.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            if head.dep_ == "appos" and head.head.pos_ == "NOUN":
                cands.append(head.head)
            for c in cands:
                self.titled.setdefault(c.lemma_.lower(), []).append((i, e.id))
