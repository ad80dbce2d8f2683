"""Align: match what different outlets say into facts and quote groups.

Sentences are compared with static sentence vectors distilled from MiniLM (cosine), story-local TF-IDF overlap (distinctive
words, numbers) and canonical-entity overlap. Candidate pairs come from an exact blocked top-k for
small stories and from a random-projection forest (n log n) for large ones, so cost stays
sub-quadratic. Groups are built best-edge-first with cannot-links and a complete-link guard:
precision before recall, since a wrong merge tells the reader two outlets agree when they don't.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import Analysis, Article, Entity, Fact, QuoteGroup
from .facts import VAGUE, Alignment, Unit, disagree, quantity_key, years_clash, attach_quote_groups, first_position, make_fact, build_units, fact_scores, measure_key  # noqa: F401  (re-exported)
from .neighbours import merge_edges, neighbour_pairs
from .propositions import absorb, merge_near_duplicates, propositions
from .sameclaim import ClaimCheck, occasion_days
from .quotes import SpeakerResolver, group_quotes, statements  # noqa: F401  (re-exported)
from .sources import source_keys
from .spans import sentence_of  # noqa: F401  (re-exported)
from .tokens import alignable, cut_quote, open_line, opens_on_pronoun, tokens  # noqa: F401  (re-exported)
from .tuning import FACT_AVG, FACT_GUARD, FACT_LINK
from .vectors import EMBEDDINGS, Embeddings, tfidf_matrix

OWN_WORDS = 0.3  # share of a quote's content words an outlet's own telling must repeat to lead its fact instead
NAMED_WORDS = 0.4  # share of a pronoun lead's content words a wording that names its subject must repeat to lead


def align(
    articles: Sequence[Article],
    analyses: dict[str, Analysis],
    entities: Sequence[Entity] = (),
    *,
    memo: Embeddings | None = None,
    min_support: int = 2,
    quote_groups: Sequence[QuoteGroup] = (),
) -> Alignment:
    """Group the story's sentences into facts: the same statement made by several outlets.

    A fact needs `min_support` independent sources, or (when that is 2) one wire's copy run by two outlets: the
    outlets carry it, and its `support` of 1 says it has one source. `quote_groups` (from `group_quotes`) keep
    apart sentences that quote different statements."""
    memo = memo or EMBEDDINGS
    sources = source_keys(articles)
    units = build_units(articles, analyses, entities, sources)
    attach_quote_groups(units, analyses, quote_groups)
    texts = [u.sentence.text for u in units]
    E = memo(texts)
    X = tfidf_matrix(texts)
    check = ClaimCheck(units, _occasions(analyses))
    art_idx = {a: i for i, a in enumerate(dict.fromkeys(u.article for u in units))}
    groups = np.array([art_idx[u.article] for u in units], dtype=np.int64)
    I, J, C = neighbour_pairs(E, groups)
    S = fact_scores(units, X, I, J, C)
    # about the same thing, but not the same claim: no link (sharing no specific word rules a pair out in bulk)
    ask = check.shares[I, J] if check.shares is not None else np.ones(len(I), dtype=bool)
    S[~ask] = -np.inf
    Il, Jl, Cl = I.tolist(), J.tolist(), C.tolist()
    for t in np.flatnonzero(ask).tolist():
        if not check.same(Il[t], Jl[t], Cl[t]):
            S[t] = -np.inf
    pair_score = {(i, j): s for i, j, s in zip(Il, Jl, S.tolist())}

    def score(x: int, y: int) -> float:
        if x > y:
            x, y = y, x
        s = pair_score.get((x, y))
        if s is None:  # not a candidate: cosine only, lexical unknown (rare: groups are small)
            s = float(E[x] @ E[y])
            if not check.same(x, y, s):
                s = -np.inf
        return s

    def cannot(x: int, y: int) -> bool:
        ux, uy = units[x], units[y]
        if ux.article == uy.article:
            return True
        if ux.quote_groups and uy.quote_groups and not (ux.quote_groups & uy.quote_groups):
            return True  # both mostly quote someone, and the quotes are different statements
        if ux.speakers and uy.speakers and not (ux.speakers & uy.speakers):
            return True
        if check.clash(x, y):
            return True
        return bool(ux.figures and uy.figures and disagree(ux, uy)) or years_clash(ux.sentence.text, uy.sentence.text)

    def guard(A: list[int], B: list[int]) -> bool:
        cos = E[A] @ E[B].T
        if cos.min() < FACT_GUARD:
            return False
        if len(A) * len(B) == 1:
            return True
        return float(np.mean([score(x, y) for x in A for y in B])) >= FACT_AVG

    clusters = merge_edges(len(units), I, J, S, link=FACT_LINK, cannot=cannot, guard=guard)
    facts, fact_of = [], {}
    outlet = {a.id: (a.outlet or a.id).strip().lower() for a in articles}
    for members in clusters:
        support = {units[m].source for m in members}
        carried = {outlet.get(units[m].article, units[m].article) for m in members}
        if len(support) < min_support and not (min_support == 2 and len(carried) >= 2):
            continue
        facts.append(make_fact(members, units, E, score))
    sentence_facts = {id(f) for f in facts}
    facts += propositions(units, E, facts, min_support, check)
    facts = merge_near_duplicates(facts, units, E, check)
    # a fact made only of direct quotes is a quote: the quote groups carry it, with its speaker
    direct = {(u.article, u.sentence.start) for u in units if u.direct}
    facts = [f for f in facts if not all((v.article, v.start) in direct for v in f.variants)]
    leads = {f.text for f in facts}
    quoted = set()
    for f in facts:  # a fact some outlet tells in its own words leads with them, not with someone's quote
        lead = next((v for v in f.variants if v.text == f.text), None)
        if lead is not None and (lead.article, lead.start) in direct:
            own = [v for v in f.variants if (v.article, v.start) not in direct]
            words = set(tokens(lead.text))
            close = [(len(words & set(tokens(v.text))) / max(len(words), 1), v) for v in own if v.text not in leads]
            best, fresh = max(close, key=lambda x: x[0], default=(0.0, None))
            if fresh is not None and best >= OWN_WORDS:  # one that tells what the quote says
                leads.add(fresh.text)
                f.text = fresh.text
            elif own and not close:  # its own-words tellings lead other facts already: a quote plus those facts
                quoted.add(id(f))
    facts = [f for f in facts if id(f) not in quoted]
    row = {(u.article, u.sentence.start): u for u in units}
    led_by = {f.text: f for f in facts}
    merged = set()
    for f in facts:
        host = _lead_naming_its_subject(f, row, direct, leads, led_by)
        if host is not None and id(host) not in merged:
            absorb(host, f.variants, set(f.outlets))
            merged.add(id(f))
    facts = [f for f in facts if id(f) not in merged]
    facts.sort(key=lambda f: (-f.support, -len(f.articles), first_position(f, units)))
    by_start = {(u.article, u.sentence.start): u.sentence.index for u in units}
    for n, f in enumerate(facts, 1):
        f.id = f"f{n}"
    # a sentence's own fact is its sentence cluster; a proposition claims only sentences no cluster holds
    for f in sorted(facts, key=lambda f: id(f) not in sentence_facts):
        for v in f.variants:
            idx = by_start.get((v.article, v.start))
            if idx is not None:
                fact_of.setdefault((v.article, idx), f.id)
    index = {(u.article, u.sentence.index): i for i, u in enumerate(units)}
    return Alignment(units, E, X, facts, fact_of, index, (I, J, S), sources, check)


def _lead_flaw(text: str) -> int:
    """How badly a sentence reads as a fact's lead: 2 a piece of a quote (it begins or ends inside quote marks),
    1 a pronoun opening whose antecedent is in an earlier sentence, 0 none."""
    if cut_quote(text):
        return 2
    return 1 if opens_on_pronoun(text) else 0


def _share(a: set[str], b: set[str]) -> float:
    """The share of the shorter wording's content words the other repeats."""
    return len(a & b) / max(min(len(a), len(b)), 1)


