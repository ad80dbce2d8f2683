"""Learned speaker choice: candidate features and the logistic-regression scorer's weights."""

from __future__ import annotations

import functools
from bisect import bisect_left
import json
import math
import operator
from pathlib import Path

from ..model import Speaker
from .marks import QuoteDoc, QuoteSpan
from .speakers import PRONOUNS, Speakers


# --- learned speaker choice ------------------------------------------------------------------
# A logistic-regression scorer over speaker candidates (the rule pick, "none", the previous
# quote's speaker, people/organisations mentioned near the quote), trained on the dev split by
# `python -m newsfuse.training.quotes`. Only weights are shipped; without the file the rules decide.

MODEL_PATH = Path(__file__).parent.with_name("data") / "quotes-speaker.json"
WINDOW_SENTS = 3  # candidates: mentions from this many sentences before the quote to its sentence end
FEATURES = (
    "none", "rule", "rule_none_none", "prev", "prev_unattr", "person", "org", "other", "rule_attr",
    "rule_direct", "none_direct", "none_attr", "near_before", "near_after", "has_before", "has_after",
    "sent_dist", "same_para", "talker", "count", "gender_agree", "gender_clash", "role_match",
    "rule_pronoun", "rule_tail", "in_window", "first_in_para", "rule_other",
)


@functools.lru_cache(maxsize=1)
def speaker_model() -> dict | None:
    try:
        m = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if m.get("features") != list(FEATURES):
        return None  # stale weights: the rules decide
    return m


def score(model: dict, x: list[float]) -> float:
    return model["bias"] + sum(map(operator.mul, model["weights"], x))


def candidates(q: QuoteSpan, d: QuoteDoc, sp: Speakers, prev: Speaker | None) -> list[tuple[Speaker | None, list[float]]]:
    """Speaker candidates for `q` with their features; the first is the rule pick."""
    qs, qe = d.tok_at(q.start), d.tok_at(max(q.start, q.end - 1))
    s0 = d.sent[qs]
    lo = d.sent_bounds[max(0, s0 - WINDOW_SENTS)][0]
    hi = d.clip(qe)[1]
    rule = q.speaker
    rule_pron = bool(rule is not None and rule.mention.lower() in PRONOUNS)
    rule_gender = PRONOUNS.get(rule.mention.lower()) if rule is not None else None
    rule_role = rule.mention.lower().split()[-1] if rule is not None and rule.mention else ""
    role_ids = {eid for _, eid in sp.titled.get(rule_role, ())} if rule_role else set()
    talkers = sp.talker_tokens
    headings = getattr(d, "headings", ())
    above = [p for p in headings if p < d.para[qs]]
    if above:  # a heading opens a new section: names above it are the last section's
        lo = max(lo, d.para_bounds[max(above)][1])
    # mentions per entity in the window
    near: dict[str, dict] = {}
    at = sp.mention_at  # (token, entity id), in text order
    for i, eid in at[bisect_left(at, (lo,)):]:
        if i >= hi:
            break
        if (q.start <= d.starts[i] < q.end) or d.in_quote[i] or d.para[i] in headings:
            continue  # a name in a heading or caption line said nothing
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
        not d.toks[j].is_space and not d.toks[j].is_punct for j in range(d.para_bounds[d.para[qs]][0], qs))
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
