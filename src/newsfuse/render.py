"""Render: briefs as JSON (`newsfuse/brief-v1`), Markdown and self-contained HTML.

PLACEHOLDER: to be replaced by the real implementation (issue 4).
"""

from __future__ import annotations

import html as _html

from .model import Brief, to_dict


def to_json(briefs: list[Brief]) -> dict:
    """The `newsfuse/brief-v1` document for one or more briefs."""
    return {"schema": "newsfuse/brief-v1", "stories": [to_dict(b.story) for b in briefs]}


def to_markdown(brief: Brief) -> str:
    return f"# {brief.title}\n"


def to_html(brief: Brief) -> str:
    return f"<!doctype html><meta charset='utf-8'><h1>{_html.escape(brief.title)}</h1>"


def to_html_document(briefs: list[Brief]) -> str:
    return "\n".join(to_html(b) for b in briefs)


def write(briefs: list[Brief], out_dir, formats=("json", "md", "html")) -> list[str]:
    """Write `brief.json` (all stories) and one .md/.html per story into out_dir; return the paths."""
    import json
    import os

    os.makedirs(out_dir, exist_ok=True)
    paths = []
    if "json" in formats:
        p = os.path.join(out_dir, "brief.json")
        with open(p, "w", encoding="utf-8") as fh:
            json.dump(to_json(briefs), fh, ensure_ascii=False, indent=1)
        paths.append(p)
    for b in briefs:
        for fmt, fn in (("md", to_markdown), ("html", to_html)):
            if fmt in formats:
                p = os.path.join(out_dir, f"{b.story.id}.{fmt}")
                with open(p, "w", encoding="utf-8") as fh:
                    fh.write(fn(b))
                paths.append(p)
    return paths
