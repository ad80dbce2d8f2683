"""Multi-News dev articles for the speed benchmarks, read at run time from ../shared (never copied into the repo).

Reads ../shared/data/summaries-multinews/dev.jsonl ($NEWSFUSE_SHARED overrides ../shared); adds
`load_articles`: the first n source articles as `Article`s, cut near a word count or whole.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data" / "summaries-multinews" / "dev.jsonl"


def load_articles(
    n: int, *, words: int | None = None, min_chars: int = 0, published: str = "2024-01-01", labelled: bool = False
) -> list:
    """The first n Multi-News dev articles as `Article`s, ids `<cluster id>-<k>`.

    `words`: squeeze runs of spaces, skip texts shorter than that many words and cut the rest at a
    sentence end near it; None keeps whole texts, skipping those under `min_chars` characters.
    `labelled` adds the title, one outlet per article (`outlet-<i>`) and the data file as source.
    """
    from newsfuse.model import Article

    out = []
    with open(DATA, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            for k, a in enumerate(row.get("articles") or []):
                if words is not None:
                    text = re.sub(r"[ \t]+", " ", (a.get("text") or "")).strip()
                    split = text.split()
                    if len(split) < words:
                        continue
                    cut = len(" ".join(split[:words]))
                    end = text.find(". ", cut)
                    text = text[: end + 1] if 0 < end < cut + 400 else text[:cut]
                else:
                    text = (a.get("text") or "").strip()
                    if len(text) < min_chars:
                        continue
                aid = f"{row['id']}-{k}"
                if labelled:
                    out.append(Article(id=aid, raw=text, title=a.get("title") or "", outlet=f"outlet-{len(out)}",
                                       published=published, source=str(DATA)))
                else:
                    out.append(Article(id=aid, raw=text, published=published))
                if len(out) >= n:
                    return out
    return out
