"""Horizons: vague future dates that differ ("within two weeks" vs "next month"), and slips: a rough date that a later
report pins to a day past it ("late January", then "Tuesday" 6 February)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from ... import align as align_stage
from ...model import Analysis, Article, Conflict, ConflictClaim, DateRef, Sentence


def _interval(d: DateRef) -> tuple[date, date] | None:
    try:
        start = date.fromisoformat(d.date[:10]) if len(d.date) >= 10 else date.fromisoformat(d.date[:7] + "-01")
        end = date.fromisoformat(d.end_date[:10]) if d.end_date else start
    except ValueError:
        return None
    return start, end


def horizons(
    articles: Sequence[Article], analyses: dict[str, Analysis], alignment: align_stage.Alignment, sources: dict[str, str]
) -> list[Conflict]:
    """Precision conflicts between forward-looking date ranges of aligned sentences that don't overlap."""
    refs = []  # (article, sentence index, DateRef, interval)
    for a in articles:
        an = analyses.get(a.id)
        if not an or a.duplicate_of:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        pub = (a.published or "")[:10]
        for d in an.dates:
            if d.granularity == "day" or not d.end_date:
                continue
            iv = _interval(d)
            if iv is None or (pub and iv[0].isoformat() < pub):
                continue  # began before publication: not a horizon
            s = align_stage.sentence_of(sents, d.start)
            if s is not None:
                refs.append((a.id, s.index, d, iv, _clause(a.raw, s, d)))
    cand = _aligned(refs, alignment)
    out, seen = [], set()
    for x, y in sorted(cand):
        if True:
            a, b = refs[x], refs[y]
            if sources.get(a[0]) == sources.get(b[0]):
                continue
            ka, kb = (a[0], a[1]), (b[0], b[1])
            same_fact = ka in alignment.fact_of and alignment.fact_of.get(ka) == alignment.fact_of.get(kb)
            if not same_fact and not (alignment.similarity(ka, kb) >= 0.6 and _shared_entities(alignment, ka, kb)):
                continue
            ea, eb = align_stage.EMBEDDINGS([a[4], b[4]])
            if float(ea @ eb) < CLAUSE_COS:
                continue  # the dates qualify different plans ("teams meet next week" vs "summit next month")
            (s1, e1), (s2, e2) = a[3], b[3]
            if s1 <= e2 and s2 <= e1:
                continue  # overlapping horizons agree
            key = frozenset((a[2].expression.lower(), b[2].expression.lower()))
            if key in seen:
                continue
            seen.add(key)
            na, nb = sources.get(a[0], a[0]), sources.get(b[0], b[0])
            out.append(
                Conflict(
                    id="", topic="timing", kind="precision", severity="low",
                    explanation=(
                        f"Different horizons for the same plan: “{a[2].expression}” ({na}) vs “{b[2].expression}” ({nb}); "
                        "both are vague, so this is imprecision rather than a contradiction."
                    ),
                    claims=[
                        ConflictClaim(a[0], _sentence_text(analyses, a[0], a[1]), None, a[2].expression),
                        ConflictClaim(b[0], _sentence_text(analyses, b[0], b[1]), None, b[2].expression),
                    ],
                    outlets=sorted({na, nb}),
                )
            )
    return out


def _aligned(refs: list, alignment: align_stage.Alignment) -> set[tuple[int, int]]:
    """Pairs of refs (article, sentence index, ...) whose sentences are aligned neighbours (candidate pairs or one
    fact): linear in pairs."""
    rows: dict[int, list[int]] = defaultdict(list)
    for n, r in enumerate(refs):
        row = alignment.index.get((r[0], r[1]))
        if row is not None:
            rows[row].append(n)
    cand: set[tuple[int, int]] = set()
    if alignment.pairs is not None:
        for i, j in zip(alignment.pairs[0].tolist(), alignment.pairs[1].tolist()):
            if i in rows and j in rows:
                cand.update((min(x, y), max(x, y)) for x in rows[i] for y in rows[j])
    by_fact: dict[str, list[int]] = defaultdict(list)
    for n, r in enumerate(refs):
        f = alignment.fact_of.get((r[0], r[1]))
        if f:
            by_fact[f].append(n)
    for members in by_fact.values():
        cand.update((x, y) for x in members for y in members if x < y)
    return cand


CLAUSE_COS = 0.5


def _clause(raw: str, s: Sentence, d: DateRef) -> str:
    """The clause a date qualifies: from the last clause break before it (in its sentence) to its end."""
    head = raw[s.start : d.start] if s.start <= d.start <= s.end else ""
    cut = max(head.rfind(ch) for ch in (",", ";", ":", "—", " – ", "(")) if head else -1
    clause = head[cut + 1 :] if cut >= 0 and len(head) - cut > 25 else head[-120:]
    return (clause + raw[d.start : d.end]).strip()


