"""Fusion benchmark: the brief of each real dev event with an editor's gold (../shared/data/fusion-newscluster).

Each event's articles are written as news-please JSONL records (the event label dropped) and fed to the CLI
itself, `newsfuse brief EVENT.jsonl --format json --out DIR`, so the figure is what a user gets. Each brief is
scored with ../shared/tools/fusion_score.py: per section found/total, the conflicts that match no gold
conflict, and brief lines that hold gold junk.

    .venv/bin/python bench/fusion.py [--events 35,36] [--misses] [--write] [--jobs 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
GOLD = SHARED / "data" / "fusion-newscluster"
DOCS = SHARED / "data" / "clustering-newscluster" / "news_cluster_docs.jsonl"
SCORER = SHARED / "tools" / "fusion_score.py"
RESULTS = ROOT / "bench" / "results" / "fusion.md"
SECTIONS = ("quotes", "quote_groups", "agreements", "conflicts", "single_source", "dates", "entities")
# what a news-please record carries, less the gold's labels (event, topic, category)
RECORD_KEYS = ("id", "url", "source_domain", "date_publish", "language", "title", "description", "text")
sys.path.insert(0, str(ROOT / "src"))


def _scorer():
    spec = importlib.util.spec_from_file_location("fusion_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def _newsfuse() -> list[str]:
    exe = Path(sys.executable).with_name("newsfuse")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsfuse"]


def write_event(event: int, docs: list[dict], where: Path) -> Path:
    """The event's articles as a JSONL of news-please records, as a user would feed them."""
    path = where / f"event{event}.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for d in docs:
            if d.get("event_id") == event:
                fh.write(json.dumps({k: d.get(k) for k in RECORD_KEYS}, ensure_ascii=False) + "\n")
    return path


