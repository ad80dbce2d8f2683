"""Extraction benchmark (AEB, 181 news pages) through the CLI: `newsfuse clean --json` on inputs shaped as users give them.

Two inputs per split, each fed to the `newsfuse` command itself, so a figure here is what a user gets:
(a) the pages' scraped plain text (`baselines/html-text.json`: navigation, sidebars and all) as a JSONL of
`{"id", "text"}` records, and (b) the raw pages, `html/<id>.html.gz`, as files. Scores with the benchmark's
own metric (4-token shingles of `\\w+` tokens, per-page P/R averaged, F1 from the averages) beside the published
tools' outputs, and writes the table to bench/results/extraction.md. Tune on dev only.

Usage: .venv/bin/python bench/extraction.py [--data ../shared/data/extraction-aeb] [--split dev|test|both]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newsfuse.clean.classifier import MODEL_PATH  # noqa: E402
from newsfuse.training.clean import DEFAULT_DATA, load_gold, load_plain, load_split, page_score, summarize  # noqa: E402

PUBLISHED = ["trafilatura", "newspaper", "news_please", "readability"]


def newsfuse_cmd() -> list[str]:
    """The installed `newsfuse` command beside this Python, else `python -m newsfuse`."""
    exe = Path(sys.executable).with_name("newsfuse")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "newsfuse"]


def cli_clean(inputs: list[str]) -> tuple[dict[str, str], float]:
    """Run `newsfuse clean --json INPUTS...`: ({article id: cleaned text}, seconds)."""
    t0 = time.perf_counter()
    proc = subprocess.run(newsfuse_cmd() + ["clean", "--json", *inputs], capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"})
    if proc.returncode not in (0, 1):
        raise SystemExit(f"newsfuse clean exited {proc.returncode}\n{proc.stderr[-2000:]}")
    out = {}
    for line in proc.stdout.splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["id"]] = rec["text"]
    return out, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSFUSE_AEB", DEFAULT_DATA)))
    ap.add_argument("--split", choices=["dev", "test", "both"], default="both")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "extraction.md")
    args = ap.parse_args(argv)
    if not (args.data / "split.json").exists():
        print(f"benchmark data not found at {args.data}; skipped", file=sys.stderr)
        return 0
    gold, plain = load_gold(args.data), load_plain(args.data)
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    load = os.getloadavg()[0]
    rows: list[tuple[str, str, float, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="aeb-") as tmp:
        for split in splits:
            ids = load_split(args.data, split)
            for name in PUBLISHED:
                j = json.loads((args.data / "baselines" / f"{name}.json").read_text())
                j = j.get("output", j)
                sc = [page_score(gold[k], (j.get(k) or {}).get("articleBody") or "") for k in ids]
                rows.append((split, f"{name} (published output)", *summarize(sc), ""))
            sc = [page_score(gold[k], plain[k]) for k in ids]
            rows.append((split, "html-text, no cleaning (the input of (a))", *summarize(sc), ""))
            records = Path(tmp) / f"aeb_{split}.jsonl"
            records.write_text("".join(json.dumps({"id": k, "text": plain[k]}) + "\n" for k in ids), encoding="utf-8")
            got, secs = cli_clean([str(records)])
            sc = [page_score(gold[k], got.get(k, "")) for k in ids]
            rows.append((split, f"**(a) `newsfuse clean --json aeb_{split}.jsonl`** (page texts as records)",
                         *summarize(sc), f"{secs:.1f} s"))
            # a clean body must come out whole: the gold bodies themselves as records (recall = share kept)
            clean_bodies = Path(tmp) / f"gold_{split}.jsonl"
            clean_bodies.write_text("".join(json.dumps({"id": k, "text": gold[k]}) + "\n" for k in ids), encoding="utf-8")
            got, secs = cli_clean([str(clean_bodies)])
            sc = [page_score(gold[k], got.get(k, "")) for k in ids]
            rows.append((split, f"(c) `newsfuse clean --json gold_{split}.jsonl` (already clean bodies as records; "
                                "recall = share kept)", *summarize(sc), f"{secs:.1f} s"))
            got, secs = cli_clean([str(args.data / "html" / f"{k}.html.gz") for k in ids])
            sc = [page_score(gold[k], got.get(k, "")) for k in ids]
            rows.append((split, f"**(b) `newsfuse clean --json html/*.html.gz`** ({split} pages)", *summarize(sc),
                         f"{secs:.1f} s"))
    lines = [
        "# Extraction benchmark (AEB news pages), through the CLI",
        "",
        f"Command: `.venv/bin/python bench/extraction.py --split {args.split}`, which runs, per split,  ",
        "(a) `newsfuse clean --json aeb_SPLIT.jsonl` on the pages' scraped text (`baselines/html-text.json`) written",
        "as `{\"id\", \"text\"}` records, (b) `newsfuse clean --json html/ID.html.gz ...` on the split's raw pages, and",
        "(c) the same command on the gold article bodies as records (text that is already clean must stay whole).  ",
        f"Machine: {os.cpu_count()}-core CPU ({platform.machine()}, Python {platform.python_version()}), shared (load average",
        f"{load:.1f} at the start); time is the whole command (start-up included).  ",
        "Metric: the benchmark's own (4-token shingles of \\w+ tokens, per-page P/R averaged, F1 from the averages).",
        "",
        "The line classifier was trained on dev (`python -m newsfuse.training.clean`), so dev rows are in-sample;",
        "its 5-fold out-of-fold dev figure is stored in the model file. Cleaning rules are designed on AEB dev and on",
        "news_cluster dev records; test is read for reporting only (each round's table re-reads it).",
    ]
    oof = json.loads(MODEL_PATH.read_text()).get("dev_out_of_fold", {}).get("P_R_F1", {})
    if oof:
        lines.append("Dev 5-fold out-of-fold, from the model file (pages scored by models that never saw them, rules as at "
                     "training time): "
                     + "; ".join(f"{k} P {v[0]:.3f} R {v[1]:.3f} F1 {v[2]:.3f}" for k, v in oof.items()) + ".")
    lines += [
        "",
        "| split | system | precision | recall | F1 | time |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {s} | {n} | {p:.3f} | {r:.3f} | {f:.3f} | {tm} |" for s, n, p, r, f, tm in rows]
    goals = [("(a)", "F1 of page texts as records", 4, 0.90), ("(c)", "share of a clean body kept", 3, 0.99),
             ("(b)", "F1 of HTML pages", 4, 0.96)]
    lines += ["", "Goals (issue 13), on test:"]
    for tag, what, col, goal in goals:
        got = [r[col] for r in rows if r[0] == "test" and r[1].lstrip("*").startswith(tag)]
        if got:
            lines.append(f"- {tag} {what} >= {goal:.2f}: {got[0]:.4f}, {'met' if got[0] >= goal else 'not met'}")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.split == "both":
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
