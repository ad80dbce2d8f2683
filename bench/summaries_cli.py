"""Summaries through the user's path: `newsfuse brief BUNDLES.jsonl --format json --out DIR`, scored with ROUGE.

Runs the CLI itself on ../shared/data/summaries-multinews/{dev,test}.jsonl (or AllSides) exactly as a user
would, reads DIR/brief.json and scores each story's summary against its bundle's reference with the same
setting as `bench/summaries.py` (rouge-score, Porter stemmer, Lsum on newline-separated sentences, outputs
cut at the set's word budget, macro-averaged over every bundle: a bundle the CLI lost scores 0).
It also checks that every bundle came back as one story holding exactly its own articles.

    .venv/bin/python bench/summaries_cli.py --sets multinews --splits dev
    .venv/bin/python bench/summaries_cli.py --sets multinews --splits test --keep /tmp/mn-test
"""

from __future__ import annotations

import argparse
import json
import os
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=["multinews"], choices=list(SETS))
    ap.add_argument("--splits", nargs="+", default=["dev", "test"], choices=["dev", "test"])
    ap.add_argument("--keep", type=Path, help="write the CLI's output here (default: a temporary folder)")
    ap.add_argument("--score-only", action="store_true", help="score an existing --keep folder")
    ap.add_argument("cli_args", nargs="*", help="extra arguments for `newsfuse brief` (after --)")
    args = ap.parse_args()
    for set_name in args.sets:
        folder, _ = SETS[set_name]
        for split in args.splits:
            out_dir = (args.keep / f"{set_name}-{split}") if args.keep else Path(tempfile.mkdtemp(prefix="nf-cli-"))
            took = 0.0
            if not args.score_only:
                rc, err, took = run_cli(folder / f"{split}.jsonl", out_dir, args.cli_args)
                tally = [ln for ln in err.splitlines() if not ln.startswith("wrote ")]
                print("\n".join(tally[-5:]), file=sys.stderr)
                if rc not in (0, 1) or not (out_dir / "brief.json").exists():
                    raise SystemExit(f"newsfuse brief failed (rc {rc})")
            r = score(set_name, split, out_dir)
            r1, r2, rl = r["rouge"]
            print(f"{set_name} {split}: {r['stories']} stories for {r['bundles']} bundles, {r['intact']} intact; "
                  f"ROUGE-1/2/Lsum {r1:.2f}/{r2:.2f}/{rl:.2f}" + (f"; CLI {took:.0f} s" if took else ""))


if __name__ == "__main__":
    main()
