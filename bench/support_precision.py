"""Precision of fact supports: how many of a brief's lead-variant pairs state the same claim, by blind reading.

A fact of 3+ articles lists each outlet's sentence (variant) as backing its lead sentence. Two readers judged
565 such pairs from the six dev events' briefs (news_cluster, ../shared/data/fusion-newscluster), blind to which
code produced them: `yes` (B states A's claim), `partial` (part of it, or a close neighbour), `no` (another fact,
or only the topic, people or place). Labels are kept by pair (md5 of lead + NUL + variant, 10 hex), never the
text: bench/results/support_labels.tsv. This script reads `bench/fusion.py --keep DIR` output and counts the
judged pairs a brief holds; pairs nobody judged are counted apart (new code can produce them).

    .venv/bin/python bench/fusion.py --keep /tmp/fus && .venv/bin/python bench/support_precision.py /tmp/fus
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "results" / "support_labels.tsv"
EVENTS = (35, 36, 49, 62, 66, 72)


def pair_key(lead: str, variant: str) -> str:
    """The label key of a lead-variant pair."""
    return hashlib.md5((lead + "\x00" + variant).encode()).hexdigest()[:10]


def count(brief_dir: Path, labels: dict[str, str]) -> dict[str, int]:
    """yes / partial / no / unjudged over the facts of 3+ articles of the six events' briefs in `brief_dir`."""
    out = {"yes": 0, "partial": 0, "no": 0, "unjudged": 0}
    for e in EVENTS:
        doc = json.loads((brief_dir / f"brief{e}" / "brief.json").read_text(encoding="utf-8"))
        for story in doc["stories"]:
            for f in story["facts"]:
                if len(f["articles"]) < 3:
                    continue
                lead_article = next((v["article"] for v in f["variants"] if v["text"] == f["text"]), None)
                for v in f["variants"]:
                    if v["text"] != f["text"] and v["article"] != lead_article:
                        out[labels.get(pair_key(f["text"], v["text"]), "unjudged")] += 1
    return out


def main(argv: list[str]) -> int:
    labels = dict(line.rstrip("\n").split("\t")[:2] for line in LABELS.open(encoding="utf-8") if "\t" in line)
    for d in argv:
        c = count(Path(d), labels)
        judged = c["yes"] + c["partial"] + c["no"]
        print(f"{d}: {c}; precision (yes / judged) {c['yes'] / max(judged, 1):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
