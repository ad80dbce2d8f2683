"""Coverage by outlet and leaning: who carried each fact, quote and conflict, and what only one side reported.

An outlet's leaning comes from a user CSV (`--leanings`, outlet -> leaning; it wins) or from the
article's own `stance` (story bundles). Leanings are kept as given (lower-cased, e.g. "lean left")
and folded into a side (left / center / right) for blindspots: a fact or quote carried only by
outlets of one side while outlets of another side covered the story.
"""

from __future__ import annotations

import csv
import functools
import html
import io
from pathlib import Path

from ..model import Article, Conflict, Fact, QuoteGroup

SIDES = ("left", "center", "right")
_SIDE_OF = {
    "left": "left", "far left": "left", "lean left": "left", "leans left": "left", "left-center": "left",
    "center-left": "left", "centre-left": "left", "liberal": "left", "progressive": "left",
    "center": "center", "centre": "center", "neutral": "center", "least biased": "center", "mixed": "center",
    "right": "right", "far right": "right", "lean right": "right", "leans right": "right", "right-center": "right",
    "center-right": "right", "centre-right": "right", "conservative": "right",
}
_COLOURS = {"left": "#2b6cb0", "center": "#718096", "right": "#c53030", None: "#a0aec0"}
_HEADER_WORDS = {"outlet", "source", "name", "publication", "site", "domain"}


class LeaningsError(ValueError):
    """A leanings CSV that cannot be used, with the file and line to fix."""


def outlet_key(name: str) -> str:
    """How outlets are matched: case-folded, spaces folded, without a leading "www."."""
    k = " ".join((name or "").split()).casefold()
    return k[4:] if k.startswith("www.") else k


def normalize_leaning(value: str | None) -> str | None:
    """A leaning label as stored: lower-cased and space-folded; None when blank."""
    v = " ".join((value or "").replace("_", " ").split()).casefold()
    return v or None


def side(leaning: str | None) -> str | None:
    """left / center / right for a leaning label (None when unknown)."""
    if not leaning:
        return None
    return _SIDE_OF.get(leaning) or _SIDE_OF.get(leaning.replace("-", " "))


