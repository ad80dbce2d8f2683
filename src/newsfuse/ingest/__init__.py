"""Ingest: turn sources (files, directories, stdin, http(s) URLs) into raw `Article`s.

Reads plain text, HTML (main text + metadata via trafilatura), JSON/JSONL in the news-please
shape, story bundles (JSONL lines with an `articles` list), and RSS/Atom feeds (feedparser).
`.gz` inputs are read transparently; control characters (stray NULs) are stripped and noted in
`meta["control_characters"]`; a page nested deeper than the HTML parser allows is read by a streaming
text walk. A record may say `"clean": true` (its text is the article alone; cleaning keeps it whole).
A bad input (a true binary among them) never stops the batch: it becomes one `Problem` line naming
the input and what is wrong. `pipeline.read` is ingest followed by clean, the one reading path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from urllib.parse import urlparse

from ..model import Article
from .sources import (
    article_id_for_path, content_hash, _decode, _fetch_url, IngestError, MAX_BYTES, Problem, _read_bytes,
    _short_hash, strip_controls, _walk,
)
from .metadata import infer_outlet, _outlet_name, stated_published
from .formats import _parse


# --------------------------------------------------------------------------- public


def _from_bytes(data: bytes, source: str, default_id: str, problems: list[Problem], hint: str = "") -> list[Article]:
    text, note = strip_controls(_decode(data, source))
    arts = _parse(text, source, default_id, hint)
    good = []
    for a in arts:
        if isinstance(a, IngestError):
            problems.append(Problem(source, str(a)))
        else:
            if note:
                a.meta.setdefault("control_characters", note)
            good.append(a)
    return good


def ingest_one(source: str, problems: list[Problem]) -> list[Article]:
    """Read one source (a file, a URL or "-" for stdin); problems are appended, never raised."""
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            if len(data) > MAX_BYTES:
                raise IngestError("stdin too large")
            return _from_bytes(data, "<stdin>", "stdin-" + _short_hash(data.decode("utf-8", "replace")), problems)
        if source.startswith(("http://", "https://")):
            data, ctype = _fetch_url(source)
            hint = "json" if "json" in ctype else ""
            arts = _from_bytes(data, source, "url-" + _short_hash(source), problems, hint)
            for a in arts:
                a.url = a.url or source
                if not a.outlet:
                    a.outlet = _outlet_name(urlparse(source).hostname or "")
            return arts
        if not os.path.exists(source):
            raise IngestError("no such file or directory" if not os.path.islink(source) else "broken symlink")
        return _from_bytes(_read_bytes(source), source, article_id_for_path(source), problems)
    except IngestError as exc:
        problems.append(Problem(source, str(exc)))
    except (OSError, ValueError, RecursionError) as exc:
        problems.append(Problem(source, f"cannot read ({type(exc).__name__}: {exc})"))
    return []


def expand_sources(sources: Iterable[str], problems: list[Problem]) -> Iterator[str]:
    """Sources with directories expanded (recursively, loop-safe)."""
    for s in sources:
        if s != "-" and not s.startswith(("http://", "https://")) and os.path.isdir(s):
            yield from _walk(s, problems)
        else:
            yield s


def ingest(sources: Iterable[str], problems: list[Problem] | None = None) -> list[Article]:
    """Read every source into raw Articles (id, source, raw text, metadata); bad inputs -> `problems`.

    Ids are unique within one call: a clash gets a `-2`, `-3` suffix.
    """
    problems = problems if problems is not None else []
    out: list[Article] = []
    seen: dict[str, int] = {}
    for src in expand_sources(sources, problems):
        for art in ingest_one(src, problems):
            if art.id in seen:
                seen[art.id] += 1
                art.id = f"{art.id}-{seen[art.id]}"
            seen.setdefault(art.id, 1)
            out.append(art)
    return out