def _lead_naming_its_subject(f: Fact, row: dict[tuple[str, int], Unit], direct: set[tuple[str, int]],
                             leads: set[str], led_by: dict[str, Fact] | None = None) -> Fact | None:
    """A fact whose lead opens on a pronoun ("He said investigators …", "Their names were not …") or is a piece of
    a quote leads with one of its own sentences that reads better: first one reporting the same speaker
    (the quote stage resolved whom "he" means), else the one repeating most of the lead's words (at least
    `NAMED_WORDS` of the shorter's words). Never a direct quote: a brief line stays an article's sentence, unedited.
    When that sentence leads another fact already (`led_by`), returns that fact for the caller to merge this one
    into, if each of this fact's other sentences repeats its lead as much; otherwise None."""
    flaw = _lead_flaw(f.text)
    if not flaw:
        return None
    lead = next((v for v in f.variants if v.text == f.text), None)
    said_by = row[(lead.article, lead.start)].speakers if lead is not None and (lead.article, lead.start) in row else frozenset()
    said_by = said_by - {"?"}  # an unresolved speaker names no one
    words = set(tokens(f.text))
    best, best_key = None, None
    for v in f.variants:
        if (v.text in leads and not (led_by and v.text in led_by)) or (v.article, v.start) in direct \
                or _lead_flaw(v.text) >= flaw:
            continue
        u = row.get((v.article, v.start))
        same = bool(said_by and u is not None and said_by & u.speakers)
        share = _share(words, set(tokens(v.text)))
        key = (-_lead_flaw(v.text), same, share)
        if (same or share >= NAMED_WORDS) and (best_key is None or key > best_key):
            best, best_key = v, key
    if best is None:
        return None
    if led_by and best.text in led_by and led_by[best.text] is not f:
        # that sentence leads a fact already: both facts state it, one fact, when each of this fact's other
        # sentences repeats that lead's words as much as the better lead had to repeat this one's
        host = led_by[best.text]
        have = {(v.article, v.start) for v in host.variants}
        lead_words = set(tokens(host.text))
        if all(_share(lead_words, set(tokens(v.text))) >= NAMED_WORDS for v in f.variants if (v.article, v.start) not in have):
            return host
        return None
    if best.text in leads:
        return None
    leads.add(best.text)
    f.text = best.text
    return None


def _occasions(analyses: dict[str, Analysis]) -> dict[tuple[str, int], frozenset[tuple[int, int]]]:
    """(article, sentence index) -> the spans of days its named dates resolve to (`sameclaim.occasion_days`)."""
    out = {}
    for aid, an in analyses.items():
        sents = sorted(an.sentences, key=lambda s: s.start)
        for k, v in occasion_days(sents, an.dates).items():
            out[(aid, k)] = v
    return out