def load_leanings(path: str | Path) -> dict[str, str]:
    """Read an `outlet,leaning` CSV (optional header) into {outlet: leaning}; LeaningsError says what is wrong."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LeaningsError(f"{p}: leanings file not found") from None
    except UnicodeDecodeError:
        raise LeaningsError(f"{p}: not a UTF-8 text file (expected a CSV of outlet,leaning)") from None
    except OSError as exc:
        raise LeaningsError(f"{p}: cannot read ({exc.strerror})") from None
    if not text.strip():
        raise LeaningsError(f"{p}: empty file (expected lines of outlet,leaning)")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    out: dict[str, str] = {}
    where: dict[str, int] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text), dialect), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if n == 1 and cells[0].casefold() in _HEADER_WORDS:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise LeaningsError(f"{p}, line {n}: expected 'outlet,leaning', got {','.join(row)!r}")
        if len(cells) > 2 and any(cells[2:]):
            raise LeaningsError(f"{p}, line {n}: {len(cells)} columns; expected 2 (outlet,leaning) — quote names with commas")
        leaning = normalize_leaning(cells[1])
        key = outlet_key(cells[0])
        if key in out and out[key] != leaning:
            raise LeaningsError(
                f"{p}, line {n}: {cells[0]!r} is {leaning!r} here but {out[key]!r} on line {where[key]}"
            )
        out[key], where[key] = leaning or "", n
    if not out:
        raise LeaningsError(f"{p}: no outlet,leaning rows found")
    return out


@functools.lru_cache(maxsize=8)
def _load_cached(path: str) -> dict[str, str]:
    return load_leanings(path)


def _outlet(a: Article) -> str:
    return a.outlet or a.id  # never a path: sources are files on the ingesting machine


def coverage(
    articles: list[Article],
    facts: list[Fact],
    quote_groups: list[QuoteGroup],
    conflicts: list[Conflict],
    leanings: dict[str, str] | str | Path | None = None,
    *,
    min_fact_outlets: int = 2,
) -> dict:
    """Fill `outlets`/`stances` on facts, quote groups and conflicts; return the story's coverage dict.

    Keys: `outlets` [{outlet, leaning, side, articles}], `has_leanings`, and with leanings
    `leanings` {label: {count, outlets}}, `sides` {side: {count, outlets}}, `blindspots`
    {facts: [...], quotes: [...]}; each blindspot names its side, outlets and the sides that
    covered the story without carrying it. Facts need `min_fact_outlets` outlets to count.
    `leanings` may also be a CSV path (read with `load_leanings`; better load once per run).
    """
    if isinstance(leanings, (str, Path)):
        leanings = _load_cached(str(leanings))
    table = {outlet_key(k): normalize_leaning(v) for k, v in (leanings or {}).items()}
    lean_of_article: dict[str, str | None] = {}
    outlet_of_article: dict[str, str] = {}
    outlets: dict[str, dict] = {}
    for a in articles:
        name = _outlet(a)
        lean = table.get(outlet_key(name)) or normalize_leaning(a.stance)
        outlet_of_article[a.id] = name
        lean_of_article[a.id] = lean
        row = outlets.setdefault(name, {"outlet": name, "leaning": lean, "side": side(lean), "articles": []})
        if row["leaning"] is None and lean:
            row["leaning"], row["side"] = lean, side(lean)
        row["articles"].append(a.id)

    def fill(item, article_ids: list[str]) -> None:
        ids = [i for i in article_ids if i in outlet_of_article]
        item.outlets = list(dict.fromkeys(outlet_of_article[i] for i in ids))
        item.stances = sorted({outlets[o]["leaning"] for o in item.outlets if outlets[o]["leaning"]})

    for f in facts:
        fill(f, list(f.articles) or [v.article for v in f.variants])
    for q in quote_groups:
        fill(q, list(q.articles) or [v.article for v in q.variants])
    for c in conflicts:
        fill(c, [cl.article for cl in c.claims])

    rows = sorted(outlets.values(), key=lambda r: (SIDES.index(r["side"]) if r["side"] in SIDES else 3, r["outlet"].casefold()))
    result: dict = {"outlets": rows, "has_leanings": any(r["leaning"] for r in rows)}
    if not result["has_leanings"]:
        return result

    by_lean: dict[str, dict] = {}
    by_side: dict[str, dict] = {}
    for r in rows:
        lab = r["leaning"] or "unknown"
        by_lean.setdefault(lab, {"count": 0, "outlets": []})
        by_lean[lab]["count"] += 1
        by_lean[lab]["outlets"].append(r["outlet"])
        sd = r["side"] or "unknown"
        by_side.setdefault(sd, {"count": 0, "outlets": []})
        by_side[sd]["count"] += 1
        by_side[sd]["outlets"].append(r["outlet"])
    story_sides = {r["side"] for r in rows if r["side"]}

    def one_sided(item, min_outlets: int) -> dict | None:
        if len(item.outlets) < min_outlets:
            return None
        sides = {outlets[o]["side"] for o in item.outlets}
        if len(sides) != 1 or None in sides:
            return None  # several sides, or an outlet of unknown leaning (could be any side)
        (only,) = sides
        missing = sorted(story_sides - {only}, key=SIDES.index)
        if not missing:
            return None
        return {"id": item.id, "text": item.text, "side": only, "outlets": list(item.outlets), "missing": missing}

    result["leanings"] = by_lean
    result["sides"] = {k: by_side[k] for k in (*SIDES, "unknown") if k in by_side}
    result["blindspots"] = {
        "facts": [b for f in facts if (b := one_sided(f, min_fact_outlets))],
        "quotes": [
            {**b, "speaker": q.speaker} for q in quote_groups if (b := one_sided(q, 1))
        ],
    }
    return result


def coverage_html(cov: dict) -> str:
    """A compact, self-contained HTML fragment (inline CSS): outlets per leaning as bars, then blindspots."""
    e = html.escape
    rows = cov.get("outlets") or []
    if not rows:
        return ""
    parts = ['<section class="nf-coverage" style="font:13px/1.4 system-ui,sans-serif;max-width:42em">',
             '<h3 style="font-size:14px;margin:0 0 6px">Coverage</h3>']
    if cov.get("has_leanings"):
        groups = cov.get("leanings") or {}
        top = max((g["count"] for g in groups.values()), default=1)
        order = sorted(groups, key=lambda k: (SIDES.index(side(k)) if side(k) in SIDES else 3, k))
        for lab in order:
            g = groups[lab]
            colour = _COLOURS.get(side(lab), _COLOURS[None])
            width = max(4, round(100 * g["count"] / top))
            parts.append(
                '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
                f'<span style="width:7em;text-align:right;color:#4a5568">{e(lab)}</span>'
                f'<span style="flex:0 0 12em"><span style="display:inline-block;height:10px;width:{width}%;'
                f'background:{colour};border-radius:2px" title="{g["count"]} outlet(s)"></span></span>'
                f'<span style="color:#2d3748">{g["count"]} · {e(", ".join(g["outlets"]))}</span></div>'
            )
        spots = cov.get("blindspots") or {}
        for key, label in (("facts", "Reported only by one side"), ("quotes", "Quotes only one side used")):
            items = spots.get(key) or []
            if not items:
                continue
            parts.append(f'<h4 style="font-size:13px;margin:8px 0 2px">{e(label)}</h4><ul style="margin:0;padding-left:1.2em">')
            for b in items:
                colour = _COLOURS.get(b["side"], _COLOURS[None])
                who = f'{e(b["speaker"])}: ' if b.get("speaker") else ""
                parts.append(
                    f'<li><span style="color:{colour};font-weight:600">{e(b["side"])}</span> '
                    f'({e(", ".join(b["outlets"]))}; not in {e(", ".join(b["missing"]))}): {who}{e(b["text"])}</li>'
                )
            parts.append("</ul>")
    else:
        parts.append(f'<p style="margin:0">{len(rows)} outlet(s): {e(", ".join(r["outlet"] for r in rows))}</p>')
    parts.append("</section>")
    return "".join(parts)
