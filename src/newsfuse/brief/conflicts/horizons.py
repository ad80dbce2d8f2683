"""Horizons: vague future dates that differ ("within two weeks" vs "next month")."""

from __future__ import annotations

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
    # compare only refs whose sentences are aligned neighbours (candidate pairs or one fact): linear in pairs
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