def _shared_entities(alignment: align_stage.Alignment, ka: tuple[str, int], kb: tuple[str, int]) -> bool:
    i, j = alignment.index.get(ka), alignment.index.get(kb)
    return i is not None and j is not None and bool(alignment.units[i].entities & alignment.units[j].entities)


def _sentence_text(analyses: dict[str, Analysis], article: str, index: int) -> str:
    for s in analyses[article].sentences:
        if s.index == index:
            return s.text
    return ""


_POSTED = re.compile(r"\(@\w+\)\s*$")


def slips(
    articles: Sequence[Article], analyses: dict[str, Analysis], alignment: align_stage.Alignment, sources: dict[str, str]
) -> list[Conflict]:
    """Updates: a plan's rough date that a later report pins outside it ("lifts off in late January" on 5 January,
    "blasts off Tuesday" on 4 February). Both dates lie ahead of their reports, the reports came out on different
    days, sentences and date clauses align, and the day falls after the horizon within a month (a slip, not the next
    meeting of a body that meets again and again); two exact days are left alone (another occasion, or a clash)."""
    refs = []  # (article, sentence index, DateRef, interval, clause, publication day)
    for a in articles:
        an = analyses.get(a.id)
        pub = (a.published or "")[:10]
        if not an or a.duplicate_of or not pub:
            continue
        sents = sorted(an.sentences, key=lambda s: s.start)
        for d in an.dates:
            if d.past or d.inferred or d.granularity not in ("day", "range", "week", "month"):
                continue
            if _POSTED.search(a.raw[max(0, d.start - 40) : d.start]):
                continue  # an embedded post's date stamp ("— Ann Lee (@annlee) May 4, 2024"), not a plan's date
            iv = _interval(d)
            if iv is None or iv[0].isoformat() < pub:
                continue  # not ahead of its report
            s = align_stage.sentence_of(sents, d.start)
            if s is not None:
                refs.append((a.id, s.index, d, iv, _clause(a.raw, s, d), pub))
    best: dict[str, dict[str, tuple[float, tuple, tuple]]] = defaultdict(dict)  # early article -> late article -> match
    for x, y in sorted(_aligned(refs, alignment)):
        a, b = refs[x], refs[y]
        if sources.get(a[0]) == sources.get(b[0]) or a[5] == b[5]:
            continue
        early, late = (a, b) if a[5] < b[5] else (b, a)
        if early[2].granularity == "day" or late[2].granularity != "day":
            continue  # a rough horizon pinned to a day
        gap = (late[3][0] - early[3][1]).days
        if not 0 < gap <= 31:
            continue  # within the horizon (they agree), or too far after it to be the same plan
        ka, kb = (a[0], a[1]), (b[0], b[1])
        same_fact = ka in alignment.fact_of and alignment.fact_of.get(ka) == alignment.fact_of.get(kb)
        if not same_fact and not (alignment.similarity(ka, kb) >= 0.6 and _shared_entities(alignment, ka, kb)):
            continue
        ea, eb = align_stage.EMBEDDINGS([a[4], b[4]])
        cos = float(ea @ eb)
        if cos < CLAUSE_COS:
            continue  # the dates qualify different plans ("test firing next week" vs "launch on Tuesday")
        have = best[early[0]].get(late[0])
        if have is None or cos > have[0]:
            best[early[0]][late[0]] = (cos, early, late)
    out = []
    for early_art, lates in best.items():
        rows = sorted(lates.values(), key=lambda m: (m[2][5], -m[0]))
        firsts = list(dict.fromkeys((m[1][1], m[1][2].expression) for m in rows))
        ne = sources.get(early_art, early_art)
        said = " and ".join(f"“{e}”" for _, e in firsts)
        then = "; ".join(f"“{m[2][2].expression}” ({sources.get(m[2][0], m[2][0])}, {m[2][5]})" for m in rows)
        claims = [ConflictClaim(early_art, _sentence_text(analyses, early_art, i), None, e, rows[0][1][5]) for i, e in firsts]
        claims += [ConflictClaim(m[2][0], _sentence_text(analyses, m[2][0], m[2][1]), None, m[2][2].expression, m[2][5])
                   for m in rows]
        out.append(Conflict(
            id="", topic="timing", kind="update", severity="low",
            explanation=(f"Not a contradiction: the date moved between reports: {said} ({ne}, {rows[0][1][5]}), then "
                         f"{then}; the later reports are current."),
            claims=claims, outlets=sorted({ne} | {sources.get(m[2][0], m[2][0]) for m in rows}),
        ))
    return out