def run_event(event: int, jsonl: Path, out: Path) -> tuple[float, str]:
    """Run the CLI on one event; (seconds, stderr)."""
    t0 = time.perf_counter()
    proc = subprocess.run(_newsfuse() + ["brief", str(jsonl), "--format", "json", "--out", str(out)],
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if proc.returncode not in (0, 1):
        raise SystemExit(f"event {event}: newsfuse brief exited {proc.returncode}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t0, proc.stderr


def lead_flaws(stories: list[dict]) -> tuple[int, int, int, int]:
    """(facts, facts of 2+ sources whose lead opens on a pronoun, those of them the brief glosses with whom the
    pronoun means, facts whose lead is cut inside quote marks): the lines an editor cannot read alone, which the
    gold does not score."""
    from newsfuse.align.tokens import cut_quote, opens_on_pronoun

    facts = [f for s in stories for f in s.get("facts", [])]
    pronoun = [f for f in facts if f.get("support", 0) >= 2 and opens_on_pronoun(f["text"])]
    return len(facts), len(pronoun), sum(bool(f.get("means")) for f in pronoun), sum(cut_quote(f["text"]) for f in facts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", default="", help="comma-separated event ids (default: every gold)")
    ap.add_argument("--misses", action="store_true", help="list each gold item not found")
    ap.add_argument("--write", action="store_true", help=f"write {RESULTS.relative_to(ROOT)}")
    ap.add_argument("--jobs", type=int, default=2, help="events run at once")
    ap.add_argument("--keep", default="", help="write the events' JSONL and briefs here (default: a temp dir)")
    args = ap.parse_args(argv)
    if not GOLD.is_dir() or not DOCS.exists() or not SCORER.exists():
        print(f"skipped: fusion gold, news_cluster docs or scorer not found under {SHARED}")
        return 0
    scorer = _scorer()
    golds = {int(p.stem.removeprefix("gold_event")): json.loads(p.read_text()) for p in sorted(GOLD.glob("gold_event*.json"))}
    if args.events:
        golds = {e: g for e, g in golds.items() if str(e) in args.events.split(",")}
    docs = [json.loads(line) for line in DOCS.open(encoding="utf-8")]
    where = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fusion-"))
    where.mkdir(parents=True, exist_ok=True)
    jobs = {e: (write_event(e, docs, where), where / f"brief{e}") for e in golds}
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        timings = dict(zip(jobs, pool.map(lambda e: run_event(e, *jobs[e]), jobs)))
    rows, fracs, totals = [], [], {"reported": 0, "matching": 0, "junk": 0}
    flaws = [0, 0, 0, 0]
    for e, gold in golds.items():
        result = scorer.score(gold, scorer.load_brief(str(jobs[e][1])))
        prec = result.pop("_precision")
        got = sum(ok for items in result.values() for _, ok in items)
        tot = sum(len(items) for items in result.values())
        fracs.append(got / max(1, tot))
        totals["reported"] += prec["conflicts_reported"]
        totals["matching"] += prec["conflicts_matching_gold"]
        totals["junk"] += prec["junk_lines_in_brief"]
        n_stories = len(scorer.load_brief(str(jobs[e][1])))
        flaws = [a + b for a, b in zip(flaws, lead_flaws(scorer.load_brief(str(jobs[e][1]))))]
        cells = [f"{sum(ok for _, ok in result[k])}/{len(result[k])}" for k in SECTIONS]
        rows.append(f"| {e} | {len(jobs[e][0].read_text().splitlines())} | {n_stories} | " + " | ".join(cells)
                    + f" | **{got / max(1, tot):.2f}** | {prec['conflicts_matching_gold']}/{prec['conflicts_reported']}"
                    f" | {prec['junk_lines_in_brief']} | {timings[e][0]:.1f} |")
        print(f"event {e}: " + " ".join(f"{k} {c}" for k, c in zip(SECTIONS, cells))
              + f"; total {got}/{tot} = {got / max(1, tot):.2f}; conflicts {prec['conflicts_matching_gold']}/"
              f"{prec['conflicts_reported']} match gold; {prec['junk_lines_in_brief']} junk lines", flush=True)
        if args.misses:
            for k in SECTIONS:
                for g, ok in result[k]:
                    if not ok:
                        print(f"    missed {k}: {g.get('about') or g.get('key') or g.get('canonical') or g.get('date')}")
    mean = sum(fracs) / max(1, len(fracs))
    prec_c = totals["matching"] / max(1, totals["reported"])
    print(f"mean {mean:.3f}, min {min(fracs, default=0):.2f}; conflicts {totals['matching']}/{totals['reported']} "
          f"match gold ({prec_c:.0%}); {totals['junk']} junk lines; briefs in {where}")
    print(f"fact leads an editor cannot read alone (not scored): of {flaws[0]} facts, {flaws[1]} with 2+ sources open on a "
          f"pronoun ({flaws[2]} of them glossed with whom it means), {flaws[3]} are cut inside quote marks")
    if args.write:
        head = ("| event | articles | stories | " + " | ".join(SECTIONS)
                + " | found | conflicts matching gold / reported | junk lines | s |")
        text = "\n".join([
            "# Fusion: briefs of real dev events against an editor's gold",
            "",
            f"`python bench/fusion.py --write` ({platform.machine()}, {os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}):"
            " each event's news_cluster records as JSONL through `newsfuse brief EVENT.jsonl --format json`,"
            " scored by `../shared/tools/fusion_score.py`. Dev events only; seconds include loading the models.",
            "",
            head, "|" + "---|" * (head.count("|") - 1), *rows, "",
            f"Mean found **{mean:.3f}** (lowest event {min(fracs, default=0):.2f}); conflicts matching a gold conflict "
            f"{totals['matching']}/{totals['reported']} ({prec_c:.0%}); brief lines holding gold junk: {totals['junk']}.",
            "",
            f"Fact leads an editor cannot read alone (not scored by the gold): of {flaws[0]} facts, {flaws[1]} with 2+ sources "
            f"open on a pronoun ({flaws[2]} of them glossed with whom it means: \"He [Ann Lee] said\"), {flaws[3]} are cut "
            "inside quote marks.",
            "",
        ])
        RESULTS.write_text(text, encoding="utf-8")
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
