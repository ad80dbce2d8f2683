"""Summaries through the user's path: `newsfuse brief BUNDLES.jsonl --format json --out DIR`, scored with ROUGE.

Runs the CLI itself on ../shared/data/summaries-multinews/{dev,test}.jsonl (or AllSides) exactly as a user
would, reads DIR/brief.json and scores each story's summary against its bundle's reference with the same
setting as `bench/summaries.py` (rouge-score, Porter stemmer, Lsum on newline-separated sentences, outputs
cut at the set's word budget, macro-averaged over every bundle: a bundle the CLI lost scores 0).
It also checks that every bundle came back as one story holding exactly its own articles.

    .venv/bin/python bench/summaries_cli.py --sets multinews --splits dev
    .venv/bin/python bench/summaries_cli.py --sets multinews --splits test --keep /tmp/mn-test
    .venv/bin/python bench/summaries_cli.py --sets multinews --splits test --write   # ... and put its row into
                                                             # bench/results/summaries.md (between the cli markers)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from summaries import SETS, cut, ref_lines  # noqa: E402


def run_cli(path: Path, out_dir: Path, extra: list[str]) -> tuple[int, str, float]:
    """Run `newsfuse brief PATH --format json --out OUT_DIR`; (exit code, stderr, seconds)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "newsfuse", "brief", str(path), "--format", "json", "--out", str(out_dir), *extra],
        env=env, capture_output=True, text=True,
    )
    return proc.returncode, proc.stderr, time.perf_counter() - t0


def score(set_name: str, split: str, out_dir: Path) -> dict:
    """ROUGE of the CLI's summaries in out_dir/brief.json, and whether every bundle is one intact story."""
    from rouge_score import rouge_scorer

    folder, budget = SETS[set_name]
    records = [json.loads(line) for line in (folder / f"{split}.jsonl").open(encoding="utf-8") if line.strip()]
    doc = json.loads((out_dir / "brief.json").read_text(encoding="utf-8"))
    stories = {s["id"]: s for s in doc["stories"]}
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)
    total = np.zeros(3)
    intact = 0
    for rec in records:
        sid = str(rec["id"])
        st = stories.get(sid)
        if st is not None and all(str(a).rsplit("-", 1)[0] == sid for a in st["articles"]):
            intact += 1
        sents = [s["text"] for s in st["summary"]] if st else []
        sc = scorer.score(ref_lines(rec["reference"]), "\n".join(cut(sents, budget)))
        total += [sc["rouge1"].fmeasure, sc["rouge2"].fmeasure, sc["rougeLsum"].fmeasure]
    n = max(1, len(records))
    return {"bundles": len(records), "stories": len(stories), "intact": intact, "rouge": tuple(100 * total / n)}


RESULTS = ROOT / "bench" / "results" / "summaries.md"
START, END = "<!-- summaries_cli rows: written by bench/summaries_cli.py --write -->", "<!-- end summaries_cli rows -->"
HEADER = ["| set | split | stories / bundles, intact | R-1 | R-2 | R-Lsum | tally | command, run |",
          "|---|---|---|---:|---:|---:|---|---|"]


def write_rows(rows: dict[tuple[str, str], str]) -> None:
    """Put this run's rows into the results file's cli table, keeping the rows of sets/splits not rerun."""
    text = RESULTS.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        body, tail = rest.split(END, 1)
    else:
        head, body, tail = text.rstrip("\n") + "\n\n", "", "\n"
    kept: dict[tuple[str, str], str] = {}
    for line in body.splitlines():
        m = re.match(r"\| (\w+) \| (\w+) \| \d", line)
        if m:
            kept[(m.group(1), m.group(2))] = line
    kept.update(rows)
    table = "\n".join([*HEADER, *(kept[k] for k in sorted(kept))])
    RESULTS.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {len(rows)} row(s) into {RESULTS}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["multinews"], choices=list(SETS))
    ap.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"])
    ap.add_argument("--keep", type=Path, help="write the CLI's output here (default: a temporary folder)")
    ap.add_argument("--score-only", action="store_true", help="score an existing --keep folder")
    ap.add_argument("--write", action="store_true", help="put the rows into bench/results/summaries.md")
    ap.add_argument("cli_args", nargs="*", help="extra arguments for `newsfuse brief` (after --)")
    args = ap.parse_args()
    rows: dict[tuple[str, str], str] = {}
    for set_name in args.sets:
        folder, _ = SETS[set_name]
        for split in args.splits:
            out_dir = (args.keep / f"{set_name}-{split}") if args.keep else Path(tempfile.mkdtemp(prefix="nf-cli-"))
            took = 0.0
            tally_line = ""
            if not args.score_only:
                rc, err, took = run_cli(folder / f"{split}.jsonl", out_dir, args.cli_args)
                tally = [ln for ln in err.splitlines() if not ln.startswith("wrote ")]
                print("\n".join(tally[-5:]), file=sys.stderr)
                tally_line = next((ln for ln in reversed(tally) if ln.startswith("tally:")), "")
                if rc not in (0, 1) or not (out_dir / "brief.json").exists():
                    raise SystemExit(f"newsfuse brief failed (rc {rc})")
            r = score(set_name, split, out_dir)
            r1, r2, rl = r["rouge"]
            print(f"{set_name} {split}: {r['stories']} stories for {r['bundles']} bundles, {r['intact']} intact; "
                  f"ROUGE-1/2/Lsum {r1:.2f}/{r2:.2f}/{rl:.2f}" + (f"; CLI {took:.0f} s" if took else ""))
            extra = (" -- " + " ".join(args.cli_args)) if args.cli_args else ""
            cmd = f"`python bench/summaries_cli.py --sets {set_name} --splits {split} --write{extra}`"
            run = (f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()}-core {platform.machine()}, "
                   f"{took:.0f} s at load {os.getloadavg()[0]:.1f}" if took else "scored an existing folder")
            rows[(set_name, split)] = (
                f"| {set_name} | {split} | {r['stories']} / {r['bundles']}, {r['intact']} intact | {r1:.2f} | {r2:.2f} | "
                f"{rl:.2f} | {tally_line.removeprefix('tally: ') or '-'} | {cmd}; {run} |")
    if args.write and not args.score_only:
        write_rows(rows)


if __name__ == "__main__":
    main()
